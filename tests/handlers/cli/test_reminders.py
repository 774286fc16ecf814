"""`secbot reminders …` and `secbot deadlines …` through the CLI, sending to a fake Slack."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from bot.assistant import answer
from bot.conversation import Asker
from bot.settings import get_settings
from handlers.cli.app import app
from storage import db, people
from storage.models import Person
from tests.fakes.slack_api import FakeSlack, fake_slack
from tests.runtimes import runtime_of

runner = CliRunner()
LUSAKA = "africa-regional-2016"
CLI_NOW = datetime(2016, 1, 1, 8, 0, tzinfo=UTC)  # --now 2016-01-01: 09:00 in Zurich


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def js(*args: str, now: str = "2016-01-01") -> Any:
    code, stdout, stderr = run(*args, "--json", "--now", now)
    assert code == 0, stderr + stdout
    return json.loads(stdout)


@pytest.fixture
def sink(cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSlack]:
    with fake_slack() as s:
        monkeypatch.setenv("SECBOT_SLACK_API_URL", s.api_url)
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
        get_settings.cache_clear()
        yield s
    get_settings.cache_clear()


def test_add_move_send_once_cancel(sink: FakeSlack) -> None:
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


def test_unsubscribed_user_gets_nothing_further(sink: FakeSlack) -> None:
    rule = js("reminders", "add", "--user", "slack:U0BOB", "--region", "Africa", "--before", "1d")
    code, _, stderr = run("reminders", "remove", str(rule["id"]), "--now", "2016-01-01")
    assert code == 0, stderr
    assert js("reminders", "list")["deliveries"] == []
    assert js("reminders", "run-once", now="2016-02-01T08:00:00+00:00")["sent"] == 0
    assert sink.posts == []


def test_deadlines_from_rules_and_by_hand(sink: FakeSlack) -> None:
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


# --- the recipient's time zone and default offsets ---------------------------------------------


@pytest.fixture
def store(cli_env: dict[str, str]) -> Iterator[Engine]:
    """The CLI's database, migrated, for setting up and checking people."""
    engine = db.make_engine(cli_env["SECBOT_DATABASE_URL"])
    db.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def slack(cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSlack]:
    """A fake Slack on 127.0.0.1 (port 0) that answers users.info, with a bot token set."""
    with fake_slack() as fake:
        monkeypatch.setenv("SECBOT_SLACK_API_URL", fake.api_url)
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
        get_settings.cache_clear()
        yield fake
    get_settings.cache_clear()


def zone_of(engine: Engine, user_key: str) -> str | None:
    with Session(engine) as s:
        found = people.get_person(s, user_key=user_key)
        return found.timezone if found else None


def test_tz_is_kept_as_given_and_a_bad_one_writes_nothing(store: Engine) -> None:
    code, _, stderr = run("reminders", "add", "--user", "slack:U0ANA", "--meeting", LUSAKA,
                          "--tz", "Mars/Olympus", "--now", "2016-01-01")  # fmt: skip
    assert code == 2 and "unknown time zone 'Mars/Olympus'" in stderr
    assert js("reminders", "list") == {"now": "2016-01-01T09:00:00+01:00", "rules": [],
                                       "deliveries": []}  # fmt: skip
    with Session(store) as s:
        assert s.exec(select(Person)).all() == []

    rule = js("reminders", "add", "--user", "slack:U0ANA", "--meeting", LUSAKA, "--before", "3d",
              "--tz", "America/New_York")  # fmt: skip
    assert (rule["timezone"], rule["follows_profile"]) == ("America/New_York", False)
    due = [d["due_at"] for d in js("reminders", "list")["deliveries"]]
    assert due == ["2016-01-30T14:00:00+00:00"]  # 09:00 in New York (EST, UTC-5)
    # Ana's Slack profile says Zurich: a zone given explicitly does not follow it
    ana = Asker(user_id="U0ANA", platform="slack", timezone="Europe/Zurich")
    answer("help", runtime=runtime_of(store), asker=ana, now=datetime(2016, 1, 2, tzinfo=UTC))
    assert zone_of(store, "slack:U0ANA") == "Europe/Zurich"
    assert [d["due_at"] for d in js("reminders", "list")["deliveries"]] == due


def test_a_user_rule_takes_the_stored_profile_zone(store: Engine, slack: FakeSlack) -> None:
    with db.session_scope(store) as s:
        people.set_timezone(s, user_key="slack:U0TOKYO", timezone="Asia/Tokyo", now=CLI_NOW)
    rule = js("reminders", "add", "--user", "slack:U0TOKYO", "--meeting", LUSAKA, "--before", "3d")
    assert (rule["timezone"], rule["follows_profile"]) == ("Asia/Tokyo", True)
    due = [d["due_at"] for d in js("reminders", "list")["deliveries"]]
    assert due == ["2016-01-30T00:00:00+00:00"]  # 09:00 in Tokyo (UTC+9)
    assert slack.of("users.info") == []  # known already: Slack is not asked


def test_an_unknown_zone_is_looked_up_in_slack(store: Engine, slack: FakeSlack) -> None:
    slack.users["U0LIMA"] = {"tz": "America/Lima"}
    rule = js("reminders", "add", "--user", "slack:U0LIMA", "--meeting", LUSAKA, "--before", "3d")
    assert (rule["timezone"], rule["follows_profile"]) == ("America/Lima", True)
    [call] = slack.of("users.info")
    assert call.params["user"] == "U0LIMA"
    assert call.headers["Authorization"] == "Bearer xoxb-test"
    assert zone_of(store, "slack:U0LIMA") == "America/Lima"  # remembered for next time
    assert [d["due_at"] for d in js("reminders", "list")["deliveries"]] == [
        "2016-01-30T14:00:00+00:00"  # 09:00 in Lima (UTC-5)
    ]
    js("reminders", "add", "--user", "slack:U0LIMA", "--meeting", "cee-regional-2016")
    assert len(slack.of("users.info")) == 1

    slack.fail("users.info", 500)
    code, stdout, stderr = run("reminders", "add", "--user", "slack:U0DOWN", "--meeting", LUSAKA,
                               "--json", "--now", "2016-01-01")  # fmt: skip
    assert code == 0 and "no time zone for slack:U0DOWN from Slack" in stderr
    assert json.loads(stdout)["timezone"] == "Europe/Zurich"  # SECBOT_DEFAULT_TZ
    assert zone_of(store, "slack:U0DOWN") is None


def test_without_a_token_or_profile_the_default_zone_is_used(store: Engine) -> None:
    rule = js("reminders", "add", "--user", "teams:29:bob", "--meeting", LUSAKA, "--before", "3d")
    assert (rule["timezone"], rule["follows_profile"]) == ("Europe/Zurich", True)
    assert zone_of(store, "teams:29:bob") is None


def test_a_user_rule_without_offsets_takes_the_persons_defaults(store: Engine) -> None:
    with db.session_scope(store) as s:
        people.set_default_offsets(s, user_key="slack:U0ANA", offsets=[14, 2], now=CLI_NOW)
    rule = js("reminders", "add", "--user", "slack:U0ANA", "--meeting", LUSAKA, "--tz", "UTC")
    assert rule["before_days"] == [2, 14]
    channel = js("reminders", "add", "--channel", "slack:C0TEAM", "--meeting", LUSAKA)
    assert channel["before_days"] == [1, 3]  # SECBOT_REMINDERS_BEFORE
    given = js("reminders", "add", "--user", "slack:U0ANA", "--meeting", "inc7", "--tz", "UTC",
               "--before", "1w")  # fmt: skip
    assert given["before_days"] == [7]
