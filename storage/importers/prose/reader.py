"""Meetings read straight out of secretariat prose (progress reports, meeting reports, news
items, bureau pages), from .txt, .docx or .pdf.

The reading, sentence by sentence:

1. every date expression is found (`dates`, `roles`); each is a meeting date, a deadline, or
   neither (decision and document dates, datelines, signature and adoption dates, periods);
2. the place nearest a meeting date in its sentence is its city or country, or "online"
   (`places`, `locate`);
3. the meeting's noun phrase nearest the date gives title, kind, ordinal and series; a bare
   "the fourth meeting" or a list item ("For the African region, …") borrows its name from the
   list's lead-in and the section heading (`phrases`, `bodies`, `labels`);
4. hosts and funders come from the same sentence, or from a later sentence of the section that
   speaks of "the meetings" / "the meeting".

`assemble` turns what is found into the document's meetings: a meeting named twice (a session
recalled in two paragraphs) is kept once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from storage.importers.prose.bodies import (
    acronym_for,
    body_near,
    head_noun,
    heading_body,
    subject_body,
)
from storage.importers.prose.dates import DateMention, find_dates
from storage.importers.prose.labels import classify, region_aim, region_in, status_of
from storage.importers.prose.lines import cover_title, line_phrase, record_line
from storage.importers.prose.locate import (
    anaphoric,
    assign_places,
    clause_of,
    item_bounds,
    item_title,
    outer_phrase,
    phrase_for,
    respective_phrases,
    sentences_of,
    tidy,
)
from storage.importers.prose.phrases import (
    GROUP_HEAD,
    MEETING_NOUN,
    Phrase,
    capitalise,
    is_generic,
    meeting_phrase,
    ordinal_value,
    singular,
)
from storage.importers.prose.places import PlaceHit, find_places
from storage.importers.prose.roles import DEADLINE_BEFORE, role_of
from storage.importers.prose.sponsors import FUNDER_TRIGGER, HOST_TRIGGER, funders_in, hosts_in
from storage.importers.prose.text import FIELD_LINE, Block, Document


@dataclass
class Found:
    mention: DateMention
    block: Block
    sentence: str
    place: PlaceHit | None
    phrase: Phrase | None
    fields: dict[str, Any]


@dataclass
class Reader:
    doc: Document
    doc_date: date | None
    acronyms: dict[str, str]
    bodies: dict[str, str] = field(default_factory=dict)
    found: list[Found] = field(default_factory=list)
    deadlines: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    section_notes: list[tuple[Block, bool, list[str], list[str]]] = field(default_factory=list)
    last_year: int | None = None
    undated: tuple[str, Phrase, PlaceHit] | None = None  # (sentence, phrase, place)
    named: list[tuple[int, str, Phrase]] = field(default_factory=list)  # (section, sentence, …)

    def where(self, block: Block) -> str:
        return f"{self.doc.name}:{block.line}"

    def read(self) -> None:
        headings: list[str] = []  # the run of headings (and record fields) just above
        blocks = self.doc.blocks
        for i, block in enumerate(blocks):
            if FIELD_LINE.match(block.text):
                headings.append(block.text)
                last = i + 1 == len(blocks) or not FIELD_LINE.match(blocks[i + 1].text)
                if last and (record := record_line(headings)) is not None:
                    self.read_sentence(block, record)
                continue
            if block.kind == "heading":
                if (title := cover_title(headings, block.text)) is not None:
                    self.read_sentence(block, f"{title}, {block.text}")
                headings.append(block.text)
                continue
            # a long title line is a paragraph, but without a full stop it is still a title
            headings = [] if block.text.rstrip().endswith((".", ";", ":")) else [block.text]
            for sentence in sentences_of(block):
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
            role = role_of(sentence, d, context, bool(hits), listed=block.kind == "item")
            if role == "meeting":
                meeting_mentions.append(d)
            elif role == "deadline":
                self.deadline(block, sentence, d)
        if not meeting_mentions:
            self.note_section(block, sentence)
            self.remember_undated(block, sentence, hits)
            self.remember_named(block, sentence, hits)
            return
        places_for = assign_places(sentence, meeting_mentions, hits)
        bounds = item_bounds(sentence, meeting_mentions)
        respective = respective_phrases(sentence, meeting_mentions)
        previous: Phrase | None = None
        for i, d in enumerate(meeting_mentions):
            start, stop = bounds[i]
            phrase = respective[i] or phrase_for(sentence, start, d, stop, hits) or previous
            phrase = line_phrase(sentence, d, phrase)
            previous = phrase
            place = places_for.get(i)
            named_in = sentence
            if place is None and self.undated and anaphoric(phrase):
                # "… concluded COP-2 in Geneva. The meeting, which opened on 19 November, …"
                named_in, phrase, place = self.undated
            elif (
                phrase is not None
                and anaphoric(phrase)
                and (named := self.antecedent(block, phrase))
            ):
                # "… announced the regional meetings … The meetings will be held in …"
                named_in, phrase = named
            fields = self.describe(block, sentence, d, phrase, place, len(meeting_mentions),
                                   named_in=named_in, item=(start, stop))  # fmt: skip
            self.found.append(Found(d, block, sentence, place, phrase, fields))
        self.undated = None
        self.remember_named(block, sentence, hits)

    def remember_named(self, block: Block, sentence: str, hits: list[PlaceHit]) -> None:
        """The meetings a sentence names, which "the meetings" of a later sentence may mean."""
        heads = [m for m in MEETING_NOUN.finditer(sentence)
                 if not any(h.begin <= m.start() < h.end for h in hits)]  # fmt: skip
        for head in heads:
            phrase = meeting_phrase(sentence, head, len(sentence))
            if not anaphoric(phrase):
                self.named.append((block.section, sentence, phrase))

    def antecedent(self, block: Block, phrase: Phrase) -> tuple[str, Phrase] | None:
        """The meeting named last in this section with the same noun, one of the same number
        first ("the regional meetings" for "the meetings")."""
        noun = singular(phrase.head).lower()
        plural = phrase.head.lower() != noun
        same = [(s, p) for section, s, p in self.named
                if section == block.section and singular(p.head).lower() == noun]  # fmt: skip
        alike = [(s, p) for s, p in same if (p.head.lower() != noun) == plural]
        if not same:
            return None
        sentence, named = (alike or same)[-1]
        # each date is one of "the meetings": "the regional meetings" → "regional meeting"
        return sentence, replace(named, text=singular(named.text), head=singular(named.head))

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
        phrase = outer_phrase(
            sentence, [head], where.begin if where.begin > head.end() else len(sentence)
        )
        self.undated = None if anaphoric(phrase) else (sentence, phrase, where)

    # -- one meeting

    def describe(
        self, block: Block, sentence: str, d: DateMention, phrase: Phrase | None,
        place: PlaceHit | None, siblings: int, named_in: str, item: tuple[int, int],
    ) -> dict[str, Any]:  # fmt: skip
        title, body, ordinal = self.title(block, named_in, phrase, place)
        if region_in(title) is None and (aim := region_aim(sentence[item[0] : item[1]])):
            title = f"{title} for {aim[0]}"  # "… in Kampala, Uganda, for Africa from …"
        kind, region = classify(title, block.heading, online=bool(place and place.online))
        series = short_name = None
        if phrase is not None and phrase.acronym:
            short_name = series = phrase.acronym
            if numbered := re.fullmatch(r"([A-Za-z]{2,10})[- ]?(\d{1,3})", phrase.acronym):
                # "(SBSTTA-24)", "(COP 28)": the meeting's short name, its series and ordinal
                series, short_name = numbered.group(1), "".join(numbered.groups())
                ordinal = ordinal or int(numbered.group(2))
                if phrase.acronym not in title:
                    title = f"{title} ({phrase.acronym})"
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
        said = clause_of(sentence, d)
        said = said if siblings > 1 or not block.intro else f"{said} {block.intro}"
        status = status_of(said)
        if status == "held" and self.doc_date and d.start > self.doc_date:
            status = None
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
            label = item_title(block, phrase, self.acronyms)
            if label:
                words = label.split()
                ordinal = ordinal_value(words[0]) if words else None
                if section_body and len(words) <= 3 and MEETING_NOUN.fullmatch(words[-1]):
                    return f"{label} of the {section_body}", section_body, ordinal
                return label, None, ordinal
        if phrase is None:
            if block.heading and MEETING_NOUN.search(block.heading):
                return capitalise(singular(block.heading)), None, None
            if section_body:
                return f"Meeting of the {section_body}", section_body, None
            return ("Teleconference" if place and place.online else "Meeting"), None, None
        text = phrase.text
        words = text.split()
        modifiers = words[: -len(phrase.head.split())] if text.endswith(phrase.head) else words[:1]
        ordinal = next((n for w in modifiers if (n := ordinal_value(w)) is not None), None)
        if phrase.determiner == "a":
            ordinal = None  # "a second meeting"
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
            # the body the sentence names, else the one its paragraph named before it
            said_before = block.text[: max(block.text.find(sentence), 0)]
            body = (body_near(sentence, phrase.begin) or body_near(said_before, len(said_before))
                    or section_body)  # fmt: skip
            if body is not None and len(body.split()) <= 2:
                body = self.known_body(body)
            if body:
                text = f"{singular(text)} of the {body}"
        elif is_generic(phrase) and body is None:
            # "The Committee held a meeting": the Committee's meeting; "The Bureau convened a
            # consultation with stakeholders": a consultation, not the Bureau's
            own = singular(phrase.head).lower() in ("meeting", "session")
            body = (subject_body(sentence, phrase.begin) if own else None) or section_body or None
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
        return capitalise(tidy(text)), body, ordinal

    def known_body(self, body: str) -> str:
        """ "the group" → the series of a meeting already read whose head noun is "group"."""
        if len(body.split()) > 1 and all(w[:1].isupper() for w in body.split()):
            return body  # "Technical Committee" is a name already
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
        clause = DEADLINE_BEFORE.sub("", clause).strip() or sentence
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
            "title": capitalise(tidy(clause))[:300],
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
            # "Hosted by the Government of Rwanda." under a meeting's line: that meeting
            m = re.match(
                r"^(?=(?:Hosted|Funded|Financed|Sponsored|Organi[sz]ed|With)\b)()", sentence
            )
        if not m:
            return
        near = sentence[: m.end() + 120]  # "The meetings are being funded through …"
        if not (HOST_TRIGGER.search(near) or FUNDER_TRIGGER.search(near)):
            return
        hosts, funders = hosts_in(sentence), funders_in(sentence)
        if hosts or funders:
            self.section_notes.append((block, m.group(1).endswith("s"), hosts, funders))
