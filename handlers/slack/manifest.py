"""The Slack app manifest: every scope, event, command and setting the listeners use."""

from __future__ import annotations

from typing import Any

import yaml

from handlers.slack.app import EVENTS_PATH
from handlers.slack.listeners.commands import COMMAND

BOT_SCOPES = [
    "app_mentions:read",  # app_mention
    "chat:write",  # answers, ephemeral replies, confirmations
    "commands",  # /meetings
    "im:history",  # message.im: direct messages to the bot
    "im:read",
    "im:write",  # DMs: App Home buttons, the admin modal, private links asked in channels
    "users:read",  # users.info: the asker's time zone, whether they are a workspace admin
    # conversations.info: a channel's creator may set channel-wide reminders (bot.rights)
    "channels:read",
    "groups:read",
    "mpim:read",
]
BOT_EVENTS = ["app_home_opened", "app_mention", "message.im"]


def manifest(*, url: str | None = None, socket_mode: bool = False) -> dict[str, Any]:
    """The manifest dict; HTTP mode needs the public `url` events and interactivity go to."""
    base = (url or "https://secbot.example.org").rstrip("/")
    request_url = f"{base}{EVENTS_PATH}"
    command: dict[str, Any] = {
        "command": COMMAND,
        "description": "Ask about meetings, or see the next five",
        "usage_hint": "[when is INC7?]",
        "should_escape": False,
    }
    events: dict[str, Any] = {"bot_events": BOT_EVENTS}
    interactivity: dict[str, Any] = {"is_enabled": True}
    if not socket_mode:
        command["url"] = request_url
        events["request_url"] = request_url
        interactivity["request_url"] = request_url
    return {
        "display_information": {
            "name": "secbot",
            "description": "Meetings, deadlines and reminders of the secretariat",
            "background_color": "#1d4f73",
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": False,
            },
            "bot_user": {"display_name": "secbot", "always_online": True},
            "slash_commands": [command],
        },
        "oauth_config": {"scopes": {"bot": BOT_SCOPES}},
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": socket_mode,
            "token_rotation_enabled": False,
        },
    }


def manifest_yaml(*, url: str | None = None, socket_mode: bool = False) -> str:
    return yaml.safe_dump(
        manifest(url=url, socket_mode=socket_mode), sort_keys=False, allow_unicode=True
    )
