"""The static words questions are read with: ordinals, kind phrases, continents, roles,
tense markers, and the stop words (kept as data in stopwords.txt)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from storage import places
from storage.models import Kind

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

STOPWORDS = frozenset(
    line.strip()
    for line in (Path(__file__).parent / "stopwords.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
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
