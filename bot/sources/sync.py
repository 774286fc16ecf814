"""Syncing one calendar source: take its lease, fetch, read, apply, record.

1. **Lease.** A guarded UPDATE (`storage.sources.claim`) gives one process the source; the
   others skip it ("busy"). The write transaction re-reads the row with FOR UPDATE
   (PostgreSQL) and goes on only if this process still holds the lease, so with several
   replicas a source is synced by one at a time and each change is applied, and announced,
   once.
2. **Fetch** with the last ETag / Last-Modified; a 304, or the same bytes as last time, is
   "unchanged": no meeting or ledger row is written.
3. **Read** through the importers. A body that is no calendar (HTML, an error page), a
   failed fetch, or a calendar that suddenly has no events at all is a failure: the store is
   left as it was, the error recorded and logged, and the source retried with backoff.
   Events that cannot be read are reported while the others are applied; that sync cancels
   nothing (an unreadable event is not a vanished one), and keeps no validators, so the next
   fetch reads everything again.
4. **Apply** through the meeting service (`bot.meetings.sync_source`): upsert by UID, cancel
   what vanished, replan reminders, queue invitees' updates and CANCELs and followers' notices.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import Engine, update
from sqlmodel import Session, col

from bot import meetings
from bot.reminders.dispatch import worker_name
from bot.settings import Settings
from bot.sources.fetch import Fetched, FetchError, fetch
from bot.sources.read import Calendar, NotACalendar, read_calendar
from bot.sources.terms import backoff, citation
from storage import sources
from storage.models import CalendarSource, SyncStatus

log = logging.getLogger("secbot.sources")
SHOWN_ERRORS = 5  # per-event problems kept on the source row


@dataclass(frozen=True)
class SyncPolicy:
    timeout: float = 30.0
    max_bytes: int = 50_000_000
    backoff: float = 60.0
    lease: timedelta = timedelta(minutes=15)

    @classmethod
    def from_settings(cls, s: Settings) -> SyncPolicy:
        return cls(
            timeout=s.sources_timeout, max_bytes=s.sources_max_bytes, backoff=s.sources_backoff,
            lease=timedelta(seconds=s.sources_lease),
        )  # fmt: skip


@dataclass
class SyncReport:
    source: str
    outcome: str  # synced | unchanged | failed | busy
    dry_run: bool = False
    format: str | None = None
    events: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    changes: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # events that could not be read
    error: str | None = None  # why the sync failed
    notices: int = 0
    next_attempt_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source, "outcome": self.outcome, "dry_run": self.dry_run,
            "format": self.format, "events": self.events, "counts": self.counts,
            "changes": self.changes, "errors": self.errors, "error": self.error,
            "notices": self.notices,
            "next_attempt_at": self.next_attempt_at.isoformat() if self.next_attempt_at else None,
        }  # fmt: skip


@dataclass(frozen=True)
class _Known:
    """What the source row said when the sync began."""

    id: int
    name: str
    url: str
    api_token: str | None
    interval: int
    etag: str | None
    last_modified: str | None
    content_hash: str | None
    events: int | None
    failures: int


def _known(engine: Engine, source_id: int) -> _Known:
    with Session(engine) as session:
        s = session.get(CalendarSource, source_id)
        if s is None or s.id is None:
            raise sources.SourceError(f"no calendar source with id {source_id}")
        return _Known(
            s.id, s.name, s.url, s.api_token, s.interval_seconds, s.etag, s.last_modified,
            s.content_hash, s.events, s.failures,
        )  # fmt: skip


def sync(
    engine: Engine,
    *,
    source_id: int,
    now: datetime,
    policy: SyncPolicy,
    dry_run: bool = False,
    full: bool = False,
    worker: str | None = None,
    client: httpx.Client | None = None,
) -> SyncReport:
    """Sync one source now. `dry_run` applies in a transaction that is rolled back and
    records nothing; `full` ignores the validators and the last body's hash."""
    known = _known(engine, source_id)
    worker = worker or f"{worker_name()}:{uuid.uuid4().hex[:12]}"  # one token per sync
    if not dry_run and not sources.claim(
        engine, source_id=source_id, worker=worker, now=now, lease=policy.lease
    ):
        return SyncReport(known.name, "busy", error="another process is syncing it")
    try:
        try:
            fetched = fetch(
                known.url, etag=None if full else known.etag,
                last_modified=None if full else known.last_modified, api_token=known.api_token,
                timeout=policy.timeout, max_bytes=policy.max_bytes, client=client,
            )  # fmt: skip
            digest = hashlib.sha256(fetched.body).hexdigest() if not fetched.not_modified else None
            if fetched.not_modified or (digest == known.content_hash and not full):
                return _unchanged(engine, known, now, worker, dry_run)
            calendar = read_calendar(fetched.body, content_type=fetched.content_type,
                                     name=known.name)  # fmt: skip
            if not calendar.meetings and not calendar.errors and known.events:
                raise NotACalendar(
                    f"the calendar came back without any event (it had {known.events}); "
                    "nothing was cancelled"
                )
        except (FetchError, NotACalendar) as e:
            return _failed(engine, known, now, worker, str(e), policy, dry_run)
        try:
            return _apply(engine, known, now, worker, fetched, digest, calendar, dry_run)
        except Exception as e:  # a bug or a database error: rolled back, recorded, retried
            log.exception("calendar source %r could not be applied", known.name)
            error = f"could not apply the calendar: {e.__class__.__name__}: {e}"
            return _failed(engine, known, now, worker, error[:500], policy, dry_run)
    finally:
        if not dry_run:
            sources.release(engine, source_id=source_id, worker=worker)


