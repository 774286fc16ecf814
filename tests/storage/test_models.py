from datetime import date

import pytest
from pydantic import ValidationError

from storage.models import Deadline, DeadlineData, Meeting, MeetingData, Precision


def test_city_fills_country_region_and_time_zone() -> None:
    data = MeetingData(title="Workshop", start=date(2016, 2, 2), city="Lusaka")
    assert (data.country, data.region, data.timezone) == ("ZM", "Africa", "Africa/Lusaka")
    assert data.end == date(2016, 2, 2)
    assert data.precision == Precision.day
    assert data.id == "workshop-2016"
    assert data.uid == "workshop-2016@secbot"


def test_month_only_dates_span_the_month() -> None:
    data = MeetingData.model_validate({"title": "Workshop", "start": "2015-04", "city": "Abidjan"})
    assert (data.start, data.end, data.precision) == (
        date(2015, 4, 1),
        date(2015, 4, 30),
        Precision.month,
    )


def test_undated_meeting_has_unknown_precision() -> None:
    data = MeetingData(title="INC7", country="Jordan")
    assert data.start is None and data.precision == Precision.unknown
    assert data.country == "JO"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"start": "2016-02-04", "end": "2016-02-02"}, "before start"),
        ({"country": "Atlantis"}, "unknown country"),
        ({"start": "2015-02-30"}, "day value is outside expected range"),
        ({"start": "2015-13"}, "impossible month"),
        ({"title": ""}, "at least 1 character"),
        ({"id": "Not A Slug"}, "lower-case"),
        ({"timezone": "Mars/Olympus"}, "unknown time zone"),
        ({"region": "Atlantis"}, "unknown region"),
        ({"end": "2016-01-01"}, "end given without start"),
    ],
)
def test_bad_meetings_are_refused_with_a_reason(fields: dict[str, str], message: str) -> None:
    raw = {"title": "A meeting", **fields}
    with pytest.raises(ValidationError) as excinfo:
        MeetingData.model_validate(raw)
    assert message in str(excinfo.value)


COLUMNS = Meeting.__table__.c  # type: ignore[attr-defined]


@pytest.mark.parametrize("field", ["id", "title", "short_name", "series", "city", "venue"])
def test_text_longer_than_its_column_is_refused_on_the_field(field: str) -> None:
    most = COLUMNS[field].type.length
    value = "a" * most
    fits = MeetingData.model_validate({"title": "A meeting", field: value})
    assert getattr(fits, field) == value
    with pytest.raises(ValidationError) as excinfo:
        MeetingData.model_validate({"title": "A meeting", field: value + "a"})
    (error,) = excinfo.value.errors()
    assert error["loc"] == (field,)
    assert f"{most + 1} characters long; at most {most} fit" in error["msg"]


def test_a_source_longer_than_its_column_is_refused() -> None:
    most = COLUMNS["source_paragraph"].type.length
    with pytest.raises(ValidationError) as excinfo:
        MeetingData.model_validate({"title": "A", "source": {"paragraph": "9" * (most + 1)}})
    assert excinfo.value.errors()[0]["loc"] == ("source", "paragraph")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "Nul\x00"}, "NUL byte"),
        ({"venue": "Hall \x00"}, "NUL byte"),
        ({"funders": ["ok", "bad\x00"]}, "NUL byte"),
        ({"description": "half \ud83d of an emoji"}, "lone surrogate (U+D83D)"),
        ({"source": {"document": "\udfff"}}, "lone surrogate (U+DFFF)"),
    ],
)
def test_what_no_database_keeps_is_refused(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        MeetingData.model_validate({"title": "A meeting", **fields})
    assert message in str(excinfo.value)


def test_surrounding_space_goes_but_a_leading_tab_stays() -> None:
    data = MeetingData.model_validate(
        {"title": " \t=1+1 \n", "venue": "  Hall B ", "hosts": [" Kenya "], "city": "   "}
    )
    assert (data.title, data.venue, data.hosts, data.city) == ("\t=1+1", "Hall B", ["Kenya"], None)
    with pytest.raises(ValidationError):
        MeetingData.model_validate({"title": " \t "})


def test_deadlines_fit_their_column_too() -> None:
    most = Deadline.__table__.c["title"].type.length  # type: ignore[attr-defined]
    base = {"meeting_id": "m", "due_date": "2016-01-01"}
    assert DeadlineData.model_validate({**base, "title": " x "}).title == "x"
    for bad in ("x" * (most + 1), "x\x00"):
        with pytest.raises(ValidationError):
            DeadlineData.model_validate({**base, "title": bad})


def test_every_refused_field_is_named_on_its_own() -> None:
    with pytest.raises(ValidationError) as excinfo:
        MeetingData.model_validate({"title": "Nul\x00", "venue": "Hall \x00", "city": "C" * 999})
    assert {e["loc"] for e in excinfo.value.errors()} == {("title",), ("venue",)}
    with pytest.raises(ValidationError) as excinfo:
        MeetingData.model_validate({"title": "T" * 999, "city": "C" * 999})
    assert {e["loc"] for e in excinfo.value.errors()} == {("title",), ("city",)}
