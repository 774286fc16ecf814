"""What a meeting is, read from the words around its date: its noun phrase (title), kind,
ordinal and series, status, hosts and funders."""

from __future__ import annotations

import re
from dataclasses import dataclass

from storage import places


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
    r"(?:COP|CMP|CMA|MOP|INC|OEWG|SBSTTA|SBSTA|SBI|CRIC|ICCM|IPBES|UNEA|CST)[- ]?\d{1,2})\b",
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
        "then there here not no "
    )
)
_RIGHT_LINK = re.compile(
    r"\s+(?:of|on|for|between|under|among|concerning|regarding|in preparation for|"
    r"to prepare(?: for)?|preparing for|to enhance|to promote|to support|to review|to discuss|"
    r"to consider|to finalize|to finalise|as a|responsible for|"
    r"and(?= (?-i:[A-Z]))|to(?= the (?-i:[A-Z])))\s+",
    re.IGNORECASE,
)
_RIGHT_STOP = set(
    _words(
        "held was were is are will which that who took takes hosted organized organised "
        "from on in at with by during where when since after before through via would has "
        "have had being been be whose while to as met meets meet convened gathered "
        "decided agreed adopted discussed considered reviewed established provided "
        "focused included made took also "
    )
)
_DETERMINERS = {"the", "a", "an", "its", "their", "this", "that", "these", "those", "our"}
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
    if am := re.match(r"\s*\(([A-Z][A-Za-z0-9-]{1,12})\)", text[end:]):
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
    if rest is None:
        return False
    words = rest.split()
    return all(w[:1].islower() or ordinal_value(w) is not None for w in words)


# ---------------------------------------------------------------------------- bodies


_BODY_IN_TEXT = re.compile(
    r"\bthe\s+((?:[\w-]+\s+){0,5}?(?:committee|conference|assembly|council|board|commission|"
    r"group|forum|body|panel|parties|bureau|platform)(?:\s+(?:of|on|for)\s+(?:the\s+)?"
    r"(?:(?-i:[A-Z][\w-]*)(?:\s+(?:and\s+)?(?-i:[A-Z][\w-]*))*|"
    r"(?:[\w-]+\s+){0,4}?(?:experts|parties|mercury|financing)))?)\b",
    re.IGNORECASE,
)
_SUBJECT_HELD = re.compile(
    r"(?:^(?:[Tt]he\s+)?|\b[Tt]he\s+)((?:[\w-]+\s+){0,4}?(?:[Cc]ommittee|[Gg]roup|[Bb]ureau|[Bb]ody|[Cc]ouncil|"
    r"[Bb]oard|[Cc]ommission|[Pp]anel|[Aa]ssembly|[Pp]latform|[Tt]ask [Ff]orce|Parties|"
    r"Conference|[A-Z]{2,8})|[A-Z]{2,8})\s+(?:has\s+|had\s+|then\s+)?(?:held|convened|"
    r"organi[sz]ed|noted that|decided that|agreed that)\s+(?:its|a|an)\s+[^.;]*$"
)


def subject_body(text: str, around: int) -> str | None:
    """ "The working group held a meeting …" → "working group"; "Bureau of the Conference,
    sixteenth meeting" (a list or table label) → "Bureau of the Conference"."""
    m = _SUBJECT_HELD.search(text[:around])
    if m:
        return m.group(1)
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
    if m := _HEADING_MEETINGS_OF.match(heading):
        return m.group(1)
    if m := re.match(r"^(?:the\s+)?(.+?)\s+(?:meetings|sessions)$", heading, re.I):
        return m.group(1)[:1].lower() + m.group(1)[1:]
    if BODY_NOUN.search(heading) and not MEETING_NOUN.search(heading):
        body = _HEADING_CUT.sub("", heading)
        return body[:1].lower() + body[1:]
    return None


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


# ---------------------------------------------------------------------------- kind


