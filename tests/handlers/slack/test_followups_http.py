"""Slack end to end for issue 16: deadlines in Block Kit, a follow-up answered in its thread
after the server restarted, and the calendar buttons (real signed HTTP, fake Slack Web API)."""

from __future__ import annotations

import json
from typing import Any

import httpx
from sqlalchemy import Engine
from sqlmodel import Session

from bot.clock import Clock
from bot.conversation import Asker
from bot.runtime import Runtime
from handlers.slack.blocks import (
    ADD_TO_CALENDAR,
    ADD_TO_GOOGLE,
    ADD_TO_OUTLOOK,
    TELL_WHEN_DATED,
)
from handlers.slack.home import my_reminders
from handlers.web.app import create_app
from tests.bot.ask_helpers import ask, with_deadlines
from tests.fakes import slack_payloads as p
from tests.fakes.slack_api import FakeSlack
from tests.handlers.slack.serving import action_ids, slack_settings
from tests.servers import serve_app


def serve(engine: Engine, clock: Clock, fake: FakeSlack) -> Any:
    return serve_app(create_app(Runtime(settings=slack_settings(fake), clock=clock, engine=engine)))


def elements(blocks: list[dict[str, Any]], block_id: str) -> list[dict[str, Any]]:
    [block] = [b for b in blocks if b.get("block_id") == block_id]
    return block["elements"]  # type: ignore[no-any-return]


def test_deadlines_are_a_block_kit_section(seeded: Engine, clock: Clock, fake: FakeSlack) -> None:
    with_deadlines(seeded)
    with serve(seeded, clock, fake) as url:
        event = p.app_mention("What are the deadlines for the Lusaka meeting?")
        assert p.post_json(url, p.event_callback(event)).status_code == 200
        [call] = fake.wait_for("chat.postMessage")
    blocks = call.params["blocks"]
    assert blocks[0]["text"]["text"].startswith("Deadlines for the African regional meeting")
    assert "•" not in blocks[0]["text"]["text"]  # the list is the section below
    assert blocks[1]["text"]["text"].splitlines() == [
        "*Deadlines*",
        "• *Tue 29 December 2015*: Nominations of participants _(14 days left)_",
        "• *Tue 12 January 2016*: Meeting documents _(28 days left)_",
        "• *Tue 12 January 2016*: Registration _(28 days left)_",
        "• *Tue 19 January 2016*: Travel requests for funded participants _(35 days left)_",
    ]
    buttons = elements(blocks, "meeting:africa-regional-2016")
    assert [b["action_id"] for b in buttons][:3] == [ADD_TO_CALENDAR, ADD_TO_GOOGLE, ADD_TO_OUTLOOK]


def test_a_follow_up_in_the_thread_is_answered_after_a_restart(
    seeded: Engine, clock: Clock, fake: FakeSlack
) -> None:
    question = p.app_mention("When is the African regional meeting?", channel="C0PLAN")
    with serve(seeded, clock, fake) as url:
        assert p.post_json(url, p.event_callback(question)).status_code == 200
        fake.wait_for("chat.postMessage")
    fake.reset()
    with serve(seeded, clock, fake) as url:  # a new process: only the database remembers
        follow = p.app_mention("who funds it?", channel="C0PLAN", thread_ts=question["ts"])
        assert p.post_json(url, p.event_callback(follow)).status_code == 200
        [call] = fake.wait_for("chat.postMessage")
        # another thread of the same channel is another conversation
        other = p.app_mention("who funds it?", channel="C0PLAN")
        assert p.post_json(url, p.event_callback(other)).status_code == 200
        calls = fake.wait_for("chat.postMessage", 2)
    assert call.params["thread_ts"] == question["ts"]
    assert "Switzerland, Germany and the Netherlands" in call.params["text"]
    assert "Lusaka" in call.params["text"]
    assert calls[1].params["text"].startswith("Which meeting do you mean?")


def test_calendar_buttons_open_the_ics_and_google_and_outlook(
    seeded: Engine, clock: Clock, fake: FakeSlack
) -> None:
    with serve(seeded, clock, fake) as url:
        event = p.app_mention("When is the Lusaka meeting?")
        assert p.post_json(url, p.event_callback(event)).status_code == 200
        [call] = fake.wait_for("chat.postMessage")
        buttons = elements(call.params["blocks"], "meeting:africa-regional-2016")
        ics = buttons[0]["url"]
        assert ics == "https://secbot.example.org/calendar/meeting/africa-regional-2016.ics"
        local = ics.replace("https://secbot.example.org", url)
        response = httpx.get(local)
        # the URL buttons still send an action: it is acknowledged
        click = p.block_actions(p.button(ADD_TO_GOOGLE, "africa-regional-2016"), user="U0ASKER")
        assert p.post_interaction(url, click).status_code == 200
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert b"DTSTART;VALUE=DATE:20160202" in response.content
    assert buttons[1]["url"].startswith("https://calendar.google.com/calendar/render?")
    assert buttons[2]["url"].startswith("https://outlook.office.com/calendar/0/deeplink/compose?")


def test_undated_and_past_meetings_offer_what_fits(
    seeded: Engine, clock: Clock, fake: FakeSlack
) -> None:
    with serve(seeded, clock, fake) as url:
        assert p.post_json(url, p.event_callback(p.app_mention("When is INC7?"))).status_code == 200
        assert (
            p.post_json(url, p.event_callback(p.app_mention("When was the Moscow bureau meeting?")))
            .status_code == 200
        )  # fmt: skip
        calls = fake.wait_for("chat.postMessage", 2)
        [inc7] = [c for c in calls if "meeting:inc7" in json.dumps(c.params["blocks"])]
        [moscow] = [c for c in calls if c is not inc7]
        [tell] = [
            b for b in elements(inc7.params["blocks"], "meeting:inc7")
            if b["action_id"] == TELL_WHEN_DATED
        ]  # fmt: skip
        click = p.block_actions(p.button(TELL_WHEN_DATED, tell["value"]), user="U0ASKER",
                                channel="C0GENERAL")  # fmt: skip
        assert p.post_interaction(url, click).status_code == 200
        [reply] = fake.wait_for("chat.postEphemeral")
    assert ADD_TO_CALENDAR not in action_ids(inc7.params["blocks"])
    assert reply.params["text"].startswith("OK: I'll tell you as soon as INC7")
    past = [b["action_id"] for b in elements(moscow.params["blocks"], "meeting:bureau-moscow-2015")]
    assert past == [ADD_TO_CALENDAR, ADD_TO_GOOGLE, ADD_TO_OUTLOOK]
    assert json.dumps(moscow.params["blocks"]).count("remind_me") == 0


def test_the_app_home_lists_personal_reminders_and_agendas(seeded: Engine, clock: Clock) -> None:
    ana = Asker(user_id="U0ANA", platform="slack", timezone="Europe/Zurich", channel_id="D0ANA")
    ask(seeded, "remind me on 10 January at 9:00 to send the invitation letters", asker=ana)
    ask(seeded, "send me a daily agenda at 8:30", asker=ana)
    with Session(seeded) as session:
        lines = my_reminders(session, user_key="slack:U0ANA", now=clock.now())
    assert lines == [
        "1: Sunday 10 January 2016 at 09:00 — send the invitation letters",
        "daily agenda, every day at 08:30 (Europe/Zurich)",
    ]
