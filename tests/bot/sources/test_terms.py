"""The words of sources (pure): intervals, names, URLs, backoff, what a body is."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.sources.fetch import check_url, http_url
from bot.sources.read import NotACalendar, decode, detect
from bot.sources.terms import backoff, citation, default_name, interval_text, parse_interval


@pytest.mark.parametrize(
    ("text", "seconds"), [("1h", 3600), ("30m", 1800), ("1d", 86400), (" 6H ", 21600)]
)
def test_intervals(text: str, seconds: int) -> None:
    assert parse_interval(text) == seconds
    assert parse_interval(interval_text(seconds)) == seconds


@pytest.mark.parametrize(("text", "why"), [("often", "cannot read"), ("30s", "out of range"),
                                           ("8d", "out of range")])  # fmt: skip
def test_bad_intervals(text: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        parse_interval(text)


def test_backoff_doubles_up_to_the_interval() -> None:
    waits = [backoff(n, interval=3600, first=60).total_seconds() for n in range(1, 9)]
    assert waits == [60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert backoff(3, interval=60, first=300) == timedelta(seconds=300)  # never below `first`


def test_urls_names_and_citations() -> None:
    assert http_url("webcal://outlook.office365.com/owa/calendar/x/calendar.ics") == (
        "https://outlook.office365.com/owa/calendar/x/calendar.ics"
    )
    assert http_url("https://a.example.org/c.ics?x=1") == "https://a.example.org/c.ics?x=1"
    assert default_name("webcal://www.Example.org/cal.ics") == "example-org"
    assert check_url(" https://indico.example.org/export/categ/3.json ") == (
        "https://indico.example.org/export/categ/3.json"
    )
    for bad in ("ftp://x.org/c.ics", "calendar.ics", "https:///c.ics"):
        with pytest.raises(ValueError, match="not a calendar URL"):
            check_url(bad)
    assert citation("ozone") == "ozone calendar"
    assert citation("Ozone Calendar (shared)") == "Ozone Calendar (shared)"


def test_what_a_body_is() -> None:
    assert detect("\ufeff BEGIN:VCALENDAR\r\n") == "ics"
    assert detect('{"results": [], "_type": "HTTPAPIResult"}') == "indico"
    with pytest.raises(NotACalendar, match="HTML page"):
        detect("<!DOCTYPE html><html>Sign in</html>", "text/html")
    with pytest.raises(NotACalendar, match="JSON that is not an Indico export"):
        detect('{"error": "nope"}', "application/json")
    assert decode("BEGIN:VCALENDAR é".encode("latin-1"), "text/calendar; charset=ISO-8859-1")
    with pytest.raises(NotACalendar, match="not UTF-8 text"):
        decode(b"\xff\xfe\xfa")
