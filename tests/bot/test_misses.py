"""Honesty over guessing: names the store lacks get "I have no …" with labelled suggestions,
never an unrelated meeting as the answer; empty spans name the next meeting; "what comes after
X"; seasons and holidays; titles of meetings added later are found by their own words."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from bot import meetings
from storage import db
from storage.models import MeetingData
from tests.bot.ask_helpers import ask, ids


def test_a_short_name_the_store_lacks_is_said_so(seeded: Engine) -> None:
    a = ask(seeded, "When is INC8?")
    assert a.meetings == [] and "I have no meeting called INC8" in a.text
    assert ids(a.suggestions)[0] == "inc7"  # the same letters, the nearest number
    assert "suggestions" in a.to_json()
    cop = ask(seeded, "When is COP1?")
    assert cop.meetings == [] and "COP1" in cop.text
    # only mentioned in two meetings' descriptions: offered as such, not as COP1
    assert "mention it" in cop.text
    assert set(ids(cop.suggestions)) <= {"asia-pacific-regional-2016", "africa-regional-2016"}


@pytest.mark.parametrize(
    ("question", "said", "nearest"),
    [
        ("When is the fifth meeting of the technical expert group?",
         "the fifth meeting of the technical expert group", "expert-group-4-stockholm-2015"),
        ("Where is the fifth International Conference on Chemicals Management?",
         "the fifth International Conference on Chemicals Management", "iccm4"),
        ("When was the first meeting of the conference of the parties?",
         "the first meeting of the conference of the parties", "brs-cops-2015"),
    ],
)  # fmt: skip
def test_an_ordinal_the_store_lacks_is_said_in_the_askers_words(
    seeded: Engine, question: str, said: str, nearest: str
) -> None:
    a = ask(seeded, question)
    assert a.meetings == []
    assert f"I have no record of {said}" in a.text
    assert ids(a.suggestions)[0] == nearest


def test_a_typo_of_a_city_with_meetings_is_that_city(seeded: Engine) -> None:
    a = ask(seeded, "when is the meeting in Lusak")
    assert ids(a.meetings) == ["africa-regional-2016"]
    assert "I don't know" not in a.text


def test_a_title_added_later_is_found_by_its_own_words(seeded: Engine, clock) -> None:  # type: ignore[no-untyped-def]
    with db.session_scope(seeded) as session:
        meetings.add(
            session,
            data=MeetingData(id="bureau-call-2016", title="Bureau call on INC7 logistics",
                             kind="teleconference", start="2016-01-07", online=True),
            now=clock.now(),
        )  # fmt: skip
    a = ask(seeded, "When is the bureau call on INC7 logistics?")
    assert ids(a.meetings)[:1] == ["bureau-call-2016"]


@pytest.mark.parametrize(
    ("now", "question", "next_id"),
    [
        ("2016-01-25", "What's on this week?", "africa-regional-2016"),
        ("2015-08-01", "Any meetings in August?", "expert-group-4-stockholm-2015"),
        ("2015-12-15", "Is anything on over Christmas?", "bureau-jakarta-2016"),
        ("2015-12-15", "What's on tomorrow?", "bureau-jakarta-2016"),
    ],
)
def test_nothing_in_the_span_names_the_next_one(
    seeded: Engine, now: str, question: str, next_id: str
) -> None:
    a = ask(seeded, question, now)
    assert a.meetings == [], a.text
    assert a.text.startswith("I found no meetings") and "The next one:" in a.text
    assert ids(a.suggestions) == [next_id]


@pytest.mark.parametrize(
    ("question", "first"),
    [
        ("What comes after the Brno meeting?", "lac-regional-2016"),
        ("What's after the Lusaka meeting?", "cee-regional-2016"),
        ("What comes before the Lusaka meeting?", "asia-pacific-regional-2016"),
    ],
)
def test_what_comes_after_or_before_a_meeting(seeded: Engine, question: str, first: str) -> None:
    a = ask(seeded, question)
    assert ids(a.meetings)[:1] == [first], a.text


@pytest.mark.parametrize(
    ("now", "question", "must", "never"),
    [
        ("2015-01-10", "What's on this spring?",
         {"regional-workshop-nairobi-2015", "regional-workshop-bratislava-2015", "brs-cops-2015"},
         {"workshop-apia-2015", "bureau-moscow-2015"}),
        ("2015-12-15", "What did we have last summer?", {"bureau-moscow-2015"},
         {"financing-working-group-sao-paulo-2015"}),
        ("2015-12-15", "Which meetings are before the summer break?",
         {"bureau-jakarta-2016", "lac-regional-2016"}, {"inc6", "iccm4"}),
        ("2015-12-15", "Any workshops in Europe this spring?", set(),
         {"regional-workshop-bratislava-2015"}),
    ],
)  # fmt: skip
def test_seasons_bound_the_answer(
    seeded: Engine, now: str, question: str, must: set[str], never: set[str]
) -> None:
    got = set(ids(ask(seeded, question, now).meetings))
    assert must <= got and not (never & got)


def test_a_reminder_for_a_past_meeting_is_refused_from_any_surface(seeded: Engine) -> None:
    a = ask(seeded, "Remind me 3 days before the Moscow bureau meeting")
    assert a.intent == "reminder_error" and "already took place" in a.text
