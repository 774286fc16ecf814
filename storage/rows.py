"""Meetings kept between questions, so a listing does not build the same rows again.

A listing reads its page as ids from an index (`storage.search`), then takes here the meetings
it has read before and reads only the others: at 50 meetings a page, building the rows was
most of an answer's time. Rows are kept per engine for one version of the meetings (FeedState's
counter, which every write to a meeting raises, ORM or bulk): any such write, in this process
or another, empties them at the next listing.

The kept meetings are detached from every session and shared between threads: read them,
never change them or add them to a session. While a session has unflushed or uncommitted
changes of its own, or already holds a meeting, those are read as usual and not kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from sqlmodel import Session, col, select

from storage.models import Meeting
from storage.subscriptions import meetings_version

KEPT = 1_000  # meetings kept per engine, the least recently listed dropped first


@dataclass
class _Kept:
    version: str
    meetings: OrderedDict[str, Meeting] = field(default_factory=OrderedDict)


_kept: WeakKeyDictionary[object, _Kept] = WeakKeyDictionary()
_lock = threading.Lock()


def meetings(session: Session, ids: list[str]) -> list[Meeting]:
    """The meetings `ids`, in that order (ids no longer stored are left out)."""
    if not ids:
        return []
    if session.new or session.dirty or session.deleted or session.in_nested_transaction():
        return _read(session, ids)
    bind = session.get_bind()
    version = meetings_version(session)[0]
    with _lock:
        kept = _kept.get(bind)
        if kept is None or kept.version != version:
            kept = _kept[bind] = _Kept(version)
        found = {i: kept.meetings[i] for i in ids if i in kept.meetings}
        for i in found:
            kept.meetings.move_to_end(i)
    missing = [i for i in ids if i not in found]
    if missing:
        held = {m.id for m in session.identity_map.values() if isinstance(m, Meeting)}
        fresh = _read(session, missing)
        found.update((m.id, m) for m in fresh)
        keep = [m for m in fresh if m.id not in held]
        for m in keep:
            session.expunge(m)
        with _lock:
            if _kept.get(bind) is kept:
                kept.meetings.update((m.id, m) for m in keep)
                while len(kept.meetings) > KEPT:
                    kept.meetings.popitem(last=False)
    return [found[i] for i in ids if i in found]


def _read(session: Session, ids: list[str]) -> list[Meeting]:
    rows = {m.id: m for m in session.exec(select(Meeting).where(col(Meeting.id).in_(ids)))}
    return [rows[i] for i in ids if i in rows]


def forget() -> None:
    """Drop every kept meeting (tests that rebuild a store under the same engine)."""
    with _lock:
        _kept.clear()
