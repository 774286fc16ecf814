"""APScheduler 3.11 as the clock: it wakes the dispatcher; the ledger holds what is owed.

Two jobs in an in-memory job store run the same `tick`: `wake`, set to fire when the next
row falls due (recomputed after every tick and whenever this process changes the ledger), and
`safety`, every `SECBOT_REMINDERS_SAFETY_INTERVAL` seconds, which catches rows written by other
processes (the CLI, another replica). Nothing lives in the job store: a restart rebuilds the
schedule from the rows. While it runs, the dispatcher's heartbeat (`bot.reminders.leases`)
renews this process's claims, chat answers being made included, so only a dead process's
claims run out.

Delays are computed on secbot's clock (which may start at SECBOT_NOW) and handed to APScheduler
as intervals, so the two never need to agree on what the date is.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.reminders import ledger
from bot.reminders.dispatch import Dispatcher, DispatchReport, Policy
from bot.reminders.leases import next_due
from bot.reminders.notifier import Notifier
from bot.runtime import Runtime

log = logging.getLogger("secbot.scheduler")


class ReminderScheduler:
    def __init__(self, runtime: Runtime, dispatcher: Dispatcher, *, safety_interval: float):
        self.runtime = runtime
        self.dispatcher = dispatcher
        self.safety_interval = safety_interval
        self.scheduler = AsyncIOScheduler(timezone="UTC")
        self._lock = asyncio.Lock()
        self._again = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self.last_report: DispatchReport | None = None

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        logging.getLogger("apscheduler").setLevel(logging.WARNING)  # a line per tick is noise
        self.scheduler.start()
        self.scheduler.add_job(
            self.tick, IntervalTrigger(seconds=self.safety_interval), id="safety",
            max_instances=1, coalesce=True, misfire_grace_time=None,
        )  # fmt: skip
        ledger.LEDGER_LISTENERS.append(self.poke)
        self.dispatcher.heartbeat.start()  # keeps this process's claims while it lives
        self._wake_in(0.0)

    async def stop(self) -> None:
        if self.poke in ledger.LEDGER_LISTENERS:
            ledger.LEDGER_LISTENERS.remove(self.poke)
        self.scheduler.shutdown(wait=False)
        await self.dispatcher.heartbeat.stop()
        for notifier in self.dispatcher.notifiers.values():
            await notifier.aclose()

    def poke(self) -> None:
        """The ledger changed in this process (any thread): look again shortly. Handled on
        the event loop, so it cannot interleave with a tick deciding what to wake for next."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._poked)

    def _poked(self) -> None:
        if self._lock.locked():
            self._again = True  # the running tick goes round once more
        else:
            self._wake_in(0.2)

    def _wake_in(self, seconds: float) -> None:
        """(Re)set the one-shot `wake` job. APScheduler runs on the wall clock, so the delay
        measured on secbot's clock becomes a wall-clock date."""
        run_date = datetime.now(UTC) + timedelta(seconds=max(seconds, 0.0))
        # max_instances > 1: a wake that fires while a tick runs must still reach `tick`
        # (which folds it into one more round), not be skipped and lost
        self.scheduler.add_job(
            self.tick, DateTrigger(run_date=run_date), id="wake",
            replace_existing=True, misfire_grace_time=None, max_instances=100,
        )  # fmt: skip

    async def tick(self) -> None:
        """Send what is due; then set `wake` for the next due row. Calls and pokes that come
        while a tick runs fold into one more round of it."""
        if self._lock.locked():
            self._again = True
            return
        async with self._lock:
            while True:
                self._again = False
                try:
                    self.last_report = await self.dispatcher.run_due()
                    if self.last_report.sent or self.last_report.failed:
                        log.info("reminders: %s", self.last_report.to_json() | {"sent_ids": "…"})
                except Exception:
                    log.exception("reminder tick failed; the safety job will try again")
                when = await self._next_due()
                if not self._again:  # no await from here on: a poke cannot slip in between
                    break
            self._schedule(when)

    async def _next_due(self) -> datetime | None:
        try:
            return await asyncio.to_thread(
                next_due, self.runtime.engine, lease=self.dispatcher.policy.lease
            )
        except Exception:
            log.exception("cannot read the next due time")
            return None

    def _schedule(self, when: datetime | None) -> None:
        if when is None:
            self._drop_wake()
            return
        delay = (when - self.runtime.clock.now()).total_seconds()
        if delay > self.safety_interval:
            self._drop_wake()  # the safety job comes first
            return
        self._wake_in(delay)

    def _drop_wake(self) -> None:
        if self.scheduler.get_job("wake"):
            self.scheduler.remove_job("wake")


async def start_reminders(
    runtime: Runtime, notifiers: dict[str, Notifier]
) -> Callable[[], Awaitable[None]]:
    """Start the reminder scheduler (if enabled) sending through `notifiers` (one per channel,
    built by the surfaces: handlers.notifiers); returns the function that stops it."""
    settings = runtime.settings
    if not settings.reminders_enabled:

        async def close_only() -> None:
            for notifier in notifiers.values():
                await notifier.aclose()

        return close_only
    dispatcher = Dispatcher(
        runtime.engine,
        notifiers,
        clock=runtime.clock,
        policy=Policy.from_settings(settings),
    )
    sched = ReminderScheduler(
        runtime, dispatcher, safety_interval=settings.reminders_safety_interval
    )
    await sched.start()
    log.info(
        "reminders: scheduler started (concurrency %d, safety interval %ss)",
        settings.reminders_concurrency,
        settings.reminders_safety_interval,
    )
    return sched.stop
