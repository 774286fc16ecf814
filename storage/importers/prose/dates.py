"""Date expressions in prose (English, and French or Spanish dates): single days, day ranges,
months, periods.

`find_dates(text, ref=...)` returns every date expression of `text` with its span, so the
caller can look at the words around it. Forms understood (after `normalise`):

- ranges: "from 31 October to 4 November 2011", "7 to 11 September 2015", "26–28 November 2014",
  "18 - 19 January 2016", "on 3 and 4 February 2016", "between the 30th of October and the 1st
  of November 2014", "from the 28th July – 2nd August 2013", "September 7-11, 2015",
  "October 31 – November 4, 2011", "29 December 2014 to 2 January 2015", ISO "2015-09-07 to
  2015-09-11", day-first numeric "28/08/2024 to 30/08/2024", "du 5 au 10 février 2024", "les
  12 et 13 mars 2023", "del 5 al 10 de febrero de 2024";
- single days: "24 September 2015", "the 5th of October 2015", "September 24, 2015",
  "Monday, 7 September 2015", "2015-09-24", "28/08/2024", "1er février 2025";
- months: "April 2015", "mid-April 2015" (precision "month");
- periods of months: "between March 2014 and February 2015" (precision "period": not a meeting).

A date without a year takes the year said just before it ("In 2009, … (4–8 May)"), else the
year of the next date of the same text that gives one (a list whose year is written once, at
its end: "from 4 to 7 March and from 11 to 14 March 2024"), else the year of the date before
it, else `default_year` (the caller's year written last before), else the year of `ref` (the
document's own date). When none is
known the mention is reported as a `BadDate`: the year 1 is never invented.
"""

from __future__ import annotations

import calendar
import itertools
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date
from functools import cache

# Month names of the other languages secretariats write dates in, from dateparser's locale data.
_OTHER_LANGUAGES = ("fr", "es")
_MONTH_KEYS = ("january", "february", "march", "april", "may", "june", "july", "august",
               "september", "october", "november", "december")  # fmt: skip


@cache
def _other_month_names() -> dict[str, int]:
    from dateparser.languages.loader import LocaleDataLoader

    names: dict[str, int] = {}
    loader = LocaleDataLoader()
    for language in _OTHER_LANGUAGES:
        info = loader.get_locale(language).info
        for number, key in enumerate(_MONTH_KEYS, start=1):
            for name in info.get(key, []):
                if len(name) >= 4:  # "mar", "ago": too short to be sure of
                    names[name.lower()] = number
    return names


MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
MONTHS.update({k: v for k, v in _other_month_names().items() if k not in MONTHS})

_ENGLISH_MONTHS = {*(n for n in calendar.month_name if n), *(a for a in calendar.month_abbr if a),
                   "Sept"}  # fmt: skip
# English months capitalised or upper-case only ("may" the verb is not a month); the others
# in any case ("février", "Février").
_MONTH_WORDS = sorted(
    {
        *_ENGLISH_MONTHS,
        *(m.upper() for m in _ENGLISH_MONTHS),
        *(n for name in _other_month_names() for n in (name, name.capitalize(), name.upper())),
    },
    key=len,
    reverse=True,
)
_MONTH_ALT = "|".join(re.escape(m) for m in _MONTH_WORDS)


def _month(name: str) -> str:
    return rf"(?P<{name}>(?:{_MONTH_ALT})(?!\w)\.?)"


_WEEKDAY = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?"
_ORD = r"(?:st|nd|rd|th|er|e|ème)?"  # "1st", "1er", "2e"


def _day(name: str) -> str:
    return rf"(?:the\s+)?(?P<{name}>[0-3]?\d)(?!\d){_ORD}\b"


def _year(name: str) -> str:
    return rf"(?P<{name}>(?:19|20)\d\d)(?!\d)"


_CONN = (
    r"\s*(?P<conn>–|-|\bto\b|\buntil\b|\btill\b|\bthrough\b|\bthru\b|\band\b|&|"
    r"\bau\b|\bet\b|\bal\b|\by\b)\s*"  # "du 5 au 10", "les 12 et 13", "del 5 al 10", "5 y 6"
)
_OF = r"(?:\s+(?:of|de))?\s+"  # "the 5th of October", "5 de febrero"
_YEAR_SEP = r",?\s+(?:del?\s+)?"  # "September 7, 2015", "febrero de 2024", "junio del 2024"
# the middle days of a list of days in one month: "3, 4 and 5 March", "les 3, 4 et 5 mars"
_MIDDLE_DAYS = rf"(?P<mid>(?:,\s*[0-3]?\d(?!\d){_ORD})+),?"
_CONN2 = _CONN.replace("conn", "conn2")

