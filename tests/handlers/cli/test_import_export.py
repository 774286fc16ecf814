"""Import and export through the real CLI, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from handlers.cli.app import app

runner = CliRunner()
NOW = ["--now", "2015-12-15"]


def secbot(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def listed(cli_env: dict[str, str]) -> list[dict[str, object]]:
    code, stdout, _ = secbot("meetings", "list", "--json", *NOW)
    assert code == 0
    return list(json.loads(stdout)["meetings"])


@pytest.mark.parametrize("fmt", ["yaml", "csv", "ics"])
def test_export_then_import_gives_the_same_rows(
    fmt: str, cli_env: dict[str, str], tmp_path: Path, database_url: str
) -> None:
    before = listed(cli_env)
    assert len(before) > 25
    exported = tmp_path / f"meetings.{fmt}"
    code, _, _ = secbot("export", "--format", fmt, "--output", str(exported), *NOW)
    assert code == 0 and exported.stat().st_size > 0

    # a second, empty database without the seed, then import the export
    other = tmp_path / "other.db"
    cli_env_url = f"sqlite:///{other}"
    with pytest.MonkeyPatch.context() as mp:
        from bot.settings import get_settings

        mp.setenv("SECBOT_DATABASE_URL", cli_env_url)
        mp.setenv("SECBOT_SEED_ON_START", "false")
        get_settings.cache_clear()
        code, stdout, stderr = secbot("import", str(exported), "--json", *NOW)
        assert code == 0, stderr
        assert json.loads(stdout)["summary"]["new"] == len(json.loads(stdout)["meetings"])
        after = listed(cli_env)
    get_settings.cache_clear()
    expected = [m for m in before if fmt != "ics" or m["start"] is not None]
    assert after == expected


def test_importing_the_same_file_twice_changes_nothing(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    exported = tmp_path / "m.yaml"
    secbot("export", "--format", "yaml", "-o", str(exported), *NOW)
    code, stdout, _ = secbot("import", str(exported), "--json", *NOW)
    assert code == 0
    summary = json.loads(stdout)["summary"]
    assert summary["new"] == 0 and summary["updated"] == 0 and summary["unchanged"] > 25


GOOD_YAML = """meetings:
  - id: good-one
    title: A good meeting
    start: 2016-03-01
    city: Nairobi
"""

BAD_YAML_ROWS = {
    "end before start": ("    start: 2016-03-05\n    end: 2016-03-01\n", "is before start"),
    "unknown country": ("    country: Atlantis\n", "unknown country"),
    "impossible date": ("    start: 2016-02-30\n", "day value is outside expected range"),
    "missing title": (None, "title: Field required"),
}


@pytest.mark.parametrize("case", sorted(BAD_YAML_ROWS))
def test_a_bad_yaml_row_names_its_line_and_writes_nothing(
    case: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    extra, message = BAD_YAML_ROWS[case]
    bad_row = "  - id: bad-one\n" + ("    title: Bad\n" if extra is not None else "")
    bad_row += extra or "    start: 2016-03-01\n"
    path = tmp_path / "in.yaml"
    path.write_text(GOOD_YAML + bad_row)
    before = listed(cli_env)
    code, _stdout, stderr = secbot("import", str(path), *NOW)
    assert code == 1
    assert f"{path}:6: " in stderr and message in stderr
    assert "nothing was written" in stderr
    assert listed(cli_env) == before


def test_duplicate_ids_in_a_file_are_refused(cli_env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "dup.json"
    rows = [{"id": "x-1", "title": "One"}, {"id": "x-1", "title": "Two"}]
    path.write_text(json.dumps(rows, indent=2))
    before = listed(cli_env)
    code, stdout, _stderr = secbot("import", str(path), "--json", *NOW)
    assert code == 1
    errors = json.loads(stdout)["errors"]
    assert errors == [f"{path}:6: duplicate id 'x-1' (first on line 2)"]
    assert listed(cli_env) == before


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("bad,Bad,2016-03-05,2016-03-01,Nairobi,", "is before start"),
        ("bad,Bad,2016-03-01,,Nairobi,Atlantis", "unknown country"),
        ("bad,Bad,2016-02-30,,Nairobi,", "2016-02-30 is not a date"),
        ("bad,,2016-03-01,,Nairobi,", "title"),
        ("good,Dup,2016-03-01,,Nairobi,", "duplicate id 'good'"),
    ],
)
def test_a_bad_csv_row_names_its_line(
    row: str, message: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "in.csv"
    path.write_text(f"id,title,start,end,city,country\ngood,Good,2016-03-01,,Nairobi,\n{row}\n")
    before = listed(cli_env)
    code, _, stderr = secbot("import", str(path), *NOW)
    assert code == 1
    assert f"{path}:3: " in stderr and message in stderr
    assert listed(cli_env) == before


def test_a_bad_ics_event_names_its_line(cli_env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "in.ics"
    path.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\n"
        "BEGIN:VEVENT\r\nUID:ok@x\r\nSUMMARY:Fine\r\nDTSTAMP:20160101T000000Z\r\n"
        "DTSTART;VALUE=DATE:20160301\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:bad@x\r\nDTSTAMP:20160101T000000Z\r\n"
        "DTSTART;VALUE=DATE:20160301\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    before = listed(cli_env)
    code, _, stderr = secbot("import", str(path), *NOW)
    assert code == 1 and f"{path}:10: " in stderr and "title" in stderr
    assert listed(cli_env) == before


def test_dry_run_writes_nothing(cli_env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "new.yaml"
    path.write_text(GOOD_YAML)
    code, stdout, _ = secbot("import", str(path), "--dry-run", "--json", *NOW)
    assert code == 0
    payload = json.loads(stdout)
    assert [m["id"] for m in payload["meetings"]] == ["good-one"] and payload["dry_run"]
    assert "good-one" not in {m["id"] for m in listed(cli_env)}


def test_unknown_extension_asks_for_a_format(cli_env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "meetings.dat"
    path.write_text(GOOD_YAML)
    code, _, stderr = secbot("import", str(path), *NOW)
    assert code == 2 and "--format" in stderr
    code, _, _ = secbot("import", str(path), "--format", "yaml", *NOW)
    assert code == 0


def test_unparseable_yaml_is_reported_with_its_line(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("meetings:\n  - title: [unclosed\n")
    code, _, stderr = secbot("import", str(path), *NOW)
    assert code == 1 and f"{path}:" in stderr and "cannot parse" in stderr
