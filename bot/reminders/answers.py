"""Chat answers in the delivery ledger: each chat event is answered once, and an answer the
chat platform would not take (an outage past its SDK's retries) is retried by the dispatcher.

The event id is the exactly-once key (subject "answer:EVENT_ID"). The surface that received
the event first `begin`s its answer: a row in `sending` claimed by this worker, so a redelivery
of the same event finds it and does nothing while the answer is being made. The surface then
`prepare`s the answer (what it will post, in its own format: the row's `payload`), posts it
and `finish`es: `sent`, or back to `pending` for the dispatcher, which posts the payload
through the channel's notifier until the answer's grace runs out.

A redelivery (Slack's X-Slack-Retry-Num) of an event whose answer never went out gets it:
a prepared answer waiting out an outage is tried at once, one that failed is queued again, and
one whose worker died before preparing it is taken over and made afresh.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from bot.reminders.ledger import LEDGER_KEY, ledger_changed
from bot.reminders.notifier import Message, SendResult
from bot.reminders.terms import channel_of
from storage.models import Delivery, DeliveryKind, DeliveryState
from storage.upsert import insert_ignore

NOT_PREPARED = "answer never prepared (its worker stopped)"


def subject_of(event_id: str) -> str:
    return f"answer:{event_id}"


@dataclass(frozen=True)
class Claim:
    """This worker's hold on one answer row, from `begin` to `finish`."""

    row_id: int
    token: str


def begin(
    engine: Engine,
    *,
    event_id: str,
    recipient: str,
    now: datetime,
    worker: str,
    lease: timedelta,
) -> Claim | None:
    """Claim the answer to `event_id` (to `recipient`, e.g. "slack:C123") for `worker`.

    None when there is nothing to do: the answer went out, is being made by a live worker, or
    is queued (then the dispatcher is told to try it now). A row whose worker died before it
    prepared the answer is taken over.
    """
    token = f"{worker}:{uuid.uuid4().hex[:12]}"
    subject = subject_of(event_id)
    channel = channel_of(recipient)
    row = {
        "kind": DeliveryKind.answer.value, "subject": subject, "meeting_id": "",
        "recipient": recipient, "channel": channel, "offset_days": 0, "due_at": now,
        "state": DeliveryState.sending.value, "attempts": 0, "claimed_by": token,
        "claimed_at": now, "created_at": now, "updated_at": now,
    }  # fmt: skip
    with Session(engine) as session:
        fresh = insert_ignore(session, Delivery, [row], keys=LEDGER_KEY)
        key = dict(zip(LEDGER_KEY, (subject, recipient, channel, 0), strict=True))
        found = session.exec(select(Delivery).filter_by(**key)).one()
        assert found.id is not None
        if fresh:
            session.commit()
            return Claim(found.id, token)
        claim, queued = _redelivered(session, found, token=token, now=now, lease=lease)
        session.commit()
    if queued:
        ledger_changed()  # pending (or just re-armed): let the dispatcher try it now
    return claim


def _redelivered(
    session: Session, row: Delivery, *, token: str, now: datetime, lease: timedelta
) -> tuple[Claim | None, bool]:
    """The same event again: answer it if its answer never went out (see the module doc).
    Returns our claim, if we are to make the answer, and whether it is queued for sending."""
    assert row.id is not None
    if row.state == DeliveryState.sent:
        return None, False
    guard = (
        col(Delivery.id) == row.id,
        col(Delivery.state) == row.state,
        col(Delivery.updated_at) == row.updated_at,
    )
    if row.payload is None:
        claimed_at = row.claimed_at if row.state == DeliveryState.sending else None
        if claimed_at is not None and claimed_at >= now - lease:
            return None, False  # being made right now
        values = {"state": DeliveryState.sending.value, "claimed_by": token, "claimed_at": now}
        taken = session.execute(
            update(Delivery).where(*guard).values(**values, reason=None, updated_at=now)
        )
        ours = Claim(row.id, token) if taken.rowcount else None  # type: ignore[attr-defined]
        return ours, False
    if row.state == DeliveryState.pending:  # waiting out an outage: Slack is back, try now
        session.execute(update(Delivery).where(*guard).values(due_at=now, updated_at=now))
    elif row.state in (DeliveryState.failed, DeliveryState.skipped):
        again = {
            "state": DeliveryState.pending.value, "due_at": now, "attempts": 0, "reason": None,
            "last_error": None, "claimed_by": None, "claimed_at": None, "updated_at": now,
        }  # fmt: skip
        session.execute(update(Delivery).where(*guard).values(**again))
    return None, row.state != DeliveryState.sending


def prepare(engine: Engine, claim: Claim, *, payload: dict[str, Any], now: datetime) -> bool:
    """Keep what the answer says on its row before it is posted, so that if this worker stops
    the dispatcher can post it. False if the claim was taken over meanwhile."""
    with Session(engine) as session:
        changed = session.execute(
            update(Delivery)
            .where(*_held(claim))
            .values(payload=payload, claimed_at=now, updated_at=now)
        )
        session.commit()
    return bool(changed.rowcount)  # type: ignore[attr-defined]


def finish(engine: Engine, claim: Claim, *, result: SendResult, now: datetime) -> None:
    """Record how the post went: `sent`, `failed` on a permanent error, else `pending` again,
    due now, for the dispatcher (which retries with backoff until the grace runs out)."""
    if result.outcome == "sent":
        values: dict[str, Any] = {"state": DeliveryState.sent.value, "sent_at": now,
                                  "payload": None, "last_error": None}  # fmt: skip
    elif result.outcome == "permanent":
        values = {"state": DeliveryState.failed.value, "last_error": _error(result)}
    else:
        values = {"state": DeliveryState.pending.value, "due_at": now, "claimed_by": None,
                  "claimed_at": None, "last_error": _error(result)}  # fmt: skip
    with Session(engine) as session:
        changed = session.execute(
            update(Delivery)
            .where(*_held(claim))
            .values(**values, attempts=Delivery.attempts + 1, updated_at=now)
        )
        session.commit()
    if changed.rowcount and values["state"] == DeliveryState.pending:  # type: ignore[attr-defined]
        ledger_changed()


def abandon(engine: Engine, claim: Claim, *, error: str, now: datetime) -> None:
    """The answer could not be made (a bug): give the row up as failed, so that the heartbeat
    stops renewing it and a redelivery of the event may try again."""
    with Session(engine) as session:
        session.execute(
            update(Delivery)
            .where(*_held(claim))
            .values(state=DeliveryState.failed.value, last_error=error[:500], updated_at=now)
        )
        session.commit()


def render(row: Delivery) -> Message:
    """The message the dispatcher sends for an answer row: its payload as prepared."""
    payload = dict(row.payload or {})
    text = str(payload.get("text") or "")
    return Message(subject=text[:150], text=text, kind=row.kind, meeting_id="", payload=payload)


def _held(claim: Claim) -> tuple[Any, ...]:
    return (
        col(Delivery.id) == claim.row_id,
        col(Delivery.claimed_by) == claim.token,
        col(Delivery.state) == DeliveryState.sending,
    )


def _error(result: SendResult) -> str:
    return (result.error or result.outcome)[:500]
