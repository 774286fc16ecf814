"""The scheduler inside the real server: wakes when rows fall due, and when the ledger changes."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import Engine

from bot import reminders
from bot.clock import Clock
from bot.runtime import Runtime
from bot.settings import Settings
from handlers.web.app import create_app
from storage import db, repo
from tests.fakes.slack_api import fake_slack
from tests.reminder_helpers import LUSAKA, due_instant, fan_out
from tests.servers import serve_app, wait_until


def test_rows_go_out_when_due_and_when_the_ledger_changes(
    seeded: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = due_instant(3)
    fan_out(seeded, 3, now=at - timedelta(days=10))
    with fake_slack() as sink:
        settings = Settings(
            database_url=database_url, slack_bot_token="xoxb-test", slack_api_url=sink.api_url,
            seed_on_start=False, reminders_safety_interval=3600,
        )  # fmt: skip
        clock = Clock(anchor=at - timedelta(seconds=0.5), running=True)
        runtime = Runtime(settings=settings, clock=clock, engine=seeded)
        with serve_app(create_app(runtime)) as url:
            assert httpx.get(f"{url}/healthz").status_code == 200
            assert len(sink) == 0 or clock.now() >= at  # nothing before its time
            wait_until(lambda: len(sink) == 3)  # the wake-up job fired at `at`
            assert clock.now() >= at
            # a change in this process (an admin cancels in chat) pokes the scheduler: the
            # CANCEL goes out at once, not at the next safety interval an hour away
            with db.session_scope(seeded) as s:
                repo.cancel_meeting(s, meeting_id=LUSAKA, now=clock.now())
                assert reminders.replan_meeting(s, meeting_id=LUSAKA, now=clock.now()).notices
            wait_until(lambda: len(sink) == 6)
        texts = [p.text for p in sink.posts]
    assert sum(t.startswith("Reminder: ") for t in texts) == 3
    assert sum(t.startswith("Cancelled: ") for t in texts) == 3
    assert set(sink.counts().values()) == {1}
