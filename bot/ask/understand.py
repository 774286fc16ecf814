"""A question in words → a structured `Query`: what is asked, about which meetings.

Reading order: normalise the text; find the tense and the date span (bot.timespan); then scan
the remaining words, longest phrase first, for kinds of meeting, series and short names, places
(cities, countries, regions, continents), organisations and ordinals, using the store's
vocabulary (bot.vocabulary), the gazetteer (storage.places) and rapidfuzz for typos. What is
left are free-text terms. Nothing here touches the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache, cached_property

from bot.ask.timespan import Span, find_span
from bot.ask.vocabulary import Vocabulary, squash
from storage import places
from storage.models import Kind

# --- static word lists ------------------------------------------------------------------------

ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
    "fifth": 5, "5th": 5, "sixth": 6, "6th": 6, "seventh": 7, "7th": 7, "eighth": 8, "8th": 8,
    "ninth": 9, "9th": 9, "tenth": 10, "10th": 10, "eleventh": 11, "11th": 11, "twelfth": 12,
    "12th": 12,
}  # fmt: skip
ORDINAL_WORDS = {v: k for k, v in ORDINALS.items() if not k[0].isdigit()}


@dataclass(frozen=True)
class KindWord:
    """What a kind phrase means: kinds, a word the title must have, online, a series."""

    kinds: tuple[str, ...] = ()
    title_word: str | None = None
    online: bool | None = None
    series: str | None = None
    label: str = ""


_K = Kind
KIND_PHRASES: dict[str, KindWord] = {
    "regional meeting": KindWord((_K.regional_meeting,), label="regional meeting"),
    "regional preparatory meeting": KindWord((_K.regional_meeting,), label="regional meeting"),
    "preparatory meeting": KindWord((_K.regional_meeting,), label="regional meeting"),
    "regional consultation": KindWord((_K.regional_meeting,), label="regional meeting"),
    "subregional workshop": KindWord((_K.workshop,), "subregional", label="subregional workshop"),
    "sub regional workshop": KindWord((_K.workshop,), "subregional", label="subregional workshop"),
    "regional workshop": KindWord((_K.workshop,), "regional", label="regional workshop"),
    "awareness raising workshop": KindWord((_K.workshop,), "awareness", label="workshop"),
    "workshop": KindWord((_K.workshop,), label="workshop"),
    "training": KindWord((_K.workshop,), label="workshop"),
    "seminar": KindWord((_K.workshop,), label="workshop"),
    "bureau": KindWord((_K.bureau,), label="bureau meeting"),
    "session": KindWord((_K.session,), label="session"),
    "negotiating committee": KindWord((_K.session,), series="INC", label="INC session"),
    "intergovernmental negotiating committee": KindWord(
        (_K.session,), series="INC", label="INC session"
    ),
    "expert group": KindWord((_K.expert_group,), label="expert group meeting"),
    "experts group": KindWord((_K.expert_group,), label="expert group meeting"),
    "group of experts": KindWord((_K.expert_group,), label="expert group meeting"),
    "group of technical experts": KindWord((_K.expert_group,), label="expert group meeting"),
    "technical expert group": KindWord((_K.expert_group,), label="expert group meeting"),
    "technical experts group": KindWord((_K.expert_group,), label="expert group meeting"),
    "expert meeting": KindWord((_K.expert_group,), label="expert group meeting"),
    "experts meeting": KindWord((_K.expert_group,), label="expert group meeting"),
    "teg": KindWord((_K.expert_group,), label="expert group meeting"),
    "working group": KindWord((_K.working_group,), label="working group meeting"),
    "ad hoc working group": KindWord((_K.working_group,), label="working group meeting"),
    "conference": KindWord((_K.conference,), label="conference"),
    "conference of the parties": KindWord((_K.conference,), label="conference"),
    "conferences of the parties": KindWord((_K.conference,), label="conference"),
    "cop": KindWord((_K.conference,), label="conference"),
    "retreat": KindWord((_K.retreat,), label="retreat"),
    "high level event": KindWord((_K.high_level_event,), label="high-level event"),
    "high level meeting": KindWord((_K.high_level_event,), label="high-level event"),
    "high level segment": KindWord((_K.high_level_event,), label="high-level event"),
    "teleconference": KindWord(online=True, label="online meeting"),
    "telephone conference": KindWord(online=True, label="online meeting"),
    "conference call": KindWord(online=True, label="online meeting"),
    "video conference": KindWord(online=True, label="online meeting"),
    "videoconference": KindWord(online=True, label="online meeting"),
    "call": KindWord(online=True, label="online meeting"),
    "online": KindWord(online=True, label="online meeting"),
    "virtual": KindWord(online=True, label="online meeting"),
    "webinar": KindWord(online=True, label="online meeting"),
    "face to face": KindWord(online=False, label="in-person meeting"),
    "in person": KindWord(online=False, label="in-person meeting"),
}
KIND_PLURALS = {
    "meetings", "workshops", "sessions", "conferences", "events", "retreats", "groups",
    "seminars", "trainings", "ones", "calls", "teleconferences", "gatherings",
}  # fmt: skip
GENERIC_NOUNS = {"meeting", "meetings", "event", "events", "gathering", "gatherings", "one", "ones"}

CONTINENTS = {
    "asia": ("AS",), "asian": ("AS",), "europe": ("EU",), "european": ("EU",),
    "north america": ("NA",), "central america": ("NA",), "south america": ("SA",),
    "americas": ("NA", "SA"), "the americas": ("NA", "SA"), "america": ("NA", "SA"),
    "oceania": ("OC",), "pacific": ("OC",), "the pacific": ("OC",), "australasia": ("OC",),
    "antarctica": ("AN",),
}  # fmt: skip
EXTRA_REGIONS = {
    "caribbean": places.LAC, "latin american": places.LAC, "asia pacific region": places.ASIA_PACIFIC,  # noqa: E501
    "central asia": places.CEE, "central asian": places.CEE, "cee region": places.CEE,
    "eastern european": places.CEE, "western european": places.WEOG, "weog": places.WEOG,
    "asian pacific": places.ASIA_PACIFIC, "asia and pacific": places.ASIA_PACIFIC,
    "asia and the pacific region": places.ASIA_PACIFIC, "africa region": places.AFRICA,
    "african region": places.AFRICA, "lac region": places.LAC, "mesoamerica": places.LAC,
}  # fmt: skip
ORG_ALIASES = {
    "eu": "european union", "the eu": "european union", "european commission": "european union",
    "us": "united states of america", "usa": "united states of america",
    "united states": "united states of america", "the netherlands": "netherlands",
    "holland": "netherlands", "brs": "brs secretariat", "unep": "unep chemicals and waste branch",
}  # fmt: skip
DEMONYMS = {
    "swiss": "CH", "german": "DE", "dutch": "NL", "swedish": "SE", "brazilian": "BR",
    "japanese": "JP", "american": "US", "jordanian": "JO", "indonesian": "ID", "kenyan": "KE",
    "zambian": "ZM", "czech": "CZ", "uruguayan": "UY", "mexican": "MX", "russian": "RU",
    "south african": "ZA", "korean": "KR", "thai": "TH", "samoan": "WS", "belarusian": "BY",
    "slovak": "SK", "french": "FR", "british": "GB", "chinese": "CN", "indian": "IN",
}  # fmt: skip

PLACE_PREPOSITIONS = {"in", "at", "near", "around", "inside", "within", "across", "to", "for"}
ROLE_WORDS = {
    "funders": r"\b(?:fund\w*|sponsor\w*|financ(?:e|es|ed|ier|iers)|paid|pays?|paying|donors?|bankroll\w*)\b",  # noqa: E501
    "hosts": r"\b(?:host\w*|invitation)\b",
    "partners": r"\b(?:partner\w*|organi[sz]\w*|support\w*|involved|took part|participat\w*)\b",
}  # fmt: skip

STOPWORDS = set(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "into",
        "onto",
        "about",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "do",
        "does",
        "did",
        "done",
        "doing",
        "have",
        "has",
        "had",
        "having",
        "will",
        "would",
        "shall",
        "should",
        "can",
        "could",
        "may",
        "might",
        "must",
        "i",
        "me",
        "my",
        "we",
        "us",
        "our",
        "you",
        "your",
        "he",
        "she",
        "it",
        "its",
        "they",
        "them",
        "their",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "what",
        "whats",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "many",
        "much",
        "long",
        "soon",
        "often",
        "any",
        "anything",
        "anywhere",
        "some",
        "something",
        "all",
        "every",
        "each",
        "other",
        "another",
        "same",
        "such",
        "no",
        "not",
        "nothing",
        "only",
        "just",
        "also",
        "too",
        "very",
        "really",
        "please",
        "pls",
        "plz",
        "thanks",
        "thank",
        "tell",
        "know",
        "let",
        "show",
        "list",
        "give",
        "find",
        "see",
        "get",
        "got",
        "want",
        "need",
        "like",
        "look",
        "looking",
        "say",
        "said",
        "going",
        "go",
        "goes",
        "gone",
        "come",
        "comes",
        "coming",
        "came",
        "upcoming",
        "up",
        "next",
        "last",
        "first",
        "final",
        "latest",
        "previous",
        "past",
        "recent",
        "recently",
        "future",
        "planned",
        "planning",
        "plan",
        "plans",
        "scheduled",
        "schedule",
        "happen",
        "happens",
        "happening",
        "happened",
        "held",
        "hold",
        "holds",
        "holding",
        "take",
        "takes",
        "taking",
        "took",
        "place",
        "places",
        "meet",
        "meets",
        "meeting",
        "meetings",
        "met",
        "event",
        "events",
        "on-going",
        "ongoing",
        "date",
        "dates",
        "day",
        "days",
        "week",
        "weeks",
        "month",
        "months",
        "year",
        "years",
        "time",
        "times",
        "start",
        "starts",
        "started",
        "starting",
        "begin",
        "begins",
        "began",
        "end",
        "ends",
        "ended",
        "finish",
        "run",
        "runs",
        "ran",
        "last",
        "lasts",
        "lasted",
        "long",
        "duration",
        "until",
        "till",
        "before",
        "after",
        "since",
        "during",
        "while",
        "again",
        "still",
        "yet",
        "ever",
        "number",
        "count",
        "total",
        "how-many",
        "info",
        "information",
        "details",
        "detail",
        "about",
        "regarding",
        "re",
        "hi",
        "hello",
        "hey",
        "ok",
        "okay",
        "yes",
        "yeah",
        "sure",
        "secbot",
        "bot",
        "calendar",
        "agenda",
        "diary",
        "programme",
        "program",
        "where",
        "located",
        "location",
        "venue",
        "city",
        "country",
        "countries",
        "government",
        "governments",
        "donor",
        "donors",
        "host",
        "hosts",
        "hosted",
        "hosting",
        "fund",
        "funds",
        "funded",
        "funding",
        "funder",
        "funders",
        "sponsor",
        "sponsors",
        "sponsored",
        "pay",
        "pays",
        "paid",
        "one",
        "ones",
        "kind",
        "kinds",
        "type",
        "types",
        "sort",
        "sorts",
        "so",
        "then",
        "than",
        "now",
        "currently",
        "today",
        "tomorrow",
        "yesterday",
        "whole",
        "entire",
        "exactly",
        "roughly",
        "approximately",
        "officially",
        "already",
        "attend",
        "attending",
        "attended",
        "organised",
        "organized",
        "organise",
        "organize",
        "organising",
        "organizing",
        "being",
        "therefore",
        "also",
        "either",
        "neither",
        "into",
        "between",
        "within",
        "without",
        "via",
        "per",
        "vs",
        "s",
        "t",
        "d",
        "ll",
        "re",
        "ve",
        "m",
        "thing",
        "things",
        "stuff",
        "lot",
        "lots",
        "remaining",
        "left",
        "rest",
        "away",
        "from-now",
        "ago",
        "confirmed",
        "support",
        "supports",
        "supported",
        "supporting",
        "partner",
        "partners",
        "partnered",
        "involved",
        "involve",
        "involving",
        "participate",
        "participated",
        "participating",
        "organiser",
        "organisers",
        "organizer",
        "organizers",
        "organisation",
        "organization",
        "organisations",
        "organizations",
        "responsible",
        "behind",
    ]
)

# Words that say the question is about the past or the future.
PAST = re.compile(
    r"\b(?:was|were|did|didn't|had|happened|held|took place|met|ago|last time|previous\w*|past"
    r"|(?:have|has) (?:there )?been"
    r"|recent\w*|earlier|already|hosted|funded|sponsored|attended|organi[sz]ed|so far)\b"
)
FUTURE = re.compile(
    r"\b(?:will|upcoming|coming|next|planned|scheduled|future|soon|ahead|going to|to come"
    r"|left|remaining|later|forthcoming|expected|due|from now|yet to)\b"
)


# --- the query ------------------------------------------------------------------------------


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
    now_words: bool = False  # "now", "currently"
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


# --- intents ----------------------------------------------------------------------------------

GREETING = re.compile(
    r"^(?:hi|hello|hey|hiya|howdy|greetings|good (?:morning|afternoon|evening|day)|yo|bonjour"
    r"|hola|salut|hallo)(?: there| secbot| bot| all| everyone| team)?\b[\s,!.]*"
)
THANKS = re.compile(
    r"^(?:thanks|thank you|thx|ty|cheers|great|ok|okay|cool|perfect|nice|got it|bye|goodbye"
    r"|see you)(?: (?:so much|a lot|very much|secbot|bot))?[\s!.]*$"
)
HELP = re.compile(
    r"^(?:help|\?+|h|commands?|usage|menu|start|examples?|about)$|\bhelp me\b|\bwhat can you\b"
    r"|\bhow do (?:i|you) use\b|\bwhat do you (?:do|know)\b|\bwho are you\b|\bwhat are you\b"
    r"|\bwhat (?:kind of |sort of )?questions\b|\bhow does this work\b|\bhow can you help\b"
)
INTENTS: list[tuple[str, re.Pattern[str]]] = [
    (
        "days_until",
        re.compile(
            r"\bhow (?:many|much) (?:more )?(?:days|weeks|time)\b.*\b(?:until|till|til|before|to go"
            r"|left|remain\w*|away|from now)\b|\bhow long (?:until|till|til|before|to go|is it until"  # noqa: E501
            r"|do we have|left)\b|\bhow (?:soon|far away|far off)\b|\bdays? (?:left|to go|until"
            r"|till|remaining)\b|\bcount ?down\b|\bhow many (?:days|weeks) (?:is it )?(?:to|away)\b"
        ),
    ),
    (
        "duration",
        re.compile(
            r"\bhow long\b|\bhow many (?:days|nights)\b|\bduration\b|\bhow many days does\b"
            r"|\blength of\b|\bnumber of days\b"
        ),
    ),
    ("count", re.compile(r"\bhow many\b|\bnumber of\b|\bcount\b|\bhow much\b")),
    (
        "funders",
        re.compile(
            r"\bwho\b.*\b(?:fund\w*|sponsor\w*|pay\w*|paid|financ(?:es|ed|ier|iers)|bankroll\w*)\b"
            r"|\b(?:funders?|sponsors?|donors?|funding)\b(?! of (?:experts|the working group))"
            r"|\bwhich (?:countries|governments|donors|organi[sz]ations) (?:fund|pay|sponsor)"
            r"|\bfunded by whom\b|\bpaid for by\b"
        ),
    ),
    (
        "hosts",
        re.compile(
            r"\bwho\b.*\bhost\w*\b|\bhost (?:country|city|government|organi[sz]ation)\b"
            r"|\bwhich (?:country|countries|government|city) (?:is |are |was |were )?host\w*"
            r"|\bthe hosts?\b|\bhosted by whom\b|\binvitation of\b"
        ),
    ),
    (
        "partners",
        re.compile(
            r"\bwho\b.*\b(?:organi[sz]\w*|support\w*|partner\w*|involved|ran|runs|behind)\b"
            r"|\b(?:organi[sz]ers|partners)\b"
        ),
    ),
    (
        "where",
        re.compile(
            r"\bwhere\b|\bwhat (?:city|country|place|venue|location)\b|\bwhich (?:city|country"
            r"|place|venue|location)\b|\blocation\b|\bvenue\b|\bin which (?:city|country)\b"
        ),
    ),
    (
        "when",
        re.compile(
            r"\bwhen\b|\bwhat (?:date|dates|day|days|time|month|week|year)\b|\bwhich (?:date|dates"
            r"|day|days|month|week)\b|\bdates? (?:of|for)\b|\bon what date\b|\bwhat time\b"
        ),
    ),
    (
        "exists",
        re.compile(
            r"^(?:is|are) there\b|\b(?:is|are) there (?:any|anything|a|an)\b|^(?:any|anything)\b"
            r"|^(?:do|does|did) (?:we|you|i|they|anyone|the secretariat) have\b|^(?:is|are) any\b"
            r"|^(?:is|are|was|were) (?:something|anything)\b|^(?:do|does|did) (?:any|anything)\b"
        ),
    ),
    (
        "list",
        re.compile(
            r"\b(?:list|show|display|upcoming|coming up|schedule|calendar|agenda|overview"
            r"|what is on|what is happening|what happened|what is going on|what was on"
            r"|what is planned|what is scheduled|what is coming|what is next|whats on|going on"
            r"|all (?:the )?meetings|which|what meetings|what events|what workshops"
            r"|what sessions|what conferences)\b"
        ),
    ),
    (
        "describe",
        re.compile(
            r"\btell me (?:more )?about\b|\bwhat (?:is|was|are|were) (?:the |a |an )?\b|\binfo\w*"
            r"\b|\bdetails?\b|\bdescribe\b|\bexplain\b|\bsummar\w*\b|\bwho (?:attended|took part)\b"
        ),
    ),
]
SELECTORS = [
    ("next", re.compile(r"\b(?:next|soonest|upcoming one|following one)\b")),
    ("last", re.compile(r"\b(?:last|latest|most recent|final|previous|recent)\b")),
    ("first", re.compile(r"\b(?:first|earliest|opening)\b")),
]


def detect_intent(folded: str) -> str:
    if not folded.strip(" ?!.,"):
        return "help"
    if THANKS.match(folded):
        return "thanks"
    if HELP.search(folded):
        return "help"
    if re.match(r"(?:and |so |but )?why\b", folded):
        return "describe"  # "why is there a bureau meeting in Jakarta?": what it is for
    for name, pattern in INTENTS:
        if pattern.search(folded):
            return name
    return "unknown"


# --- phrases: the vocabulary as a lookup table ----------------------------------------------


@dataclass(frozen=True)
class Entity:
    type: str  # kind | series | short | region | continent | city | country | org
    value: object
    label: str


class Lexicon:
    """Every phrase a question may use, folded, with what it names."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self.phrases: dict[str, list[Entity]] = {}
        for phrase, kind in KIND_PHRASES.items():
            self._add(phrase, Entity("kind", kind, kind.label))
        for folded, name in vocab.series.items():
            self._add(_spaced(folded), Entity("series", name, name))
        for squashed, name in vocab.short_names.items():
            self._add(_spaced(places.fold(name)), Entity("short", name, name))
            self._add(squashed, Entity("short", name, name))
            split = re.match(r"^([a-z]+)(\d+)$", squashed)
            if split:
                self._add(f"{split.group(1)} {split.group(2)}", Entity("short", name, name))
            for word in _spaced(places.fold(name)).split():
                if len(word) >= 3 and word not in STOPWORDS:
                    self._add(word, Entity("short", name, name))
        for alias, region in {**places.REGION_ALIASES, **EXTRA_REGIONS}.items():
            if region != places.GLOBAL:
                self._add(_spaced(alias), Entity("region", region, region))
        for region in places.REGIONS:
            if region != places.GLOBAL:
                self._add(_spaced(places.fold(region)), Entity("region", region, region))
        for name, codes in CONTINENTS.items():
            self._add(name, Entity("continent", codes, name.title()))
        for folded, city in vocab.cities.items():
            self._add(_spaced(folded), Entity("city", city, city))
        for key, code in _country_phrases().items():
            self._add(key, Entity("country", code, places.country_name(code)))
        for word, code in DEMONYMS.items():
            self._add(word, Entity("country", code, places.country_name(code)))
        for folded, name in vocab.organisations.items():
            self._add(_spaced(folded), Entity("org", name, name))
        for alias, target in ORG_ALIASES.items():
            if target in vocab.organisations:
                name = vocab.organisations[target]
                self._add(alias, Entity("org", name, name))
        self.max_words = max((len(p.split()) for p in self.phrases), default=1)

    def _add(self, phrase: str, entity: Entity) -> None:
        phrase = phrase.strip()
        if not phrase:
            return
        entities = self.phrases.setdefault(phrase, [])
        if entity not in entities:
            entities.append(entity)

    @cached_property
    def fuzzy_choices(self) -> dict[str, str]:
        """Names worth correcting typos towards (cities, countries in the store, regions);
        built once per vocabulary."""
        choices = {_spaced(k): k for k in self.vocab.cities}
        for code in self.vocab.countries:
            choices[_spaced(places.fold(places.country_name(code)))] = code
        for alias in [*places.REGION_ALIASES, *EXTRA_REGIONS, *CONTINENTS]:
            if len(alias) > 4:
                choices[_spaced(alias)] = alias
        for phrase in KIND_PHRASES:
            if len(phrase) > 5:
                choices[phrase] = phrase
        return choices


