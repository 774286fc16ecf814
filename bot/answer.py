"""The core: a question in, an `Answer` out. No Slack or Teams here.

Every surface (CLI, Slack, Teams) calls `answer()` and renders the same `Answer`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from storage.models import Deadline, Meeting, deadline_json, meeting_json


@dataclass(frozen=True)
class Asker:
    """Who is asking: platform user id, their time zone, and whether they may edit meetings."""

    user_id: str | None = None
    platform: str = "cli"  # cli | slack | teams
    timezone: str | None = None
    is_admin: bool = False
    channel_id: str | None = None

    @property
    def key(self) -> str | None:
        """A stable id across surfaces, e.g. `slack:U123`."""
        return f"{self.platform}:{self.user_id}" if self.user_id else None


@dataclass
class Answer:
    question: str
    now: datetime
    intent: str
    text: str
    meetings: list[Meeting] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)  # e.g. {"webcal": ..., "https": ...}

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "now": self.now.isoformat(),
            "intent": self.intent,
            "text": self.text,
            "meetings": [meeting_json(m) for m in self.meetings],
            "deadlines": [deadline_json(d) for d in self.deadlines],
            "links": self.links,
        }


def answer(question: str, *, engine: Engine, asker: Asker, now: datetime) -> Answer:
    """Answer one message. Placeholder until the question-answering issue lands."""
    return Answer(
        question=question,
        now=now,
        intent="help",
        text="I can tell you about meetings: try “what's coming up?”",
    )
