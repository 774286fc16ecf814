import pytest

from storage import places


@pytest.mark.parametrize(
    ("text", "code"),
    [("Czech Republic", "CZ"), ("czechia", "CZ"), ("KR", "KR"), ("Republic of Korea", "KR"),
     ("Côte d'Ivoire", "CI"), ("United States of America", "US"), ("zmb", "ZM"),
     ("Atlantis", None)],
)  # fmt: skip
def test_country_code(text: str, code: str | None) -> None:
    assert places.country_code(text) == code


@pytest.mark.parametrize(
    ("code", "region"),
    [("ID", places.ASIA_PACIFIC), ("WS", places.ASIA_PACIFIC), ("ZM", places.AFRICA),
     ("CZ", places.CEE), ("KZ", places.CEE), ("BY", places.CEE), ("UY", places.LAC),
     ("MX", places.LAC), ("TT", places.LAC), ("US", places.WEOG), ("CH", places.WEOG),
     ("AU", places.WEOG), ("CY", places.ASIA_PACIFIC)],
)  # fmt: skip
def test_country_region_follows_un_groups(code: str, region: str) -> None:
    assert places.country_region(code) == region


@pytest.mark.parametrize(
    ("text", "region"),
    [("CEE", places.CEE), ("lac", places.LAC), ("Asia Pacific", places.ASIA_PACIFIC),
     ("African", places.AFRICA), ("nowhere", None)],
)  # fmt: skip
def test_region_names_and_abbreviations(text: str, region: str | None) -> None:
    assert places.region_name(text) == region


def test_cities_ignore_accents_and_prefer_the_big_one() -> None:
    sao = places.find_city("Sao Paulo")
    assert sao is not None and sao.country == "BR" and sao.timezone == "America/Sao_Paulo"
    assert places.find_city("São Paulo") == sao
    assert places.city_timezone("Brno") == "Europe/Prague"
    assert places.find_city("Nowhere-on-Sea") is None


def test_a_citys_own_name_wins_over_another_citys_spelling() -> None:
    cancun = places.find_city("Cancun")
    assert cancun is not None and (cancun.name, cancun.country) == ("Cancún", "MX")
    kyiv = places.find_city("Kiev")
    assert kyiv is not None and kyiv.country == "UA"
    assert places.is_own_name("New York", "New York City")
    assert not places.is_own_name("Cancun", "Changchun")
