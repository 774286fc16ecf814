"""Notifiers by channel name: a new channel is one entry here."""

from __future__ import annotations

from collections.abc import Callable

from bot.reminders.notifier import Notifier
from bot.runtime import Runtime
from handlers.email.notifier import EmailNotifier
from handlers.log_notifier import LogNotifier
from handlers.slack.notifier import SlackNotifier
from handlers.teams.notifier import TeamsNotifier

FACTORIES: dict[str, Callable[[Runtime], Notifier]] = {
    "log": lambda runtime: LogNotifier(),
    "email": EmailNotifier.from_runtime,
    "slack": lambda runtime: SlackNotifier.from_settings(runtime.settings),
    "teams": TeamsNotifier.from_runtime,
}


def build_notifiers(runtime: Runtime) -> dict[str, Notifier]:
    return {name: make(runtime) for name, make in FACTORIES.items()}
