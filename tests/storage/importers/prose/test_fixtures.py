"""The prose extractor on documents in many UN styles, against the meetings written down for
each (tests/data/prose/NAME.txt + NAME.yaml)."""

import pytest

from tests.prose_expectations import FIXTURES, fixture_names, score

PROSE_NEW = FIXTURES.parent / "prose_new"


@pytest.mark.parametrize("name", fixture_names())
def test_fixture_meetings_are_found_as_written_down(name: str) -> None:
    s = score(name)
    assert s.expected > 0
    assert s.spurious == [], "not meetings"
    assert s.missed == [], "meetings not found"
    assert s.differences == [], "fields that differ"
    assert s.deadlines_found == s.deadlines_expected


@pytest.mark.parametrize("name", fixture_names(PROSE_NEW))
def test_documents_written_before_the_reader_changed_are_read_meeting_for_meeting(
    name: str,
) -> None:
    s = score(name, folder=PROSE_NEW)
    assert s.expected > 0
    assert s.spurious == [], "not meetings"
    assert s.missed == [], "meetings not found"
    assert s.deadlines_found == s.deadlines_expected
    assert s.checks_ok >= 0.9 * s.checks, s.differences
