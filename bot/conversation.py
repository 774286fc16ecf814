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
    # the conversation this message belongs to ("slack:C123:1712.34" for a thread, "teams:<id>",
    # "cli:<name>"): its last answer is remembered for follow-ups; None remembers nothing
    conversation: str | None = None
    # whether the asker manages a channel ("slack:C123", "teams:19:…"): its creator, a
    # workspace admin, a team owner, as the surface finds out (bot.rights); None: cannot tell
    manages: Callable[[str], bool] | None = field(default=None, compare=False, repr=False)

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
    # real meetings offered when the question named something the store does not have, or
    # "the next one" after an empty span: never the answer itself, always labelled as such
    suggestions: list[Meeting] = field(default_factory=list)
    today: date | None = None  # the asker's day, for the days left to each deadline
    # what a follow-up may refer to (bot.followups): intent, deadlines, kinds, selector
    topic: dict[str, Any] = field(default_factory=dict)
    # carries something only the asker may see (a private calendar link): surfaces send it to
    # them alone (a direct message, an ephemeral message, a 1:1 chat), never to a channel
    private: bool = False

    def days_left(self, d: Deadline) -> int:
        return (d.due_date - (self.today or self.now.date())).days

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "now": self.now.isoformat(),
            "intent": self.intent,
            "text": self.text,
            "meetings": [meeting_json(m) for m in self.meetings],
            "deadlines": [
                {**deadline_json(d), "days_left": self.days_left(d)} for d in self.deadlines
            ],
            "suggestions": [meeting_json(m) for m in self.suggestions],
            "links": self.links,
            "total": self.total if self.total is not None else len(self.meetings),
            "private": self.private,
        }


class CommandHandler(Protocol):
    """A chat command: returns an Answer when the text is its command, else None."""

    def __call__(
        self, text: str, *, runtime: Any, asker: Asker, now: datetime
    ) -> Answer | None: ...


# Tried in order before question answering; other features append theirs.
COMMAND_HANDLERS: list[CommandHandler | Callable[..., Answer | None]] = []

MAX_LIST = 50  # meetings in one list answer; the text says how many more there are
# What a person can say, grouped; every line works as written (tests/bot/test_help.py).
HELP_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Meetings", (
        "What's coming up?",
        "When is the next regional meeting?",
        "What's on in Africa this spring?",
        "Is anything on over Christmas?",
        "What comes after the next bureau meeting?",
        "Which meetings does Switzerland fund?",
    )),
    ("Deadlines", (
        "What's due this week?",
        "What is the next deadline?",
        "Which deadlines fall in January?",
        "When is the registration deadline for the next regional meeting?",
    )),
    ("Follow-ups, about the meetings I just named", (
        "Who funds it?",
        "And the one in Asia?",
        "Remind me 3 days before it",
        "Add it to my calendar",
    )),
    ("Reminders", (
        "Remind me 3 days before the next session",
        "Remind me on 10 January at 9:00 to send the invitation letters",
        "Tell me when dates are set for the next session",
        "What are my reminders?",
        "Cancel reminder 1",
        "Set my default reminders to 1 day and 1 week before",
    )),
    ("Agendas", (
        "Send me a daily agenda",
        "Post a weekly agenda in #logistics every Monday at 9",
        "Stop my daily agenda",
    )),
    ("Calendars", (
        "Subscribe me to African meetings",
        "Give me the calendar link",
        "What am I subscribed to?",
    )),
)  # fmt: skip
EXAMPLES = tuple(f"“{line}”" for _, lines in HELP_GROUPS[:2] for line in lines[:3])
HELP_TEXT = "I answer questions about the secretariat's meetings and keep you on time. Say:\n" + (
    "\n".join(
        f"{title}: " + ", ".join(f"“{line}”" for line in lines) for title, lines in HELP_GROUPS
    )
)
SHORT_HELP = (
    "I answer questions about meetings, deadlines and reminders. Try: "
    + ", ".join(EXAMPLES)
    + ", or say “help” for everything I understand."
)


def asker_today(now: datetime, asker: Asker, default_tz: str) -> date:
    """The asker's calendar day: their time zone, else `default_tz` (SECBOT_DEFAULT_TZ)."""
    zone = places.zone(asker.timezone or default_tz)
    return now.astimezone(zone).date() if zone else now.date()
