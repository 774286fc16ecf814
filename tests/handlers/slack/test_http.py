"""Slack end to end: signed requests to the real ASGI app under uvicorn, Web API calls to a fake.

Every test runs on SQLite and (with SECBOT_TEST_DATABASE_URL) PostgreSQL, through the real
`answer()`; assertions are on what the fake Slack received.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from icalendar import Calendar
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot import reminders
from bot.assistant import answer
from bot.calendar import invites
from bot.clock import Clock
from bot.conversation import Asker
from bot.runtime import Runtime
from bot.settings import Settings
from handlers.slack.blocks import (
    ADD_MEETING,
    CALENDAR_LINK,
    EDIT_MEETING,
    REMIND_ME,
    SHARE_IN_CHANNEL,
    SHOW_MORE,
    SUBSCRIBE,
    page_value,
)
from handlers.web.app import create_app
from storage import db, people, repo, subscriptions
from storage.models import Delivery, Meeting, TargetKind
from tests.fakes import slack_payloads as p
from tests.fakes.slack_api import BOT_ID, BOT_USER, FakeSlack, fake_slack
from tests.runtimes import runtime_of
from tests.servers import serve_app, smtp_sink, wait_until

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


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with fake_slack() as server:
        yield server


@contextmanager
def running(engine: Engine, clock: Clock, fake: FakeSlack, **overrides: Any) -> Iterator[str]:
    runtime = Runtime(settings=slack_settings(fake, **overrides), clock=clock, engine=engine)
    with serve_app(create_app(runtime)) as url:
        yield url


@pytest.fixture
def slack(seeded: Engine, clock: Clock, fake: FakeSlack) -> Iterator[str]:
    with running(seeded, clock, fake) as url:
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


# --- /meetings and buttons ---------------------------------------------------------------------


def test_meetings_without_text_lists_the_next_five_privately(
    slack: str, fake: FakeSlack, seeded: Engine, clock: Clock
) -> None:
    form = p.slash_command("", user=STAFF, response_url=fake.response_url("cmd1"))
    response = p.post_form(slack, form)
    assert response.status_code == 200
    [call] = fake.wait_for("response_url")
    assert call.params["response_type"] == "ephemeral"
    with Session(seeded) as session:
        expected = [m.id for m in repo.list_meetings(session, start=clock.today(), limit=5)]
    assert meeting_ids(call.params["blocks"]) == expected
    assert SHARE_IN_CHANNEL in action_ids(call.params["blocks"])
    assert ADD_MEETING not in action_ids(call.params["blocks"])
    assert EDIT_MEETING not in action_ids(call.params["blocks"])


def test_meetings_with_a_question_goes_through_the_core(slack: str, fake: FakeSlack) -> None:
    form = p.slash_command("when is INC7?", user=ADMIN, response_url=fake.response_url())
    assert p.post_form(slack, form).status_code == 200
    [call] = fake.wait_for("response_url")
    blocks = call.params["blocks"]
    assert call.params["response_type"] == "ephemeral"
    assert call.params["text"]
    assert block_types(blocks)[0] == "section"
    assert {SHARE_IN_CHANNEL, ADD_MEETING} <= set(action_ids(blocks))  # an admin's private view


def test_share_in_channel_posts_for_everyone(slack: str, fake: FakeSlack) -> None:
    value = page_value("", 0, 5)
    payload = p.block_actions(
        p.button(SHARE_IN_CHANNEL, value),
        user=ADMIN,
        ephemeral=True,
        response_url=fake.response_url("share"),
    )
    assert p.post_interaction(slack, payload).status_code == 200
    [call] = fake.wait_for("response_url")
    assert call.params["response_type"] == "in_channel"
    assert f"<@{ADMIN}>" in json.dumps(call.params["blocks"])
    assert len(meeting_ids(call.params["blocks"])) == 5
    assert EDIT_MEETING not in action_ids(call.params["blocks"])  # the channel sees no admin tools


def test_show_more_replaces_the_message_with_the_requested_page(
    slack: str, fake: FakeSlack
) -> None:
    payload = p.block_actions(
        p.button(SHOW_MORE, page_value("what's coming up?", 10, 10)),
        user=STAFF,
        response_url=fake.response_url("more"),
    )
    assert p.post_interaction(slack, payload).status_code == 200
    [call] = fake.wait_for("response_url")
    assert call.params["replace_original"] is True
    assert call.params["blocks"] and len(call.params["blocks"]) <= 50


def test_remind_me_asks_the_core_and_answers_ephemerally(slack: str, fake: FakeSlack) -> None:
    payload = p.block_actions(
        p.select(REMIND_ME, "lac-regional-2016|3"), user=STAFF, channel="C0PLANNING"
    )
    assert p.post_interaction(slack, payload).status_code == 200
    [call] = fake.wait_for("chat.postEphemeral")
    assert call.params["channel"] == "C0PLANNING"
    assert call.params["user"] == STAFF
    assert call.params["text"]
    assert fake.of("chat.postMessage") == []


def test_subscribe_from_app_home_answers_by_direct_message(slack: str, fake: FakeSlack) -> None:
    value = json.dumps(
        {
            "verb": "subscribe",
            "meeting_id": "lac-regional-2016",
            "region": "Latin America and the Caribbean",
            "kind": "regional_meeting",
        }
    )
    payload = p.block_actions(p.button(SUBSCRIBE, value), user=STAFF, in_home=True)
    assert p.post_interaction(slack, payload).status_code == 200
    [call] = fake.wait_for("chat.postMessage")
    assert call.params["channel"] == STAFF
    assert call.params["text"]


def test_forged_button_values_are_dropped(slack: str, fake: FakeSlack) -> None:
    for action in (
        p.button(SUBSCRIBE, "{not json"),
        p.select(REMIND_ME, "inc7|5"),
        p.select(REMIND_ME, "../etc|3"),
    ):
        payload = p.block_actions(action, user=STAFF, channel="C0PLANNING")
        assert p.post_interaction(slack, payload).status_code == 200
    barrier = p.block_actions(p.button(CALENDAR_LINK, "x"), user=STAFF, in_home=True)
    assert p.post_interaction(slack, barrier).status_code == 200
    fake.wait_for("chat.postMessage")
    assert fake.of("chat.postEphemeral") == []


def test_add_to_calendar_link_is_acknowledged(slack: str, fake: FakeSlack) -> None:
    action = {**p.button("add_to_calendar", "inc7"), "url": f"{PUBLIC}/calendar/meeting/inc7.ics"}
    response = p.post_interaction(slack, p.block_actions(action, user=STAFF))
    assert response.status_code == 200


# --- App Home --------------------------------------------------------------------------------


def test_app_home_shows_upcoming_meetings_and_feed(slack: str, fake: FakeSlack) -> None:
    assert p.post_json(slack, p.event_callback(p.home_opened(STAFF))).status_code == 200
    [call] = fake.wait_for("views.publish")
    view = call.params["view"]
    assert call.params["user_id"] == STAFF
    assert view["type"] == "home"
    assert len(meeting_ids(view["blocks"])) == 5
    text = json.dumps(view)
    assert f"webcal://{PUBLIC.removeprefix('https://')}/calendar.ics" in text
    assert "My reminders" in text and "My subscriptions" in text
    assert ADD_MEETING not in action_ids(view["blocks"])
    assert EDIT_MEETING not in action_ids(view["blocks"])


def test_app_home_lists_my_subscriptions_and_reminders(
    slack: str, fake: FakeSlack, seeded: Engine, clock: Clock
) -> None:
    with db.session_scope(seeded) as session:
        subscriptions.subscribe(
            session,
            subscriber=f"slack:{STAFF}",
            target_kind=TargetKind.region,
            target="Africa",
            now=clock.now(),
            alarm_minutes=3 * 1440,
        )
        subscriptions.issue_token(session, user_key=f"slack:{STAFF}", now=clock.now())
        reminders.add_rule(
            session,
            subscriber=f"slack:{STAFF}",
            scope="meeting",
            scope_value="africa-regional-2016",
            offsets=[3, 7],
            now=clock.now(),
            timezone="Europe/Zurich",
        )
    assert p.post_json(slack, p.event_callback(p.home_opened(STAFF))).status_code == 200
    [call] = fake.wait_for("views.publish")
    text = json.dumps(call.params["view"], ensure_ascii=False)
    assert "Africa meetings (alarm 3 days before)" in text
    assert "African regional meeting in preparation for INC7 (3d,1w before, at 09:00)" in text
    assert "No subscriptions yet" not in text
    assert "has a link since 15 December 2015" in text


def test_app_home_of_an_admin_has_add_and_edit(slack: str, fake: FakeSlack) -> None:
    assert p.post_json(slack, p.event_callback(p.home_opened(ADMIN))).status_code == 200
    [call] = fake.wait_for("views.publish")
    ids = action_ids(call.params["view"]["blocks"])
    assert ADD_MEETING in ids
    assert ids.count(EDIT_MEETING) == 5


# --- the admins' modal -----------------------------------------------------------------------


def _open_edit_modal(slack: str, fake: FakeSlack, meeting_id: str) -> dict[str, Any]:
    payload = p.block_actions(p.button(EDIT_MEETING, meeting_id), user=ADMIN, in_home=True)
    assert p.post_interaction(slack, payload).status_code == 200
    [call] = fake.wait_for("views.open")
    assert call.params["trigger_id"] == payload["trigger_id"]
    view: dict[str, Any] = call.params["view"]
    return view


def _values(view: dict[str, Any], **changes: str | None) -> dict[str, dict[str, Any]]:
    """The modal's initial values, as Slack would submit them, with `changes` typed in."""
    values: dict[str, dict[str, Any]] = {}
    for block in view["blocks"]:
        element = block["element"]
        if element["type"] == "plain_text_input":
            values[block["block_id"]] = p.text_value(element.get("initial_value"))
        elif element["type"] == "static_select":
            values[block["block_id"]] = p.option_value(element["initial_option"]["value"])
    for key, value in changes.items():
        values[key] = p.text_value(value)
    return values


