"""Other secretariats' calendars through `secbot import`: a published Outlook calendar and an
Indico category export, with the report of what was inferred and what could not be."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from handlers.cli.app import app

runner = CliRunner()
NOW = ["--now", "2023-06-01"]
DATA = Path(__file__).parents[2] / "data" / "calendars"


def secbot(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _by_title(payload: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["title"]: m for m in payload["meetings"]}


def test_an_outlook_calendar_imports_with_places_kinds_names_and_zones(
    cli_env: dict[str, str], database_url: str
) -> None:
    code, stdout, stderr = secbot(
        "import", str(DATA / "outlook_ozone" / "calendar.ics"), "--json", *NOW
    )
    assert code == 0, stderr
    payload = json.loads(stdout)
    assert payload["summary"]["new"] == 20 and payload["errors"] == []
    got = _by_title(payload)
    mop = got["Thirty-fifth Meeting of the Parties to the Montreal Protocol (MOP-35)"]
    assert (mop["short_name"], mop["series"], mop["ordinal"], mop["kind"]) == (
        "MOP-35",
        "MOP",
        35,
        "conference",
    )
    assert (mop["city"], mop["country"], mop["timezone"], mop["start_time"]) == (
        "Nairobi",
        "KE",
        "Africa/Nairobi",
        "10:00",
    )
    assert mop["hosts"] == ["Kenya"]
    webinar = got["Webinar: Kigali Amendment – HFC phase-down and energy efficiency"]
    assert (webinar["online"], webinar["kind"], webinar["city"]) == (True, "webinar", None)
    assert (webinar["timezone"], webinar["start_time"]) == ("Europe/Berlin", "13:00")
    bureau = got["MOP-35 Bureau – virtual meeting"]
    assert bureau["online"] and bureau["city"] is None and bureau["kind"] == "bureau"
    vienna = got["Seventy-first meeting of the Implementation Committee under the Non-Compliance "
                 "Procedure for the Montreal Protocol"]  # fmt: skip
    assert (vienna["city"], vienna["country"], vienna["start"], vienna["end"]) == (
        "Vienna",
        "AT",
        "2023-06-29",
        "2023-06-30",
    )
    lisbon = got["Workshop on sustainable cold chains and refrigerant management (hybrid)"]
    assert (lisbon["city"], lisbon["online"], lisbon["funders"]) == (
        "Lisbon",
        True,
        ["European Union"],
    )
    cancelled = got["Informal consultation on the 2027–2029 replenishment of the Multilateral Fund"]
    assert cancelled["status"] == "cancelled"
    assert cancelled["uid"].startswith("040000008200E00074C5B7101A82E008")


def test_an_indico_export_imports_with_the_place_from_its_description(
    cli_env: dict[str, str], database_url: str
) -> None:
    path = DATA / "indico_ocean" / "calendar.ics"
    code, stdout, stderr = secbot("import", str(path), "--json", "--dry-run", *NOW)
    assert code == 0, stderr
    payload = json.loads(stdout)
    got = _by_title(payload)
    suva = got["Training course on stock assessment for small-scale fisheries"]
    assert (suva["city"], suva["country"], suva["start"], suva["start_time"]) == (
        "Suva",
        "FJ",
        "2024-09-02",
        "09:00",
    )
    kingston = got["Expert workshop on deep-sea mining and fish stocks"]
    assert (kingston["city"], kingston["country"]) == ("Kingston", "JM")
    cancelled = got["Capacity-building workshop for West African fisheries observers"]
    assert cancelled["status"] == "cancelled" and cancelled["region"] == "Africa"
    report = {r["id"]: r for r in payload["report"]}
    suva_report = report[suva["id"]]
    assert "from the description" in suva_report["inferred"]["city"]
    assert any("Salle Akwaba" in u for u in report[cancelled["id"]]["unresolved"])
    code, stdout, _ = secbot("meetings", "list", "--json", "--from", "2020-01-01", *NOW)
    assert all(m["uid"] != suva["uid"] for m in json.loads(stdout)["meetings"])  # a dry run


def test_the_human_report_says_what_could_not_be_read(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "sheet.csv"
    path.write_text(
        "Meeting,Dates,Venue,Owner\n"
        "Informal get-together,3-5 May 2023,Salle Akwaba (Hôtel Ivoire),Ana\n"
        'Regional workshop for Africa,14/06/2023,"Speke Resort, Kampala, Uganda",Ben\n',
        encoding="utf-8",
    )
    code, stdout, stderr = secbot("import", str(path), "--dry-run", *NOW)
    assert code == 0, stderr
    assert "not imported, not being meeting fields: Owner" in stderr
    assert "not read:" in stdout and "Salle Akwaba" in stdout
    assert "city: Kampala (from the location" in stdout.replace("\n", " ")
    assert "would import 2 meeting(s): 2 new" in stdout
