"""Calendars for sync tests, shaped like Outlook's published ICS (PRODID, METHOD:PUBLISH,
`SUMMARY;LANGUAGE=en-us`, all-day events with X-MICROSOFT-CDO-ALLDAYEVENT and an exclusive
DTEND), but with IANA or UTC times, so each test can publish a changed copy."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

HEADER = (
    "BEGIN:VCALENDAR\r\n"
    "PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN\r\n"
    "VERSION:2.0\r\n"
    "METHOD:PUBLISH\r\n"
    "X-WR-CALNAME:Secretariat meetings (shared)\r\n"
)


@dataclass(frozen=True)
class Event:
    uid: str
    summary: str
    start: date
    end: date  # the last day (inclusive)
    location: str | None = None
    status: str | None = None  # CANCELLED, TENTATIVE, CONFIRMED
    sequence: int = 0

    def moved(self, days: int) -> Event:
        return replace(self, start=self.start + timedelta(days=days),
                       end=self.end + timedelta(days=days), sequence=self.sequence + 1)  # fmt: skip

    def ics(self) -> str:
        lines = [
            "BEGIN:VEVENT",
            f"UID:{self.uid}",
            f"SUMMARY;LANGUAGE=en-us:{self.summary}",
            f"DTSTART;VALUE=DATE:{self.start:%Y%m%d}",
            f"DTEND;VALUE=DATE:{self.end + timedelta(days=1):%Y%m%d}",
            "DTSTAMP:20151201T080000Z",
            f"SEQUENCE:{self.sequence}",
            "X-MICROSOFT-CDO-ALLDAYEVENT:TRUE",
        ]
        if self.location:
            lines.append(f"LOCATION:{self.location}")
        if self.status:
            lines.append(f"STATUS:{self.status}")
        lines.append("END:VEVENT")
        return "\r\n".join(lines) + "\r\n"


def calendar(*events: Event) -> bytes:
    return (HEADER + "".join(e.ics() for e in events) + "END:VCALENDAR\r\n").encode()


WORKSHOP = Event(
    "040000008200E00074C5B7101A82E00800000000A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6E7F8A9B0",
    "Regional workshop on data",
    date(2016, 3, 7),
    date(2016, 3, 9),
    "Nairobi",
)
BUREAU = Event(
    "040000008200E00074C5B7101A82E00800000000B1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6E7F8A9B1",
    "Bureau meeting",
    date(2016, 4, 12),
    date(2016, 4, 13),
    "Geneva",
)
EXPERTS = Event(
    "040000008200E00074C5B7101A82E00800000000C1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6E7F8A9B2",
    "Expert group meeting",
    date(2016, 5, 2),
    date(2016, 5, 6),
    "Bonn",
)
PAST = Event(
    "040000008200E00074C5B7101A82E00800000000D1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6E7F8A9B3",
    "Preparatory meeting",
    date(2015, 11, 2),
    date(2015, 11, 3),
    "Vienna",
)