def _unchanged(
    engine: Engine, known: _Known, now: datetime, worker: str, dry_run: bool
) -> SyncReport:
    report = SyncReport(known.name, SyncStatus.unchanged.value, dry_run, events=known.events)
    report.next_attempt_at = now + timedelta(seconds=known.interval)
    if not dry_run:
        _record(engine, known.id, worker, status=SyncStatus.unchanged.value, failures=0,
                last_error=None, last_attempt_at=now, last_synced_at=now,
                next_attempt_at=report.next_attempt_at)  # fmt: skip
    return report


def _failed(
    engine: Engine,
    known: _Known,
    now: datetime,
    worker: str,
    error: str,
    policy: SyncPolicy,
    dry_run: bool,
) -> SyncReport:
    failures = known.failures + 1
    wait = backoff(failures, interval=known.interval, first=policy.backoff)
    report = SyncReport(known.name, SyncStatus.failed.value, dry_run, error=error)
    if dry_run:
        return report
    report.next_attempt_at = now + wait
    log.warning(
        "calendar source %r failed (%d in a row): %s; the store is unchanged, next try in %s",
        known.name, failures, error, wait,
    )  # fmt: skip
    _record(engine, known.id, worker, status=SyncStatus.failed.value, failures=failures,
            last_error=error[:2000], last_attempt_at=now,
            next_attempt_at=report.next_attempt_at)  # fmt: skip
    return report


def _record(engine: Engine, source_id: int, worker: str, **values: Any) -> None:
    """Write the outcome on the source row and give the lease back, if this worker still
    holds it."""
    with Session(engine) as session:
        session.execute(
            update(CalendarSource)
            .where(col(CalendarSource.id) == source_id, col(CalendarSource.claimed_by) == worker)
            .values(
                updated_at=values.get("last_attempt_at"),
                claimed_by=None,
                claimed_until=None,
                **values,
            )
            .execution_options(synchronize_session=False)
        )
        session.commit()


def _apply(
    engine: Engine,
    known: _Known,
    now: datetime,
    worker: str,
    fetched: Fetched,
    digest: str | None,
    calendar: Calendar,
    dry_run: bool,
) -> SyncReport:
    report = SyncReport(known.name, SyncStatus.synced.value, dry_run, format=calendar.format)
    report.events = len(calendar.meetings) + len(calendar.errors)
    report.errors = calendar.errors
    with Session(engine, expire_on_commit=False) as session:
        row = (
            session.get(CalendarSource, known.id)
            if dry_run
            else sources.locked_source(session, source_id=known.id, worker=worker)
        )
        if row is None:
            log.warning("calendar source %r: lease lost before writing; left to its holder",
                        known.name)  # fmt: skip
            return SyncReport(known.name, "busy", error="lease lost to another process")
        result = meetings.sync_source(
            session, source_id=known.id, cited_as=citation(known.name), items=calendar.meetings,
            now=now, complete=not calendar.errors,
        )  # fmt: skip
        report.counts, report.notices = result.counts(), result.notices
        report.changes = _changes(result)
        if dry_run:
            session.rollback()
            return report
        clean = not calendar.errors  # validators only when every event was read
        row.format, row.events, row.counts = calendar.format, report.events, report.counts
        row.etag = fetched.etag if clean else None
        row.last_modified = fetched.last_modified if clean else None
        row.content_hash = digest if clean else None
        row.status, row.failures = SyncStatus.synced.value, 0
        row.last_error = _bad_events(calendar.errors)
        row.last_attempt_at = row.last_synced_at = row.updated_at = now
        row.next_attempt_at = report.next_attempt_at = now + timedelta(seconds=known.interval)
        row.claimed_by = row.claimed_until = None
        session.add(row)
        session.commit()
    counts = {k: v for k, v in report.counts.items() if v}
    log.info("calendar source %r synced: %s", known.name, counts or "nothing changed")
    if calendar.errors:
        log.warning("calendar source %r: %s", known.name, row.last_error)
    return report


def _bad_events(errors: list[str]) -> str | None:
    if not errors:
        return None
    shown = "; ".join(errors[:SHOWN_ERRORS])
    more = f" (and {len(errors) - SHOWN_ERRORS} more)" if len(errors) > SHOWN_ERRORS else ""
    return f"{len(errors)} event(s) could not be read and were left as they were: {shown}{more}"


def _changes(result: meetings.SyncResult) -> list[dict[str, Any]]:
    """What changed, meeting by meeting, for `--dry-run` and `--json`."""
    out: list[dict[str, Any]] = []
    for kind in ("new", "updated", "cancelled"):
        for meeting_id in getattr(result, kind):
            fields = result.changes.get(meeting_id, {})
            out.append({
                "id": meeting_id, "title": result.titles.get(meeting_id), "change": kind,
                "fields": {k: [_plain(a), _plain(b)] for k, (a, b) in fields.items()},
            })  # fmt: skip
    return out


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool | list):
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def sync_due(
    engine: Engine, *, now: datetime, policy: SyncPolicy, client: httpx.Client | None = None
) -> list[SyncReport]:
    """Sync every source whose next attempt has come, one after the other."""
    with Session(engine) as session:
        due = sources.due_sources(session, now=now)
    return [sync(engine, source_id=i, now=now, policy=policy, client=client) for i in due]
