"""`Query`: what a question asks, once read; and the normalising and tense reading that
come before everything else."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from bot.ask.timespan import Span
from bot.ask.words import FUTURE, PAST
from storage import places


@dataclass
class Query:
    """What a question asks. Filters are alternatives within a field, all fields must hold."""

    text: str
    folded: str
    today: date
    intent: str = "unknown"
    plural: bool = False
    selector: str | None = None  # next | last | first
    tense: str | None = None  # past | future (present: None)
    span: Span | None = None  # an explicit date span
    from_now: bool = False  # the span is the present tense's "from today on", not said
    now_words: bool = False  # "now", "currently"
    impossible: str | None = None  # a date no calendar has, said as such (bot.ask.timespan)
    cities: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    place_countries: list[str] = field(default_factory=list)  # continents, as countries
    place_labels: list[str] = field(default_factory=list)
    unknown_place: str | None = None  # a real place with no meetings in the store
    unknown_place_country: str | None = None  # its country (alpha-2), when it is a city
    kinds: list[str] = field(default_factory=list)
    kind_label: str | None = None
    title_words: list[str] = field(default_factory=list)
    online: bool | None = None
    series: list[str] = field(default_factory=list)
    short_names: list[str] = field(default_factory=list)
    ordinal: int | None = None
    organisations: list[str] = field(default_factory=list)
    org_role: str | None = None  # hosts | funders | partners
    statuses: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    limit: int | None = None  # "the next 3 meetings"
    longest_days: int | None = None  # the store's longest meeting (bounds date scans)
    truncated: bool = False
    # deadlines (bot.ask.deadline_words): the question is about deadlines, of these kinds
    deadlines: bool = False
    deadline_kinds: list[str] = field(default_factory=list)
    # names the question uses that the store does not have ("COP1", "INC8")
    unknown_names: list[str] = field(default_factory=list)
    near_names: list[str] = field(default_factory=list)  # stored short names like them: INC7
    # "what comes after the Brno meeting?": after | before the meeting the rest names
    anchor: str | None = None
    # the meetings a follow-up refers to ("who funds it?"), from the conversation's memory
    meeting_ids: list[str] = field(default_factory=list)
    refers_back: bool = False  # "who funds it?": a pronoun standing for the meetings asked about

    @property
    def has_place(self) -> bool:
        return bool(self.cities or self.countries or self.regions or self.place_countries)

    @property
    def has_subject(self) -> bool:
        """Does the question name anything that picks meetings out?"""
        return bool(
            self.has_place
            or self.unknown_place
            or self.kinds
            or self.series
            or self.short_names
            or self.ordinal
            or self.organisations
            or self.online is not None
            or self.terms
            or self.title_words
            or self.statuses
            or self.unknown_names
        )

    @property
    def names_something(self) -> bool:
        """Does the question name meetings itself (not only a time or a status)?"""
        return bool(
            self.has_place
            or self.unknown_place
            or self.kinds
            or self.series
            or self.short_names
            or self.ordinal
            or self.organisations
            or self.terms
            or self.title_words
            or self.unknown_names
        )


MAX_QUESTION = 4000


def normalise(text: str) -> str:
    """Fold case and accents, spell out contractions, keep words, numbers and date marks."""
    t = places.fold(text.replace("’", "'").replace("‘", "'"))
    t = re.sub(r"\b(what|when|where|who|how|there|it|that)'s\b", r"\1 is", t)
    t = re.sub(r"n't\b", " not", t)
    t = re.sub(r"'(re|ve|ll|d|m)\b", " ", t)
    t = re.sub(r"'s\b", "", t)
    t = re.sub(r"[^\w\s/.:–—-]", " ", t)
    t = re.sub(r"(?<!\d)[.:](?!\d)", " ", t)
    t = re.sub(r"_", " ", t)
    return re.sub(r"\s+", " ", t).strip()


UNCONFIRMED = re.compile(
    r"\b(?:not (?:yet |been )?confirmed|unconfirmed|tentative|provisional|to be confirmed|tbc)\b"
)
PARTICIPLES = {"held", "hosted", "funded", "sponsored", "attended", "organised", "organized"}
PRESENT_AUXILIARY = re.compile(r"\b(?:is|are|am|be|being)\b")


def tense_of(folded: str) -> str | None:
    past_words = {m.group(0) for m in PAST.finditer(folded)}
    if past_words <= PARTICIPLES and PRESENT_AUXILIARY.search(folded):
        past_words = set()  # passive present: "which meetings are funded by Switzerland"
    past, future = bool(past_words), bool(FUTURE.search(folded))
    if past and not future:
        return "past"
    if future and not past:
        return "future"
    if past and future:  # "the last meeting held before the next session": the verb decides
        return (
            "past"
            if re.search(r"\b(?:was|were|did|happened|held|took place)\b", folded)
            else "future"
        )
    return None
