"""The bodies meetings belong to ("the Committee", "its sixth session") and their acronyms."""

from __future__ import annotations

import re

from storage import places
from storage.importers.prose.phrases import BODY_NOUN, MEETING_NOUN, ordinal_value

# lower-case words of a body's name ("of technical experts"), up to a word that starts
# something else
_NAME_WORD = (
    r"(?!(?:held|has|had|was|were|is|are|will|would|which|that|who|met|meets|in|at|from|on|to|"
    r"by|and|or|its|their|the|a|an|with|for|of)\b)(?-i:[a-z][\w-]*)"
)
_BODY_IN_TEXT = re.compile(
    r"\bthe\s+((?:(?!(?:the|that|which|who|and|of|in|at|on|by|to|for|with|was|were|had|has|is|"
    r"are|been|its|their)\b)[\w-]+\s+){0,5}?(?:committee|conference|assembly|council|board|"
    r"commission|task force|network|"
    r"group|forum|body|panel|parties|bureau|platform)(?:\s+(?:of|on|for)\s+(?:the\s+)?"
    r"(?:(?-i:[A-Z][\w-]*)(?:\s+(?:and\s+)?(?-i:[A-Z][\w-]*))*|"
    rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}}))*)\b",
    re.IGNORECASE,
)
_SUBJECT_HELD = re.compile(
    r"(?:^(?:[Tt]he\s+)?|\b[Tt]he\s+)((?:[\w-]+\s+){0,4}?(?:[Cc]ommittee|[Gg]roup|[Bb]ureau|[Bb]ody|[Cc]ouncil|"
    r"[Bb]oard|[Cc]ommission|[Pp]anel|[Aa]ssembly|[Pp]latform|[Tt]ask [Ff]orce|Parties|"
    r"Conference|[A-Z]{2,8})|[A-Z]{2,8})\s+(?:has\s+|had\s+|then\s+)?(?:held|convened|"
    r"organi[sz]ed|noted that|decided that|agreed that)\s+(?:its|a|an|[\w-]+)\s+[^.;]*$"
)
# "… and that it had held four meetings: in …": "it" is the body the sentence is about
_PRONOUN_HELD = re.compile(
    r"\b(?:it|they)\s+(?:has\s+|had\s+|have\s+)?(?:held|convened|organi[sz]ed|met)\b[^.;]*$"
)


def subject_body(text: str, around: int) -> str | None:
    """ "The working group held a meeting …" → "working group"; "Bureau of the Conference,
    sixteenth meeting" (a list or table label) → "Bureau of the Conference"."""
    m = _SUBJECT_HELD.search(text[:around])
    if m:
        return m.group(1)
    if _PRONOUN_HELD.search(text[:around]) and (first := _BODY_IN_TEXT.search(text[:around])):
        return first.group(1)
    label = re.match(r"^\s*(?:the\s+)?([A-Z][^,|;:]{2,80}?)\s*,\s*(?:the\s+)?$", text[:around])
    return label.group(1) if label and BODY_NOUN.search(label.group(1)) else None


def body_near(text: str, around: int) -> str | None:
    """The body an "its sixth session" belongs to: the subject that holds it ("The Committee
    held its thirteenth meeting"), else the nearest body named before it, else after it."""
    if subject := subject_body(text, around):
        return subject
    found = [m for m in _BODY_IN_TEXT.finditer(text)]
    if not found:
        return None
    before = [m for m in found if m.start() < around]
    best = before[-1] if before else min(found, key=lambda m: abs(m.start() - around))
    return best.group(1)


_NAMED_BODY = re.compile(
    r"(?<![\w-])((?:[A-Z][\w-]*\s+){1,5}(?:Committee|Body|Group|Council|Board|Commission|Panel|"
    r"Assembly|Platform|Bureau)(?:\s+(?:for|on|of)\s+(?:the\s+)?[A-Z][\w-]*"
    r"(?:\s+(?:and\s+)?[A-Z][\w-]*)*)?)"
)


def named_bodies(text: str) -> dict[str, str]:
    """The first full name the document gives each kind of body: {"committee": "Persistent
    Organic Pollutants Review Committee"}, so "the Committee" can be named."""
    names: dict[str, str] = {}
    for m in _NAMED_BODY.finditer(text):
        name = re.sub(r"^(?:The|A|An|Its|This|Report|Bureau of the)\s+", "", m.group(1))
        if len(name.split()) >= 2:
            names.setdefault(head_noun(name), name)
    return names


_HEADING_MEETINGS_OF = re.compile(r"^(?:meetings?|sessions?)\s+of\s+(?:the\s+)?(.+)$", re.I)
_HEADING_CUT = re.compile(
    r"\s+(?:to|established|called|set up|created|convened|for the|in preparation|held|under|"
    r"mandated|and its)\b.*$",
    re.I,
)


