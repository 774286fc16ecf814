"""Sending what is due: claim ledger rows, send them with bounded concurrency, mark them.

Claiming is safe with several processes on one database. Candidate rows are read (PostgreSQL:
`FOR UPDATE SKIP LOCKED`, so replicas never wait on or take each other's rows), `reminders.due`
decides what to send and what is too late, and a guarded UPDATE (`WHERE state` is still what
was read) moves them to `sending` under a fresh claim token; only rows that UPDATE changed are
read back and sent. Each row is marked right after its send, inside its concurrency slot (marks
arriving together share one commit), so a crash leaves at most `concurrency` rows sent but
unmarked; those, like rows claimed but never started, are taken over once their claim is older
than the lease: at-least-once for the few in flight, exactly-once for the rest.
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, and_, bindparam, update
from sqlmodel import Session, col, select

from bot.backoff import full_jitter
from bot.clock import Clock
from bot.reminders import answers, digests
from bot.reminders.due import due
from bot.reminders.leases import Heartbeat, claimable
from bot.reminders.leases import worker_name as worker_name  # sources' claims use it too
from bot.reminders.messages import render
from bot.reminders.notifier import Message, Notifier, SendResult
from bot.reminders.terms import NOTICE_KINDS, TOO_LATE, Grace, grace_from_settings
from bot.settings import Settings
from storage.models import (
    Deadline,
    Delivery,
    DeliveryKind,
    DeliveryState,
    Digest,
    Invitation,
    InvitationStatus,
    Meeting,
    PersonalReminder,
)

log = logging.getLogger("secbot.dispatch")

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class Policy:
    concurrency: int = 20
    batch: int = 200
    lease: timedelta = timedelta(seconds=30)
    max_attempts: int = 5
    backoff: float = 1.0
    backoff_max: float = 60.0
    grace: Grace = field(default_factory=dict)

    @classmethod
    def from_settings(cls, s: Settings) -> Policy:
        return cls(
            concurrency=s.reminders_concurrency, batch=s.reminders_batch,
            lease=timedelta(seconds=s.reminders_lease), max_attempts=s.reminders_max_attempts,
            backoff=s.reminders_backoff, backoff_max=s.reminders_backoff_max,
            grace=grace_from_settings(s),
        )  # fmt: skip


@dataclass
class DispatchReport:
    sent: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)
    skipped: dict[int, str] = field(default_factory=dict)
    retrying: dict[int, str] = field(default_factory=dict)  # answers queued again (an outage)
    lost_claims: int = 0  # rows another worker took over before we marked them

    def to_json(self) -> dict[str, Any]:
        return {
            "sent": len(self.sent), "failed": len(self.failed), "skipped": len(self.skipped),
            "sent_ids": self.sent, "failed_ids": {str(k): v for k, v in self.failed.items()},
            "skipped_ids": {str(k): v for k, v in self.skipped.items()},
        }  # fmt: skip


def notices_about(meeting_id: str) -> Any:
    """A filter for `Dispatcher(only=...)`: the invites, updates and CANCELs of one meeting."""
    return and_(col(Delivery.meeting_id) == meeting_id, col(Delivery.kind).in_(NOTICE_KINDS))


def _invitees(session: Session, rows: Sequence[Delivery]) -> dict[str, tuple[str, ...]]:
    """The e-mail invitees of the meetings that notices in `rows` are about."""
    ids = {r.meeting_id for r in rows if r.kind in NOTICE_KINDS}
    found: dict[str, list[str]] = {}
    if ids:
        query = select(Invitation).where(col(Invitation.meeting_id).in_(ids))
        for i in session.exec(query.order_by(col(Invitation.id))):
            found.setdefault(i.meeting_id, []).append(i.email)
    return {meeting_id: tuple(emails) for meeting_id, emails in found.items()}


def claim(
    engine: Engine, *, now: datetime, policy: Policy, worker: str, only: Any = None
) -> tuple[list[tuple[Delivery, Message]], dict[int, str]]:
    """Claim up to `policy.batch` due rows for `worker` (among `only`, a SQL filter, if given);
    skip the ones too late.

    Returns the claimed rows with their rendered messages, and the ids skipped (with reason).
    """
    token = f"{worker}:{uuid.uuid4().hex[:12]}"
    with Session(engine, expire_on_commit=False) as session:
        query = (
            select(Delivery)
            .where(claimable(now, policy.lease, only))
            .order_by(col(Delivery.due_at), col(Delivery.id))
            .limit(policy.batch)
        )
        if engine.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = list(session.exec(query))
        if not rows:
            return [], {}
        decided = due(rows, now, policy.grace, lease=policy.lease)
        unprepared = [r for r in decided.to_send if r.kind == DeliveryKind.answer and not r.payload]
        to_skip = [(r, TOO_LATE) for r in decided.to_skip]
        to_skip += [(r, answers.NOT_PREPARED) for r in unprepared]
        skipped: dict[int, str] = {}
        for row, reason in to_skip:
            assert row.id is not None
            changed = session.execute(
                update(Delivery)
                .where(col(Delivery.id) == row.id, claimable(now, policy.lease))
                .values(state=DeliveryState.skipped.value, reason=reason, updated_at=now)
                .execution_options(synchronize_session=False)
            )
            if changed.rowcount:  # type: ignore[attr-defined]
                skipped[row.id] = reason
        ids = [r.id for r in decided.to_send if r not in unprepared]
        if ids:
            session.execute(
                update(Delivery)
                .where(col(Delivery.id).in_(ids), claimable(now, policy.lease))
                .values(
                    state=DeliveryState.sending.value,
                    claimed_by=token,
                    claimed_at=now,
                    attempts=Delivery.attempts + 1,
                    updated_at=now,
                )
                .execution_options(synchronize_session=False)  # read back below
            )
        session.commit()
        if not ids:
            return [], skipped
        claimed = list(
            session.exec(
                select(Delivery)
                .where(Delivery.claimed_by == token, Delivery.state == DeliveryState.sending)
                .execution_options(populate_existing=True)
            )
        )
        meeting_ids = {r.meeting_id for r in claimed}
        meetings = {
            m.id: m for m in session.exec(select(Meeting).where(col(Meeting.id).in_(meeting_ids)))
        }
        deadline_ids = {r.deadline_id for r in claimed if r.deadline_id is not None}
        deadlines = {
            d.id: d
            for d in session.exec(select(Deadline).where(col(Deadline.id).in_(deadline_ids)))
        }
        invitees = _invitees(session, claimed)
        notes = _by_subject_id(session, PersonalReminder, claimed, DeliveryKind.note)
        agendas = _by_subject_id(session, Digest, claimed, DeliveryKind.digest)
        out = [
            (
                r,
                answers.render(r)
                if r.kind == DeliveryKind.answer
                else digests.render(session, r, agendas.get(_subject_id(r)))
                if r.kind == DeliveryKind.digest
                else render(
                    r,
                    meetings.get(r.meeting_id),
                    deadlines.get(r.deadline_id) if r.deadline_id is not None else None,
                    attendees=invitees.get(r.meeting_id, ()),
                    note=notes.get(_subject_id(r)),
                ),
            )
            for r in claimed
        ]
        return out, skipped


def _subject_id(row: Delivery) -> int:
    """The id in a "note:<id>" or "digest:<id>:<date>" subject (0 when there is none)."""
    parts = row.subject.split(":")
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def _by_subject_id(
    session: Session, model: type[Any], rows: Sequence[Delivery], kind: str
) -> dict[int, Any]:
    """The rows of `model` (personal reminders, digests) that `rows` of `kind` are about."""
    ids = {_subject_id(r) for r in rows if r.kind == kind}
    if not ids:
        return {}
    return {x.id: x for x in session.exec(select(model).where(col(model.id).in_(ids)))}


@dataclass(frozen=True)
class Outcome:
    row: Delivery
    now: datetime
    result: SendResult
    attempts: int
    sequence: int = 0  # the meeting's SEQUENCE the message carried
    retry_at: datetime | None = None  # not sent: pending again from then (chat answers)


def _invitation_values(o: Outcome) -> dict[str, Any] | None:
    """What an e-mail invite, update or CANCEL's outcome changes on its invitation row."""
    if o.row.channel != "email" or o.row.kind not in NOTICE_KINDS:
        return None
    if o.result.outcome != "sent":
        error = (o.result.error or o.result.outcome)[:500]
        return {"status": InvitationStatus.failed.value, "last_error": error, "updated_at": o.now}
    cancelled = o.row.kind == DeliveryKind.cancel
    status = InvitationStatus.cancelled if cancelled else InvitationStatus.invited
    return {
        "status": status.value, "sequence_sent": o.sequence,
        "last_error": None, "updated_at": o.now,
    }  # fmt: skip


