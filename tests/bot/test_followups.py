"""Follow-ups: a conversation remembers the meetings of its last answer (in the database, so a
new process and another replica remember too) until it expires."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.conversation import Asker
from bot.settings import Settings
from storage import db
from storage.models import ConversationMemory
from tests.bot.ask_helpers import ask, deadline_labels, ids, instant, with_deadlines
from tests.runtimes import runtime_of

SECBOT = str(Path(sys.executable).parent / "secbot")
ANA = Asker(user_id="U0ANA", platform="slack", timezone="Europe/Zurich", channel_id="D0ANA",
            conversation="slack:D0ANA")  # fmt: skip


def test_pronouns_and_ellipses_follow_the_last_answer(seeded: Engine) -> None:
    assert ids(ask(seeded, "When is the African regional meeting?", asker=ANA).meetings)[:1] == [
        "africa-regional-2016"
    ]
    funds = ask(seeded, "who funds it?", asker=ANA)
    assert ids(funds.meetings) == ["africa-regional-2016"]
    assert "Switzerland, Germany and the Netherlands" in funds.text
    brno = ask(seeded, "and the one in Brno?", asker=ANA)  # the same question, another meeting
    assert ids(brno.meetings)[:1] == ["cee-regional-2016"] and brno.intent == "funders"
    remind = ask(seeded, "remind me 3 days before it", asker=ANA)
    assert remind.intent == "reminder_set" and "Sunday 31 January 2016" in remind.text
    calendar = ask(seeded, "add it to my calendar", asker=ANA)
    assert calendar.links["Calendar file (.ics)"].endswith(
        "/calendar/meeting/cee-regional-2016.ics"
    )


def test_a_deadline_conversation_stays_about_deadlines(seeded: Engine) -> None:
    store = with_deadlines(seeded)
    ask(store, "What are the deadlines for the Lusaka meeting?", asker=ANA)
    first = ask(store, "which of them comes first?", asker=ANA)
    assert deadline_labels(first) == {"nominations 2015-12-29"}
    montevideo = ask(store, "and for the Montevideo meeting?", asker=ANA)
    assert ids(montevideo.meetings) == ["lac-regional-2016"]
    assert deadline_labels(montevideo) == {"nominations 2016-01-05"}


def test_without_a_conversation_nothing_is_remembered(seeded: Engine) -> None:
    alone = Asker(user_id="U0ANA", platform="slack", timezone="Europe/Zurich")
    ask(seeded, "When is the African regional meeting?", asker=alone)
    unclear = ask(seeded, "who funds it?", asker=alone)
    assert unclear.intent == "unclear" and unclear.meetings == []
    assert unclear.text.startswith("Which meeting do you mean?")
    other = Asker(user_id="U0BEN", platform="slack", conversation="slack:D0BEN")
    assert ask(seeded, "who funds it?", asker=other).intent == "unclear"


def test_memory_survives_a_new_engine_and_expires(database_url: str, clock) -> None:  # type: ignore[no-untyped-def]
    first = db.make_engine(database_url)
    db.upgrade(first)
    from storage.seed import load_seed

    with db.session_scope(first) as session:
        load_seed(session, now=clock.now())
    ask(first, "When is the African regional meeting?", asker=ANA)
    first.dispose()
    second = db.make_engine(database_url)  # another process, or a replica
    funds = ask(second, "who funds it?", asker=ANA)
    assert ids(funds.meetings) == ["africa-regional-2016"]
    settings = Settings(conversation_minutes=30)
    later = instant("2015-12-15") + timedelta(minutes=31)
    from bot.assistant import answer

    stale = answer("who funds it?", runtime=runtime_of(second, settings=settings), asker=ANA,
                   now=later)  # fmt: skip
    assert "africa-regional-2016" in ids(stale.meetings)  # the last answer renewed it
    much_later = later + timedelta(minutes=31)
    forgotten = answer("who funds it?", runtime=runtime_of(second, settings=settings),
                       asker=ANA, now=much_later)  # fmt: skip
    assert ids(forgotten.meetings) != ["africa-regional-2016"]
    ben = Asker(user_id="U0BEN", platform="slack", conversation="slack:D0BEN")
    answer("When is INC7?", runtime=runtime_of(second, settings=settings), asker=ben,
           now=much_later)  # fmt: skip
    with Session(second) as session:  # expired memories are pruned as new ones are kept
        keys = list(session.exec(select(ConversationMemory.key)))
    assert keys == ["slack:D0BEN"]
    second.dispose()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_secbot_ask_conversation_follows_up_across_processes(cli_env: dict[str, str]) -> None:
    def run(*args: str) -> dict:  # type: ignore[type-arg]
        out = subprocess.run([SECBOT, *args], env=cli_env, capture_output=True, text=True,
                             timeout=120, check=True)  # fmt: skip
        return json.loads(out.stdout) if "--json" in args else {}

    run("seed")
    first = run("ask", "--json", "--now", "2015-12-15", "--conversation", "c1",
                "When is the African regional meeting?")  # fmt: skip
    assert first["meetings"][0]["id"] == "africa-regional-2016"
    funds = run("ask", "--json", "--now", "2015-12-15", "--conversation", "c1", "who funds it?")
    assert [m["id"] for m in funds["meetings"]] == ["africa-regional-2016"]
    assert funds["suggestions"] == []
    other = run("ask", "--json", "--now", "2015-12-15", "--conversation", "c2", "who funds it?")
    assert [m["id"] for m in other["meetings"]] != ["africa-regional-2016"]


def test_they_are_all_the_meetings_last_named(seeded: Engine) -> None:
    group = Asker(user_id="U0ANA", platform="slack", conversation="slack:C0:1.0")
    named = ids(ask(seeded, "What regional meetings are coming up?", asker=group).meetings)
    assert len(named) == 4
    assert ids(ask(seeded, "who funds them?", asker=group).meetings) == named
    first = ask(seeded, "which of them comes first?", asker=group)
    assert ids(first.meetings) == named[:1]
    assert ask(seeded, "Is it possible to see all meetings?", asker=group).intent == "list"
