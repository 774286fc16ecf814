"""The prose extractor on documents in many UN styles, against the meetings written down for
each (tests/data/prose/NAME.txt + NAME.yaml)."""

import pytest

from tests.prose_expectations import fixture_names, score


@pytest.mark.parametrize("name", fixture_names())
def test_fixture_meetings_are_found_as_written_down(name: str) -> None:
    s = score(name)
    assert s.expected > 0
    assert s.spurious == [], "not meetings"
    assert s.missed == [], "meetings not found"
    assert s.differences == [], "fields that differ"
    assert s.deadlines_found == s.deadlines_expected
