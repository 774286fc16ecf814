"""The shipped dataset: meetings named in the secretariat's progress report."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

from sqlmodel import Session, col, func, select

from storage import repo
from storage.importers import read_file
from storage.models import Meeting, MeetingData

SEED_FILE = Path(__file__).parent / "meetings.yaml"


class SeedError(RuntimeError):
    pass


def seed_meetings(path: Path = SEED_FILE) -> list[MeetingData]:
    """The shipped meetings, validated."""
    result = read_file(path)
    if result.errors:
        raise SeedError("seed data is invalid:\n" + "\n".join(result.errors))
    return result.meetings


def load_seed(session: Session, *, now: datetime, path: Path = SEED_FILE) -> repo.UpsertResult:
    """Upsert every seed meeting (safe to run again: unchanged rows stay unchanged)."""
    return repo.upsert_meetings(session, items=seed_meetings(path), now=now)


def seed_if_empty(session: Session, *, now: datetime) -> repo.UpsertResult | None:
    if repo.count_meetings(session) > 0:
        return None
    return load_seed(session, now=now)


def seed_date(path: Path = SEED_FILE) -> date | None:
    """The day the seed's report describes the calendar as of (its `as_of:`), if it says."""
    found = re.search(r"^as_of:\s*(\d{4}-\d{2}-\d{2})\s*$", path.read_text(encoding="utf-8"), re.M)
    return date.fromisoformat(found.group(1)) if found else None


def holds_only_seed(session: Session, path: Path = SEED_FILE) -> bool:
    """Whether the store holds the seed's meetings and nothing else (a fresh clone)."""
    ids = {m.id for m in seed_meetings(path)}
    stored = session.exec(select(func.count()).select_from(Meeting)).one()
    if stored != len(ids):
        return False
    return all(i in ids for i in session.exec(select(col(Meeting.id))))
