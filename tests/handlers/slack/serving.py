"""What the Slack end-to-end tests share: settings pointing at the fake Slack, the app served by
uvicorn on port 0, and readers of Block Kit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine

from bot.clock import Clock
from bot.runtime import Runtime
from bot.settings import Settings
from handlers.web.app import create_app
from tests.fakes import slack_payloads as p
from tests.fakes.slack_api import FakeSlack
from tests.servers import serve_app

ADMIN = "U0ADMIN"
STAFF = "U0STAFF"
PUBLIC = "https://secbot.example.org"


def slack_settings(fake: FakeSlack, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": p.SECRET,
        "slack_api_url": fake.api_url,
        "admins": f"{ADMIN}, UOTHERADMIN",
        "public_url": PUBLIC,
        "default_tz": "Europe/Zurich",
        "seed_on_start": False,
        **overrides,
    }
    return Settings(**values)


@contextmanager
def running(engine: Engine, clock: Clock, fake: FakeSlack, **overrides: Any) -> Iterator[str]:
    runtime = Runtime(settings=slack_settings(fake, **overrides), clock=clock, engine=engine)
    with serve_app(create_app(runtime)) as url:
        yield url


def block_types(blocks: list[dict[str, Any]]) -> list[str]:
    return [b["type"] for b in blocks]


def action_ids(blocks: list[dict[str, Any]]) -> list[str]:
    return [e.get("action_id", "") for b in blocks if b["type"] == "actions" for e in b["elements"]]


def meeting_ids(blocks: list[dict[str, Any]]) -> list[str]:
    return [
        b["block_id"].removeprefix("meeting:")
        for b in blocks
        if b["type"] == "actions" and b.get("block_id", "").startswith("meeting:")
    ]