def test_admin_edits_a_meeting_in_the_modal(slack: str, fake: FakeSlack, seeded: Engine) -> None:
    view = _open_edit_modal(slack, fake, "lac-regional-2016")
    assert view["type"] == "modal"
    submission = p.view_submission(view, _values(view, venue="Torre Ejecutiva"), user=ADMIN)
    response = p.post_interaction(slack, submission)
    assert response.status_code == 200
    assert response.text == ""  # closes the modal
    [confirmation] = fake.wait_for("chat.postMessage")
    assert confirmation.params["channel"] == ADMIN
    with Session(seeded) as session:
        meeting = session.get(Meeting, "lac-regional-2016")
        assert meeting is not None
        assert meeting.venue == "Torre Ejecutiva"
        assert meeting.sequence == 1
        assert meeting.city == "Montevideo"


def test_an_edit_in_the_modal_sends_invitees_the_update(
    seeded: Engine, clock: Clock, fake: FakeSlack
) -> None:
    meeting_id = "lac-regional-2016"
    with db.session_scope(seeded) as session:
        invites.invite(session, meeting_id=meeting_id, addresses=["ana@example.org"],
                       now=clock.now())  # fmt: skip
    with smtp_sink() as (box, port), running(seeded, clock, fake, smtp_port=port) as slack:
        wait_until(lambda: len(box.messages) == 1)  # the scheduler sends the invite
        view = _open_edit_modal(slack, fake, meeting_id)
        submission = p.view_submission(view, _values(view, venue="Torre Ejecutiva"), user=ADMIN)
        assert p.post_interaction(slack, submission).status_code == 200
        wait_until(lambda: len(box.messages) == 2)  # and the update, as soon as it is saved
    (_, invite), (rcpt, update) = box.messages
    assert rcpt == ["ana@example.org"]
    assert str(invite["Subject"]).startswith("Invitation: ")
    assert str(update["Subject"]).startswith("Updated: ")
    [attachment] = [part for part in update.iter_attachments()]
    [event] = Calendar.from_ical(attachment.get_content()).walk("VEVENT")
    assert event["SEQUENCE"] == 1 and "Torre Ejecutiva" in str(event["LOCATION"])


