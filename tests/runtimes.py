"""A Runtime around a test's engine, for calling the core as a surface would."""

from __future__ import annotations

from sqlalchemy import Engine

from bot.clock import Clock
from bot.runtime import Runtime
from bot.settings import Settings, get_settings


def runtime_of(
    engine: Engine, clock: Clock | None = None, settings: Settings | None = None
) -> Runtime:
    return Runtime(settings=settings or get_settings(), clock=clock or Clock(), engine=engine)
