"""Slack event ids already handled: the memory that makes Slack's retries harmless (chat
answers keep theirs in the delivery ledger, `bot.reminders.answers`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col

from storage.models import Delivery, DeliveryKind, DeliveryState, SlackEvent
from storage.upsert import insert_ignore

FINISHED = (DeliveryState.sent, DeliveryState.failed, DeliveryState.skipped)


def remember(session: Session, *, event_id: str, now: datetime) -> bool:
    """Record `event_id`; True when it is new, False when it was seen before (a retry)."""
    row = {"event_id": event_id, "received_at": now}
    return insert_ignore(session, SlackEvent, [row], keys=["event_id"]) == 1


def forget_before(session: Session, *, before: datetime) -> int:
    """Drop ids older than `before` (Slack stops retrying within minutes), and the finished
    ledger rows of chat answers made before then (their event id is their key)."""
    result = session.execute(delete(SlackEvent).where(col(SlackEvent.received_at) < before))
    session.execute(
        delete(Delivery).where(
            col(Delivery.kind) == DeliveryKind.answer,
            col(Delivery.state).in_(FINISHED),
            col(Delivery.created_at) < before,
        )
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
