"""Meetings read straight out of secretariat prose (progress reports, meeting reports, news
items, bureau pages), from .txt, .docx or .pdf.

The reading, sentence by sentence:

1. every date expression is found (`prose_dates`); each is a meeting date, a deadline, or
   neither (decision and document dates, datelines, signature and adoption dates, periods);
2. the place nearest a meeting date in its sentence is its city or country, or "online"
   (`prose_places`);
3. the meeting's noun phrase nearest the date gives title, kind, ordinal and series; a bare
   "the fourth meeting" or a list item ("For the African region, …") borrows its name from the
   list's lead-in and the section heading (`prose_phrases`);
4. hosts and funders come from the same sentence, or from a later sentence of the section that
   speaks of "the meetings" / "the meeting".

A meeting named twice (a session recalled in two paragraphs) is kept once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from storage import places
from storage.importers.prose.dates import DateMention, find_dates
from storage.importers.prose.phrases import (
    BODY_NOUN,
    FUNDER_TRIGGER,
    GROUP_HEAD,
    HOST_TRIGGER,
    MEETING_NOUN,
    Phrase,
    abbreviate_sessions,
    acronym_for,
    body_near,
    capitalise,
    defined_acronyms,
    funders_in,
    head_noun,
    heading_body,
    hosts_in,
    is_generic,
    kind_of,
    meeting_phrase,
    named_bodies,
    ordinal_value,
    region_in,
    singular,
    status_of,
    subject_body,
)
from storage.importers.prose.places import PlaceHit, find_places
from storage.importers.prose.text import (
    Block,
    Document,
    UnreadableDocument,
    parse_document,
    read_document_text,
    split_sentences,
)
from storage.models import MeetingData, slugify


@dataclass
class ProseResult:
    document: str
    meetings: list[MeetingData] = field(default_factory=list)
    deadlines: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------- date roles

_DATELINE = re.compile(r"^\s*(?:[A-Z][A-Za-z .'()-]{1,40},\s*)?$")
_DATELINE_END = re.compile(r"^\s*(?:\([^)]{1,40}\)\s*)?(?:[-–—:.]|$)")
_DEADLINE_BEFORE = re.compile(
    r"\b(?:by|before|no later than|not later than|deadline(?: is| of| for \w+(?: \w+)?)?|"
    r"due(?: on| by)?|closes? on|prior to|until)\s*:?\s*(?:(?:Monday|Tuesday|Wednesday|"
    r"Thursday|Friday|Saturday|Sunday),?\s+)?$",
    re.I,
)
_DEADLINE_WORDS = re.compile(
    r"\b(?:deadline|submit|submission|register|registration|nominat|comments?|apply|"
    r"application|visa|travel|send|provide|inform|confirm|due)\w*",
    re.I,
)
_DOCUMENT_BEFORE = re.compile(
    r"\b(?:decisions?|resolutions?|recommendations?|letters?|notes?(?: verbale)?|notifications?|"
    r"communications?|memorandum|circulars?|laws?|acts?|documents?|reports?|conventions?|"
    r"protocols?|amendments?|agreements?|declarations?)\b[^.;]{0,40}?\b(?:of|dated)\s+$|"
    r"\bdated\s+$",
    re.I,
)
_NOT_MEETING_BEFORE = re.compile(
    r"\b(?:adopted|signed|signature|ratified|ratification|accession|accepted|approved|"
    r"entered into force|entry into force|deposited|published|issued|circulated|released|"
    r"launched|established|created|came into|effective|received|submitted|sent|transmitted|"
    r"as at|as of|since|beginning|began|started|launch|update[ds]?|revised|"
    r"opened for signature|elected|appointed)\b[^.;]{0,30}$",
    re.I,
)
_MEETING_VERB = re.compile(
    r"\b(?:held|hold|holding|took place|take place|taking place|meet|met|meets|convene[ds]?|"
    r"convening|organi[sz]ed|hosted|scheduled|gathered|attended|participated|took part)\b",
    re.I,
)


def _role(sentence: str, d: DateMention, context: str, has_place: bool) -> str:
    """meeting | deadline | document | other."""
    before, after = sentence[: d.begin], sentence[d.stop :]
    if d.precision == "period" or d.days > 45:
        return "other"
    if _DATELINE.match(before) and _DATELINE_END.match(after):
        return "document"
    if _DOCUMENT_BEFORE.search(before[-60:]):
        return "document"
    if _DEADLINE_BEFORE.search(before[-40:]) and _DEADLINE_WORDS.search(sentence):
        return "deadline"
    near = before[-45:]
    negative = _NOT_MEETING_BEFORE.search(near)
    positive = None
    for m in _MEETING_VERB.finditer(near):
        positive = m
    if negative and (positive is None or positive.start() < negative.start()):
        return "other"
    meetingish = MEETING_NOUN.search(context) or BODY_NOUN.search(context)
    if d.precision == "month":
        return "meeting" if has_place and meetingish else "other"
    if meetingish or (has_place and _MEETING_VERB.search(context)):
        return "meeting"
    return "other"


# ---------------------------------------------------------------------------- document date


def document_date(doc: Document) -> date | None:
    """The date the document gives itself: a dateline ("Stockholm, 21 May 2001", "GENEVA,
    4 July 2017 –") or a date standing alone near the top."""
    for block in doc.blocks[:25]:
        mentions, _ = find_dates(block.text)
        for d in mentions:
            if d.precision != "day" or not d.year_given or d.days > 1:
                continue
            if _DATELINE.match(block.text[: d.begin]) and _DATELINE_END.match(block.text[d.stop :]):
                return d.start
    for block in doc.blocks:  # "Last updated on 2 July 2018", "Date: 4 July 2017"
        mentions, _ = find_dates(block.text)
        for d in mentions:
            if d.precision == "day" and _STAMPED.search(block.text[: d.begin]):
                return d.start
    return None


_STAMPED = re.compile(r"(?:\b(?:last\s+)?(?:updated|modified)(?:\s+on)?|^\s*Date)\s*:?\s*$", re.I)


# ---------------------------------------------------------------------------- the reading


@dataclass
class _Found:
    mention: DateMention
    block: Block
    sentence: str
    place: PlaceHit | None
    phrase: Phrase | None
    fields: dict[str, Any]


@dataclass
class _Reader:
    doc: Document
    doc_date: date | None
    acronyms: dict[str, str]
    bodies: dict[str, str] = field(default_factory=dict)
    found: list[_Found] = field(default_factory=list)
    deadlines: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    section_notes: list[tuple[Block, bool, list[str], list[str]]] = field(default_factory=list)
    last_year: int | None = None
    undated: tuple[str, Phrase, PlaceHit] | None = None  # (sentence, phrase, place)

    def where(self, block: Block) -> str:
        return f"{self.doc.name}:{block.line}"

    def read(self) -> None:
        headings: list[str] = []  # the run of headings just above
        for block in self.doc.blocks:
            if block.kind == "heading":
                if (title := _cover_title(headings, block.text)) is not None:
                    self.read_sentence(block, f"{title}, {block.text}")
                headings.append(block.text)
                continue
            # a long title line is a paragraph, but without a full stop it is still a title
            headings = [] if block.text.rstrip().endswith((".", ";", ":")) else [block.text]
            for sentence in _sentences(block):
                self.read_sentence(block, sentence)

    def read_sentence(self, block: Block, sentence: str) -> None:
        mentions, bad = find_dates(sentence, ref=self.doc_date, default_year=self.last_year)
        context = " ".join(x for x in (sentence, block.intro or "") if x)
        hits = find_places(sentence)
        for b in bad:
            if MEETING_NOUN.search(context):
                self.warnings.append(f"{self.where(block)}: skipped {b.text!r}: {b.reason}")
        meeting_mentions: list[DateMention] = []
        for d in mentions:
            if d.year_given:
                self.last_year = d.end.year
            role = _role(sentence, d, context, bool(hits))
            if role == "meeting":
                meeting_mentions.append(d)
            elif role == "deadline":
                self.deadline(block, sentence, d)
        if not meeting_mentions:
            self.note_section(block, sentence)
            self.remember_undated(block, sentence, hits)
            return
        places_for = _assign_places(sentence, meeting_mentions, hits)
        previous: Phrase | None = None
        for i, d in enumerate(meeting_mentions):
            start = meeting_mentions[i - 1].stop if i else 0
            stop = meeting_mentions[i + 1].begin if i + 1 < len(meeting_mentions) else len(sentence)
            phrase = _phrase(sentence, start, d, stop, hits) or previous
            previous = phrase
            place = places_for.get(i)
            named_in = sentence
            if place is None and self.undated and _anaphoric(phrase):
                # "… concluded COP-2 in Geneva. The meeting, which opened on 19 November, …"
                named_in, phrase, place = self.undated
            fields = self.describe(block, sentence, d, phrase, place, len(meeting_mentions),
                                   named_in=named_in)  # fmt: skip
            self.found.append(_Found(d, block, sentence, place, phrase, fields))
        self.undated = None

    def remember_undated(self, block: Block, sentence: str, hits: list[PlaceHit]) -> None:
        """A named meeting with a place and no date, which "the meeting" may date next."""
        placed = [h for h in hits if not h.online and (h.city or h.venue)]
        heads = [m for m in MEETING_NOUN.finditer(sentence)
                 if not any(h.begin <= m.start() < h.end for h in hits)]  # fmt: skip
        if block.kind == "heading" or not placed or not heads:
            self.undated = None
            return
        head = heads[0]
        where = min(placed, key=lambda h: (h.begin < head.end(), abs(h.begin - head.end())))
        phrase = _outer(
            sentence, [head], where.begin if where.begin > head.end() else len(sentence)
        )
        self.undated = None if _anaphoric(phrase) else (sentence, phrase, where)

    # -- one meeting

    def describe(
        self, block: Block, sentence: str, d: DateMention, phrase: Phrase | None,
        place: PlaceHit | None, siblings: int, named_in: str,
    ) -> dict[str, Any]:  # fmt: skip
        title, body, ordinal = self.title(block, named_in, phrase, place)
        kind = (
            kind_of(title)
            or kind_of(block.heading or "")
            or ("teleconference" if place and place.online else "other")
        )
        series = short_name = None
        if phrase is not None and phrase.acronym:
            short_name = series = phrase.acronym
        elif phrase is not None and re.fullmatch(r"[A-Z]{2,8}[- ]?\d{1,2}", phrase.text):
            short_name = phrase.text.replace(" ", "").replace("-", "")
            series = re.sub(r"\d+$", "", short_name)
            ordinal = ordinal or int(short_name[len(series) :])  # "COP-14" is the 14th COP
        if body and ordinal:
            acronym = acronym_for(body, self.acronyms)
            section_body = heading_body(block.heading)
            if acronym:
                series, short_name = acronym, f"{acronym}{ordinal}"
            elif section_body and head_noun(section_body) == head_noun(body):
                series = section_body
            else:
                series = body
        said = _clause(sentence, d)
        said = said if siblings > 1 or not block.intro else f"{said} {block.intro}"
        status = status_of(said)
        if status == "held" and self.doc_date and d.start > self.doc_date:
            status = None
        region = region_in(title)
        if region is None and kind in ("session", "bureau", "conference", "high_level_event",
                                       "expert_group", "working_group", "retreat"):  # fmt: skip
            region = places.GLOBAL
        fields: dict[str, Any] = {
            "title": title[:300],
            "short_name": short_name,
            "kind": kind,
            "series": series,
            "ordinal": ordinal,
            "status": status,  # None: decided once the whole document is read
            "start": d.start.isoformat() if d.precision == "day" else d.start.strftime("%Y-%m"),
            "end": d.end.isoformat() if d.precision == "day" else None,
            "region": region,
            "hosts": hosts_in(sentence),
            "funders": funders_in(sentence),
            "description": sentence[:1000],
            "source": {"document": self.doc.symbol or self.doc.name, "paragraph": block.number},
        }
        if place is not None:
            fields.update(
                city=place.city, country=place.country, timezone=place.timezone,
                venue=place.venue, online=place.online,
            )  # fmt: skip
        return fields

    def title(
        self, block: Block, sentence: str, phrase: Phrase | None, place: PlaceHit | None
    ) -> tuple[str, str | None, int | None]:
        """(title, body, ordinal) for the meeting named by `phrase` in `block`."""
        section_body = heading_body(block.heading)
        if block.kind == "item":
            item_title = _item_title(block, phrase, self.acronyms)
            if item_title:
                words = item_title.split()
                ordinal = ordinal_value(words[0]) if words else None
                if section_body and len(words) <= 3 and MEETING_NOUN.fullmatch(words[-1]):
                    return f"{item_title} of the {section_body}", section_body, ordinal
                return item_title, None, ordinal
        if phrase is None:
            if block.heading and MEETING_NOUN.search(block.heading):
                return capitalise(singular(block.heading)), None, None
            if section_body:
                return f"Meeting of the {section_body}", section_body, None
            return ("Teleconference" if place and place.online else "Meeting"), None, None
        text = phrase.text
        words = text.split()
        ordinal = ordinal_value(words[0]) if words and phrase.determiner != "a" else None
        if ordinal is not None and len(words) > 1 and words[1].lower() in ("of", "and"):
            ordinal = None
        body: str | None = None
        if m := re.search(r"\b(?:meetings?|sessions?)\s+of\s+(?:the\s+)?(.+)$", text, re.I):
            body = m.group(1)
        if body is not None and len(body.split()) <= 2:
            body = self.known_body(body)
        if GROUP_HEAD.search(phrase.head):
            body = text
            text = f"meeting of the {text}"
        elif phrase.determiner in ("its", "their") and body is None:
            body = body_near(sentence, phrase.begin) or section_body
            if body is not None and len(body.split()) <= 2:
                body = self.known_body(body)
            if body:
                text = f"{text} of the {body}"
        elif is_generic(phrase) and body is None:
            body = subject_body(sentence, phrase.begin) or section_body or None
            if body is not None and len(body.split()) <= 2:
                body = self.known_body(body)
            if body:
                text = f"{singular(text)} of the {body}"
            elif (
                block.heading
                and singular(phrase.head).lower() in block.heading.lower()
                and ordinal is None
            ):
                text = singular(block.heading)  # "the workshop" under "Subregional workshops"
        elif phrase.head.lower().endswith("s"):
            text = singular(text)
        return capitalise(_tidy(text)), body, ordinal

    def known_body(self, body: str) -> str:
        """ "the group" → the series of a meeting already read whose head noun is "group"."""
        for f in reversed(self.found):
            series = f.fields.get("series")
            if series and " " in series and head_noun(series) == head_noun(body):
                return str(series)
        expanded = {v: k for k, v in self.acronyms.items()}.get(body)
        if expanded:  # "SBI" → "subsidiary body for implementation", as the document writes it
            m = re.search(re.escape(expanded).replace(r"\ ", r"\s+"), self.doc.text, re.I)
            return m.group(0) if m else expanded
        if body[:1].isupper() and len(body.split()) == 1:  # "the Committee": its full name
            return self.bodies.get(head_noun(body), body)
        return body

    # -- deadlines and section-wide statements

    def deadline(self, block: Block, sentence: str, d: DateMention) -> None:
        clause = re.split(r"[;,:]\s+(?:and\s+)?", sentence[: d.begin])[-1]
        clause = _DEADLINE_BEFORE.sub("", clause).strip() or sentence
        low = clause.lower()
        kind = "custom"
        for word, k in (("regist", "registration"), ("nominat", "nominations"), ("visa", "visa"),
                        ("travel", "travel"), ("comment", "comments"), ("document", "documents"),
                        ("submi", "documents"), ("report", "documents")):  # fmt: skip
            if word in low:
                kind = k
                break
        head = MEETING_NOUN.search(sentence)
        meeting_phrase_text = meeting_phrase(sentence, head, d.begin).text if head else None
        self.deadlines.append({
            "title": capitalise(_tidy(clause))[:300],
            "kind": kind,
            "due_date": d.end.isoformat(),
            "meeting": None,
            "meeting_phrase": meeting_phrase_text,
            "source": {"document": self.doc.symbol or self.doc.name, "paragraph": block.number},
        })  # fmt: skip

    def note_section(self, block: Block, sentence: str) -> None:
        m = re.match(
            r"^(?:The|These|Those|This|That|All|Both|Each)\s+(?:[\w-]+\s+){0,2}?"
            r"(meetings?|workshops?|sessions?|events?|conferences?|consultations?)\b",
            sentence,
        )
        if not m:
            return
        near = sentence[: m.end() + 120]  # "The meetings are being funded through …"
        if not (HOST_TRIGGER.search(near) or FUNDER_TRIGGER.search(near)):
            return
        hosts, funders = hosts_in(sentence), funders_in(sentence)
        if hosts or funders:
            self.section_notes.append((block, m.group(1).endswith("s"), hosts, funders))


_GENERIC_TITLE = re.compile(r"^(?:[\w-]+\s+){0,2}(?:meeting|session)$", re.I)


def _cover_title(headings: list[str], line: str) -> str | None:
    """The meeting a cover page announces: "Eighth meeting" under "Conference of the Parties
    to the Stockholm Convention", then "Geneva, 24 April–5 May 2017" (a dateline of several
    days, where a document's own date is one day)."""
    mentions, _ = find_dates(line)
    if len(mentions) != 1 or not headings or not MEETING_NOUN.search(headings[-1]):
        return None
    d = mentions[0]
    if d.days < 2 or line[d.stop :].strip() or not _DATELINE.match(line[: d.begin]):
        return None
    title = headings[-1]
    if _GENERIC_TITLE.match(title) and len(headings) > 1 and BODY_NOUN.search(headings[-2]):
        body = re.sub(r"^the\s+", "", headings[-2], flags=re.I)
        title = f"{title} of the {body}"
    return title


_CLAUSE_BREAK = re.compile(
    r"(?:,\s+|\s+)(?:and|but|while|whereas)\s+(?=(?:a|an|the|its|their)\s)|;\s+"
)


def _clause(sentence: str, d: DateMention) -> str:
    """The clause a date sits in: "…held a webinar on 24 April 2018, and a meeting of its
    project group was postponed" → the webinar's clause."""
    begin, end = 0, len(sentence)
    for m in _CLAUSE_BREAK.finditer(sentence):
        if m.end() <= d.begin:
            begin = m.end()
        elif m.start() >= d.stop:
            end = m.start()
            break
    return sentence[begin:end]


_RUN_IN = re.compile(r"^([^:.;]{3,80}):\s+([^:]+;[^:]+?)\.?$")


def _sentences(block: Block) -> list[str]:
    """A block's sentences; a run-in list ("Bureau meetings: 12 September 2017 (teleconference);
    3–4 December 2017, Stockholm") gives one sentence per item, each led by the label."""
    if block.kind == "item":
        return [block.text]
    m = _RUN_IN.match(block.text)
    if m and MEETING_NOUN.search(m.group(1)):
        return [f"{m.group(1)}: {item.strip()}" for item in m.group(2).split(";") if item.strip()]
    return split_sentences(block.text)


def _phrase(
    sentence: str, start: int, d: DateMention, stop: int, hits: list[PlaceHit]
) -> Phrase | None:
    """The meeting phrase for a date: the nearest one before it in its stretch of the
    sentence, else the first after it."""
    stops = [h.begin for h in hits if not h.online]

    def heads_in(begin: int, end: int) -> list[re.Match[str]]:
        """Meeting nouns, except inside a venue's name or an acronym's brackets."""
        return [m for m in MEETING_NOUN.finditer(sentence, begin, end)
                if sentence[m.start() - 1 : m.start()] != "("
                and not any(h.venue and h.begin <= m.start() < h.end for h in hits)]  # fmt: skip

    meets = [m for m in _BODY_MEETS.finditer(sentence, start, d.begin)]
    if meets:
        m = meets[-1]
        return Phrase(f"meeting of the {m.group(1)}", m.start(1), m.end(1), "the", "meeting")
    before, after = heads_in(start, d.begin), heads_in(d.stop, stop)
    if (
        after
        and _PRECEDED.search(sentence[start : d.begin])
        and re.match(r"\s*,?\s*by\b", sentence[d.stop :])
    ):
        before = []  # "The meeting was preceded on 23 September by regional consultations"
    if before:
        limit = min([d.begin, *(s for s in stops if s > before[-1].end())])
        return _outer(sentence, before, limit)
    if after:
        head = after[0]
        limit = min([stop, *(s for s in stops if s > head.end())])
        return _outer(sentence, [head], limit)
    return None


_PRECEDED = re.compile(r"\b(?:preceded|followed)\b[^.;]{0,20}$")


_BODY_MEETS = re.compile(
    r"\b(?:[Tt]he\s+)?((?:[A-Z][\w-]*\s+)*(?:Bureau|Committee|Council|Board|Commission|Panel|"
    r"Group|bureau|committee|council|board|commission|panel|group)"
    r"(?:\s+of\s+the\s+[A-Z][\w-]*(?:\s+(?:of\s+the\s+|to\s+the\s+)?[A-Z][\w-]*)*)?)"
    r"\s+(?:will\s+|shall\s+|would\s+|is\s+to\s+)?(?:meet|met|meets|convene|convened|convenes)\b"
)


def _outer(sentence: str, heads: list[re.Match[str]], limit: int) -> Phrase:
    """The phrase of the last head, or of an earlier head whose phrase reaches over it:
    "the regional meeting for the 2019 meetings of the conferences of the parties" is the
    regional meeting."""
    phrase = meeting_phrase(sentence, heads[-1], limit)
    for head in reversed(heads[:-1]):
        outer = meeting_phrase(sentence, head, limit)
        if outer.end < phrase.begin:
            break
        outer.acronym = outer.acronym or phrase.acronym
        phrase = outer
    return phrase


def _anaphoric(phrase: Phrase | None) -> bool:
    """ "The meeting", "this session": a meeting named before, not a new one."""
    return (
        phrase is not None
        and phrase.determiner in ("the", "this", "that")
        and phrase.text.lower() == phrase.head.lower()
    )


def _bracketed(sentence: str, d: DateMention, hit: PlaceHit) -> int:
    """A penalty for a place after a date written in brackets: "in Lima, Peru (10–12 …)"."""
    return 1000 if sentence[d.begin - 1 : d.begin] == "(" and hit.begin >= d.stop else 0


def _assign_places(
    sentence: str, mentions: list[DateMention], hits: list[PlaceHit]
) -> dict[int, PlaceHit]:
    """Each place goes to the nearest meeting date; each date keeps its best place (a city or
    venue before a bare country or 'online', then the nearest)."""
    assigned: dict[int, list[tuple[int, PlaceHit]]] = {}
    for hit in hits:
        gaps = [(max(d.begin - hit.end, hit.begin - d.stop, 0) + _bracketed(sentence, d, hit), i)
                for i, d in enumerate(mentions)]  # fmt: skip
        gap, index = min(gaps)
        assigned.setdefault(index, []).append((gap, hit))
    best: dict[int, PlaceHit] = {}
    for index, options in assigned.items():
        options.sort(key=lambda o: (o[1].city is None and o[1].venue is None, o[0]))
        best[index] = options[0][1]
    return best


_ITEM_FOR = re.compile(r"^(?:For|In)\s+the\s+(.+?)\s+(?:region|subregion|countries)\b", re.I)
_DROP_MODIFIERS = {"additional", "further", "other", "following", "several", "first", "second",
                   "new", "two", "three", "four", "five", "six", "series", "round"}  # fmt: skip


def _item_title(block: Block, phrase: Phrase | None, acronyms: dict[str, str]) -> str | None:
    """Title of a list item: its own label ("Mesoamerica workshop") with the lead-in's
    modifiers ("subregional"), or the region it is for + the heading ("African regional meeting
    in preparation for INC7")."""
    lead: Phrase | None = None
    if block.intro and (heads := list(MEETING_NOUN.finditer(block.intro))):
        lead = meeting_phrase(block.intro, heads[-1], len(block.intro))
    base: str | None = None
    if block.heading and MEETING_NOUN.search(block.heading):
        base = singular(block.heading)
    elif lead is not None and not is_generic(lead):
        base = singular(lead.text)
    colon = block.text.find(":")
    if phrase is not None and phrase.begin < colon <= 120:
        label = block.text[:colon].strip()
        if lead is not None and singular(lead.head).lower() == singular(phrase.head).lower():
            extra = [
                w
                for w in lead.text[: len(lead.text) - len(lead.head)].split()
                if w.lower() not in _DROP_MODIFIERS
                and w.lower() not in label.lower()
                and ordinal_value(w) is None
            ]
            if extra:
                head_at = label.lower().rfind(phrase.head.lower())
                label = f"{label[:head_at]}{' '.join(extra)} {singular(label[head_at:])}"
        return capitalise(_tidy(singular(label)))
    m = _ITEM_FOR.match(block.text)
    if m and base:
        base = base[:1].lower() + base[1:]
        return capitalise(_tidy(f"{m.group(1)} {abbreviate_sessions(base, acronyms)}"))
    return None


def _tidy(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" ,;:.")


# ---------------------------------------------------------------------------- assembling


def _naming(f: _Found) -> tuple[bool, bool, bool]:
    """How well a mention names its meeting: an ordinal, a body, a phrase of its own."""
    title = f.fields["title"]
    return (f.fields["ordinal"] is not None, " of the " in title, f.block.kind != "heading")


def _merge_duplicates(found: list[_Found]) -> list[_Found]:
    """One meeting per (dates, place): a session recalled twice is one session."""
    kept: dict[tuple[Any, ...], _Found] = {}
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


def _drop_inner(found: list[_Found]) -> list[_Found]:
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
    r"in conjunction with|immediately (?:before|after))\b",
    re.I,
)


