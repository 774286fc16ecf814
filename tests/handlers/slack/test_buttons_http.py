"""Slack end to end: /meetings, the buttons on meetings, and App Home."""

from __future__ import annotations

import json

from sqlalchemy import Engine
from sqlmodel import Session

from bot import reminders
from bot.clock import Clock
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
from storage import db, repo, subscriptions
from storage.models import TargetKind
from tests.fakes import slack_payloads as p
from tests.fakes.slack_api import FakeSlack
from tests.handlers.slack.serving import (
    ADMIN,
    PUBLIC,
    STAFF,
    action_ids,
    block_types,
    meeting_ids,
)

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
