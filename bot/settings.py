"""Settings from the environment and `.env` (prefix SECBOT_, plus the platforms' own names)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DATA_DIR = Path("data")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SECBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    environment: str = Field(default="development", description="development | production")
    database_url: str = Field(default=f"sqlite:///{DATA_DIR / 'secbot.db'}")
    now: str | None = Field(default=None, description="fixed 'now' (ISO date or datetime)")
    default_tz: str = Field(default="Europe/Zurich")  # Geneva keeps Zurich time
    host: str = "127.0.0.1"
    port: int = 3000
    public_url: str = "http://127.0.0.1:3000"
    seed_on_start: bool = True
    log_level: str = "info"

    slack_bot_token: str | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_BOT_TOKEN", "SECBOT_SLACK_BOT_TOKEN")
    )
    slack_signing_secret: str | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "SECBOT_SLACK_SIGNING_SECRET"),
    )
    slack_app_token: str | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_APP_TOKEN", "SECBOT_SLACK_APP_TOKEN")
    )

    @field_validator("database_url")
    @classmethod
    def _sqlalchemy_url(cls, v: str) -> str:
        # Accept the common postgres:// spelling and route it to psycopg 3.
        for prefix in ("postgres://", "postgresql://"):
            if v.startswith(prefix):
                return "postgresql+psycopg://" + v[len(prefix) :]
        return v


@cache
def get_settings() -> Settings:
    return Settings()
