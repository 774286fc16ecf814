"""What is due at an instant: a pure function of the ledger's rows and that instant."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, NamedTuple, Protocol

from bot.reminders.terms import Grace
from storage.models import (
    DeliveryState,
)


class LedgerRow(Protocol):
    kind: str
    state: str
    due_at: datetime
    claimed_at: datetime | None


class Due(NamedTuple):
    to_send: list[Any]
    to_skip: list[Any]  # too late to be useful: skip with reason TOO_LATE


def due(
    rows: Iterable[LedgerRow], now: datetime, grace: Grace, *, lease: timedelta | None = None
) -> Due:
    """Split rows into what to send now and what came due too long ago to be useful.

    A row is due when it is pending and `due_at <= now`; one stuck in `sending` whose claim is
    older than `lease` (its worker died) is due again. It is sent when it is no more than its
    kind's grace late, else skipped. Rows not yet due are in neither list.
    """
    to_send: list[Any] = []
    to_skip: list[Any] = []
    for row in rows:
        if row.state == DeliveryState.pending:
            if row.due_at > now:
                continue
        elif row.state == DeliveryState.sending:
            if lease is None or row.claimed_at is None or row.claimed_at > now - lease:
                continue
        else:
            continue
        late = now - row.due_at
        if late <= grace.get(row.kind, timedelta(0)):
            to_send.append(row)
        else:
            to_skip.append(row)
    return Due(to_send, to_skip)
