"""Slack end to end, the platform contract and answers in chat: signed requests to the real ASGI
app under uvicorn, Web API calls to a fake (tests/fakes/slack_api.py).

Every test runs on SQLite and (with SECBOT_TEST_DATABASE_URL) PostgreSQL, through the real
`answer()`; assertions are on what the fake Slack received."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.assistant import answer
from bot.clock import Clock
from bot.conversation import Asker
from handlers.slack.blocks import (
    EDIT_MEETING,
)
from storage import people
from storage.models import Delivery
from tests.fakes import slack_payloads as p
from tests.fakes.slack_api import BOT_ID, BOT_USER, FakeSlack
from tests.handlers.slack.serving import (
    action_ids,
    meeting_ids,
    running,
)
from tests.runtimes import runtime_of

# --- the platform contract -------------------------------------------------------------------


def test_url_verification_echoes_the_challenge(slack: str) -> None:
    payload = {
        "token": "t",
        "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
        "type": "url_verification",
    }
    response = p.post_json(slack, payload)
    assert response.status_code == 200
    assert response.json() == {"challenge": payload["challenge"]}


def test_forged_signature_is_refused(slack: str, fake: FakeSlack) -> None:
    body = p.event_callback(p.app_mention("when is INC7?"))
    response = p.post_json(slack, body, secret="not-the-signing-secret")
    assert response.status_code == 401
    tampered = p.signed_headers(json.dumps(body))
    response = p.post(
        slack, json.dumps({**body, "event_id": "EvOTHER"}), "application/json", headers=tampered
    )
    assert response.status_code == 401
    assert fake.calls == []


def test_stale_timestamp_is_refused(slack: str, fake: FakeSlack) -> None:
    response = p.post_json(slack, p.event_callback(p.app_mention("hi")), age=6 * 60)
    assert response.status_code == 401
    assert p.post_json(slack, {"type": "url_verification", "challenge": "c"}, age=4 * 60).json()
    assert fake.of("chat.postMessage") == []


def test_unconfigured_server_still_serves_and_says_how_to_connect(
    seeded: Engine, clock: Clock, fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="secbot.slack")
    with running(seeded, clock, fake, SLACK_BOT_TOKEN=None, SLACK_SIGNING_SECRET=None) as url:
        response = p.post_json(url, p.event_callback(p.app_mention("hi")))
        health = p.httpx.get(f"{url}/healthz")
    assert response.status_code == 404
    assert health.status_code == 200
    assert any("SLACK_BOT_TOKEN" in r.getMessage() for r in caplog.records)
    assert "manifest" in caplog.text


# --- answers in chat ---------------------------------------------------------------------------


def test_mention_is_answered_in_its_thread(slack: str, fake: FakeSlack) -> None:
    event = p.app_mention("when is the Lusaka meeting?", channel="C0PLANNING")
    response = p.post_json(slack, p.event_callback(event))
    assert response.status_code == 200
    [call] = fake.wait_for("chat.postMessage")
    assert call.params["channel"] == "C0PLANNING"
    assert call.params["thread_ts"] == event["ts"]
    assert call.params["text"]
    assert call.params["blocks"][0]["type"] == "section"
    assert len(call.params["blocks"]) <= 50
    assert call.headers["Authorization"] == "Bearer xoxb-test"
    # answers in channels carry no admin controls, whoever asked
    assert EDIT_MEETING not in action_ids(call.params["blocks"])


def test_the_cores_meetings_are_rendered_in_its_order(
    slack: str, fake: FakeSlack, seeded: Engine, clock: Clock
) -> None:
    question = "what's on in February 2016?"
    expected = answer(
        question, runtime=runtime_of(seeded), asker=Asker(platform="slack"), now=clock.now()
    )
    event = p.app_mention(question)
    assert p.post_json(slack, p.event_callback(event)).status_code == 200
    [call] = fake.wait_for("chat.postMessage")
    shown = meeting_ids(call.params["blocks"])
    assert shown == [m.id for m in expected.meetings][: len(shown)]
    assert len(shown) == min(len(expected.meetings), 10)
    assert call.params["text"] == expected.text[:3000]
    assert "•" not in call.params["blocks"][0]["text"]["text"]  # the list is in the blocks


def test_the_ack_does_not_wait_for_the_work(slack: str, fake: FakeSlack) -> None:
    release = fake.hold("users.info")  # Slack is slow to tell us the asker's time zone
    try:
        event = p.app_mention("what's next?")
        response = p.post_json(slack, p.event_callback(event))
        assert response.status_code == 200
        assert fake.of("chat.postMessage") == []  # acknowledged before the answer was made
    finally:
        release.set()
    [call] = fake.wait_for("chat.postMessage")
    assert call.params["thread_ts"] == event["ts"]


def test_mention_inside_a_thread_stays_in_that_thread(slack: str, fake: FakeSlack) -> None:
    event = p.app_mention("and the next one?", thread_ts="1450160000.000100")
    assert p.post_json(slack, p.event_callback(event)).status_code == 200
    [call] = fake.wait_for("chat.postMessage")
    assert call.params["thread_ts"] == "1450160000.000100"


def test_direct_message_is_answered_and_the_time_zone_looked_up_once(
    slack: str, fake: FakeSlack
) -> None:
    fake.users["U0TOKYO"] = {"tz": "Asia/Tokyo"}
    first = p.im_message("what's coming up?", user="U0TOKYO")
    second = p.im_message("and in Africa?", user="U0TOKYO")
    for event in (first, second):
        assert p.post_json(slack, p.event_callback(event)).status_code == 200
        fake.wait_for("chat.postMessage", where=lambda c, e=event: c.params["thread_ts"] == e["ts"])
    posts = fake.of("chat.postMessage")
    assert {c.params["channel"] for c in posts} == {"D0DIRECT"}
    assert len(fake.of("users.info")) == 1  # cached


def test_the_profile_zone_is_kept_and_the_default_never_is(
    slack: str, fake: FakeSlack, seeded: Engine
) -> None:
    fake.users["U0TOKYO"] = {"tz": "Asia/Tokyo"}
    fake.users["U0NOZONE"] = {"tz": None}  # a profile without a zone
    for user in ("U0TOKYO", "U0NOZONE"):
        event = p.im_message("what's coming up?", user=user)
        assert p.post_json(slack, p.event_callback(event)).status_code == 200
        fake.wait_for("chat.postMessage", where=lambda c, e=event: c.params["thread_ts"] == e["ts"])
    with Session(seeded) as s:
        assert people.get_person(s, user_key="slack:U0TOKYO").timezone == "Asia/Tokyo"  # type: ignore[union-attr]
        # answered in SECBOT_DEFAULT_TZ, but that is not their profile's zone
        assert people.get_person(s, user_key="slack:U0NOZONE") is None


def test_bot_messages_are_ignored(slack: str, fake: FakeSlack) -> None:
    ignored = [
        p.im_message("reminder: INC7", bot_id="B0OTHER", subtype="bot_message"),
        p.im_message("my own answer", user=BOT_USER, bot_id=BOT_ID),
        p.im_message("edited", subtype="message_changed"),
        {**p.app_mention("hi from a bot"), "bot_id": "B0OTHER"},
    ]
    for event in ignored:
        assert p.post_json(slack, p.event_callback(event)).status_code == 200
    person = p.im_message("hello")
    assert p.post_json(slack, p.event_callback(person)).status_code == 200
    [call] = fake.wait_for("chat.postMessage")
    assert call.params["thread_ts"] == person["ts"]
    assert len(fake.of("chat.postMessage")) == 1


def _answers_to(fake: FakeSlack, ts: str) -> list[Any]:
    return [c for c in fake.of("chat.postMessage") if c.params.get("thread_ts") == ts]


def test_retries_answer_once_even_after_a_restart(
    seeded: Engine, clock: Clock, fake: FakeSlack
) -> None:
    event = p.app_mention("when is INC7?")
    body = p.event_callback(event, event_id="Ev0RETRY1")
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    with running(seeded, clock, fake) as url:
        assert p.post_json(url, body).status_code == 200
        fake.wait_for("chat.postMessage", where=lambda c: c.params["thread_ts"] == event["ts"])
        assert p.post_json(url, body, headers=retry).status_code == 200
    with running(seeded, clock, fake) as url:  # a new process state on the same database
        assert (
            p.post_json(url, body, headers={**retry, "X-Slack-Retry-Num": "2"}).status_code == 200
        )
        barrier = p.app_mention("hi")
        assert p.post_json(url, p.event_callback(barrier)).status_code == 200
        fake.wait_for("chat.postMessage", where=lambda c: c.params["thread_ts"] == barrier["ts"])
    assert len(_answers_to(fake, event["ts"])) == 1
    with Session(seeded) as session:
        rows = session.exec(select(Delivery).where(Delivery.subject == "answer:Ev0RETRY1")).all()
    assert [(r.kind, r.state, r.recipient) for r in rows] == [("answer", "sent", "slack:C0GENERAL")]


def test_rate_limited_post_is_retried_after_retry_after_and_delivered_once(
    slack: str, fake: FakeSlack
) -> None:
    fake.fail("chat.postMessage", 429, retry_after=0)
    fake.fail("users.info", 500)
    event = p.app_mention("what's next?")
    assert p.post_json(slack, p.event_callback(event)).status_code == 200
    fake.wait_for("chat.postMessage")
    attempts = fake.of("chat.postMessage", ok_only=False)
    assert [c.status for c in attempts] == [429, 200]
    assert len(_answers_to(fake, event["ts"])) == 1
    assert [c.status for c in fake.of("users.info", ok_only=False)] == [500, 200]


# --- Socket Mode -----------------------------------------------------------------------------


def test_socket_mode_uses_the_same_listeners_and_dedupes_retries(
    seeded: Engine, clock: Clock, fake: FakeSlack
) -> None:
    event = p.app_mention("when is INC7?", channel="C0SOCKET")
    envelope = {
        "envelope_id": "env-1",
        "type": "events_api",
        "accepts_response_payload": False,
        "retry_attempt": 0,
        "retry_reason": "",
        "payload": p.event_callback(event, event_id="Ev0SOCKET"),
    }
    with running(seeded, clock, fake, SLACK_APP_TOKEN="xapp-1-test") as url:
        assert p.post_json(url, p.event_callback(p.app_mention("hi"))).status_code == 404
        [opened] = fake.wait_for("apps.connections.open")
        assert opened.headers["Authorization"] == "Bearer xapp-1-test"
        fake.wait_for_socket()
        fake.socket_send(envelope)
        [post] = fake.wait_for("chat.postMessage")
        assert (post.params["channel"], post.params["thread_ts"]) == ("C0SOCKET", event["ts"])
        fake.socket_send({**envelope, "envelope_id": "env-2", "retry_attempt": 1})
        fake.wait_for("socket_ack", 2)
        barrier = p.app_mention("hi", channel="C0SOCKET")
        fake.socket_send({**envelope, "envelope_id": "env-3", "payload": p.event_callback(barrier)})
        fake.wait_for("chat.postMessage", 2)
    acks = [c.params["envelope_id"] for c in fake.of("socket_ack")]
    assert acks == ["env-1", "env-2", "env-3"]
    assert len(_answers_to(fake, event["ts"])) == 1
