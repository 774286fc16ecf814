"""Where a meeting is, from the place text a calendar or a spreadsheet gives: "City,
Country", full postal addresses ("Palais des Nations, Avenue de la Paix 8-14, 1211 Genève,
Switzerland"), "City, QC H2Z 1H5, Canada", Indico's "room (venue)", local spellings; and
whether it is online (a meeting link or service, "online", "virtual", "hybrid"...).

An address is read from the right: the country is the last part naming one; the city is the
postal town ("1211 Genève") when there is one, else the last part the gazetteer knows, a
state or province of the same name ("Quebec", "New York") being taken only when no other
part is a city; failing that a city or country at either end of a venue's name ("UN Campus
Bonn", "Kuala Lumpur Convention Centre"), or a well-known venue's own city ("UNESCO
Headquarters", "KICC, Room 4": venues.yaml through the gazetteer).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from storage.importers.enrich import gazetteer

MEETING_LINK = (
    r"(?:zoom\.us/|teams\.microsoft\.com/|teams\.live\.com/|webex\.com/|meet\.google\.com/"
    r"|gotomeeting\.com/|whereby\.com/|meet\.jit\.si/|bluejeans\.com/)"
)
SERVICE = (
    r"(?:microsoft\s+teams(?:\s+meeting)?|teams\s+meeting|zoom(?:\s+(?:meeting|webinar))?"
    r"|webex(?:\s+meeting)?|google\s+meet|skype|gotomeeting|bluejeans|jitsi)"
)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
_ONLINE_WORD = (
    r"(?:online|virtual(?:ly)?|remote(?:ly)?|hybrid|web-?conference|webinar|tele-?conference"
    r"|video-?conference|conference\s+call)"
)
LOCATION_ONLINE = re.compile(rf"\b(?:{SERVICE}|{_ONLINE_WORD})\b|{_URL.pattern}", re.I)
# A description says "online" only with something stronger than the word (recordings are
# "posted online" after in-person meetings).
TEXT_ONLINE = re.compile(
    rf"{MEETING_LINK}|\b(?:{SERVICE}|hybrid|webinars?|virtual(?:ly)?\s+(?:meeting|session|event"
    r"|format|participation)|tele-?conference|video-?conference|conference\s+call"
    r"|remote\s+participa\w+|(?:join|participat|attend|connect)\w*\s+(?:\w+\s+){0,2}"
    r"(?:remotely|online|virtually))\b",
    re.I,
)
TITLE_ONLINE = re.compile(
    r"\b(?:webinars?|online|virtual|hybrid|tele-?conference|video-?conference|e-meeting"
    r"|conference\s+call)\b",
    re.I,
)
_STRIP_ONLINE = re.compile(
    rf"(?:\s*(?:,|;|/|\+|&|\band\b|\bor\b|\bwith\b)\s*)?"
    rf"\b(?:{SERVICE}|{_ONLINE_WORD})\b(?:\s+(?:meeting|participation|event|access))?"
    r"(?:\s*\([^)]*\))?",
    re.I,
)
_POSTAL = re.compile(
    r"\b(?:\d{4,6}(?:-\d{3,4})?|[A-Z]\d[A-Z]\s?\d[A-Z]\d|[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2})\b"
)
_STREET = re.compile(
    r"\b(?:street|st|avenue|ave|av|avenida|boulevard|blvd|road|rd|rue|route|stra(?:ss|ß)e|str"
    r"|via|viale|calle|carrera|pra[cç]a|plaza|lane|drive|suite|floor|box|bp|p\.?\s?o|po)\b",
    re.I,
)
# Words that name a building, not a town (small towns are looked up only without them).
_VENUE_WORD = re.compile(
    r"\b(?:hotel|h[oô]tel|cent(?:re|er)|centro|house|hall|room|building|headquarters|campus"
    r"|resort|palace|palais|complex|office|secretariat|university|institute|museum|stadium"
    r"|park|auditorium|salle|sala|conference|convention|expo|lodge|club|tower)\b",
    re.I,
)
_SPLIT = re.compile(r"\s*(?:[,;|/]|\s[–—-]\s)\s*")
_WORD = r"[A-ZÀ-ÖØ-Þ][\w'’.-]*"
_PARTICLE = r"(?:de|del|della|da|do|dos|das|di|du|des|es|el|la|le|los|las|of|upon|sur|am|an|im)"
_NAME_RUN = rf"{_WORD}(?:\s+(?:{_PARTICLE}\s+)?{_WORD}){{0,3}}"
_IN_PLACE = re.compile(
    rf"\b(?:[Ii]n|[Aa]t)\s+(?:the\s+)?({_NAME_RUN})(?:\s*,\s*(?:the\s+)?({_NAME_RUN}))?"
)
MIN_BARE_POPULATION = 100_000  # a city named inside a venue's name, with no country to go on


@dataclass(frozen=True)
class Place:
    venue: str | None = None
    city: str | None = None
    country: str | None = None
    timezone: str | None = None
    online: bool = False
    known: bool = False  # the text named a city or country the gazetteer knows


def strip_online(text: str) -> str:
    """The place text without links, online services and words ("Bonn and online" → "Bonn")."""
    text = _URL.sub(" ", text)
    text = _STRIP_ONLINE.sub(" ", text)
    text = re.sub(r"\(\s*\)", " ", text)
    return re.sub(r"\s+", " ", text).strip(" ,;:/|–—-+&")


def _name(part: str) -> str:
    """A part without numbers and postal codes ("1211 Genève 20" → "Genève")."""
    words = [w for w in _POSTAL.sub(" ", part).split() if not re.search(r"\d", w)]
    return " ".join(words).strip(" .,")


def _parts(text: str) -> list[str]:
    flat = re.sub(r"[()\[\]]", ",", text)
    return [p for p in (s.strip(" .") for s in _SPLIT.split(flat)) if p]


def _postal_town(parts: list[str], country: str | None) -> gazetteer.City | None:
    for part in reversed(parts):
        if _POSTAL.search(part) and not _STREET.search(part):
            found = gazetteer.city(_name(part), country, small=country is not None)
            if found:
                return found
    return None


def _city_part(parts: list[str], country: str | None) -> gazetteer.City | None:
    names = [_name(p) for p in reversed(parts)]
    provinces = [n for n in names if gazetteer.is_subdivision(n, country)]
    towns = [n for n in names if n not in provinces]
    for small in (False, True):
        if small and country is None:
            break
        for name in towns:
            if small and _VENUE_WORD.search(name):
                continue
            found = gazetteer.city(name, country, small=small)
            if found:
                return found
    for name in provinces:
        found = gazetteer.city(name, country)
        if found:
            return found
    return None


def _inside(parts: list[str], country: str | None) -> tuple[gazetteer.City | None, str | None]:
    """A city or country at either end of a venue's name: (city, country)."""
    for part in reversed(parts):
        words = _name(part).split()
        for n in (3, 2, 1):
            if len(words) <= n:
                continue
            for chunk in (words[-n:], words[:n]):
                name = " ".join(chunk)
                if not name[:1].isupper():
                    continue
                code = gazetteer.country(name)
                if code and (country is None or code == country):
                    return gazetteer.city(name, code), code
                found = gazetteer.city(name, country)
                if (
                    found
                    and (country or found.population >= MIN_BARE_POPULATION)
                    and gazetteer.fold(found.name) == gazetteer.fold(name)
                ):
                    return found, found.country
    return None, None


