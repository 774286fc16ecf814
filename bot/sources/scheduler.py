"""APScheduler 3.11 as the clock for calendar sources: one job looks, every
`SECBOT_SOURCES_CHECK_INTERVAL` seconds (and once at start), for sources whose next attempt
has come, and syncs them in a worker thread. When each is due, its lease and its backoff all
live in the `calendar_source` rows, so a restart, or another replica, carries on from them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.runtime import Runtime
from bot.sources.sync import SyncPolicy, SyncReport, sync_due

log = logging.getLogger("secbot.sources")


class SourceScheduler:
    def __init__(self, runtime: Runtime, *, check_interval: float, policy: SyncPolicy):
        self.runtime = runtime
        self.policy = policy
        self.check_interval = check_interval
        self.scheduler = AsyncIOScheduler(timezone="UTC")
        self.last_reports: list[SyncReport] = []

    async def start(self) -> None:
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
        # httpx logs every request's URL at INFO: a published calendar's URL is often its secret
        logging.getLogger("httpx").setLevel(logging.WARNING)
        self.scheduler.start()
        self.scheduler.add_job(
            self.tick, IntervalTrigger(seconds=self.check_interval), id="sources",
            max_instances=1, coalesce=True, misfire_grace_time=None,
        )  # fmt: skip
        self.scheduler.add_job(self.tick, id="sources-now", misfire_grace_time=None)

    async def stop(self) -> None:
        self.scheduler.shutdown(wait=False)

    async def tick(self) -> None:
        """Sync what is due; a failure is the source's (recorded on its row), never the job's."""
        try:
            self.last_reports = await asyncio.to_thread(
                sync_due, self.runtime.engine, now=self.runtime.clock.now(), policy=self.policy
            )
        except Exception:
            log.exception("calendar source check failed; the next one will try again")


async def start_sources(runtime: Runtime) -> Callable[[], Awaitable[None]]:
    """Start following the calendar sources (if enabled); returns the function that stops it."""
    settings = runtime.settings
    if not settings.sources_enabled:

        async def nothing() -> None:
            return None

        return nothing
    sched = SourceScheduler(
        runtime,
        check_interval=settings.sources_check_interval,
        policy=SyncPolicy.from_settings(settings),
    )
    await sched.start()
    log.info("calendar sources: checked every %ss", settings.sources_check_interval)
    return sched.stop
