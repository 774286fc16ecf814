from datetime import date

import pytest

from storage.importers.prose.dates import find_dates, normalise

REF = date(2017, 7, 4)


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        ("from 31 October to 4 November 2011", "2011-10-31", "2011-11-04", "day"),
        ("on 3 and 4 February 2016", "2016-02-03", "2016-02-04", "day"),
        ("26–28 November 2014", "2014-11-26", "2014-11-28", "day"),
        ("18 - 19 January 2016", "2016-01-18", "2016-01-19", "day"),
        ("between the 30th of October and the 1st of November 2014", "2014-10-30", "2014-11-01",
         "day"),
        ("from the 28th July – 2nd August 2013", "2013-07-28", "2013-08-02", "day"),
        ("from 28 September to 2 October, 2015", "2015-09-28", "2015-10-02", "day"),
        ("29 December 2014 to 2 January 2015", "2014-12-29", "2015-01-02", "day"),
        ("September 7-11, 2015", "2015-09-07", "2015-09-11", "day"),
        ("October 31 – November 4, 2011", "2011-10-31", "2011-11-04", "day"),
        ("from the 24th to the 28th of September 2017", "2017-09-24", "2017-09-28", "day"),
        ("on Monday, 7 September 2015", "2015-09-07", "2015-09-07", "day"),
        ("Sept. 4, 2015", "2015-09-04", "2015-09-04", "day"),
        ("2015-09-07 to 2015-09-11", "2015-09-07", "2015-09-11", "day"),
        ("held on 11October 2016", "2016-10-11", "2016-10-11", "day"),
        ("in April 2015", "2015-04-01", "2015-04-30", "month"),
        ("in mid-April 2015", "2015-04-01", "2015-04-30", "month"),
        ("from 18 to 20 July", "2017-07-18", "2017-07-20", "day"),  # year from the document
        ("between March 2014 and February 2015", "2014-03-01", "2015-02-28", "period"),
        ("from 28/08/2024 to 30/08/2024", "2024-08-28", "2024-08-30", "day"),
        ("Date: 03/06/2024", "2024-06-03", "2024-06-03", "day"),  # day first
        ("on 08/28/2024", "2024-08-28", "2024-08-28", "day"),  # the day cannot come first
        ("du 5 au 10 février 2024", "2024-02-05", "2024-02-10", "day"),
        ("les 12 et 13 mars 2023", "2023-03-12", "2023-03-13", "day"),
        ("le 1er février 2025", "2025-02-01", "2025-02-01", "day"),
        ("21 – 31 juillet 2024", "2024-07-21", "2024-07-31", "day"),
        ("del 5 al 10 de febrero de 2024", "2024-02-05", "2024-02-10", "day"),
    ],
)  # fmt: skip
def test_date_forms(text: str, start: str, end: str, precision: str) -> None:
    found, bad = find_dates(normalise(text), ref=REF)
    assert bad == []
    assert [(d.start.isoformat(), d.end.isoformat(), d.precision) for d in found] == [
        (start, end, precision)
    ]


def test_two_dates_in_one_sentence_keep_their_spans() -> None:
    text = normalise("one on 20 April 2015 and one in Moscow on 1 and 2 July 2015.")
    found, _ = find_dates(text)
    assert [(d.start, d.end) for d in found] == [
        (date(2015, 4, 20), date(2015, 4, 20)),
        (date(2015, 7, 1), date(2015, 7, 2)),
    ]
    assert text[found[1].begin : found[1].stop] == "1 and 2 July 2015"


def test_two_separate_days_joined_by_and_are_not_a_range() -> None:
    found, _ = find_dates("on 3 February and 4 March 2016")
    assert [(d.start, d.end) for d in found] == [
        (date(2016, 2, 3), date(2016, 2, 3)),
        (date(2016, 3, 4), date(2016, 3, 4)),
    ]


def test_impossible_and_yearless_dates_are_reported_not_invented() -> None:
    found, bad = find_dates("on 31 February 2015; from 18 to 20 July")
    assert [(d.start, d.end) for d in found] == [(date(2015, 7, 18), date(2015, 7, 20))]
    assert [b.text for b in bad] == ["31 February 2015"] and "no day 31" in bad[0].reason
    found, bad = find_dates("from 18 to 20 July")
    assert found == [] and [b.text for b in bad] == ["18 to 20 July"]
    assert "no year" in bad[0].reason


def test_may_the_verb_is_not_a_month() -> None:
    assert find_dates("the committee may 5 times decide") == ([], [])


def test_a_date_without_a_year_takes_the_year_written_later_in_the_list() -> None:
    text = "in Kampala from 4 to 7 March, and in Bangkok from 11 to 14 March 2024"
    found, bad = find_dates(text, ref=date(2023, 1, 5), default_year=2022)
    assert bad == []
    assert [(d.start, d.end, d.year_given) for d in found] == [
        (date(2024, 3, 4), date(2024, 3, 7), False),
        (date(2024, 3, 11), date(2024, 3, 14), True),
    ]


def test_a_year_carried_over_comes_before_the_documents_own() -> None:
    found, _ = find_dates("from 3 to 4 October", ref=date(2024, 2, 15), default_year=2023)
    assert [(d.start, d.end) for d in found] == [(date(2023, 10, 3), date(2023, 10, 4))]


def test_a_december_date_before_a_january_year_is_in_the_year_before() -> None:
    found, _ = find_dates("on 30 December and on 5 January 2020")
    assert [d.start for d in found] == [date(2019, 12, 30), date(2020, 1, 5)]


def test_french_seven_and_may_the_verb_are_not_months() -> None:
    assert find_dates("les sept Parties may 5 times decide") == ([], [])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("los días 3, 4 y 5 de marzo de 2025", [("2025-03-03", "2025-03-05")]),
        ("les 3, 4 et 5 mars 2025", [("2025-03-03", "2025-03-05")]),
        ("on 7, 8, 9 and 10 October 2025", [("2025-10-07", "2025-10-10")]),
        ("del 3 al 6 de junio del 2025", [("2025-06-03", "2025-06-06")]),
        ("del 3 al 6 de junio de 2025", [("2025-06-03", "2025-06-06")]),
        ("du 3 au 6 juin 2025", [("2025-06-03", "2025-06-06")]),
        ("les 12 et 13 septembre 2025", [("2025-09-12", "2025-09-13")]),
        ("los días 12 y 13 de septiembre de 2025", [("2025-09-12", "2025-09-13")]),
        (
            "on 3, 10 and 17 March 2025",
            [
                ("2025-03-03", "2025-03-03"),
                ("2025-03-10", "2025-03-10"),
                ("2025-03-17", "2025-03-17"),
            ],
        ),
    ],
)
def test_lists_of_days_and_spanish_french_ranges(
    text: str, expected: list[tuple[str, str]]
) -> None:
    found, bad = find_dates(normalise(text), default_year=2024)
    assert bad == []
    assert [(d.start.isoformat(), d.end.isoformat()) for d in found] == expected
