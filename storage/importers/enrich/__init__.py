"""The one enrichment step every import runs (ICS, CSV, XLSX, JSON, YAML; prose and calendar
sync call it too): a pure function from a row, as a reader found it, to `MeetingData` input.

A row holds MeetingData fields plus what a source gives in its own words, which `enrich`
consumes:

- `location`: the place as written (LOCATION, a Venue column) → venue, city, country (alpha-2),
  time zone, online;
- `categories`: CATEGORIES, a Type column → kind, with the title;
- `starts_at`/`ends_at`: aware instants of a timed event (ISO text) and `source_timezone`, the
  zone the calendar gave (IANA or Windows) → start/end dates and times in the venue's zone.

It fills only what the row leaves empty (a stated field is never overridden), normalises
stated places (country "Österreich" → AT, city "Genève" → Geneva), and says per field what it
inferred and what it could not, for the import report. Running it again on its own output
changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from storage import places
from storage.importers.enrich import gazetteer, zones
from storage.importers.enrich.kinds import kind_of
from storage.importers.enrich.names import read_naming
from storage.importers.enrich.place import (
    TEXT_ONLINE,
    TITLE_ONLINE,
    Place,
    place_in_text,
    read_place,
)
from storage.importers.enrich.roles import read_roles
from storage.models import Kind

SOURCE_KEYS = ("location", "categories", "starts_at", "ends_at", "source_timezone")
_KINDS = {k.value for k in Kind}


@dataclass
class Enriched:
    row: dict[str, Any]  # MeetingData input
    inferred: dict[str, str] = field(default_factory=dict)  # field → what it was read from
    unresolved: list[str] = field(default_factory=list)  # what could not be read, and why


def _empty(row: Mapping[str, Any], key: str) -> bool:
    value = row.get(key)
    return value is None or value == "" or value == []


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value if v)
    return str(value or "").strip()


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= 60 else text[:57] + "...")


def enrich(raw: Mapping[str, Any]) -> Enriched:
    """Fill what `raw` leaves empty from its own words; see the module's docstring."""
    row = {k: v for k, v in raw.items() if k not in SOURCE_KEYS}
    out = Enriched(row)
    location = _text(raw.get("location"))
    categories = [c for c in (raw.get("categories") or []) if c and str(c).strip()]
    title = _text(row.get("title"))
    description = _text(row.get("description"))
    _status(out)
    place = _place(out, location, description)
    _online(out, place, title, description, categories)
    _kind(out, title, categories)
    _region(out, title)
    _naming(out, title)
    _roles(out, description)
    _times(out, raw, place)
    return out


# --- status --------------------------------------------------------------------------------

_STATUS_WORDS = {
    "cancelled": "cancelled", "canceled": "cancelled", "called off": "cancelled",
    "postponed": "postponed", "deferred": "postponed", "confirmed": "confirmed",
    "planned": "planned", "tentative": "planned", "provisional": "planned", "tbc": "planned",
    "to be confirmed": "planned", "held": "held", "done": "held", "completed": "held",
    "took place": "held",
}  # fmt: skip


def _status(out: Enriched) -> None:
    """A status in people's words ("Cancelled", "Tentative", "TBC") as secbot's."""
    given = out.row.get("status")
    if not isinstance(given, str):
        return
    word = _STATUS_WORDS.get(" ".join(places.fold(given).strip(" .!").split()))
    if word and word != given:
        out.row["status"] = word
        out.inferred["status"] = f"{word} (from {given!r})"


# --- place ------------------------------------------------------------------------------------


def _place(out: Enriched, location: str, description: str) -> Place:
    row = out.row
    stated = _stated_country(out)
    if not _empty(row, "city"):
        _stated_city(out, stated)
        stated = row.get("country") if isinstance(row.get("country"), str) else stated
    if not location and _empty(row, "city") and _empty(row, "country") and row.get("venue"):
        location = _text(row.pop("venue"))  # a venue with no city: an address to read
    place = read_place(location, country=stated) if location else Place()
    if place.venue and _empty(row, "venue") and (place.known or place.venue != row.get("city")):
        row["venue"] = place.venue
    if place.known and _empty(row, "city") and _empty(row, "country"):
        _take(out, place, f"location {_quote(location)}")
        return place
    if place.known and _empty(row, "city") and place.city and place.country == row.get("country"):
        _take(out, place, f"location {_quote(location)}")
        return place
    if not _empty(row, "city") or not _empty(row, "country"):
        return place
    pure_online = place.online and not place.venue
    if not pure_online and description:
        found = place_in_text(description)
        if found is not None:
            _take(out, found, f"description {_quote(description)}")
            return Place(row.get("venue"), found.city, found.country, found.timezone,
                         place.online, True)  # fmt: skip
    if location and not pure_online:
        out.unresolved.append(
            f"place: no city or country the gazetteer knows in {_quote(location)}; "
            "kept as the venue"
        )
    return place


