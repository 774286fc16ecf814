"""The Agents SDK's `Storage` on our database (not MemoryStorage): state survives restarts."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from microsoft_agents.hosting.core import TurnContext, TurnState
from microsoft_agents.hosting.core.storage import Storage, StoreItem
from sqlalchemy import Engine, delete
from sqlmodel import col, select

from storage import db
from storage.models import AgentState
from storage.upsert import upsert

StoreItemT = TypeVar("StoreItemT", bound=StoreItem)


class DatabaseStorage(Storage):
    """Key/value JSON rows in `agent_state`; blocking database work runs in a worker thread."""

    def __init__(self, engine: Engine, *, now: Callable[[], datetime]) -> None:
        self._engine = engine
        self._now = now

    @staticmethod
    def _check(keys: Any, what: str) -> None:
        if not keys:
            raise ValueError(f"Storage.{what}(): keys are required")
        if any(not key for key in keys):
            raise ValueError(f"Storage.{what}(): a key cannot be empty")

    async def read(
        self, keys: list[str], *, target_cls: type[StoreItemT], **kwargs: Any
    ) -> dict[str, StoreItemT]:
        self._check(keys, "read")

        def load() -> dict[str, Any]:
            with db.session_scope(self._engine) as session:
                rows = session.exec(select(AgentState).where(col(AgentState.key).in_(keys)))
                return {row.key: row.data for row in rows}

        found = await asyncio.to_thread(load)
        return {key: target_cls.from_json_to_store_item(data) for key, data in found.items()}  # type: ignore[misc]

    async def write(self, changes: dict[str, StoreItem]) -> None:
        self._check(changes, "write")
        values = {key: item.store_item_to_json() for key, item in changes.items()}
        now = self._now()

        def save() -> None:
            with db.session_scope(self._engine) as session:
                for key, data in values.items():
                    upsert(
                        session,
                        AgentState,
                        {"key": key, "data": data, "updated_at": now},
                        keys=["key"],
                    )

        await asyncio.to_thread(save)

    async def delete(self, keys: list[str]) -> None:
        self._check(keys, "delete")

        def remove() -> None:
            with db.session_scope(self._engine) as session:
                session.execute(delete(AgentState).where(col(AgentState.key).in_(keys)))

        await asyncio.to_thread(remove)


class TempOnlyTurnState(TurnState):
    """A turn state with only the SDK's per-turn temp scope: no conversation or user state.

    The SDK's default loads both from storage before every turn (two reads), and our handlers
    use neither (what secbot remembers of a conversation is in `bot.memory`); asking for
    `state.conversation` or `state.user` here raises rather than silently starting empty."""

    async def load(self, context: TurnContext, storage: Storage) -> TurnState:
        return self  # the temp scope is made in __init__ and has nothing to load
