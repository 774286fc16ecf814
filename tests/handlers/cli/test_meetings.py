"""`secbot meetings …` through the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import yaml
from typer.testing import CliRunner

from handlers.cli.app import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def as_json(*args: str) -> object:
    code, stdout, stderr = run(*args, "--json", "--now", "2015-12-15")
    assert code == 0, stderr
    return json.loads(stdout)


def test_list_filters_by_dates_kind_region_and_country(cli_env: dict[str, str]) -> None:
    feb = as_json("meetings", "list", "--from", "2016-02-01", "--to", "2016-02-29")
    assert [m["city"] for m in feb["meetings"]] == ["Lusaka", "Brno", "Montevideo"]  # type: ignore[index]
    regional = as_json("meetings", "list", "--kind", "regional_meeting", "--region", "CEE")
    assert [m["id"] for m in regional["meetings"]] == ["cee-regional-2016"]  # type: ignore[index]
    kenya = as_json("meetings", "list", "--country", "Kenya")
    assert [m["city"] for m in kenya["meetings"]] == ["Nairobi"]  # type: ignore[index]


def test_list_refuses_unknown_filters(cli_env: dict[str, str]) -> None:
    for args, message in [
        (("--kind", "party"), "unknown kind"),
        (("--region", "Atlantis"), "unknown region"),
        (("--country", "Atlantis"), "unknown country"),
        (("--from", "2016-13-01"), "--from/--to"),
    ]:
        code, _, stderr = run("meetings", "list", *args)
        assert code == 2 and message in stderr


def test_show_prints_one_meeting_and_fails_clearly_on_unknown_ids(cli_env: dict[str, str]) -> None:
    shown = as_json("meetings", "show", "africa-regional-2016")
    assert shown["start"] == "2016-02-02" and shown["country_name"] == "Zambia"  # type: ignore[index]
    code, _, stderr = run("meetings", "show", "no-such-meeting")
    assert code == 1 and "no meeting with id 'no-such-meeting'" in stderr


def test_add_edit_cancel_raise_the_sequence(cli_env: dict[str, str]) -> None:
    added = as_json(
        "meetings", "add", "--title", "Fifth meeting of the expert group", "--start", "2016-05-02",
        "--end", "2016-05-06", "--city", "Geneva", "--kind", "expert_group", "--ordinal", "5",
        "--funders", "Sweden, European Union",
    )  # fmt: skip
    assert added["id"] == "fifth-meeting-of-the-expert-group-2016"  # type: ignore[index]
    assert added["country"] == "CH" and added["funders"] == ["Sweden", "European Union"]  # type: ignore[index]
    meeting_id = str(added["id"])  # type: ignore[index]
    edited = as_json("meetings", "edit", meeting_id, "--start", "2016-05-09", "--end", "2016-05-13")
    assert (edited["start"], edited["end"], edited["city"]) == (
        "2016-05-09",
        "2016-05-13",
        "Geneva",
    )  # type: ignore[index]
    moved = as_json("meetings", "edit", meeting_id, "--city", "Nairobi")
    assert (moved["country"], moved["timezone"]) == ("KE", "Africa/Nairobi")  # type: ignore[index]
    cancelled = as_json("meetings", "cancel", meeting_id)
    assert cancelled["status"] == "cancelled"  # type: ignore[index]
    code, stdout, _ = run("export", "--format", "yaml", "--now", "2015-12-15")
    exported = {m["id"]: m for m in yaml.safe_load(stdout)["meetings"]}
    assert code == 0 and exported[meeting_id]["sequence"] == 3


def test_add_refuses_bad_input_and_duplicates(cli_env: dict[str, str]) -> None:
    code, _, stderr = run(
        "meetings", "add", "--title", "X", "--start", "2016-02-04", "--end", "2016-02-01"
    )
    assert code == 2 and "is before start" in stderr
    code, _, stderr = run("meetings", "add", "--title", "X", "--country", "Atlantis")
    assert code == 2 and "unknown country" in stderr
    code, _, stderr = run("meetings", "add", "--title", "INC7", "--id", "inc7")
    assert code == 1 and "exists" in stderr
    code, _, stderr = run("meetings", "edit", "inc7")
    assert code == 2 and "nothing to change" in stderr


def test_the_installed_console_script_runs(cli_env: dict[str, str]) -> None:
    """Black-box: the `secbot` entry point itself, with SECBOT_NOW from the environment."""
    secbot = os.path.join(os.path.dirname(sys.executable), "secbot")
    env = {**cli_env, "SECBOT_NOW": "2016-02-01"}
    out = subprocess.run(
        [secbot, "meetings", "list", "--json", "--from", "2016-02-01"],
        env=env, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    cities = [m["city"] for m in json.loads(out.stdout)["meetings"]]
    assert cities == ["Lusaka", "Brno", "Montevideo"]