def _take(out: Enriched, place: Place, source: str) -> None:
    row = out.row
    for key in ("city", "country"):
        value = getattr(place, key)
        if value and _empty(row, key):
            row[key] = value
            out.inferred[key] = f"{value} (from the {source})"
    if place.timezone and _empty(row, "timezone") and not _empty(row, "city"):
        row["timezone"] = place.timezone


def _stated_country(out: Enriched) -> str | None:
    """A stated country in any language ("Österreich", "UAE") as alpha-2."""
    value = out.row.get("country")
    if not isinstance(value, str) or not value.strip():
        return None
    code = gazetteer.country(value)
    if code and code != value:
        out.row["country"] = code
        out.inferred["country"] = f"{code} (from {value!r})"
    return code or None


def _stated_city(out: Enriched, country: str | None) -> None:
    """A stated city under the gazetteer's name ("Genève" → Geneva), its country when none."""
    value = _text(out.row.get("city"))
    found = gazetteer.city(value, country, small=country is not None)
    if found is None:
        out.unresolved.append(f"city: {value!r} is not in the gazetteer; kept as written")
        return
    name = gazetteer.name_of(found)
    if name != value:
        out.row["city"] = name
        out.inferred["city"] = f"{name} (from {value!r})"
    if _empty(out.row, "country"):
        out.row["country"] = found.country
        out.inferred["country"] = f"{found.country} (the city's)"
    if _empty(out.row, "timezone"):
        out.row["timezone"] = found.timezone


# --- what the meeting is --------------------------------------------------------------------


def _online(
    out: Enriched, place: Place, title: str, description: str, categories: list[Any]
) -> None:
    if "online" in out.row and out.row["online"] not in (None, ""):
        return
    why = (
        "location" if place.online else
        "title" if TITLE_ONLINE.search(title) else
        "description" if TEXT_ONLINE.search(description) else
        "categories" if any(TITLE_ONLINE.search(str(c)) for c in categories) else None
    )  # fmt: skip
    out.row["online"] = why is not None
    if why:
        out.inferred["online"] = f"yes (from the {why})"


def _kind(out: Enriched, title: str, categories: list[Any]) -> None:
    given = out.row.get("kind")
    if isinstance(given, str) and given in _KINDS:
        return
    texts = [("title", title), *(("categories", str(c)) for c in categories)]
    if isinstance(given, str) and given.strip():
        texts.insert(0, ("kind", given))
    for source, text in texts:
        kind = kind_of(text)
        if kind is not None:
            out.row["kind"] = kind.value
            out.inferred["kind"] = f"{kind.value} (from the {source} {_quote(text)})"
            return
    if isinstance(given, str) and given.strip():
        return  # validation names the unknown kind
    out.row.pop("kind", None)
    out.unresolved.append("kind: the title names no kind of meeting; stored as other")


@cache
def _region_aliases() -> list[tuple[str, str]]:
    """(" latin america ", region) for each name of a regional group, padded to whole words."""
    return [
        (f" {re.sub(r'[^a-z]+', ' ', alias)} ", region)
        for alias, region in places.REGION_ALIASES.items()
        if region != places.GLOBAL
    ]


@lru_cache(maxsize=65_536)  # the rows of an import repeat their titles and notes
def _regions_named(title: str) -> frozenset[str]:
    folded = " " + re.sub(r"[^a-z]+", " ", places.fold(title)) + " "
    return frozenset(region for alias, region in _region_aliases() if alias in folded)