def _held(conn: Any, outcomes: Sequence[Outcome]) -> set[int]:
    """Ids of the outcomes' rows still claimed by the claim that sent them (PostgreSQL: locked
    until the commit, so the UPDATE below sees the same)."""
    query = select(Delivery.id, Delivery.claimed_by).where(
        col(Delivery.id).in_([o.row.id for o in outcomes]),
        col(Delivery.state) == DeliveryState.sending,
    )
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    claims = {o.row.id: o.row.claimed_by for o in outcomes}
    return {row_id for row_id, by in conn.execute(query) if claims.get(row_id) == by}


def _outcome_values(o: Outcome) -> dict[str, Any]:
    sent = o.result.outcome == "sent"
    again = not sent and o.retry_at is not None
    state = DeliveryState.sent if sent else DeliveryState.pending if again else DeliveryState.failed
    return {
        "b_id": o.row.id, "b_claimed_by": o.row.claimed_by, "attempts": o.attempts,
        "updated_at": o.now, "sent_at": o.now if sent else None, "state": state.value,
        "last_error": None if sent else (o.result.error or o.result.outcome)[:500],
        "due_at": o.retry_at if again else o.row.due_at,
        "claimed_by": None if again else o.row.claimed_by,
        "payload": None if sent and o.row.kind == DeliveryKind.answer else o.row.payload,
    }  # fmt: skip


