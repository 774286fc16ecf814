"""Asking the core as a surface would, on the seed with the deadline rules applied."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from bot.assistant import answer
from bot.clock import parse_instant
from bot.conversation import Answer, Asker
from bot.reminders.deadlines import apply_rules, load_rules
from storage import db
from tests.runtimes import runtime_of

ASKER = Asker(timezone="Europe/Zurich")


def managing(asker: Asker, *channels: str) -> Asker:
    """`asker` as the manager of `channels` ("slack:C0LOG"), as a surface would tell the core."""
    return replace(asker, manages=frozenset(channels).__contains__)


def instant(now: str) -> datetime:
    return parse_instant(now, ZoneInfo("UTC"))


def ask(engine: Engine, text: str, now: str = "2015-12-15", asker: Asker = ASKER) -> Answer:
    return answer(text, runtime=runtime_of(engine), asker=asker, now=instant(now))


def with_deadlines(engine: Engine, now: str = "2015-12-15") -> Engine:
    """The rules' deadlines for every meeting still ahead (as `secbot deadlines apply-rules`)."""
    with db.session_scope(engine) as session:
        apply_rules(session, rules=load_rules(), now=instant(now))
    return engine


def deadline_labels(a: Answer) -> set[str]:
    return {f"{d.kind} {d.due_date.isoformat()}" for d in a.deadlines}


def ids(meetings: list) -> list[str]:  # type: ignore[type-arg]
    return [m.id for m in meetings]
