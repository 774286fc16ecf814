"""A Slack Web API outage longer than the SDK's retries: the answer waits in the delivery ledger
and arrives once when Slack is back, whether or not Slack redelivers the event meanwhile.

Signed events to the real ASGI app under uvicorn; Web API calls to the fake Slack, which
answers 503 for a while. The server's clock is moved by hand (no sleeping on it).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.clock import Clock
from bot.runtime import Runtime
from handlers.web.app import create_app
from storage import db
from storage.models import Delivery
from tests.conftest import NOW
from tests.fakes import slack_payloads as p
from tests.fakes.slack_api import FakeSlack, fake_slack
from tests.handlers.slack.serving import slack_settings
from tests.servers import serve_app, wait_until

SDK_TRIES = 3  # the Bolt client's AsyncServerErrorRetryHandler: one call and two retries
DISPATCH_TRIES = 5  # SECBOT_REMINDERS_MAX_ATTEMPTS: one dispatcher round
RETRY = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}


class HandClock:
    """The server's clock, at NOW until a test moves it on."""

    def __init__(self) -> None:
        self.offset = 0.0
        self.clock = Clock(anchor=NOW, running=True, ticker=lambda: self.offset)

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with fake_slack() as server:
        yield server


@contextmanager
def running(engine: Engine, clock: Clock, fake: FakeSlack) -> Iterator[str]:
    settings = slack_settings(
        fake, reminders_backoff=0.0, reminders_safety_interval=0.1, reminders_max_attempts=5
    )
    app = create_app(Runtime(settings=settings, clock=clock, engine=engine))
    with serve_app(app, timeout=30) as url:  # a loaded machine may start it slowly
        yield url


def answer_row(engine: Engine, event_id: str) -> Delivery | None:
    with Session(engine) as s:
        query = select(Delivery).where(Delivery.subject == f"answer:{event_id}")
        return s.exec(query).one_or_none()


def state_of(engine: Engine, event_id: str) -> str | None:
    row = answer_row(engine, event_id)
    return row.state if row else None


def attempts(engine: Engine, event_id: str) -> tuple[int, str] | None:
    row = answer_row(engine, event_id)
    return (row.attempts, row.state) if row else None


def answers_to(fake: FakeSlack, ts: str, *, ok_only: bool = True) -> list[Any]:
    calls = fake.of("chat.postMessage", ok_only=ok_only)
    return [c for c in calls if c.params.get("thread_ts") == ts]


def down_then_waiting(engine: Engine, fake: FakeSlack, url: str, event_id: str) -> str:
    """Slack answers 503 to every post for the SDK's retries and a whole dispatcher round; the
    answer then waits in the ledger. Returns the asking message's ts."""
    fake.fail("chat.postMessage", 503, times=SDK_TRIES + DISPATCH_TRIES)
    event = p.app_mention("when is INC7?", channel="C0PLANNING")
    assert p.post_json(url, p.event_callback(event, event_id=event_id)).status_code == 200
    tries = SDK_TRIES + DISPATCH_TRIES
    wait_until(lambda: len(answers_to(fake, event["ts"], ok_only=False)) == tries)
    wait_until(lambda: attempts(engine, event_id) == (1 + DISPATCH_TRIES, "pending"))
    row = answer_row(engine, event_id)
    assert row is not None and row.payload and row.claimed_by is None
    assert row.due_at == NOW + timedelta(seconds=60)  # SECBOT_REMINDERS_BACKOFF_MAX on
    assert answers_to(fake, event["ts"]) == []
    return str(event["ts"])


def test_an_answer_outlasting_slacks_outage_arrives_once(seeded: Engine, fake: FakeSlack) -> None:
    hand = HandClock()
    with running(seeded, hand.clock, fake) as url:
        ts = down_then_waiting(seeded, fake, url, "Ev0OUTAGE1")
        hand.advance(61)  # Slack is back; the answer's next try falls due
        [call] = fake.wait_for("chat.postMessage", where=lambda c: c.params["thread_ts"] == ts)
        wait_until(lambda: state_of(seeded, "Ev0OUTAGE1") == "sent")
        hand.advance(3600)
        barrier = p.app_mention("hi")  # later work goes through; nothing more for the first
        assert p.post_json(url, p.event_callback(barrier)).status_code == 200
        fake.wait_for("chat.postMessage", where=lambda c: c.params["thread_ts"] == barrier["ts"])
    assert call.params["channel"] == "C0PLANNING"
    assert call.params["blocks"] and call.params["text"]
    assert len(answers_to(fake, ts)) == 1
    statuses = [c.status for c in answers_to(fake, ts, ok_only=False)]
    assert statuses == [503] * (SDK_TRIES + DISPATCH_TRIES) + [200]


def test_a_redelivery_during_the_outage_gets_the_answer_out_once(
    seeded: Engine, fake: FakeSlack
) -> None:
    hand = HandClock()
    event_id = "Ev0OUTAGE2"
    with running(seeded, hand.clock, fake) as url:
        ts = down_then_waiting(seeded, fake, url, event_id)
        body = p.event_callback(
            p.app_mention("when is INC7?", channel="C0PLANNING"), event_id=event_id
        )
        body["event"]["ts"] = ts
        hand.advance(5)  # Slack redelivers before the next try is due: try at once
        assert p.post_json(url, body, headers=RETRY).status_code == 200
        fake.wait_for("chat.postMessage", where=lambda c: c.params["thread_ts"] == ts)
        wait_until(lambda: state_of(seeded, event_id) == "sent")
        for n in (2, 3):  # and its further redeliveries change nothing
            retry = {**RETRY, "X-Slack-Retry-Num": str(n)}
            assert p.post_json(url, body, headers=retry).status_code == 200
        hand.advance(120)
        barrier = p.app_mention("hi")
        assert p.post_json(url, p.event_callback(barrier)).status_code == 200
        fake.wait_for("chat.postMessage", where=lambda c: c.params["thread_ts"] == barrier["ts"])
    assert len(answers_to(fake, ts)) == 1
    assert len(answers_to(fake, ts, ok_only=False)) == SDK_TRIES + DISPATCH_TRIES + 1


def test_a_redelivery_answers_an_event_whose_worker_died_mid_answer(
    seeded: Engine, fake: FakeSlack
) -> None:
    hand = HandClock()
    event = p.app_mention("when is INC7?")
    body = p.event_callback(event, event_id="Ev0DIED")
    with db.session_scope(seeded) as s:  # a process took the event and was killed (-9)
        s.add(
            Delivery(
                kind="answer",
                subject="answer:Ev0DIED",
                meeting_id="",
                recipient="slack:C0GENERAL",
                channel="slack",
                due_at=NOW,
                state="sending",
                claimed_by="gone:1:abcdef:0123",
                claimed_at=NOW - timedelta(seconds=31),
                created_at=NOW,
                updated_at=NOW,
            )
        )
    with running(seeded, hand.clock, fake) as url:
        assert p.post_json(url, body, headers=RETRY).status_code == 200
        [call] = fake.wait_for(
            "chat.postMessage", where=lambda c: c.params["thread_ts"] == event["ts"]
        )
        wait_until(lambda: state_of(seeded, "Ev0DIED") == "sent")
    assert call.params["channel"] == "C0GENERAL" and call.params["text"]
    assert len(answers_to(fake, event["ts"])) == 1
