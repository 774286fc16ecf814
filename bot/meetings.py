"""The one way a meeting enters or changes: add, edit, cancel, import (files and documents).

Every surface (the CLI, the Slack modal, imports, calendar sync) calls these, so each change is
validated through `MeetingData`, upserted, and followed by a replan of the meeting's reminders
and notices (invitees' updates and CANCELs are queued in the ledger; the scheduler, or the
CLI at once, sends them). Callers own the session and its transaction; bad input raises
`pydantic.ValidationError` (field errors for the surface to show) or `MeetingError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any

from sqlalchemy import inspect, or_
from sqlmodel import Session, col, select

from bot import reminders
from bot.reminders import changes
from storage import merge, repo, sources
from storage.bulk import DeferredIndexes
from storage.models import (
    DeadlineData,
    Delivery,
    Invitation,
    Meeting,
    MeetingData,
    Precision,
    ReminderRule,
    RuleScope,
    Source,
    Status,
    meeting_data,
)

BATCH = 1000  # meetings written per statement by an import

# A new city brings its own country, region and time zone unless they are given too.
FOLLOW_CITY = ("country", "region", "timezone")


class MeetingError(ValueError):
    """A change that cannot be made as asked (an id that exists, a meeting that does not)."""


@dataclass(frozen=True)
class Saved:
    meeting: Meeting
    outcome: str  # new | updated | unchanged


@dataclass(frozen=True)
class FoundImport:
    saved: list[Saved]
    stored_ids: dict[str | None, str]  # the document's meeting id -> the stored meeting's id


def add(session: Session, *, data: MeetingData, now: datetime) -> Saved:
    """Store a new meeting; an id already taken is refused (edit it instead)."""
    assert data.id is not None
    if repo.get_meeting(session, meeting_id=data.id) is not None:
        raise MeetingError(f"a meeting with id {data.id!r} exists: edit it instead")
    return _save(session, data, now)


def edited(meeting: Meeting, changes: Mapping[str, Any]) -> MeetingData:
    """The meeting with `changes` applied (MeetingData input; None clears a field), validated.

    A new start without a new end keeps the meeting's length; a new city without a country,
    region or zone lets those follow the city; `start: "none"` removes the dates.
    """
    current = meeting_data(meeting).model_dump(mode="json", exclude={"precision"})
    if meeting.precision == Precision.month and current.get("start"):
        current["start"], current["end"] = current["start"][:7], current["end"][:7]
    changes = dict(changes)
    if changes.get("start") == "none":
        changes["start"], changes["end"] = None, None
    if changes.get("start") and not changes.get("end"):
        changes["end"] = _same_length_end(meeting, str(changes["start"]))
    if changes.get("city"):
        for key in FOLLOW_CITY:
            changes.setdefault(key, None)
    current.update(changes)
    return MeetingData.model_validate(current)


def _same_length_end(meeting: Meeting, start: str) -> str | None:
    """The end that keeps a day-precise meeting's length when its start moves to `start`."""
    if meeting.precision != Precision.day or not meeting.start_date or not meeting.end_date:
        return None
    try:
        moved = datetime.strptime(start, "%Y-%m-%d").date()
    except ValueError:
        return None  # a month ("2016-03") or a bad date: validation decides
    return (moved + (meeting.end_date - meeting.start_date)).isoformat()


def edit(session: Session, *, meeting_id: str, changes: Mapping[str, Any], now: datetime) -> Saved:
    """Change fields of a stored meeting; a real change raises its SEQUENCE."""
    meeting = repo.get_meeting(session, meeting_id=meeting_id)
    if meeting is None:
        raise MeetingError(f"no meeting with id {meeting_id!r}")
    data = edited(meeting, changes).model_copy(
        update={"id": meeting.id, "uid": meeting.uid, "sequence": meeting.sequence}
    )
    return _save(session, data, now)


