"""The one way a meeting enters or changes: add, edit, cancel, import (files and documents).

Every surface (the CLI, the Slack modal, imports, calendar sync) calls these, so each change is
validated through `MeetingData`, upserted, and followed by a replan of the meeting's reminders
and notices (invitees' updates and CANCELs are queued in the ledger; the scheduler, or the
CLI at once, sends them). Callers own the session and its transaction; bad input raises
`pydantic.ValidationError` (field errors for the surface to show) or `MeetingError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot import reminders
from storage import merge, repo
from storage.models import DeadlineData, Meeting, MeetingData, Precision, meeting_data

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
    result = repo.upsert_meetings(session, items=items, now=now)
    reminders.replan_meetings(session, meeting_ids=result.new + result.updated, now=now)
    return result


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


def _save(session: Session, data: MeetingData, now: datetime) -> Saved:
    meeting, outcome = repo.upsert_meeting(session, data=data, now=now)
    session.flush()
    reminders.replan_meetings(session, meeting_ids=[meeting.id], now=now)
    return Saved(meeting, outcome)
