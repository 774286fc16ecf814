"""`secbot slack manifest`: the app manifest Slack needs for every listener secbot registers."""

from __future__ import annotations

import yaml
from typer.testing import CliRunner

from handlers.cli.app import app

runner = CliRunner()


def test_http_manifest_points_everything_at_the_events_url() -> None:
    result = runner.invoke(app, ["slack", "manifest", "--url", "https://bot.example.org/"])
    assert result.exit_code == 0, result.output
    manifest = yaml.safe_load(result.stdout)
    url = "https://bot.example.org/slack/events"
    settings = manifest["settings"]
    assert settings["event_subscriptions"]["request_url"] == url
    assert settings["interactivity"] == {"is_enabled": True, "request_url": url}
    assert settings["socket_mode_enabled"] is False
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "app_mention",
        "message.im",
        "app_home_opened",
    }
    [command] = manifest["features"]["slash_commands"]
    assert (command["command"], command["url"]) == ("/meetings", url)
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True
    assert set(manifest["oauth_config"]["scopes"]["bot"]) >= {
        "app_mentions:read",
        "chat:write",
        "commands",
        "im:history",
        "users:read",
    }


def test_socket_mode_manifest_needs_no_public_url() -> None:
    result = runner.invoke(app, ["slack", "manifest", "--socket-mode"])
    assert result.exit_code == 0, result.output
    manifest = yaml.safe_load(result.stdout)
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert "request_url" not in manifest["settings"]["event_subscriptions"]
    assert "request_url" not in manifest["settings"]["interactivity"]
    assert "url" not in manifest["features"]["slash_commands"][0]


def test_a_bad_url_is_refused() -> None:
    result = runner.invoke(app, ["slack", "manifest", "--url", "bot.example.org"])
    assert result.exit_code == 2
    assert "https://" in result.output