def cancel(session: Session, *, meeting_id: str, now: datetime) -> Saved:
    """Mark a meeting cancelled: it stays (feeds show it CANCELLED) and its people are told."""
    try:
        meeting = repo.cancel_meeting(session, meeting_id=meeting_id, now=now)
    except repo.NotFound as e:
        raise MeetingError(str(e)) from None
    reminders.replan_meetings(session, meeting_ids=[meeting.id], now=now)
    return Saved(meeting, "updated")


def import_meetings(
    session: Session, *, items: Iterable[MeetingData], now: datetime
) -> repo.UpsertResult:
    """Upsert rows of a file (matched by id, then UID), then replan the changed meetings once."""
    rows = iter(items)
    return import_batches(session, batches=iter(lambda: list(islice(rows, BATCH)), []), now=now)


def import_batches(
    session: Session, *, batches: Iterable[Sequence[MeetingData]], now: datetime
) -> repo.UpsertResult:
    """`import_meetings` for a file read batch by batch (storage.importers.Reading): each
    batch is written in a few statements, and once all are, the changed meetings that anyone
    is owed something about are replanned. If it fails, the caller rolls back."""
    result = repo.UpsertResult()
    held = repo.count_meetings(session)
    deferred = DeferredIndexes(session)  # a large import builds its indexes at the end
    for batch in batches:
        repo.upsert_batch(session, items=batch, now=now, result=result)
        if deferred.worth_it(written=len(result.new) + len(result.updated), held=held):
            deferred.drop()
    deferred.restore()
    reminders.replan_meetings(session, meeting_ids=_owing(session, result), now=now)
    return result


def _owing(session: Session, result: repo.UpsertResult) -> list[str]:
    """The new and updated meetings a replan could change anything for: those an active
    reminder rule covers, or that have ledger rows or invitations (a meeting with none of
    these has nothing planned and nothing owed, so replanning it is a no-op)."""
    changed = result.new + result.updated
    rules = list(session.exec(select(ReminderRule).where(col(ReminderRule.active))))
    if any(r.scope == RuleScope.all for r in rules):
        return changed
    scoped = {s: {r.scope_value for r in rules if r.scope == s} for s in RuleScope}
    wanted: set[str] = set(scoped[RuleScope.meeting])
    if scoped[RuleScope.region] or scoped[RuleScope.kind]:
        wanted |= set(
            session.exec(
                select(Meeting.id).where(
                    or_(
                        col(Meeting.region).in_(scoped[RuleScope.region]),
                        col(Meeting.kind).in_(scoped[RuleScope.kind]),
                    )
                )
            )
        )
    wanted |= set(session.exec(select(Delivery.meeting_id).distinct()))
    wanted |= set(session.exec(select(Invitation.meeting_id).distinct()))
    return [m for m in changed if m in wanted]


def import_found(
    session: Session,
    *,
    found: Iterable[MeetingData],
    deadlines: Iterable[Mapping[str, Any]] = (),
    now: datetime,
) -> FoundImport:
    """Store meetings read from a document, each merged into the stored meeting it is about
    (storage.merge) or added under a free id, with the deadlines the document gives them."""
    saved: list[Saved] = []
    stored_ids: dict[str | None, str] = {}
    for data in found:
        row, outcome = merge.upsert_found_meeting(session, data=data, now=now)
        session.flush()
        stored_ids[data.id] = row.id
        saved.append(Saved(row, outcome))
    for d in deadlines:
        meeting_id = stored_ids.get(d["meeting"])
        if meeting_id is not None:
            repo.add_deadline(
                session,
                data=DeadlineData(meeting_id=meeting_id, title=d["title"], kind=d["kind"],
                                  due_date=d["due_date"]),
                now=now,
            )  # fmt: skip
    reminders.replan_meetings(session, meeting_ids=stored_ids.values(), now=now)
    return FoundImport(saved, stored_ids)


@dataclass
class SyncResult:
    """What syncing a calendar source did: meeting ids by outcome, and for each meeting that
    changed, its fields as (before, after)."""

    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)  # vanished from the source
    elsewhere: list[str] = field(default_factory=list)  # UIDs another source brought first
    changes: dict[str, dict[str, tuple[Any, Any]]] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)  # of the new, updated and cancelled
    notices: int = 0  # chat notices queued to followers of meetings that moved

    def counts(self) -> dict[str, int]:
        keys = ("new", "updated", "unchanged", "cancelled", "elsewhere")
        return {k: len(getattr(self, k)) for k in keys}


