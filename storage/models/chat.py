"""What secbot keeps of chat: people (profile zone, default offsets), Slack events already
taken, Teams conversation references and the Agents SDK's state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    UniqueConstraint,
)
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from storage.models.types import UTCDateTime


class TeamsConversation(SQLModel, table=True):
    """Where the bot can reach a Teams conversation later (reminders after a restart).

    `conversation` holds the Agents SDK's proactive `Conversation` store item: the conversation
    reference (service URL, ids, tenant) and the few token claims needed to continue it.
    `user_key` (`teams:<user id>`) is set for 1:1 (personal) conversations only.
    """

    __tablename__ = "teams_conversation"

    conversation_id: str = SQLField(primary_key=True, max_length=1000)
    user_key: str | None = SQLField(default=None, max_length=300, index=True)
    kind: str = SQLField(max_length=20)  # personal | channel | groupChat
    tenant_id: str | None = SQLField(default=None, max_length=100)
    team_id: str | None = SQLField(default=None, max_length=300)
    service_url: str = SQLField(max_length=500)
    conversation: dict[str, Any] = SQLField(sa_column=Column(JSON, nullable=False))
    created_at: datetime = SQLField(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = SQLField(sa_column=Column(UTCDateTime(), nullable=False))


class AgentState(SQLModel, table=True):
    """The Agents SDK's key/value state storage (turn, conversation and user state)."""

    __tablename__ = "agent_state"

    key: str = SQLField(primary_key=True, max_length=1000)
    data: dict[str, Any] = SQLField(sa_column=Column(JSON, nullable=False))
    updated_at: datetime = SQLField(sa_column=Column(UTCDateTime(), nullable=False))


class Person(SQLModel, table=True):
    """What secbot keeps about a person it reminds: the time zone their Slack or Teams profile
    last gave (None until known) and their default reminder offsets in days (None: the global
    SECBOT_REMINDERS_BEFORE). Read by primary key once per chat message (bot.profiles)."""

    __tablename__ = "person"

    user_key: str = SQLField(primary_key=True, max_length=320)  # "slack:U123", "teams:29:abc"
    timezone: str | None = SQLField(default=None, max_length=64)
    default_offsets: list[int] | None = SQLField(default=None, sa_column=Column(JSON))
    created_at: datetime = SQLField(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = SQLField(sa_column=Column(UTCDateTime(), nullable=False))


class SlackEvent(SQLModel, table=True):
    """An Events API delivery already taken, so Slack's retries never answer twice (issue 4)."""

    __tablename__ = "slack_event"
    __table_args__ = (UniqueConstraint("event_id", name="uq_slack_event_id"),)

    id: int | None = SQLField(default=None, primary_key=True)
    event_id: str = SQLField(max_length=64)
    received_at: datetime = SQLField(sa_column=Column(UTCDateTime(), nullable=False, index=True))
