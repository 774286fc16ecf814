"""Agenda commands in chat: "post a weekly agenda in #logistics every Monday at 9", "send me a
daily agenda", "every Monday, post what's on this week here", "stop the weekly agenda"."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from bot import reminders, rights
from bot.conversation import Answer, Asker
from bot.reminders import digests
from bot.reminders.chat_terms import NO_CHAT, asker_zone, person_key, person_zone, reply
from bot.reminders.personal import TIME, _clock
from bot.runtime import Runtime
from storage import db, places
from storage.models import DigestPeriod

_DAYS = "|".join(d.lower() for d in digests.WEEKDAYS)
WHAT = re.compile(
    r"\b(?:agenda|digest|summary|overview|round-?up|what'?s on|what is on|what is coming up"
    r"|what'?s coming up)\b"
)
VERB = re.compile(r"\b(?:post|send|give|share|deliver|put|drop|email)\b")
DAILY = re.compile(r"\b(?:daily|every (?:day|morning|weekday)|each (?:day|morning))\b")
WEEKLY = re.compile(rf"\b(?:weekly|every week|each week|(?:every|each|on) (?:{_DAYS})s?)\b")
WEEKDAY = re.compile(rf"\b({_DAYS})s?\b")
SLACK_CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|[^>]*)?>")
NAMED_CHANNEL = re.compile(r"(?:^|\s)#([\w-]+)")
HERE = re.compile(r"\b(?:here|in this channel|to this channel|in this chat|in this conversation)\b")
STOP = re.compile(
    r"^(?:please\s+)?(?:stop|cancel|end|turn off|switch off|remove|delete|unsubscribe (?:me )?from)"
    r"\s+(?:the\s+|my\s+|our\s+|this\s+)?(?P<period>daily|weekly)?\s*(?:agenda|digest|summary)\b"
)


def claims(text: str) -> bool:
    """Whether `handle` takes `text` (read without the database)."""
    said = _said(text)
    return bool(STOP.match(said)) or _sets(said)


def handle(text: str, *, runtime: Runtime, asker: Asker, now: datetime) -> Answer | None:
    said = _said(text)
    stop = STOP.match(said)
    if stop:
        return _guarded(text, now, lambda: _stop(runtime, asker, now, text, stop["period"]))
    if not _sets(said):
        return None
    return _guarded(text, now, lambda: _set(runtime, asker, now, text, said))


def _said(text: str) -> str:
    return places.fold(text).strip().rstrip(".!?")


def _sets(said: str) -> bool:
    """Whether the (folded) message asks for a daily or weekly agenda."""
    return bool(
        WHAT.search(said) and VERB.search(said) and (DAILY.search(said) or WEEKLY.search(said))
    )


def _guarded(text: str, now: datetime, action: Callable[[], Answer]) -> Answer:
    try:
        return action()
    except reminders.ReminderError as e:
        return reply(text, now, "reminder_error", str(e))


def _target(text: str, said: str, asker: Asker) -> tuple[str, bool]:
    """Where the agenda goes ("slack:C123" or the person) and whether that is a channel."""
    mentioned = SLACK_CHANNEL.search(text)
    if mentioned:
        return f"slack:{mentioned.group(1)}", True
    named = NAMED_CHANNEL.search(said)
    if named:
        raise reminders.ReminderError(
            f"I can't tell which channel #{named.group(1)} is from its name: pick it from the "
            "list when you type # (so it becomes a link), or ask me in that channel with "
            "“here”."
        )
    here = HERE.search(said) or (re.search(r"\bpost\b", said) and not re.search(r"\bme\b", said))
    if here and asker.channel_id and asker.platform in ("slack", "teams"):
        if asker.platform == "slack" and asker.channel_id.startswith("D"):
            return person_key(asker), False  # a direct message is the person
        return f"{asker.platform}:{asker.channel_id}", True
    return person_key(asker) if asker.platform in reminders.CHANNELS else "", False


def _set(runtime: Runtime, asker: Asker, now: datetime, text: str, said: str) -> Answer:
    settings = runtime.settings
    period = DigestPeriod.daily if DAILY.search(said) else DigestPeriod.weekly
    day = WEEKDAY.search(said)
    weekday = [d.lower() for d in digests.WEEKDAYS].index(day.group(1)) if day else 0
    found = TIME.search(said)
    at = _clock(found) if found else reminders.parse_time_of_day(settings.reminders_time_of_day)
    subscriber, channel = _target(text, said, asker)
    if not subscriber:
        raise reminders.ReminderError(NO_CHAT)
    if channel and not rights.may_set_channel_wide(
        asker, subscriber, by=runtime.settings.channel_wide_by
    ):
        raise reminders.ReminderError(rights.REFUSED)
    with db.session_scope(runtime.engine) as session:
        zone = (
            asker_zone(asker, settings)
            if channel
            else person_zone(session, subscriber, asker, settings)
        )
        d = digests.set_digest(
            session, subscriber=subscriber, period=period, weekday=weekday, time_of_day=at,
            timezone=zone, now=now, created_by=asker.key,
        )  # fmt: skip
        when = digests.describe(d)
    where = "in this channel" if channel and not SLACK_CHANNEL.search(text) else (
        f"in <#{subscriber.partition(':')[2]}>" if channel else "to you"
    )  # fmt: skip
    what = (
        "the day's meetings and deadlines"
        if period == "daily"
        else "the week's meetings and deadlines"
    )
    return reply(
        text, now, "digest_set",
        f"OK: I'll post a {period} agenda ({what}) {where} {when}. Say “stop the {period} "
        "agenda” to end it.",
    )  # fmt: skip


def _stop(runtime: Runtime, asker: Asker, now: datetime, text: str, period: str | None) -> Answer:
    said = places.fold(text)
    subscriber, channel = _target(text, said, asker) if (
        SLACK_CHANNEL.search(text) or HERE.search(said)
    ) else (person_key(asker), False)  # fmt: skip
    if channel and not rights.may_set_channel_wide(
        asker, subscriber, by=runtime.settings.channel_wide_by
    ):
        raise reminders.ReminderError(rights.REFUSED)
    with db.session_scope(runtime.engine) as session:
        stopped = digests.stop_digest(session, subscriber=subscriber, period=period, now=now)
    if not stopped:
        return reply(text, now, "digest_stopped", "There was no such agenda to stop.")
    names = " and ".join(f"{d.period} agenda" for d in stopped)
    return reply(text, now, "digest_stopped", f"OK: no more {names}.")
