"""Lines that are the meeting: a run of headings ("46th session of the Committee" / "New
Delhi, India" / "21 – 31 July 2024") and list lines ("the Science to Policy Forum,
25/08/2024, at the same venue;"), whose title is the line's own name, not a phrase grown
inside the sentence."""

from __future__ import annotations

import re
from dataclasses import replace

from storage.importers.prose.dates import DateMention, find_dates
from storage.importers.prose.phrases import BODY_NOUN, MEETING_NOUN, Phrase
from storage.importers.prose.places import find_places
from storage.importers.prose.roles import DATELINE
from storage.importers.prose.text import FIELD_LINE

_GENERIC_TITLE = re.compile(r"^(?:[\w-]+\s+){0,2}(?:meeting|session)$", re.I)


def cover_title(headings: list[str], line: str) -> str | None:
    """The meeting a run of headings announces, for its last line, a range of days (a
    document's own date is one day): "Eighth meeting" under "Conference of the Parties to the
    Stockholm Convention", then "Geneva, 24 April–5 May 2017"; or "46th session of the World
    Heritage Committee", "New Delhi, India", "21 – 31 July 2024". Lines of places between the
    title and the dates go with the title: "46th session …, New Delhi, India"."""
    mentions, _ = find_dates(line)
    if len(mentions) != 1:
        return None
    d = mentions[0]
    if d.days < 2 or line[d.stop :].strip() or not DATELINE.match(line[: d.begin]):
        return None
    places: list[str] = []
    for k in range(len(headings) - 1, max(len(headings) - 3, -1), -1):
        if MEETING_NOUN.search(headings[k]):
            title = headings[k]
            if _GENERIC_TITLE.match(title) and k > 0 and BODY_NOUN.search(headings[k - 1]):
                body = re.sub(r"^the\s+", "", headings[k - 1], flags=re.I)
                title = f"{title} of the {body}"
            return ", ".join([title, *reversed(places)])
        if not _only_places(headings[k]):
            return None
        places.append(headings[k])
    return None


def record_line(lines: list[str]) -> str | None:
    """The meeting a record of labelled lines describes, read as one line: "Sixth Meeting of
    the Signatories" / "Date: 22-24 April 2024" / "Venue: Tashkent, Uzbekistan" → "Sixth
    Meeting of the Signatories, Tashkent, Uzbekistan, 22-24 April 2024". `lines` ends with
    the record's last field."""
    fields: list[re.Match[str]] = []
    k = len(lines) - 1
    while k >= 0 and (field := FIELD_LINE.match(lines[k])):
        fields.insert(0, field)
        k -= 1
    if k < 0 or not MEETING_NOUN.search(lines[k]) or not fields:
        return None
    dates = [f.group("value") for f in fields if f.group("label").lower() in _DATE_LABELS]
    where = [f.group("value") for f in fields if f.group("label").lower() not in _DATE_LABELS]
    if not dates or not where:
        return None  # "Date: 03/06/2024" alone is the document's date
    return ", ".join([lines[k].rstrip(" :"), *where, *dates])


_DATE_LABELS = {"date", "dates", "fecha"}


def _only_places(line: str) -> bool:
    """ "New Delhi, India": a short line of places and nothing else."""
    hits = find_places(line)
    return bool(hits) and len(line.split()) <= 6 and not MEETING_NOUN.search(line)


# A date standing as a field of a list line: ", 26/08/2024 to 27/08/2024," or ": 14 May 2024,"
_FIELD_BEFORE = re.compile(r"(?:^|[,:;–|(])\s*$")
_FIELD_AFTER = re.compile(r"^\s*(?:[,:;.)–]|$)")
_FIELD_BREAK = re.compile(r"\s*[,:;|]\s+|\s+–\s+")


def line_phrase(sentence: str, d: DateMention, phrase: Phrase | None) -> Phrase | None:
    """In a list line whose date stands as a field of its own, the meeting's name is the whole
    field that holds the phrase, when that field is a name: "the Science to Policy Forum,
    25/08/2024, …" names "Science to Policy Forum", not "Policy Forum"."""
    if not (_FIELD_BEFORE.search(sentence[: d.begin]) and _FIELD_AFTER.match(sentence[d.stop :])):
        return phrase
    if phrase is None:
        return _body_field(sentence, d)
    begin = max((m.end() for m in _FIELD_BREAK.finditer(sentence, 0, phrase.begin)), default=0)
    end = min([m.start() for m in _FIELD_BREAK.finditer(sentence, phrase.end)] + [len(sentence)])
    field = sentence[begin:end].rstrip(" .;")
    if (m := re.match(r"(?i)(the|a|an)\s+", field)) is not None:
        field, begin, determiner = field[m.end() :], begin + m.end(), m.group(1).lower()
    else:
        determiner = phrase.determiner
    extra = sentence[begin : phrase.begin] + " " + sentence[phrase.end : begin + len(field)]
    if begin <= d.begin < begin + len(field) or not all(
        w[:1].isupper() or w.isdigit() or w in _NAME_LINKS for w in extra.split()
    ):
        return phrase  # a sentence, not a name
    return replace(phrase, text=field, begin=begin, end=begin + len(field), determiner=determiner)


def _body_field(sentence: str, d: DateMention) -> Phrase | None:
    """ "3 April 2024 — Bureau, videoconference": a field that is a body's name is the
    meeting's name."""
    begin = 0
    for m in [*_FIELD_BREAK.finditer(sentence), None]:
        end = m.start() if m else len(sentence)
        field = sentence[begin:end].strip(" .;")
        if field and not begin <= d.begin < end and len(field.split()) <= 8:
            body = BODY_NOUN.search(field)
            if body and not find_places(field) and field[:1].isupper():
                at = begin + sentence[begin:end].find(field)
                return Phrase(field, at, at + len(field), None, body.group(0))
        begin = m.end() if m else begin
    return None


_NAME_LINKS = {"of", "to", "and", "for", "on", "the", "de", "du", "des", "la", "le", "et"}
