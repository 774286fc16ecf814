"""`secbot reminders …` and `secbot deadlines …` through the CLI, sending to a fake Slack."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import get_settings
from tests.fakes.slack_sink import SlackSink, running_sink

runner = CliRunner()
LUSAKA = "africa-regional-2016"


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def js(*args: str, now: str = "2016-01-01") -> Any:
    code, stdout, stderr = run(*args, "--json", "--now", now)
    assert code == 0, stderr + stdout
    return json.loads(stdout)


@pytest.fixture
def sink(cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[SlackSink]:
    with running_sink() as s:
        monkeypatch.setenv("SECBOT_SLACK_API_URL", s.url)
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
        get_settings.cache_clear()
        yield s
    get_settings.cache_clear()


def test_add_move_send_once_cancel(sink: SlackSink) -> None:
    rule = js("reminders", "add", "--channel", "slack:C0TEAM", "--meeting", LUSAKA, "--before",
              "3d")  # fmt: skip
    assert rule["before_days"] == [3] and rule["pending"] == 1
    first = js("reminders", "list")["deliveries"]
    assert [d["due_at"] for d in first] == ["2016-01-30T08:00:00+00:00"]  # 09:00 Zurich (CET)
    js("meetings", "edit", LUSAKA, "--start", "2016-02-09", "--end", "2016-02-11")
    moved = js("reminders", "list")["deliveries"]
    assert [d["due_at"] for d in moved] == ["2016-02-06T08:00:00+00:00"]  # a week later
    due = "2016-02-06T08:00:00+00:00"
    assert js("reminders", "run-once", now="2016-02-06T07:59:59+00:00")["sent"] == 0
    assert js("reminders", "list", "--due", now=due)["deliveries"] == moved
    assert js("reminders", "run-once", now=due)["sent"] == 1
    assert js("reminders", "run-once", now=due)["sent"] == 0  # twice at one instant: once
    assert [p.channel for p in sink.posts] == ["C0TEAM"]
    assert "starts in 3 days" in sink.posts[0].text

    js("reminders", "add", "--user", "slack:U0ANA", "--meeting", LUSAKA, "--before", "1d",
       now=due)  # fmt: skip
    js("meetings", "cancel", LUSAKA, now=due)  # queues the CANCELs and sends them at once
    assert sorted(p.channel for p in sink.posts[1:]) == ["C0TEAM", "U0ANA"]
    assert all(p.text.startswith("Cancelled: ") for p in sink.posts[1:])
    assert js("reminders", "run-once", now="2016-02-06T09:00:00+00:00")["sent"] == 0
    assert js("reminders", "run-once", now="2016-02-08T08:00:00+00:00")["sent"] == 0  # no more
    assert len(sink.posts) == 3


def test_unsubscribed_user_gets_nothing_further(sink: SlackSink) -> None:
    rule = js("reminders", "add", "--user", "slack:U0BOB", "--region", "Africa", "--before", "1d")
    code, _, stderr = run("reminders", "remove", str(rule["id"]), "--now", "2016-01-01")
    assert code == 0, stderr
    assert js("reminders", "list")["deliveries"] == []
    assert js("reminders", "run-once", now="2016-02-01T08:00:00+00:00")["sent"] == 0
    assert sink.posts == []


def test_deadlines_from_rules_and_by_hand(sink: SlackSink) -> None:
    made = js("deadlines", "apply-rules", LUSAKA)
    assert {d["kind"] for d in made["created"]} == {"nominations", "documents", "registration",
                                                   "travel"}  # fmt: skip
    again = js("deadlines", "apply-rules", LUSAKA)
    assert again["created"] == [] and again["kept"] == 4
    added = js("deadlines", "add", "inc7", "--kind", "documents", "--due", "2016-01-25")
    assert added["due_date"] == "2016-01-25" and added["title"] == "Documents"
    js("reminders", "add", "--email", "ana@example.org", "--meeting", "inc7", "--deadlines",
       "--no-starts", "--before", "1d")  # fmt: skip
    (row,) = js("reminders", "list")["deliveries"]
    assert row["kind"] == "deadline" and row["due_at"] == "2016-01-24T08:00:00+00:00"


def test_bad_input_gets_a_clear_message(cli_env: dict[str, str]) -> None:
    for args, message in [
        (("--email", "not-an-address", "--all"), "not an e-mail address"),
        (("--user", "slack:U0A", "--channel", "slack:C0B", "--all"), "exactly one of"),
        (("--user", "slack:U0ANA"), "exactly one of --meeting"),
        (("--user", "slack:U0ANA", "--meeting", "nope"), "no meeting with id"),
        (("--user", "slack:U0ANA", "--all", "--before", "3 months"), "offset"),
        (("--user", "slack:U0ANA", "--region", "Atlantis"), "unknown region"),
    ]:
        code, _, stderr = run("reminders", "add", *args, "--now", "2016-01-01")
        assert code == 2 and message in stderr, (args, stderr)
    code, _, stderr = run("deadlines", "add", LUSAKA, "--due", "2016-02-30", "--now", "2016-01-01")
    assert code == 2 and "--due" in stderr
