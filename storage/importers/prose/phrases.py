"""A meeting's noun phrase in a sentence ("the fourth meeting of the expert group"), the
meeting nouns and ordinals it is built from, and small word helpers for titles."""

from __future__ import annotations

import re
from dataclasses import dataclass


def _words(text: str) -> list[str]:
    """A word list written as one string."""
    return text.split()


ORDINALS = {
    w: i
    for i, w in enumerate(
        _words(
            "first second third fourth fifth sixth seventh eighth ninth tenth eleventh "
            "twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth "
            "nineteenth twentieth "
        ),
        start=1,
    )
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}  # fmt: skip
_TENTHS = {"twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60,
           "seventieth": 70, "eightieth": 80, "ninetieth": 90}  # fmt: skip


def ordinal_value(word: str) -> int | None:
    """'fourth' → 4, 'seventy-first' → 71, '21st' → 21."""
    w = word.lower().strip(".,")
    if m := re.fullmatch(r"(\d{1,3})(?:st|nd|rd|th)", w):
        return int(m.group(1))
    if w in ORDINALS:
        return ORDINALS[w]
    if w in _TENTHS:
        return _TENTHS[w]
    if m := re.fullmatch(r"(\w+)-(\w+)", w):
        tens, unit = _TENS.get(m.group(1)), ORDINALS.get(m.group(2))
        if tens and unit and unit < 10:
            return tens + unit
    return None


MEETING_NOUN = re.compile(
    r"\b(?:meetings?|sessions?|workshops?|conferences?|seminars?|retreats?|consultations?|"
    r"symposi(?:um|a)|webinars?|forums?|dialogues?|summits?|events?|"
    r"training courses?|trainings?|round ?tables?|roundtables?|congress(?:es)?|"
    r"plenar(?:y|ies)|briefings?|hearings?|exhibitions?|expert groups?|working groups?|"
    r"(?:COP|CMP|CMA|MOP|INC|OEWG|SBSTTA|SBSTA|SBI|CRIC|ICCM|IPBES|UNEA|CST)[- ]?\d{1,2}|"
    # French: "réunion", "atelier", "séminaire", "conférence", "colloque", "sommet"
    r"r[ée]unions?|ateliers?|s[ée]minaires?|conf[ée]rences?|colloques?|sommets?)\b",
    re.IGNORECASE,
)
GROUP_HEAD = re.compile(r"\b(?:expert|working) groups?$", re.I)
BODY_NOUN = re.compile(
    r"\b(?:bureau|committee|group|council|board|commission|panel|task force|assembly|"
    r"conference of the parties|meeting of the parties|platform|network)\b",
    re.IGNORECASE,
)
_LEFT_STOP = set(
    _words(
        "the a an its their his her our this that these those of in at on for by with to "
        "from and or as was were is are be been being will would has have had which who "
        "whom organized organised held hosted supported attended participated convened "
        "one two three four five six several each every all also such same during since "
        "after before between following through via into under within among including "
        "include includes included it they we part took take takes took place planned "
        "scheduled further other another additional while where when both either if than "
        "then there here not no hold holds holding convene convenes convening organize "
        "organizes organise organises host hosts announced announce "
    )
)
_RIGHT_LINK = re.compile(
    r"\s+(?:of|on|for|between|under|among|concerning|regarding|in preparation for|"
    r"to prepare(?: for)?|preparing for|to enhance|to promote|to support|to review|to discuss|"
    r"to consider|to finalize|to finalise|as a|responsible for|"
    r"and(?= (?-i:[A-Z]))|to(?= the (?-i:[A-Z]))|"
    r"de la|du|des|sur|pour)\s+|\s+de l'",  # French: "session de la Conférence des Parties"
    re.IGNORECASE,
)
_RIGHT_STOP = set(
    _words(
        "held was were is are will which that who took takes hosted organized organised "
        "from on in at with by during where when since after before through via would has "
        "have had being been be whose while to as met meets meet convened gathered "
        "decided agreed adopted discussed considered reviewed established provided "
        "focused included made took also opened closed ran began ended concluded resumed "
        "starts started ends closes opens "
    )
)
_DETERMINERS = {"the", "a", "an", "its", "their", "this", "that", "these", "those", "our",
                "la", "le", "les", "un", "une", "l'"}  # fmt: skip
_WORD = re.compile(r"[\w'’.-]+|[^\w\s]")


