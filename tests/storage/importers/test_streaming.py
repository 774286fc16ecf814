"""Files read a meeting at a time: JSON (not through the YAML parser), JSON lines, YAML and CSV
keep each row's line, a `document:` applies wherever it stands, and a file read in batches
gives what one read all at once gives."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from storage.importers import Reading, ReadResult, open_file, read_file, read_text
from storage.importers.csv import stream_rows


def _ids(result: ReadResult) -> list[str | None]:
    return [m.id for m in result.meetings]


def test_json_rows_keep_the_line_their_object_starts_on(tmp_path: Path) -> None:
    rows = [{"id": "a-1", "title": "One"}, {"id": "a-2", "title": "Two", "country": "Atlantis"}]
    path = tmp_path / "m.json"
    path.write_text(json.dumps(rows, indent=2))
    result = read_file(path)
    assert _ids(result) == ["a-1"]
    assert result.errors == [f"{path}:6: country: unknown country 'Atlantis'"]


def test_json_is_read_as_json_not_yaml(tmp_path: Path) -> None:
    # "\/" is a JSON escape that YAML 1.1 refuses; a tab indents JSON but never YAML
    path = tmp_path / "m.json"
    path.write_text('[\n\t{"id": "board", "title": "Bureau \\/ Board", "start": "2016-03-01"}\n]')
    result = read_file(path)
    assert result.errors == []
    assert [m.title for m in result.meetings] == ["Bureau / Board"]


@pytest.mark.parametrize("first", ["document", "meetings"])
def test_json_document_applies_before_or_after_the_meetings(first: str, tmp_path: Path) -> None:
    parts = {
        "document": '"document": "Progress report"',
        "meetings": '"meetings": [\n {"id": "x-1", "title": "X"},\n {"id": "x-2", "title": "Y"}\n]',
    }
    second = "meetings" if first == "document" else "document"
    path = tmp_path / "m.json"
    path.write_text("{\n" + parts[first] + ",\n" + parts[second] + "\n}\n")
    result = read_file(path)
    assert result.errors == []
    assert [m.source.document for m in result.meetings] == ["Progress report"] * 2
    lines = [r.line for r in result.reports]
    assert lines == ([4, 5] if first == "document" else [3, 4])


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('[\n  {"id": "a", "title": "A"},\n  {"id": "b" "title": "B"}\n]', 3, "cannot parse"),
        ('{"count": 1}', 1, "expected a `meetings:` list"),
        ('"just text"', 1, "expected a list of meetings"),
        ('[\n  {"id": "a", "title": "A"},\n  [1, 2]\n]', 3, "must be a mapping"),
        ('[{"id": "a", "title": "A"}] []', 1, "extra data"),
    ],
)
def test_bad_json_names_its_line(text: str, line: int, message: str) -> None:
    [error] = read_text(text, fmt="json", name="f.json").errors
    assert error.startswith(f"f.json:{line}: ") and message in error


def test_json_lines_are_read_line_by_line(tmp_path: Path) -> None:
    path = tmp_path / "m.jsonl"
    path.write_text(
        '{"id": "l-1", "title": "One"}\n\n{"id": "l-2", "title": "Two"\n'
        '[1]\n{"id": "l-3", "title": "Three", "start": "2016-02-30"}\n{"id": "l-4", "title": "4"}\n'
    )
    result = read_file(path)
    assert _ids(result) == ["l-1", "l-4"]
    assert [e.split(": ", 1)[0] for e in result.errors] == [f"{path}:3", f"{path}:4", f"{path}:5"]
    assert "must be a JSON object" in result.errors[1]


def test_yaml_document_after_the_meetings_still_applies(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("meetings:\n  - id: y-1\n    title: Y\n  - id: y-2\n    title: Z\n"
                    "document: Annual report\n")  # fmt: skip
    result = read_file(path)
    assert result.errors == []
    assert [m.source.document for m in result.meetings] == ["Annual report"] * 2
    assert [r.line for r in result.reports] == [2, 4]


def test_csv_lines_count_quoted_line_breaks_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_bytes(
        b'id,title,start\r\nc-1,"Two\r\nlines",2016-01-01\r\nc-2,Bad,2016-02-30\r\nc-3,Ok,\r\n'
    )
    result = read_file(path)
    assert _ids(result) == ["c-1", "c-3"]
    assert result.errors[0].startswith(f"{path}:4: ")


def test_a_file_read_in_batches_is_read_as_a_whole(tmp_path: Path) -> None:
    """Duplicate ids across batches are caught, and a title that spells out a body takes the
    short series a row of an earlier batch uses."""
    path = tmp_path / "m.csv"
    path.write_text(
        "id,title,start\noewg-1,OEWG-1,2016-01-01\nx-1,Bureau meeting,2016-02-01\n"
        "oewg-2,Second meeting of the Open-ended Working Group,2016-04-01\n"
        "x-1,Bureau meeting again,2016-05-01\nx-2,Workshop,2016-06-01\n"
    )
    whole = read_file(path)
    reading = open_file(path)
    batched = [m for batch in reading.batches(size=2) for m in batch]
    assert [m.model_dump() for m in batched] == [m.model_dump() for m in whole.meetings]
    assert reading.errors == whole.errors == [f"{path}:5: duplicate id 'x-1' (first on line 3)"]
    assert [m.series for m in batched][:3] == ["OEWG", None, "OEWG"]


def test_the_series_short_name_of_an_earlier_batch_is_taken() -> None:
    text = ("title,start\nOEWG-1,2016-01-01\nBureau meeting,2016-02-01\n"
            "Second meeting of the Open-ended Working Group,2016-04-01\n")  # fmt: skip
    reading = Reading(stream_rows(io.StringIO(text, newline="")), name="s.csv")
    found = [m for batch in reading.batches(size=1) for m in batch]
    assert reading.errors == []
    assert [m.series for m in found] == ["OEWG", None, "OEWG"]


def test_only_unresolved_reports_are_kept_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("id,title,start\nk-1,Workshop on waste,2016-01-01\nk-2,Gathering,2016-01-02\n")
    reading = open_file(path, reports="unresolved")
    assert sum(len(b) for b in reading.batches()) == reading.count == 2
    assert [r.id for r in reading.reports] == ["k-2"]
    assert any("kind" in u for u in reading.reports[0].unresolved)


@pytest.mark.parametrize(
    "text",
    [
        '{\n "meetings": [\n  {"id": "x-1", "title": "X", "sequence": 12345},\n'
        '  {"id": "x-2", "title": "Y"}\n ],\n "document": "Report"\n}\n',
        '[\n  {"id": "a-1", "title": "A"},\n  {"id": "a-2", "title": "B", "country": "Atlantis"},'
        '\n  {"id": "a-3" "title": "C"}\n]',
        '[\n  {"id": "a-1", "title": "A"},\n  12345\n]',
    ],
)
def test_json_read_through_a_narrow_window_reads_the_same(
    text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storage.importers import structured

    path = tmp_path / "m.json"
    path.write_text(text)
    whole = read_file(path)
    monkeypatch.setattr(structured, "CHUNK", 3)  # values and numbers cut across reads
    narrow = read_file(path)
    assert whole.errors or whole.meetings
    assert (narrow.meetings, narrow.errors) == (whole.meetings, whole.errors)
    assert [r.line for r in narrow.reports] == [r.line for r in whole.reports]
