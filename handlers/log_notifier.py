"""The `log` notifier: writes each message to the log (development, demos, dry runs)."""

from __future__ import annotations

import logging

from bot.reminders.notifier import Message, SendResult
from storage.models import Delivery

log = logging.getLogger("secbot.notify")


class LogNotifier:
    channel = "log"

    def __init__(self) -> None:
        self.sent: list[tuple[str, Message]] = []  # kept for inspection in-process

    async def send(self, delivery: Delivery, message: Message) -> SendResult:
        log.info("to %s: %s — %s", delivery.recipient, message.subject, message.text)
        self.sent.append((delivery.recipient, message))
        return SendResult.sent()

    async def aclose(self) -> None:
        return None
