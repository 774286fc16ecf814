"""What the store cannot keep is refused on its line before anything is written, on SQLite and
PostgreSQL alike: text longer than its column, NUL bytes, lone surrogates, one UID under two
ids; formula-like cells go out inert and come back as they were."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from handlers.cli.app import app
from storage.models import Meeting

runner = CliRunner()
NOW = ["--now", "2015-12-15"]
COLUMNS = Meeting.__table__.c  # type: ignore[attr-defined]


def secbot(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def listed() -> list[dict[str, object]]:
    code, stdout, _ = secbot("meetings", "list", "--json", *NOW)
    assert code == 0
    return list(json.loads(stdout)["meetings"])


def longest(column: str) -> int:
    length = COLUMNS[column].type.length
    assert isinstance(length, int)
    return length


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("id", "a" * (longest("id") + 1), f"id: {longest('id') + 1} characters long"),
        ("short_name", "S" * (longest("short_name") + 1), f"at most {longest('short_name')} fit"),
        ("city", "C" * (longest("city") + 1), f"at most {longest('city')} fit"),
        ("venue", "V" * (longest("venue") + 1), f"at most {longest('venue')} fit"),
        ("title", "T" * (longest("title") + 1), f"at most {longest('title')} fit"),
        ("venue", "Hall\x00B", "contains a NUL byte"),
        ("title", "Bad \ud800 title", "lone surrogate (U+D800)"),
        ("hosts", ["Kenya\x00"], "contains a NUL byte"),
    ],
)
def test_what_the_store_cannot_keep_is_refused_on_its_line(
    field: str, value: object, message: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    rows = [
        {"id": "good-one", "title": "A good meeting", "start": "2016-03-01"},
        {"id": "bad-one", "title": "A bad meeting", "start": "2016-03-02", "city": "Nairobi",
         field: value},
    ]  # fmt: skip
    path = tmp_path / "in.json"
    path.write_text(json.dumps(rows, indent=1))  # the bad row starts on line 7
    before = listed()
    code, stdout, stderr = secbot("import", str(path), "--json", *NOW)
    assert code == 1, stdout
    assert "Traceback" not in stderr
    errors = json.loads(stdout)["errors"]
    assert len(errors) == 1 and errors[0].startswith(f"{path}:7: ") and message in errors[0]
    assert listed() == before


def test_one_uid_under_two_ids_in_a_file_is_refused(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "in.csv"
    path.write_text(
        "id,title,start,uid\nalpha-one,Alpha,2016-03-01,same@x\nbeta-two,Beta,2016-04-01,same@x\n"
    )
    before = listed()
    code, _, stderr = secbot("import", str(path), *NOW)
    assert code == 1 and "Traceback" not in stderr
    assert f"{path}:3: UID 'same@x' is also on line 2, under id 'alpha-one'" in stderr
    assert listed() == before


def test_a_uid_that_is_another_rows_default_uid_is_refused(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    # a meeting given no UID gets `{id}@secbot`: a row naming that UID clashes, before or after
    before = listed()
    for rows, message in (
        ("alpha-one,Alpha,2016-03-01,\nbeta-two,Beta,2016-04-01,alpha-one@secbot\n",
         ":3: UID 'alpha-one@secbot' is also on line 2, under id 'alpha-one'"),
        ("beta-two,Beta,2016-04-01,alpha-one@secbot\nalpha-one,Alpha,2016-03-01,\n",
         ":3: UID 'alpha-one@secbot' is also on line 2, under id 'beta-two'"),
    ):  # fmt: skip
        path = tmp_path / "in.csv"
        path.write_text("id,title,start,uid\n" + rows)
        code, _, stderr = secbot("import", str(path), *NOW)
        assert code == 1 and "Traceback" not in stderr
        assert f"{path}{message}" in stderr
    assert listed() == before


def test_a_uid_the_store_holds_under_another_id(cli_env: dict[str, str], tmp_path: Path) -> None:
    first = tmp_path / "first.csv"
    first.write_text("id,title,start,uid\nalpha-one,Alpha,2016-03-01,same@x\n")
    assert secbot("import", str(first), *NOW)[0] == 0

    # the UID names the stored meeting: it is updated and reported under its own id
    again = tmp_path / "again.csv"
    again.write_text("id,title,start,uid\nbeta-two,Alpha renamed,2016-03-01,same@x\n")
    code, stdout, stderr = secbot("import", str(again), "--json", *NOW)
    assert code == 0, stderr
    payload = json.loads(stdout)
    assert [m["id"] for m in payload["meetings"]] == ["alpha-one"]
    assert payload["summary"]["updated"] == 1

    # two rows landing on that one meeting (one by id, one by UID) would overwrite each other
    before = listed()
    both = tmp_path / "both.csv"
    both.write_text(
        "id,title,start,uid\nalpha-one,Alpha,2016-03-01,other@x\nbeta-two,Beta,2016-04-01,same@x\n"
    )
    code, _, stderr = secbot("import", str(both), *NOW)
    assert code == 1 and "Traceback" not in stderr
    assert (
        f"{both}:3: id 'beta-two' with UID 'same@x' is stored meeting 'alpha-one', which line 2 "
        "('alpha-one') changes too" in stderr
    )
    assert "nothing was written" in stderr
    assert listed() == before


FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1+1"]


def test_formula_cells_are_exported_inert_and_come_back_as_given(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    given = tmp_path / "formulas.csv"
    with given.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "title", "city", "venue", "hosts", "start"])
        for i, text in enumerate(FORMULAS):
            writer.writerow([f"f-{i}", text, "Nairobi", text, text, f"2016-03-0{i + 1}"])
    code, _, stderr = secbot("import", str(given), *NOW)
    assert code == 0, stderr
    stored = {m["id"]: m for m in listed()}
    for i, text in enumerate(FORMULAS):
        assert (stored[f"f-{i}"]["title"], stored[f"f-{i}"]["venue"]) == (text, text)
        assert stored[f"f-{i}"]["hosts"] == [text]

    exported = tmp_path / "out.csv"
    assert secbot("export", "--format", "csv", "--output", str(exported), *NOW)[0] == 0
    cells = [c for row in csv.reader(io.StringIO(exported.read_text())) for c in row]
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    for text in FORMULAS:
        assert "'" + text in cells

    # the export read back changes nothing: the quotes come off again
    code, stdout, stderr = secbot("import", str(exported), "--json", *NOW)
    assert code == 0, stderr
    summary = json.loads(stdout)["summary"]
    assert summary["updated"] == 0 and summary["unchanged"] == len(cells) // 25 - 1
    assert {m["id"]: m for m in listed()} == stored
