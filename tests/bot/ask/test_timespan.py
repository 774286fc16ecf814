"""Time expressions → date spans, relative to the asker's today."""

from __future__ import annotations

from datetime import date

import pytest

from bot.ask.timespan import find_span

TODAY = date(2015, 12, 15)  # a Tuesday


@pytest.mark.parametrize(
    ("text", "tense", "start", "end"),
    [
        ("what is on today", None, "2015-12-15", "2015-12-15"),
        ("anything tomorrow", None, "2015-12-16", "2015-12-16"),
        ("what is on this week", None, "2015-12-14", "2015-12-20"),
        ("next week", None, "2015-12-21", "2015-12-27"),
        ("meetings in january", None, "2016-01-01", "2016-01-31"),
        ("held in january", "past", "2015-01-01", "2015-01-31"),
        ("in february 2016", None, "2016-02-01", "2016-02-29"),
        ("between 15 january and 5 february", None, "2016-01-15", "2016-02-05"),
        ("from 1 to 5 february", None, "2016-02-01", "2016-02-05"),
        ("the week of 1 february", None, "2016-02-01", "2016-02-07"),
        ("in the next 30 days", None, "2015-12-15", "2016-01-14"),
        ("what is left this year", None, "2015-12-15", "2015-12-31"),
        ("on 3 february", None, "2016-02-03", "2016-02-03"),
        ("on february 3rd", None, "2016-02-03", "2016-02-03"),
        ("on 3 february", "past", "2015-02-03", "2015-02-03"),
        ("in 2015", None, "2015-01-01", "2015-12-31"),
        ("in april 2015", "past", "2015-04-01", "2015-04-30"),
        ("this month", None, "2015-12-01", "2015-12-31"),
        ("next month", None, "2016-01-01", "2016-01-31"),
        ("early february", None, "2016-02-01", "2016-02-10"),
        ("in the second half of january", None, "2016-01-16", "2016-01-31"),
        ("the first half of february 2016", None, "2016-02-01", "2016-02-15"),
        ("in the middle of february", None, "2016-02-11", "2016-02-20"),
        ("the first half of 2015", "past", "2015-01-01", "2015-06-30"),
        ("late 2015", None, "2015-09-01", "2015-12-31"),
        ("mid 2016", None, "2016-05-01", "2016-08-31"),
        ("in the coming weeks", None, "2015-12-15", "2016-01-12"),
        ("over the past few months", "past", "2015-09-15", "2015-12-15"),
        ("q1 2016", None, "2016-01-01", "2016-03-31"),
        ("what is happening now", None, "2015-12-15", "2015-12-15"),
        ("on 2016-02-03", None, "2016-02-03", "2016-02-03"),
    ],
)
def test_spans(text: str, tense: str | None, start: str, end: str) -> None:
    found = find_span(text, TODAY, tense)
    assert found.span is not None
    assert (found.span.start, found.span.end) == (
        date.fromisoformat(start),
        date.fromisoformat(end),
    )


def test_before_and_after_are_open() -> None:
    before = find_span("before march 2016", TODAY, None).span
    after = find_span("after 1 january", TODAY, None).span
    assert before is not None and before.start is None and before.end == date(2016, 2, 29)
    assert after is not None and after.start == date(2016, 1, 2) and after.end is None


@pytest.mark.parametrize("text", ["may i ask something", "when is inc7", "the 4 regional meetings"])
def test_no_span(text: str) -> None:
    assert find_span(text, TODAY, None).span is None


def test_january_asked_in_january_is_this_january() -> None:
    span = find_span("in january", date(2016, 1, 10), None).span
    assert span is not None and span.start == date(2016, 1, 1)