KIND_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("bureau", re.compile(r"\bbureau\b", re.I)),
    ("working_group", re.compile(r"\bworking group|\btask force|\bcontact group", re.I)),
    ("expert_group", re.compile(
        r"\bexpert group|\bgroup of (?:technical |legal |scientific )?experts|"
        r"\bexperts? (?:group|meeting|panel)", re.I)),
    ("regional_meeting", re.compile(
        r"\bregional (?:preparatory )?(?:meeting|consultation)|\bregional group meeting", re.I)),
    ("workshop", re.compile(r"\bworkshop|\bseminar|\btraining|\bwebinar|\bcourse\b", re.I)),
    ("high_level_event", re.compile(r"\bhigh[- ]level|\bministerial|\bsummit", re.I)),
    ("retreat", re.compile(r"\bretreat", re.I)),
    ("conference", re.compile(
        r"\bconference|\bcongress|\bsymposi|\bforum\b|\bCOP\b|\bCOP[- ]?\d", re.I)),
    ("session", re.compile(r"\bsession|\bplenary|\bmeeting of the parties|\bassembly|"
                           r"\bmeeting of the (?:[\w-]+ ){0,6}?(?:committee|council|board|"
                           r"commission|subsidiary body)\b|"
                           r"\b(?:INC|OEWG|SBSTTA|SBSTA|SBI)[- ]?\d", re.I)),
    ("teleconference", re.compile(
        r"\btele-?conference|\bvideo-?conference|\bconference call", re.I)),
]  # fmt: skip


def _first_rule(rules: list[tuple[str, re.Pattern[str]]], text: str) -> str | None:
    """The name of the first rule whose pattern occurs in `text`."""
    return next((name for name, pattern in rules if pattern.search(text)), None)


def kind_of(text: str) -> str | None:
    return _first_rule(KIND_RULES, text)


# ---------------------------------------------------------------------------- status

_STATUS_RULES = [
    ("cancelled", re.compile(r"\bcancell?ed\b|\bcalled off\b", re.I)),
    ("postponed", re.compile(r"\bpostponed|\brescheduled|\bdeferred|\bdelayed\b", re.I)),
    ("planned", re.compile(
        r"\b(?:is|are|was|were) planned|\bplanned (?:to|for)\b|\btentative(?:ly)?\b|\bproposed\b|"
        r"\bprovisional(?:ly)?\b|\bexpected to\b|\bto be confirmed\b|\benvisaged\b|"
        r"\bintends? to\b|\bwould be held\b|\bmay be held\b", re.I)),
    ("confirmed", re.compile(
        r"\bwill (?:be held|take place|meet|convene|hold|be convened|be organi[sz]ed|gather)|"
        r"\b(?:is|are) (?:scheduled|due) to\b|\bto be held\b|\bshall be held\b|\bupcoming\b|"
        r"\bforthcoming\b|\bwill be\b|\bis being organi[sz]ed|\bare being organi[sz]ed", re.I)),
    ("held", re.compile(
        r"\b(?:was|were|has been|have been|had been) (?:held|convened|organi[sz]ed|hosted)|"
        r"\btook place\b|\bmet\b|\bheld\b|\bconvened\b|\bgathered\b|\battended\b|\btook part\b|"
        r"\borgani[sz]ed\b|\bhosted\b|"
        r"\bparticipated\b|\bconcluded\b|\bopened\b", re.I)),
]  # fmt: skip


def status_of(text: str) -> str | None:
    return _first_rule(_STATUS_RULES, text)


# ---------------------------------------------------------------------------- hosts, funders

