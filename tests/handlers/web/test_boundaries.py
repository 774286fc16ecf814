"""The server's HTTP boundaries over real HTTP: oversize bodies get 413 before any route
parses them, and the access log never shows a private feed token."""

from __future__ import annotations

import json
import logging
import socket
import tracemalloc
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import Engine
from uvicorn.logging import AccessFormatter

from bot.clock import Clock
from bot.runtime import Runtime
from bot.settings import Settings
from handlers.web.app import create_app
from storage import db, subscriptions
from tests.fakes import slack_payloads as p
from tests.fakes.slack_api import FakeSlack, fake_slack
from tests.servers import serve_app

MB = 1_000_000
POSTS = ["/slack/events", "/api/messages"]


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with fake_slack() as server:
        yield server


@pytest.fixture
def base(engine: Engine, clock: Clock, fake: FakeSlack) -> Iterator[str]:
    settings = p.app_settings(
        fake, CONNECTIONS__SERVICE_CONNECTION__SETTINGS__ANONYMOUS_ALLOWED=True
    )
    with serve_app(create_app(Runtime(settings=settings, clock=clock, engine=engine))) as url:
        yield url


def chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    """A body streamed without Content-Length (chunked), never held whole by the client."""
    block = b"x" * size
    for _ in range(total // size):
        yield block


@pytest.mark.parametrize("route", [*POSTS, "/meetings.json"])
def test_declared_oversize_body_is_refused_unread(base: str, fake: FakeSlack, route: str) -> None:
    body = b"{" + b" " * (5 * MB) + b"}"
    r = httpx.post(base + route, content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 413, r.text
    assert "larger than 1000000 bytes" in r.text
    assert fake.calls == []


@pytest.mark.parametrize("route", POSTS)
def test_streamed_oversize_body_is_refused_without_holding_it(
    base: str, fake: FakeSlack, route: str
) -> None:
    tracemalloc.start()
    try:
        r = httpx.post(
            base + route, content=chunks(5 * MB), headers={"Content-Type": "application/json"}
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert r.status_code == 413, r.text
    assert peak < 3 * MB, peak  # the 5 MB body was never held (the limit is 1 MB)
    assert fake.calls == []


def test_streamed_body_within_the_limit_reaches_the_route(base: str) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "c" * 500_000})
    headers = {"Content-Type": "application/json", **p.signed_headers(body)}
    encoded = body.encode()
    parts = (encoded[i : i + 65536] for i in range(0, len(encoded), 65536))
    r = httpx.post(base + "/slack/events", content=parts, headers=headers)
    assert r.status_code == 200 and r.json() == {"challenge": "c" * 500_000}


def test_malformed_content_length_is_a_400(base: str) -> None:
    with socket.create_connection(urlsplit(base)[1].split(":")) as sock:  # type: ignore[arg-type]
        sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n")
        answer = sock.recv(1024)
    assert answer.split(b"\r\n")[0].split(b" ")[1] in (b"400", b"413")


def test_access_log_masks_private_feed_tokens(
    engine: Engine, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    now = clock.now()
    with db.session_scope(engine) as session:
        token = subscriptions.issue_token(session, user_key="slack:U0ADA", now=now)
    settings = Settings(_env_file=None, seed_on_start=False)  # type: ignore[call-arg]
    app = create_app(Runtime(settings=settings, clock=clock, engine=engine))
    access = logging.getLogger("uvicorn.access")
    with serve_app(app) as url:
        level = access.level
        access.setLevel(logging.INFO)  # tests run uvicorn at "warning"; this is its info line
        access.addHandler(caplog.handler)
        try:
            assert httpx.get(f"{url}/calendar/u/{token}.ics").status_code == 200
            assert httpx.get(f"{url}/calendar/u/{token}.ics?x=1").status_code == 200
            assert httpx.get(f"{url}/calendar/u/{token}").status_code == 404
        finally:
            access.removeHandler(caplog.handler)
            access.setLevel(level)
    records = [r for r in caplog.records if r.name == "uvicorn.access"]
    assert len(records) == 3
    formatter = AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s')
    lines = [formatter.format(r) for r in records]
    assert not [line for line in lines if token in line]
    assert not [r for r in records if token in r.getMessage()]
    assert '"GET /calendar/u/***.ics HTTP/1.1" 200' in lines[0]
    assert '"GET /calendar/u/***.ics?x=1 HTTP/1.1" 200' in lines[1]
    assert '"GET /calendar/u/*** HTTP/1.1" 404' in lines[2]


def test_the_limit_is_a_setting(engine: Engine, clock: Clock) -> None:
    settings = Settings(_env_file=None, seed_on_start=False, max_request_bytes=4096)  # type: ignore[call-arg]
    app = create_app(Runtime(settings=settings, clock=clock, engine=engine))
    with serve_app(app) as url:
        small = httpx.request("GET", f"{url}/healthz", content=b"x" * 4096)
        large = httpx.request("GET", f"{url}/healthz", content=b"x" * 4097)
        streamed = httpx.request("GET", f"{url}/healthz", content=chunks(8 * 4096, 4096))
    assert small.status_code == 200
    assert large.status_code == 413 and "larger than 4096 bytes" in large.text
    assert streamed.status_code == 200  # a route that never reads the body is not held up by it
