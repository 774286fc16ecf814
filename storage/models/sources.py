"""Calendar sources: ICS URLs (Outlook, Google, webcal://) and Indico exports that secbot
follows, with what the last fetch left behind (validators, counts, the error, the backoff)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from storage.models.types import UTCDateTime


class SyncStatus(StrEnum):
    never = "never"  # added, not fetched yet
    synced = "synced"  # fetched and applied (possibly with some bad events: see `last_error`)
    unchanged = "unchanged"  # 304, or the same bytes as last time: nothing written
    failed = "failed"  # fetch or read failed; the store is as before (see `last_error`)


class CalendarSource(SQLModel, table=True):
    """One calendar to follow. `claimed_by`/`claimed_until` is the per-source lease: the
    process holding it is the only one syncing that source (see bot.sources.sync)."""

    __tablename__ = "calendar_source"

    id: int | None = SQLField(default=None, primary_key=True)
    name: str = SQLField(max_length=100, unique=True)
    url: str = SQLField(max_length=2000)
    api_token: str | None = SQLField(default=None, max_length=500)  # Indico; never shown
    interval_seconds: int = 3600
    format: str | None = SQLField(default=None, max_length=10)  # ics | indico, as last read
    etag: str | None = SQLField(default=None, max_length=500)
    last_modified: str | None = SQLField(default=None, max_length=100)
    content_hash: str | None = SQLField(default=None, max_length=64)  # SHA-256 of the body
    status: str = SQLField(default=SyncStatus.never.value, max_length=10)
    events: int | None = None  # events in the source at the last successful read
    counts: dict[str, int] = SQLField(default_factory=dict, sa_column=Column(JSON, nullable=False))
    last_error: str | None = SQLField(default=None, max_length=2000)
    failures: int = 0  # consecutive failed attempts (backoff grows with them)
    last_attempt_at: datetime | None = SQLField(default=None, sa_column=Column(UTCDateTime()))
    last_synced_at: datetime | None = SQLField(default=None, sa_column=Column(UTCDateTime()))
    next_attempt_at: datetime = SQLField(
        sa_column=Column(UTCDateTime(), nullable=False, index=True)
    )
    claimed_by: str | None = SQLField(default=None, max_length=80)
    claimed_until: datetime | None = SQLField(default=None, sa_column=Column(UTCDateTime()))
    created_at: datetime = SQLField(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = SQLField(sa_column=Column(UTCDateTime(), nullable=False))


def source_json(s: CalendarSource) -> dict[str, Any]:
    """A source as `secbot sources list --json` prints it (the API token only as set/unset)."""

    def iso(v: datetime | None) -> str | None:
        return v.isoformat() if v else None

    return {
        "id": s.id,
        "name": s.name,
        "url": s.url,
        "api_token": s.api_token is not None,
        "every_seconds": s.interval_seconds,
        "format": s.format,
        "status": s.status,
        "events": s.events,
        "counts": dict(s.counts or {}),
        "etag": s.etag,
        "last_modified": s.last_modified,
        "last_error": s.last_error,
        "failures": s.failures,
        "last_attempt_at": iso(s.last_attempt_at),
        "last_synced_at": iso(s.last_synced_at),
        "next_attempt_at": iso(s.next_attempt_at),
    }
