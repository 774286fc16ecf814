"""Labels read from a meeting's words: its kind, its status, its region.

`classify` is where the shared enrichment step (kind from the title, region from the place)
is to take over, once it lands for every import path."""

from __future__ import annotations

import re

from storage import places

KIND_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("bureau", re.compile(r"\bbureau\b", re.I)),
    ("working_group", re.compile(r"\bworking group|\btask force|\bcontact group", re.I)),
    ("expert_group", re.compile(
        r"\bexpert group|\bgroup of (?:technical |legal |scientific )?experts|"
        r"\bexperts? (?:group|meeting|panel)", re.I)),
    ("regional_meeting", re.compile(
        r"\bregional (?:preparatory )?(?:meeting|consultation)|\bregional group meeting", re.I)),
    ("workshop", re.compile(
        r"\bworkshop|\bseminar|\btraining|\bwebinar|\bcourse\b|\batelier|\bs[ée]minaire", re.I)),
    ("high_level_event", re.compile(r"\bhigh[- ]level|\bministerial|\bsummit", re.I)),
    ("retreat", re.compile(r"\bretreat", re.I)),
    ("conference", re.compile(
        r"\bconf[ée]rence|\bcongress|\bsymposi|\bforum\b|(?<![\w-])COP(?:\b|[- ]?\d)|\bcolloque",
        re.I)),
    ("session", re.compile(r"\bsession|\bplenary|\bmeeting of the (?:[\w-]+ )?parties|\bassembly|"
                           r"\br[ée]union des parties|"
                           r"\bmeeting of the (?:[\w-]+ ){0,6}?(?:committee|council|board|"
                           r"commission|subsidiary body)\b|"
                           r"\b(?:INC|OEWG|SBSTTA|SBSTA|SBI)[- ]?\d", re.I)),
    ("teleconference", re.compile(
        r"\btele-?conference|\bvideo-?conference|\bconference call", re.I)),
]  # fmt: skip


def _first_rule(rules: list[tuple[str, re.Pattern[str]]], text: str) -> str | None:
    """The name of the first rule whose pattern occurs in `text`."""
    return next((name for name, pattern in rules if pattern.search(text)), None)


# What a meeting is about is not what it is: "Information meeting on the 46th session".
_TOPIC = re.compile(r"\s+(?:on|about|concerning|regarding|for|sur|pour)\s+", re.I)


def kind_of(text: str) -> str | None:
    return _first_rule(KIND_RULES, _TOPIC.split(text, maxsplit=1)[0])


_WORLDWIDE_KINDS = ("session", "bureau", "conference", "high_level_event", "expert_group",
                    "working_group", "retreat")  # fmt: skip


def classify(title: str, heading: str | None, *, online: bool) -> tuple[str, str | None]:
    """(kind, region) of a meeting: the kind its title says, else its section heading, else
    a teleconference when online; the region its title names, else "global" for the bodies'
    own meetings."""
    kind = kind_of(title) or kind_of(heading or "") or ("teleconference" if online else "other")
    region = region_in(title)
    if region is None and kind in _WORLDWIDE_KINDS:
        region = places.GLOBAL
    return kind, region


_STATUS_RULES = [
    ("cancelled", re.compile(r"\bcancell?ed\b|\bcalled off\b|\bannul[ée]", re.I)),
    ("postponed", re.compile(
        r"\bpostponed|\brescheduled|\bdeferred|\bdelayed\b|\breport[ée]e?s?\b", re.I)),
    ("planned", re.compile(
        r"\b(?:is|are|was|were) planned|\bplanned (?:to|for)\b|\btentative(?:ly)?\b|\bproposed\b|"
        r"\bprovisional(?:ly)?\b|\bexpected to\b|\bto be confirmed\b|\benvisaged\b|"
        r"\bintends? to\b|\bwould be held\b|\bmay be held\b|\bpr[ée]vue?s?\b", re.I)),
    ("confirmed", re.compile(
        r"\bwill (?:be held|take place|meet|convene|hold|be convened|be organi[sz]ed|gather)|"
        r"\b(?:is|are) (?:scheduled|due) to\b|\bto be held\b|\bshall be held\b|\bupcoming\b|"
        r"\bforthcoming\b|\bwill be\b|\bis being organi[sz]ed|\bare being organi[sz]ed|"
        r"\baura lieu\b|\bauront lieu\b|\bse tiendr(?:a|ont)\b|\bse r[ée]unira\b", re.I)),
    ("held", re.compile(
        r"\b(?:was|were|has been|have been|had been) (?:held|convened|organi[sz]ed|hosted)|"
        r"\btook place\b|\bmet\b|\bheld\b|\bconvened\b|\bgathered\b|\battended\b|\btook part\b|"
        r"\borgani[sz]ed\b|\bhosted\b|"
        r"\bparticipated\b|\bconcluded\b|\bopened\b|"
        r"\bs'est (?:tenue?|r[ée]unie?|d[ée]roul[ée]e?)\b|\b(?:a|ont) eu lieu\b|\btenue?s?\b",
        re.I)),
]  # fmt: skip


def status_of(text: str) -> str | None:
    return _first_rule(_STATUS_RULES, text)


_REGION_WORDS = [
    (r"central and eastern europe(?:an)? and central asia(?:n)?", places.CEE),
    (r"central and eastern europe(?:an)?", places.CEE),
    (r"latin america(?:n)? and (?:the )?caribbean", places.LAC),
    (r"asia and the pacific|asian?[- ]pacific", places.ASIA_PACIFIC),
    (r"western europe(?:an)? and others", places.WEOG),
    (r"\bafrica(?:n)?\b|\bafri(?:que|caine?s?)\b", places.AFRICA),
    (r"asie[- ]pacifique|asie et (?:le )?pacifique", places.ASIA_PACIFIC),
    (r"am[ée]rique latine et (?:les )?cara[ïi]bes", places.LAC),
    (r"europe centrale et orientale", places.CEE),
    (r"\bcaribbean\b|\bmesoameric\w*|\blatin americ\w*|\bcentral americ\w*|\bsouth americ\w*",
     places.LAC),
    (r"\bpacific\b|\basian?\b", places.ASIA_PACIFIC),
]  # fmt: skip


_FOR_REGION = re.compile(
    r"\bfor\s+((?:the\s+)?[A-Z][\w-]*(?:\s+(?:and\s+(?:the\s+)?)?[A-Z][\w-]*)*"
    r"(?:\s+(?:sub)?regions?\b)?)"
)


def region_aim(text: str) -> tuple[str, str] | None:
    """ "… for Asia and the Pacific …" → ("Asia and the Pacific", region)."""
    for m in _FOR_REGION.finditer(text):
        if (region := region_in(m.group(1))) is not None:
            return m.group(1), region
    return None


def region_in(text: str) -> str | None:
    low = text.lower()
    for pattern, region in _REGION_WORDS:
        if re.search(pattern, low):
            return region
    return None
