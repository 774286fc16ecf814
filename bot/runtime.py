"""What every command and the server start from: settings, the clock and a ready database."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session

from bot import clock as clocks
from bot.settings import Settings, get_settings
from storage import db
from storage.seed import holds_only_seed, seed_date, seed_if_empty

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    clock: clocks.Clock
    engine: Engine


def prepare_database(engine: Engine, clock: clocks.Clock, *, seed: bool = True) -> None:
    """Upgrade the schema when behind; load the seed data into an empty database."""
    if not db.schema_is_current(engine):
        db.upgrade(engine)
    if seed:
        with db.session_scope(engine) as session:
            loaded = seed_if_empty(session, now=clock.now())
        if loaded:
            log.info("loaded %d seed meetings into an empty database", len(loaded.new))


DEMO_TIME = time(9, 0)


def demo_clock(settings: Settings, engine: Engine) -> clocks.Clock | None:
    """On a fresh clone (SECBOT_NOW unset, only the seed's meetings in the store) a clock that
    starts at the seed report's date and runs on, so the calendar shows upcoming meetings;
    None otherwise. SECBOT_NOW= (set, empty) asks for the real clock."""
    if settings.now is not None:
        return None
    day = seed_date()
    if day is None:
        return None
    with Session(engine) as session:
        if not holds_only_seed(session):
            return None
    start = datetime.combine(day, DEMO_TIME, ZoneInfo(settings.default_tz))
    log.info("demo clock: %s, set SECBOT_NOW= for the real clock", day.isoformat())
    return clocks.Clock(anchor=start, running=True)


def open_runtime(*, now: str | None = None, running: bool = False, prepare: bool = True) -> Runtime:
    settings = get_settings()
    clock = clocks.from_settings(now or settings.now, running=running, tz=settings.default_tz)
    engine = db.engine_for(settings.database_url)
    if prepare:
        prepare_database(engine, clock, seed=settings.seed_on_start)
    return Runtime(settings=settings, clock=clock, engine=engine)
