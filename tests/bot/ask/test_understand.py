"""Questions → structured queries, against the seed vocabulary."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from bot.ask.query import Query
from bot.ask.understand import understand
from bot.ask.vocabulary import vocabulary

TODAY = date(2015, 12, 15)


@pytest.fixture
def read(seeded: Engine):  # type: ignore[no-untyped-def]
    with Session(seeded) as session:
        vocab = vocabulary(session, seeded)

    def _read(text: str, today: date = TODAY) -> Query:
        return understand(text, vocab=vocab, today=today)

    return _read


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("When is the Asia-Pacific regional meeting?", "when"),
        ("Where did the working group meet?", "where"),
        ("What meetings are coming up?", "list"),
        ("How many regional meetings are planned?", "count"),
        ("How long is the Lusaka meeting?", "duration"),
        ("How many days is the Lusaka meeting?", "duration"),
        ("How many days until INC7?", "days_until"),
        ("Who funds the regional meetings?", "funders"),
        ("Who hosted the working group on financing?", "hosts"),
        ("Is there anything in Geneva?", "exists"),
        ("hi", "greeting"),
        ("Hello!", "greeting"),
        ("help", "help"),
        ("what can you do?", "help"),
        ("thanks", "thanks"),
        ("asdf qwerty", "unknown"),
        ("meetings in Kenya", "list"),
        ("Tell me about ICMGP", "describe"),
    ],
)
def test_intents(read, text: str, intent: str) -> None:  # type: ignore[no-untyped-def]
    assert read(text).intent == intent


@pytest.mark.parametrize(
    ("text", "city"),
    [
        ("meetings in montevido", "Montevideo"),
        ("What's on in São Paulo?", "Sao Paulo"),
        ("anything in sao paulo", "Sao Paulo"),
        ("when is the jakrta meeting", "Jakarta"),
        ("What happened in Port of Spain?", "Port of Spain"),
        ("meetings in Mexico City", "Mexico City"),
    ],
)
def test_cities_with_typos_and_accents(read, text: str, city: str) -> None:  # type: ignore[no-untyped-def]
    assert read(text).cities == [city]


def test_regions_and_abbreviations(read) -> None:  # type: ignore[no-untyped-def]
    assert read("meetings in CEE").regions == ["Central and Eastern Europe and Central Asia"]
    assert read("LAC meetings").regions == ["Latin America and the Caribbean"]
    q = read("Where is the regional meeting for Central and Eastern Europe and Central Asia?")
    assert q.regions == ["Central and Eastern Europe and Central Asia"]
    assert q.kinds == ["regional_meeting"]
    assert "ID" in read("meetings in the Asia-Pacific region").place_countries


def test_continent_covers_its_countries(read) -> None:  # type: ignore[no-untyped-def]
    q = read("meetings in Asia")
    assert "ID" in q.place_countries and "KR" in q.place_countries
    assert "CH" not in q.place_countries


def test_known_place_without_meetings_is_unknown_place(read) -> None:  # type: ignore[no-untyped-def]
    q = read("When is the meeting in Paris?")
    assert q.unknown_place == "Paris" and not q.cities


def test_country(read) -> None:  # type: ignore[no-untyped-def]
    assert read("meetings in Kenya").countries == ["KE"]
    assert read("meetings in South Korea").countries == ["KR"]


@pytest.mark.parametrize(
    ("text", "kinds", "title_words"),
    [
        ("List the subregional workshops", ["workshop"], ["subregional"]),
        ("when is the bureau meeting", ["bureau"], []),
        ("the third meeting of the expert group", ["expert_group"], []),
        ("where did the working group on financing meet", ["working_group"], []),
        ("when was the retreat", ["retreat"], []),
        ("which conferences were held", ["conference"], []),
    ],
)
def test_kinds(read, text: str, kinds: list[str], title_words: list[str]) -> None:  # type: ignore[no-untyped-def]
    q = read(text)
    assert q.kinds == kinds
    assert q.title_words == title_words


@pytest.mark.parametrize(
    ("text", "short"),
    [("When is INC7?", "INC7"), ("when is inc 7", "INC7"), ("When was ICCM4?", "ICCM4"),
     ("Where was ICMGP?", "ICMGP"), ("When were the BRS COPs?", "BRS COPs")],
)  # fmt: skip
def test_short_names(read, text: str, short: str) -> None:  # type: ignore[no-untyped-def]
    assert read(text).short_names == [short]


def test_series(read) -> None:  # type: ignore[no-untyped-def]
    q = read("where did the ad hoc working group of experts on financing meet")
    assert q.series == ["ad hoc working group of experts on financing"]


def test_ordinals(read) -> None:  # type: ignore[no-untyped-def]
    assert read("When was the third meeting of the expert group?").ordinal == 3
    assert read("fourth meeting of the expert group").ordinal == 4
    assert read("When is the seventh session?").ordinal == 7
    first = read("What is the first meeting in 2016?")
    assert first.ordinal is None and first.selector == "first"


def test_organisations_and_roles(read) -> None:  # type: ignore[no-untyped-def]
    q = read("Which meetings does Switzerland fund?")
    assert q.organisations == ["Switzerland"] and q.org_role == "funders"
    assert not q.countries
    place = read("meetings in Switzerland")
    assert place.countries == ["CH"] and not place.organisations
    assert read("Who funds the regional meetings?").organisations == []  # "who" is no WHO


def test_tense(read) -> None:  # type: ignore[no-untyped-def]
    assert read("When was the Minsk workshop?").tense == "past"
    assert read("What did the bureau do?").tense == "past"
    assert read("What meetings are coming up?").tense == "future"
    assert read("How many regional meetings are planned?").tense == "future"
    assert read("When is the Lusaka meeting?").tense is None


def test_selectors(read) -> None:  # type: ignore[no-untyped-def]
    assert read("When is the next meeting?").selector == "next"
    assert read("When was the last bureau meeting?").selector == "last"
    assert read("the next 3 meetings").limit == 3


def test_long_input_is_cut(read) -> None:  # type: ignore[no-untyped-def]
    q = read("when " * 2000)
    assert q.truncated and len(q.text) == 4000