def _spaced(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


@cache
def _country_phrases() -> dict[str, str]:
    """Country names (not bare codes, which collide with words like 'in' and 'it')."""
    from storage.places import _COUNTRY_ALIASES, _country_index

    out = {
        _spaced(k): v for k, v in _country_index().items() if len(k) > 3 and not re.search(r"\d", k)
    }
    for k, v in _COUNTRY_ALIASES.items():
        if len(k) > 3:
            out[_spaced(k)] = v
    for name, code in list(out.items()):  # "Trinidad and Tobago": "Trinidad" alone too
        for part in name.split(" and "):
            if part != name and len(part) > 3 and part not in out:
                out[part] = code
    out.update({"uk": "GB", "usa": "US", "drc": "CD", "uae": "AE"})
    return out


_lexicons: dict[int, tuple[Vocabulary, Lexicon]] = {}


def lexicon(vocab: Vocabulary) -> Lexicon:
    hit = _lexicons.get(id(vocab))
    if hit and hit[0] is vocab:
        return hit[1]
    built = Lexicon(vocab)
    if len(_lexicons) > 8:
        _lexicons.clear()
    _lexicons[id(vocab)] = (vocab, built)
    return built


# --- reading a question -----------------------------------------------------------------------


def _blank(text: str, ranges: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in ranges:
        for i in range(start, end):
            chars[i] = " "
    return "".join(chars)


def _stem(word: str) -> str:
    """A plural to its singular, roughly: meetings → meeting, parties → party."""
    if len(word) < 4 or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    return word[:-1] if word.endswith("s") else word


def understand(question: str, *, vocab: Vocabulary, today: date) -> Query:
    """Read one question (any text) into a Query. Never raises on odd input."""
    text = question.strip()
    truncated = len(text) > MAX_QUESTION
    text = text[:MAX_QUESTION]
    folded = normalise(text)
    q = Query(text=text, folded=folded, today=today, truncated=truncated)
    q.longest_days = vocab.longest_days
    greeting = GREETING.match(folded)
    rest = folded[greeting.end() :].strip() if greeting else folded
    if greeting and not rest.strip(" ?!.,"):
        q.intent = "greeting"
        return q
    q.intent = detect_intent(rest)
    if q.intent in ("help", "thanks"):
        return q
    q.tense = tense_of(rest)
    found = find_span(rest, today, q.tense)
    q.span, q.now_words = found.span, found.now_words
    remaining = _blank(rest, found.used)
    for name, pattern in SELECTORS:
        m = pattern.search(remaining)
        if m and not (name == "last" and re.search(r"\b(?:last|past) (?:week|month|year)", rest)):
            q.selector = name
            break
    _read_entities(q, remaining, vocab, question)
    if re.search(r"\bcancell?ed\b", rest):
        q.statuses.append("cancelled")
    if re.search(r"\bpostponed\b", rest):
        q.statuses.append("postponed")
    if q.statuses and q.tense == "past" and not q.span:
        q.tense = None  # "which meetings have been cancelled": the cancelling is past, not them
    if re.search(r"\b(?:planned|scheduled)\b", rest) and q.tense is None:
        q.tense = "future"  # "planned" asks what is still to come, not the literal status
    if q.ordinal == 1 and q.selector == "first":
        q.selector = None
    m = re.search(
        r"\b(?:next|first|last|latest|upcoming|coming|previous|past)"
        r" (\d{1,2}|two|three|four|five|six|seven|eight|nine|ten|few|couple of) (?!days?\b|weeks?\b|months?\b|years?\b)",  # noqa: E501
        rest,
    )
    if m:
        from bot.ask.timespan import NUMBERS

        q.limit = int(m.group(1)) if m.group(1).isdigit() else NUMBERS.get(m.group(1), 3)
    plural_words = set(remaining.split()) & KIND_PLURALS
    q.plural = bool(plural_words) or bool(re.search(r"\b(?:all|any|list|which ones)\b", rest))
    if q.plural or q.intent in ("list", "count", "exists"):
        # "which meetings are not yet confirmed?" filters; "is the X meeting confirmed?" asks
        # about one meeting, whose answer gives its status
        if UNCONFIRMED.search(rest):
            q.statuses.append("planned")
        elif re.search(r"\bconfirmed\b", rest):
            q.statuses.append("confirmed")
    if q.intent == "unknown" and (q.has_subject or q.span or q.selector):
        q.intent = "list" if q.plural and not q.selector else "describe"
    if (
        q.intent == "describe"
        and not q.selector
        and (
            q.plural or (q.span and not _names_one(q)) or re.search(r"\b(?:left|remaining)\b", rest)
        )
    ):
        q.intent = "list"
    return q


def _names_one(q: Query) -> bool:
    """Does the question name one particular meeting (a short name, an ordinal, a series)?"""
    return bool(q.short_names or q.ordinal or q.series)


def _read_entities(q: Query, text: str, vocab: Vocabulary, original: str) -> None:
    lex = lexicon(vocab)
    words = text.replace("–", " ").replace("—", " ").replace("-", " ").replace("/", " ").split()
    capitalised = {places.fold(w) for w in re.findall(r"\b[A-Z][\w'’-]*", original)}
    all_caps = {places.fold(w) for w in re.findall(r"\b[A-Z]{2,}\b", original)}
    has_role = {role for role, pattern in ROLE_WORDS.items() if re.search(pattern, q.folded)}
    if "funders" in has_role and re.search(r"\bworking group of experts on financing\b", q.folded):
        has_role.discard("funders")
    used = [False] * len(words)
    i = 0
    while i < len(words):
        matched = 0
        for n in range(min(lex.max_words, len(words) - i), 0, -1):
            phrase = " ".join(words[i : i + n])
            entities = lex.phrases.get(phrase)
            if entities is None:
                entities = lex.phrases.get(
                    " ".join([*words[i : i + n - 1], _stem(words[i + n - 1])])
                )
            if entities is None and n == 2:
                entities = lex.phrases.get(squash(phrase))
            if entities and n == 1 and phrase in STOPWORDS and phrase not in all_caps:
                entities = None  # "who" is a question word, "WHO" the organisation
            if entities:
                previous = words[i - 1] if i > 0 else ""
                if _apply(q, entities, previous, has_role, lex):
                    matched = n
                    break
        if matched:
            for k in range(i, i + matched):
                used[k] = True
            i += matched
        else:
            i += 1
    _ordinal(q, words, used)
    leftovers = [(k, w) for k, w in enumerate(words) if not used[k]]
    _places_by_gazetteer(q, words, used, capitalised, lex)
    for k, word in leftovers:
        if used[k] or word in STOPWORDS or word.isdigit() or len(word) < 3:
            continue
        if word in KIND_PLURALS or word in GENERIC_NOUNS:
            continue
        stem = _stem(word)
        if word in vocab.words or stem in vocab.words:
            q.terms.append(stem)
            used[k] = True
    _fuzzy(q, words, used, lex)


def _apply(q: Query, entities: list[Entity], previous: str, roles: set[str], lex: Lexicon) -> bool:
    """Record what a phrase names; False when it is better read as something else."""
    types = {e.type for e in entities}
    org = next((e for e in entities if e.type == "org"), None)
    country = next((e for e in entities if e.type == "country"), None)
    if country and not org and (roles or previous == "by"):
        # "funded by the United States": the organisation is stored under another name
        org = _org_for_country(lex.vocab, str(country.value))
    only_org = types <= {"org"}
    as_org = org is not None and (
        only_org or (previous not in PLACE_PREPOSITIONS and (bool(roles) or previous == "by"))
    )
    if as_org and org is not None:
        if org.value not in q.organisations:
            q.organisations.append(str(org.value))
        q.org_role = _role(roles)
        return True
    for e in entities:
        if e.type == "short":
            if str(e.value) not in q.short_names:
                q.short_names.append(str(e.value))
            return True
    for e in entities:
        if e.type == "series":
            if str(e.value) not in q.series:
                q.series.append(str(e.value))
            return True
    for e in entities:
        if e.type == "kind":
            kw = e.value
            assert isinstance(kw, KindWord)
            q.kinds.extend(k for k in kw.kinds if k not in q.kinds)
            if kw.title_word:
                q.title_words.append(kw.title_word)
            if kw.online is not None:
                q.online = kw.online
            if kw.series and kw.series not in q.series:
                q.series.append(kw.series)
            q.kind_label = q.kind_label or kw.label
            return True
    for e in entities:
        if e.type == "city":
            if str(e.value) not in q.cities:
                q.cities.append(str(e.value))
                q.place_labels.append(e.label)
            return True
    for e in entities:
        if e.type == "region":
            if str(e.value) not in q.regions:
                q.regions.append(str(e.value))
                q.place_countries.extend(_region_countries(str(e.value)))
                q.place_labels.append(e.label)
            return True
    for e in entities:
        if e.type == "continent":
            assert isinstance(e.value, tuple)
            q.place_countries.extend(_continent_countries(e.value))
            q.place_labels.append(e.label)
            return True
    for e in entities:
        if e.type == "country":
            if str(e.value) not in q.countries:
                q.countries.append(str(e.value))
                q.place_labels.append(e.label)
            return True
    if org is not None and not (types & {"city", "country", "region", "short"}):
        if org.value not in q.organisations:
            q.organisations.append(str(org.value))
        q.org_role = _role(roles)
        return True
    return False


def _role(roles: set[str]) -> str | None:
    for role in ("funders", "hosts", "partners"):
        if role in roles:
            return role
    return None


def _org_for_country(vocab: Vocabulary, code: str) -> Entity | None:
    for name in vocab.organisations.values():
        if places.country_code(name) == code:
            return Entity("org", name, name)
    return None


@cache
def _region_countries(region: str) -> tuple[str, ...]:
    import pycountry

    return tuple(
        c.alpha_2 for c in pycountry.countries if places.country_region(c.alpha_2) == region
    )


@cache
def _continent_countries(codes: tuple[str, ...]) -> tuple[str, ...]:
    import pycountry

    return tuple(c.alpha_2 for c in pycountry.countries if places.continent(c.alpha_2) in codes)


def _ordinal(q: Query, words: list[str], used: list[bool]) -> None:
    """'third meeting of the expert group', 'seventh session', 'the 4th ICCM'."""
    for k, word in enumerate(words):
        value = ORDINALS.get(word)
        if value is None or used[k]:
            continue
        after = " ".join(words[k + 1 : k + 6])
        names_series = re.match(r"(?:\w+ ){0,3}?(?:meeting|session|conference) of\b", after)
        if value == 1 and not names_series and not re.match(r"session\b", after):
            continue  # "the first meeting in 2016" picks the earliest, it is no ordinal
        q.ordinal = value
        used[k] = True
        if (q.selector == "first" and value == 1) or (q.selector and words[k] in ("first",)):
            q.selector = None
        return


def _places_by_gazetteer(
    q: Query, words: list[str], used: list[bool], capitalised: set[str], lex: Lexicon
) -> None:
    """A real place with no meeting ('in Paris') makes the answer 'nothing', not a guess."""
    if q.has_place:
        return
    for k, word in enumerate(words):
        if used[k] or word in STOPWORDS or word.isdigit() or len(word) < 3:
            continue
        after_preposition = k > 0 and words[k - 1] in PLACE_PREPOSITIONS
        if not (after_preposition or word in capitalised):
            continue
        for n in (3, 2, 1):
            chunk = words[k : k + n]
            if len(chunk) < n or any(used[k + j] for j in range(n)):
                continue
            name = " ".join(chunk)
            code = _country_phrases().get(name)
            city = places.find_city(name) if (after_preposition or n > 1 or len(name) > 4) else None
            if code is None and city is None:
                continue
            if city is not None and city.population < 50_000 and not after_preposition:
                continue
            if name in lex.phrases:
                continue
            q.unknown_place = (
                places.country_name(code) if code else city.name if city else name.title()
            )
            if code is None and city is not None:
                q.unknown_place_country = city.country
            for j in range(n):
                used[k + j] = True
            return
    # an unknown capitalised word after "in": a place we do not know at all
    for k, word in enumerate(words):
        if (
            not used[k]
            and k > 0
            and words[k - 1] in ("in", "at")
            and word in capitalised
            and word not in STOPWORDS
            and word not in lex.vocab.words
            and not word.isdigit()
            and len(word) > 2
        ):
            from rapidfuzz import process

            if process.extractOne(word, lex.fuzzy_choices.keys(), score_cutoff=85):
                continue
            q.unknown_place = word.title()
            used[k] = True
            return


def _fuzzy(q: Query, words: list[str], used: list[bool], lex: Lexicon) -> None:
    """Typos in place and kind names: 'montevido', 'jakrta', 'worshop'."""
    from rapidfuzz import fuzz, process

    choices = lex.fuzzy_choices
    for k, word in enumerate(words):
        if used[k] or word in STOPWORDS or len(word) < 5 or word.isdigit():
            continue
        if word in lex.vocab.words or _stem(word) in lex.vocab.words:
            continue
        for n in (2, 1):
            chunk = words[k : k + n]
            if len(chunk) < n or any(used[k + j] for j in range(n)):
                continue
            phrase = " ".join(chunk)
            best = process.extractOne(phrase, choices.keys(), scorer=fuzz.ratio, score_cutoff=84)
            if best is None:
                continue
            entities = lex.phrases.get(best[0])
            if entities and _apply(q, entities, words[k - 1] if k else "", set(), lex):
                for j in range(n):
                    used[k + j] = True
                if q.unknown_place:
                    q.unknown_place = None
                break
