"""From what the reader found to the document's meetings: one meeting per (dates, place),
places borrowed by meetings held alongside, statuses settled, ids, deadlines linked."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from storage import places
from storage.importers.prose.bodies import defined_acronyms, named_bodies
from storage.importers.prose.dates import DateMention, in_year
from storage.importers.prose.reader import Found, Reader
from storage.importers.prose.roles import document_date
from storage.importers.prose.text import (
    UnreadableDocument,
    line_of,
    parse_document,
    read_document_text,
)
from storage.models import MeetingData, slugify


@dataclass
class ProseResult:
    document: str
    meetings: list[MeetingData] = field(default_factory=list)
    deadlines: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # where each meeting was read, by meeting id: {"line": 12, "text": "the sentence or line"}
    found_in: dict[str, dict[str, Any]] = field(default_factory=dict)


def _naming(f: Found) -> tuple[bool, bool, bool]:
    """How well a mention names its meeting: an ordinal, a body, a phrase of its own."""
    title = f.fields["title"]
    return (f.fields["ordinal"] is not None, " of the " in title, f.block.kind != "heading")


def _merge_duplicates(found: list[Found]) -> list[Found]:
    """One meeting per (dates, place): a session recalled twice is one session."""
    kept: dict[tuple[Any, ...], Found] = {}
    for f in found:
        place = f.fields.get("city") or f.fields.get("country") or f.fields.get("online")
        key = (f.fields["start"], f.fields["end"], places.fold(str(place)) if place else None)
        if key not in kept:
            kept[key] = f
            continue
        first = kept[key].fields
        for list_key in ("hosts", "funders"):
            for name in f.fields[list_key]:
                if name not in first[list_key]:
                    first[list_key].append(name)
        if _naming(f) > _naming(kept[key]):  # the better-named mention names the meeting
            for k in ("title", "kind", "short_name", "series", "ordinal"):
                first[k] = f.fields[k] or first[k]
        for k in ("short_name", "series", "ordinal", "venue", "city", "country", "timezone"):
            if not first.get(k) and f.fields.get(k):
                first[k] = f.fields[k]
        if first["kind"] == "other" and f.fields["kind"] != "other":
            first["kind"] = f.fields["kind"]
    return list(kept.values())


def _drop_inner(found: list[Found]) -> list[Found]:
    """A date with no place inside a placed meeting's dates is that meeting's day ("the
    meeting was opened on 30 October")."""
    placed = [f for f in found if f.place is not None]
    return [
        f for f in found
        if f.place is not None or not any(
            p.mention.start <= f.mention.start and f.mention.end <= p.mention.end for p in placed
        )
    ]  # fmt: skip


_ALONGSIDE = re.compile(
    r"\b(?:same venue|same place|preceded|followed|back[- ]to[- ]back|margins? of|on the eve|"
    r"in conjunction with|immediately (?:before|after)|au même endroit|même lieu|en marge)\b",
    re.I,
)


def _days_apart(a: DateMention, b: DateMention) -> int:
    return max((a.start - b.end).days, (b.start - a.end).days)


def _inherit_places(found: list[Found]) -> None:
    """A meeting with no place of its own, said to be held alongside ("preceded by",
    "at the same venue") a placed meeting read before it, within three days of it,
    is held where the nearest such meeting in time is. Its date, when written without a
    year, is in that meeting's year ("The session was preceded on 3 September by …")."""
    for i, f in enumerate(found):
        if f.place is not None or not _ALONGSIDE.search(f.sentence):
            continue
        placed = [p for p in found[:i] if p.place is not None and not p.place.online]
        if not placed:
            continue
        if not f.mention.year_given:
            _redate(f, placed)
        nearest = min(reversed(placed), key=lambda p: _days_apart(f.mention, p.mention))
        place = nearest.place
        if _days_apart(f.mention, nearest.mention) <= 3 and place is not None:
            f.place = place
            f.fields.update(city=place.city, country=place.country, timezone=place.timezone,
                            venue=place.venue, online=False)  # fmt: skip


def _redate(f: Found, placed: list[Found]) -> None:
    """Move a date written without a year into the year that puts it next to a placed
    meeting, if one does."""
    options = [in_year(f.mention, year) for p in placed
               for year in {p.mention.start.year, p.mention.end.year}]  # fmt: skip
    near = [m for m in options if m is not None and m.start.year != f.mention.start.year
            and min(_days_apart(m, p.mention) for p in placed) <= 3]  # fmt: skip
    if near:
        f.mention = near[0]
        f.fields.update(start=f.mention.start.isoformat(), end=f.mention.end.isoformat())


def _apply_section_notes(reader: Reader) -> None:
    for block, plural, hosts, funders in reader.section_notes:
        same = [f for f in reader.found if f.block.section == block.section
                and f.block.line <= block.line]  # fmt: skip
        targets = same if plural else same[-1:]
        for f in targets:
            for key, names in (("hosts", hosts), ("funders", funders)):
                for name in names:
                    if name not in f.fields[key]:
                        f.fields[key].append(name)


def _settle_status(reader: Reader) -> None:
    """A meeting whose sentence says nothing of its status was held if it ended before the
    document's date, or, for an undated document, before the last meeting it says was held."""
    ref = reader.doc_date
    if ref is None:
        held = [f.mention.end for f in reader.found if f.fields["status"] == "held"]
        ref = max(held) if held else None
    for f in reader.found:
        if f.fields["status"] is None:
            f.fields["status"] = "held" if ref and f.mention.end <= ref else "planned"


def _unique_id(fields: dict[str, Any], taken: set[str]) -> str:
    words = (fields.get("short_name") or fields["title"]).split()
    base = slugify(" ".join(words[:7]))
    city = slugify(fields.get("city") or "")
    year = str(fields["start"])[:4]
    parts = [base]
    if city and city not in base:
        parts.append(city)
    if year not in base:
        parts.append(year)
    candidate = "-".join(parts)[:90].strip("-")
    unique, n = candidate, 2
    while unique in taken:
        unique, n = f"{candidate}-{n}", n + 1
    taken.add(unique)
    return unique


def _link_deadlines(reader: Reader, meetings: list[MeetingData]) -> None:
    for deadline in reader.deadlines:
        phrase = (deadline.pop("meeting_phrase") or "").lower()
        best = None
        for m in meetings:
            names = [m.title.lower(), (m.short_name or "").lower()]
            if phrase and any(n and (phrase in n or n in phrase) for n in names):
                best = m
                break
        if best is None:
            same = [m for m in meetings if m.source.paragraph == deadline["source"]["paragraph"]]
            best = same[0] if len(same) == 1 else None
        deadline["meeting"] = best.id if best else None
        if best is None:
            reader.warnings.append(
                f"{reader.doc.name}: deadline {deadline['due_date']} "
                f"(paragraph {deadline['source']['paragraph']}) names no meeting found here"
            )


def extract(text: str, *, name: str) -> ProseResult:
    """The meetings, deadlines and warnings in a document's text."""
    doc = parse_document(text, name=name)
    reader = Reader(doc=doc, doc_date=document_date(doc), acronyms=defined_acronyms(doc.text),
                     bodies=named_bodies(doc.text))  # fmt: skip
    reader.read()
    _apply_section_notes(reader)
    _inherit_places(reader.found)
    _settle_status(reader)
    result = ProseResult(document=doc.symbol or name)
    taken: set[str] = set()
    for f in _merge_duplicates(_drop_inner(reader.found)):
        fields = dict(f.fields)
        fields["id"] = _unique_id(fields, taken)
        try:
            result.meetings.append(MeetingData.model_validate(fields))
            result.found_in[fields["id"]] = {"line": line_of(doc, f.block, f.sentence),
                                             "text": f.sentence}  # fmt: skip
        except ValidationError as e:
            reader.warnings.append(
                f"{reader.where(f.block)}: skipped a meeting: {e.errors()[0]['msg']}"
            )
    _link_deadlines(reader, result.meetings)
    for m in result.meetings:
        if not (m.city or m.country or m.online):
            reader.warnings.append(
                f"{doc.name}: {m.id} (paragraph {m.source.paragraph}) has no place in the text"
            )
    result.deadlines = reader.deadlines
    result.warnings = reader.warnings
    return result


def read_prose(path: Path, *, fmt: str) -> ProseResult:
    """Extract from a .txt, .docx or .pdf file; an unreadable file gives one error."""
    try:
        text = read_document_text(path, fmt)
    except (UnreadableDocument, OSError) as e:
        return ProseResult(document=path.name, errors=[f"{path}:1: {e}"])
    return extract(text, name=path.name)
