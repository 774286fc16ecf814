"""Every route of the one app, fuzzed over HTTP (hypothesis against the app under uvicorn;
Slack's Web API and the Bot Connector faked over HTTP): whatever comes in, nothing answers 5xx.

Slack requests come unsigned (random bytes and headers) and signed (random payloads of each
type Slack sends); Teams activities are random JSON and a real activity with one field
replaced by random JSON, in local mode (anonymous requests, the worst case).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from bot.clock import Clock
from bot.runtime import Runtime
from handlers.slack.boundary import INTERACTIONS
from handlers.web.app import create_app
from tests import calendar_data
from tests.fakes import slack_payloads as p
from tests.fakes.bot_connector import FakeBotConnector, connector_on_thread
from tests.fakes.slack_api import FakeSlack, fake_slack
from tests.handlers.teams.conftest import personal_message
from tests.servers import serve_app

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,  # the same examples on every run: a failure is reproducible
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

text = st.text(max_size=30)
finite = st.floats(allow_nan=False, allow_infinity=False)
scalars = st.none() | st.booleans() | st.integers() | finite | text
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
objects = st.dictionaries(st.text(max_size=12), json_values, max_size=6)


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with fake_slack() as server:
        yield server


@pytest.fixture
def connector() -> Iterator[FakeBotConnector]:
    """The fake Bot Connector on an event loop of its own (the fuzzing runs synchronously)."""
    with connector_on_thread() as fake:
        yield fake


@pytest.fixture
def client(
    engine: Engine, clock: Clock, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> Iterator[httpx.Client]:
    for name in [n for n in os.environ if n.startswith("CONNECTIONS__")]:
        monkeypatch.delenv(name)  # the machine's Teams settings stay out of the app
    calendar_data.load(engine, clock.now())
    settings_ = p.app_settings(
        fake, CONNECTIONS__SERVICE_CONNECTION__SETTINGS__ANONYMOUS_ALLOWED=True
    )
    app = create_app(Runtime(settings=settings_, clock=clock, engine=engine))
    with serve_app(app) as base, httpx.Client(base_url=base, timeout=30) as http:
        yield http


def no_5xx(status: int, what: Any) -> None:
    assert status < 500, what


def test_get_routes_never_answer_5xx(client: httpx.Client) -> None:
    paths = st.sampled_from(
        ["/healthz", "/meetings.json", "/calendar.ics", "/calendar/meeting/{}.ics",
         "/calendar/u/{}.ics", "/{}"]
    )  # fmt: skip
    names = st.sampled_from(["from", "to", "kind", "region", "country", "series", "x"])
    queries = st.lists(st.tuples(names, text), max_size=6)
    headers = st.dictionaries(
        st.sampled_from(["If-None-Match", "If-Modified-Since", "Accept-Encoding"]),
        st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=30).map(str.strip),
    )

    @FUZZ
    @given(paths, text, queries, headers)
    def run(path: str, part: str, query: list[tuple[str, str]], head: dict[str, str]) -> None:
        url = path.format(quote(part, safe=""))
        r = client.get(url, params=query, headers=head)
        no_5xx(r.status_code, (url, query, head, r.text[:200]))

    run()


def test_slack_route_never_answers_5xx(client: httpx.Client) -> None:
    content_types = st.sampled_from(["application/json", "application/x-www-form-urlencoded", ""])
    header_text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=20).map(
        str.strip
    )

    @FUZZ
    @given(st.binary(max_size=200), content_types, header_text, header_text)
    def unsigned(body: bytes, content_type: str, timestamp: str, signature: str) -> None:
        head = {"Content-Type": content_type, "X-Slack-Request-Timestamp": timestamp,
                "X-Slack-Signature": signature}  # fmt: skip
        r = client.post("/slack/events", content=body, headers=head)
        no_5xx(r.status_code, (body, head, r.text))

    kinds = st.sampled_from(sorted({*INTERACTIONS, "event_callback", "url_verification", "x"}))

    @FUZZ
    @given(kinds, objects, st.booleans(), st.booleans())
    def signed(kind: str, fields: dict[str, Any], with_user: bool, as_form: bool) -> None:
        payload: dict[str, Any] = {**fields, "type": kind}
        if with_user:
            payload["user"] = {"id": "U0FUZZ"}
        data = json.dumps(payload)
        body = f"payload={data}" if as_form else data
        content_type = "application/x-www-form-urlencoded" if as_form else "application/json"
        head = {"Content-Type": content_type, **p.signed_headers(body)}
        r = client.post("/slack/events", content=body.encode(), headers=head)
        no_5xx(r.status_code, (payload, r.text))

    unsigned()
    signed()


def test_teams_route_never_answers_5xx(client: httpx.Client, connector: FakeBotConnector) -> None:
    good = personal_message(connector.url, "hi")

    @FUZZ
    @given(json_values)
    def anything(body: Any) -> None:
        r = client.post("/api/messages", json=body)
        no_5xx(r.status_code, (body, r.text))

    @FUZZ
    @given(st.sampled_from(sorted(good)), json_values)
    def one_field_off(field: str, value: Any) -> None:
        activity = {**good, field: value}
        r = client.post("/api/messages", json=activity)
        # the Bot Framework answers an invoke no handler takes with 501, by protocol
        invoke = activity.get("type") == "invoke" and r.status_code == 501
        assert invoke or r.status_code < 500, (activity, r.text)

    anything()
    one_field_off()
