"""The one source of "now". Nothing else in secbot reads the system clock.

A `Clock` either stands still at a fixed instant (SECBOT_NOW, `--now`, tests) or starts at
an instant and runs on in real time (`secbot serve` with SECBOT_NOW: demos living through the
seed's calendar). Without an anchor it is the real clock.
"""

from __future__ import annotations

import time as _time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo


def parse_instant(text: str, tz: tzinfo | None = None) -> datetime:
    """An ISO date or datetime as an aware datetime; a date means 09:00 in `tz` (default UTC).

    A bare date is read as the working morning of that day, so "now=2016-02-01" sits inside
    that day in every time zone a user may ask from.
    """
    text = text.strip()
    zone = tz or UTC
    try:
        if len(text) == 10:
            d = date.fromisoformat(text)
            return datetime(d.year, d.month, d.day, 9, 0, tzinfo=zone)
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"cannot read {text!r} as a date or date-time (use 2016-02-01 or 2016-02-01T09:00)"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=zone)


@dataclass
class Clock:
    anchor: datetime | None = None
    running: bool = False
    ticker: Callable[[], float] = _time.monotonic
    _started: float = field(init=False)

    def __post_init__(self) -> None:
        self._started = self.ticker()

    def now(self) -> datetime:
        if self.anchor is None:
            return datetime.now(UTC)
        if not self.running:
            return self.anchor
        return self.anchor + timedelta(seconds=self.ticker() - self._started)

    def today(self, tz: str | tzinfo = UTC) -> date:
        zone = ZoneInfo(tz) if isinstance(tz, str) else tz
        return self.now().astimezone(zone).date()


def fixed(at: datetime) -> Clock:
    return Clock(anchor=at)


def from_settings(now: str | None, *, running: bool = False, tz: str | None = None) -> Clock:
    """The clock for a command: `--now`/SECBOT_NOW when given, else the real clock."""
    if not now:
        return Clock()
    return Clock(anchor=parse_instant(now, ZoneInfo(tz) if tz else None), running=running)
