"""The core: a question in, an `Answer` out. No Slack or Teams here.

Every surface (CLI, Slack, Teams) calls `answer()` and renders the same `Answer`.
`answer()` recalls what the conversation's last answer was about (bot.memory), then offers
the message to the chat commands (reminders, subscriptions and feeds, then `COMMAND_HANDLERS`
that other features add; "it" there is the remembered meeting), then reads it as a question
(bot.ask.understand) and as a follow-up (bot.ask.followups), runs bounded queries against the
store and words the reply (bot.ask.compose). Last, it records what the turn taught: the Slack
or Teams asker's profile zone when it is new or changed (bot.reminders.profiles; otherwise one
primary-key read) and what this answer was about. `respond()` does the same in two steps, so
a surface can send the reply before that bookkeeping. `reads_only()` tells a surface on an event
loop which messages it may answer in place: questions, while the vocabulary is current; every
built-in command says which texts it takes (`claims`) without the database.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from typing import Protocol

from sqlalchemy import Engine
from sqlmodel import Session

from bot import memory
from bot.ask.compose import compose, topic_of
from bot.ask.followups import follow_up
from bot.ask.resolve import meeting_by_id
from bot.ask.understand import understand
from bot.ask.vocabulary import is_current, vocabulary
from bot.calendar import adding
from bot.calendar import chat as feeds_chat
from bot.conversation import (
    COMMAND_HANDLERS,
    SHORT_HELP,
    Answer,
    Asker,
    CommandHandler,
    asker_today,
)
from bot.reminders import chat as reminders_chat
from bot.reminders import dated, digest_chat, personal, profiles
from bot.runtime import Runtime

log = logging.getLogger("bot.answer")


class AnswerFn(Protocol):
    """What surfaces call to answer a message: `answer` itself, or a test's stand-in."""

    def __call__(
        self, question: str, *, runtime: Runtime, asker: Asker, now: datetime
    ) -> Answer: ...


def built_in_commands() -> list[tuple[CommandHandler, Callable[[str], bool]]]:
    """The built-in chat commands, each with its `claims` (whether it takes a text)."""
    return [
        (reminders_chat.handle, reminders_chat.claims),
        (dated.handle, dated.claims),
        (digest_chat.handle, digest_chat.claims),
        (personal.handle, personal.claims),
        (adding.handle, adding.claims),
        (feeds_chat.handle, feeds_chat.claims),
    ]


def command_handlers() -> list[CommandHandler | Callable[..., Answer | None]]:
    """The chat commands tried before question answering, built-in ones first."""
    return [handle for handle, _ in built_in_commands()] + COMMAND_HANDLERS


def reads_only(question: str, runtime: Runtime) -> bool:
    """Whether answering `question` only reads, and data that is ready: it is no chat command
    (a command may write, and wait for another process's write lock; those other features add
    are not asked, they may take any text) and the store's vocabulary is current. A surface on
    an event loop may answer such a question in place; anything else belongs on a thread."""
    text = _as_text(question)
    if COMMAND_HANDLERS or memory.COMMAND.match(text):
        return False
    if any(claims(text) for _, claims in built_in_commands()):
        return False
    with Session(runtime.engine) as session:
        return is_current(session, runtime.engine)


def answer(question: str, *, runtime: Runtime, asker: Asker, now: datetime) -> Answer:
    """Answer one message. Never raises: odd input gets a short helpful reply."""
    turn = respond(question, runtime=runtime, asker=asker, now=now)
    turn.record()
    return turn.answer


@dataclass(frozen=True)
class Turn:
    """An answer, and what is left to write once it is sent (`record`, which never raises):
    the asker's profile zone and the conversation's memory of this answer."""

    answer: Answer
    record: Callable[[], None] = lambda: None


class RespondFn(Protocol):
    """What a surface that replies before the bookkeeping calls: `respond`, or a stand-in."""

    def __call__(self, question: str, *, runtime: Runtime, asker: Asker, now: datetime) -> Turn: ...


