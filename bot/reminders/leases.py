"""Claims on ledger rows: who holds a row, for how long, and the heartbeat that keeps a live
worker's claims.

A worker claims rows by setting `claimed_by` to "<worker>:<claim id>" and `claimed_at` to
now. A claim older than the lease belongs to a worker that died: any worker may take the row
over. A live worker renews `claimed_at` on all its claims every third of the lease, so the
lease can be short (SECBOT_REMINDERS_LEASE, 30 s) without a slow send being taken over while
its worker is still at it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, and_, func, or_, update
from sqlmodel import Session, col, select

from storage.models import Delivery, DeliveryState

log = logging.getLogger("secbot.dispatch")

# Unique to this process: a restarted process may get the same pid (pid 1 in a container), and
# must not renew the claims its dead predecessor left behind.
_PROCESS = uuid.uuid4().hex[:6]


def worker_name() -> str:
    return f"{os.uname().nodename[:40]}:{os.getpid()}:{_PROCESS}"


def claimable(now: datetime, lease: timedelta, only: Any = None) -> Any:
    """Rows due and unclaimed, or claimed longer ago than `lease` (among `only`, if given)."""
    free = or_(
        and_(col(Delivery.state) == DeliveryState.pending, col(Delivery.due_at) <= now),
        and_(
            col(Delivery.state) == DeliveryState.sending,
            col(Delivery.claimed_at) < now - lease,
        ),
    )
    return free if only is None else and_(free, only)


def renew(engine: Engine, *, worker: str, now: datetime) -> int:
    """The heartbeat: every row `worker` still holds is claimed again at `now`; returns how
    many. Rows another worker took over are not `worker`'s any more and stay as they are."""
    with engine.begin() as conn:
        result = conn.execute(
            update(Delivery)
            .where(
                col(Delivery.state) == DeliveryState.sending,
                col(Delivery.claimed_by).startswith(f"{worker}:", autoescape=True),
                col(Delivery.claimed_at) < now,
            )
            .values(claimed_at=now)
        )
    return int(result.rowcount)


def next_due(engine: Engine, *, lease: timedelta) -> datetime | None:
    """When something next needs doing: the earliest pending row, or a claim's lease ending."""
    with Session(engine) as session:
        pending = session.exec(
            select(func.min(Delivery.due_at)).where(Delivery.state == DeliveryState.pending)
        ).one()
        stale = session.exec(
            select(func.min(Delivery.claimed_at)).where(Delivery.state == DeliveryState.sending)
        ).one()
    candidates = [t for t in (pending, stale + lease if stale else None) if t is not None]
    return min(candidates) if candidates else None


class Heartbeat:
    """Renews `worker`'s claims every `every` seconds (a third of the lease) while it runs."""

    def __init__(
        self, engine: Engine, *, worker: str, now: Callable[[], datetime], every: float
    ) -> None:
        self.engine, self.worker, self.now, self.every = engine, worker, now, every
        self._task: asyncio.Task[None] | None = None

    async def beat(self) -> int:
        return await asyncio.to_thread(renew, self.engine, worker=self.worker, now=self.now())

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.every)  # liveness runs on real time, whatever the clock
            try:
                await self.beat()
            except Exception:
                log.exception("could not renew this worker's claims; will try again")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
