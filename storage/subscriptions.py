"""Keyword-only queries and writes for feed tokens, subscriptions and invitations.

Callers own the session and its transaction (as in storage/repo.py).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from storage import repo
from storage.models import (
    FeedState,
    FeedToken,
    Invitation,
    Meeting,
    Subscription,
    TargetKind,
)

TOKEN_BYTES = 24  # 192 bits from `secrets`; the URL-safe text is 32 characters


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- tokens ----------------------------------------------------------------------------------


def live_token(session: Session, *, user_key: str) -> FeedToken | None:
    query = select(FeedToken).where(
        FeedToken.user_key == user_key, col(FeedToken.revoked_at).is_(None)
    )
    return session.exec(query.order_by(col(FeedToken.id).desc())).first()


def revoke_tokens(session: Session, *, user_key: str, now: datetime) -> int:
    """Revoke every live token of `user_key`; returns how many were live."""
    rows = session.exec(
        select(FeedToken).where(FeedToken.user_key == user_key, col(FeedToken.revoked_at).is_(None))
    ).all()
    for row in rows:
        row.revoked_at = now
        session.add(row)
    session.flush()
    return len(rows)


def issue_token(session: Session, *, user_key: str, now: datetime) -> str:
    """A new secret for `user_key` (revoking any earlier one). Only its hash is stored, so the
    plain token is returned once, here."""
    revoke_tokens(session, user_key=user_key, now=now)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(
        FeedToken(user_key=user_key, token_hash=hash_token(token), created_at=now, changed_at=now)
    )
    session.flush()
    return token


def token_row(session: Session, *, token: str) -> FeedToken | None:
    """The live token row for a plain token; None for unknown or revoked tokens."""
    row = session.exec(select(FeedToken).where(FeedToken.token_hash == hash_token(token))).first()
    if row is None or row.revoked_at is not None:
        return None
    return row


def _touch(session: Session, *, subscriber: str, now: datetime) -> None:
    """Date a change to what the subscriber's private feed shows (see FeedToken.changed_at)."""
    token = live_token(session, user_key=subscriber)
    if token is not None and token.changed_at != now:
        token.changed_at = now
        session.add(token)


# --- subscriptions ---------------------------------------------------------------------------


def _find(
    session: Session, *, subscriber: str, target_kind: TargetKind, target: str
) -> Subscription | None:
    """The subscriber's row for that target, if they follow it."""
    return session.exec(
        select(Subscription).where(
            Subscription.subscriber == subscriber,
            Subscription.target_kind == target_kind.value,
            Subscription.target == target,
        )
    ).first()


def subscribe(
    session: Session,
    *,
    subscriber: str,
    target_kind: TargetKind,
    target: str,
    now: datetime,
    alarm_minutes: int | None = None,
) -> tuple[Subscription, bool]:
    """Follow a target (idempotent); returns (row, created). An alarm given updates the row."""
    row = _find(session, subscriber=subscriber, target_kind=target_kind, target=target)
    created = row is None
    if row is None:
        row = Subscription(
            subscriber=subscriber, target_kind=target_kind.value, target=target,
            alarm_minutes=alarm_minutes, created_at=now, updated_at=now,
        )  # fmt: skip
    elif alarm_minutes is not None and alarm_minutes != row.alarm_minutes:
        row.alarm_minutes = alarm_minutes
        row.updated_at = now
    session.add(row)
    _touch(session, subscriber=subscriber, now=now)
    session.flush()
    return row, created


def unsubscribe(
    session: Session, *, subscriber: str, target_kind: TargetKind, target: str, now: datetime
) -> bool:
    row = _find(session, subscriber=subscriber, target_kind=target_kind, target=target)
    if row is None:
        return False
    session.delete(row)
    _touch(session, subscriber=subscriber, now=now)
    session.flush()
    return True


def list_subscriptions(
    session: Session,
    *,
    subscriber: str | None = None,
    target_kinds: Sequence[TargetKind] = (),
) -> list[Subscription]:
    query = select(Subscription)
    if subscriber is not None:
        query = query.where(Subscription.subscriber == subscriber)
    if target_kinds:
        query = query.where(col(Subscription.target_kind).in_([k.value for k in target_kinds]))
    return list(session.exec(query.order_by(col(Subscription.id))))


def subscribers_of(session: Session, *, meeting: Meeting) -> list[Subscription]:
    """Every subscription that covers `meeting` (for reminders and channel posts)."""
    targets = [
        (TargetKind.meeting, meeting.id),
        (TargetKind.kind, meeting.kind),
        (TargetKind.region, meeting.region),
        (TargetKind.country, meeting.country),
        (TargetKind.series, (meeting.series or "").lower()),
    ]
    clauses = [
        (col(Subscription.target_kind) == kind.value) & (col(Subscription.target) == value)
        for kind, value in targets
        if value
    ]
    return list(session.exec(select(Subscription).where(or_(*clauses))))


# --- invitations -----------------------------------------------------------------------------


def _invitee_clause(subscriber: str) -> object:
    clauses = [col(Invitation.subscriber) == subscriber]
    if subscriber.startswith("email:"):
        clauses.append(col(Invitation.email) == subscriber.removeprefix("email:").lower())
    return or_(*clauses)


