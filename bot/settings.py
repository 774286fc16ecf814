"""Settings from the environment and `.env` (prefix SECBOT_, plus the platforms' own names)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from storage import places

DATA_DIR = Path("data")
SLACK_API_URL = "https://slack.com/api/"


# values people leave in a copied .env: "changeme", "xoxb-your-token", "<secret>", "..."
PLACEHOLDER = re.compile(
    r"^(?:changeme|change-me|secret|password|test|todo|tbd|none|null|x+|\.+|-+)$"
    r"|your[-_ ]|placeholder|replace[-_ ]?me|example|<[^>]*>|\.\.\.",
    re.IGNORECASE,
)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SECBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    environment: Literal["development", "production"] = "development"
    database_url: str = Field(default=f"sqlite:///{DATA_DIR / 'secbot.db'}")
    now: str | None = Field(default=None, description="fixed 'now' (ISO date or datetime)")
    default_tz: str = Field(default="Europe/Zurich")
    host: str = "127.0.0.1"
    port: int = 3000
    public_url: str = "http://127.0.0.1:3000"
    seed_on_start: bool = True
    # how long a conversation remembers its last answer for follow-ups ("who funds it?")
    conversation_minutes: float = Field(default=120.0, gt=0)
    log_level: str = "info"
    # largest request body any route accepts (bytes); larger ones get 413 before parsing
    max_request_bytes: int = Field(default=1_000_000, ge=1024)

    # --- e-mail (reminders and iMIP invites): SMTP relay and the sender/organizer address ----
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False  # upgrade a plain connection with STARTTLS (usually port 587)
    smtp_ssl: bool = False  # implicit TLS from the first byte (usually port 465)
    smtp_timeout: float = 30.0
    mail_from: str = "Secretariat meetings <secbot@example.org>"  # ORGANIZER, with its CN

    slack_bot_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_BOT_TOKEN", "SECBOT_SLACK_BOT_TOKEN")
    )
    slack_signing_secret: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "SECBOT_SLACK_SIGNING_SECRET"),
    )
    slack_app_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_APP_TOKEN", "SECBOT_SLACK_APP_TOKEN")
    )
    # --- Slack (issue 4): Web API base URL (tests point it at a fake) and the admins
    slack_api_url: str = Field(
        default=SLACK_API_URL, description="Slack Web API base URL (with trailing /)"
    )
    # SECBOT_ADMINS: comma-separated Slack user ids of admins
    admins: Annotated[frozenset[str], NoDecode] = frozenset()
    # who may set reminders or agendas for a whole channel: `owners` (admins and the channel's
    # managers: its creator or a workspace admin in Slack, team owners in Teams) or `anyone`
    channel_wide_by: Literal["owners", "anyone"] = "owners"

    @field_validator("admins", mode="before")
    @classmethod
    def _comma_separated(cls, v: object) -> object:
        if isinstance(v, str):
            return frozenset(a.strip() for a in v.split(",") if a.strip())
        return v

    # --- Microsoft Teams (Agents SDK). The connection settings keep the SDK's own names. ---
    teams_client_id: str | None = Field(
        default=None,
        validation_alias=AliasChoices("CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID"),
    )
    teams_client_secret: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTSECRET"),
    )
    teams_tenant_id: str | None = Field(
        default=None,
        validation_alias=AliasChoices("CONNECTIONS__SERVICE_CONNECTION__SETTINGS__TENANTID"),
    )
    teams_anonymous_allowed: bool = Field(
        default=False,
        validation_alias=AliasChoices(
            "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__ANONYMOUS_ALLOWED"
        ),
        description="local mode (Agents Playground); ignored with a client id or in production",
    )
    teams_max_retries: int = Field(default=4, ge=0, le=10)
    teams_messages_per_second: int = Field(default=7, ge=1, le=50)

    # --- reminders: the scheduler inside `secbot serve` and the deliveries it sends ---------
    reminders_enabled: bool = True  # run the scheduler in `secbot serve`
    reminders_before: str = "1d,3d"  # default offsets when a request names none
    reminders_time_of_day: str = "09:00"  # local time (recipient's zone) reminders go out
    reminders_concurrency: int = Field(default=20, ge=1, le=1000)  # sends in flight at once
    reminders_batch: int = Field(default=200, ge=1)  # rows claimed per database round trip
    reminders_safety_interval: float = Field(default=60.0, gt=0)  # seconds between wake-ups
    reminders_lease: float = Field(default=30.0, gt=0)  # seconds before a claim is taken over
    reminders_max_attempts: int = Field(default=5, ge=1)  # tries before a row is `failed`
    reminders_backoff: float = Field(default=1.0, ge=0)  # first retry delay (s), doubling
    reminders_backoff_max: float = Field(default=60.0, ge=0)  # longest retry delay (s)
    reminders_grace_reminder: float = Field(default=12.0, ge=0)  # hours a late reminder is sent
    reminders_grace_deadline: float = Field(default=12.0, ge=0)  # hours, deadline reminders
    reminders_grace_notice: float = Field(default=168.0, ge=0)  # hours, invites/updates/CANCEL
    reminders_grace_answer: float = Field(default=1.0, ge=0)  # hours an unposted answer is retried
    deadline_rules_file: Path | None = None  # default: bot/deadline_rules.yaml

    # --- calendar sources (bot.sources): followed calendars, synced inside `secbot serve` ---
    sources_enabled: bool = True  # sync due sources in `secbot serve`
    sources_check_interval: float = Field(default=60.0, gt=0)  # seconds between looks
    sources_timeout: float = Field(default=30.0, gt=0)  # seconds a fetch may take
    sources_max_bytes: int = Field(default=50_000_000, ge=1000)  # largest calendar read
    sources_backoff: float = Field(default=60.0, gt=0)  # first retry after a failure (s)
    sources_lease: float = Field(default=900.0, gt=0)  # seconds a sync may hold its source

    @field_validator("deadline_rules_file", mode="before")
    @classmethod
    def _empty_is_default(cls, v: object) -> object:
        return None if v == "" else v

    @field_validator("default_tz")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        if places.zone(v) is None:
            raise ValueError(f"SECBOT_DEFAULT_TZ: unknown time zone {v!r}")
        return v

    @model_validator(mode="after")
    def _production_is_real(self) -> Settings:
        """SECBOT_ENVIRONMENT=production refuses what only makes sense on a laptop: secrets
        left at a placeholder, and a Slack bot that cannot verify Slack's requests. (Teams'
        anonymous local mode is switched off in production by bot.teams_app.)"""
        if self.environment != "production":
            return self
        problems = [
            f"{name} looks like a placeholder"
            for name, value in (
                ("SLACK_BOT_TOKEN", self.slack_bot_token),
                ("SLACK_SIGNING_SECRET", self.slack_signing_secret),
                ("SLACK_APP_TOKEN", self.slack_app_token),
                (
                    "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTSECRET",
                    self.teams_client_secret,
                ),
                ("SECBOT_SMTP_PASSWORD", self.smtp_password),
            )
            if value and PLACEHOLDER.search(value.get_secret_value())
        ]
        if self.slack_bot_token and not (self.slack_signing_secret or self.slack_app_token):
            problems.append("SLACK_SIGNING_SECRET is needed to verify Slack's requests")
        if problems:
            raise ValueError("SECBOT_ENVIRONMENT=production: " + "; ".join(problems))
        return self

    @model_validator(mode="after")
    def _one_tls_mode(self) -> Settings:
        if self.smtp_ssl and self.smtp_starttls:
            raise ValueError("set SECBOT_SMTP_SSL or SECBOT_SMTP_STARTTLS, not both")
        return self

    @field_validator("slack_api_url", mode="before")
    @classmethod
    def _api_base(cls, v: object) -> object:
        """Empty means Slack's own API; slack-sdk needs the trailing slash."""
        if not v:
            return SLACK_API_URL
        return v if str(v).endswith("/") else f"{v}/"

    @field_validator("database_url")
    @classmethod
    def _sqlalchemy_url(cls, v: str) -> str:
        # Accept the common postgres:// spelling and route it to psycopg 3.
        for prefix in ("postgres://", "postgresql://"):
            if v.startswith(prefix):
                return "postgresql+psycopg://" + v[len(prefix) :]
        return v


def secret(value: SecretStr | None) -> str | None:
    """A secret's value, for the one call that needs it (never for a log or a message)."""
    return value.get_secret_value() if value is not None else None


@cache
def get_settings() -> Settings:
    return Settings()
