"""Questions read with the data's own words: series and short names from titles (plurals,
ordinals within a series, numbers a series does not have), superlatives within a group, role
verbs, organisations' short forms and countries' adjectives derived from the store."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from bot import meetings
from bot.ask import words
from bot.assistant import answer
from bot.clock import parse_instant
from bot.conversation import Answer, Asker
from storage import db
from storage.importers import read_text
from tests.runtimes import runtime_of

SHEET = """id,Meeting,Dates,Location,Notes
cop1,First meeting of the Conference of the Parties (COP1),3-7 March 2025,"Kenyatta International Convention Centre, Nairobi, Kenya",Hosted by the Government of Kenya.
cop2,Second meeting of the Conference of the Parties (COP2),10-14 November 2026,"Centro de Convenciones, Cartagena, Colombia",Sponsored by Norway.
ws1,Regional workshop on drylands for Africa,2-4 June 2025,"Dakar, Senegal",Funded by the European Union.
ws2,Regional workshop on drylands for Asia,8-10 September 2025,"Tashkent, Uzbekistan",With the support of Japan.
ws3,Regional workshop on drylands for Latin America,1-3 December 2026,"Lima, Peru",Paid for by Norway.
bur,Bureau meeting,20/01/2026,Microsoft Teams Meeting,
web,Webinar on land restoration,15/04/2025,https://zoom.us/j/1,
"""  # noqa: E501
NOW = "2025-07-01"


@pytest.fixture
def drylands(engine: Engine) -> Engine:
    result = read_text(SHEET, fmt="csv", name="drylands.csv")
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


def ids(a: Answer) -> list[str]:
    return [m.id for m in a.meetings]


@pytest.mark.parametrize(
    ("question", "first"),
    [("When is the second COP?", "cop2"), ("When is COP 2?", "cop2"),
     ("when is cop2", "cop2"), ("When was the first Conference of the Parties?", "cop1"),
     ("When is the next Conference of the Parties?", "cop2"),
     ("When is the final workshop of the series?", "ws3"),
     ("When was the last workshop?", "ws1"),
     ("When is the Kenyan meeting?", "cop1")],
)  # fmt: skip
def test_one_meeting_named_in_the_datas_words(drylands: Engine, question: str, first: str) -> None:
    a = ask(drylands, question)
    assert ids(a)[:1] == [first], a.text


@pytest.mark.parametrize(
    ("question", "expected"),
    [("List the COPs", {"cop1", "cop2"}),
     ("Which meetings are sponsored by Norway?", {"cop2", "ws3"}),
     ("Which meetings are paid for by Norway?", {"cop2", "ws3"}),
     ("Which meetings are supported by Japan?", {"ws2"}),
     ("Which meetings does the EU fund?", {"ws1"}),
     ("Are there any webinars?", {"web"})],
)  # fmt: skip
def test_lists_named_in_the_datas_words(
    drylands: Engine, question: str, expected: set[str]
) -> None:
    a = ask(drylands, question)
    assert set(ids(a)) == expected, a.text


@pytest.mark.parametrize("question", ["When is COP 9?", "When is COP-12?", "when is cop9"])
def test_a_number_the_series_does_not_have_finds_nothing(drylands: Engine, question: str) -> None:
    a = ask(drylands, question)
    assert a.meetings == [], a.text
    assert "COP" in a.text


def test_no_word_list_of_one_secretariats_names_is_left() -> None:
    assert not hasattr(words, "ORG_ALIASES") and not hasattr(words, "DEMONYMS")
    assert all(w.series is None for w in words.KIND_PHRASES.values())
