"""The Adaptive Card renderer and the button payload → chat command mapping."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time

from sqlalchemy import Engine

from bot.button_commands import command_for
from bot.clock import Clock
from bot.conversation import Answer
from handlers.teams.cards import (
    CARD_BYTES,
    MAX_MEETINGS,
    answer_card,
    greeting_card,
    when_text,
)
from storage import db, repo
from storage.models import DeadlineData, Meeting
from tests.handlers.teams.conftest import PUBLIC_URL


def meeting(**values: object) -> Meeting:
    base: dict[str, object] = {
        "id": "x", "title": "X", "kind": "workshop", "status": "planned", "uid": "x@secbot",
        "precision": "day",
    }  # fmt: skip
    return Meeting(**{**base, **values})


def test_dates_for_humans() -> None:
    d = date
    assert (
        when_text(meeting(start_date=d(2016, 2, 2), end_date=d(2016, 2, 4))) == "2–4 February 2016"
    )
    assert when_text(meeting(start_date=d(2016, 2, 3), end_date=d(2016, 2, 3))) == "3 February 2016"
    assert (
        when_text(meeting(start_date=d(2016, 1, 28), end_date=d(2016, 2, 2)))
        == "28 January – 2 February 2016"
    )
    assert (
        when_text(meeting(start_date=d(2015, 12, 30), end_date=d(2016, 1, 2)))
        == "30 December 2015 – 2 January 2016"
    )
    month = meeting(start_date=d(2015, 4, 1), end_date=d(2015, 4, 30), precision="month")
    assert when_text(month) == "April 2015 (exact dates not yet announced)"
    assert when_text(meeting(precision="unknown")) == "dates not yet announced"
    timed = meeting(
        start_date=d(2016, 2, 3), end_date=d(2016, 2, 3), start_time=time(10), end_time=time(13),
        timezone="Africa/Lusaka",
    )  # fmt: skip
    assert when_text(timed) == "3 February 2016, 10:00–13:00 (Africa/Lusaka)"


def test_every_meeting_has_facts_and_buttons(seeded: Engine, clock: Clock) -> None:
    with db.session_scope(seeded) as session:
        rows = repo.list_meetings(session)
    before_all = datetime(2014, 1, 1, tzinfo=UTC)  # none is over: every button is offered
    answer = Answer(question="q", now=before_all, intent="list", text="All of them", meetings=rows)
    card = answer_card(answer, public_url=PUBLIC_URL)

    assert len(json.dumps(card).encode()) <= CARD_BYTES < 28_000  # Teams' message size limit
    containers = [b for b in card["body"] if b["type"] == "Container"]
    assert len(containers) == MAX_MEETINGS
    assert [c["id"] for c in containers] == [f"meeting-{m.id}" for m in rows[: len(containers)]]
    assert card["body"][-1]["text"].startswith(f"…and {len(rows) - len(containers)} more")
    for m, c in zip(rows, containers, strict=False):
        facts = {f["title"]: f["value"] for f in c["items"][1]["facts"]}
        assert facts["When"] == when_text(m)
        assert facts["Status"] == m.status
        if m.source_document:
            assert facts["Source"].startswith(m.source_document)
        actions = c["items"][2]["actions"]
        commands = [command_for(a["data"]) for a in actions if a["type"] == "Action.Submit"]
        if m.start_date is not None:  # Add to calendar opens the .ics itself
            assert actions[0] == {"type": "Action.OpenUrl", "title": "Add to calendar",
                                  "url": f"{PUBLIC_URL}/calendar/meeting/{m.id}.ics"}  # fmt: skip
        else:
            assert commands[0] == f"tell me when dates are set for {m.id}"
        assert commands[-1] is not None and commands[-1].startswith("subscribe me to ")
        [remind] = [a for a in actions if a["type"] == "Action.ShowCard"] or [None]
        if m.start_date is not None and m.status != "cancelled":
            assert remind is not None
            assert [command_for(a["data"]) for a in remind["card"]["actions"]] == [
                f"remind me {offset} before {m.id}"
                for offset in ("1 day", "3 days", "1 week", "2 weeks")
            ]


def test_past_meetings_offer_no_reminder_or_subscription(seeded: Engine, clock: Clock) -> None:
    with db.session_scope(seeded) as session:
        held = repo.get_meeting(session, meeting_id="bureau-moscow-2015")
        coming = repo.get_meeting(session, meeting_id="africa-regional-2016")
    assert held is not None and coming is not None
    answer = Answer(question="q", now=clock.now(), intent="list", text="t", meetings=[held, coming])
    past, future = [b for b in answer_card(answer, public_url=PUBLIC_URL)["body"] if "id" in b]
    assert [a["title"] for a in past["items"][2]["actions"]] == [
        "Add to calendar", "Google Calendar", "Outlook",
    ]  # fmt: skip
    assert [a["title"] for a in future["items"][2]["actions"]][-2:] == ["Remind me", "Subscribe"]


def test_deadlines_are_facts_with_days_left(seeded: Engine, clock: Clock) -> None:
    with db.session_scope(seeded) as session:
        lusaka = repo.get_meeting(session, meeting_id="africa-regional-2016")
        assert lusaka is not None
        due = repo.add_deadline(
            session,
            data=DeadlineData(meeting_id=lusaka.id, title="Registration", kind="registration",
                              due_date=date(2016, 1, 12)),
            now=clock.now(),
        )  # fmt: skip
    answer = Answer(
        question="q", now=clock.now(), intent="list", text="Deadlines:\n• 12 January",
        today=date(2015, 12, 15), meetings=[lusaka], deadlines=[due],
    )  # fmt: skip
    card = answer_card(answer, public_url=PUBLIC_URL)
    assert card["body"][0]["text"] == "Deadlines:"
    [facts] = [b for b in card["body"] if b["type"] == "FactSet"]
    assert facts["facts"] == [
        {"title": "Tue 12 January 2016", "value": f"Registration, {lusaka.title} (in 28 days)"}
    ]


def listing(count: int, *, title: str = "Workshop") -> Answer:
    """An answer as the core words a list: a heading, a "• …" line per meeting, a note."""
    rows = [
        meeting(id=f"w{i}", title=f"{title} {i}", start_date=date(2016, 3, 1 + i % 28))
        for i in range(count)
    ]
    lines = "\n".join(f"• {m.title}, 1 March 2016" for m in rows)
    text = f"Meetings ({count}):\n{lines}\n…and more: these are the first {count}."
    return Answer(question="q", now=None, intent="list", text=text, meetings=rows)  # type: ignore[arg-type]


def texts(card: dict) -> list[str]:
    return [b["text"] for b in card["body"] if b["type"] == "TextBlock"]


def test_a_meeting_shown_with_buttons_leaves_its_line_out() -> None:
    answer = listing(MAX_MEETINGS + 4)
    card = answer_card(answer, public_url=PUBLIC_URL)
    shown = [b["id"] for b in card["body"] if b["type"] == "Container"]
    assert shown == [f"meeting-w{i}" for i in range(MAX_MEETINGS)]
    heading, rest, note = texts(card)
    assert heading == f"Meetings ({MAX_MEETINGS + 4}):"
    assert rest.splitlines() == [
        f"• Workshop {i}, 1 March 2016" for i in range(MAX_MEETINGS, MAX_MEETINGS + 4)
    ]
    assert note == f"…and more: these are the first {MAX_MEETINGS + 4}."
    assert card["fallbackText"] == answer.text


def test_lines_that_are_not_one_per_meeting_are_all_kept() -> None:
    answer = listing(3)
    answer.text += "\n• a line about something else"
    card = answer_card(answer, public_url=PUBLIC_URL)
    assert len(texts(card)[1].splitlines()) == 4


def test_a_card_too_big_for_teams_shows_fewer_meetings_and_says_so() -> None:
    answer = listing(40, title="Intersessional technical workshop on " + "adaptation " * 200)
    card = answer_card(answer, public_url=PUBLIC_URL)
    assert len(json.dumps(card, ensure_ascii=False).encode()) <= CARD_BYTES
    shown = [b for b in card["body"] if b["type"] == "Container"]
    listed = [line for t in texts(card) for line in t.splitlines() if line.startswith("•")]
    assert 1 <= len(shown) < MAX_MEETINGS
    assert texts(card)[-1] == (
        f"…and {40 - len(shown) - len(listed)} more. Ask more narrowly to see them."
    )


def test_undated_meetings_have_no_calendar_file_link() -> None:
    undated = meeting(id="inc7", precision="unknown")
    answer = Answer(question="q", now=None, intent="when", text="t", meetings=[undated])  # type: ignore[arg-type]
    [container] = [b for b in answer_card(answer, public_url=PUBLIC_URL)["body"] if "id" in b]
    assert "Action.OpenUrl" not in [a["type"] for a in container["items"][2]["actions"]]


def test_answer_links_become_open_url_actions() -> None:
    answer = Answer(
        question="q", now=None, intent="feed", text="Your feed",  # type: ignore[arg-type]
        links={"Subscribe in Outlook": "webcal://secbot.example.org/calendar/me.ics"},
    )  # fmt: skip
    card = answer_card(answer, public_url=PUBLIC_URL)
    assert card["actions"] == [
        {
            "type": "Action.OpenUrl",
            "title": "Subscribe in Outlook",
            "url": "webcal://secbot.example.org/calendar/me.ics",
        }
    ]


def test_greeting_offers_examples() -> None:
    card = greeting_card()
    assert card["version"] == "1.5"
    assert all(command_for(a["data"]) == a["title"] for a in card["actions"])


def test_button_payloads() -> None:
    global_meeting = {"verb": "subscribe", "meeting_id": "m", "region": "global"}
    assert command_for({**global_meeting, "kind": "regional_meeting"}) == (
        "subscribe me to regional meetings"
    )
    assert command_for({"verb": "subscribe", "meeting_id": "m", "kind": "workshop"}) == (
        "subscribe me to workshops"
    )
    for bad in (
        {},
        {"verb": "calendar"},
        {"verb": "calendar", "meeting_id": "../etc"},
        {"verb": "remind", "meeting_id": "m", "days": "soon"},
        {"verb": "remind", "meeting_id": "m", "days": 5},
        {"verb": "ask", "question": "   "},
        {"verb": "delete everything", "meeting_id": "m"},
    ):
        assert command_for(bad) is None
