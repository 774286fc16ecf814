"""Dates no calendar has are answered as such, and text no database keeps (lone surrogates,
NUL) gets a polite answer, never a logged traceback; through `answer()`, on both backends."""

from __future__ import annotations

import logging
from datetime import date

import pytest
from sqlalchemy import Engine

from bot.ask.impossible import FIRST_YEAR, LAST_YEAR, impossible_date
from bot.ask.timespan import find_span
from bot.conversation import Asker
from tests.bot.test_assistant import ask

SLACK = Asker(user_id="U1", platform="slack", timezone="Europe/Zurich", channel_id="D1",
              conversation="slack:D1")  # fmt: skip


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("What is on 31 February 2016?", "February 2016 has 29 days"),
        ("Any meetings on 30 February 2015?", "February 2015 has 28 days"),
        ("what's on 31 April?", "April 2016 has 30 days"),
        ("meetings on 2016-02-30", "February 2016 has 29 days"),
        ("what's on in year 99999?", f"years {FIRST_YEAR} to {LAST_YEAR}, and 99999 is not"),
        ("what is on in March 2150?", "2150 is not one of them"),
    ],
)
def test_an_impossible_date_is_answered_as_such(seeded: Engine, question: str, said: str) -> None:
    reply = ask(seeded, question)
    assert said in reply.text
    assert reply.meetings == [] and reply.intent == "unclear"


def test_a_possible_date_next_to_an_impossible_one_still_answers(seeded: Engine) -> None:
    # 29 February 2016 exists: answered from the store, not refused
    reply = ask(seeded, "What is on 29 February 2016?")
    assert reply.intent != "unclear" and "has 29 days" not in reply.text
    assert all(
        m.start_date <= date(2016, 2, 29) <= m.end_date
        for m in reply.meetings
        if m.start_date and m.end_date
    )


@pytest.mark.parametrize(
    "day", ["29 february 2016", "february 29, 2016", "2016-02-29", "31 december", "march 2016"]
)
def test_real_dates_are_not_called_impossible(day: str) -> None:
    question = f"what is on {day}"
    assert impossible_date(question, date(2015, 12, 15), None) is None
    assert find_span(question, date(2015, 12, 15), None).span is not None


@pytest.mark.parametrize(
    "message",
    [
        "subscribe me to \ud800 meetings",
        "remind me 3 days before \ud800",
        "unsubscribe me from \udfff",
        "when is \ud83d inc7?",
        "what is on \x00 next week?",
    ],
)
def test_text_no_database_keeps_gets_a_polite_answer(
    seeded: Engine, message: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        reply = ask(seeded, message, asker=SLACK)
    assert reply.intent != "error" and "Sorry, I could not" not in reply.text
    assert reply.text
    assert not [r for r in caplog.records if r.exc_info]
    reply.text.encode("utf-8")  # what goes back to Slack is real text
