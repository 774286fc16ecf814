"""Dates no calendar has, named in a question ("31 February 2016", "year 99999"): said as
such ("February 2016 has 29 days"), so the question is not answered with whatever else it
might match (February's meetings of another year, every meeting)."""

from __future__ import annotations

import calendar
import re
from datetime import date

from bot.ask.timespan import MONTH_PATTERN as _MONTH
from bot.ask.timespan import MONTHS, pick_year

FIRST_YEAR, LAST_YEAR = 1900, 2099  # the years `_YEAR` reads
_BAD_DAY = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?(?: of)? ({_MONTH})(?:,? (\d{{1,6}}))?\b"
    rf"|\b({_MONTH}) (\d{{1,2}})(?:st|nd|rd|th)?(?:,? (\d{{1,6}}))?\b"
    r"|\b(\d{4})-(\d{2})-(\d{2})\b"
)
_BAD_YEAR = re.compile(
    r"\byear (\d+)\b|\b(?:in|of|during|since|until|before|after) (\d{5,})\b"
    rf"|\b(?!may\b){_MONTH},? (\d{{3,}})\b"
)


def impossible_date(
    text: str, today: date, tense: str | None
) -> tuple[str, tuple[int, int]] | None:
    """A date the (folded) text names that no calendar has, said as such ("February 2016 has
    29 days"), and where it is; None when every date named can be."""
    for m in _BAD_YEAR.finditer(text):
        year = int(next(g for g in m.groups() if g))
        if not FIRST_YEAR <= year <= LAST_YEAR:
            return (
                f"I can only look at the years {FIRST_YEAR} to {LAST_YEAR}, and {year} is not "
                "one of them",
                m.span(),
            )
    for m in _BAD_DAY.finditer(text):
        if m.group(7):
            year, month, day = int(m.group(7)), int(m.group(8)), int(m.group(9))
            if not 1 <= month <= 12:
                return f"{m.group()} has no month {month}: there are 12", m.span()
        else:
            day_text, month_word, year_text = (
                m.group(1, 2, 3) if m.group(1) else (m.group(5), m.group(4), m.group(6))
            )
            day, month = int(day_text), MONTHS[month_word.rstrip(".")]
            year = int(year_text) if year_text else pick_year(month, 1, today, tense)
            if not FIRST_YEAR <= year <= LAST_YEAR:
                continue  # said by _BAD_YEAR, or a number that is no year ("May 5 300 people")
        days = calendar.monthrange(year, month)[1] if FIRST_YEAR <= year <= LAST_YEAR else 31
        if not 1 <= day <= days:
            name = calendar.month_name[month]
            return f"{name} {year} has {days} days, so there is no {day} {name} {year}", m.span()
    return None