def heading_body(heading: str | None) -> str | None:
    """The body a section heading is about: "Meetings of the bureau of X" → "bureau of X";
    "Group of technical experts to prepare …" → "group of technical experts"."""
    if not heading:
        return None
    heading = heading.strip().rstrip(":")
    # "Report of the Executive Board": the Executive Board
    heading = re.sub(r"^(?:(?:draft|annual|final)\s+)?(?:report|summary|minutes|note)\s+"
                     r"(?:of|on|by)\s+(?:the\s+)?", "", heading, flags=re.I)  # fmt: skip
    if m := _HEADING_MEETINGS_OF.match(heading):
        return m.group(1)
    if m := re.match(r"^(?:the\s+)?(.+?)\s+(?:meetings|sessions)$", heading, re.I):
        return _as_noun(m.group(1))
    if BODY_NOUN.search(heading) and not MEETING_NOUN.search(heading):
        return _as_noun(_HEADING_CUT.sub("", heading))
    return None


def _as_noun(heading: str) -> str:
    """A heading's words inside a sentence: "Group of technical experts" → "group of technical
    experts"; a name stays one ("Executive Board")."""
    words = heading.split()
    if len(words) > 1 and all(w[:1].isupper() for w in words if len(w) > 3):
        return heading
    return heading[:1].lower() + heading[1:]


def head_noun(body: str) -> str:
    m = BODY_NOUN.search(body)
    return m.group(0).lower() if m else body.split()[-1].lower()


_STOP_INITIALS = {"of", "on", "the", "and", "for", "to", "in", "a", "an"}
_FORMAL = re.compile(
    r"\b(?:committee|conference|council|commission|assembly|panel|platform)\b", re.I
)
SPECIAL_ACRONYMS = {"conference of the parties": "COP", "meeting of the parties": "MOP",
                    "open-ended working group": "OEWG"}  # fmt: skip


def acronym_for(body: str, known: dict[str, str]) -> str | None:
    """A body's acronym: defined in the document ("… (ICMGP)"), well known (COP), or the
    initials of a formal body's name of three words or more (INC, ICCM)."""
    key = places.fold(re.sub(r"^the\s+", "", body.strip(), flags=re.I))
    if key in known:
        return known[key]
    for name, acronym in SPECIAL_ACRONYMS.items():
        if key.startswith(name):
            return acronym
    words = [w for w in re.split(r"[\s-]+", key) if w and w not in _STOP_INITIALS]
    if len(words) >= 3 and _FORMAL.search(key) and len(words) <= 6:
        return "".join(w[0] for w in words).upper()
    return None


_DEFINED = re.compile(r"((?:[A-Z][\w-]*\s+)(?:(?:[A-Za-z][\w-]*|of|on|the|and|for|as|a)\s+){0,8}"
                      r"[A-Z][\w-]*)\s+\(([A-Z][A-Za-z]{1,10})\)")  # fmt: skip


def defined_acronyms(text: str) -> dict[str, str]:
    """ "Global Environment Facility (GEF)" → {"global environment facility": "GEF"}."""
    found: dict[str, str] = {}
    for m in _DEFINED.finditer(text):
        words = m.group(1).split()
        acronym = m.group(2)
        # keep the shortest tail whose initials spell the acronym
        for i in range(len(words)):
            if words[i].lower() in _STOP_INITIALS:
                continue  # "the Subsidiary Body …", not "of the Subsidiary Body …"
            tail = [w for w in words[i:] if w.lower() not in _STOP_INITIALS]
            if "".join(w[0] for w in tail).upper() == acronym.upper():
                found[places.fold(" ".join(words[i:]))] = acronym
                break
    return found


_SESSION_OF = re.compile(
    r"\b(?:the\s+)?(\w+(?:-\w+)?)\s+(session|meeting)\s+of\s+(?:the\s+)?((?:[\w-]+\s+){0,6}?"
    r"(?:committee|conference|council|commission|assembly|panel|platform|parties)"
    r"(?:\s+on\s+[\w\s]+?)?)\b(?=[\s,.;:]|$)",
    re.I,
)


def abbreviate_sessions(text: str, known: dict[str, str]) -> str:
    """ "the seventh session of the intergovernmental negotiating committee" → "INC7"."""

    def repl(m: re.Match[str]) -> str:
        number = ordinal_value(m.group(1))
        acronym = acronym_for(m.group(3), known)
        return f"{acronym}{number}" if number and acronym else m.group(0)

    return _SESSION_OF.sub(repl, text)
