"""What a conversation is made of: who asks (`Asker`), what comes back (`Answer`), the
chat-command protocol and the help text. A leaf: it imports no other module of `bot`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from storage import places
from storage.models import Deadline, Meeting, deadline_json, meeting_json

log = logging.getLogger(__name__)


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
    total: int | None = None  # how many meetings matched, when more than `meetings` holds

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "now": self.now.isoformat(),
            "intent": self.intent,
            "text": self.text,
            "meetings": [meeting_json(m) for m in self.meetings],
            "deadlines": [deadline_json(d) for d in self.deadlines],
            "links": self.links,
            "total": self.total if self.total is not None else len(self.meetings),
        }


class CommandHandler(Protocol):
    """A chat command: returns an Answer when the text is its command, else None."""

    def __call__(
        self, text: str, *, runtime: Any, asker: Asker, now: datetime
    ) -> Answer | None: ...


# Tried in order before question answering; other features append theirs.
COMMAND_HANDLERS: list[CommandHandler | Callable[..., Answer | None]] = []

MAX_LIST = 50  # meetings in one list answer; the text says how many more there are
EXAMPLES = (
    "“What meetings are coming up?”",
    "“When is the Asia-Pacific regional meeting?”",
    "“Where did the working group on financing meet?”",
    "“What's on in February 2016?”",
    "“How many days until INC7?”",
    "“Which meetings does Switzerland fund?”",
)
HELP_TEXT = (
    "I answer questions about the secretariat's meetings: when and where they are, what is on "
    "in a week, month or place, how long they last, how many days are left, and who hosts or "
    "funds them. Try: " + ", ".join(EXAMPLES) + "."
)


def asker_today(now: datetime, asker: Asker, default_tz: str) -> date:
    """The asker's calendar day: their time zone, else `default_tz` (SECBOT_DEFAULT_TZ)."""
    zone = places.zone(asker.timezone or default_tz)
    return now.astimezone(zone).date() if zone else now.date()
