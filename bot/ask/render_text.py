"""Meetings in words for people: dates, places, names, status and source.

"2–4 February 2016, Lusaka, Zambia"; "28 September – 2 October 2015"; "April 2015 (exact dates
not yet announced)"; "dates not yet announced".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from storage import places
from storage.models import Meeting, Precision

UNDATED = "dates not yet announced"


def _day_month(d: date) -> str:
    return f"{d.day} {d:%B}"


def date_range(start: date, end: date) -> str:
    """'2–4 February 2016', '28 September – 2 October 2015', '30 December 2015 – 2 January 2016'."""
    if start == end:
        return f"{_day_month(start)} {start.year}"
    if start.year != end.year:
        return f"{_day_month(start)} {start.year} – {_day_month(end)} {end.year}"
    if start.month != end.month:
        return f"{_day_month(start)} – {_day_month(end)} {end.year}"
    return f"{start.day}–{end.day} {end:%B} {end.year}"


def when(m: Meeting) -> str:
    if m.start_date is None or m.precision == Precision.unknown:
        return UNDATED
    if m.precision == Precision.month:
        return f"{m.start_date:%B} {m.start_date.year} (exact dates not yet announced)"
    text = date_range(m.start_date, m.end_date or m.start_date)
    if m.start_time:
        text += f", {m.start_time:%H:%M}"
        if m.end_time:
            text += f"–{m.end_time:%H:%M}"
        if m.timezone:
            text += f" ({m.timezone})"
    return text


def where(m: Meeting) -> str:
    """'Lusaka, Zambia'; 'online'; 'Jordan' when only the country is known; '' when nothing is."""
    parts = [p for p in (m.city, places.country_name(m.country) if m.country else None) if p]
    if m.online and not parts:
        return "online"
    text = ", ".join(parts)
    if m.online:
        text += " (online)"
    return text


_COMMON_FIRST_WORDS = {
    "meeting", "meetings", "face-to-face", "joint", "annual", "special", "subregional",
    "regional", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
    "ninth", "tenth", "session", "workshop", "conference",
}  # fmt: skip


def name(m: Meeting) -> str:
    """What to call the meeting at the start of a sentence."""
    if m.short_name and m.short_name.lower() not in m.title.lower():
        return f"{m.short_name} ({m.title})"
    return m.title


def name_in_sentence(m: Meeting) -> str:
    """What to call it mid-sentence: 'the third meeting of …', 'the Asia-Pacific regional …'."""
    text = name(m)
    first, _, rest = text.partition(" ")
    if first.lower() in _COMMON_FIRST_WORDS:
        return f"the {first.lower()} {rest}".strip()
    if m.short_name and text.startswith(m.short_name):
        return text
    return f"the {text}"


def status_note(m: Meeting, today: date) -> str:
    """The status, when it is worth saying (not for confirmed or held meetings)."""
    if m.status in ("cancelled", "postponed"):
        return m.status.upper()
    if m.status == "planned" and (m.end_date is None or m.end_date >= today):
        return "planned, not yet confirmed"
    return ""


def source(m: Meeting) -> str:
    """'(Progress report of the interim secretariat since INC6, para. 11)'."""
    if not m.source_document:
        return ""
    document = m.source_document.split(" (")[0]
    if m.source_paragraph:
        return f"(Source: {document}, para. {m.source_paragraph})"
    return f"(Source: {document})"


def when_where(m: Meeting) -> str:
    place = where(m)
    return f"{when(m)}, {place}" if place else when(m)


def line(m: Meeting, today: date) -> str:
    """One list item: '20–22 January 2016, Jakarta, Indonesia — Asia-Pacific regional …'."""
    note = status_note(m, today)
    return f"• {when_where(m)} — {name(m)}" + (f" ({note})" if note else "")


def relative(m: Meeting, today: date) -> str:
    """'in 36 days', 'under way', '3 months ago' — how far the meeting is from today."""
    if m.start_date is None or m.end_date is None:
        return ""
    if m.precision == Precision.month:
        if m.start_date <= today <= m.end_date:
            return "this month"
        return ""
    if m.start_date <= today <= m.end_date:
        return "under way now"
    if m.start_date > today:
        days = (m.start_date - today).days
        return "tomorrow" if days == 1 else f"in {days} days"
    days = (today - m.end_date).days
    return "yesterday" if days == 1 else f"{days} days ago"


def is_past(m: Meeting, today: date) -> bool:
    """Over by `today` (an undated meeting only once it is marked held)."""
    if m.start_date is None:
        return m.status == "held"
    return (m.end_date or m.start_date) < today


# Names that take "the" in a sentence: countries whose English name is a plural or a common
# noun ("the Netherlands", "the United Kingdom") and organisations named by what they are
# ("the European Union", "the Global Environment Facility"); acronyms ("UNEP") take none.
_THE_FIRST = ("united ", "republic ", "kingdom ", "federation ", "government ", "ministry ",
              "secretariat ", "office ", "state of ", "holy see", "commission ")  # fmt: skip
_THE_LAST = {
    "union", "facility", "organization", "organisation", "programme", "program", "secretariat",
    "fund", "bank", "commission", "centre", "center", "office", "branch", "institute", "agency",
    "council", "committee", "department", "ministry", "government", "foundation", "association",
    "network", "alliance", "partnership", "division", "unit", "board", "forum", "initiative",
    "federation", "republic", "kingdom", "islands", "emirates", "states", "netherlands",
    "philippines", "bahamas", "gambia", "maldives", "comoros", "seychelles", "see",
}  # fmt: skip


def with_article(name: str) -> str:
    """'Netherlands' → 'the Netherlands', 'European Union' → 'the European Union'; 'UNEP',
    'Switzerland' and names that have an article already stay as they are."""
    words = name.split()
    if not words or words[0].lower() == "the" or (len(words) == 1 and name.isupper()):
        return name
    folded = places.fold(name)
    last = re.sub(r"[^a-z]", "", folded.split()[-1])
    if last in _THE_LAST or folded.startswith(_THE_FIRST) or re.search(r"\bof the\b", folded):
        return f"the {name}"
    return name


def join_names(names: Iterable[str]) -> str:
    """Organisations and countries in a sentence: 'Switzerland, Germany and the Netherlands'."""
    return join([with_article(n) for n in names])


def join(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def ordinal_word(n: int) -> str:
    words = [
        "first",
        "second",
        "third",
        "fourth",
        "fifth",
        "sixth",
        "seventh",
        "eighth",
        "ninth",
        "tenth",
        "eleventh",
        "twelfth",
    ]
    return words[n - 1] if 1 <= n <= len(words) else f"{n}th"