HOST_TRIGGER = re.compile(
    r"\bhosted by\b|\bat the (?:kind )?invitation of\b|\bhost (?:country|Government),?\s|"
    r"\bhospitality of\b",
    re.I,
)
FUNDER_TRIGGER = re.compile(
    r"\bwith (?:the )?(?:generous )?(?:financial )?(?:support|funding|contributions?) "
    r"(?:of|from|provided by)\b|\bfunded (?:by|through|from)\b|\bfinanced (?:by|through)\b|"
    r"\bsponsored by\b|\b(?:voluntary |financial |generous )+contributions? (?:of|from|by)\b|"
    r"\bthanks to (?:the )?(?:generous )?(?:funding|financial support|contributions?) "
    r"(?:of|from)\b|\bfinancial support (?:of|from|provided by)\b|\bfunding (?:from|provided by)\b",
    re.I,
)
OFFER_TO_HOST = re.compile(
    r"\b(?:the\s+)?(?:Governments?\s+of\s+(?:the\s+)?)?([A-Z][\w'-]*(?:\s+(?:of\s+)?[A-Z][\w'-]*)*)"
    r"\s+(?:has\s+|have\s+|had\s+)?(?:kindly\s+)?(?:offered|agreed|will|would)\s+(?:to\s+)?host",
)
_CONTINUE = set(
    _words(
        "and the of from as well by through voluntary contributions contribution generous "
        "financial support provided funding principal contributor main also kindly "
        "government governments both its their respective other donors "
    )
)
_ORG_TAIL = re.compile(
    r"(?:Union|Commission|Bank|Fund|Facility|Programme|Program|Organization|Organisation|"
    r"Foundation|Agency|Institute|Secretariat|Partnership|Council|Ministry|Office|Centre|Center)$"
)
_DEMONYMS = {
    "brazilian": "Brazil", "german": "Germany", "swiss": "Switzerland", "swedish": "Sweden",
    "japanese": "Japan", "chinese": "China", "french": "France", "italian": "Italy",
    "spanish": "Spain", "dutch": "Netherlands", "norwegian": "Norway", "danish": "Denmark",
    "finnish": "Finland", "austrian": "Austria", "belgian": "Belgium", "canadian": "Canada",
    "american": "United States of America", "british": "United Kingdom", "mexican": "Mexico",
    "argentine": "Argentina", "argentinian": "Argentina", "chilean": "Chile",
    "colombian": "Colombia", "peruvian": "Peru", "uruguayan": "Uruguay", "kenyan": "Kenya",
    "south african": "South Africa", "nigerian": "Nigeria", "egyptian": "Egypt",
    "moroccan": "Morocco", "indian": "India", "indonesian": "Indonesia", "thai": "Thailand",
    "korean": "Republic of Korea", "russian": "Russian Federation", "polish": "Poland",
    "czech": "Czech Republic", "slovak": "Slovakia", "hungarian": "Hungary",
    "romanian": "Romania", "jordanian": "Jordan", "qatari": "Qatar",
    "emirati": "United Arab Emirates",
    "saudi": "Saudi Arabia", "turkish": "Turkey", "australian": "Australia",
    "new zealand": "New Zealand", "irish": "Ireland", "portuguese": "Portugal",
    "greek": "Greece", "zambian": "Zambia", "ethiopian": "Ethiopia", "ghanaian": "Ghana",
    "senegalese": "Senegal", "vietnamese": "Viet Nam", "philippine": "Philippines",
    "malaysian": "Malaysia", "singaporean": "Singapore", "icelandic": "Iceland",
    "luxembourgish": "Luxembourg", "monegasque": "Monaco", "estonian": "Estonia",
    "latvian": "Latvia", "lithuanian": "Lithuania", "ukrainian": "Ukraine", "georgian": "Georgia",
    "armenian": "Armenia", "kazakh": "Kazakhstan", "pakistani": "Pakistan",
    "bangladeshi": "Bangladesh", "sri lankan": "Sri Lanka", "nepalese": "Nepal",
    "iranian": "Iran", "iraqi": "Iraq", "lebanese": "Lebanon", "tunisian": "Tunisia",
    "algerian": "Algeria", "ivorian": "Côte d'Ivoire", "cameroonian": "Cameroon",
    "tanzanian": "United Republic of Tanzania", "ugandan": "Uganda", "rwandan": "Rwanda",
    "samoan": "Samoa", "fijian": "Fiji", "cuban": "Cuba", "jamaican": "Jamaica",
    "panamanian": "Panama", "costa rican": "Costa Rica", "ecuadorian": "Ecuador",
    "bolivian": "Bolivia", "paraguayan": "Paraguay", "venezuelan": "Venezuela",
}  # fmt: skip
_DEMONYM_GOV = re.compile(
    r"\b(?:the\s+)?("
    + "|".join(sorted((d.title() for d in _DEMONYMS), key=len, reverse=True))
    + r")\s+Government\b"
)
_NAME = re.compile(
    r"[A-Z][\w'’.-]*(?:\s+(?:of|and|the|for|on|de|du)\s+[A-Z][\w'’.-]*|\s+[A-Z][\w'’.-]*)*"
)