MARKED = ("state", "sent_at", "attempts", "last_error", "updated_at", "due_at", "claimed_by",
          "payload")  # fmt: skip
_MARK = (
    update(Delivery)
    .where(
        col(Delivery.id) == bindparam("b_id"),
        col(Delivery.claimed_by) == bindparam("b_claimed_by"),
        col(Delivery.state) == DeliveryState.sending,
    )
    .values({name: bindparam(name) for name in MARKED})
)


def mark(engine: Engine, outcomes: Sequence[Outcome]) -> list[bool]:
    """Record sends' outcomes on rows we still hold, in one transaction and one executemany;
    for each, False if our claim was taken over meanwhile. E-mail notices also update their
    invitation (the SEQUENCE the invitee has, or the error)."""
    with engine.begin() as conn:
        held = _held(conn, outcomes)
        kept = [o.row.id in held for o in outcomes]
        ours = [o for o, k in zip(outcomes, kept, strict=True) if k]
        if ours:
            conn.execute(_MARK, [_outcome_values(o) for o in ours])
        for o in ours:
            invitation = _invitation_values(o)
            if invitation:
                conn.execute(
                    update(Invitation)
                    .where(
                        col(Invitation.meeting_id) == o.row.meeting_id,
                        col(Invitation.email) == o.row.address,
                    )
                    .values(**invitation)
                )
    return kept


class Marker:
    """Group commit: outcomes that arrive while a commit is running share the next one.

    Each sender waits for the commit holding its outcome before it gives up its concurrency
    slot, so rows sent but not yet marked never outnumber the slots.
    """

    def __init__(self, engine: Engine, *, max_batch: int = 200) -> None:
        self.engine = engine
        self.max_batch = max_batch
        self._queue: list[tuple[Outcome, asyncio.Future[bool]]] = []
        self._task: asyncio.Task[None] | None = None

    async def mark(self, outcome: Outcome) -> bool:
        done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._queue.append((outcome, done))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._flush())
        return await done

    async def _flush(self) -> None:
        while self._queue:
            batch, self._queue = self._queue[: self.max_batch], self._queue[self.max_batch :]
            try:
                kept = await asyncio.to_thread(mark, self.engine, [o for o, _ in batch])
            except Exception as e:
                for _, done in batch:
                    done.set_exception(e)
            else:
                for (_, done), ok in zip(batch, kept, strict=True):
                    done.set_result(ok)


