"""Slack over real signed HTTP, the fake Web API recording every call: a private calendar link
asked for in a channel goes to the asker alone, and channel-wide reminders need the channel's
creator, a workspace admin or a secretariat admin."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
from sqlalchemy import Engine

from bot import reminders, rights
from bot.clock import Clock
from bot.runtime import Runtime
from handlers.slack.blocks import SHARE_IN_CHANNEL, SHOW_MORE, page_value
from handlers.slack.private import SENT_PRIVATELY, SHOWN_PRIVATELY
from handlers.web.app import create_app
from storage import db
from tests.fakes import slack_payloads as p
from tests.fakes.slack_api import Call, FakeSlack
from tests.handlers.slack.serving import ADMIN, slack_settings
from tests.servers import serve_app

PRIVATE = re.compile(r"/calendar/u/[A-Za-z0-9_-]+\.ics")


def serve(engine: Engine, clock: Clock, fake: FakeSlack, **settings: Any) -> Any:
    runtime = Runtime(settings=slack_settings(fake, **settings), clock=clock, engine=engine)
    return serve_app(create_app(runtime))


def said(call: Call) -> str:
    """Everything a posted message shows: its text and its blocks."""
    return json.dumps([call.params.get("text"), call.params.get("blocks")])


def to_channel(fake: FakeSlack, channel: str) -> list[str]:
    return [said(c) for c in fake.of("chat.postMessage") if c.params["channel"] == channel]


def test_a_link_reset_in_a_channel_goes_to_a_direct_message(
    seeded: Engine, clock: Clock, fake: FakeSlack
) -> None:
    with serve(seeded, clock, fake) as url:
        event = p.app_mention("reset my calendar link", channel="C0GENERAL")
        assert p.post_json(url, p.event_callback(event)).status_code == 200
        fake.wait_for("chat.postMessage", 2)
        [opened] = fake.of("conversations.open")
        [direct] = to_channel(fake, "DU0ASKER")
        [thread] = fake.of("chat.postMessage", ok_only=True)[-1:]
        links = PRIVATE.findall(direct)
        feed = httpx.get(url + links[0])  # the link in the DM works
    assert opened.params["users"] == "U0ASKER"
    assert len(set(links)) == 1 and "webcal://" in direct and "https://" in direct
    assert thread.params["channel"] == "C0GENERAL" and thread.params["thread_ts"] == event["ts"]
    assert thread.params["text"] == SENT_PRIVATELY
    assert all(not PRIVATE.search(s) for s in to_channel(fake, "C0GENERAL"))
    assert fake.of("chat.postEphemeral") == []
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")


def test_in_a_direct_message_the_link_is_the_answer(
    seeded: Engine, clock: Clock, fake: FakeSlack
) -> None:
    with serve(seeded, clock, fake) as url:
        event = p.im_message("give me the calendar link", channel="D0DIRECT")
        assert p.post_json(url, p.event_callback(event)).status_code == 200
        [call] = fake.wait_for("chat.postMessage")
    assert call.params["channel"] == "D0DIRECT" and PRIVATE.search(said(call))
    assert fake.of("conversations.open") == []


def test_when_no_direct_message_can_be_opened_only_the_asker_sees_it(
    seeded: Engine, clock: Clock, fake: FakeSlack
) -> None:
    fake.fail("conversations.open", 500, times=10)
    with serve(seeded, clock, fake) as url:
        event = p.app_mention("subscribe me to workshops", channel="C0GENERAL")
        assert p.post_json(url, p.event_callback(event)).status_code == 200
        [note] = fake.wait_for("chat.postMessage")
        [ephemeral] = fake.of("chat.postEphemeral")
    assert ephemeral.params["user"] == "U0ASKER" and ephemeral.params["channel"] == "C0GENERAL"
    assert PRIVATE.search(said(ephemeral))
    assert note.params["text"] == SHOWN_PRIVATELY and not PRIVATE.search(said(note))


def test_a_private_answer_is_never_shared_or_paged_into_the_channel(
    seeded: Engine, clock: Clock, fake: FakeSlack
) -> None:
    with serve(seeded, clock, fake) as url:
        command = p.slash_command(
            "give me the calendar link", user="U0ASKER", response_url=fake.response_url()
        )
        assert p.post_form(url, command).status_code == 200
        [reply] = fake.wait_for("response_url")
        value = page_value("reset my calendar link", 0, 5)
        for action in (SHARE_IN_CHANNEL, SHOW_MORE):  # forged clicks asking for a link
            click = p.block_actions(
                p.button(action, value), user="U0ASKER", response_url=fake.response_url("r2")
            )
            assert p.post_interaction(url, click).status_code == 200
        fake.wait_for("chat.postEphemeral", 2)
    assert reply.params["response_type"] == "ephemeral" and PRIVATE.search(said(reply))
    assert SHARE_IN_CHANNEL not in said(reply)
    responses = [c for c in fake.of("response_url") if c.params["path"] == "r2"]
    assert responses == []  # neither shared in the channel nor put in place of the message
    assert all(c.params["user"] == "U0ASKER" for c in fake.of("chat.postEphemeral"))
    assert fake.of("chat.postMessage") == []


def ask_for_channel_reminders(url: str, fake: FakeSlack, user: str) -> Call:
    fake.reset()
    event = p.app_mention(
        "post reminders for African meetings in this channel", user=user, channel="C0LOG"
    )
    assert p.post_json(url, p.event_callback(event)).status_code == 200
    [call] = fake.wait_for("chat.postMessage")
    return call


def channel_rules(engine: Engine) -> list[str]:
    with db.session_scope(engine) as session:
        return [r.subscriber for r in reminders.list_rules(session)]


def test_channel_reminders_need_the_creator_or_an_admin(
    seeded: Engine, clock: Clock, fake: FakeSlack
) -> None:
    fake.channels["C0LOG"] = {"name": "logistics", "creator": "U0ANA"}
    fake.users["U0BOSS"] = {"is_admin": True}
    with serve(seeded, clock, fake) as url:
        refused = ask_for_channel_reminders(url, fake, "U0BOB")
        asked = [c.params["channel"] for c in fake.of("conversations.info")]
        assert channel_rules(seeded) == []  # nothing stored
        creator = ask_for_channel_reminders(url, fake, "U0ANA")
        workspace_admin = ask_for_channel_reminders(url, fake, "U0BOSS")
        secretariat_admin = ask_for_channel_reminders(url, fake, ADMIN)
    assert refused.params["text"] == rights.REFUSED
    assert asked == ["C0LOG"]
    for allowed in (creator, workspace_admin, secretariat_admin):
        assert allowed.params["text"].startswith("OK: I'll post reminders"), allowed.params
    assert channel_rules(seeded) == ["slack:C0LOG"]  # the same rule, set again


def test_a_channel_slack_cannot_describe_is_refused_unless_anyone_may(
    seeded: Engine, clock: Clock, fake: FakeSlack
) -> None:
    with serve(seeded, clock, fake) as url:  # C0LOG unknown: conversations.info fails
        refused = ask_for_channel_reminders(url, fake, "U0ANA")
    assert refused.params["text"] == rights.REFUSED and channel_rules(seeded) == []
    with serve(seeded, clock, fake, channel_wide_by="anyone") as url:
        allowed = ask_for_channel_reminders(url, fake, "U0BOB")
    assert allowed.params["text"].startswith("OK: I'll post reminders")
    assert fake.of("conversations.info") == []  # nobody needs to be asked
    assert channel_rules(seeded) == ["slack:C0LOG"]
