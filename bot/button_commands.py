"""Buttons speak the core's language: each button's data payload becomes a chat command.

A surface (Teams Action.Submit data, Slack button values) carries a small payload such as
`{"verb": "remind", "meeting_id": "inc7", "days": 3}`; `command_for` turns it into the sentence a
user could have typed ("remind me 3 days before inc7"), which then goes through `answer()` like
any message. So buttons add no logic of their own, and what they do is what the words do.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from storage import places
from storage.models import KIND_LABELS, SLUG

REMINDER_DAYS = (1, 3, 7, 14)
_OFFSETS = {1: "1 day", 3: "3 days", 7: "1 week", 14: "2 weeks"}


def offset_text(days: int) -> str:
    return _OFFSETS.get(days, f"{days} days")


def subscription_target(*, region: str | None, kind: str | None) -> str:
    """What "meetings like this one" means: its region, else its kind."""
    if region and region != places.GLOBAL:
        return f"{region} meetings"
    label = KIND_LABELS.get(kind or "other", "Meeting").lower()
    return f"{label}s"


def command_for(data: Mapping[str, Any]) -> str | None:
    """The chat command a button payload stands for, or None when the payload is not ours."""
    verb = data.get("verb")
    if verb == "ask":
        question = data.get("question")
        return question.strip() or None if isinstance(question, str) else None
    meeting_id = data.get("meeting_id")
    if not isinstance(meeting_id, str) or not SLUG.match(meeting_id):
        return None
    if verb == "calendar":
        return f"add {meeting_id} to my calendar"
    if verb == "dated":
        return f"tell me when dates are set for {meeting_id}"
    if verb == "remind":
        try:
            days = int(data.get("days", 0))
        except (TypeError, ValueError):
            return None
        if days not in REMINDER_DAYS:
            return None
        return f"remind me {offset_text(days)} before {meeting_id}"
    if verb == "subscribe":
        region = data.get("region")
        kind = data.get("kind")
        return "subscribe me to " + subscription_target(
            region=region if isinstance(region, str) else None,
            kind=kind if isinstance(kind, str) else None,
        )
    return None
