"""The one fake Slack Web API: on 127.0.0.1 (port 0), recording every call.

It serves the methods secbot uses (auth.test, chat.postMessage, chat.postEphemeral,
views.publish, views.open, users.info, conversations.info, conversations.open,
apps.connections.open), response_url posts under
/response/..., and a Socket Mode WebSocket. `fail(method, status, ...)` makes the next calls
answer 429 (with Retry-After) or 500. For reminder fan-out, `fake_slack(rate_limit_every=3)`
answers every third chat.postMessage with 429 like Slack's per-channel limit, `fail_first=n`
answers the first n with 500, a token "xoxb-invalid" gets `invalid_auth`, and `posts` keeps
each accepted post with the delivery id secbot put in its metadata. Runs its own event loop in
a thread.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import WSMsgType, web

from tests.servers import loop_on_thread

BOT_USER = "UBOT"
BOT_ID = "BBOT"
TEAM = "T0001"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    at: float  # time.perf_counter() on arrival
    status: int = 200


@dataclass
class Failure:
    status: int
    retry_after: int | None
    times: int


@dataclass
class Post:
    """An accepted chat.postMessage."""

    channel: str
    text: str
    delivery_id: int | None
    received: float  # time.monotonic() at arrival


@dataclass
class FakeSlack:
    rate_limit_every: int = 0  # 0: never; n: every n-th chat.postMessage gets a 429
    retry_after: int = 1
    fail_first: int = 0  # the first n chat.postMessage calls answer 500
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    # conversations.info answers, e.g. {"C0LOG": {"creator": "U0ANA"}}; others: not found
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    url: str = ""
    posted: int = 0  # chat.postMessage calls, answered or not
    limited: int = 0  # of them answered 429 by `rate_limit_every`
    _failures: dict[str, list[Failure]] = field(default_factory=dict)
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _ts: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _loop: asyncio.AbstractEventLoop | None = None
    _sockets: list[web.WebSocketResponse] = field(default_factory=list)
    _holds: dict[str, threading.Event] = field(default_factory=dict)

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def response_url(self, name: str = "r1") -> str:
        return f"{self.url}/response/{name}"

    # --- control -------------------------------------------------------------------------

    def fail(self, method: str, status: int, *, times: int = 1, retry_after: int | None = None):
        """The next `times` calls of `method` answer `status` (429: with Retry-After)."""
        with self._cond:
            self._failures.setdefault(method, []).append(Failure(status, retry_after, times))

    def hold(self, method: str) -> threading.Event:
        """Calls of `method` wait (a slow Slack) until the returned event is set."""
        release = threading.Event()
        self._holds[method] = release
        return release

    def reset(self) -> None:
        with self._cond:
            self.calls.clear()

    def of(self, method: str, *, ok_only: bool = True) -> list[Call]:
        with self._cond:
            return [
                c for c in self.calls if c.method == method and (c.status == 200 or not ok_only)
            ]

    def wait_for(
        self,
        method: str,
        count: int = 1,
        *,
        where: Callable[[Call], bool] = lambda c: True,
        timeout: float = 10.0,
    ) -> list[Call]:
        """Block until `count` successful calls of `method` matching `where` arrived."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [
                    c for c in self.calls if c.method == method and c.status == 200 and where(c)
                ]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [(c.method, c.status) for c in self.calls]
                    raise AssertionError(f"{count} x {method} not received; calls: {seen}")
                self._cond.wait(left)

    def counts(self) -> Counter[int | None]:
        """How often each delivery id was posted."""
        with self._cond:
            return Counter(p.delivery_id for p in self.posts)

    def __len__(self) -> int:
        with self._cond:
            return len(self.posts)

    def socket_send(self, message: dict[str, Any]) -> None:
        """Push a Socket Mode envelope to every connected client."""
        assert self._loop is not None

        async def send() -> None:
            for ws in list(self._sockets):
                await ws.send_str(json.dumps(message))

        asyncio.run_coroutine_threadsafe(send(), self._loop).result(5)

    def wait_for_socket(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not self._sockets:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError("no Socket Mode connection")
                self._cond.wait(left)

    # --- server --------------------------------------------------------------------------

    def _record(self, call: Call) -> None:
        with self._cond:
            self.calls.append(call)
            self._cond.notify_all()

    def _failure(self, method: str) -> Failure | None:
        with self._cond:
            if method == "chat.postMessage":
                self.posted += 1
                if self.rate_limit_every and self.posted % self.rate_limit_every == 0:
                    self.limited += 1
                    return Failure(429, self.retry_after, 1)
                if self.posted <= self.fail_first:
                    return Failure(500, None, 1)
            queue = self._failures.get(method) or []
            if not queue:
                return None
            head = queue[0]
            head.times -= 1
            if head.times <= 0:
                queue.pop(0)
            return head

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        body = await request.read()
        if not body:
            return params
        if request.content_type == "application/json":
            params.update(json.loads(body))
        else:
            params.update(parse_qsl(body.decode()))
            for key in ("blocks", "view"):
                if isinstance(params.get(key), str):
                    params[key] = json.loads(params[key])
        return params

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        call = Call(method, params, dict(request.headers), time.perf_counter())
        held = self._holds.get(method)
        if held is not None:
            await asyncio.get_running_loop().run_in_executor(None, held.wait, 30)
        failure = self._failure(method)
        if failure is not None:
            call.status = failure.status
            self._record(call)
            headers = {}
            if failure.retry_after is not None:
                headers["Retry-After"] = str(failure.retry_after)
            body = {
                "ok": False,
                "error": "ratelimited" if failure.status == 429 else "internal_error",
            }
            return web.json_response(body, status=failure.status, headers=headers)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token == "xoxb-invalid" or params.get("token") == "xoxb-invalid":
            self._record(call)
            return web.json_response({"ok": False, "error": "invalid_auth"})
        if method == "chat.postMessage":
            self._keep(params)
        self._record(call)
        return web.json_response(self._answer(method, params))

    def _keep(self, params: dict[str, Any]) -> None:
        metadata = params.get("metadata") or {}
        if isinstance(metadata, str):
            metadata = json.loads(metadata)
        delivery_id = (metadata.get("event_payload") or {}).get("delivery_id")
        post = Post(str(params.get("channel")), str(params.get("text")), delivery_id,
                    time.monotonic())  # fmt: skip
        with self._cond:
            self.posts.append(post)

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {
                "ok": True,
                "user_id": BOT_USER,
                "bot_id": BOT_ID,
                "team_id": TEAM,
                "user": "secbot",
                "team": "Secretariat",
                "url": "https://example.slack.com/",
            }
        if method == "chat.postMessage":
            ts = f"1700000000.{next(self._ts):06d}"
            return {
                "ok": True,
                "channel": params.get("channel"),
                "ts": ts,
                "message": {"text": params.get("text"), "ts": ts},
            }
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"1700000000.{next(self._ts):06d}"}
        if method in ("views.publish", "views.open"):
            return {"ok": True, "view": {"id": "V0001", **(params.get("view") or {})}}
        if method == "users.info":
            user = params.get("user", "")
            profile = {"id": user, "tz": "Europe/Zurich", **self.users.get(user, {})}
            return {"ok": True, "user": profile}
        if method == "conversations.info":
            channel = str(params.get("channel", ""))
            if channel.startswith("D"):  # a direct message: D + the person's id, as open() gives
                return {"ok": True, "channel": {"id": channel, "is_im": True, "user": channel[1:]}}
            if channel not in self.channels:
                return {"ok": False, "error": "channel_not_found"}
            return {"ok": True, "channel": {"id": channel, **self.channels[channel]}}
        if method == "conversations.open":
            users = str(params.get("users", ""))
            if "," in users or not users:
                return {"ok": False, "error": "not_implemented"}
            return {"ok": True, "channel": {"id": f"D{users}"}}
        if method == "apps.connections.open":
            return {"ok": True, "url": self.url.replace("http://", "ws://") + "/socket"}
        return {"ok": False, "error": "unknown_method"}

    async def _response_url(self, request: web.Request) -> web.Response:
        params = await self._params(request)
        call = Call("response_url", params, dict(request.headers), time.perf_counter())
        call.params["path"] = request.match_info["name"]
        self._record(call)
        return web.Response(text="ok")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_str(json.dumps({"type": "hello", "num_connections": 1}))
        with self._cond:
            self._sockets.append(ws)
            self._cond.notify_all()
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    data = json.loads(msg.data)
                    self._record(Call("socket_ack", data, {}, time.perf_counter()))
        finally:
            with self._cond:
                self._sockets.remove(ws)
        return ws

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{name}", self._response_url)
        app.router.add_get("/socket", self._socket)
        return app


@contextmanager
def fake_slack(**options: Any) -> Iterator[FakeSlack]:
    """Run a FakeSlack(**options) on 127.0.0.1:0 in its own thread and event loop."""
    fake = FakeSlack(**options)
    runner = web.AppRunner(fake.app())

    async def start() -> None:
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        fake.url = f"http://127.0.0.1:{port}"
        fake._loop = asyncio.get_running_loop()

    with loop_on_thread(start, runner.cleanup, timeout=10):
        yield fake