_PATTERNS = {
    # 31 October [2011] to 4 November 2011 / 7 to 11 September 2015 / 3 and 4 February
    "dmy_range": (
        rf"{_WEEKDAY}{_day('d1')}(?:{_MIDDLE_DAYS}|(?:{_OF}{_month('m1')})?(?:{_YEAR_SEP}{_year('y1')})?)"
        rf"{_CONN}{_WEEKDAY}{_day('d2')}{_OF}{_month('m2')}(?:{_YEAR_SEP}{_year('y2')})?"
    ),
    # September 7-11, 2015 / October 31 – November 4, 2011
    "mdy_range": (
        rf"{_WEEKDAY}{_month('m1')}\s+{_day('d1')}(?:,?\s+{_year('y1')})?"
        rf"{_CONN}(?:{_month('m2')}\s+)?{_day('d2')}(?:,?\s+{_year('y2')})?"
    ),
    "iso_range": (
        r"(?P<iso1>(?:19|20)\d\d-[01]\d-[0-3]\d)"
        r"(?:\s*(?:–|\bto\b|/|\buntil\b|\bau\b|\bal\b)\s*(?P<iso2>(?:19|20)\d\d-[01]\d-[0-3]\d))?"
    ),
    # 28/08/2024 to 30/08/2024, 25.08.2024: day first, as outside the United States
    "num_range": (
        r"(?P<num1>[0-3]?\d[/.][0-3]?\d[/.](?:19|20)\d\d)(?!\d)"
        r"(?:\s*(?:–|-|\bto\b|\buntil\b|\bau\b|\bal\b)\s*"
        r"(?P<num2>[0-3]?\d[/.][0-3]?\d[/.](?:19|20)\d\d)(?!\d))?"
    ),
    # between March 2014 and February 2015 / March–April 2015
    "month_range": (rf"{_month('m1')}(?:\s+{_year('y1')})?{_CONN}{_month('m2')}\s+{_year('y2')}"),
    "dmy": (rf"{_WEEKDAY}{_day('d1')}{_OF}{_month('m1')}(?:{_YEAR_SEP}{_year('y1')})?"),
    "mdy": rf"{_WEEKDAY}{_month('m1')}\s+{_day('d1')}(?:,?\s+{_year('y1')})?",
    "my": (
        rf"(?:(?:early|mid|late|end of|beginning of)[\s-]+)?{_month('m1')}{_YEAR_SEP}{_year('y1')}"
    ),
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
    fallback_year = default_year or (ref.year if ref else None)
    matches = [(m, _groups(m)) for m in _SCANNER.finditer(text)]
    for i, (m, g) in enumerate(matches):
        since = matches[i - 1][0].end() if i else 0
        year = (
            _year_said(text, since, m.start())
            or _next_year(matches, i)
            or _previous_year(matches, i)
            or fallback_year
        )
        try:
            mentions = _build(m.lastgroup or "", g, year, m)
        except _Impossible as e:
            bad.append(BadDate(m.start(), m.end(), m.group(0), str(e)))
            continue
        found.extend(mentions)
    return found, bad


def _groups(m: re.Match[str]) -> dict[str, str]:
    """The named groups of the alternative that matched, without their suffix."""
    suffix = f"__{m.lastgroup}"
    return {
        k.removesuffix(suffix): v
        for k, v in m.groupdict().items()
        if v is not None and k.endswith(suffix)
    }


def _written_year(g: dict[str, str]) -> tuple[int, int] | None:
    """(year, first month) of a date expression that writes its year."""
    for key in ("y1", "y2"):
        if key in g:
            month = _month_no(g.get("m1")) or _month_no(g.get("m2")) or 1
            return int(g[key]), month
    return None


_YEAR_SAID = re.compile(r"\b(?:[Ii]n|[Ee]n|[Dd]uring)\s+((?:19|20)\d\d)\b(?!\s*[–-]\s*\d)")


def _year_said(text: str, begin: int, end: int) -> int | None:
    """A year said on its own between the previous date and this one: "In 2009, the
    Conference met again in Geneva (4–8 May)"."""
    said = list(_YEAR_SAID.finditer(text, begin, end))
    return int(said[-1].group(1)) if said else None


def _next_year(matches: list[tuple[re.Match[str], dict[str, str]]], i: int) -> int | None:
    """The year of the next date that writes one, for a date that does not ("from 4 to 7 March
    and from 11 to 14 March 2024"); a year earlier when this month comes after that one's."""
    if _written_year(matches[i][1]) is not None or matches[i][0].lastgroup in (
        "iso_range",
        "num_range",
    ):
        return None  # fmt: skip
    month = _month_no(matches[i][1].get("m1")) or _month_no(matches[i][1].get("m2")) or 1
    for _, g in matches[i + 1 :]:
        if (written := _written_year(g)) is not None:
            year, later_month = written
            return year - 1 if month > later_month else year
    return None


def in_year(d: DateMention, year: int) -> DateMention | None:
    """The same days in another year (a date written without one); None for 29 February."""
    shift = year - d.start.year
    try:
        start, end = d.start.replace(year=year), d.end.replace(year=d.end.year + shift)
    except ValueError:
        return None
    return replace(d, start=start, end=end)


def _previous_year(matches: list[tuple[re.Match[str], dict[str, str]]], i: int) -> int | None:
    """The year of the last date before this one in the text that writes one."""
    for m, g in reversed(matches[:i]):
        if (written := _written_year(g)) is not None:
            return written[0]
        if m.lastgroup in ("iso_range", "num_range"):
            return int(re.findall(r"(?:19|20)\d\d", m.group(0))[-1])
    return None


def _numeric(text: str) -> date:
    """ "28/08/2024" (day first); "08/28/2024" only when the day cannot come first."""
    a, b, year = (int(x) for x in re.split(r"[/.]", text))
    day, month = (b, a) if b > 12 >= a else (a, b)
    try:
        return date(year, month, day)
    except ValueError:
        raise _Impossible(f"no such day: {text}") from None


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
    if kind == "num_range":
        start = _numeric(g["num1"])
        return [mention(start, _numeric(g["num2"]) if "num2" in g else start, "day", True)]
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
        if "mid" in g:  # a list of days: one stretch when they follow each other, else each day
            days = [int(g["d1"]), *map(int, re.findall(r"\d+", g["mid"])), int(g["d2"])]
            if any(b != a + 1 for a, b in itertools.pairwise(days)):
                return [mention(d, d, "day", given) for d in (_mk(year_end, m2, n) for n in days)]
        conn = (g.get("conn") or "").strip().lower()
        before = m.string[max(0, m.start() - 12) : m.start()].lower()  # not "between … and …"
        if conn in ("and", "&", "et", "y") and (end - start).days > 7 and "between" not in before:
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
