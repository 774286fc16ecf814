"""A person's own things for the App Home tab: subscriptions, reminders, private feed.

Subscriptions and private feeds come from storage.subscriptions, reminders from the reminder
rules (bot.reminders), each in the words the chat commands use.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot import reminders
from bot.calendar.chat import describe_target
from bot.calendar.chat import offset_text as before_text
from bot.reminders import digests, personal
from storage import subscriptions
from storage.models import Subscription


def _line(session: Session, row: Subscription) -> str:
    text = describe_target(session, row.target_kind, row.target)
    if row.alarm_minutes:
        text += f" (alarm {before_text(row.alarm_minutes)} before)"
    return text


def my_subscriptions(session: Session, *, user_key: str) -> list[str]:
    """One line per thing `user_key` follows, in the words the chat commands use."""
    rows = subscriptions.list_subscriptions(session, subscriber=user_key)
    return [_line(session, row) for row in rows]


def my_reminders(session: Session, *, user_key: str, now: datetime | None = None) -> list[str]:
    """One line per active reminder rule of `user_key`, then their personal reminders still to
    come (when `now` is given) and their agendas."""
    lines = []
    for rule in reminders.list_rules(session, subscriber=user_key):
        if not rule.active:
            continue
        what = (
            "all meetings"
            if rule.scope == "all"
            else describe_target(session, rule.scope, rule.scope_value)
        )
        when = f"{reminders.offsets_text(rule.offsets)} before, at {rule.time_of_day:%H:%M}"
        lines.append(f"{what} ({when}{', with deadlines' if rule.deadlines else ''})")
    if now is not None:
        lines += [
            line.removeprefix("• ")
            for line in personal.lines(session, subscriber=user_key, now=now)
        ]
    lines += [
        f"{d.period} agenda, {digests.describe(d)}"
        for d in digests.list_digests(session, subscriber=user_key)
    ]
    return lines


def private_feed_status(session: Session, *, user_key: str) -> str:
    """Where the person's private feed stands; its secret link cannot be shown again."""
    token = subscriptions.live_token(session, user_key=user_key)
    if token is None:
        return "Your private feed (only what you follow) has no link yet: get one below."
    return (
        f"Your private feed has a link since {token.created_at:%d %B %Y}. It is shown only "
        "once; ask for a new one below if you lost it (the old one then stops working)."
    )
