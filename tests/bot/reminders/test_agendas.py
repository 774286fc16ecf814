"""Agendas (digests) and date watches go through the deliveries ledger: an agenda is posted
once per period whatever restarts and however many replicas run (SQLite and PostgreSQL); a
watch waits until its meeting has dates. Sends go over real HTTP to a fake Slack."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import Engine

from bot import meetings, reminders
from bot.clock import fixed
from bot.conversation import Asker
from bot.reminders import digests
from bot.reminders.dispatch import Policy, run_once
from bot.settings import get_settings
from handlers.slack.notifier import SlackNotifier
from storage import db
from storage.models import Digest
from storage.seed import load_seed
from tests.bot.ask_helpers import ask, managing, with_deadlines
from tests.fakes.slack_api import FakeSlack, fake_slack

NOW = datetime(2015, 12, 15, 9, 0, tzinfo=UTC)  # a Tuesday
MONDAY = datetime(2015, 12, 21, 8, 0, tzinfo=UTC)  # 09:00 in Zurich
ANA = managing(
    Asker(user_id="U0ANA", platform="slack", timezone="Europe/Zurich", channel_id="C0LOG"),
    "slack:C0LOG",
)


def policy() -> Policy:
    return Policy(grace=reminders.grace_from_settings(get_settings()))


def slack(sink: FakeSlack) -> dict:  # type: ignore[type-arg]
    return {"slack": SlackNotifier(token="xoxb-test", base_url=sink.api_url)}


@pytest.fixture
def sink() -> Iterator[FakeSlack]:
    with fake_slack() as server:
        yield server


def replica(url: str) -> Engine:
    return db.make_engine(url)


def test_occurrences_follow_the_wall_clock_across_daylight_saving() -> None:
    weekly = Digest(id=1, subscriber="slack:C1", period="weekly", weekday=0, time_of_day=time(9),
                    timezone="Europe/Zurich", created_at=NOW, updated_at=NOW)  # fmt: skip
    start = datetime(2016, 3, 20, tzinfo=UTC)
    mondays = digests.occurrences(weekly, after=start, until=start + timedelta(days=14))
    assert [m.astimezone(UTC).hour for m in mondays] == [8, 7]  # CET, then CEST
    daily = Digest(id=2, subscriber="slack:U1", period="daily", time_of_day=time(7, 30),
                   timezone="Asia/Jakarta", created_at=NOW, updated_at=NOW)  # fmt: skip
    days = digests.occurrences(daily, after=NOW, until=NOW + timedelta(days=3))
    assert [d.isoformat() for d in days] == [
        "2015-12-16T07:30:00+07:00", "2015-12-17T07:30:00+07:00", "2015-12-18T07:30:00+07:00",
    ]  # fmt: skip


async def test_an_agenda_goes_out_once_per_period_across_restarts_and_replicas(
    database_url: str, sink: FakeSlack
) -> None:
    first = db.make_engine(database_url)
    db.upgrade(first)
    with db.session_scope(first) as session:
        load_seed(session, now=NOW)
    with_deadlines(first)
    said = ask(first, "post a weekly agenda in <#C0LOG|logistics> every Monday at 9", asker=ANA)
    assert said.intent == "digest_set" and "every Monday at 09:00 (Europe/Zurich)" in said.text
    # two replicas wake at the same instant: one post
    second = replica(database_url)
    await asyncio.gather(
        run_once(first, slack(sink), clock=fixed(MONDAY), policy=policy()),
        run_once(second, slack(sink), clock=fixed(MONDAY), policy=policy()),
    )
    assert [p.channel for p in sink.posts] == ["C0LOG"]
    assert sink.posts[0].text.startswith("Weekly agenda, 21–27 December 2015")
    # a restart later that morning plans and sends nothing again
    restarted = replica(database_url)
    await run_once(
        restarted, slack(sink), clock=fixed(MONDAY + timedelta(hours=2)), policy=policy()
    )
    assert len(sink.posts) == 1
    # the next Monday: the next week's agenda, once
    for engine in (restarted, second):
        await run_once(
            engine, slack(sink), clock=fixed(MONDAY + timedelta(days=7)), policy=policy()
        )
    assert len(sink.posts) == 2
    text = sink.posts[1].text
    assert text.startswith("Weekly agenda, 28 December 2015 – 3 January 2016")
    assert "Nominations of participants, African regional meeting" in text
    for engine in (first, second, restarted):
        engine.dispose()


async def test_a_stopped_agenda_sends_nothing(seeded: Engine, sink: FakeSlack) -> None:
    ask(seeded, "send me a daily agenda", asker=ANA)
    assert ask(seeded, "stop my daily agenda", asker=ANA).text == "OK: no more daily agenda."
    await run_once(seeded, slack(sink), clock=fixed(NOW + timedelta(days=1)), policy=policy())
    assert sink.posts == []


def test_an_agenda_for_a_channel_asks_the_rights_hook(
    seeded: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot import rights

    asked: list[tuple[str, str]] = []

    def refuse(asker: Asker, channel: str, *, by: str) -> bool:
        asked.append((str(asker.key), channel))
        return False

    monkeypatch.setattr(rights, "may_set_channel_wide", refuse)
    a = ask(seeded, "post a weekly agenda here every Monday at 9", asker=ANA)
    assert a.intent == "reminder_error" and a.text == rights.REFUSED
    assert asked == [("slack:U0ANA", "slack:C0LOG")]
    with db.session_scope(seeded) as session:
        assert digests.list_digests(session) == []


async def test_tell_me_when_dates_are_set(seeded: Engine, sink: FakeSlack) -> None:
    said = ask(seeded, "tell me when dates are set for INC7", asker=ANA)
    assert said.intent == "dates_watch_set"
    await run_once(seeded, slack(sink), clock=fixed(NOW + timedelta(days=1)), policy=policy())
    assert sink.posts == []  # it waits for the dates
    with db.session_scope(seeded) as session:
        meetings.edit(session, meeting_id="inc7", changes={"start": "2016-03-10",
                      "end": "2016-03-15"}, now=NOW + timedelta(days=2))  # fmt: skip
    await run_once(seeded, slack(sink), clock=fixed(NOW + timedelta(days=2)), policy=policy())
    [post] = sink.posts
    assert post.channel == "U0ANA" and post.text.startswith("Dates set: INC7")
    assert "Thursday 10 March 2016 to Tuesday 15 March 2016" in post.text
    again = ask(seeded, "tell me when dates are set for INC7", asker=ANA)
    assert again.intent == "dates_known"
