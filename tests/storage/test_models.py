from datetime import date

import pytest
from pydantic import ValidationError

from storage.models import MeetingData, Precision


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
