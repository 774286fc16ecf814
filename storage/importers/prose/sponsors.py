"""Hosts and funders named in a sentence ("hosted by the Government of Brazil", "with the
financial support of Germany and the European Union")."""

from __future__ import annotations

import re

from storage import places

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


def _words(text: str) -> list[str]:
    """A word list written as one string."""
    return text.split()


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
    """The words after a trigger, up to the next host or funder trigger or its sentence end."""
    end = begin + length
    for trigger in (HOST_TRIGGER, FUNDER_TRIGGER):
        if m := trigger.search(text, begin):
            end = min(end, m.start())
    return re.split(r"(?<=[a-z])\.\s+(?=[A-Z])", text[begin:end])[0]  # this sentence only


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
