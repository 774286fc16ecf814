from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.clock import Clock, from_settings, parse_instant


def test_a_bare_date_is_that_morning_in_the_given_zone() -> None:
    assert parse_instant("2016-02-01") == datetime(2016, 2, 1, 9, tzinfo=UTC)
    zurich = ZoneInfo("Europe/Zurich")
    assert parse_instant("2016-02-01", zurich) == datetime(2016, 2, 1, 9, tzinfo=zurich)
    assert parse_instant("2016-02-01T10:30Z") == datetime(2016, 2, 1, 10, 30, tzinfo=UTC)


def test_bad_instants_say_what_is_expected() -> None:
    with pytest.raises(ValueError, match="use 2016-02-01"):
        parse_instant("next tuesday")


def test_a_fixed_clock_stands_still_and_a_running_one_moves_on() -> None:
    ticks = iter([100.0, 100.0, 160.0])
    anchor = datetime(2016, 1, 20, 9, tzinfo=UTC)
    fixed = from_settings("2016-01-20T09:00Z")
    assert fixed.now() == fixed.now() == anchor
    running = Clock(anchor=anchor, running=True, ticker=lambda: next(ticks))
    assert running.now() == anchor
    assert (running.now() - anchor).total_seconds() == 60


def test_no_anchor_is_the_real_clock() -> None:
    assert Clock().now().tzinfo is not None
    assert from_settings(None).anchor is None
