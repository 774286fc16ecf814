"""A calendar publisher on 127.0.0.1 (port 0) for sync tests: serves one body whose content
can change between fetches, with ETag and Last-Modified, answering conditional GETs with 304;
it can also answer an error status, hold requests (a timeout, a slow replica), demand a
bearer token, and it records every request's headers."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Publisher:
    body: bytes = b""
    content_type: str = "text/calendar; charset=utf-8"
    status: int = 200
    conditional: bool = True  # honour If-None-Match / If-Modified-Since
    token: str | None = None  # when set, demand `Authorization: Bearer <token>`
    hold: threading.Event | None = None  # when set, requests wait for it before answering
    requests: list[dict[str, str]] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)
    url: str = ""
    version: int = 0

    def publish(self, body: bytes | str, content_type: str | None = None) -> None:
        """Change what the calendar holds (new ETag and Last-Modified)."""
        self.body = body.encode() if isinstance(body, str) else body
        self.version += 1
        if content_type:
            self.content_type = content_type

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:20] + '"'

    @property
    def last_modified(self) -> str:
        stamp = datetime(2015, 12, 1, tzinfo=UTC) + timedelta(minutes=self.version)
        return format_datetime(stamp, usegmt=True)

    def statuses(self) -> list[str]:
        return [r["status"] for r in self.requests]


def _handler(pub: Publisher) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return None

        def do_GET(self) -> None:
            seen = {k.lower(): v for k, v in self.headers.items()}
            hold = pub.hold
            pub.arrived.set()
            if hold is not None:
                hold.wait(30)
            status, body = pub.status, pub.body
            if pub.token and seen.get("authorization") != f"Bearer {pub.token}":
                status, body = 401, b'{"message": "not authorised"}'
            elif (
                status == 200
                and pub.conditional
                and (
                    seen.get("if-none-match") == pub.etag
                    or seen.get("if-modified-since") == pub.last_modified
                )
            ):
                status, body = 304, b""
            elif status != 200:
                body = b"<html><body>Server error</body></html>"
            pub.requests.append(seen | {"status": str(status)})
            self.send_response(status)
            if status in (200, 304):
                self.send_header("ETag", pub.etag)
                self.send_header("Last-Modified", pub.last_modified)
            if status != 304:
                self.send_header("Content-Type", pub.content_type if status == 200 else "text/html")
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 304:
                self.wfile.write(body)

    return Handler


@contextmanager
def publisher(path: str = "/calendar.ics") -> Iterator[Publisher]:
    pub = Publisher()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(pub))
    server.daemon_threads = True
    pub.url = f"http://127.0.0.1:{server.server_address[1]}{path}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield pub
    finally:
        if pub.hold is not None:
            pub.hold.set()
        server.shutdown()
        server.server_close()
