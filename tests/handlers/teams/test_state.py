"""The SDK's Storage on our database: what the SDK writes is read back after a restart."""

from __future__ import annotations

import pytest
from microsoft_agents.activity import ConversationAccount, ConversationReference
from microsoft_agents.hosting.core.app.proactive import Conversation
from microsoft_agents.hosting.core.storage import StoreItem
from sqlalchemy import Engine

from bot.clock import Clock
from handlers.teams.state import DatabaseStorage
from storage import db


class Note(StoreItem):
    def __init__(self, text: str) -> None:
        self.text = text

    def store_item_to_json(self) -> dict[str, str]:
        return {"text": self.text}

    @staticmethod
    def from_json_to_store_item(json_data: dict[str, str]) -> Note:  # type: ignore[override]
        return Note(json_data["text"])


async def test_write_read_overwrite_delete(engine: Engine, clock: Clock) -> None:
    storage = DatabaseStorage(engine, now=clock.now)
    await storage.write({"a": Note("one"), "b": Note("two")})
    await storage.write({"a": Note("uno")})

    other_engine = db.make_engine(engine.url.render_as_string(hide_password=False))
    try:  # another process: its own engine, same database
        found = await DatabaseStorage(other_engine, now=clock.now).read(
            ["a", "b", "missing"], target_cls=Note
        )
    finally:
        other_engine.dispose()
    assert {k: v.text for k, v in found.items()} == {"a": "uno", "b": "two"}

    await storage.delete(["a", "missing"])
    assert list(await storage.read(["a", "b"], target_cls=Note)) == ["b"]


async def test_sdk_conversations_round_trip(engine: Engine, clock: Clock) -> None:
    storage = DatabaseStorage(engine, now=clock.now)
    reference = ConversationReference(
        channel_id="msteams",
        service_url="https://smba.trafficmanager.net/emea/",
        conversation=ConversationAccount(id="a:1", conversation_type="personal"),
    )
    await storage.write({"k": Conversation({"aud": "app", "secret": "no"}, reference)})
    [(_key, back)] = (await storage.read(["k"], target_cls=Conversation)).items()
    assert back.claims == {"aud": "app"}
    assert back.conversation_reference.service_url == reference.service_url


async def test_empty_keys_are_refused(engine: Engine, clock: Clock) -> None:
    storage = DatabaseStorage(engine, now=clock.now)
    with pytest.raises(ValueError):
        await storage.read([], target_cls=Note)
    with pytest.raises(ValueError):
        await storage.write({"": Note("x")})
