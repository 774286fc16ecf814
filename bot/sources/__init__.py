"""Calendar sources: Outlook, Google and Indico calendars secbot follows and keeps in sync.

`fetch` (conditional GET), `read` (iCalendar or Indico JSON, through the importers), `sync`
(one source: lease, fetch, read, apply through `bot.meetings.sync_source`, record),
`scheduler` (APScheduler wakes `sync_due`), `terms` (intervals, names, backoff, state lines).
Adding and removing sources is here, for the CLI and the Slack admin modal alike.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.sources.fetch import check_url
from bot.sources.sync import SyncPolicy, SyncReport, sync, sync_due
from bot.sources.terms import DEFAULT_EVERY, default_name, parse_interval, state_line
from storage import sources
from storage.models import CalendarSource
from storage.sources import SourceError

__all__ = [
    "DEFAULT_EVERY",
    "SourceError",
    "SyncPolicy",
    "SyncReport",
    "add_source",
    "state_line",
    "sync",
    "sync_due",
]


def add_source(
    session: Session,
    *,
    url: str,
    now: datetime,
    name: str | None = None,
    every: str = DEFAULT_EVERY,
    api_token: str | None = None,
) -> CalendarSource:
    """Follow a calendar: checked URL and interval, a free name (from the host when none is
    given); due for its first sync at once. Bad input raises ValueError with the reason."""
    url = check_url(url)
    seconds = parse_interval(every)
    name = (name or "").strip() or sources.free_name(session, default_name(url))
    if len(name) > 100:
        raise SourceError("a source name has at most 100 characters")
    token = (api_token or "").strip() or None
    return sources.add_source(
        session, name=name, url=url, interval_seconds=seconds, now=now, api_token=token
    )
