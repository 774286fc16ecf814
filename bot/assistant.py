"""The core: a question in, an `Answer` out. No Slack or Teams here.

Every surface (CLI, Slack, Teams) calls `answer()` and renders the same `Answer`.
`answer()` first records a Slack or Teams asker's profile zone when it is new or changed
(bot.reminders.profiles; otherwise one primary-key read), then offers the message to the chat
commands (reminders, subscriptions and feeds, then `COMMAND_HANDLERS` that other features add),
then reads it as a question (bot.ask.understand), runs one bounded query against the store
(storage.search.find_meetings) and words the reply (bot.ask.render_text).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Protocol

from sqlalchemy import Engine
from sqlmodel import Session

from bot.ask.compose import compose
from bot.ask.understand import understand
from bot.ask.vocabulary import vocabulary
from bot.calendar import chat as feeds_chat
from bot.conversation import COMMAND_HANDLERS, HELP_TEXT, Answer, Asker, CommandHandler, asker_today
from bot.reminders import chat as reminders_chat
from bot.reminders import profiles
from bot.runtime import Runtime

log = logging.getLogger("bot.answer")


class AnswerFn(Protocol):
    """What surfaces call to answer a message: `answer` itself, or a test's stand-in."""

    def __call__(
        self, question: str, *, runtime: Runtime, asker: Asker, now: datetime
    ) -> Answer: ...


def command_handlers() -> list[CommandHandler | Callable[..., Answer | None]]:
    """The chat commands tried before question answering, built-in ones first."""
    return [reminders_chat.handle, feeds_chat.handle, *COMMAND_HANDLERS]


def answer(question: str, *, runtime: Runtime, asker: Asker, now: datetime) -> Answer:
    """Answer one message. Never raises: odd input gets a short helpful reply."""
    text = question if isinstance(question, str) else str(question)
    _remember_zone(runtime.engine, asker, now)
    try:
        for handler in command_handlers():
            handled = handler(text, runtime=runtime, asker=asker, now=now)
            if handled is not None:
                return handled
        return _answer_question(text, runtime=runtime, asker=asker, now=now)
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
    try:
        profiles.observe(engine, asker, now=now)
    except Exception:
        log.exception("could not record the time zone of %s", asker.key)


def _answer_question(text: str, *, runtime: Runtime, asker: Asker, now: datetime) -> Answer:
    today = asker_today(now, asker, runtime.settings.default_tz)
    with Session(runtime.engine) as session:
        vocab = vocabulary(session, runtime.engine)
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