def test_invalid_fields_come_back_inline_and_nothing_is_written(
    slack: str, fake: FakeSlack, seeded: Engine
) -> None:
    view = _open_edit_modal(slack, fake, "lac-regional-2016")
    values = _values(view, start="2016-02-12", end="2016-02-09", country="Atlantis")
    response = p.post_interaction(slack, p.view_submission(view, values, user=ADMIN))
    assert response.status_code == 200
    body = response.json()
    assert body["response_action"] == "errors"
    assert "country" in body["errors"]
    values = _values(view, start="2016-02-12", end="2016-02-09")
    body = p.post_interaction(slack, p.view_submission(view, values, user=ADMIN)).json()
    assert set(body["errors"]) == {"end"}
    with Session(seeded) as session:
        meeting = session.get(Meeting, "lac-regional-2016")
        assert meeting is not None and meeting.sequence == 0


def test_admin_adds_a_meeting(slack: str, fake: FakeSlack, seeded: Engine) -> None:
    payload = p.block_actions(p.button(ADD_MEETING, "new"), user=ADMIN, in_home=True)
    assert p.post_interaction(slack, payload).status_code == 200
    [opened] = fake.wait_for("views.open")
    view = opened.params["view"]
    values = _values(
        view,
        title="Regional workshop on artisanal gold mining",
        start="2016-03-01",
        end="2016-03-03",
        city="Nairobi",
    )
    values["kind"] = p.option_value("workshop")
    response = p.post_interaction(slack, p.view_submission(view, values, user=ADMIN))
    assert response.status_code == 200 and response.text == ""
    with Session(seeded) as session:
        [added] = repo.find_meetings_text(session, text="artisanal gold")
        assert (added.kind, added.country, added.region) == ("workshop", "KE", "Africa")


def test_non_admins_never_get_the_modal_nor_save_through_a_forged_one(
    slack: str, fake: FakeSlack, seeded: Engine
) -> None:
    payload = p.block_actions(p.button(EDIT_MEETING, "inc7"), user=STAFF, channel="C0PLANNING")
    assert p.post_interaction(slack, payload).status_code == 200
    [refusal] = fake.wait_for("chat.postEphemeral")
    assert refusal.params["user"] == STAFF
    assert fake.of("views.open") == []
    forged_view = {"callback_id": "meeting_modal", "private_metadata": json.dumps({"id": "inc7"})}
    values = {"title": p.text_value("Hijacked"), "start": p.text_value("2016-05-01")}
    response = p.post_interaction(slack, p.view_submission(forged_view, values, user=STAFF))
    assert response.status_code == 200
    assert response.json()["response_action"] == "errors"
    with Session(seeded) as session:
        meeting = session.get(Meeting, "inc7")
        assert meeting is not None
        assert (meeting.title.startswith("Seventh"), meeting.sequence) == (True, 0)


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
