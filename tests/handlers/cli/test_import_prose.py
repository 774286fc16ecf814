"""`secbot import` of prose documents: dry run, upsert by matching, curated fields kept."""

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from bot import reminders
from storage import db, merge, repo
from storage.importers.prose import extract, read_prose
from storage.importers.prose.dates import normalise
from tests.paths import DATA

REPORT = DATA / "progress_report.txt"
LATER = datetime(2016, 3, 1, tzinfo=UTC)


def _secbot(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "handlers.cli.app", *args],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip


def test_dry_run_json_prints_meetings_deadlines_warnings_and_writes_nothing(
    cli_env: dict[str, str], engine: Engine
) -> None:
    env = {**cli_env, "SECBOT_SEED_ON_START": "false"}
    done = _secbot(env, "import", str(DATA / "news_item.txt"), "--dry-run", "--json")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert set(payload) == {"meetings", "deadlines", "warnings"}
    assert [m["start"] for m in payload["meetings"]] == ["2017-07-18", "2017-09-24"]
    assert payload["meetings"][1]["short_name"] == "COP3"
    assert payload["meetings"][1]["source"] == {"document": "news_item.txt", "paragraph": "2"}
    found_in = payload["meetings"][1]["found_in"]  # so an admin can see why
    assert found_in["line"] == 5
    assert found_in["text"].startswith("The third meeting of the Conference of the Parties (COP3)")
    assert [d["due_date"] for d in payload["deadlines"]] == ["2017-08-31", "2017-08-15"]
    with db.session_scope(engine) as session:
        assert repo.count_meetings(session) == 0


def test_import_writes_then_reimport_is_unchanged(cli_env: dict[str, str], engine: Engine) -> None:
    # --now is read in the default zone; the foundation's default "Europe/Geneva" is not an
    # IANA key, so name a real one here
    env = {**cli_env, "SECBOT_SEED_ON_START": "false", "SECBOT_DEFAULT_TZ": "Europe/Zurich"}
    with db.session_scope(engine) as session:  # someone follows every meeting and deadline
        reminders.add_rule(
            session, subscriber="email:ana@example.org", scope="all", scope_value=None,
            offsets=[1], now=datetime(2017, 7, 5, tzinfo=UTC), timezone="UTC", deadlines=True,
        )  # fmt: skip
    first = _secbot(env, "import", str(DATA / "news_item.txt"), "--json", "--now", "2017-07-05")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["summary"] == {"new": 2, "updated": 0, "unchanged": 0}
    again = _secbot(env, "import", str(DATA / "news_item.txt"), "--json", "--now", "2017-07-06")
    assert json.loads(again.stdout)["summary"] == {"new": 0, "updated": 0, "unchanged": 2}
    with db.session_scope(engine) as session:
        assert repo.count_meetings(session) == 2
        cop3 = repo.list_meetings(session)[1]
        assert [d.due_date.isoformat() for d in repo.list_deadlines(session)] == [
            "2017-08-15",
            "2017-08-31",
        ]
        assert {d.meeting_id for d in repo.list_deadlines(session)} == {cop3.id}
        pending = reminders.list_deliveries(session, recipient="email:ana@example.org")
    # the imported meetings and deadlines were planned: two starts and two deadlines, once
    assert sorted(r.kind for r in pending) == ["deadline", "deadline", "reminder", "reminder"]


def test_the_seed_report_matches_every_seed_meeting_and_changes_nothing(seeded: Engine) -> None:
    found = read_prose(REPORT, fmt="txt").meetings
    with db.session_scope(seeded) as session:
        before = repo.count_meetings(session)
        outcomes = [merge.upsert_found_meeting(session, data=m, now=LATER)[1] for m in found]
        assert outcomes == ["unchanged"] * len(found)
        assert repo.count_meetings(session) == before


def test_a_newer_report_updates_instead_of_duplicating(seeded: Engine) -> None:
    newer = normalise(REPORT.read_text(encoding="utf-8"))
    assert "is planned to be held in Jakarta" in newer
    newer = newer.replace(
        "A second face-to-face meeting is planned to be held in Jakarta on 18 and 19 January 2016.",
        "A second face-to-face meeting was held in Jakarta on 18 and 19 January 2016, hosted by "
        "the Government of Indonesia.",
    ).replace("The fourth meeting was held in Stockholm from 7 to 11 September 2015",
              "The fourth meeting was held in Stockholm from 8 to 11 September 2015")  # fmt: skip
    found = extract(newer, name="newer.txt").meetings
    with db.session_scope(seeded) as session:
        before = repo.count_meetings(session)
        results = {m.start: merge.upsert_found_meeting(session, data=m, now=LATER) for m in found}
        session.flush()
        jakarta, outcome = results[next(d for d in results if d and d.isoformat() == "2016-01-18")]
        assert outcome == "updated" and jakarta.id == "bureau-jakarta-2016"
        assert (jakarta.status, jakarta.hosts, jakarta.sequence) == ("held", ["Indonesia"], 1)
        assert jakarta.title == "Face-to-face meeting of the INC bureau in Jakarta"  # curated
        stockholm = repo.require_meeting(session, meeting_id="expert-group-4-stockholm-2015")
        assert stockholm.start_date.isoformat() == "2015-09-08"  # matched by series+ordinal
        assert stockholm.funders == ["Sweden", "European Union"]
        assert repo.count_meetings(session) == before


def test_find_matching_meeting_tells_two_geneva_meetings_on_one_day_apart(seeded: Engine) -> None:
    found = {m.kind.value: m for m in read_prose(REPORT, fmt="txt").meetings
             if m.city == "Geneva" and m.start and m.start.isoformat() == "2015-10-05"}  # fmt: skip
    with db.session_scope(seeded) as session:
        retreat = merge.find_matching_meeting(session, data=found["retreat"])
        other = merge.find_matching_meeting(session, data=found["other"])
        assert retreat is not None and retreat.id == "joint-retreat-geneva-2015"
        assert other is not None and other.id == "regional-centres-meeting-geneva-2015"


def test_a_month_only_date_matches_the_stored_days(seeded: Engine) -> None:
    text = "1. A bureau meeting was held in Moscow in July 2015."
    found = extract(text, name="x.txt").meetings
    assert found and found[0].precision == "month"
    with db.session_scope(seeded) as session:
        match = merge.find_matching_meeting(session, data=found[0])
        assert match is not None and match.id == "bureau-moscow-2015"
        row, outcome = merge.upsert_found_meeting(session, data=found[0], now=LATER)
        assert outcome == "unchanged" and row.start_date.isoformat() == "2015-07-01"


def test_bad_file_gives_an_error_and_exit_code_1(cli_env: dict[str, str], tmp_path: Path) -> None:
    bad = tmp_path / "x.pdf"
    bad.write_bytes(b"garbage")
    done = _secbot(cli_env, "import", str(bad), "--dry-run")
    assert done.returncode == 1
    assert "not a readable PDF" in done.stderr and "Traceback" not in done.stderr