def _days_apart(a: DateMention, b: DateMention) -> int:
    return max((a.start - b.end).days, (b.start - a.end).days)


def _inherit_places(found: list[_Found]) -> None:
    """A meeting with no place of its own, said to be held alongside ("preceded by",
    "at the same venue") a placed meeting read before it, within three days of it,
    is held where the nearest such meeting in time is."""
    for i, f in enumerate(found):
        if f.place is not None or not _ALONGSIDE.search(f.sentence):
            continue
        placed = [p for p in found[:i] if p.place is not None and not p.place.online]
        if not placed:
            continue
        nearest = min(reversed(placed), key=lambda p: _days_apart(f.mention, p.mention))
        place = nearest.place
        if _days_apart(f.mention, nearest.mention) <= 3 and place is not None:
            f.place = place
            f.fields.update(city=place.city, country=place.country, timezone=place.timezone,
                            online=False)  # fmt: skip


def _apply_section_notes(reader: _Reader) -> None:
    for block, plural, hosts, funders in reader.section_notes:
        same = [f for f in reader.found if f.block.section == block.section
                and f.block.line <= block.line]  # fmt: skip
        targets = same if plural else same[-1:]
        for f in targets:
            for key, names in (("hosts", hosts), ("funders", funders)):
                for name in names:
                    if name not in f.fields[key]:
                        f.fields[key].append(name)


def _settle_status(reader: _Reader) -> None:
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


def _link_deadlines(reader: _Reader, meetings: list[MeetingData]) -> None:
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
    reader = _Reader(doc=doc, doc_date=document_date(doc), acronyms=defined_acronyms(doc.text),
                     bodies=named_bodies(doc.text))  # fmt: skip
    reader.read()
    _apply_section_notes(reader)
    _settle_status(reader)
    result = ProseResult(document=doc.symbol or name)
    taken: set[str] = set()
    _inherit_places(reader.found)
    for f in _merge_duplicates(_drop_inner(reader.found)):
        fields = dict(f.fields)
        fields["id"] = _unique_id(fields, taken)
        try:
            result.meetings.append(MeetingData.model_validate(fields))
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
