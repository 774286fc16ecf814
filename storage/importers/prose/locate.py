"""Within one sentence: its clauses and list items, the meeting phrase and the place that go
with each date, and the titles of list items."""

from __future__ import annotations

import re
from dataclasses import replace

from storage.importers.prose.bodies import abbreviate_sessions
from storage.importers.prose.dates import DateMention
from storage.importers.prose.phrases import (
    BODY_NOUN,
    MEETING_NOUN,
    Phrase,
    capitalise,
    is_generic,
    meeting_phrase,
    ordinal_value,
    singular,
)
from storage.importers.prose.places import PlaceHit
from storage.importers.prose.text import Block, split_sentences

_CLAUSE_BREAK = re.compile(
    r"(?:,\s+|\s+)(?:and|but|while|whereas)\s+(?=(?:a|an|the|its|their)\s)|;\s+"
)


def clause_of(sentence: str, d: DateMention) -> str:
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


def sentences_of(block: Block) -> list[str]:
    """A block's sentences; a run-in list ("Bureau meetings: 12 September 2017 (teleconference);
    3–4 December 2017, Stockholm") gives one sentence per item, each led by the label."""
    if block.kind == "item":
        return [block.text]
    m = _RUN_IN.match(block.text)
    if m and MEETING_NOUN.search(m.group(1)):
        return [f"{m.group(1)}: {item.strip()}" for item in m.group(2).split(";") if item.strip()]
    return split_sentences(block.text)


