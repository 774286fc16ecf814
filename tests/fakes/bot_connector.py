"""A fake Bot Connector (the service Teams gives as `serviceUrl`), aiohttp on 127.0.0.1:0.

It records every activity the bot sends (`POST /v3/conversations/{id}/activities[/{replyId}]`)
and answers with an activity id, or with the statuses queued in `fail_with` (e.g. 429 with
`Retry-After: 0`) so retries can be tested over real HTTP. Like the Agents Playground's
connector, it refuses activities with null fields (400). It also creates 1:1 conversations
(`POST /v3/conversations`, recorded in `created`; the id is `a:1on1-<user id>`, the same each
time, as Teams returns the existing chat) and answers roster look-ups
(`GET /v3/conversations/{id}/members/{user id}`) from `members`, else 404.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.servers import loop_on_thread


@dataclass
class Received:
    conversation_id: str
    reply_to_id: str | None
    activity: dict[str, Any]
    authorization: str | None
    status: int
    at: float = field(default_factory=time.perf_counter)  # when it arrived (benchmarks)
    peer: Any = None  # the client's (host, port): one per connection

    @property
    def cards(self) -> list[dict[str, Any]]:
        return [
            a["content"]
            for a in self.activity.get("attachments") or []
            if a.get("contentType") == "application/vnd.microsoft.card.adaptive"
        ]


class FakeBotConnector:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.fail_with: deque[int] = deque()
        self.created: list[dict[str, Any]] = []
        self.refuse_create = False  # e.g. the app is not installed for that user: 403
        # roster records by (conversation or team id, user id), e.g. {"userRole": "owner"}
        self.members: dict[tuple[str, str], dict[str, Any]] = {}
        self.member_lookups: list[tuple[str, str]] = []
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.url = ""
        app = web.Application()
        app.router.add_post("/v3/conversations", self._create)
        app.router.add_get("/v3/conversations/{conversation_id}/members/{member_id}", self._member)
        app.router.add_post("/v3/conversations/{conversation_id}/activities", self._activity)
        app.router.add_post(
            "/v3/conversations/{conversation_id}/activities/{reply_to_id}", self._activity
        )
        self._app = app

    async def start(self, host: str = "127.0.0.1") -> str:
        self._runner = web.AppRunner(self._app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/"
        return self.url

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    @property
    def delivered(self) -> list[Received]:
        """Activities the fake accepted (not the ones it refused on purpose)."""
        return [r for r in self.received if r.status == 200]

    async def wait_for(self, count: int, timeout: float = 5.0) -> list[Received]:
        """Until `count` activities were delivered (the bot sends while handling a request)."""
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: len(self.delivered) >= count), timeout
            )
        return self.delivered

    async def _create(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.created.append(body)
        if self.refuse_create:
            return web.json_response({"error": {"code": "Forbidden"}}, status=403)
        [member] = body["members"]
        return web.json_response({"id": f"a:1on1-{member['id']}"}, status=201)

    async def _member(self, request: web.Request) -> web.Response:
        key = (request.match_info["conversation_id"], request.match_info["member_id"])
        self.member_lookups.append(key)
        if key not in self.members:
            return web.json_response({"error": {"code": "MemberNotFoundInConversation"}}, 404)
        return web.json_response({"id": key[1], "name": "someone", **self.members[key]})

    async def _activity(self, request: web.Request) -> web.Response:
        body = await request.json()
        transport = request.transport
        status = self.fail_with.popleft() if self.fail_with else 200
        if any(value is None for value in body.values()):
            status = 400  # like the Agents Playground's connector: nulls are refused
        async with self._changed:
            self.received.append(
                Received(
                    conversation_id=request.match_info["conversation_id"],
                    reply_to_id=request.match_info.get("reply_to_id"),
                    activity=body,
                    authorization=request.headers.get("Authorization"),
                    status=status,
                    peer=transport.get_extra_info("peername") if transport else None,
                )
            )
            self._changed.notify_all()
        if status != 200:
            return web.json_response(
                {"error": {"code": "Throttled", "message": "slow down"}},
                status=status,
                headers={"Retry-After": "0"},
            )
        return web.json_response({"id": f"activity-{len(self.received)}"})


@contextmanager
def connector_on_thread(host: str = "127.0.0.1") -> Iterator[FakeBotConnector]:
    """A `FakeBotConnector` on an event loop of its own thread, for callers that run
    synchronously (fuzzing, benchmarks)."""
    fake = FakeBotConnector()
    with loop_on_thread(lambda: fake.start(host=host), fake.stop, timeout=30):
        yield fake
