"""Seasons and holidays as spans: which occurrence a question means, and bounds against them."""

from __future__ import annotations

from datetime import date

import pytest

from bot.ask.seasons import find_season
from bot.ask.timespan import find_span

WINTER_DAY = date(2015, 12, 15)


@pytest.mark.parametrize(
    ("text", "today", "tense", "start", "end"),
    [
        # "this" season: the one under way, else the coming one (or, in the past, the last)
        ("what is on this spring", date(2015, 1, 10), None, "2015-03-01", "2015-05-31"),
        ("what is planned for this spring", WINTER_DAY, "future", "2016-03-01", "2016-05-31"),
        ("what is on this autumn", date(2015, 9, 1), None, "2015-09-01", "2015-11-30"),
        ("anything this winter", WINTER_DAY, None, "2015-12-01", "2016-02-29"),
        ("what did we have last summer", WINTER_DAY, "past", "2015-06-01", "2015-08-31"),
        ("what happened in the summer", WINTER_DAY, "past", "2015-06-01", "2015-08-31"),
        ("next summer", date(2015, 7, 1), None, "2016-06-01", "2016-08-31"),
        ("meetings in the fall of 2015", date(2016, 3, 1), None, "2015-09-01", "2015-11-30"),
        ("spring 2016", WINTER_DAY, None, "2016-03-01", "2016-05-31"),
        # holidays
        ("is anything on over christmas", WINTER_DAY, None, "2015-12-24", "2016-01-01"),
        ("during the christmas break", WINTER_DAY, None, "2015-12-24", "2016-01-01"),
        ("on christmas day", WINTER_DAY, None, "2015-12-25", "2015-12-25"),
        ("over the summer break", WINTER_DAY, None, "2016-07-01", "2016-08-31"),
        ("easter 2016", WINTER_DAY, None, "2016-03-25", "2016-03-28"),  # Good Friday–Monday
    ],
)
def test_the_occurrence_meant(
    text: str, today: date, tense: str | None, start: str, end: str
) -> None:
    season = find_season(text, today, tense)
    assert season is not None
    assert (season.start, season.end) == (date.fromisoformat(start), date.fromisoformat(end))


def test_before_and_after_a_break_are_bounds_from_today() -> None:
    before = find_span("which meetings are before the summer break", WINTER_DAY, None).span
    assert before is not None and (before.start, before.end) == (WINTER_DAY, date(2016, 6, 30))
    assert before.label == "before the summer break (until 30 June 2016)"
    after = find_span("what is on after the summer break", WINTER_DAY, None).span
    assert after is not None and (after.start, after.end) == (date(2016, 9, 1), None)
    past = find_span("what did we do before christmas", WINTER_DAY, "past").span
    assert past is not None and past.start is None  # the past is open-ended


def test_words_that_are_no_season() -> None:
    assert find_season("when does inc7 fall", WINTER_DAY, None) is None  # a verb
    assert find_season("what is on in may", WINTER_DAY, None) is None
    span = find_span("what is on in may", WINTER_DAY, None).span
    assert span is not None and span.start == date(2016, 5, 1)