def _known_venue(parts: list[str], country: str | None) -> gazetteer.Venue | None:
    """A well-known venue named by one of the parts (in that country, when known)."""
    for part in parts:
        found = gazetteer.venue(_name(part))
        if found is not None and country in (None, found.country):
            return found
    return None


def _venue(text: str, city: gazetteer.City | None, country: str | None) -> str | None:
    """The first part of the address (its depth-0 comma), unless it is the city or country."""
    depth, cut = 0, len(text)
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if ch in ",;" and depth == 0:
            cut = i
            break
    first = text[:cut].strip(" ,;")
    name = _name(first)
    if not name or (city and gazetteer.city(name, city.country) == city):
        return None
    if country and gazetteer.country(name) == country:
        return None
    return first[:200]


@lru_cache(maxsize=65_536)  # a calendar names the same few places again and again
def read_place(text: str, *, country: str | None = None) -> Place:
    """Venue, city, country and time zone of a place text; `country` when already known."""
    online = bool(LOCATION_ONLINE.search(text))
    physical = strip_online(text)
    if not physical:
        return Place(online=online)
    parts = _parts(physical)
    code, upto = country, len(parts)
    if code is None:
        for i in range(len(parts) - 1, -1, -1):
            found_code = gazetteer.country(_name(parts[i]))
            if found_code:
                code, upto = found_code, i
                break
    before = parts[:upto]
    city = _postal_town(before, code) or _city_part(before, code)
    if city is None:
        city, inner = _inside(before, code)
        code = code or inner
    if city is None and (known := _known_venue(before, code)) is not None:
        return Place(
            venue=_venue(physical, None, known.country),
            city=known.city,
            country=known.country,
            timezone=known.timezone,
            online=online,
            known=True,
        )
    if city is not None:
        code = code or city.country
    if city is None and code is None:
        return Place(venue=physical[:200], online=online)
    zone = city.timezone if city else gazetteer.country_zone(code or "")
    return Place(
        venue=_venue(physical, city, code),
        city=gazetteer.name_of(city) if city else None,
        country=code,
        timezone=zone,
        online=online,
        known=True,
    )


def place_in_text(text: str) -> Place | None:
    """The first place prose names after "in" or "at" ("at its headquarters in Kingston,
    Jamaica", "in Dar es Salaam"): a city, pinned by the country after it when there is one."""
    for m in _IN_PLACE.finditer(text):
        run, after = _sentence(m.group(1)), _sentence(m.group(2) or "")
        code = _country_of(after) if after else None
        words = run.split()
        for n in range(len(words), 0, -1):
            name = " ".join(words[:n])
            named = gazetteer.country(name)
            if named and n == len(words):
                city = gazetteer.city(name, named)
                return _found(city, named)
            city = gazetteer.city(name, code, small=code is not None)
            if city and (code or city.population >= MIN_BARE_POPULATION // 2):
                return _found(city, code or city.country)
    return None


def _sentence(run: str) -> str:
    """A run of names up to the end of its sentence ("Dar es Salaam.\nFunded" → "Dar es Salaam")."""
    words: list[str] = []
    for word in run.split():
        words.append(word.rstrip("."))
        if word.endswith("."):
            break
    return " ".join(words)


def _country_of(text: str) -> str | None:
    words = text.split()
    for n in range(len(words), 0, -1):
        code = gazetteer.country(" ".join(words[:n]))
        if code:
            return code
    return None


def _found(city: gazetteer.City | None, code: str) -> Place:
    zone = city.timezone if city else gazetteer.country_zone(code)
    city_name = gazetteer.name_of(city) if city else None
    return Place(city=city_name, country=code, timezone=zone, known=True)
