"""Real servers on 127.0.0.1 with OS-chosen ports, for tests: the ASGI app under uvicorn and
an SMTP sink (aiosmtpd) that keeps what it receives; and waiting for what they do."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import uvicorn
from aiosmtpd.controller import Controller


@contextmanager
def loop_on_thread(
    start: Callable[[], Coroutine[Any, Any, Any]],
    stop: Callable[[], Coroutine[Any, Any, Any]],
    *,
    timeout: float,
) -> Iterator[asyncio.AbstractEventLoop]:
    """An event loop running in a thread of its own, `start()` awaited on it before the block
    and `stop()` after: for fake servers that synchronous callers use."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        asyncio.run_coroutine_threadsafe(start(), loop).result(timeout)
        try:
            yield loop
        finally:
            asyncio.run_coroutine_threadsafe(stop(), loop).result(timeout)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout)
        loop.close()


@contextmanager
def serve_app(app: Any, *, timeout: float = 60.0) -> Iterator[str]:
    """Run `app` under uvicorn in a thread; yield its base URL (http://127.0.0.1:PORT) while
    it runs, and stop it afterwards."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:  # waiting for the socket to be bound, not for the clock
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        thread.join(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout)


@dataclass
class Mailbox:
    """Messages an SMTP sink received, parsed, with their envelope recipients."""

    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 OK"


class _PortZeroController(Controller):
    """aiosmtpd's Controller on port 0: learn the bound port before its start-up probe."""

    def _trigger_server(self) -> None:
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@contextmanager
def smtp_sink() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    controller = _PortZeroController(box, hostname="127.0.0.1", port=0)
    controller.start()
    try:
        yield box, controller.port
    finally:
        controller.stop()


def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Poll a condition that a server thread makes true (not the clock); fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)
