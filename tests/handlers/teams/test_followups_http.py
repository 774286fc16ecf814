"""Teams end to end for issue 16 (real HTTP to /api/messages, replies to a fake Bot
Connector): deadlines in the Adaptive Card, a follow-up after the server restarted, and Add to
calendar opening the meeting's .ics."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from bot.clock import Clock
from handlers.web.app import create_app
from tests.bot.ask_helpers import with_deadlines
from tests.fakes.bot_connector import FakeBotConnector
from tests.handlers.teams.conftest import PUBLIC_URL, make_runtime, personal_message
from tests.servers import serve_app

pytestmark = pytest.mark.usefixtures("no_sdk_env")


async def say(base: str, connector: FakeBotConnector, text: str, n: int) -> dict[str, Any]:
    """Send a 1:1 message and return the card of the `n`th reply the connector received."""
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        response = await client.post("/api/messages", json=personal_message(connector.url, text))
    assert response.status_code == 202
    replies = await connector.wait_for(n)
    card: dict[str, Any] = replies[n - 1].cards[0]
    return card


def app(engine: Engine, clock: Clock) -> Any:
    return create_app(make_runtime(engine, clock))


async def test_deadlines_are_facts_in_the_card(
    seeded: Engine, clock: Clock, connector: FakeBotConnector
) -> None:
    with_deadlines(seeded)
    with serve_app(app(seeded, clock)) as base:
        card = await say(base, connector, "What are the deadlines for the Lusaka meeting?", 1)
    assert card["body"][0]["text"].startswith("Deadlines for the African regional meeting")
    [facts] = [b for b in card["body"] if b["type"] == "FactSet"]
    assert facts["facts"][0] == {
        "title": "Tue 29 December 2015",
        "value": "Nominations of participants, African regional meeting in preparation for "
        "INC7 (in 14 days)",
    }
    assert len(facts["facts"]) == 4


async def test_a_follow_up_is_understood_after_a_restart(
    seeded: Engine, clock: Clock, connector: FakeBotConnector
) -> None:
    with serve_app(app(seeded, clock)) as base:
        await say(base, connector, "When is the African regional meeting?", 1)
    with serve_app(app(seeded, clock)) as base:  # a new process: the database remembers
        card = await say(base, connector, "who funds it?", 2)
    assert "Switzerland, Germany and the Netherlands" in card["body"][0]["text"]
    [meeting] = [b for b in card["body"] if b["type"] == "Container"]
    assert meeting["id"] == "meeting-africa-regional-2016"


async def test_add_to_calendar_opens_the_ics(
    seeded: Engine, clock: Clock, connector: FakeBotConnector
) -> None:
    with serve_app(app(seeded, clock)) as base:
        card = await say(base, connector, "When is the Lusaka meeting?", 1)
        [meeting] = [b for b in card["body"] if b["type"] == "Container"]
        add = meeting["items"][2]["actions"][0]
        assert add == {
            "type": "Action.OpenUrl",
            "title": "Add to calendar",
            "url": f"{PUBLIC_URL}/calendar/meeting/africa-regional-2016.ics",
        }
        async with httpx.AsyncClient() as client:
            ics = await client.get(add["url"].replace(PUBLIC_URL, base))
        typed = await say(base, connector, "add it to my calendar", 2)
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    assert b"SUMMARY:African regional meeting in preparation for INC7" in ics.content
    opens = [a["title"] for a in typed["actions"]]
    assert opens == ["Calendar file (.ics)", "Google Calendar", "Outlook"]


async def test_an_undated_meeting_offers_to_tell_when_dated(
    seeded: Engine, clock: Clock, connector: FakeBotConnector
) -> None:
    with serve_app(app(seeded, clock)) as base:
        card = await say(base, connector, "When is INC7?", 1)
    [meeting] = [b for b in card["body"] if b["type"] == "Container"]
    actions = meeting["items"][2]["actions"]
    assert actions[0]["data"] == {"verb": "dated", "meeting_id": "inc7"}
    assert "Action.OpenUrl" not in [a["type"] for a in actions]
