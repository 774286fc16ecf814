"""What a title calls a meeting: its short name, series and ordinal ("Sixteenth meeting of the
Conference of the Parties (COP16)", "SBSTTA-25", "UNEA-6.2 (resumed)", "OEWG46 – Forty-sixth
meeting of the Open-ended Working Group"), read by English grammar, never from a list of
names: a designation is capitals and a number; ordinals are spelled as English spells them.

A designation is the meeting's own when it stands alone in the title, in brackets or as a
part set off by a colon or a dash; one that the title only mentions ("MOP-35 high-level
segment", "Briefing … for MOP-35") names another meeting. "Resumed session of COP16" is COP16
again: it takes the series and ordinal, not the short name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNITS = [
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
    "seventeenth", "eighteenth", "nineteenth",
]  # fmt: skip
UNIT_ORDINALS = {w: i for i, w in enumerate(_UNITS, start=1)}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}  # fmt: skip
_TENTHS = {"twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60,
           "seventieth": 70, "eightieth": 80, "ninetieth": 90, "hundredth": 100}  # fmt: skip
ORDINAL_WORD = re.compile(
    r"\b(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[\s-]"
    r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)"
    rf"|{'|'.join(_UNITS)}|{'|'.join(_TENTHS)}|\d{{1,3}}(?:st|nd|rd|th))\b",
    re.IGNORECASE,
)


def ordinal_value(word: str) -> int | None:
    """'fourth' → 4, 'seventy-first' → 71, 'Twenty first' → 21, '93rd' → 93."""
    w = word.lower().strip(".,")
    if m := re.fullmatch(r"(\d{1,3})(?:st|nd|rd|th)", w):
        return int(m.group(1)) or None
    if w in UNIT_ORDINALS:
        return UNIT_ORDINALS[w]
    if w in _TENTHS:
        return _TENTHS[w]
    if m := re.fullmatch(r"(\w+)[\s-](\w+)", w):
        tens, unit = _TENS.get(m.group(1)), UNIT_ORDINALS.get(m.group(2))
        if tens and unit and unit < 10:
            return tens + unit
    return None


# "COP16", "SBSTTA-24", "OEWG 47", "ExCom 93", "UNEA-6.2": two capitals or more, a number.
DESIGNATION = re.compile(
    r"(?<![\w-])(?P<series>[A-Z][A-Za-z]*[A-Z][A-Za-z]*)[\s.-]?(?P<number>\d{1,3})"
    r"(?:\.(?P<part>\d{1,2}))?(?![\w-])"
)
_NAMED = re.compile(r"(?:[A-Z][\w'’-]*\s+){1,2}(?P<own>[A-Z][A-Za-z]*[A-Z][\w.-]*\s?[\d.]+)")
_PARTS = re.compile(r"\s*(?::|\s[–—-]\s|,)\s*")
_BRACKETS = re.compile(r"\(([^()]*)\)")
# A part of a numbered meeting: "Resumed session of COP16", "High-level segment of IPOS-6",
# "MOP-35 high-level segment"; not "the Bureau of MOP-35", a body of its own.
_PART = r"(?i:segment|part|resumed\s+session|session|leg)"
_PART_OF = (
    re.compile(rf"\b{_PART}\s+(?i:of)\s+(?:(?i:the)\s+)?{DESIGNATION.pattern}"),
    re.compile(rf"{DESIGNATION.pattern}\s+(?:[\w-]+\s+)?{_PART}\b"),
)
# "meeting of the Open-ended Working Group on …": the body a numbered meeting belongs to
_BODY = re.compile(
    r"\b(?:meeting|session|conference|plenary)s?\s+of\s+(?:the\s+)?"
    r"(?P<body>(?:[A-Z][\w'’-]*|of|the|and|on|for)(?:\s+(?:[A-Z][\w'’-]*|of|the|and|for))*)"
)


@dataclass(frozen=True)
class Naming:
    short_name: str | None = None
    series: str | None = None
    ordinal: int | None = None


def _own(title: str) -> re.Match[str] | None:
    """The designation the title gives as the meeting's own name, if any: a bracket or a part
    of its own, possibly after the name of its treaty ("Ramsar COP15")."""
    inner = [m.group(1).strip() for m in _BRACKETS.finditer(title)]
    bare = _BRACKETS.sub(" ", title)
    pieces = [*inner, *(p.strip() for p in _PARTS.split(bare))]
    for piece in pieces:
        named = _NAMED.fullmatch(piece)
        m = DESIGNATION.fullmatch(named.group("own") if named else piece)
        if m:
            return m
    return None


def _body(title: str) -> str | None:
    m = _BODY.search(_BRACKETS.sub(" ", title))
    if not m:
        return None
    words = m.group("body").split()
    while words and words[-1].lower() in ("of", "the", "and", "on", "for"):
        words.pop()
    return " ".join(words) or None


_MEETING_NOUN = (
    r"(?:meeting|session|conference|workshop|seminar|consultation|dialogue|forum|summit"
    r"|plenary|assembly|course|training|retreat|webinar)s?"
)
_NUMBERED = re.compile(
    rf"(?:^|[,:;(–—-]\s*|\bthe\s+)(?P<ordinal>{ORDINAL_WORD.pattern})\s+(?:[\w-]+\s+){{0,3}}?"
    rf"{_MEETING_NOUN}\b",
    re.IGNORECASE,
)


def _spelled_ordinal(title: str) -> int | None:
    """'Sixteenth meeting of …', 'Working Group, 47th meeting': an ordinal before a meeting
    noun (not "… on the seventh national reports")."""
    m = _NUMBERED.search(title)
    return ordinal_value(m.group("ordinal")) if m else None


def read_naming(title: str) -> Naming:
    """Short name, series and ordinal of a title; None for what it does not say."""
    own = _own(title)
    if own:
        return Naming(own.group(0), own.group("series"), int(own.group("number")) or None)
    part = _PART_OF[0].search(title) or _PART_OF[1].search(title)
    if part:
        return Naming(None, part.group("series"), int(part.group("number")) or None)
    ordinal = _spelled_ordinal(title)
    return Naming(None, _body(title), ordinal) if ordinal else Naming()


def _prefixes(acronym: str, words: list[str]) -> bool:
    """Do the acronym's pieces start consecutive words? ('ExCom', Executive Committee),
    ('OEWG', Open-ended Working Group), ('COP', Conference of the Parties)."""
    if not acronym:
        return True
    if not words:
        return False
    word, rest = words[0].lower(), words[1:]
    for n in range(min(len(word), len(acronym)), 0, -1):
        if word[:n] == acronym[:n].lower() and _prefixes(acronym[n:], rest):
            return True
    return word in ("the", "and", "on", "for") and _prefixes(acronym, rest)


def names_body(acronym: str, body: str) -> bool:
    """Is `acronym` the short form of the start of `body`? (shared by the whole import)"""
    words = re.split(r"[\s-]+", body)
    return any(_prefixes(acronym, words[:end]) for end in range(len(words), 1, -1))


def _spells(acronym: str, words: list[str]) -> bool:
    """Do `words`, all of them, spell `acronym` (each content word giving its first letters)?"""
    if not acronym or not words:
        return not acronym and not words
    word, rest = words[0].lower(), words[1:]
    for n in range(min(len(word), len(acronym)), 0, -1):
        if word[:n] == acronym[:n].lower() and _spells(acronym[n:], rest):
            return True
    return word in _FUNCTION and _spells(acronym, rest)


_FUNCTION = ("of", "the", "and", "on", "for")


def spelled_out(acronym: str, title: str) -> str | None:
    """The words of `title` that `acronym` abbreviates ("COP" in "… meeting of the Conference
    of the Parties (COP16)" → "Conference of the Parties"), or None; the shortest such run."""
    words = re.findall(r"[^\W\d_][\w'’]*", title)
    best: str | None = None
    for i, first in enumerate(words):
        if first.lower() in _FUNCTION or first[0].lower() != acronym[0].lower():
            continue
        for j in range(i + 2, min(len(words), i + 2 * len(acronym) + 2) + 1):
            window = words[i:j]
            if window[-1].lower() not in _FUNCTION and _spells(acronym, window):
                text = " ".join(window)
                if best is None or len(text) < len(best):
                    best = text
    return best
