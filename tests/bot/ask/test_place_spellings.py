"""Places in questions are read with the same rule as imports: a city's own name wins over
another city's alternate spelling ("Cancun" is Cancún, not Changchun), and a far spelling of a
large city is that city ("Kiev" is Kyiv)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from bot import meetings
from bot.assistant import answer
from bot.clock import parse_instant
from bot.conversation import Answer, Asker
from storage import db
from storage.importers import read_text
from tests.runtimes import runtime_of

SHEET = """id,Meeting,Dates,Location
mx,Workshop on coastal wetlands,3-6 June 2025,"Cancún, Mexico"
cn,Workshop on river basins,10-12 June 2025,"Changchun, China"
ua,Expert group meeting on soils,16-18 June 2025,"Kyiv, Ukraine"
"""
NOW = "2025-05-01"


@pytest.fixture
def store(engine: Engine) -> Engine:
    result = read_text(SHEET, fmt="csv", name="places.csv")
    assert result.errors == []
    with db.session_scope(engine) as session:
        meetings.import_meetings(
            session, items=result.meetings, now=datetime(2025, 1, 1, tzinfo=ZoneInfo("UTC"))
        )
    return engine


def ask(engine: Engine, text: str) -> Answer:
    return answer(
        text,
        runtime=runtime_of(engine),
        asker=Asker(timezone="Europe/Zurich"),
        now=parse_instant(NOW, ZoneInfo("UTC")),
    )


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What's on in Cancun?", ["mx"]),
        ("What's on in Cancún?", ["mx"]),
        ("What's on in Changchun?", ["cn"]),
        ("What's on in Kiev?", ["ua"]),
        ("Anything in Kyiv?", ["ua"]),
    ],
)
def test_a_city_is_read_as_imports_read_it(
    store: Engine, question: str, expected: list[str]
) -> None:
    assert [m.id for m in ask(store, question).meetings] == expected


def test_a_city_with_no_meeting_is_not_another_city_spelled_alike(engine: Engine) -> None:
    only_changchun = "\n".join(line for line in SHEET.splitlines() if not line.startswith("mx,"))
    result = read_text(only_changchun + "\n", fmt="csv", name="places.csv")
    with db.session_scope(engine) as session:
        meetings.import_meetings(
            session, items=result.meetings, now=datetime(2025, 1, 1, tzinfo=ZoneInfo("UTC"))
        )
    a = ask(engine, "What's on in Cancun?")
    assert [m.id for m in a.meetings] == []
    assert "Changchun" not in a.text