def sync_source(
    session: Session,
    *,
    source_id: int,
    cited_as: str,
    items: Sequence[MeetingData],
    now: datetime,
    complete: bool = True,
) -> SyncResult:
    """Bring a calendar source's meetings in line with its events (`items`), matched by UID.

    New events are added, changed ones updated (SEQUENCE + 1), and each meeting remembers the
    source (`source_id`; `cited_as` is its source document, which answers cite). When
    `complete` (every event of the source was read), a meeting of this source whose event is gone is
    cancelled, never deleted, unless it is already over (published calendars drop past
    events). A UID another source brought is left to that source. Then the changed meetings'
    reminders are replanned (invitees' updates and CANCELs queued) and the followers of
    meetings whose dates or place changed are sent a notice.
    """
    result = SyncResult()
    by_uid, by_id = sources.stored_meetings(
        session, uids=[d.uid or "" for d in items], ids=[d.id or "" for d in items]
    )
    seen: set[str] = set()
    fresh: list[Meeting] = []
    moved: list[Meeting] = []
    with session.no_autoflush:  # one flush for the calendar, not one per event
        for data in items:
            assert data.uid is not None and data.id is not None
            seen.add(data.uid)
            stored = by_uid.get(data.uid) or by_id.get(data.id)
            if stored is not None and stored.source_id not in (None, source_id):
                result.elsewhere.append(stored.id)
                continue
            cited = data.model_copy(update={"source": Source(document=cited_as[:200])})
            meeting, outcome = repo.save_meeting(session, data=cited, now=now, existing=stored)
            if meeting.source_id != source_id:
                meeting.source_id = source_id
            getattr(result, outcome).append(meeting.id)
            if outcome != "unchanged":
                result.titles[meeting.id] = meeting.title
            if outcome == "new":
                fresh.append(meeting)
            elif outcome == "updated":
                result.changes[meeting.id] = _changed_fields(meeting)
                if changes.moved(meeting):
                    moved.append(meeting)
    if complete:
        today = now.date()
        for m in sources.source_meetings(session, source_id=source_id):
            ended = m.end_date is not None and m.end_date < today
            if m.uid not in seen and m.status != Status.cancelled and not ended:
                result.changes[m.id] = {"status": (m.status, Status.cancelled.value)}
                result.titles[m.id] = m.title
                repo.cancel_meeting(session, meeting_id=m.id, now=now)
                result.cancelled.append(m.id)
    session.flush()
    covered = changes.rule_matcher(session)  # a new meeting no rule covers has nothing owed
    planned = [m.id for m in fresh if covered(m)] + result.updated + result.cancelled
    reminders.replan_meetings(session, meeting_ids=planned, now=now)
    for meeting in moved:
        result.notices += changes.tell_followers(session, meeting=meeting, now=now)
    return result


# bookkeeping columns, not facts about the meeting
_NOT_FACTS = frozenset({"id", "uid", "sequence", "created_at", "updated_at", "source_id"})


def _changed_fields(meeting: Meeting) -> dict[str, tuple[Any, Any]]:
    """The facts this session changed on a stored meeting, as (before, after); read before
    the flush, while SQLAlchemy holds each attribute's history."""
    found: dict[str, tuple[Any, Any]] = {}
    for attr in inspect(meeting).attrs:
        if attr.key not in _NOT_FACTS and attr.history.has_changes():
            deleted = attr.history.deleted
            found[attr.key] = (deleted[0] if deleted else None, attr.value)
    return found


def _save(session: Session, data: MeetingData, now: datetime) -> Saved:
    meeting, outcome = repo.upsert_meeting(session, data=data, now=now)
    session.flush()
    reminders.replan_meetings(session, meeting_ids=[meeting.id], now=now)
    return Saved(meeting, outcome)
