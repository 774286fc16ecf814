"""Indico's JSON export API read as meetings: UIDs as Indico's own iCalendar export gives them,
times in the event's zone, labels, HTML descriptions, and errors that name their line."""

from __future__ import annotations

import json
from datetime import date, time

from storage.importers import read_text
from storage.importers.indico import html_text
from tests.paths import DATA

EXPORT = DATA / "calendars" / "indico_ocean" / "export.json"


def _export(*results: dict[str, object]) -> str:
    return json.dumps(
        {"count": len(results), "additionalInfo": {}, "ts": 1, "results": list(results),
         "url": "https://indico.example.org/export/categ/3.json", "_type": "HTTPAPIResult"},
        indent=4,
    )  # fmt: skip


EVENT = {
    "_type": "Conference", "id": "77", "title": "Bureau meeting",
    "description": "<p>Hosted by Kenya.</p><p>Second&nbsp;line &amp; more</p>",
    "startDate": {"date": "2016-03-07", "time": "08:00:00", "tz": "Europe/Zurich"},
    "endDate": {"date": "2016-03-08", "time": "16:00:00", "tz": "Europe/Zurich"},
    "timezone": "Africa/Nairobi", "location": "UN Gigiri", "room": "Room 4",
    "address": "United Nations Avenue, Nairobi, Kenya", "label": None,
    "url": "https://indico.example.org/event/77/",
}  # fmt: skip


def test_an_event_becomes_a_meeting_in_its_own_zone() -> None:
    result = read_text(_export(EVENT), fmt="indico", name="bureau.json")
    assert result.errors == []
    [m] = result.meetings
    assert (m.uid, m.id) == ("indico-event-77@indico.example.org",
                             "indico-event-77-indico-example-org")  # fmt: skip
    # 08:00 in Zurich (the server's zone) is 10:00 in Nairobi (the event's)
    assert (m.start, m.start_time, m.end, m.end_time) == (
        date(2016, 3, 7), time(10, 0), date(2016, 3, 8), time(18, 0),
    )  # fmt: skip
    assert m.timezone == "Africa/Nairobi"
    # the location, room and address are read as a place: the venue, its city and country
    assert (m.venue, m.city, m.country) == ("UN Gigiri", "Nairobi", "KE")
    assert m.description == "Hosted by Kenya.\nSecond line & more"
    assert m.status == "planned"


def test_a_json_file_that_is_an_indico_export_is_read_as_one() -> None:
    result = read_text(EXPORT.read_text(), fmt="json", name="export.json")
    assert result.errors == [] and len(result.meetings) == 17
    cancelled = [m.uid for m in result.meetings if m.status == "cancelled"]
    assert cancelled == ["indico-event-1281@indico.ipos.example.org"]  # its label says so


def test_a_bad_event_names_the_line_it_starts_on() -> None:
    bad = EVENT | {"id": "78", "title": ""}
    text = _export(EVENT, bad)
    result = read_text(text, fmt="indico", name="x.json")
    line = text.splitlines().index("        {", 10) + 1  # the second result's opening brace
    [error] = result.errors
    assert error.startswith(f"x.json:{line}: title") and len(result.meetings) == 1


def test_an_error_answer_or_other_json_is_refused_whole() -> None:
    refused = '{"_type": "HTTPAPIError", "message": "Access denied", "success": false}'
    assert read_text(refused, fmt="indico", name="e.json").errors == [
        "e.json:1: Indico answered with an error: Access denied"
    ]
    [error] = read_text('{"results": [', fmt="indico", name="t.json").errors
    assert error.startswith("t.json:1: not valid JSON")
    [error] = read_text('{"count": 0}', fmt="indico", name="n.json").errors
    assert "no `results` list" in error


def test_html_text_keeps_paragraphs() -> None:
    assert html_text("<p>One<br>two</p>\n<ul><li>three</li></ul>") == "One\ntwo\nthree"
