"""What every command and the server start from: settings, the clock and a ready database."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Engine

from bot import clock as clocks
from bot.settings import Settings, get_settings
from storage import db
from storage.seed import seed_if_empty

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


def open_runtime(*, now: str | None = None, running: bool = False, prepare: bool = True) -> Runtime:
    settings = get_settings()
    clock = clocks.from_settings(now or settings.now, running=running, tz=settings.default_tz)
    engine = db.engine_for(settings.database_url)
    if prepare:
        prepare_database(engine, clock, seed=settings.seed_on_start)
    return Runtime(settings=settings, clock=clock, engine=engine)
