"""Short leases renewed by a heartbeat: a dead worker's claims are taken over after the lease,
a live worker's never are. Time is the `now` handed to each call (no sleeps)."""

from __future__ import annotations

import os
from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.reminders.dispatch import Policy, claim
from bot.reminders.leases import next_due, renew, worker_name
from bot.settings import Settings
from storage.models import Delivery
from tests.reminder_helpers import due_instant, fan_out

AT = due_instant(3)
GRACE = {"reminder": timedelta(hours=12)}
N = 50


def policy() -> Policy:
    return Policy(batch=1000, grace=GRACE)  # the default lease


def claimed(engine: Engine, worker: str, now: timedelta = timedelta(0)) -> set[int]:
    rows, skipped = claim(engine, now=AT + now, policy=policy(), worker=worker)
    assert skipped == {}
    return {r.id for r, _ in rows if r.id is not None}


def holders(engine: Engine) -> set[str]:
    with Session(engine) as s:
        return {by.split(":")[0] for by in s.exec(select(Delivery.claimed_by)) if by}


def test_the_default_lease_is_thirty_seconds() -> None:
    assert Policy.from_settings(Settings()).lease == timedelta(seconds=30)
    assert Policy().lease == timedelta(seconds=30)


def test_a_dead_workers_claims_are_taken_over_after_thirty_seconds(seeded: Engine) -> None:
    assert fan_out(seeded, N, now=AT - timedelta(days=10)) == N
    first = claimed(seeded, "A")
    assert len(first) == N
    # A dies (no heartbeat): its claims are its own for the lease, then anyone's
    assert claimed(seeded, "B", timedelta(seconds=29)) == set()
    assert next_due(seeded, lease=policy().lease) == AT + timedelta(seconds=30)
    assert claimed(seeded, "B", timedelta(seconds=31)) == first
    assert holders(seeded) == {"B"}


def test_a_live_worker_renewing_keeps_its_claims(seeded: Engine) -> None:
    assert fan_out(seeded, N, now=AT - timedelta(days=10)) == N
    first = claimed(seeded, "A")
    for beat in (10, 20, 30, 40, 50, 60):  # a heartbeat every third of the lease
        assert renew(seeded, worker="A", now=AT + timedelta(seconds=beat)) == N
        assert claimed(seeded, "B", timedelta(seconds=beat + 29)) == set()
    assert holders(seeded) == {"A"}
    # A stops beating at +60 s: 31 s later B has them all
    assert claimed(seeded, "B", timedelta(seconds=91)) == first
    assert renew(seeded, worker="A", now=AT + timedelta(seconds=100)) == 0  # not A's any more
    assert holders(seeded) == {"B"}


def test_renewing_touches_only_the_workers_own_claims(seeded: Engine) -> None:
    assert fan_out(seeded, N, now=AT - timedelta(days=10)) == N
    with Session(seeded) as s:
        ids = sorted(s.exec(select(Delivery.id)))
    half = ids[: N // 2]
    rows, _ = claim(
        seeded, now=AT, policy=policy(), worker="host:1", only=col(Delivery.id).in_(half)
    )
    assert len(rows) == len(half)
    assert len(claimed(seeded, "host:11")) == N - len(half)  # a name that starts like it
    assert renew(seeded, worker="host:1", now=AT + timedelta(seconds=20)) == len(half)
    taken = claimed(seeded, "other", timedelta(seconds=31))
    assert taken == set(ids) - set(half)  # host:11's lapsed; host:1's were renewed


def test_a_restarted_process_with_the_same_pid_is_another_worker() -> None:
    name = worker_name()
    _host, pid, started = name.split(":")
    assert name == worker_name() and pid == str(os.getpid())
    assert len(started) == 6 and int(started, 16) >= 0  # random per process start
    assert len(name) + 13 <= 80  # the claim id fits `claimed_by`