def _entities(segment: str) -> list[str]:
    """Countries and organisations listed in "the Governments of Germany and the Netherlands
    and the European Union …", stopping at the first word that starts something else."""
    out: list[str] = []
    for m in _DEMONYM_GOV.finditer(segment):
        out.append(_DEMONYMS[m.group(1).lower()])
    pos = 0
    for word in re.finditer(r"[\w'’.-]+|[,;()]", segment):
        w = word.group(0)
        if w in (";", "(", ")"):
            segment = segment[: word.start()]
            break
        if w[:1].islower() and w.lower() not in _CONTINUE:
            segment = segment[: word.start()]
            break
        pos = word.end()
    del pos
    for m in _NAME.finditer(segment):
        name = re.sub(r"^(?:the\s+)?(?:Governments?\s+of\s+)?(?:the\s+)?", "", m.group(0))
        name = re.sub(r"\s+and\s+(?:the\s+)?", " and ", name)
        for part in (
            re.split(r" and (?=[A-Z])", name) if places.country_code(name) is None else [name]
        ):
            part = part.strip(" .")
            if part in ("Government", "Governments") or not part:
                continue
            if (
                places.country_code(part) is not None
                or re.fullmatch(r"[A-Z]{2,8}", part)
                or (len(part.split()) > 1 and _ORG_TAIL.search(part))
            ):
                out.append(part)
    seen: set[str] = set()
    unique = []
    for name in out:
        key = places.country_code(name) or name.lower()
        if key not in seen:
            seen.add(key)
            unique.append(name)
    return unique


def _segment(text: str, begin: int, length: int) -> str:
    """The words after a trigger, up to the next host or funder trigger."""
    end = begin + length
    for trigger in (HOST_TRIGGER, FUNDER_TRIGGER):
        if m := trigger.search(text, begin):
            end = min(end, m.start())
    return text[begin:end]


def hosts_in(text: str) -> list[str]:
    found: list[str] = []
    for m in HOST_TRIGGER.finditer(text):
        found += _entities(_segment(text, m.end(), 200))
    for m in OFFER_TO_HOST.finditer(text):
        name = m.group(1)
        if places.country_code(name):
            found.append(name)
    return _dedupe(found)


def funders_in(text: str) -> list[str]:
    found: list[str] = []
    for m in FUNDER_TRIGGER.finditer(text):
        found += _entities(_segment(text, m.end(), 250))
    return _dedupe(found)


def _dedupe(names: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for name in names:
        key = places.country_code(name) or name.lower()
        if key not in seen:
            seen.add(key)
            out.append(name)
    return out


# ---------------------------------------------------------------------------- regions

_REGION_WORDS = [
    (r"central and eastern europe(?:an)? and central asia(?:n)?", places.CEE),
    (r"central and eastern europe(?:an)?", places.CEE),
    (r"latin america(?:n)? and (?:the )?caribbean", places.LAC),
    (r"asia and the pacific|asian?[- ]pacific", places.ASIA_PACIFIC),
    (r"western europe(?:an)? and others", places.WEOG),
    (r"\bafrica(?:n)?\b", places.AFRICA),
    (r"\bcaribbean\b|\bmesoameric\w*|\blatin americ\w*|\bcentral americ\w*|\bsouth americ\w*",
     places.LAC),
    (r"\bpacific\b|\basian?\b", places.ASIA_PACIFIC),
]  # fmt: skip


def region_in(text: str) -> str | None:
    low = text.lower()
    for pattern, region in _REGION_WORDS:
        if re.search(pattern, low):
            return region
    return None
