"""`secbot import` of files read a batch at a time: JSON lines, and large files read by a
child process a batch ahead of the writer (the threshold lowered so small files take that
path), still all rows or none, with every bad row named by its line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from handlers.cli.app import app
from storage.importers import ahead

runner = CliRunner()
NOW = ["--now", "2015-12-15"]


def secbot(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def listed() -> list[str]:
    code, stdout, _ = secbot("meetings", "list", "--json", *NOW)
    assert code == 0
    return [m["id"] for m in json.loads(stdout)["meetings"]]


def _csv(rows: int, bad: dict[int, str] | None = None) -> str:
    lines = ["id,title,start,city"]
    for i in range(rows):
        lines.append(
            (bad or {}).get(i, f"s-{i},Workshop on waste {i},2016-03-{1 + i % 28:02d},Nairobi")
        )
    return "\n".join(lines) + "\n"


def test_json_lines_import(cli_env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "m.jsonl"
    path.write_text('{"id": "jl-1", "title": "Bureau meeting", "start": "2016-03-01"}\n'
                    '{"id": "jl-2", "title": "Workshop", "start": "2016-04-01"}\n')  # fmt: skip
    code, stdout, stderr = secbot("import", str(path), "--json", *NOW)
    assert code == 0, stderr
    out = json.loads(stdout)
    assert [m["id"] for m in out["meetings"]] == ["jl-1", "jl-2"]
    assert out["summary"]["new"] == 2
    assert {"jl-1", "jl-2"} <= set(listed())


@pytest.fixture
def read_ahead(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ahead, "AHEAD_FROM_BYTES", 0)


def test_a_file_read_ahead_is_imported_whole(
    cli_env: dict[str, str], tmp_path: Path, read_ahead: None
) -> None:
    path = tmp_path / "m.csv"
    path.write_text(_csv(2500))
    code, stdout, stderr = secbot("import", str(path), *NOW)
    assert code == 0, stderr
    assert "imported 2500 meeting(s): 2500 new" in stdout
    assert "importing" in stderr  # the progress bar
    ids = set(listed())
    assert {f"s-{i}" for i in range(2500)} <= ids


def test_a_bad_row_late_in_a_file_read_ahead_writes_nothing(
    cli_env: dict[str, str], tmp_path: Path, read_ahead: None
) -> None:
    path = tmp_path / "m.csv"
    bad = {2200: "s-bad,Bad,2016-02-30,Nairobi", 2300: "s-5,Duplicate,2016-03-01,Nairobi"}
    path.write_text(_csv(2400, bad))
    before = listed()
    code, stdout, stderr = secbot("import", str(path), "--json", *NOW)
    assert code == 1
    assert json.loads(stdout)["errors"] == [
        f"{path}:2202: start: 2016-02-30 is not a date (day is out of range for month)",
        f"{path}:2302: duplicate id 's-5' (first on line 7)",
    ]
    assert "nothing was written" in stderr
    assert listed() == before


def test_the_reader_stops_by_itself_when_the_writer_does(tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    path.write_text(_csv(6000))  # six batches: the reader is some of them ahead
    reading = ahead.ReadAhead(path, fmt="csv")
    batches = reading.batches()
    assert len(next(batches)) == 1000
    batches.close()  # the writer stops listening after one batch
    child = reading._child
    assert not child.is_alive()
    assert child.exitcode == 0  # it saw the pipe close and ended; it was not killed
