"""Deadlines in answers: a meeting's, by kind, in a span, the next one, days left; exactly
those that answer, and an honest "none" that names the next one (both backends)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from bot.ask.understand import understand
from bot.ask.vocabulary import Vocabulary
from tests.bot.ask_helpers import ask, deadline_labels, ids, with_deadlines


@pytest.fixture
def store(seeded: Engine) -> Engine:
    return with_deadlines(seeded)


def test_a_meetings_deadlines(store: Engine) -> None:
    a = ask(store, "What are the deadlines for the Lusaka meeting?")
    assert ids(a.meetings) == ["africa-regional-2016"]
    assert deadline_labels(a) == {
        "nominations 2015-12-29", "documents 2016-01-12", "registration 2016-01-12",
        "travel 2016-01-19",
    }  # fmt: skip
    assert "29 December 2015" in a.text and "(in 14 days)" in a.text
    assert [d["days_left"] for d in a.to_json()["deadlines"]] == [14, 28, 28, 35]


def test_by_kind_only_that_kind(store: Engine) -> None:
    a = ask(store, "When is the registration deadline for the Brno meeting?")
    assert deadline_labels(a) == {"registration 2016-01-13"}
    assert "13 January 2016" in a.text
    a = ask(store, "How many days are left to send nominations for the Montevideo meeting?")
    assert deadline_labels(a) == {"nominations 2016-01-05"} and a.text.startswith("21 days left")


def test_a_kind_the_meeting_lacks_is_said_so_with_no_deadline_listed(store: Engine) -> None:
    a = ask(store, "Is there a visa deadline for the Lusaka meeting?")
    assert a.deadlines == []
    assert a.text.startswith("No:") and "visa deadline" in a.text
    assert "Registration, 12 January 2016" in a.text  # what it has instead


@pytest.mark.parametrize(
    ("now", "question", "expected"),
    [
        ("2015-12-15", "What's due this week?", {"nominations 2015-12-16"}),
        ("2016-01-11", "What's due this week?",
         {"documents 2016-01-12", "registration 2016-01-12", "documents 2016-01-13",
          "registration 2016-01-13"}),
        ("2015-12-15", "Which deadlines fall in January?",
         {"nominations 2016-01-05", "travel 2016-01-06", "documents 2016-01-12",
          "registration 2016-01-12", "documents 2016-01-13", "registration 2016-01-13",
          "documents 2016-01-19", "registration 2016-01-19", "travel 2016-01-19",
          "travel 2016-01-20", "travel 2016-01-26"}),
        ("2015-12-15", "What is the next deadline?", {"nominations 2015-12-16"}),
    ],
)  # fmt: skip
def test_deadlines_in_a_span_and_the_next(
    store: Engine, now: str, question: str, expected: set[str]
) -> None:
    a = ask(store, question, now)
    assert deadline_labels(a) == expected, a.text


def test_the_next_deadline_says_how_soon(store: Engine) -> None:
    a = ask(store, "What is the next deadline?")
    assert "(tomorrow)" in a.text and "Asia-Pacific" in a.text


def test_nothing_due_names_the_next_one(store: Engine) -> None:
    a = ask(store, "What deadlines are due this week?", "2015-12-21")
    assert a.deadlines == [] and a.meetings == []
    assert a.text.startswith("Nothing is due this week.")
    assert "The next one: Nominations of participants" in a.text and "29 December 2015" in a.text
    assert ids(a.suggestions) == ["africa-regional-2016"]


def test_an_undated_meeting_has_no_deadlines_yet(store: Engine) -> None:
    a = ask(store, "any deadlines for INC7?")
    assert a.deadlines == [] and "dates are not announced" in a.text
    assert not a.text.startswith("Yes")


def test_a_meeting_question_is_not_a_deadline_question(store: Engine) -> None:
    a = ask(store, "When is the Lusaka meeting?")
    assert a.intent == "when" and a.text.startswith("The African regional meeting")
    vocab = Vocabulary({}, frozenset(), {}, {}, {}, {})
    for question in ("Where is the registration desk?", "What documents were adopted?"):
        assert not understand(question, vocab=vocab, today=date(2015, 12, 15)).deadlines
    for question in ("When does registration close?", "What is due for INC7?"):
        assert understand(question, vocab=vocab, today=date(2015, 12, 15)).deadlines
