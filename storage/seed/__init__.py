"""The shipped dataset: meetings named in the secretariat's progress report."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from storage import repo
from storage.importers import read_file
from storage.models import MeetingData

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
