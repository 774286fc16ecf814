"""The source scheduler: inside the real server it syncs due sources, and a change in a
calendar reaches a follower's Slack channel with nobody running a command."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot import reminders
from bot.clock import Clock, fixed
from bot.runtime import Runtime
from bot.settings import Settings
from bot.sources import SyncPolicy, add_source
from bot.sources.scheduler import SourceScheduler, start_sources
from handlers.web.app import create_app
from storage import db
from storage.models import CalendarSource, Meeting
from tests.calendar_server import publisher
from tests.fakes.slack_api import fake_slack
from tests.runtimes import runtime_of
from tests.servers import serve_app, wait_until
from tests.sources_data import BUREAU, WORKSHOP, calendar


def source(engine: Engine, source_id: int) -> CalendarSource:
    with Session(engine) as s:
        row = s.get(CalendarSource, source_id)
        assert row is not None
        return row


async def test_a_tick_syncs_the_sources_that_are_due_and_only_those(
    engine: Engine, clock: Clock
) -> None:
    with publisher() as pub:
        pub.publish(calendar(WORKSHOP))
        with db.session_scope(engine) as s:
            due = add_source(s, url=pub.url, name="due", now=clock.now()).id
            later = add_source(s, url=pub.url, name="later", now=clock.now()).id
            row = s.get(CalendarSource, later)
            assert row is not None
            row.next_attempt_at = clock.now() + timedelta(minutes=5)
        sched = SourceScheduler(runtime_of(engine, clock), check_interval=60, policy=SyncPolicy())
        await sched.tick()
        assert [(r.source, r.outcome) for r in sched.last_reports] == [("due", "synced")]
        assert source(engine, later).status == "never" and len(pub.requests) == 1
        await sched.tick()  # nothing is due any more: no request at all
        assert sched.last_reports == [] and len(pub.requests) == 1
        assert (source(engine, due).status, source(engine, due).events) == ("synced", 1)


async def test_sources_can_be_left_off(engine: Engine) -> None:
    settings = Settings(_env_file=None, sources_enabled=False)  # type: ignore[call-arg]
    stop = await start_sources(Runtime(settings=settings, clock=fixed(datetime.now(UTC)),
                                       engine=engine))  # fmt: skip
    await stop()


def test_a_calendar_change_reaches_a_followers_channel_by_itself(
    engine: Engine, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO")
    start = datetime(2015, 12, 15, 9, 0, tzinfo=UTC)
    with publisher() as pub, fake_slack() as sink:
        pub.publish(calendar(WORKSHOP, BUREAU))
        with db.session_scope(engine) as s:
            source_id = add_source(s, url=pub.url, name="ozone", now=start).id
        assert source_id is not None
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None, database_url=database_url, slack_bot_token="xoxb-test",
            slack_api_url=sink.api_url, seed_on_start=False, reminders_safety_interval=3600,
            sources_check_interval=0.1,
        )  # fmt: skip
        runtime = Runtime(settings=settings, clock=Clock(anchor=start, running=True), engine=engine)
        with serve_app(create_app(runtime)):
            wait_until(lambda: source(engine, source_id).status == "synced")
            with db.session_scope(engine) as s:
                workshop = s.exec(select(Meeting).where(Meeting.uid == WORKSHOP.uid)).one()
                reminders.add_rule(s, subscriber="slack:C0FOLLOW", scope="meeting",
                                   scope_value=workshop.id, offsets=[3], now=start,
                                   timezone="UTC")  # fmt: skip
                # the calendar changes, and the source's hour is up
                pub.publish(calendar(WORKSHOP.moved(7), BUREAU))
                row = s.get(CalendarSource, source_id)
                assert row is not None
                row.next_attempt_at = start
            wait_until(lambda: len(sink.posts) == 1)
        [post] = sink.posts
    assert post.channel == "C0FOLLOW" and post.text.startswith("Updated: Regional workshop")
    assert "14 March 2016" in post.text
    assert [r["status"] for r in pub.requests] == ["200", "200"]
    # the log says which source synced, never its URL (often the calendar's secret)
    assert "calendar source 'ozone' synced" in caplog.text and pub.url not in caplog.text
