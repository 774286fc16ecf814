"""Place text → venue, city, country, time zone and online, from the gazetteers."""

from __future__ import annotations

import pytest
import yaml

from storage.importers.enrich import gazetteer
from storage.importers.enrich.place import place_in_text, read_place

ADDRESSES = [
    # (place text, venue, city, country, zone)
    ("Palais des Nations, Avenue de la Paix 8-14, 1211 Genève, Switzerland",
     "Palais des Nations", "Geneva", "CH", "Europe/Zurich"),
    ("Palais des congrès de Montréal, 1001 Pl. Jean-Paul-Riopelle, Montréal, QC H2Z 1H5, Canada",
     "Palais des congrès de Montréal", "Montréal", "CA", "America/Toronto"),
    ("Vienna International Centre, Wagramer Straße 5, 1220 Wien, Österreich",
     "Vienna International Centre", "Vienna", "AT", "Europe/Vienna"),
    ("Hotel Galería Plaza Reforma, Hamburgo 195, Juárez, Cuauhtémoc, 06600 Ciudad de México, "
     "CDMX, México", "Hotel Galería Plaza Reforma", "Mexico City", "MX", "America/Mexico_City"),
    ("FAO Headquarters, Viale delle Terme di Caracalla, 00153 Roma, Italia",
     "FAO Headquarters", "Rome", "IT", "Europe/Rome"),
    ("Mont-Tremblant, Quebec, Canada", "Mont-Tremblant", "Mont-Tremblant", "CA", "America/Toronto"),
    ("UN Headquarters, New York, NY, United States",
     "UN Headquarters", "New York", "US", "America/New_York"),
    ("King Fahd Palace Hotel, Route des Almadies, BP 8181, Dakar, Sénégal",
     "King Fahd Palace Hotel", "Dakar", "SN", "Africa/Dakar"),
    ("Auditorium (Fram Centre, Tromsø)", "Auditorium (Fram Centre, Tromsø)", "Tromsø", "NO",
     "Europe/Oslo"),
    ("Langer Eugen, Room S 2801 (UN Campus Bonn)", "Langer Eugen", "Bonn", "DE", "Europe/Berlin"),
    ("Conference Hall 2 (Kuala Lumpur Convention Centre)",
     "Conference Hall 2 (Kuala Lumpur Convention Centre)", "Kuala Lumpur", "MY",
     "Asia/Kuala_Lumpur"),
    ("Lima, Peru", None, "Lima", "PE", "America/Lima"),
    ("UNON, Conference Room 4, Gigiri, Nairobi", "UNON", "Nairobi", "KE", "Africa/Nairobi"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "venue", "city", "country", "zone"), ADDRESSES)
def test_an_address_gives_its_venue_city_country_and_zone(
    text: str, venue: str | None, city: str, country: str, zone: str
) -> None:
    place = read_place(text)
    assert (place.venue, place.city, place.country, place.timezone) == (venue, city, country, zone)
    assert place.known and not place.online


def test_a_venue_and_a_country_give_the_country_and_its_zone() -> None:
    place = read_place("Oman Convention & Exhibition Centre, Oman")
    assert (place.city, place.country, place.timezone) == (None, "OM", "Asia/Muscat")
    assert place.venue == "Oman Convention & Exhibition Centre"


@pytest.mark.parametrize(
    "text",
    ["Microsoft Teams Meeting", "https://unep.zoom.us/j/81234567890?pwd=abc", "Online (Teams)",
     "Webex", "Virtual"],
)  # fmt: skip
def test_a_meeting_link_or_service_is_online_and_nowhere(text: str) -> None:
    place = read_place(text)
    assert place.online and place.city is None and place.country is None and place.venue is None


def test_a_hybrid_place_is_online_and_somewhere() -> None:
    place = read_place(
        "Centro Cultural de Belém, Praça do Império, 1449-003 Lisboa, Portugal and online (Zoom)"
    )
    assert place.online and (place.city, place.country) == ("Lisbon", "PT")
    assert read_place("Bonn and online").city == "Bonn"


def test_an_unknown_place_is_kept_as_the_venue_and_not_known() -> None:
    place = read_place("Salle Akwaba (Hôtel Ivoire)")
    assert place.venue == "Salle Akwaba (Hôtel Ivoire)" and not place.known
    assert place.city is None and place.country is None


@pytest.mark.parametrize(
    ("text", "city", "country"),
    [
        ("hosted by the Authority at its headquarters in Kingston, Jamaica.", "Kingston", "JM"),
        ("Hosted by the Government of Tanzania in Dar es Salaam.\nFunded by Norway.",
         "Dar es Salaam", "TZ"),
        ("Organized at its headquarters in Santiago de Chile.", "Santiago", "CL"),
        ("Two-week course, 2–13 September 2024, in Suva, Fiji, for officers.", "Suva", "FJ"),
    ],
)  # fmt: skip
def test_prose_names_a_place_after_in_or_at(text: str, city: str, country: str) -> None:
    found = place_in_text(text)
    assert found is not None and (found.city, found.country) == (city, country)


def test_prose_without_a_place_names_none() -> None:
    assert place_in_text("Interpretation in French and Spanish. In person only.") is None


@pytest.mark.parametrize(
    ("text", "venue", "city", "country", "zone"),
    [
        ("UNESCO Headquarters", "UNESCO Headquarters", "Paris", "FR", "Europe/Paris"),
        ("KICC, Room 4", "KICC", "Nairobi", "KE", "Africa/Nairobi"),
        ("Room XVII, Palais des Nations", "Room XVII", "Geneva", "CH", "Europe/Zurich"),
        ("UN Gigiri", "UN Gigiri", "Nairobi", "KE", "Africa/Nairobi"),
    ],
)  # fmt: skip
def test_a_well_known_venue_alone_gives_its_city(
    text: str, venue: str, city: str, country: str, zone: str
) -> None:
    place = read_place(text)
    assert (place.venue, place.city, place.country, place.timezone) == (venue, city, country, zone)
    assert place.known


def test_a_venue_named_in_another_country_is_not_that_venue() -> None:
    assert read_place("Bella Center, Sweden").city is None


def test_every_listed_venue_has_its_city_in_the_gazetteer() -> None:
    raw = yaml.safe_load(gazetteer.VENUES_FILE.read_text(encoding="utf-8"))
    names = [gazetteer.fold(n) for v in raw for n in (v["name"], *(v.get("aka") or []))]
    assert len(names) == len(set(names)), "a name given to two venues"
    for v in raw:
        found = gazetteer.venue(v["name"])
        assert found is not None and found.timezone is not None, v["name"]
        assert gazetteer.city(v["city"], v["country"]) is not None, v["city"]
