"""A fake Slack Web API on 127.0.0.1 (port 0) that records chat.postMessage calls.

`SlackSink(rate_limit_every=3)` answers every third call with HTTP 429 and `Retry-After`,
like Slack's per-channel limit; `fail_first=n` answers the first n calls with a 500; a token
of "xoxb-invalid" gets `invalid_auth`. Every accepted
post is kept with its delivery id (from the message metadata secbot sends), so tests can count
how often each delivery arrived.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


@dataclass
class Post:
    channel: str
    text: str
    delivery_id: int | None
    received: float  # time.monotonic() at arrival


@dataclass
class SlackSink:
    rate_limit_every: int = 0  # 0: never; n: every n-th call gets a 429
    retry_after: int = 1
    fail_first: int = 0  # the first n calls answer 500 internal_error
    posts: list[Post] = field(default_factory=list)
    calls: int = 0
    limited: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def record(self, body: dict[str, Any], token: str) -> tuple[int, dict[str, Any], dict]:
        with self.lock:
            self.calls += 1
            if self.rate_limit_every and self.calls % self.rate_limit_every == 0:
                self.limited += 1
                return (
                    429,
                    {"ok": False, "error": "ratelimited"},
                    {"Retry-After": str(self.retry_after)},
                )
            if self.calls <= self.fail_first:
                return 500, {"ok": False, "error": "internal_error"}, {}
            if token == "xoxb-invalid":
                return 200, {"ok": False, "error": "invalid_auth"}, {}
            metadata = body.get("metadata") or {}
            if isinstance(metadata, str):
                metadata = json.loads(metadata)
            delivery_id = (metadata.get("event_payload") or {}).get("delivery_id")
            post = Post(str(body.get("channel")), str(body.get("text")), delivery_id,
                        time.monotonic())  # fmt: skip
            self.posts.append(post)
            ts = f"{time.time():.6f}"
            return 200, {"ok": True, "channel": post.channel, "ts": ts}, {}

    def counts(self) -> Counter[int | None]:
        with self.lock:
            return Counter(p.delivery_id for p in self.posts)

    def __len__(self) -> int:
        with self.lock:
            return len(self.posts)


def _handler(sink: SlackSink) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the real API
        # Headers and body go out in two writes; with Nagle on, the second waits for the
        # client's delayed ACK (~40 ms a call). Slack's own servers do not stall like that.
        disable_nagle_algorithm = True

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode()
            if self.headers.get("Content-Type", "").startswith("application/json"):
                body = json.loads(raw or "{}")
            else:
                body = {k: v[0] for k, v in parse_qs(raw).items()}
            token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
            if self.path.rstrip("/").endswith("chat.postMessage"):
                status, payload, headers = sink.record(body, token)
            else:
                status, payload, headers = 200, {"ok": False, "error": "unknown_method"}, {}
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    return Handler


class _Server(ThreadingHTTPServer):
    # socketserver's default listen backlog is 5: with dozens of concurrent connections the
    # kernel drops SYNs and clients wait out 1 s, 3 s, 7 s retransmits. Slack is not like that.
    request_queue_size = 1024


@contextmanager
def running_sink(**options: Any) -> Iterator[SlackSink]:
    """Serve a SlackSink on 127.0.0.1, port 0; `sink.url` is the API base URL (with /api/)."""
    sink = SlackSink(**options)
    server = _Server(("127.0.0.1", 0), _handler(sink))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    sink.url = f"http://127.0.0.1:{server.server_address[1]}/api/"
    try:
        yield sink
    finally:
        server.shutdown()
        server.server_close()
