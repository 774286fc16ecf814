"""Fixtures of the Slack end-to-end tests: a fake Slack Web API and the app served against it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from bot.clock import Clock
from tests.fakes.slack_api import FakeSlack, fake_slack
from tests.handlers.slack.serving import running


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with fake_slack() as server:
        yield server


@pytest.fixture
def slack(seeded: Engine, clock: Clock, fake: FakeSlack) -> Iterator[str]:
    with running(seeded, clock, fake) as url:
        yield url