@dataclass
class Phrase:
    """A meeting's noun phrase in a sentence: "the fourth meeting of the expert group"."""

    text: str  # without determiner
    begin: int
    end: int
    determiner: str | None
    head: str
    acronym: str | None = None  # "(ICMGP)" right after the phrase


def _words_before(text: str, end: int) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in _WORD.finditer(text, 0, end)]


def meeting_phrase(text: str, head: re.Match[str], stop_at: int) -> Phrase:
    """Grow a noun phrase around a meeting noun: modifiers on the left, complements on the
    right ("of …", "on …", "in preparation for …") up to a verb, a comma or `stop_at`."""
    begin = head.start()
    determiner: str | None = None
    left = _words_before(text, head.start())
    for b, _, w in reversed(left[-8:]):
        lw = w.lower()
        if lw in _DETERMINERS:
            determiner = lw
            break
        if lw in _LEFT_STOP or not re.match(r"[\w'’-]", w) or w.endswith((".", ",")):
            break
        if ordinal_value(lw) is None and re.fullmatch(r"\d+", w):
            break
        begin = b
    end = head.end()
    pos = head.end()
    words_added = 0
    while words_added < 20:
        link = _RIGHT_LINK.match(text, pos)
        if not link or link.end() >= stop_at:
            break
        m_end = link.end()
        consumed = 0
        for m in _WORD.finditer(text, m_end, stop_at):
            w = m.group(0)
            if w == "," and re.match(r",\s+[A-Z]", text[m.start() : m.start() + 4]):
                continue  # "the Basel, Rotterdam and Stockholm conventions"
            if not re.match(r"[\w'’-]", w):
                break
            if w.lower() in _RIGHT_STOP and consumed > 0:
                break
            if w.endswith("."):
                end = m.start() + len(w) - 1
                consumed += 1
                break
            end = m.end()
            consumed += 1
            if text[m.end() : m.end() + 1] in (";", ":", "(") or (
                text[m.end() : m.end() + 1] == ","
                and not re.match(r",\s+[A-Z]", text[m.end() : m.end() + 4])
            ):
                break
        if consumed == 0:
            break
        words_added += consumed
        pos = end
    acronym = None
    if am := re.match(r"\s*\(([A-Z][A-Za-z0-9-]{1,12}(?: \d{1,3})?)\)", text[end:]):
        acronym = am.group(1)
    phrase = text[begin:end].strip(" ,;:")
    return Phrase(phrase, begin, end, determiner, head.group(0), acronym)


def phrase_before(text: str, start: int, end: int) -> Phrase | None:
    """The meeting phrase closest before position `end` (not before `start`)."""
    heads = [m for m in MEETING_NOUN.finditer(text, start, end)]
    if not heads:
        return None
    return meeting_phrase(text, heads[-1], end)


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


_SINGULAR = [(r"\bmeetings\b", "meeting"), (r"\bsessions\b", "session"),
             (r"\bworkshops\b", "workshop"), (r"\bconferences\b", "conference"),
             (r"\bseminars\b", "seminar"), (r"\bconsultations\b", "consultation"),
             (r"\bevents\b", "event"), (r"\bdialogues\b", "dialogue"),
             (r"\bretreats\b", "retreat"), (r"\bwebinars\b", "webinar")]  # fmt: skip


def singular(text: str) -> str:
    """The first plural meeting noun made singular: "meetings of the conferences" → "meeting
    of the conferences"."""
    first: tuple[int, int, str] | None = None
    for pattern, repl in _SINGULAR:
        m = re.search(pattern, text, flags=re.IGNORECASE)
        if m and (first is None or m.start() < first[0]):
            word = repl if m.group(0)[0].islower() else repl.capitalize()
            first = (m.start(), m.end(), word)
    if first is None:
        return text
    return text[: first[0]] + first[2] + text[first[1] :]


def is_generic(phrase: Phrase) -> bool:
    """ "the fourth meeting", "a second face-to-face meeting", "these meetings": no name."""
    rest = (
        phrase.text[: len(phrase.text) - len(phrase.head)]
        if phrase.text.endswith(phrase.head)
        else None
    )
    if rest is None or (not rest.strip() and re.search(r"[A-Z]{2,}[- ]?\d", phrase.head)):
        return False  # "COP15" alone is a name
    words = rest.split()
    return all(w[:1].islower() or ordinal_value(w) is not None for w in words)
