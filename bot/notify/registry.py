"""Notifiers by channel name. A new channel is one entry here (Teams lands at merge)."""

from __future__ import annotations

from collections.abc import Callable

from bot.notify.base import Notifier
from bot.notify.log import LogNotifier
from bot.notify.mail import MailNotifier
from bot.notify.slack import SlackNotifier
from bot.settings import Settings

FACTORIES: dict[str, Callable[[Settings], Notifier]] = {
    "log": lambda settings: LogNotifier(),
    "email": MailNotifier.from_settings,
    "slack": SlackNotifier.from_settings,
}

CHANNELS = ("email", "slack", "teams", "log")  # subscriber prefixes we accept


def build_notifiers(settings: Settings) -> dict[str, Notifier]:
    return {name: make(settings) for name, make in FACTORIES.items()}
