"""The notifier interface: a delivery and its rendered message in, an outcome out.

Each channel ("log", "email", "slack", "teams") has one notifier. A notifier never raises for
an expected failure; it says what happened so the dispatcher can decide: `sent`, `transient`
(try again later with backoff), `rate_limited` (try again after `retry_after` seconds) or
`permanent` (give up and record the error).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol

from storage.models import Delivery, Meeting

SendStatus = Literal["sent", "transient", "rate_limited", "permanent"]


@dataclass(frozen=True)
class Message:
    """What a delivery says, rendered from the current facts when it is sent."""

    subject: str  # one line: e-mail subject, chat notification text
    text: str  # plain text body
    kind: str  # DeliveryKind value
    meeting_id: str
    sequence: int = 0  # the meeting's iCalendar SEQUENCE (invites, updates, CANCEL)
    meeting: Meeting | None = None  # as it is now, for channels that attach calendar data
    attendees: tuple[str, ...] = ()  # the meeting's e-mail invitees (iMIP ATTENDEEs)
    # a chat answer as its surface rendered it (Slack: chat.postMessage's arguments)
    payload: dict[str, Any] | None = None


@dataclass(frozen=True)
class SendResult:
    outcome: SendStatus
    error: str | None = None
    retry_after: float | None = None

    @classmethod
    def sent(cls) -> SendResult:
        return cls("sent")

    @classmethod
    def transient(cls, error: str) -> SendResult:
        return cls("transient", error)

    @classmethod
    def permanent(cls, error: str) -> SendResult:
        return cls("permanent", error)

    @classmethod
    def rate_limited(cls, retry_after: float, error: str = "rate limited") -> SendResult:
        return cls("rate_limited", error, max(0.0, retry_after))


class Notifier(Protocol):
    channel: str

    async def send(self, delivery: Delivery, message: Message) -> SendResult: ...

    async def aclose(self) -> None: ...