def _region(out: Enriched, title: str) -> None:
    """The region a meeting serves, when its title names one ("for West African …",
    "Regional consultation for Asia and the Pacific"); else the country's (MeetingData)."""
    if not _empty(out.row, "region") or not title:
        return
    named = _regions_named(title)
    if len(named) == 1:
        out.row["region"] = next(iter(named))
        out.inferred["region"] = f"{out.row['region']} (from the title)"


def _naming(out: Enriched, title: str) -> None:
    row = out.row
    if not title or not (_empty(row, "short_name") or _empty(row, "series")):
        return
    naming = _naming_of(title)
    for key in ("short_name", "series", "ordinal"):
        value = getattr(naming, key)
        if value is not None and _empty(row, key):
            row[key] = value
            out.inferred[key] = f"{value} (from the title)"


_naming_of = lru_cache(maxsize=65_536)(read_naming)


@lru_cache(maxsize=65_536)
def _roles_in(description: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((role, tuple(names)) for role, names in read_roles(description).items())


def _roles(out: Enriched, description: str) -> None:
    if not description:
        return
    for role, names in _roles_in(description):
        if _empty(out.row, role):
            out.row[role] = list(names)
            out.inferred[role] = f"{'; '.join(names)} (from the description)"


# --- times ----------------------------------------------------------------------------------


def _times(out: Enriched, raw: Mapping[str, Any], place: Place) -> None:
    row = out.row
    given = _text(row.get("timezone"))
    if given and zones.iana(given) and zones.iana(given) != given:
        row["timezone"] = zones.iana(given)
        out.inferred["timezone"] = f"{row['timezone']} (from {given!r})"
    starts_at = raw.get("starts_at")
    if not starts_at:
        return
    source = zones.iana(_text(raw.get("source_timezone"))) if raw.get("source_timezone") else None
    venue_zone = _text(row.get("timezone")) or place.timezone
    zone = venue_zone or source or "UTC"
    start = zones.local(starts_at, zone)
    row["start"], row["start_time"] = start.date().isoformat(), start.strftime("%H:%M")
    ends_at = raw.get("ends_at")
    if ends_at:
        end = max(zones.local(ends_at, zone), start)
        row["end"], row["end_time"] = end.date().isoformat(), end.strftime("%H:%M")
        if row["end"] == row["start"] and row["end_time"] == row["start_time"]:
            row.pop("end_time")
    row["timezone"] = zone
    if venue_zone and source and venue_zone != source:
        out.inferred["timezone"] = f"{zone} (the venue's; the calendar gave {source})"


def as_given(raw: Mapping[str, Any]) -> Enriched:
    """A row taken as written, nothing inferred (the benchmark's baseline): the place text as
    the venue, a timed event in the zone the calendar gave."""
    row = {k: v for k, v in raw.items() if k not in SOURCE_KEYS}
    if raw.get("location") and _empty(row, "venue"):
        row["venue"] = _text(raw["location"])[:200]
    if raw.get("starts_at"):
        zone = zones.iana(_text(raw.get("source_timezone"))) or "UTC"
        start = zones.local(raw["starts_at"], zone)
        row.update(start=start.date().isoformat(), start_time=start.strftime("%H:%M"))
        row["timezone"] = zone
    return Enriched(row)


def enrich_all(rows: list[dict[str, Any]], acronyms: set[str] | None = None) -> list[Enriched]:
    """Enrich the rows of one import, then let titles that name a body in full take the
    short series the same import uses for it ("meeting of the Open-ended Working Group" and
    "OEWG-45": OEWG). An import read in batches passes the same `acronyms` set to each call:
    it gathers the short series of every batch so far."""
    from storage.importers.enrich.names import names_body

    done = [enrich(r) for r in rows]
    acronyms = set() if acronyms is None else acronyms
    acronyms |= {
        e.row["series"]
        for e in done
        if isinstance(e.row.get("series"), str) and re.fullmatch(r"[A-Z][A-Za-z]*", e.row["series"])
    }
    for e in done:
        series = e.row.get("series")
        if "series" not in e.inferred or not isinstance(series, str) or series in acronyms:
            continue
        short = [a for a in acronyms if names_body(a, series)]
        if len(short) == 1:
            e.row["series"] = short[0]
            e.inferred["series"] = f"{short[0]} (from the title, as {series!r})"
    return done
