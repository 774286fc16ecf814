"""Teams over real HTTP (POST /api/messages in local mode, replies to a fake Bot Connector): a
private calendar link asked for in a channel or group chat goes to the asker's 1:1 chat, and
channel-wide reminders need a team owner (from the roster) or a secretariat admin."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from bot import reminders, rights
from bot.clock import Clock
from handlers.teams.handlers import NO_PRIVATE_CHAT
from handlers.teams.private import SENT_PRIVATELY
from handlers.web.app import create_app
from storage import db
from tests.fakes.bot_connector import FakeBotConnector, Received
from tests.handlers.teams.conftest import (
    BOT_ID,
    TENANT,
    channel_mention,
    make_runtime,
    personal_message,
)
from tests.servers import serve_app

pytestmark = pytest.mark.usefixtures("no_sdk_env")

PRIVATE = re.compile(r"/calendar/u/[A-Za-z0-9_-]+\.ics")
CHANNEL = "19:general@thread.tacv2;messageid=1700000000002"
TEAM = "19:team@thread.tacv2"
GROUP = "19:group-chat@thread.v2"
ADA = "29:user-ada"


def group_mention(service_url: str, question: str) -> dict[str, Any]:
    """An @mention of the bot in a group chat (no team)."""
    mention = "<at>secbot</at>"
    return {
        **personal_message(service_url, f"{mention} {question}"),
        "id": "1700000000003",
        "conversation": {
            "isGroup": True, "conversationType": "groupChat", "tenantId": TENANT, "id": GROUP,
        },
        "entities": [
            {"type": "mention", "text": mention, "mentioned": {"id": BOT_ID, "name": "secbot"}}
        ],
    }  # fmt: skip


def shown(received: Received) -> str:
    return json.dumps(received.activity)


async def ask(base: str, connector: FakeBotConnector, activity: dict[str, Any], n: int) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        response = await client.post("/api/messages", json=activity)
    assert response.status_code == 202
    await connector.wait_for(n)


def app(engine: Engine, clock: Clock, **settings: Any) -> Any:
    return create_app(make_runtime(engine, clock, **settings))


@pytest.mark.parametrize("where", ["channel", "groupChat"])
async def test_a_link_asked_for_in_a_group_goes_to_the_1_1_chat(
    seeded: Engine, clock: Clock, connector: FakeBotConnector, where: str
) -> None:
    make = channel_mention if where == "channel" else group_mention
    group = CHANNEL if where == "channel" else GROUP
    with serve_app(app(seeded, clock)) as base:
        await ask(base, connector, make(connector.url, "give me the calendar link"), 2)
        sent = connector.delivered
        links = PRIVATE.findall(shown(sent[0]))
        async with httpx.AsyncClient(base_url=base) as client:
            feed = await client.get(links[0])
    [created] = connector.created
    assert created["members"] == [{"id": ADA}] and created["isGroup"] is False
    assert created["tenantId"] == TENANT and created["bot"]["id"] == BOT_ID
    private, note = sent
    assert private.conversation_id == f"a:1on1-{ADA}" and private.reply_to_id is None
    assert links and "webcal://" in shown(private)
    assert note.conversation_id == group and SENT_PRIVATELY in shown(note)
    assert not any(PRIVATE.search(shown(r)) for r in sent if r.conversation_id == group)
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")


async def test_in_the_1_1_chat_the_link_is_the_answer(
    seeded: Engine, clock: Clock, connector: FakeBotConnector
) -> None:
    with serve_app(app(seeded, clock)) as base:
        await ask(base, connector, personal_message(connector.url, "reset my calendar link"), 1)
    [reply] = connector.delivered
    assert reply.conversation_id == "a:personal-ada" and PRIVATE.search(shown(reply))
    assert connector.created == []


async def test_without_a_1_1_chat_the_group_is_told_how_and_sees_no_link(
    seeded: Engine, clock: Clock, connector: FakeBotConnector
) -> None:
    connector.refuse_create = True
    with serve_app(app(seeded, clock)) as base:
        await ask(base, connector, channel_mention(connector.url, "reset my calendar link"), 1)
    [note] = connector.delivered
    assert note.conversation_id == CHANNEL and NO_PRIVATE_CHAT in shown(note)
    assert not PRIVATE.search(shown(note))


def channel_rules(engine: Engine) -> list[str]:
    with db.session_scope(engine) as session:
        return [r.subscriber for r in reminders.list_rules(session)]


async def set_channel_reminders(base: str, connector: FakeBotConnector, n: int) -> str:
    question = "post reminders for African meetings in this channel"
    await ask(base, connector, channel_mention(connector.url, question), n)
    text: str = connector.delivered[n - 1].cards[0]["body"][0]["text"]
    return text


async def test_channel_reminders_need_a_team_owner_or_an_admin(
    seeded: Engine, clock: Clock, connector: FakeBotConnector
) -> None:
    connector.members[(TEAM, ADA)] = {"userRole": "user"}
    with serve_app(app(seeded, clock)) as base:
        refused = await set_channel_reminders(base, connector, 1)
        assert channel_rules(seeded) == []  # nothing stored
        connector.members[(TEAM, ADA)] = {"userRole": "owner"}
        owner = await set_channel_reminders(base, connector, 2)
    assert refused == rights.REFUSED
    assert owner.startswith("OK: I'll post reminders")
    assert connector.member_lookups == [(TEAM, ADA), (TEAM, ADA)]
    assert channel_rules(seeded) == [f"teams:{CHANNEL}"]


async def test_an_admin_needs_no_roster_and_a_stranger_to_it_is_refused(
    seeded: Engine, clock: Clock, connector: FakeBotConnector
) -> None:
    with serve_app(app(seeded, clock)) as base:  # not in the roster at all: 404
        refused = await set_channel_reminders(base, connector, 1)
    assert refused == rights.REFUSED and channel_rules(seeded) == []
    with serve_app(app(seeded, clock, admins="aad-ada")) as base:  # by Entra object id
        admin = await set_channel_reminders(base, connector, 2)
    assert admin.startswith("OK: I'll post reminders")
    assert connector.member_lookups == [(TEAM, ADA)]  # the admin was not looked up
