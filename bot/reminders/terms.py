"""The words of reminders: offsets ("3d", "2w"), subscribers ("slack:U123",
"email:a@b.org"), channels, times of day and zones, why a row was skipped."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.settings import Settings
from storage import places
from storage.models import (
    DeliveryKind,
    Meeting,
    Precision,
)

CHANNELS = ("email", "slack", "teams", "log")
EMAIL = re.compile(r"^[^@\s<>(),;:\"]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
OFFSET = re.compile(r"^(\d{1,3})\s*([dw])$")

# Reasons a row is skipped (shown in `secbot reminders list` and the JSON).
TOO_LATE = "too late"
CANCELLED = "meeting cancelled"
NO_DATE = "meeting has no date"
POSTPONED = "meeting postponed"
UNSUBSCRIBED = "unsubscribed"
DEADLINE_GONE = "deadline removed"
NOT_REQUESTED = "no longer requested"

PLANNED_KINDS = (DeliveryKind.reminder.value, DeliveryKind.deadline.value)
NOTICE_KINDS = (DeliveryKind.invite.value, DeliveryKind.update.value, DeliveryKind.cancel.value)

Grace = Mapping[str, timedelta]


class ReminderError(ValueError):
    """A request that cannot be honoured as given (bad subscriber, unknown meeting, ...)."""


def parse_offsets(text: str) -> list[int]:
    """ "1d,3d,2w" → [1, 3, 14] (days before, sorted, unique)."""
    days: set[int] = set()
    for part in (p.strip().lower() for p in text.split(",")):
        if not part:
            continue
        m = OFFSET.match(part)
        if not m:
            raise ReminderError(f"cannot read {part!r} as an offset: use e.g. 1d, 3d or 2w")
        days.add(int(m.group(1)) * (7 if m.group(2) == "w" else 1))
    if not days:
        raise ReminderError("give at least one offset, e.g. --before 1d,3d")
    return sorted(days)


def offsets_text(days: Iterable[int]) -> str:
    return ",".join(f"{d // 7}w" if d and d % 7 == 0 else f"{d}d" for d in days)


def parse_time_of_day(text: str) -> time:
    try:
        return time.fromisoformat(text.strip())
    except ValueError:
        raise ReminderError(f"cannot read {text!r} as a time of day (use 09:00)") from None


def check_zone(name: str) -> str:
    if places.zone(name) is None:
        raise ReminderError(f"unknown time zone {name!r} (use an IANA name like Europe/Zurich)")
    return name


def subscriber_key(channel: str, address: str) -> str:
    """A checked subscriber key: "email:a@x.org", "slack:U123", "teams:29:abc", "log:name"."""
    channel, address = channel.strip().lower(), address.strip()
    if channel not in CHANNELS:
        raise ReminderError(f"unknown channel {channel!r}; one of {', '.join(CHANNELS)}")
    if not address:
        raise ReminderError(f"a {channel} recipient needs an address or id")
    if channel == "email":
        if not EMAIL.match(address):
            raise ReminderError(f"{address!r} is not an e-mail address (like name@example.org)")
        address = address.lower()
    if channel == "slack" and not re.match(r"^[UWCGD][A-Z0-9]{2,}$", address):
        raise ReminderError(
            f"{address!r} is not a Slack user or channel id (like U0123ABCD or C0123ABCD)"
        )
    return f"{channel}:{address}"


def parse_subscriber(text: str) -> str:
    """ "slack:U123" or "teams:ID" (the CLI's --user/--channel values) as a checked key."""
    channel, sep, address = text.partition(":")
    if not sep:
        raise ReminderError(f"{text!r}: give the platform too, e.g. slack:U0123ABCD")
    return subscriber_key(channel, address)


def channel_of(subscriber: str) -> str:
    return subscriber.partition(":")[0]


def reminder_time(day: date, offset_days: int, at: time, tz: str) -> datetime:
    """The UTC instant of `at` o'clock in `tz`, `offset_days` calendar days before `day`."""
    local = datetime.combine(day - timedelta(days=offset_days), at, tzinfo=ZoneInfo(tz))
    return local.astimezone(UTC)


def grace_from_settings(settings: Settings) -> dict[str, timedelta]:
    notice = timedelta(hours=settings.reminders_grace_notice)
    reminder = timedelta(hours=settings.reminders_grace_reminder)
    return {
        DeliveryKind.reminder.value: reminder,
        DeliveryKind.deadline.value: timedelta(hours=settings.reminders_grace_deadline),
        DeliveryKind.invite.value: notice,
        DeliveryKind.update.value: notice,
        DeliveryKind.cancel.value: notice,
        DeliveryKind.dated.value: notice,
        DeliveryKind.note.value: reminder,
        DeliveryKind.digest.value: reminder,
        DeliveryKind.answer.value: timedelta(hours=settings.reminders_grace_answer),
    }


def has_date(m: Meeting) -> bool:
    """Whether a meeting has a day to remind about (not only a month, not undated)."""
    return m.start_date is not None and m.precision == Precision.day
