"""Settings: production refuses placeholder secrets, and the CLI says so in one line."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pydantic import ValidationError

from bot.settings import Settings, secret

REAL_LOOKING = {"slack_bot_token": "xoxb-1234-5678-AbCdEf", "slack_signing_secret": "8f14e45fceea"}


@pytest.mark.parametrize(
    "changes",
    [
        {"slack_bot_token": "xoxb-your-token-here"},
        {"slack_signing_secret": "changeme"},
        {"smtp_password": "<password>"},
        {"CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTSECRET": "replace-me"},
        {"slack_signing_secret": None},  # a bot token without a way to verify Slack's requests
    ],
)
def test_production_refuses_placeholders(changes: dict[str, str | None]) -> None:
    values = {**REAL_LOOKING, **changes}
    with pytest.raises(ValidationError, match="SECBOT_ENVIRONMENT=production"):
        Settings(environment="production", **values)  # type: ignore[arg-type]
    Settings(environment="development", **values)  # type: ignore[arg-type]  # fine on a laptop


def test_production_accepts_real_looking_secrets() -> None:
    settings = Settings(environment="production", smtp_password="s3cr3t-Pa55", **REAL_LOOKING)  # type: ignore[arg-type]
    assert secret(settings.slack_bot_token) == REAL_LOOKING["slack_bot_token"]


def test_cli_reports_bad_settings_in_one_line(cli_env: dict[str, str]) -> None:
    env = {**cli_env, "SECBOT_ENVIRONMENT": "production", "SLACK_BOT_TOKEN": "xoxb-your-token"}
    out = subprocess.run(
        [sys.executable, "-m", "handlers.cli.app", "ask", "when is INC7?"],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert out.returncode == 2
    assert "SLACK_BOT_TOKEN looks like a placeholder" in out.stderr
    assert "Traceback" not in out.stderr and out.stdout == ""
