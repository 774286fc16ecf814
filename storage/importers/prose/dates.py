"""Date expressions in English prose: single days, day ranges, months, periods.

`find_dates(text, ref=...)` returns every date expression of `text` with its span, so the
caller can look at the words around it. Forms understood (after `normalise`):

- ranges: "from 31 October to 4 November 2011", "7 to 11 September 2015", "26–28 November 2014",
  "18 - 19 January 2016", "on 3 and 4 February 2016", "between the 30th of October and the 1st
  of November 2014", "from the 28th July – 2nd August 2013", "September 7-11, 2015",
  "October 31 – November 4, 2011", "29 December 2014 to 2 January 2015", ISO "2015-09-07 to
  2015-09-11";
- single days: "24 September 2015", "the 5th of October 2015", "September 24, 2015",
  "Monday, 7 September 2015", "2015-09-24";
- months: "April 2015", "mid-April 2015" (precision "month");
- periods of months: "between March 2014 and February 2015" (precision "period": not a meeting).

A date without a year takes the year of `ref` (the document's own date) or, failing that,
`default_year`; when neither is known the mention is returned with `year_missing=True` and
the year 1 is never invented: such mentions are dropped and reported by the caller.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9

_MONTH_WORDS = sorted(
    {*(n for n in calendar.month_name if n), *(a for a in calendar.month_abbr if a), "Sept"},
    key=len,
    reverse=True,
)
# Capitalised or upper-case only: "may" the verb is not a month.
_MONTH_ALT = "|".join([*_MONTH_WORDS, *(m.upper() for m in _MONTH_WORDS)])


def _month(name: str) -> str:
    return rf"(?P<{name}>(?:{_MONTH_ALT})\b\.?)"


_WEEKDAY = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?"
_ORD = r"(?:st|nd|rd|th)?"


def _day(name: str) -> str:
    return rf"(?:the\s+)?(?P<{name}>[0-3]?\d)(?!\d){_ORD}\b"


def _year(name: str) -> str:
    return rf"(?P<{name}>(?:19|20)\d\d)(?!\d)"


_CONN = r"\s*(?P<conn>–|-|\bto\b|\buntil\b|\btill\b|\bthrough\b|\bthru\b|\band\b|&)\s*"
_CONN2 = _CONN.replace("conn", "conn2")

_PATTERNS = {
    # 31 October [2011] to 4 November 2011 / 7 to 11 September 2015 / 3 and 4 February
    "dmy_range": (
        rf"{_WEEKDAY}{_day('d1')}(?:\s+(?:of\s+)?{_month('m1')})?(?:,?\s+{_year('y1')})?"
        rf"{_CONN}{_WEEKDAY}{_day('d2')}(?:\s+of)?\s+{_month('m2')}(?:,?\s+{_year('y2')})?"
    ),
    # September 7-11, 2015 / October 31 – November 4, 2011
    "mdy_range": (
        rf"{_WEEKDAY}{_month('m1')}\s+{_day('d1')}(?:,?\s+{_year('y1')})?"
        rf"{_CONN}(?:{_month('m2')}\s+)?{_day('d2')}(?:,?\s+{_year('y2')})?"
    ),
    "iso_range": (
        r"(?P<iso1>(?:19|20)\d\d-[01]\d-[0-3]\d)"
        r"(?:\s*(?:–|\bto\b|/|\buntil\b)\s*(?P<iso2>(?:19|20)\d\d-[01]\d-[0-3]\d))?"
    ),
    # between March 2014 and February 2015 / March–April 2015
    "month_range": (rf"{_month('m1')}(?:\s+{_year('y1')})?{_CONN}{_month('m2')}\s+{_year('y2')}"),
    "dmy": (rf"{_WEEKDAY}{_day('d1')}(?:\s+of)?\s+{_month('m1')}(?:,?\s+{_year('y1')})?"),
    "mdy": rf"{_WEEKDAY}{_month('m1')}\s+{_day('d1')}(?:,?\s+{_year('y1')})?",
    "my": rf"(?:(?:early|mid|late|end of|beginning of)[\s-]+)?{_month('m1')},?\s+{_year('y1')}",
}


def _scanner(patterns: dict[str, str]) -> re.Pattern[str]:
    """One regex, alternatives in priority order; group names made unique per alternative."""
    parts = []
    for kind, pattern in patterns.items():
        unique = re.sub(r"\(\?P<(\w+)>", rf"(?P<\1__{kind}>", pattern)
        parts.append(f"(?P<{kind}>{unique})")
    return re.compile("|".join(parts))


_SCANNER = _scanner(_PATTERNS)


@dataclass(frozen=True)
class DateMention:
    start: date
    end: date
    precision: str  # day | month | period
    begin: int  # span in the scanned text
    stop: int
    text: str
    year_given: bool = True

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class BadDate:
    """A date expression that names no real day ("31 February 2015")."""

    begin: int
    stop: int
    text: str
    reason: str


_SLIP_AFTER_DIGIT = re.compile(rf"(?<=\d)(?=(?:{_MONTH_ALT})\b)")
_SLIP_BEFORE_DIGIT = re.compile(rf"\b({_MONTH_ALT})(?=\d)")


def normalise(text: str) -> str:
    """One spelling for dashes, spaces and quotes; typing slips such as "11October" mended.

    Keeps line breaks, so line numbers and paragraphs survive.
    """
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[\u2010\u2011]", "-", text)
    text = re.sub(r"[\u2012\u2013\u2014\u2015\u2212]", "–", text)
    text = re.sub(r"[\u2018\u2019\u02bc]", "'", text)
    text = re.sub(r"[\u201c\u201d]", '"', text)
    text = re.sub(r"[\u00ad\u200b\ufeff]", "", text)
    text = re.sub(r"[^\S\n]+", " ", text)
    text = _SLIP_AFTER_DIGIT.sub(" ", text)
    return _SLIP_BEFORE_DIGIT.sub(r"\1 ", text)


def _month_no(word: str | None) -> int | None:
    return MONTHS.get(word.rstrip(".").lower()) if word else None


def _month_last(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


class _Impossible(ValueError):
    pass


def _mk(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise _Impossible(f"no day {day} in {calendar.month_name[month]} {year}") from None


def find_dates(
    text: str, *, ref: date | None = None, default_year: int | None = None
) -> tuple[list[DateMention], list[BadDate]]:
    """Every date expression in `text` (already `normalise`d), left to right."""
    found: list[DateMention] = []
    bad: list[BadDate] = []
    fallback_year = ref.year if ref else default_year
    for m in _SCANNER.finditer(text):
        kind = m.lastgroup
        suffix = f"__{kind}"
        g = {
            k.removesuffix(suffix): v
            for k, v in m.groupdict().items()
            if v is not None and k.endswith(suffix)
        }
        try:
            mentions = _build(kind or "", g, fallback_year, m)
        except _Impossible as e:
            bad.append(BadDate(m.start(), m.end(), m.group(0), str(e)))
            continue
        found.extend(mentions)
    return found, bad


def _year_of(g: dict[str, str], key: str, fallback: int | None) -> tuple[int | None, bool]:
    if key in g:
        return int(g[key]), True
    return fallback, False


def _build(
    kind: str, g: dict[str, str], fallback: int | None, m: re.Match[str]
) -> list[DateMention]:
    span, text = (m.start(), m.end()), m.group(0)

    def mention(start: date, end: date, precision: str, given: bool) -> DateMention:
        if end < start:
            raise _Impossible(f"ends ({end}) before it starts ({start})")
        return DateMention(start, end, precision, span[0], span[1], text, given)

    if kind == "iso_range":
        try:
            start = date.fromisoformat(g["iso1"])
            end = date.fromisoformat(g["iso2"]) if "iso2" in g else start
        except ValueError as e:
            raise _Impossible(str(e)) from None
        return [mention(start, end, "day", True)]
    y2, given = _year_of(g, "y2", None)
    y1, given1 = _year_of(g, "y1", None)
    if kind in ("dmy_range", "mdy_range"):
        m2 = _month_no(g.get("m2")) or _month_no(g.get("m1"))
        m1 = _month_no(g.get("m1")) or m2
        assert m1 and m2
        year_end = y2 or y1 or fallback
        if year_end is None:
            raise _Impossible("no year, and the document's date is unknown")
        year_start = y1 or (year_end - 1 if m1 > m2 else year_end)
        start = _mk(year_start, m1, int(g["d1"]))
        end = _mk(year_end, m2, int(g["d2"]))
        conn = (g.get("conn") or "").strip().lower()
        before = m.string[max(0, m.start() - 12) : m.start()].lower()
        if conn in ("and", "&") and (end - start).days > 7 and "between" not in before:
            # "3 February and 4 March 2016": two days, not a range
            return [mention(start, start, "day", given or given1),
                    mention(end, end, "day", given or given1)]  # fmt: skip
        return [mention(start, end, "day", given or given1)]
    if kind == "month_range":
        m1, m2 = _month_no(g["m1"]), _month_no(g["m2"])
        assert m1 and m2 and y2
        year_start = y1 or (y2 - 1 if m1 > m2 else y2)
        return [mention(date(year_start, m1, 1), _month_last(y2, m2), "period", True)]
    if kind in ("dmy", "mdy"):
        month = _month_no(g["m1"])
        assert month
        year = y1 or fallback
        if year is None:
            raise _Impossible("no year, and the document's date is unknown")
        day = _mk(year, month, int(g["d1"]))
        return [mention(day, day, "day", given1)]
    if kind == "my":
        month = _month_no(g["m1"])
        assert month and y1
        return [mention(date(y1, month, 1), _month_last(y1, month), "month", True)]
    return []
