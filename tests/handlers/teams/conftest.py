"""Teams test support: settings, a runtime on the test database, a fake Bot Connector, and
Activity JSON shaped like Teams' own (the app runs under `tests.servers.serve_app`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.assistant import answer
from bot.clock import Clock
from bot.conversation import Answer, Asker
from bot.runtime import Runtime
from bot.settings import Settings
from storage import db, repo
from tests.fakes.bot_connector import FakeBotConnector

CLIENT_ID = "11111111-2222-3333-4444-555555555555"
PUBLIC_URL = "https://secbot.example.org"
BOT_ID = f"28:{CLIENT_ID}"
TENANT = "tenant-0001"


def teams_settings(
    *, anonymous: bool = True, client_id: str | None = None, **more: Any
) -> Settings:
    values: dict[str, Any] = {
        "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__ANONYMOUS_ALLOWED": anonymous,
        "public_url": PUBLIC_URL,
        **more,
    }
    if client_id:
        values["CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID"] = client_id
        values["CONNECTIONS__SERVICE_CONNECTION__SETTINGS__TENANTID"] = TENANT
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def make_runtime(engine: Engine, clock: Clock, **settings: Any) -> Runtime:
    return Runtime(settings=teams_settings(**settings), clock=clock, engine=engine)


class RecordingAnswer:
    """The real core, remembering what it was asked and by whom."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Asker]] = []

    def __call__(self, question: str, *, runtime: Runtime, asker: Asker, now: datetime) -> Answer:
        self.calls.append((question, asker))
        return answer(question, runtime=runtime, asker=asker, now=now)

    @property
    def questions(self) -> list[str]:
        return [q for q, _ in self.calls]


class ListingAnswer(RecordingAnswer):
    """Answers every question with the first `count` meetings still to come (for card
    structure: those offer every button)."""

    def __init__(self, count: int = 3) -> None:
        super().__init__()
        self.count = count

    def __call__(self, question: str, *, runtime: Runtime, asker: Asker, now: datetime) -> Answer:
        self.calls.append((question, asker))
        with db.session_scope(runtime.engine) as session:
            rows = repo.list_meetings(session, start=now.date(), dated_only=True)[: self.count]
        return Answer(question=question, now=now, intent="list", text="Meetings:", meetings=rows)


@pytest.fixture
def recorder() -> RecordingAnswer:
    return RecordingAnswer()


@pytest.fixture
async def connector() -> AsyncIterator[FakeBotConnector]:
    fake = FakeBotConnector()
    await fake.start()
    yield fake
    await fake.stop()


def personal_message(service_url: str, text: str, **extra: Any) -> dict[str, Any]:
    """A 1:1 chat message as Teams posts it to /api/messages."""
    activity: dict[str, Any] = {
        "type": "message",
        "id": "1700000000001",
        "timestamp": "2015-12-15T09:00:00.000Z",
        "localTimestamp": "2015-12-15T10:00:00.000+01:00",
        "localTimezone": "Europe/Zurich",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": {"id": "29:user-ada", "name": "Ada Lovelace", "aadObjectId": "aad-ada"},
        "conversation": {
            "conversationType": "personal",
            "tenantId": TENANT,
            "id": "a:personal-ada",
        },
        "recipient": {"id": BOT_ID, "name": "secbot"},
        "textFormat": "plain",
        "locale": "en-US",
        "text": text,
        "entities": [
            {"type": "clientInfo", "locale": "en-US", "country": "CH", "platform": "Web",
             "timezone": "Europe/Zurich"},
        ],
        "channelData": {"tenant": {"id": TENANT}},
    }  # fmt: skip
    activity.update(extra)
    return activity


def channel_mention(service_url: str, question: str) -> dict[str, Any]:
    """An @mention of the bot in a team channel."""
    mention = "<at>secbot</at>"
    return {
        **personal_message(service_url, f"{mention} {question}"),
        "id": "1700000000002",
        "conversation": {
            "isGroup": True,
            "conversationType": "channel",
            "tenantId": TENANT,
            "id": "19:general@thread.tacv2;messageid=1700000000002",
        },
        "entities": [
            {"type": "mention", "text": mention, "mentioned": {"id": BOT_ID, "name": "secbot"}}
        ],
        "channelData": {
            "teamsChannelId": "19:general@thread.tacv2",
            "teamsTeamId": "19:team@thread.tacv2",
            "channel": {"id": "19:general@thread.tacv2"},
            "team": {"id": "19:team@thread.tacv2"},
            "tenant": {"id": TENANT},
        },
    }


@pytest.fixture
def no_sdk_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Keep the machine's CONNECTIONS__* variables out of the bot under test."""
    import os

    for name in [n for n in os.environ if n.startswith("CONNECTIONS__")]:
        monkeypatch.delenv(name)
    yield
