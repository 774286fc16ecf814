"""The one ASGI app: health, meetings JSON, Slack, Teams, calendar feeds, and the reminder
and calendar-source schedulers in its lifespan."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import date

from fastapi import APIRouter, FastAPI, HTTPException, Query
from sqlmodel import Session

from bot.assistant import warm_up
from bot.calendar.feeds import FeedCache
from bot.reminders.scheduler import start_reminders
from bot.runtime import Runtime, demo_clock, open_runtime, prepare_database
from bot.settings import get_settings
from bot.sources.scheduler import start_sources
from handlers.notifiers import build_notifiers
from handlers.slack.app import router as slack_router
from handlers.slack.app import slack_lifespan
from handlers.teams.http import router as teams_router
from handlers.web.feeds import router as feeds_router
from handlers.web.limits import BodyLimit, mask_access_log
from storage import places, repo
from storage.models import Kind, meeting_json

log = logging.getLogger("secbot")


@asynccontextmanager
async def _freeze_heap(app: FastAPI) -> AsyncIterator[None]:
    """The last of the start-up: the core is warmed (so the first question does not wait for
    the vocabulary), then what start-up loaded (the SDKs, the gazetteers, the vocabulary) is
    moved out of the cycle collector's sight (`gc.freeze`). Otherwise each full collection
    walks that whole heap, tens of milliseconds, and lands on whichever request allocated
    last. The young generation is then collected every 20,000 allocations, not 700: a Teams
    answer allocates a few thousand objects, nearly all freed by reference counting, and was
    paying for one or two collections each."""
    try:
        await asyncio.to_thread(warm_up, app.state.runtime)
    except Exception:  # a slower first question, not a server that does not start
        log.exception("could not warm up the core")
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 10)
    yield


def create_app(
    runtime: Runtime | None = None, *, demo: bool | None = None, freeze_heap: bool = False
) -> FastAPI:
    """Build the app; without a runtime, one is opened from the settings at start-up. `demo`
    (default: when no runtime is given) lets a fresh clone's store run on the demo clock
    (bot.runtime.demo_clock) when SECBOT_NOW is not set. `freeze_heap` is for a server process
    (`secbot serve`), not for tests that start many apps in one process: frozen objects are
    never collected."""
    wants_demo = runtime is None if demo is None else demo

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        rt = runtime or open_runtime(running=True, prepare=False)
        prepare_database(rt.engine, rt.clock, seed=rt.settings.seed_on_start)
        if wants_demo:  # a fresh clone: the seed's calendar, living
            rt = replace(rt, clock=demo_clock(rt.settings, rt.engine) or rt.clock)
        app.state.runtime = rt
        stop_reminders = await start_reminders(rt, build_notifiers(rt))
        stop_sources = await start_sources(rt)
        try:
            async with slack_lifespan(app, rt):
                yield
        finally:
            await stop_sources()
            await stop_reminders()

    app = FastAPI(title="secbot", lifespan=lifespan)
    settings = runtime.settings if runtime is not None else get_settings()
    app.add_middleware(BodyLimit, max_bytes=settings.max_request_bytes)
    mask_access_log()
    app.include_router(teams_router)  # POST /api/messages (Microsoft Teams)
    app.include_router(slack_router)

    def rt() -> Runtime:
        runtime_: Runtime = app.state.runtime
        return runtime_

    @app.get("/healthz")
    def healthz() -> dict[str, object]:
        r = rt()
        with Session(r.engine) as session:
            count = repo.count_meetings(session)
        return {"status": "ok", "meetings": count, "now": r.clock.now().isoformat()}

    @app.get("/meetings.json")
    def meetings(
        start: date | None = Query(default=None, alias="from"),
        end: date | None = Query(default=None, alias="to"),
        kind: list[str] = Query(default=[]),
        region: list[str] = Query(default=[]),
        country: list[str] = Query(default=[]),
    ) -> dict[str, object]:
        bad_kinds = [k for k in kind if k not in Kind.__members__]
        if bad_kinds:
            raise HTTPException(400, f"unknown kind(s): {', '.join(bad_kinds)}")
        regions = [places.region_name(r) for r in region]
        if None in regions:
            raise HTTPException(400, f"unknown region in {region}")
        countries = [places.country_code(c) for c in country]
        if None in countries:
            raise HTTPException(400, f"unknown country in {country}")
        with Session(rt().engine) as session:
            rows = repo.list_meetings(
                session,
                start=start,
                end=end,
                kinds=kind,
                regions=[r for r in regions if r],
                countries=[c for c in countries if c],
            )
            return {"meetings": [meeting_json(m) for m in rows]}

    app.state.feed_cache = feed_cache = FeedCache()  # /calendar.ics, /calendar/meeting/…, …/u/…
    app.include_router(feeds_router(feed_cache))
    if freeze_heap:  # the last router's lifespan runs after every other start-up
        app.include_router(APIRouter(lifespan=_freeze_heap))
    return app
