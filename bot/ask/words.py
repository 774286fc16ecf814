"""The static words questions are read with: language-level words only (ordinals, kind
phrases, continents, roles, tense markers, and the stop words kept as data in stopwords.txt).
Names of a secretariat's meetings, series, organisations and countries come from the store
(bot.ask.vocabulary) and the gazetteers (bot.ask.lexicon), never from here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from storage import places
from storage.importers.enrich.names import ordinal_value
from storage.models import Kind


def ordinal(word: str, following: str = "") -> tuple[int | None, int]:
    """The ordinal a word starts ('sixteenth', '93rd', 'forty' + 'sixth') and how many words
    it takes; (None, 0) when it starts none."""
    if following:
        both = ordinal_value(f"{word} {following}")
        if both is not None:
            return both, 2
    value = ordinal_value(word)
    return (value, 1) if value is not None else (None, 0)


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
    "subsidiary body": KindWord((_K.session,), label="session"),
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
    "webinar": KindWord((_K.webinar,), label="webinar"),
    "web seminar": KindWord((_K.webinar,), label="webinar"),
    "face to face": KindWord(online=False, label="in-person meeting"),
    "in person": KindWord(online=False, label="in-person meeting"),
}
KIND_PLURALS = {
    "meetings", "workshops", "sessions", "conferences", "events", "retreats", "groups",
    "seminars", "trainings", "ones", "calls", "teleconferences", "gatherings", "webinars",
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
PLACE_PREPOSITIONS = {"in", "at", "near", "around", "inside", "within", "across", "to", "for"}
ROLE_WORDS = {
    "funders": r"\b(?:fund\w*|sponsor\w*|financ(?:e|es|ed|ier|iers)|paid|pays?|paying|donors?|bankroll\w*|support\w*)\b",  # noqa: E501
    "hosts": r"\b(?:host\w*|invitation)\b",
    "partners": r"\b(?:partner\w*|organi[sz]\w*|involved|took part|participat\w*)\b",
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
