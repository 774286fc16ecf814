"""What the reminder commands in chat share: replies, who is asking and where reminders can
reach them, their zone and default offsets, and offsets in words ("1 day and 1 week")."""

from __future__ import annotations

import re
from datetime import datetime

from sqlmodel import Session

from bot import reminders
from bot.conversation import Answer, Asker
from bot.reminders import profiles
from bot.settings import Settings
from storage.models import KIND_LABELS

NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip
OFFSET_WORDS = re.compile(rf"^(?P<n>\d{{1,3}}|{'|'.join(NUMBERS)})\s*(?P<unit>d|days?|w|weeks?)$")
# what a person asking from the command line is told: the CLI cannot deliver anything later
NO_CHAT = (
    "I can only deliver reminders in Slack, Teams or by e-mail: ask me there, or set it up "
    "with `secbot reminders add`."
)


def reply(question: str, now: datetime, intent: str, text: str, **kw: object) -> Answer:
    return Answer(question=question, now=now, intent=intent, text=text, **kw)  # type: ignore[arg-type]


def person_key(asker: Asker) -> str:
    """The asker as a reminder subscriber ("slack:U123"); refused when nothing can reach them."""
    if not asker.user_id:
        raise reminders.ReminderError(
            "I need to know who you are to remind you: ask me in Slack or Teams, or use "
            "`secbot reminders add --email ...`."
        )
    if asker.platform not in reminders.CHANNELS:
        raise reminders.ReminderError(NO_CHAT)
    return f"{asker.platform}:{asker.user_id}"


def kind_plural(kind: str) -> str:
    """ "regional_meeting" → "regional meetings", "workshop" → "workshops"."""
    return KIND_LABELS.get(kind, "Meeting").lower() + "s"


def asker_zone(asker: Asker, settings: Settings) -> str:
    return asker.timezone or settings.default_tz


def person_zone(session: Session, who: str, asker: Asker, settings: Settings) -> str:
    """A person's rule zone: their profile's (the rule follows it from then on)."""
    return profiles.zone_for(
        session, user_key=who, asker_zone=asker.timezone, default=settings.default_tz
    )


def default_offsets(session: Session, who: str, settings: Settings) -> list[int]:
    return profiles.default_offsets(session, user_key=who, settings=settings)


def days_text(days: list[int]) -> str:
    """[1, 3, 14] → "1 day, 3 days and 2 weeks"."""
    words = [
        f"{d // 7} week{'s' * (d != 7)}" if d and d % 7 == 0 else f"{d} day{'s' * (d != 1)}"
        for d in days
    ]
    return " and ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)


def offsets_in_words(text: str) -> list[int]:
    """ "1 day and 1 week before", "2d, 1w", "a week and three days" → days, sorted."""
    said = re.sub(r"\s+(?:before|ahead|in\s+advance)$", "", text.strip().lower())
    codes = []
    for part in (p.strip() for p in re.split(r",|\band\b|&|\+", said)):
        if not part:
            continue
        m = OFFSET_WORDS.match(part)
        if not m:
            raise reminders.ReminderError(
                f"I can't read “{part}” as a time before a meeting: try “1 day and 1 week "
                "before” or “2d, 1w”."
            )
        codes.append(f"{NUMBERS.get(m['n']) or int(m['n'])}{m['unit'][0]}")
    if not codes:
        raise reminders.ReminderError("Say how long before, e.g. “1 day and 1 week before”.")
    return reminders.parse_offsets(",".join(codes))
