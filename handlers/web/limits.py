"""HTTP boundaries of the one server: a request-body size limit enforced before anything
parses the body, and an access-log filter that masks private feed tokens.

`BodyLimit` is plain ASGI middleware: a Content-Length over the limit gets 413 before the
body is read; a body without one (chunked) is counted as it streams and refused as soon as
the count passes the limit. A route that swallows the refusal (the Teams SDK turns any
error reading its body into a 400) still answers 413: once the limit is passed, whatever
the route sends is replaced.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_MAX_BYTES = 1_000_000


class _TooLarge(Exception):
    """Raised inside `receive` when a streamed body passes the limit."""


async def _plain(send: Send, status: int, text: str) -> None:
    body = text.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """Refuse request bodies over `max_bytes` with 413, before any route reads them."""

    def __init__(self, app: ASGIApp, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = f"Request body larger than {self.max_bytes} bytes.\n"
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None:
            if not length.isdigit():
                await _plain(send, 400, "Malformed Content-Length.\n")
                return
            if int(length) > self.max_bytes:
                await _plain(send, 413, refusal)
                return
        received = 0
        over = False
        started = False

        async def counted() -> Message:
            nonlocal received, over
            if over:
                raise _TooLarge
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    over = True
                    raise _TooLarge
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if over:  # the route answered after the limit was passed: 413 instead
                if not started and message["type"] == "http.response.start":
                    started = True
                    await _plain(send, 413, refusal)
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except _TooLarge:
            if not started:
                started = True
                await _plain(send, 413, refusal)


# --- the access log ----------------------------------------------------------------------------

PRIVATE_FEED = re.compile(r"(/calendar/u/)[^/?#\s\"]+?(\.ics)?(?=[/?#\s\"]|$)")


def mask_tokens(text: str) -> str:
    """`text` with private feed tokens (the path segment after /calendar/u/) replaced by ***."""
    return PRIVATE_FEED.sub(lambda m: f"{m[1]}***{m[2] or ''}", text)


class MaskTokens(logging.Filter):
    """Masks private feed tokens in a record's message and arguments (uvicorn's access log
    passes the path as an argument, and its formatter needs the arguments kept as they are)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask_tokens(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_masked(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _masked(v) for k, v in record.args.items()}
        return True


def _masked(value: Any) -> Any:
    return mask_tokens(value) if isinstance(value, str) else value


def mask_access_log() -> None:
    """Install the mask on uvicorn's access logger (once; uvicorn's own logging set-up keeps
    a logger's filters)."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, MaskTokens) for f in access.filters):
        access.addFilter(MaskTokens())
