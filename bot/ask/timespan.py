"""Time expressions in a question → a date span, relative to the asker's "today".

Works on folded text (lower-case, no accents; see `storage.places.fold`). `find_span` returns
the span the question names, what it called it ("in January 2016"), and the character ranges it
used, so the rest of the question can be read without the dates in the way. Calendar words are
read with careful regexes; numeric dates and weekdays go through dateparser; seasons and
holidays are bot.ask.seasons'.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

from dateutil.relativedelta import relativedelta

from bot.ask.seasons import find_season

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
}  # fmt: skip
NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "fifteen": 15,
    "twenty": 20, "thirty": 30, "sixty": 60, "ninety": 90, "hundred": 100, "a couple of": 2,
    "couple of": 2, "a few": 3, "few": 3, "several": 5,
}  # fmt: skip
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
MONTH_PATTERN = _MONTH  # a month's name or abbreviation, for other readers of dates
_NUM = r"(?:\d{1,3}|" + "|".join(sorted(NUMBERS, key=len, reverse=True)) + r")"
_UNIT = r"(?:day|week|month|year)s?"
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d{2}"
# a part of a month: "early February", "the second half of March"
_PART = (
    r"(?:early|mid|late|(?:the )?beginning of|(?:the )?end of|(?:the )?middle of"
    r"|(?:the )?(?:first|1st|second|2nd|last) half of)"
)
# the same parts of a year, as (first month, last month)
YEAR_PARTS = [
    (("first half of", "1st half of"), (1, 6), "the first half of {}"),
    (("second half of", "2nd half of", "last half of"), (7, 12), "the second half of {}"),
    (("early", "beginning of"), (1, 4), "early {}"),
    (("mid", "middle of"), (5, 8), "mid-{}"),
    (("late", "end of"), (9, 12), "late {}"),
]
_PART_SPACED = _PART.replace(" ", r"\s+")
# One calendar point: a day (3 February [2016], February 3rd[, 2016], 2016-02-03, 3/2/2016),
# a month ([early] February [2016]) or a year.
_POINT = (
    rf"(?:\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}}"
    rf"|{_DAY}(?:\s+of)?\s+{_MONTH}(?:,?\s+{_YEAR})?"
    rf"|{_MONTH}\s+{_DAY}(?!\d)(?:,?\s+{_YEAR})?"
    rf"|(?:{_PART_SPACED}\s+)?"
    rf"{_MONTH}(?:,?\s+(?:of\s+)?{_YEAR})?"
    rf"|(?:{_PART_SPACED}\s+)?{_YEAR})"
)


@dataclass(frozen=True)
class Span:
    """Inclusive date range; an open end is None. `label` says it in words."""

    start: date | None
    end: date | None
    label: str

    def contains(self, d: date) -> bool:
        return (self.start is None or d >= self.start) and (self.end is None or d <= self.end)


@dataclass
class Found:
    span: Span | None = None
    used: list[tuple[int, int]] = field(default_factory=list)  # character ranges in the text
    now_words: bool = False  # "now", "currently": what is on today


def _number(text: str) -> int:
    text = re.sub(r"\s+", " ", text.strip())
    return int(text) if text.isdigit() else NUMBERS.get(text, 1)


def _month_span(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def pick_year(month: int, day: int | None, today: date, tense: str | None) -> int:
    """The year of a month (or day) named without one: the coming one, or the last for the past."""
    probe_day = day or 1
    year = today.year
    try:
        this_year = date(year, month, min(probe_day, calendar.monthrange(year, month)[1]))
    except ValueError:
        return year
    if tense == "past":
        if day is None:
            return year if month <= today.month else year - 1
        return year if this_year <= today else year - 1
    if day is None:
        return year if month >= today.month else year + 1
    return year if this_year >= today else year + 1


@lru_cache(maxsize=512)
def _dateparser(text: str, base: date, prefer: str) -> date | None:
    import dateparser

    settings = {
        "RELATIVE_BASE": datetime(base.year, base.month, base.day),
        "PREFER_DATES_FROM": prefer,
        "DATE_ORDER": "DMY",
        "PREFER_DAY_OF_MONTH": "first",
    }
    try:
        parsed = dateparser.parse(text, languages=["en"], settings=settings)
    except Exception:  # dateparser raises assorted errors on odd input; the text is then no date
        return None
    return parsed.date() if parsed else None


def _point(text: str, today: date, tense: str | None) -> tuple[date, date, str] | None:
    """A calendar point as (first day, last day, label)."""
    t = re.sub(r"\s+", " ", text.strip().rstrip("."))
    m = re.fullmatch(rf"(?:({_PART}) )?({_YEAR})", t)
    if m:
        part, y = (m.group(1) or "").removeprefix("the "), int(m.group(2))
        for parts, (first_month, last_month), label in YEAR_PARTS:
            if part in parts:
                return date(y, first_month, 1), _month_span(y, last_month)[1], label.format(y)
        return date(y, 1, 1), date(y, 12, 31), t
    m = re.fullmatch(
        rf"(?:({_PART}) )?({_MONTH})"
        rf"(?:,? (?:of )?({_YEAR}))?",
        t,
    )
    if m:
        part, month_word, year_text = m.group(1), m.group(2).rstrip("."), m.group(3)
        month = MONTHS[month_word]
        year = int(year_text) if year_text else pick_year(month, None, today, tense)
        first, last = _month_span(year, month)
        name = f"{calendar.month_name[month]} {year}"
        part = (part or "").removeprefix("the ")
        if part in ("early", "beginning of"):
            return first, first.replace(day=10), f"early {name}"
        if part in ("mid", "middle of"):
            return first.replace(day=11), first.replace(day=20), f"mid-{name}"
        if part in ("late", "end of"):
            return first.replace(day=21), last, f"late {name}"
        if part in ("first half of", "1st half of"):
            return first, first.replace(day=15), f"the first half of {name}"
        if part in ("second half of", "2nd half of", "last half of"):
            return first.replace(day=16), last, f"the second half of {name}"
        return first, last, name
    m = re.fullmatch(rf"({_DAY})(?: of)? ({_MONTH})(?:,? ({_YEAR}))?", t) or re.fullmatch(
        rf"({_MONTH}) ({_DAY})(?:,? ({_YEAR}))?", t
    )
    if m:
        a, b, year_text = m.group(1), m.group(2), m.group(3)
        day_text, month_word = (a, b) if a[0].isdigit() else (b, a)
        day = int(re.sub(r"\D", "", day_text))
        month = MONTHS[month_word.rstrip(".")]
        year = int(year_text) if year_text else pick_year(month, day, today, tense)
        try:
            d = date(year, month, day)
        except ValueError:
            return None
        return d, d, f"{d.day} {calendar.month_name[d.month]} {d.year}"
    parsed = _dateparser(t, today, "past" if tense == "past" else "future")
    if parsed is None:
        return None
    return parsed, parsed, f"{parsed.day} {calendar.month_name[parsed.month]} {parsed.year}"


def _week_of(d: date) -> tuple[date, date]:
    monday = d - timedelta(days=d.weekday())
    return monday, monday + timedelta(days=6)


def _day_label(d: date) -> str:
    return f"{d.day} {calendar.month_name[d.month]} {d.year}"


def _relative(text: str, today: date, tense: str | None) -> Span | None:
    """Spans named relative to today: this week, next month, the next 30 days, left this year…"""
    t = text
    if t in ("today", "tonight", "this morning", "this afternoon", "this evening"):
        return Span(today, today, "today")
    if t == "tomorrow":
        d = today + timedelta(days=1)
        return Span(d, d, "tomorrow")
    if t == "yesterday":
        d = today - timedelta(days=1)
        return Span(d, d, "yesterday")
    m = re.fullmatch(
        r"(this|next|last|the past|past|the coming|coming|the following) (week|month|year|weekend)",
        t,
    )
    if m:
        which, unit = m.group(1).replace("the ", ""), m.group(2)
        step = {"this": 0, "coming": 1, "next": 1, "following": 1, "last": -1, "past": -1}[which]
        if unit == "week":
            if which == "past":
                return Span(today - timedelta(days=7), today, "the past week")
            first, last = _week_of(today + timedelta(weeks=step))
        elif unit == "weekend":
            monday, _ = _week_of(today + timedelta(weeks=max(step, 0)))
            first, last = monday + timedelta(days=5), monday + timedelta(days=6)
        elif unit == "month":
            if which == "past":
                return Span(today - relativedelta(months=1), today, "the past month")
            anchor = today + relativedelta(months=step)
            first, last = _month_span(anchor.year, anchor.month)
        else:
            if which == "past":
                return Span(today - relativedelta(years=1), today, "the past year")
            y = today.year + step
            first, last = date(y, 1, 1), date(y, 12, 31)
        return Span(first, last, f"{m.group(1)} {unit}")
    m = re.fullmatch(
        rf"(?:in |within |over |during |for )?(?:the )?(next|coming|following|upcoming|past|last|previous) ({_NUM}) ({_UNIT})",  # noqa: E501
        t,
    ) or re.fullmatch(rf"(within|in) (?:the )?({_NUM}) ({_UNIT})", t)
    if m:
        direction, n, unit = m.group(1), _number(m.group(2)), m.group(3).rstrip("s")
        delta = relativedelta(**{unit + "s": n})  # type: ignore[arg-type]
        label = f"{n} {unit}{'s' if n != 1 else ''}"
        if direction in ("past", "last", "previous"):
            return Span(today - delta, today, f"the past {label}")
        return Span(today, today + delta, f"the next {label}")
    m = re.fullmatch(_FEW, t)
    if m:  # "the coming weeks", "the past few months": a few is taken as 7 days, 4 weeks...
        earlier = m.group(1) in ("past", "last", "previous", "recent")
        unit = m.group(2).rstrip("s")
        few = {"day": relativedelta(days=7), "week": relativedelta(weeks=4)}
        span = few.get(unit, relativedelta(months=3))
        label = f"the {'past' if earlier else 'coming'} {unit}s"
        return Span(today - span, today, label) if earlier else Span(today, today + span, label)
    m = re.fullmatch(rf"({_NUM}) ({_UNIT}) ago", t)
    if m:
        n, unit = _number(m.group(1)), m.group(2).rstrip("s")
        d = today - relativedelta(**{unit + "s": n})  # type: ignore[arg-type]
        return Span(d, d, _day_label(d))
    if re.fullmatch(
        r"(?:left|remaining) (?:this|in the) year|(?:the )?rest of (?:the|this) year|later this year|(?:left|remaining) in \d{4}|(?:the )?rest of \d{4}|by the end of (?:the|this) year|before the end of (?:the|this) year",  # noqa: E501
        t,
    ):
        year_m = re.search(r"\d{4}", t)
        y = int(year_m.group()) if year_m else today.year
        return Span(today, date(y, 12, 31), f"the rest of {y}")
    if re.fullmatch(
        r"(?:the )?rest of (?:the|this) month|later this month|(?:left|remaining) this month", t
    ):
        return Span(today, _month_span(today.year, today.month)[1], "the rest of this month")
    if re.fullmatch(r"(?:the )?rest of (?:the|this) week|later this week", t):
        return Span(today, _week_of(today)[1], "the rest of this week")
    if re.fullmatch(r"so far this year|this year so far|year to date", t):
        return Span(date(today.year, 1, 1), today, "this year so far")
    m = re.fullmatch(r"(?:on |this |next |last )?(" + "|".join(WEEKDAYS) + r")", t)
    if m:
        target = WEEKDAYS.index(m.group(1))
        if t.startswith("last ") or tense == "past":
            back = (today.weekday() - target) % 7 or 7
            d = today - timedelta(days=back)
        else:
            ahead = (target - today.weekday()) % 7
            if t.startswith("next ") and ahead == 0:
                ahead = 7
            d = today + timedelta(days=ahead)
        return Span(d, d, f"{m.group(1).title()} {_day_label(d)}")
    return None


_FEW = (
    r"(?:(?:in|over|during|within|for) )?(?:the )?"
    r"(coming|upcoming|next|following|past|last|previous|recent)(?: few| couple of)?"
    r" (days|weeks|months)"
)
_RELATIVE = (
    _FEW + r"|today|tonight|tomorrow|yesterday|this (?:morning|afternoon|evening)"
    r"|(?:this|next|last|the past|past|the coming|coming|the following) (?:week|month|year|weekend)"
    rf"|(?:(?:in|within|over|during|for) )?(?:the )?(?:next|coming|following|upcoming|past|last|previous) {_NUM} {_UNIT}"  # noqa: E501
    rf"|(?:within|in) (?:the )?{_NUM} {_UNIT}|{_NUM} {_UNIT} ago"
    r"|(?:left|remaining) (?:this|in the) year|(?:the )?rest of (?:the|this) year|later this year"
    r"|(?:left|remaining) in \d{4}|(?:the )?rest of \d{4}|(?:by|before) the end of (?:the|this) year"  # noqa: E501
    r"|(?:the )?rest of (?:the|this) month|later this month|(?:left|remaining) this month"
    r"|(?:the )?rest of (?:the|this) week|later this week"
    r"|so far this year|this year so far|year to date"
    r"|(?:on |this |next |last )?(?:" + "|".join(WEEKDAYS) + r")"
)
_NOW = r"\b(?:right now|now|currently|at the moment|at present|presently|ongoing|under way|underway|this moment|happening now|going on)\b"  # noqa: E501
_QUARTER = rf"\b(?:q([1-4])|(first|second|third|fourth) quarter(?: of)?)\s*({_YEAR})?\b"

_RANGE = re.compile(
    rf"\b(?:between|from) ({_POINT}) (?:and|to|until|till|through|-) ({_POINT})\b"
    rf"|\b({_POINT}) ?(?:-|–|—|to|until|till|through) ?({_POINT})\b"
)
_DAY_RANGE = re.compile(
    rf"\b(?:between |from )?({_DAY}) ?(?:-|–|—|to|and|until|till|through) ?({_DAY}) ({_MONTH})(?:,? ({_YEAR}))?\b"  # noqa: E501
)
_WEEK_OF = re.compile(rf"\b(?:the )?week (?:of|starting|beginning|commencing)(?: on)? ({_POINT})\b")
_BOUND = re.compile(rf"\b(before|after|since|until|till|by|from) ({_POINT})\b")
_SINGLE = re.compile(rf"\b(?:(?:on|in|during|for|of|at) (?:the )?)?({_POINT})\b")


_MAY_BEFORE = {
    "in",
    "of",
    "during",
    "until",
    "till",
    "before",
    "after",
    "since",
    "by",
    "early",
    "mid",
    "late",
    "from",
    "between",
    "on",
}


def _is_month_may(text: str, start: int, end: int) -> bool:
    """'may' is a month only next to a number, or after in/of/during/early/late…."""
    chunk = text[start:end]
    if not re.search(r"\bmay\b", chunk) or re.search(r"\d", chunk):
        return True
    words = text[:start].split() + chunk.split()
    index = words.index("may", len(text[:start].split()))
    return index > 0 and words[index - 1] in _MAY_BEFORE


def find_span(text: str, today: date, tense: str | None) -> Found:
    """The date span the (folded) text names, if any; see the module docstring."""
    found = Found()
    now_m = re.search(_NOW, text)
    if now_m:
        found.now_words = True
        found.used.append(now_m.span())
        found.span = Span(today, today, "today")
    season = find_season(text, today, tense)
    if season is not None:  # "this spring", "over Christmas", "before the summer break"
        found.span = Span(season.start, season.end, season.label)
        found.used.append(season.used)
        return found
    m = _DAY_RANGE.search(text)
    if m:
        closing = _point(" ".join(g for g in m.group(3, 2, 4) if g), today, tense)
        if closing:
            day = int(re.sub(r"\D", "", m.group(1)))
            if 1 <= day <= closing[0].day:
                first = closing[0].replace(day=day)
                found.span = Span(
                    first, closing[1], f"{_day_label(first)} – {_day_label(closing[1])}"
                )
                found.used.append(m.span())
                return found
    m = _RANGE.search(text)
    if m and _is_month_may(text, m.start(), m.end()):
        a_text, b_text = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        b = _point(b_text, today, tense)
        a = _point(a_text, today, tense)
        if a and b:
            a_start, b_end = a[0], b[1]
            # "15 January and 5 February 2016": the first side takes the second's year
            if not re.search(_YEAR, a_text) and re.search(_YEAR, b_text):
                a2 = _point(f"{a_text} {b[0].year}", today, tense)
                if a2 and a2[0] <= b_end:
                    a_start = a2[0]
            if b_end < a_start and not re.search(_YEAR, b_text):
                b_end = b_end.replace(year=b_end.year + 1)
            if b_end >= a_start:
                found.span = Span(a_start, b_end, f"{_day_label(a_start)} – {_day_label(b_end)}")
                found.used.append(m.span())
                return found
    m = _WEEK_OF.search(text)
    if m:
        p = _point(m.group(1), today, tense)
        if p:
            first, last = _week_of(p[0])
            found.span = Span(first, last, f"the week of {p[2]}")
            found.used.append(m.span())
            return found
    m = re.search(rf"\b(?:(?:in|within|over|during|for|on) (?:the )?)?(?:{_RELATIVE})\b", text)
    if m:
        core = re.sub(r"^(?:(?:in|within|over|during|for|on) (?:the )?)", "", m.group())
        span = _relative(core, today, tense) or _relative(m.group(), today, tense)
        if span:
            found.span = span
            found.used.append(m.span())
            return found
    m = re.search(_QUARTER, text)
    if m:
        q = (
            int(m.group(1))
            if m.group(1)
            else ("first", "second", "third", "fourth").index(m.group(2)) + 1
        )
        year = int(m.group(3)) if m.group(3) else today.year
        first = date(year, 3 * q - 2, 1)
        last = _month_span(year, 3 * q)[1]
        found.span = Span(first, last, f"Q{q} {year}")
        found.used.append(m.span())
        return found
    m = _BOUND.search(text)
    if m and _is_month_may(text, m.start(2), m.end(2)):
        p = _point(m.group(2), today, tense)
        if p:
            word = m.group(1)
            if word in ("before", "until", "till", "by"):
                start = today if word in ("until", "till", "by") and p[1] >= today else None
                end = p[0] - timedelta(days=1) if word == "before" else p[1]
                found.span = Span(start, end, f"{word} {p[2]}")
            elif word == "after":
                found.span = Span(p[1] + timedelta(days=1), None, f"after {p[2]}")
            else:
                found.span = Span(p[0], None, f"{word} {p[2]}")
            found.used.append(m.span())
            return found
    for m in _SINGLE.finditer(text):
        if not _is_month_may(text, m.start(1), m.end(1)):
            continue
        p = _point(m.group(1), today, tense)
        if p:
            found.span = Span(p[0], p[1], p[2])
            found.used.append(m.span())
            return found
    return found
