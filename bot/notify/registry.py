"""Notifiers by channel name: a new channel is one entry here."""

from __future__ import annotations

from collections.abc import Callable

from bot.notify.base import Notifier
from bot.notify.email import EmailNotifier
from bot.notify.log import LogNotifier
from bot.notify.slack import SlackNotifier
from bot.notify.teams import TeamsNotifier
from bot.runtime import Runtime

FACTORIES: dict[str, Callable[[Runtime], Notifier]] = {
    "log": lambda runtime: LogNotifier(),
    "email": EmailNotifier.from_runtime,
    "slack": lambda runtime: SlackNotifier.from_settings(runtime.settings),
    "teams": TeamsNotifier.from_runtime,
}


def build_notifiers(runtime: Runtime) -> dict[str, Notifier]:
    return {name: make(runtime) for name, make in FACTORIES.items()}
