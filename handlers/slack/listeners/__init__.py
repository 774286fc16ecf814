"""Slack listeners by kind; each package's `register(app)` adds its listeners to a Bolt app."""

from __future__ import annotations

from typing import Any


def register_all(app: Any) -> None:
    from handlers.slack.listeners import actions, commands, events, sources, views

    for kind in (events, commands, actions, views, sources):
        kind.register(app)
