"""Each meeting's VEVENT serialised once and kept (table feed_fragment), so that a feed is
put together from ready bytes and a change serialises only the meetings that changed.

An `Entry` names one event of a feed: the meeting, its revision (SEQUENCE and last change),
and the variant (a private feed's alarms). A stored fragment is used when it was made for the
same revision by the same renderer: a digest of the public URL, the rendering code and the
libraries and tables it depends on, so a deployment that renders differently re-renders.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from bot.calendar import ical
from storage import fragments as store
from storage import places
from storage.importers import ics
from storage.models import KIND_LABELS, Meeting

log = logging.getLogger(__name__)


class Entry(NamedTuple):
    """One event of a feed (a plain tuple: feeds hash thousands of these per request)."""

    meeting_id: str
    revision: str
    variant: str = ""  # the alarms' minutes, comma-separated, for a private feed


def variant_of(alarms: Sequence[int]) -> str:
    return ",".join(str(m) for m in sorted(set(alarms)))


def alarms_of(variant: str) -> list[int]:
    return [int(m) for m in variant.split(",") if m]


class Fragment(NamedTuple):
    """An event's bytes as a calendar serialises it, with the zones its VTIMEZONEs need (a
    plain tuple: a restart makes ten thousand of these at once)."""

    body: bytes
    tzids: frozenset[str]
    days: tuple[date, date] | None  # first and last date of its zoned times


def render(m: Meeting, *, base_url: str | None, variant: str = "") -> Fragment:
    event = ical.meeting_event(m, base_url=base_url, alarms=alarms_of(variant))
    days = ical.zoned_days(event)
    return Fragment(
        event.to_ical(), ical.used_tzids(event), (min(days), max(days)) if days else None
    )


@cache
def _code_digest() -> str:
    """What else than the meeting decides an event's bytes: the renderer's source, the tables
    it reads and the libraries' versions."""
    digest = hashlib.sha256()
    for module in (ical, places):
        digest.update(Path(str(module.__file__)).read_bytes())
    tables = (KIND_LABELS, ics.X_FIELDS, ics.CANCELLED_PREFIX, ics.MONTH_SUFFIX)
    digest.update(repr(tables).encode())
    for dist in ("icalendar", "pycountry"):
        digest.update(f"{dist}=={version(dist)}".encode())
    return digest.hexdigest()


def renderer(base_url: str | None) -> str:
    return hashlib.sha256(f"{_code_digest()}\n{base_url or ''}".encode()).hexdigest()[:32]


def fragments(
    session: Session, entries: Sequence[Entry], *, base_url: str | None
) -> dict[Entry, Fragment]:
    """The fragments of `entries`: stored ones when current, the others rendered (from the
    meetings as they are now) and stored for next time. A meeting deleted since it was
    listed has none."""
    digest = renderer(base_url)
    stored = store.load(session, ((e.meeting_id, e.variant) for e in entries), renderer=digest)
    found: dict[Entry, Fragment] = {}
    stale: list[Entry] = []
    for e in entries:
        row = stored.get((e.meeting_id, e.variant))
        if row is not None and row.revision == e.revision:
            found[e] = Fragment(row.body, row.zones, row.days)
        else:
            stale.append(e)
    if stale:
        found.update(_render_and_keep(session, stale, base_url=base_url, digest=digest))
    return found


def _render_and_keep(
    session: Session, entries: Sequence[Entry], *, base_url: str | None, digest: str
) -> dict[Entry, Fragment]:
    ids = list({e.meeting_id for e in entries})
    meetings: dict[str, Meeting] = {}
    for start in range(0, len(ids), 500):
        query = select(Meeting).where(col(Meeting.id).in_(ids[start : start + 500]))
        meetings.update((m.id, m) for m in session.exec(query))
    made: dict[Entry, Fragment] = {}
    rows: list[dict[str, object]] = []
    for e in entries:
        m = meetings.get(e.meeting_id)
        if m is None:  # deleted since the listing
            continue
        fragment = made[e] = render(m, base_url=base_url, variant=e.variant)
        # kept under the listed revision: if the meeting changed since, the next listing has
        # a newer revision and renders it again (a wasted render, never a stale event)
        first, last = fragment.days or (None, None)
        rows.append(
            {
                "meeting_id": m.id, "variant": e.variant, "revision": e.revision,
                "renderer": digest, "body": fragment.body,
                "zones": " ".join(sorted(fragment.tzids)),
                "zoned_first": first, "zoned_last": last,
            }
        )  # fmt: skip
    bind = session.get_bind()
    keep(bind.engine if isinstance(bind, Connection) else bind, rows)
    return made


# One writer, so writes land in the order they were made (a newer revision last).
_writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="feed-fragments")


def keep(engine: Engine, rows: list[dict[str, object]]) -> None:
    """Store rendered fragments in the background: a feed is served without waiting for the
    database to commit them (a commit can take tens of milliseconds on a busy disk), and a
    write that fails or never happens only means rendering those events again later."""
    if rows:
        _writer.submit(_save, engine, rows)


def _save(engine: Engine, rows: list[dict[str, object]]) -> None:
    try:
        store.save(engine, rows)
    except SQLAlchemyError as e:
        log.warning("could not keep %d feed fragments: %s", len(rows), e)


def wait_kept(timeout: float | None = None) -> bool:
    """Until the writes queued so far are done (a server's shutdown; tests): whether they are."""
    try:
        _writer.submit(lambda: None).result(timeout)
    except TimeoutError:
        return False
    return True
