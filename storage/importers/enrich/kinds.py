"""What kind of meeting a title (or a calendar's CATEGORIES, a spreadsheet's "Type") names,
read from its head: the words before its topic ("Regional consultation | for Asia … on …",
"Briefing | for … on the arrangements for MOP-35" is a briefing, not the MOP), each part set
off by a colon or a dash. Rules go from the most telling word to the most general."""

from __future__ import annotations

import re
from functools import cache, lru_cache

from storage import places
from storage.models import KIND_LABELS, Kind

_TOPIC = re.compile(
    r"\s(?:on|for|about|regarding|concerning|to\s+(?:discuss|review|prepare)|in\s+preparation"
    r"\s+for|at\s+the)\s.*$",
    re.IGNORECASE,
)
_PARTS = re.compile(r"\s*(?::|\s[–—-]\s|\|)\s*")

_WORKSHOP = re.compile(
    r"\b(?:workshops?|trainings?|(?:training\s+)?courses?|seminars?|bootcamps?"
    r"|masterclass(?:es)?|clinics?)\b",
    re.I,
)
# Conferences and meetings of the parties, and the treaty bodies' usual abbreviations of them.
_PARTIES = re.compile(
    r"\b(?:(?i:conference|meeting)s?\s+of\s+(?:the\s+)?(?i:parties))\b"
    r"|(?<![A-Za-z])(?:COP|MOP)s?(?![A-Za-z])"
)
_RULES: list[tuple[Kind, re.Pattern[str]]] = [
    (Kind.bureau, re.compile(r"\bbureaus?\b", re.I)),
    (Kind.high_level_event, re.compile(r"\bhigh[\s-]level\b|\bministerial\b|\bsummits?\b", re.I)),
    (Kind.webinar, re.compile(r"\bwebinars?\b", re.I)),
    (Kind.retreat, re.compile(r"\bretreats?\b", re.I)),
    (
        Kind.workshop,
        re.compile(
            r"\b(?:workshops?|trainings?|(?:training\s+)?courses?|seminars?|bootcamps?"
            r"|masterclass(?:es)?|clinics?)\b",
            re.I,
        ),
    ),
    (
        Kind.conference,  # of the parties; the treaty bodies' usual abbreviations of them
        re.compile(
            r"\b(?:(?i:conference|meeting)s?\s+of\s+(?:the\s+)?(?i:parties))\b"
            r"|(?<![A-Za-z])(?:COP|MOP)s?(?![A-Za-z])"
        ),
    ),
    (Kind.regional_meeting, re.compile(r"\b(?:sub-?)?regional\b|\bregions?\b", re.I)),
    (Kind.working_group, re.compile(r"\bworking\s+(?:group|party|parties)\b", re.I)),
    (Kind.session, re.compile(r"\b(?:plenary|subsidiary\s+bod(?:y|ies)|sessions?)\b", re.I)),
    (Kind.expert_group, re.compile(r"\b(?:experts?|panels?)\b", re.I)),
    (Kind.session, re.compile(r"\b(?:committee|commission|council|board|assembly)s?\b", re.I)),
    (
        Kind.teleconference,
        re.compile(r"\b(?:tele-?conference|video-?conference|conference\s+call)s?\b", re.I),
    ),
    (Kind.conference, re.compile(r"\b(?:conferences?|congress|symposi(?:um|a)|forums?)\b", re.I)),
]


@cache
def _region_words() -> re.Pattern[str]:
    """Words that name a part of the world ("Africa", "Asian", "Pacific", "Caribbean"), from the
    gazetteer's continents and the regional groups' names."""
    names = [c["name"] for c in places._geonames().get_continents().values()]
    names += list(places.REGION_ALIASES)
    words = {w for n in names for w in re.findall(r"[a-z]+", n.lower()) if len(w) > 3}
    words -= {"north", "south", "central", "eastern", "western", "others", "global", "latin"}
    pattern = "|".join(sorted(words))
    return re.compile(rf"\b(?:{pattern})n?s?\b", re.I)


def _heads(text: str) -> str:
    """Each part of a title up to its topic ("Regional consultation for Asia on …" →
    "Regional consultation"), joined."""
    return " | ".join(_TOPIC.sub("", p) for p in _PARTS.split(text) if p.strip())


@lru_cache(maxsize=65_536)
def kind_of(text: str) -> Kind | None:
    """The kind a title or category names, or None when it names none."""
    folded = places.fold(text).replace("_", " ")
    for value, label in KIND_LABELS.items():
        if folded in (value.replace("_", " "), places.fold(label)) and value != "other":
            return Kind(value)
    heads = _heads(text)
    for kind, rule in _RULES:
        if kind == Kind.regional_meeting and _region_words().search(heads):
            return kind
        if rule.search(heads):
            return kind
    return None
