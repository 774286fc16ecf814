"""Malformed requests to /api/messages over real HTTP get 400/401, never 500, and in local
mode (no client id) replies go only to a loopback serviceUrl."""

from __future__ import annotations

import copy
import socket
from collections.abc import AsyncIterator
from typing import Any

import httpx
import jwt
import pytest
from sqlalchemy import Engine

from bot.clock import Clock
from handlers.teams.app import TeamsBot, install
from handlers.teams.boundary import is_loopback
from handlers.web.app import create_app
from tests.fakes.bot_connector import FakeBotConnector
from tests.handlers.teams.conftest import (
    CLIENT_ID,
    RecordingAnswer,
    make_runtime,
    personal_message,
)
from tests.servers import serve_app

pytestmark = pytest.mark.usefixtures("no_sdk_env")


@pytest.fixture
async def everywhere() -> AsyncIterator[FakeBotConnector]:
    """A fake Bot Connector listening on every local address, loopback or not."""
    fake = FakeBotConnector()
    await fake.start(host="0.0.0.0")
    yield fake
    await fake.stop()


def local_address() -> str:
    """This machine's address on its default route (no packet is sent), 127.0.0.1 if none."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("192.0.2.255", 9))
            return str(sock.getsockname()[0])
        except OSError:
            return "127.0.0.1"


def app_for(engine: Engine, clock: Clock, answer: RecordingAnswer, **settings: Any) -> Any:
    runtime = make_runtime(engine, clock, **settings)
    app = create_app(runtime)
    install(app, TeamsBot(runtime, answer_fn=answer))
    return app


async def post(base: str, body: Any, **headers: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        return await client.post("/api/messages", json=body, headers=headers)


def test_loopback_addresses() -> None:
    for url in ("http://127.0.0.1:9/", "http://127.8.9.10/", "http://[::1]:3978/",
                "https://localhost/", "http://[::ffff:127.0.0.1]:9/"):  # fmt: skip
        assert is_loopback(url), url
    for url in ("http://192.0.2.1/", "https://smba.trafficmanager.net/emea/", "http://[::1",
                "http://localhost.example.org/", "http://0.0.0.0:9/", "x"):  # fmt: skip
        assert not is_loopback(url), url


async def test_local_mode_replies_only_to_loopback(
    engine: Engine, clock: Clock, everywhere: FakeBotConnector
) -> None:
    answer = RecordingAnswer()
    port = everywhere.url.rsplit(":", 1)[1]
    outside = [f"http://192.0.2.1:{port}", "https://smba.trafficmanager.net/emea/"]
    if (address := local_address()) != "127.0.0.1":  # a reachable non-loopback address
        outside.append(f"http://{address}:{port}")
    with serve_app(app_for(engine, clock, answer)) as base:
        for service_url in outside:
            r = await post(base, personal_message(service_url, "when is INC7?"))
            assert r.status_code == 400, (service_url, r.text)
            assert "loopback" in r.json()["error"]
        assert everywhere.received == [] and answer.calls == []
        r = await post(base, personal_message(everywhere.url, "when is INC7?"))
        assert r.status_code == 202
        [reply] = await everywhere.wait_for(1)
    assert answer.questions == ["when is INC7?"]
    assert reply.conversation_id == "a:personal-ada"


def malformed(service_url: str) -> list[Any]:
    good = personal_message(service_url, "hi")
    cases: list[Any] = [[good], "text", 1, None, {}]
    for field in ("type", "conversation", "serviceUrl", "channelId", "from", "recipient"):
        bad = copy.deepcopy(good)
        del bad[field]
        cases.append(bad)
    for field, value in (("type", 1), ("id", []), ("timestamp", "x"), ("from", "x"),
                         ("conversation", {}), ("recipient", 1), ("entities", {}),
                         ("serviceUrl", "x"), ("serviceUrl", "ftp://127.0.0.1/"),
                         ("serviceUrl", "http://[::1"), ("locale", {}), ("text", []),
                         ("from", {"name": "x"}), ("channelData", "x"),
                         ("channelData", [])):  # fmt: skip
        bad = copy.deepcopy(good)
        bad[field] = value
        cases.append(bad)
    return cases


async def test_malformed_activities_get_400_in_local_mode(
    engine: Engine, clock: Clock, connector: FakeBotConnector, caplog: pytest.LogCaptureFixture
) -> None:
    answer = RecordingAnswer()
    with serve_app(app_for(engine, clock, answer)) as base:
        for body in malformed(connector.url):
            r = await post(base, body)
            assert r.status_code == 400, (body, r.text)
        async with httpx.AsyncClient(base_url=base) as client:
            r = await client.post("/api/messages", content=b"{not json")
        assert r.status_code == 400
    assert connector.received == [] and answer.calls == []
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]


async def test_tokens_the_validator_cannot_read_get_401(
    engine: Engine, clock: Clock, connector: FakeBotConnector
) -> None:
    answer = RecordingAnswer()
    key = "k" * 32
    claims = {"aud": CLIENT_ID, "iss": "https://api.botframework.com"}
    tokens = [
        jwt.encode(claims, key, algorithm="HS256"),  # no "kid": a KeyError inside the SDK
        jwt.encode(claims, None, algorithm="none"),
        jwt.encode({**claims, "aud": ["a", {"b": 1}]}, key, algorithm="HS256"),
        "a.b.c",
        "not-a-jwt",
    ]
    with serve_app(app_for(engine, clock, answer, client_id=CLIENT_ID)) as base:
        for token in tokens:
            r = await post(
                base, personal_message(connector.url, "hi"), Authorization=f"Bearer {token}"
            )
            assert r.status_code == 401, (token, r.text)
        r = await post(base, personal_message(connector.url, "hi"), Authorization="Basic x")
        assert r.status_code == 401
    assert connector.received == [] and answer.calls == []