def respond(question: str, *, runtime: Runtime, asker: Asker, now: datetime) -> Turn:
    """`answer`, its bookkeeping left to `Turn.record` (call it once the reply is sent)."""
    text = _as_text(question)
    try:
        remembered = memory.recall(runtime.engine, asker.conversation, now=now)
        result = _answer(text, runtime=runtime, asker=asker, now=now, remembered=remembered)
    except Exception:
        log.exception("could not answer %r", text[:200])
        sorry = Answer(
            question=text[:4000],
            now=now,
            intent="error",
            text="Sorry, I could not work that one out. " + SHORT_HELP,
        )
        return Turn(sorry, partial(_remember_zone, runtime.engine, asker, now))

    def record() -> None:
        _remember_zone(runtime.engine, asker, now)
        try:
            memory.keep(
                runtime.engine, asker.conversation, result, previous=remembered, now=now,
                minutes=runtime.settings.conversation_minutes,
            )  # fmt: skip
        except Exception:
            log.exception("could not remember the answer to %r", text[:200])

    return Turn(result, record)


def warm_up(runtime: Runtime) -> None:
    """Build what the first question would otherwise wait for: the store's vocabulary (at
    100,000 meetings, a second or two) and the parser's compiled patterns."""
    with Session(runtime.engine) as session:
        vocab = vocabulary(session, runtime.engine)
    understand("what's coming up?", vocab=vocab, today=runtime.clock.now().date())


def responding(answer_fn: AnswerFn) -> RespondFn:
    """`answer_fn` (a test's stand-in, say) as a `RespondFn` whose turns leave nothing to do."""

    def respond_with(question: str, *, runtime: Runtime, asker: Asker, now: datetime) -> Turn:
        return Turn(answer_fn(question, runtime=runtime, asker=asker, now=now))

    return respond_with


# what no database or encoder keeps (NUL; a lone surrogate, which JSON may carry but is no
# UTF-8): a message's such characters are read as U+FFFD, the replacement character
_UNTEXT = re.compile("[\x00\ud800-\udfff]")


def _as_text(message: object) -> str:
    return _UNTEXT.sub("\ufffd", message if isinstance(message, str) else str(message))


def _answer(
    text: str, *, runtime: Runtime, asker: Asker, now: datetime, remembered: memory.Memory
) -> Answer:
    command = memory.resolve_command(text, remembered)
    for handler in command_handlers():
        handled = handler(command, runtime=runtime, asker=asker, now=now)
        if handled is not None:
            return handled
    return _answer_question(text, runtime=runtime, asker=asker, now=now, remembered=remembered)


def _remember_zone(engine: Engine, asker: Asker, now: datetime) -> None:
    """Keep the asker's profile zone (and the reminders that follow it) up to date; a failure
    here must not cost them their answer."""
    try:
        profiles.observe(engine, asker, now=now)
    except Exception:
        log.exception("could not record the time zone of %s", asker.key)


def _answer_question(
    text: str, *, runtime: Runtime, asker: Asker, now: datetime, remembered: memory.Memory
) -> Answer:
    today = asker_today(now, asker, runtime.settings.default_tz)
    with Session(runtime.engine) as session:
        vocab = vocabulary(session, runtime.engine)
        query = understand(text, vocab=vocab, today=today)
        query = follow_up(query, meeting_ids=remembered.meeting_ids, topic=remembered.topic)
        named = meeting_by_id(session, query.folded)
        if named is not None:
            query = replace(query, meeting_ids=[named.id], intent="describe", terms=[])
        reply = compose(query, session=session)
    result = Answer(
        question=query.text,
        now=now,
        intent=reply.intent,
        text=reply.text,
        meetings=reply.meetings,
        deadlines=reply.deadlines,
        total=reply.total,
        suggestions=reply.suggestions,
        today=today,
        topic=topic_of(query),
    )
    if query.truncated:
        result = replace(
            result, text=result.text + " (Your message was long: I read only its first 4,000 "
            "characters.)"
        )  # fmt: skip
    return result
