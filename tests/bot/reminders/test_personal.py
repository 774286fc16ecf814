"""Personal reminders: read in the person's zone, stored, listed, cancelled, and delivered
through the same ledger and dispatcher as meeting reminders (over real HTTP to a fake Slack)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import Engine

from bot import reminders
from bot.clock import fixed
from bot.conversation import Asker
from bot.reminders.dispatch import Policy, run_once
from bot.reminders.personal import WhenError, when_of
from bot.settings import get_settings
from handlers.slack.notifier import SlackNotifier
from storage import db
from tests.bot.ask_helpers import ask
from tests.fakes.slack_api import fake_slack

NOW = datetime(2015, 12, 15, 8, 0, tzinfo=UTC)  # 09:00 in Zurich
ANA = Asker(user_id="U0ANA", platform="slack", timezone="Asia/Jakarta", channel_id="D0ANA")


@pytest.mark.parametrize(
    ("said", "local"),
    [
        ("on 10 January at 9:00", "2016-01-10T09:00"),
        ("tomorrow at 9", "2015-12-16T09:00"),
        ("10 January", "2016-01-10T09:00"),  # no time: the default time of day
        ("at 3pm", "2015-12-15T15:00"),
        ("next Monday at 10", "2015-12-21T10:00"),
        ("friday at noon", "2015-12-18T12:00"),
        ("tomorrow morning", "2015-12-16T09:00"),
        ("at 8:30", "2015-12-16T08:30"),  # already past today in Zurich: tomorrow
    ],
)
def test_when_is_read_on_the_persons_wall_clock(said: str, local: str) -> None:
    at = when_of(said, now=NOW, zone="Europe/Zurich", default=time(9))
    assert at.strftime("%Y-%m-%dT%H:%M") == local
    assert at.utcoffset() == timedelta(hours=1)
    assert when_of("in 2 hours", now=NOW, zone="Europe/Zurich", default=time(9)) == NOW + timedelta(
        hours=2
    )
    with pytest.raises(WhenError):
        when_of("whenever suits", now=NOW, zone="Europe/Zurich", default=time(9))


async def test_set_list_cancel_and_deliver(seeded: Engine) -> None:
    said = ask(seeded, "remind me on 10 January at 9:00 to send the invitation letters", asker=ANA)
    assert said.intent == "personal_reminder_set"
    assert "Sunday 10 January 2016 at 09:00 (Asia/Jakarta)" in said.text
    other = ask(seeded, "remind me tomorrow at 9 to book flights", asker=ANA)
    mine = ask(seeded, "what are my reminders?", asker=ANA).text
    assert "send the invitation letters" in mine and "book flights" in mine
    assert ask(seeded, "cancel my reminder to book flights", asker=ANA).intent == (
        "personal_reminder_cancelled"
    )
    assert "book flights" not in ask(seeded, "what are my reminders?", asker=ANA).text
    assert "reminder 2" in other.text
    with db.session_scope(seeded) as s:
        [row] = reminders.list_deliveries(s, recipient="slack:U0ANA", states=["pending"])
        assert row.kind == "note" and row.due_at == datetime(2016, 1, 10, 2, 0, tzinfo=UTC)
    policy = Policy(grace=reminders.grace_from_settings(get_settings()))
    with fake_slack() as sink:
        notifiers = {"slack": SlackNotifier(token="xoxb-test", base_url=sink.api_url)}
        early = await run_once(seeded, notifiers, clock=fixed(row.due_at - timedelta(minutes=1)),
                               policy=policy)  # fmt: skip
        assert early.sent == []
        notifiers = {"slack": SlackNotifier(token="xoxb-test", base_url=sink.api_url)}
        report = await run_once(seeded, notifiers, clock=fixed(row.due_at), policy=policy)
        assert report.sent == [row.id]
        assert [(p.channel, p.text) for p in sink.posts] == [
            ("U0ANA", "Reminder: send the invitation letters")
        ]


def test_a_time_that_has_passed_is_refused(seeded: Engine) -> None:
    a = ask(seeded, "remind me on 1 December 2015 at 9:00 to file the report", asker=ANA)
    assert a.intent == "reminder_error" and "already passed" in a.text


def test_from_the_command_line_it_says_when_but_cannot_deliver(seeded: Engine) -> None:
    a = ask(seeded, "remind me tomorrow at 9 to book flights")
    assert a.intent == "reminder_error" and "Wednesday 16 December 2015 at 09:00" in a.text
    assert "Slack, Teams or by e-mail" in a.text