class Dispatcher:
    """Sends everything due at the clock's "now"; used by the scheduler and `run-once`."""

    def __init__(
        self,
        engine: Engine,
        notifiers: Mapping[str, Notifier],
        *,
        clock: Clock,
        policy: Policy,
        worker: str | None = None,
        sleep: Sleep = asyncio.sleep,
        jitter: Callable[[], float] = random.random,
        only: Any = None,
    ) -> None:
        self.engine = engine
        self.only = only  # a SQL filter: send only these rows (e.g. `notices_about(id)`)
        self.notifiers = notifiers
        self.clock = clock
        self.policy = policy
        self.worker = worker or worker_name()
        self.sleep = sleep
        self.jitter = jitter
        self._slots = asyncio.Semaphore(policy.concurrency)
        self._marker = Marker(engine)
        every = max(policy.lease.total_seconds() / 3, 0.1)
        self.heartbeat = Heartbeat(engine, worker=self.worker, now=clock.now, every=every)

    def backoff(self, attempt: int) -> float:
        """The wait before try `attempt` + 1 (attempt counts from 1): up to base·2^(attempt-1)."""
        return full_jitter(
            attempt - 1, base=self.policy.backoff, cap=self.policy.backoff_max, random=self.jitter
        )

    async def run_due(self) -> DispatchReport:
        """Claim and send batch after batch until nothing is due. The next batch is claimed
        while the current one is being sent, so the database round trips overlap the sends."""
        report = DispatchReport()
        if self.only is None:
            await asyncio.to_thread(self._plan_agendas)
        claiming = asyncio.ensure_future(self._claim())
        sending: list[asyncio.Future[list[None]]] = []
        try:
            while True:
                batch, skipped = await claiming
                report.skipped.update(skipped)
                if not batch and not skipped:
                    break
                claiming = asyncio.ensure_future(self._claim())
                sending.append(
                    asyncio.gather(*(self._deliver(row, msg, report) for row, msg in batch))
                )
                if len(sending) > 1:  # at most one batch waiting behind the one in flight
                    await sending.pop(0)
            await asyncio.gather(*sending)
        finally:
            claiming.cancel()
        return report

    def _plan_agendas(self) -> None:
        """Queue the agendas' coming occurrences (bot.reminders.digests): idempotent, so every
        process may do it on every round."""
        grace = self.policy.grace.get(DeliveryKind.digest.value, timedelta(0))
        with Session(self.engine) as session:
            digests.plan(session, now=self.clock.now(), grace=grace)
            session.commit()

    async def _claim(self) -> tuple[list[tuple[Delivery, Message]], dict[int, str]]:
        return await asyncio.to_thread(
            claim,
            self.engine,
            now=self.clock.now(),
            policy=self.policy,
            worker=self.worker,
            only=self.only,
        )

    async def _deliver(self, row: Delivery, message: Message, report: DispatchReport) -> None:
        assert row.id is not None
        notifier = self.notifiers.get(row.channel)
        attempts = row.attempts
        async with self._slots:
            if notifier is None:
                result = SendResult.permanent(f"no notifier for channel {row.channel!r}")
            else:
                result, tries = await self._send_with_retries(notifier, row, message)
                attempts += tries - 1
            now = self.clock.now()
            retry_at = self._retry_at(row, result, now)
            outcome = Outcome(row, now, result, attempts, message.sequence, retry_at)
            kept = await self._marker.mark(outcome)
        if not kept:
            report.lost_claims += 1
        elif result.outcome == "sent":
            report.sent.append(row.id)
        elif retry_at is not None:
            report.retrying[row.id] = result.error or result.outcome
            log.warning("answer %s to %s not posted, again at %s: %s", row.id, row.recipient,
                        retry_at.isoformat(), result.error)  # fmt: skip
        else:
            report.failed[row.id] = result.error or result.outcome
            log.warning("delivery %s to %s failed: %s", row.id, row.recipient, result.error)

    def _retry_at(self, row: Delivery, result: SendResult, now: datetime) -> datetime | None:
        """A chat answer the platform would not take (an outage) is queued again until its
        grace runs out; other kinds fail after their retries, as before."""
        if row.kind != DeliveryKind.answer or result.outcome in ("sent", "permanent"):
            return None
        if now - row.created_at >= self.policy.grace.get(row.kind, timedelta(0)):
            return None
        return now + timedelta(seconds=max(self.policy.backoff_max, 1.0))

    async def _send_with_retries(
        self, notifier: Notifier, row: Delivery, message: Message
    ) -> tuple[SendResult, int]:
        """Send, waiting out rate limits (Retry-After) and retrying transient errors with
        backoff; returns the last result and how many tries it took."""
        transient = 0
        total = 0
        while True:
            try:
                result = await notifier.send(row, message)
            except Exception as e:  # a notifier bug must not kill the batch
                log.exception("notifier %s raised", notifier.channel)
                result = SendResult.transient(f"{e.__class__.__name__}: {e}")
            total += 1
            if result.outcome in ("sent", "permanent"):
                break
            if total >= self.policy.max_attempts * 4:  # rate limits count, but not forever
                break
            if result.outcome == "rate_limited":
                await self.sleep(1.0 if result.retry_after is None else result.retry_after)
                continue
            transient += 1
            if transient >= self.policy.max_attempts:
                break
            await self.sleep(self.backoff(transient))
        return result, total


async def run_once(
    engine: Engine,
    notifiers: Mapping[str, Notifier],
    *,
    clock: Clock,
    policy: Policy,
    sleep: Sleep = asyncio.sleep,
    jitter: Callable[[], float] = random.random,
    only: Any = None,
) -> DispatchReport:
    """Send everything due at the clock's instant (among `only`, if given), then close the
    notifiers."""
    dispatcher = Dispatcher(
        engine, notifiers, clock=clock, policy=policy, sleep=sleep, jitter=jitter, only=only
    )
    dispatcher.heartbeat.start()
    try:
        return await dispatcher.run_due()
    finally:
        await dispatcher.heartbeat.stop()
        for n in notifiers.values():
            await n.aclose()


def summary(rows: Sequence[Delivery]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.state] = counts.get(r.state, 0) + 1
    return counts
