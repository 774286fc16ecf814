"""The reply path to the Bot Connector: replies reuse open connections (one pool for the
bot), and the SDK's copy of each reply leaves the handler's activity as it was."""

from __future__ import annotations

import copy

import pytest
from microsoft_agents.activity import ConversationAccount
from sqlalchemy import Engine

from bot.clock import Clock
from handlers.teams.app import WireActivity
from handlers.teams.handlers import card_message
from tests.fakes.bot_connector import FakeBotConnector
from tests.handlers.teams.conftest import ListingAnswer, personal_message
from tests.handlers.teams.test_http import post, teams_app
from tests.servers import serve_app

pytestmark = pytest.mark.usefixtures("no_sdk_env")


async def test_replies_share_one_connection(
    seeded: Engine, clock: Clock, connector: FakeBotConnector
) -> None:
    with serve_app(teams_app(seeded, clock, ListingAnswer(count=2))) as base:
        for i in range(3):
            message = personal_message(connector.url, "what's coming up?", id=f"m-{i}")
            assert (await post(base, message)).status_code == 202
            await connector.wait_for(i + 1)
    replies = connector.delivered
    assert [r.reply_to_id for r in replies] == ["m-0", "m-1", "m-2"]
    assert all(r.cards for r in replies)
    assert len({r.peer for r in replies}) == 1  # one TCP connection, kept alive


def test_the_copy_of_a_reply_changes_nothing_of_the_original() -> None:
    card = {"type": "AdaptiveCard", "body": [{"type": "TextBlock", "text": "Bureau"}]}
    reply = card_message(card, "Bureau")
    reply.__class__ = WireActivity
    before = reply.model_dump()
    copied = copy.deepcopy(reply)
    copied.id = None
    copied.conversation = ConversationAccount(id="a:other")
    copied.input_hint = "ignoringInput"
    assert reply.model_dump() == before
    assert isinstance(copied, WireActivity) and copied.attachments == reply.attachments
    assert copied.conversation.id == "a:other"
    assert None not in copied.model_dump(mode="json", by_alias=True).values()
