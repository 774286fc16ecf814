"""iCalendar events that cannot be read are reported on their BEGIN:VEVENT line, and the rest
of the file is still read."""

from __future__ import annotations

from datetime import date

import pytest

from storage.importers import read_text

GOOD = (
    "BEGIN:VEVENT\r\nUID:good\r\nSUMMARY:Bureau meeting\r\n"
    "DTSTART;VALUE=DATE:20160412\r\nEND:VEVENT\r\n"
)


def _calendar(*events: str) -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        + "".join(events)
        + ("END:VCALENDAR\r\n")
    )


def _event(*lines: str) -> str:
    return (
        "BEGIN:VEVENT\r\nUID:odd\r\nSUMMARY:Workshop\r\n"
        + "".join(f"{line}\r\n" for line in lines)
        + "END:VEVENT\r\n"
    )


@pytest.mark.parametrize(
    ("lines", "said"),
    [
        (["DTSTART;VALUE=DATE:20160230"], "DTSTART: cannot be read (Wrong date format 20160230)"),
        (["DTSTART;VALUE=DATE:20160601", "DTEND;VALUE=DATE:20160501"],
         "DTEND (2016-05-01) is before DTSTART (2016-06-01)"),
        (["DTSTART:20160601T100000Z", "DTEND:20160601T090000Z"], "DTEND (2016-06-01T09:00:00"),
        (["DTSTART;VALUE=DATE:20160601", "SEQUENCE:abc"], "SEQUENCE: 'abc' is not a number"),
    ],
)  # fmt: skip
def test_an_unreadable_event_names_its_line_and_the_rest_is_read(
    lines: list[str], said: str
) -> None:
    text = _calendar(GOOD, _event(*lines))
    result = read_text(text, fmt="ics", name="team.ics")
    line = text.splitlines().index("BEGIN:VEVENT", 4) + 1
    [error] = result.errors
    assert error.startswith(f"team.ics:{line}: {said}")
    [meeting] = result.meetings
    assert (meeting.title, meeting.start) == ("Bureau meeting", date(2016, 4, 12))