def phrase_for(
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

    meets = [
        m
        for m in _BODY_MEETS.finditer(sentence, start, d.begin)
        if not MEETING_NOUN.search(sentence, m.end(), d.begin)
    ]  # not "convened a workshop"
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
        return outer_phrase(sentence, before, limit)
    if after:
        head = after[0]
        limit = min([stop, *(s for s in stops if s > head.end())])
        return outer_phrase(sentence, [head], limit)
    return None


def respective_phrases(sentence: str, mentions: list[DateMention]) -> list[Phrase | None]:
    """The meeting of each date in a run of dates named together before it: "the 24th meeting
    of A (X) and the third meeting of B (Y), … from 18 to 23 May and from 25 to 29 May 2020
    respectively" (the k-th phrase with the k-th date), "the eleventh and twelfth meetings of
    the Board were held in Manila from … and in Bonn from …" (the k-th ordinal). None for
    dates outside such a run."""
    paired: list[Phrase | None] = [None] * len(mentions)
    said = _RESPECTIVELY.search(sentence)
    last = said.start() if said else len(sentence)
    run = [i for i, d in enumerate(mentions) if d.stop <= last][-1:]
    while (
        run
        and run[0] > 0
        and not MEETING_NOUN.search(sentence, mentions[run[0] - 1].stop, mentions[run[0]].begin)
    ):
        run.insert(0, run[0] - 1)
    if len(run) < 2:
        return paired
    lead = mentions[run[0] - 1].stop if run[0] else 0
    found: list[Phrase] = []
    for head in MEETING_NOUN.finditer(sentence, lead, mentions[run[0]].begin):
        if (found and head.start() < found[-1].end) or sentence[head.start() - 1] == "(":
            continue  # inside the phrase before, or its acronym "(SBSTTA-24)"
        found.append(meeting_phrase(sentence, head, mentions[run[0]].begin))
    if len(found) == 1:
        found = _one_per_ordinal(sentence, found[0])
    elif said is None:
        return paired
    if len(found) == len(run):
        for i, phrase in zip(run, found, strict=True):
            paired[i] = phrase
    return paired


_ORDINALS_BEFORE = re.compile(r"((?:[\w-]+,\s+)*[\w-]+),?\s+and\s+$")


def _one_per_ordinal(sentence: str, phrase: Phrase) -> list[Phrase]:
    """ "the eleventh and twelfth meetings of the Board" → "eleventh meeting of the Board",
    "twelfth meeting of the Board"."""
    first, _, rest = phrase.text.partition(" ")
    m = _ORDINALS_BEFORE.search(sentence, 0, phrase.begin)
    words = [*re.split(r",\s+", m.group(1)), first] if m else []
    if not m or not rest or any(ordinal_value(w) is None for w in words):
        return [phrase]
    rest, head = singular(rest), singular(phrase.head)
    return [replace(phrase, text=f"{w} {rest}", head=head) for w in words]


_RESPECTIVELY = re.compile(r"\brespectively\b|\brespectivement\b|\brespectivamente\b", re.I)
_PRECEDED = re.compile(r"\b(?:preceded|followed)\b[^.;]{0,20}$")


# "The Bureau met …", "An ad hoc open-ended working group met in Dakar …": the body is the
# meeting (its words up to a determiner, a preposition or a number)
_MODIFIER = (
    r"(?:(?!(?i:the|a|an|its|their|this|that|these|those|and|of|in|at|on|by|to|for|with|was|"
    r"were|had|has|is|are|when|which|who|le|la|les|un|une)\b)[^\W\d_][\w-]*\s+)"
)
_BODY_MEETS = re.compile(
    rf"\b((?:{_MODIFIER}){{0,5}}?(?:Bureau|Committee|Council|Board|Commission|Panel|"
    r"Group|Task Force|Assembly|Network|bureau|committee|council|board|commission|panel|group|"
    r"task force|assembly|network)"
    r"(?:\s+(?:of\s+the|de\s+la|du|des)\s+[A-Z][\w-]*"
    r"(?:\s+(?:of\s+the\s+|to\s+the\s+)?[A-Z][\w-]*)*)?)"
    r"\s+(?:will\s+|shall\s+|would\s+|is\s+to\s+)?(?:(?:last|first|again|then|also)\s+)?"
    r"(?:meet|met|meets|convene|convened|convenes|"
    r"s'est réunie?|se réunira|se réunit)\b"
)


def outer_phrase(sentence: str, heads: list[re.Match[str]], limit: int) -> Phrase:
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


def anaphoric(phrase: Phrase | None) -> bool:
    """ "The meeting", "this session": a meeting named before, not a new one."""
    return (
        phrase is not None
        and phrase.determiner in ("the", "this", "that", "these", "those")
        and phrase.text.lower() == phrase.head.lower()
    )


def _bracketed(sentence: str, d: DateMention, hit: PlaceHit) -> int:
    """A penalty for a place after a date written in brackets: "in Lima, Peru (10–12 …)"."""
    return 1000 if sentence[d.begin - 1 : d.begin] == "(" and hit.begin >= d.stop else 0


# Where one item of a list in a sentence ends and the next begins: "…; in Tbilisi, from …",
# "…, in Bangkok, Thailand, for Asia …", "… and in San Salvador …", "… and from 25 to 29 May".
_ITEM_BREAK = re.compile(
    r";\s*(?:and\s+|et\s+)?|"
    r",?\s+(?:and|et|puis|then)\s+(?=(?:in|at|à|en|on|from|du|online|by|via)\b)|"
    r",\s+(?=(?:in|at|à|online)\b)|"
    r",?\s+(?=(?:followed|preceded)\s+by\b)"  # "…, followed by a workshop in Tunis on …"
)


def item_bounds(sentence: str, mentions: list[DateMention]) -> list[tuple[int, int]]:
    """The stretch of the sentence each meeting date owns: a break between two dates splits
    the words between them; without one both dates reach over them (the nearer date wins a
    place there, see `assign_places`)."""
    bounds = [[0, len(sentence)] for _ in mentions]
    for i in range(len(mentions) - 1):
        left, right = mentions[i], mentions[i + 1]
        breaks = list(_ITEM_BREAK.finditer(sentence, left.stop, right.begin))
        if breaks:
            bounds[i][1], bounds[i + 1][0] = breaks[0].start(), breaks[0].end()
        else:
            bounds[i][1], bounds[i + 1][0] = right.begin, left.stop
    return [(b, e) for b, e in bounds]


def assign_places(
    sentence: str, mentions: list[DateMention], hits: list[PlaceHit]
) -> dict[int, PlaceHit]:
    """Each place goes to the date whose stretch holds it (the nearest, where two stretches
    meet); each date keeps its best place (a city or venue before a bare country or 'online',
    then the nearest). A date with no place shares its neighbour's when nothing but dates
    stands between them ("in Montreal, from 18 to 23 May and from 25 to 29 May")."""
    bounds = item_bounds(sentence, mentions)
    assigned: dict[int, list[tuple[int, PlaceHit]]] = {}
    for hit in hits:
        gaps = [(max(d.begin - hit.end, hit.begin - d.stop, 0) + _bracketed(sentence, d, hit), i)
                for i, d in enumerate(mentions)
                if bounds[i][0] <= hit.begin < bounds[i][1]]  # fmt: skip
        if not gaps:
            continue
        gap, index = min(gaps)
        assigned.setdefault(index, []).append((gap, hit))
    best: dict[int, PlaceHit] = {}
    for index, options in assigned.items():
        options.sort(key=lambda o: (o[1].city is None and o[1].venue is None, o[0]))
        best[index] = options[0][1]

    def nothing_between(a: int, b: int) -> bool:
        lo, hi = mentions[a].stop, mentions[b].begin
        words = sentence[lo:hi]
        return not any(lo <= h.begin < hi for h in hits) and not (
            MEETING_NOUN.search(words) or BODY_NOUN.search(words)
        )

    for i in range(1, len(mentions)):
        if i not in best and i - 1 in best and nothing_between(i - 1, i):
            best[i] = best[i - 1]
    for i in range(len(mentions) - 2, -1, -1):
        if i not in best and i + 1 in best and nothing_between(i, i + 1):
            best[i] = best[i + 1]
    return best


_ITEM_FOR = re.compile(r"^(?:For|In)\s+the\s+(.+?)\s+(?:region|subregion|countries)\b", re.I)
_DROP_MODIFIERS = {"additional", "further", "other", "following", "several", "first", "second",
                   "new", "two", "three", "four", "five", "six", "series", "round"}  # fmt: skip


def item_title(block: Block, phrase: Phrase | None, acronyms: dict[str, str]) -> str | None:
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
        return capitalise(tidy(singular(label)))
    m = _ITEM_FOR.match(block.text)
    if m and base:
        base = base[:1].lower() + base[1:]
        return capitalise(tidy(f"{m.group(1)} {abbreviate_sessions(base, acronyms)}"))
    return None


def tidy(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" ,;:.")
