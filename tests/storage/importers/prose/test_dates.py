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
    found, bad = find_dates("on 31 February 2015 and from 18 to 20 July")
    assert found == []
    assert [b.text for b in bad] == ["31 February 2015", "18 to 20 July"]
    assert "no day 31" in bad[0].reason and "no year" in bad[1].reason


def test_may_the_verb_is_not_a_month() -> None:
    assert find_dates("the committee may 5 times decide") == ([], [])
