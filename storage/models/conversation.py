"""What a conversation remembers between messages: the meetings of its last answer and what
was asked about them, so a follow-up ("who funds it?", "and the one in Brno?") can be read.
Kept in the database (it survives restarts and is shared by replicas) and expires."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from storage.models.types import UTCDateTime


class ConversationMemory(SQLModel, table=True):
    """One conversation's memory: `key` names the conversation on its surface
    ("slack:C123:1712345.678" for a thread, "teams:<conversation id>", "cli:<name>")."""

    __tablename__ = "conversation_memory"

    key: str = SQLField(primary_key=True, max_length=300)
    meeting_ids: list[str] = SQLField(default_factory=list, sa_column=Column(JSON, nullable=False))
    # what the last question asked: intent, whether it was about deadlines, their kinds, the
    # selector ("first", "next"); read by bot.followups
    topic: dict[str, Any] = SQLField(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = SQLField(sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = SQLField(sa_column=Column(UTCDateTime(), nullable=False, index=True))
