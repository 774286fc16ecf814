"""Stored Teams conversation references: written on every turn, read to send proactively."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from storage.models import TeamsConversation
from storage.upsert import upsert


def save_conversation(
    session: Session,
    *,
    conversation_id: str,
    kind: str,
    service_url: str,
    conversation: dict[str, Any],
    now: datetime,
    user_key: str | None = None,
    tenant_id: str | None = None,
    team_id: str | None = None,
) -> None:
    """Remember (or refresh) how to reach a conversation."""
    upsert(
        session,
        TeamsConversation,
        {
            "conversation_id": conversation_id,
            "user_key": user_key,
            "kind": kind,
            "tenant_id": tenant_id,
            "team_id": team_id,
            "service_url": service_url,
            "conversation": conversation,
            "created_at": now,
            "updated_at": now,
        },
        keys=["conversation_id"],
        keep=["created_at"],
    )


def get_conversation(session: Session, *, conversation_id: str) -> TeamsConversation | None:
    return session.get(TeamsConversation, conversation_id)


def personal_conversation(session: Session, *, user_key: str) -> TeamsConversation | None:
    """The user's 1:1 chat with the bot (most recently used one if several)."""
    return session.exec(
        select(TeamsConversation)
        .where(TeamsConversation.user_key == user_key, TeamsConversation.kind == "personal")
        .order_by(col(TeamsConversation.updated_at).desc())
        .limit(1)
    ).first()


def delete_conversation(session: Session, *, conversation_id: str) -> None:
    row = session.get(TeamsConversation, conversation_id)
    if row is not None:
        session.delete(row)
