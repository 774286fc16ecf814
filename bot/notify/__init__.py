"""Notifiers: one small module per way of reaching people (e-mail now; Slack and Teams later),
all behind the `Notifier` interface so the reminders ledger can send through any of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Notice:
    """One message to one recipient. `calendar` is an iTIP object (bytes of a VCALENDAR with
    METHOD) that notifiers able to carry it attach; `method` is that METHOD."""

    recipient: str
    subject: str
    text: str
    html: str | None = None
    calendar: bytes | None = None
    method: str | None = None


class DeliveryError(RuntimeError):
    """A notice could not be delivered; `transient` says whether trying again may help."""

    def __init__(self, message: str, *, transient: bool = True) -> None:
        super().__init__(message)
        self.transient = transient


class Notifier(Protocol):
    channel: str  # "email", "slack", "teams", "log"

    def send(self, notice: Notice) -> None:
        """Deliver one notice or raise DeliveryError."""
        ...
