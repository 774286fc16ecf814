"""Seasons and holidays in a question → a date span: "this spring", "last summer", "over
Christmas", "before the summer break", "Easter 2016".

Seasons are the northern hemisphere's meteorological ones (spring March–May, summer June–
August, autumn September–November, winter December–February), as most convention secretariats
keep them; the summer break is July and August; "Christmas" as a period ("over Christmas",
"the holidays") runs from 24 December to 1 January; Easter comes from dateutil (Good Friday to
Easter Monday). Works on folded text, like bot.ask.timespan.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.easter import easter

Range = tuple[date, date]


def _months(first: int, last: int) -> Callable[[int], Range]:
    """A yearly period from month `first` to month `last` (of the next year when it wraps)."""

    def occurrence(year: int) -> Range:
        end_year = year + (last < first)
        end = date(end_year + (last == 12), last % 12 + 1, 1) - timedelta(days=1)
        return date(year, first, 1), end

    return occurrence


def _days(month: int, day: int, length: int = 1) -> Callable[[int], Range]:
    def occurrence(year: int) -> Range:
        start = date(year, month, day)
        return start, start + timedelta(days=length - 1)

    return occurrence


def _easter(year: int) -> Range:
    sunday = easter(year)
    return sunday - timedelta(days=2), sunday + timedelta(days=1)


@dataclass(frozen=True)
class Period:
    label: str  # "spring", "the Christmas holidays"
    occurrence: Callable[[int], Range]  # the period in a year (it may run into the next)


_HOLIDAYS = r"(?:holidays?|break|recess|vacations?|closure)"
# phrase (folded) → the period it names; longer phrases first when matching
PERIODS: dict[str, Period] = {
    rf"summer {_HOLIDAYS}": Period("the summer break", _months(7, 8)),
    rf"(?:christmas|xmas|end of (?:the )?year|year end|festive|winter) {_HOLIDAYS}"
    r"|(?:the )?holiday season|festive season|the holidays"
    r"|between christmas and (?:the )?new year": Period("the Christmas holidays", _days(12, 24, 9)),
    r"christmas eve": Period("Christmas Eve", _days(12, 24)),
    r"christmas day": Period("Christmas Day", _days(12, 25)),
    r"new year'?s? eve": Period("New Year's Eve", _days(12, 31)),
    r"new year'?s? day": Period("New Year's Day", _days(1, 1)),
    r"christmas|xmas": Period("Christmas", _days(12, 24, 9)),
    rf"easter(?: {_HOLIDAYS}| weekend)?": Period("Easter", _easter),
    r"spring(?:time)?": Period("spring", _months(3, 5)),
    r"summer(?:time)?": Period("summer", _months(6, 8)),
    r"autumn|fall": Period("autumn", _months(9, 11)),
    r"winter(?:time)?": Period("winter", _months(12, 2)),
}
_NAMES = "|".join(f"(?:{p})" for p in PERIODS)
_YEAR = r"(?:19|20)\d{2}"
SEASON = re.compile(
    r"\b(?:(?P<bound>before|after|until|till|by|since) )?"
    r"(?:(?:in|over|during|for|at|around|on) )?(?:the )?"
    rf"(?:(?P<which>this|next|last|coming|past|previous|upcoming|following) )?"
    rf"(?P<name>{_NAMES})(?:(?: of)? (?P<year>{_YEAR}))?\b"
)


@dataclass(frozen=True)
class Season:
    start: date | None
    end: date | None
    label: str
    used: tuple[int, int]  # the characters of the text it was read from


def _period(name: str) -> Period:
    for pattern, period in PERIODS.items():
        if re.fullmatch(pattern, name):
            return period
    raise KeyError(name)


def occurrence(
    period: Period, today: date, *, which: str | None, tense: str | None, year: int | None
) -> Range:
    """The occurrence a question means: of the year given; "last" the latest one over, "next"
    the first one to start; otherwise the one under way, else the coming one (or, asked in
    the past tense, the latest one over)."""
    if year is not None:
        start, end = period.occurrence(year)
        if start.month == 12 and end.year > year and period.label == "winter":
            return period.occurrence(year - 1)  # "winter 2016": December 2015 – February 2016
        return start, end
    around = [period.occurrence(y) for y in (today.year - 1, today.year, today.year + 1)]
    over = [r for r in around if r[1] < today]
    coming = [r for r in around if r[0] > today]
    if which in ("last", "past", "previous"):
        return over[-1]
    if which in ("next", "coming", "upcoming", "following"):
        return coming[0]
    current = [r for r in around if r[0] <= today <= r[1]]
    if current:
        return current[0]
    return over[-1] if tense == "past" else coming[0]


def find_season(text: str, today: date, tense: str | None) -> Season | None:
    """The season or holiday the (folded) text names, as a span; None when it names none."""
    m = SEASON.search(text)
    if m is None:
        return None
    if m.group("name") == "fall" and m.group(0) == "fall":
        return None  # "when does it fall?": a verb, not the season
    period = _period(m.group("name"))
    year = int(m.group("year")) if m.group("year") else None
    which = m.group("which")
    start, end = occurrence(period, today, which=which, tense=tense, year=year)
    label = period.label
    if which in ("last", "next", "this", "coming", "past"):
        label = f"{which} {label}"
    elif year is not None:
        label = f"{label} {year}"
    elif period.label[0].islower() and not period.label.startswith("the "):
        label = f"in {label}"  # "in spring"
    else:
        label = f"over {label}"  # "over Christmas", "over the summer break"
    bound = m.group("bound")
    if bound in ("before", "until", "till", "by"):
        # "before the summer break": from today (or open, asked about the past) to its start
        last = start - timedelta(days=1)
        text = f"before {label.removeprefix('over ').removeprefix('in ')}"
        return Season(None if tense == "past" else today, last,
                      f"{text} (until {_day(last)})", m.span())  # fmt: skip
    if bound in ("after", "since"):
        first = end + timedelta(days=1)
        text = f"after {label.removeprefix('over ').removeprefix('in ')}"
        return Season(first, None, f"{text} (from {_day(first)})", m.span())
    return Season(start, end, f"{label} ({_range_text(start, end)})", m.span())


def _day(d: date) -> str:
    return f"{d.day} {d:%B} {d.year}"


def _range_text(start: date, end: date) -> str:
    if start == end:
        return _day(start)
    if start.year != end.year:
        return f"{_day(start)} – {_day(end)}"
    return f"{start.day} {start:%B} – {_day(end)}"
