"""The one enrichment step: fills what a row leaves empty, says what it inferred and what it
could not, never overrides a stated field, and changes nothing when run on its own output."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from storage.importers import _reader
from storage.importers.enrich import enrich, enrich_all
from storage.models import MeetingData

DATA = Path(__file__).parents[3] / "data" / "calendars"


def test_a_calendar_event_is_read_from_its_own_words() -> None:
    done = enrich({
        "title": "Regional consultation for Africa on national biodiversity strategies",
        "location": "Accra International Conference Centre, Accra, Ghana",
        "description": "Funded by Germany and the European Union.",
        "start": "2023-02-21", "end": "2023-02-23",
    })  # fmt: skip
    row = done.row
    assert (row["city"], row["country"], row["kind"], row["region"]) == (
        "Accra",
        "GH",
        "regional_meeting",
        "Africa",
    )
    assert row["venue"] == "Accra International Conference Centre" and row["online"] is False
    assert row["funders"] == ["Germany", "European Union"]
    assert set(done.inferred) >= {"city", "country", "kind", "funders", "region"}
    assert "location 'Accra International" in done.inferred["city"]
    assert done.unresolved == []
    assert MeetingData.model_validate(row).timezone == "Africa/Accra"


def test_what_cannot_be_read_is_said_and_the_text_kept() -> None:
    done = enrich({"title": "Informal get-together", "location": "Salle Akwaba (Hôtel Ivoire)"})
    assert done.row["venue"] == "Salle Akwaba (Hôtel Ivoire)"
    assert "city" not in done.row and "country" not in done.row
    assert any(u.startswith("place:") and "Salle Akwaba" in u for u in done.unresolved)
    assert any(u.startswith("kind:") for u in done.unresolved)


def test_stated_fields_are_kept_and_their_local_names_normalised() -> None:
    done = enrich({
        "title": "Workshop", "kind": "retreat", "city": "Ciudad de Panamá", "country": "Panamá",
        "online": False, "hosts": ["Someone"], "description": "Hosted by Peru. Webinar link.",
        "location": "Panama Convention Center (Amador)",
    })  # fmt: skip
    row = done.row
    assert (row["kind"], row["online"], row["hosts"]) == ("retreat", False, ["Someone"])
    assert (row["city"], row["country"]) == ("Panama City", "PA")
    assert row["venue"] == "Panama Convention Center (Amador)"


def test_a_timed_event_is_shown_in_the_venues_zone() -> None:
    done = enrich({
        "title": "Training course", "location": "University of the South Pacific, Suva, Fiji",
        "starts_at": "2024-09-01T21:00:00+00:00", "ends_at": "2024-09-13T05:00:00+00:00",
        "source_timezone": "UTC",
    })  # fmt: skip
    row = done.row
    assert (row["start"], row["start_time"], row["end"], row["end_time"]) == (
        "2024-09-02",
        "09:00",
        "2024-09-13",
        "17:00",
    )
    assert row["timezone"] == "Pacific/Fiji"


def test_a_windows_zone_becomes_iana_for_an_online_event() -> None:
    done = enrich({
        "title": "Webinar: Kigali Amendment", "location": "https://unep.zoom.us/j/812",
        "starts_at": "2023-09-14T13:00:00+02:00", "source_timezone": "W. Europe Standard Time",
    })  # fmt: skip
    assert done.row["timezone"] == "Europe/Berlin" and done.row["start_time"] == "13:00"
    assert done.row["online"] is True and done.row["kind"] == "webinar"
    assert enrich({"title": "x", "timezone": "SE Asia Standard Time"}).row["timezone"] == (
        "Asia/Bangkok"
    )


def test_a_body_named_in_full_takes_the_short_series_of_the_same_import() -> None:
    done = enrich_all([
        {"title": "45th meeting of the Open-ended Working Group (OEWG-45)"},
        {"title": "Forty-sixth meeting of the Open-ended Working Group"},
    ])  # fmt: skip
    assert [d.row["series"] for d in done] == ["OEWG", "OEWG"]
    assert [d.row["ordinal"] for d in done] == [45, 46]


def _rows(path: Path) -> list[dict[str, Any]]:
    found = _reader(path.suffix.lstrip("."))(path.read_text(encoding="utf-8-sig"))
    return [raw for _, raw in getattr(found, "rows", found)]


@pytest.mark.parametrize("name", ["outlook_ozone", "indico_ocean", "sheet_climate"])
def test_enriching_its_own_output_changes_nothing(name: str) -> None:
    path = next((DATA / name).glob("calendar.*"))
    for done in enrich_all(_rows(path)):
        stored = MeetingData.model_validate(done.row).model_dump(mode="json", exclude_none=True)
        again = MeetingData.model_validate(enrich(stored).row).model_dump(
            mode="json", exclude_none=True
        )
        assert again == stored