def invitations_for(session: Session, *, subscriber: str) -> list[Invitation]:
    """Invitations addressed to a subscriber (by key, or by address for `email:` keys)."""
    query = select(Invitation).where(_invitee_clause(subscriber))  # type: ignore[arg-type]
    return list(session.exec(query.order_by(col(Invitation.id))))


def list_invitations(session: Session, *, meeting_id: str) -> list[Invitation]:
    query = select(Invitation).where(Invitation.meeting_id == meeting_id)
    return list(session.exec(query.order_by(col(Invitation.id))))


def record_invitation(
    session: Session,
    *,
    meeting_id: str,
    email: str,
    now: datetime,
    subscriber: str | None = None,
) -> Invitation:
    """Add an invitee (idempotent). What was sent to it (`sequence_sent`, `status`) is recorded
    when its ledger delivery is marked (`bot.dispatch.mark`)."""
    repo.require_meeting(session, meeting_id=meeting_id)
    email = email.strip().lower()
    row = session.exec(
        select(Invitation).where(Invitation.meeting_id == meeting_id, Invitation.email == email)
    ).first()
    if row is None:
        row = Invitation(
            meeting_id=meeting_id, email=email, subscriber=subscriber, created_at=now,
            updated_at=now,
        )  # fmt: skip
    elif subscriber and row.subscriber != subscriber:
        row.subscriber = subscriber
        row.updated_at = now
    session.add(row)
    _touch(session, subscriber=subscriber or f"email:{email}", now=now)
    session.flush()
    return row


def subscriber_version(session: Session, *, subscriber: str) -> str:
    """A fingerprint of everything a private feed depends on beside the meetings themselves:
    changes whenever a subscription or invitation of `subscriber` is added, changed or removed
    (row contents, not timestamps, so a fixed clock cannot hide a change)."""
    subs = session.exec(
        select(
            Subscription.id, Subscription.target_kind, Subscription.target,
            Subscription.alarm_minutes,
        ).where(Subscription.subscriber == subscriber)
    ).all()  # fmt: skip
    invites = session.exec(
        select(Invitation.id, Invitation.meeting_id, Invitation.status).where(
            _invitee_clause(subscriber)  # type: ignore[arg-type]
        )
    ).all()
    text = repr((sorted(tuple(s) for s in subs), sorted(tuple(i) for i in invites)))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def latest_change(session: Session, *, subscriber: str) -> datetime | None:
    """When the subscriber's subscriptions or invitations last changed (for Last-Modified)."""
    token = live_token(session, user_key=subscriber)
    latest = session.exec(
        select(func.max(col(Invitation.updated_at))).where(
            _invitee_clause(subscriber)  # type: ignore[arg-type]
        )
    ).one()
    values = [v for v in (latest, token.changed_at if token else None) if v is not None]
    return max(values) if values else None


def meetings_version(session: Session) -> tuple[str, datetime | None]:
    """(version, latest change) of the meetings: FeedState's counter, raised by every ORM write
    to a meeting (see storage.models), so reading it is one primary-key lookup."""
    if session.new or session.dirty or session.deleted:
        session.flush()  # as an ORM query would: pending meeting writes raise the counter
    table = FeedState.__table__  # type: ignore[attr-defined]
    query = select(table.c.version, table.c.changed_at).where(table.c.id == 1)
    state = session.connection().execute(query).first()  # a plain read: no ORM state to build
    if state is None:  # a database migrated by hand without the row: fall back to a scan
        count, latest = repo.data_version(session)
        total = session.exec(select(func.sum(col(Meeting.sequence)))).one()
        return f"scan.{count}.{total or 0}.{latest}", latest
    return str(state.version), state.changed_at


def followed_meetings(session: Session, *, subscriber: str) -> dict[str, list[int]]:
    """Meeting ids a subscriber follows or is invited to, each with its alarm offsets (minutes)."""
    subs = list_subscriptions(session, subscriber=subscriber)
    columns = {
        TargetKind.meeting.value: col(Meeting.id),
        TargetKind.kind.value: col(Meeting.kind),
        TargetKind.region.value: col(Meeting.region),
        TargetKind.country.value: col(Meeting.country),
        TargetKind.series.value: func.lower(col(Meeting.series)),
    }
    found: dict[str, list[int]] = {}
    if subs:
        clauses = [columns[s.target_kind] == s.target for s in subs]
        for m in session.exec(select(Meeting).where(or_(*clauses))):
            values = {
                TargetKind.meeting.value: m.id, TargetKind.kind.value: m.kind,
                TargetKind.region.value: m.region, TargetKind.country.value: m.country,
                TargetKind.series.value: (m.series or "").lower(),
            }  # fmt: skip
            found[m.id] = sorted(
                {
                    s.alarm_minutes
                    for s in subs
                    if s.alarm_minutes is not None and values[s.target_kind] == s.target
                }
            )
    for invitation in invitations_for(session, subscriber=subscriber):
        found.setdefault(invitation.meeting_id, [])
    return found
