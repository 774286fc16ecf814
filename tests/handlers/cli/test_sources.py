"""`secbot sources add|list|sync|remove` through the real CLI, against calendars published by
a local HTTP server (port 0): an Outlook-published ICS and an Indico category export."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from typer.testing import CliRunner

from bot.settings import get_settings
from handlers.cli.app import app
from tests.calendar_server import Publisher, publisher
from tests.paths import DATA
from tests.servers import Mailbox, smtp_sink

runner = CliRunner()
NOW = ["--now", "2015-12-15"]
OUTLOOK = DATA / "sources" / "outlook_published.ics"
INDICO = DATA / "calendars" / "indico_ocean"
OZONE = DATA / "calendars" / "outlook_ozone" / "calendar.ics"


def secbot(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, *NOW])
    return result.exit_code, result.stdout, result.stderr


def js(*args: str) -> Any:
    code, stdout, stderr = secbot(*args, "--json")
    assert code == 0, stderr
    return json.loads(stdout)


@pytest.fixture
def pub(cli_env: dict[str, str]) -> Iterator[Publisher]:
    with publisher() as p:
        yield p


def meetings() -> list[dict[str, Any]]:
    return list(js("meetings", "list")["meetings"])


@pytest.fixture
def mailbox(cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Mailbox]:
    with smtp_sink() as (box, port):
        monkeypatch.setenv("SECBOT_SMTP_PORT", str(port))
        get_settings.cache_clear()
        yield box
    get_settings.cache_clear()


def test_add_list_sync_and_remove_an_outlook_calendar(pub: Publisher, mailbox: Mailbox) -> None:
    body = OUTLOOK.read_text()
    pub.publish(body)
    seeded = len(meetings())
    added = js("sources", "add", pub.url, "--name", "Ozone calendar", "--every", "2h")
    assert added["added"] == "Ozone calendar"
    assert added["sync"]["outcome"] == "synced" and added["sync"]["counts"]["new"] == 4
    assert len(meetings()) == seeded + 4
    [listed] = js("sources", "list")["sources"]
    assert (listed["status"], listed["events"], listed["meetings"]) == ("synced", 4, 4)
    assert (listed["every_seconds"], listed["etag"]) == (7200, pub.etag)
    assert listed["cancelled"] == 1  # the event Outlook marks CANCELLED
    code, stdout, _ = secbot("sources", "list")
    assert code == 0 and "Ozone calendar" in stdout and "synced" in stdout

    # every meeting remembers where it came from (answers and cards cite it)
    synced = [m for m in meetings() if m["source"]["document"] == "Ozone calendar"]
    assert sorted(m["title"] for m in synced) == [
        "Bureau teleconference", "Expert group on emission factors",
        "Technical working group on inventories", "Workshop on reporting",
    ]  # fmt: skip

    # an invitee, and a Slack channel following the meeting (no Slack token in this shell)
    [inventories] = [m for m in synced if m["title"].startswith("Technical working group")]
    assert secbot("invite", inventories["id"], "--to", "ana@example.org")[0] == 0
    js("reminders", "add", "--channel", "slack:C0FOLLOW", "--meeting", inventories["id"])

    # the calendar changes: --dry-run shows it and writes nothing
    moved = body.replace("DTSTART;VALUE=DATE:20160307", "DTSTART;VALUE=DATE:20160314")
    moved = moved.replace("DTEND;VALUE=DATE:20160311", "DTEND;VALUE=DATE:20160318")
    pub.publish(moved)
    before = meetings()
    dry = js("sources", "sync", "Ozone calendar", "--dry-run")["sources"][0]
    assert dry["dry_run"] and dry["counts"]["updated"] == 1
    [change] = dry["changes"]
    assert change["title"] == "Technical working group on inventories"
    assert change["fields"]["start_date"] == ["2016-03-07", "2016-03-14"]
    assert meetings() == before
    code, stdout, _ = secbot("sources", "sync", "Ozone calendar", "--dry-run")
    assert code == 0 and "would change" in stdout and "2016-03-07 → 2016-03-14" in stdout

    code, stdout, stderr = secbot("sources", "sync")
    assert code == 0 and "synced" in stdout and "1 updated" in stdout
    assert any(m["start"] == "2016-03-14" for m in meetings())
    # the invitee's update went out at once; the channel's notice waits for `secbot serve`
    assert "notices: 1 sent" in stderr
    (_, first), (rcpt, update) = mailbox.messages
    assert str(first["Subject"]).startswith("Invitation: ")
    assert rcpt == ["ana@example.org"] and str(update["Subject"]).startswith("Updated: ")
    waiting = js("reminders", "list")["deliveries"]
    assert [(d["kind"], d["recipient"], d["state"]) for d in waiting if d["kind"] == "update"] == [
        ("update", "slack:C0FOLLOW", "pending")
    ]
    code, stdout, _ = secbot("sources", "sync")
    assert code == 0 and "unchanged" in stdout and pub.statuses()[-1] == "304"

    # a broken publisher: reported, nothing changed, exit code 1
    pub.status = 500
    code, _, stderr = secbot("sources", "sync", "Ozone calendar", "--full")
    assert code == 1 and "HTTP 500" in stderr and "nothing was changed" in stderr
    [listed] = js("sources", "list")["sources"]
    assert (listed["status"], listed["failures"]) == ("failed", 1)
    code, stdout, _ = secbot("sources", "list")
    assert "FAILING" in stdout

    removed = js("sources", "remove", "Ozone calendar")
    assert removed == {"removed": "Ozone calendar", "meetings_kept": 4}
    assert js("sources", "list")["sources"] == [] and len(meetings()) == seeded + 4


def test_an_indico_export_with_a_token_that_is_never_shown(
    pub: Publisher, monkeypatch: pytest.MonkeyPatch
) -> None:
    pub.publish((INDICO / "export.json").read_bytes(), "application/json")
    pub.token = "tok-3f9a1c77"
    monkeypatch.setenv("SECBOT_SOURCE_API_TOKEN", pub.token)
    added = js("sources", "add", pub.url, "--every", "6h")
    assert added["added"] == "127-0-0-1"  # named after the host
    assert (added["sync"]["format"], added["sync"]["counts"]["new"]) == ("indico", 17)
    code, stdout, stderr = secbot("sources", "list", "--json")
    assert code == 0 and json.loads(stdout)["sources"][0]["api_token"] is True
    assert pub.token not in stdout + stderr
    code, stdout, stderr = secbot("sources", "list")
    assert pub.token not in stdout + stderr


def test_the_outlook_ozone_calendar_syncs_what_it_can_read(pub: Publisher) -> None:
    """A real Outlook export (Windows zone names): whatever the ICS reader cannot read yet is
    reported by line, the rest is stored."""
    pub.publish(OZONE.read_bytes())
    code, stdout, stderr = secbot("sources", "add", pub.url, "--name", "outlook", "--json")
    assert code == 0, stderr
    report = json.loads(stdout)["sync"]
    assert report["events"] == 20
    assert report["counts"]["new"] + len(report["errors"]) == 20
    assert all(e.startswith("outlook:") for e in report["errors"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ftp://example.org/cal.ics"], "not a calendar URL"),
        (["https://example.org/cal.ics", "--every", "5x"], "cannot read '5x' as an interval"),
        (["https://example.org/cal.ics", "--every", "10s"], "out of range"),
    ],
)
def test_bad_sources_are_refused_and_nothing_added(
    cli_env: dict[str, str], args: list[str], message: str
) -> None:
    code, _, stderr = secbot("sources", "add", *args, "--no-sync")
    assert code == 2 and message in stderr
    assert js("sources", "list")["sources"] == []


def test_a_name_is_taken_once(cli_env: dict[str, str]) -> None:
    assert js("sources", "add", "webcal://example.org/a.ics", "--no-sync") == {
        "added": "example-org"
    }
    code, _, stderr = secbot("sources", "add", "https://example.org/b.ics", "--name",
                             "example-org", "--no-sync")  # fmt: skip
    assert code == 2 and "exists" in stderr
    again = js("sources", "add", "https://example.org/b.ics", "--no-sync")
    assert again == {"added": "example-org-2"}
    code, _, stderr = secbot("sources", "sync", "nope")
    assert code == 1 and "no calendar source named 'nope'" in stderr
