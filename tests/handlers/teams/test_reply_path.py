"""The reply path to the Bot Connector: replies reuse open connections (one pool for the
bot), the SDK's copy of each reply leaves the handler's activity as it was, and a turn does
no work it does not need (no state read, no Teams API client)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from microsoft_agents.activity import ConversationAccount
from microsoft_teams.api import ApiClient
from sqlalchemy import Engine

from bot.clock import Clock
from bot.conversation import Answer
from handlers.teams.app import WireActivity
from handlers.teams.handlers import SORRY, card_message
from handlers.teams.state import DatabaseStorage
from storage import db
from storage import teams as teams_store
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


class CountingStorage(DatabaseStorage):
    """The bot's storage, counting the keys turns read."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        super().__init__(engine, now=clock.now)
        self.read_keys: list[str] = []

    async def read(self, keys: list[str], **kwargs: Any) -> dict[str, Any]:
        self.read_keys += keys
        return await super().read(keys, **kwargs)


async def test_a_turn_reads_no_state_and_builds_no_teams_api_client(
    seeded: Engine, clock: Clock, connector: FakeBotConnector, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[object] = []
    real_init = ApiClient.__init__

    def counting_init(self: ApiClient, *args: Any, **kwargs: Any) -> None:
        built.append(self)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(ApiClient, "__init__", counting_init)
    app = teams_app(seeded, clock, ListingAnswer(count=2))
    bot = app.state.teams_bot
    storage = CountingStorage(seeded, clock)
    bot.app._storage = bot.app._auth._storage = storage
    with serve_app(app) as base:
        for i in range(2):
            message = personal_message(connector.url, "what's coming up?", id=f"m-{i}")
            assert (await post(base, message)).status_code == 202
            await connector.wait_for(i + 1)
    assert [r.reply_to_id for r in connector.delivered] == ["m-0", "m-1"]
    assert storage.read_keys == []  # no conversation, user or sign-in state
    assert built == []


async def test_the_conversation_is_remembered_even_when_answering_fails(
    seeded: Engine, clock: Clock, connector: FakeBotConnector
) -> None:
    def failing(question: str, **kwargs: Any) -> Answer:
        raise RuntimeError("the core is down")

    with serve_app(teams_app(seeded, clock, failing)) as base:
        assert (await post(base, personal_message(connector.url, "hi"))).status_code == 202
        [apology] = await connector.wait_for(1)
    assert apology.activity["text"] == SORRY
    with db.session_scope(seeded) as session:
        row = teams_store.personal_conversation(session, user_key="teams:29:user-ada")
        assert row is not None and row.conversation_id == "a:personal-ada"
