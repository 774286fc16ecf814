"""The words of calendar sources: intervals ("1h", "30m"), default names, the retry backoff
and the one-line state an admin reads (CLI and App Home)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from storage.models import CalendarSource, SyncStatus, slugify

INTERVAL = re.compile(r"^\s*(\d{1,5})\s*([smhd])\s*$", re.IGNORECASE)
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
SHORTEST = 60  # a calendar is not polled more than once a minute
LONGEST = 7 * 86400
DEFAULT_EVERY = "1h"


def parse_interval(text: str) -> int:
    """ "1h", "30m", "1d", "90s" → seconds, between one minute and a week."""
    found = INTERVAL.match(text or "")
    if not found:
        raise ValueError(f"cannot read {text!r} as an interval: use e.g. 30m, 1h, 6h or 1d")
    seconds = int(found.group(1)) * UNIT_SECONDS[found.group(2).lower()]
    if not SHORTEST <= seconds <= LONGEST:
        raise ValueError(f"an interval of {text!r} is out of range: from 1m to 7d")
    return seconds


def interval_text(seconds: int) -> str:
    for unit in ("d", "h", "m"):
        if seconds % UNIT_SECONDS[unit] == 0:
            return f"{seconds // UNIT_SECONDS[unit]}{unit}"
    return f"{seconds}s"


def default_name(url: str) -> str:
    """A name from the URL: its host without `www.`, as a slug ("indico-example-org")."""
    host = (urlsplit(url.strip()).hostname or "calendar").removeprefix("www.")
    return slugify(host)[:90]


def citation(name: str) -> str:
    """How answers cite a synced meeting's source: "Ozone calendar", "ipos calendar"."""
    return name if "calendar" in name.lower() else f"{name} calendar"


def backoff(failures: int, *, interval: int, first: float) -> timedelta:
    """The wait before retrying after `failures` failures in a row: `first`, doubling, never
    longer than the source's own interval (but at least `first`)."""
    ceiling = max(float(interval), first)
    return timedelta(seconds=min(first * 2 ** max(failures - 1, 0), ceiling))


def _ago(then: datetime, now: datetime) -> str:
    minutes = int((now - then).total_seconds() // 60)
    if minutes < 1:
        return "just now"
    if minutes < 120:
        return f"{minutes} min ago"
    if minutes < 48 * 60:
        return f"{minutes // 60} h ago"
    return f"{minutes // 1440} days ago"


def state_line(s: CalendarSource, now: datetime) -> str:
    """Where a source stands, in one line: "synced 5 min ago: 20 events (2 updated, 1
    cancelled) · every 1h" or "FAILING (3 tries): HTTP 500 · last good sync 2 h ago"."""
    every = f"every {interval_text(s.interval_seconds)}"
    good = f"last good sync {_ago(s.last_synced_at, now)}" if s.last_synced_at else "never synced"
    if s.status == SyncStatus.failed:
        return f"FAILING ({s.failures} tries): {s.last_error} · {good} · {every}"
    if s.status == SyncStatus.never:
        return f"not synced yet · {every}"
    counts = {k: v for k, v in (s.counts or {}).items() if v and k != "unchanged"}
    changed = ", ".join(f"{v} {k}" for k, v in counts.items())
    what = f"{s.events or 0} events" + (f" ({changed})" if changed else "")
    if s.status == SyncStatus.unchanged:
        what = f"unchanged, {s.events or 0} events"
    assert s.last_synced_at is not None
    line = f"synced {_ago(s.last_synced_at, now)}: {what} · {every}"
    return line + (f" · {s.last_error}" if s.last_error else "")
