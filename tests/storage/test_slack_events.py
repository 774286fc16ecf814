"""The event-id memory behind Slack retry deduplication, on both backends."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine

from bot.clock import Clock
from storage import db, slack_events


def test_an_event_id_is_new_once(engine: Engine, clock: Clock) -> None:
    with db.session_scope(engine) as session:
        assert slack_events.remember(session, event_id="Ev01", now=clock.now()) is True
        assert slack_events.remember(session, event_id="Ev01", now=clock.now()) is False
    with db.session_scope(engine) as session:  # and still known in a later transaction
        assert slack_events.remember(session, event_id="Ev01", now=clock.now()) is False
        assert slack_events.remember(session, event_id="Ev02", now=clock.now()) is True


def test_old_ids_are_forgotten(engine: Engine, clock: Clock) -> None:
    now = clock.now()
    with db.session_scope(engine) as session:
        slack_events.remember(session, event_id="EvOld", now=now - timedelta(days=8))
        slack_events.remember(session, event_id="EvNew", now=now)
    with db.session_scope(engine) as session:
        assert slack_events.forget_before(session, before=now - timedelta(days=7)) == 1
    with db.session_scope(engine) as session:
        assert slack_events.remember(session, event_id="EvOld", now=now) is True
        assert slack_events.remember(session, event_id="EvNew", now=now) is False
