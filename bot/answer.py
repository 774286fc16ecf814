"""The core: a question in, an `Answer` out. No Slack or Teams here.

Every surface (CLI, Slack, Teams) calls `answer()` and renders the same `Answer`.
`answer()` first records a Slack or Teams asker's profile zone when it is new or changed
(bot.profiles; otherwise one primary-key read), then offers the message to `COMMAND_HANDLERS`
(chat commands other features add: subscriptions, reminders…), then reads it as a question
(bot.understand), runs one bounded query against the store (storage.repo.find_meetings) and
words the reply (bot.render_text).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Engine
from sqlmodel import Session

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
        self, text: str, *, engine: Engine, asker: Asker, now: datetime
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


def asker_today(now: datetime, asker: Asker) -> date:
    """The asker's calendar day: their time zone, else SECBOT_DEFAULT_TZ."""
    zone_name = asker.timezone
    if not zone_name:
        from bot.settings import get_settings

        zone_name = get_settings().default_tz
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        return now.date()
    return now.astimezone(zone).date()


def command_handlers() -> list[CommandHandler | Callable[..., Answer | None]]:
    """The chat commands tried before question answering, built-in ones first.

    Imported here, not at the top: the command modules import this one for Answer and Asker.
    """
    from bot import feeds_chat, reminders_chat

    return [reminders_chat.handle, feeds_chat.handle, *COMMAND_HANDLERS]


def answer(question: str, *, engine: Engine, asker: Asker, now: datetime) -> Answer:
    """Answer one message. Never raises: odd input gets a short helpful reply."""
    text = question if isinstance(question, str) else str(question)
    _remember_zone(engine, asker, now)
    try:
        for handler in command_handlers():
            handled = handler(text, engine=engine, asker=asker, now=now)
            if handled is not None:
                return handled
        return _answer_question(text, engine=engine, asker=asker, now=now)
    except Exception:
        log.exception("could not answer %r", text[:200])
        return Answer(
            question=text[:4000],
            now=now,
            intent="error",
            text="Sorry, I could not work that one out. " + HELP_TEXT,
        )


def _remember_zone(engine: Engine, asker: Asker, now: datetime) -> None:
    """Keep the asker's profile zone (and the reminders that follow it) up to date; a failure
    here must not cost them their answer."""
    from bot import profiles

    try:
        profiles.observe(engine, asker, now=now)
    except Exception:
        log.exception("could not record the time zone of %s", asker.key)


def _answer_question(text: str, *, engine: Engine, asker: Asker, now: datetime) -> Answer:
    from bot.compose import compose
    from bot.understand import understand
    from bot.vocabulary import vocabulary

    today = asker_today(now, asker)
    with Session(engine) as session:
        vocab = vocabulary(session, engine)
        query = understand(text, vocab=vocab, today=today)
        reply = compose(query, session=session)
    result = Answer(
        question=query.text,
        now=now,
        intent=reply.intent,
        text=reply.text,
        meetings=reply.meetings,
        deadlines=reply.deadlines,
        total=reply.total,
    )
    if query.truncated:
        result = replace(
            result, text=result.text + " (Your message was long: I read only its first 4,000 "
            "characters.)"
        )  # fmt: skip
    return result
