"""The HTTP boundaries probed as an attacker would, against real `secbot serve` processes.
Prints JSON with floors.

    .venv/bin/python benchmarks/bench_trust.py [--slack 1000] [--tokens 120] [--series 10000]

Two servers on 127.0.0.1 (SQLite with the seed): one with Slack and a Teams client id (every
/api/messages request needs a token), one in Teams local mode (anonymous). Probes: forged
Slack requests (wrong secret, stale, tampered, unsigned garbage); forged Teams tokens (no
`kid`, `alg: none`, garbage; tokens with a `kid` are left out, as they make the server fetch
Microsoft's signing keys); random bodies to every POST route and random queries to every GET
route; malformed activities and non-loopback serviceUrls in local mode, replies going to a
fake Bot Connector on every local address (so a reply to a non-loopback serviceUrl would be
seen); 5 MB and 200 MB bodies (declared and chunked) with the server's peak RSS (VmHWM)
before and after; 10,000 distinct `?series=` values on /calendar.ics with the server's RSS
before and after.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import socket
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jwt

from benchmarks.floors import at_most, verdict
from benchmarks.serving import Served, secbot_serve
from tests.fakes import slack_payloads as p
from tests.fakes.bot_connector import connector_on_thread
from tests.handlers.teams.conftest import CLIENT_ID, personal_message

MB = 1 << 20


def memory_mb(served: Served) -> dict[str, float]:
    """The server's resident set now (VmRSS) and at its peak so far (VmHWM), in MB."""
    status = dict(
        line.split(":", 1) for line in Path(f"/proc/{served.pid}/status").read_text().splitlines()
    )
    return {k: int(status[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM")}


def forged_slack(count: int, rng: random.Random) -> Iterator[tuple[bytes, dict[str, str]]]:
    for i in range(count):
        body = json.dumps(p.event_callback(p.app_mention(f"forged {i}")))
        kind = i % 6
        if kind == 0:
            headers = p.signed_headers(body, secret="not-the-signing-secret")
        elif kind == 1:
            headers = p.signed_headers(body, age=6 * 60)
        elif kind == 2:
            headers = p.signed_headers(body)
            body = body.replace("forged", "tampered")
        elif kind == 3:
            headers = {"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=00"}
        elif kind == 4:
            headers = {}
            body = "payload=%7Bnot json"
        else:
            headers = {}
            body = rng.randbytes(rng.randrange(1, 2000)).decode("latin-1")
        yield body.encode("latin-1", "replace"), {"Content-Type": "application/json", **headers}


def forged_tokens(count: int) -> list[str]:
    claims = {"aud": CLIENT_ID, "iss": "https://api.botframework.com", "serviceurl": "x"}
    shapes = [
        lambda i: jwt.encode({**claims, "n": i}, "k" * 32, algorithm="HS256"),
        lambda i: jwt.encode({**claims, "n": i}, None, algorithm="none"),
        lambda i: jwt.encode({**claims, "aud": [i, {"x": i}]}, "k" * 32, algorithm="HS512"),
        lambda i: f"{i}.{i}.{i}",
        lambda i: "x" * (i + 1),
        lambda i: f"eyJ{'A' * i}.e30.",
    ]
    return [shapes[i % len(shapes)](i) for i in range(count)]


def malformed_activities(service_url: str) -> list[Any]:
    """Activities with one field removed or replaced (some are still valid and answered)."""
    good = personal_message(service_url, "hi")
    cases: list[Any] = [[good], "text", 1, None, {}]
    for field in list(good):
        bad = copy.deepcopy(good)
        del bad[field]
        cases.append(bad)
        for value in (None, 1, "x", [], {}):
            bad = copy.deepcopy(good)
            bad[field] = value
            cases.append(bad)
    return cases


def outside_urls(port: int) -> list[str]:
    """serviceUrls that are not loopback; the first reaches the fake connector when this
    machine has a non-loopback address."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("192.0.2.255", 9))  # no packet is sent
            address = str(sock.getsockname()[0])
        except OSError:
            address = "192.0.2.1"
    return [f"http://{address}:{port}/", f"http://192.0.2.1:{port}/",
            "https://smba.trafficmanager.net/emea/"]  # fmt: skip


def chunks(total: int) -> Iterator[bytes]:
    block = b" " * MB
    for _ in range(total // MB):
        yield block


class Tally:
    def __init__(self) -> None:
        self.statuses: Counter[int] = Counter()
        self.server_errors = 0

    def add(self, status: int) -> int:
        self.statuses[status] += 1
        self.server_errors += status >= 500
        return status


def probe_authenticated(served: Served, args: argparse.Namespace, tally: Tally) -> dict[str, Any]:
    rng = random.Random(17)
    out: dict[str, Any] = {}
    with httpx.Client(base_url=served.url, timeout=120) as http:
        slack = Counter(
            tally.add(http.post("/slack/events", content=body, headers=headers).status_code)
            for body, headers in forged_slack(args.slack, rng)
        )
        out["forged_slack"] = {"requests": args.slack, "statuses": dict(slack)}
        activity = personal_message("https://smba.trafficmanager.net/emea/", "hi")
        teams = Counter(
            tally.add(
                http.post(
                    "/api/messages", json=activity, headers={"Authorization": f"Bearer {token}"}
                ).status_code
            )
            for token in forged_tokens(args.tokens)
        )
        out["forged_teams_tokens"] = {"tokens": args.tokens, "statuses": dict(teams)}

        garbage: Counter[int] = Counter()
        for i in range(args.garbage):
            body = rng.randbytes(rng.randrange(0, 4096))
            ctype = rng.choice(["application/json", "application/x-www-form-urlencoded", "x/y"])
            route = ("/slack/events", "/api/messages")[i % 2]
            garbage[
                tally.add(
                    http.post(route, content=body, headers={"Content-Type": ctype}).status_code
                )
            ] += 1
            query = {rng.choice(["kind", "region", "country", "series", "from"]): body[:20].hex()}
            path = rng.choice(
                ["/calendar.ics", "/meetings.json", f"/calendar/u/{body[:8].hex()}.ics"]
            )
            garbage[tally.add(http.get(path, params=query).status_code)] += 1
        out["garbage"] = {"requests": 2 * args.garbage, "statuses": dict(garbage)}

        oversize: dict[str, Any] = {}
        for size in (5 * MB, 200 * MB):
            for route in ("/slack/events", "/api/messages"):
                for declared in (True, False):
                    before = memory_mb(served)
                    headers = {"Content-Type": "application/json"}
                    if declared:
                        headers["Content-Length"] = str(size)
                    started = time.perf_counter()
                    r = http.post(route, content=chunks(size), headers=headers)
                    name = f"{size // MB}MB {route} {'declared' if declared else 'chunked'}"
                    oversize[name] = {
                        "status": tally.add(r.status_code),
                        "seconds": round(time.perf_counter() - started, 3),
                        "peak_rss_growth_mb": round(
                            memory_mb(served)["VmHWM"] - before["VmHWM"], 1
                        ),
                    }
        out["oversize"] = oversize

        for i in range(500):  # warm-up: the route, the query, the pools
            http.get("/calendar.ics", params={"series": f"warm{i}"})
        before = memory_mb(served)
        started = time.perf_counter()
        series = Counter(
            tally.add(http.get("/calendar.ics", params={"series": f"s{i}"}).status_code)
            for i in range(args.series)
        )
        after = memory_mb(served)
        out["series"] = {
            "values": args.series,
            "statuses": dict(series),
            "seconds": round(time.perf_counter() - started, 1),
            "rss_before_mb": round(before["VmRSS"], 1),
            "rss_growth_mb": round(after["VmRSS"] - before["VmRSS"], 1),
        }
    return out


def probe_local(served: Served, tally: Tally) -> dict[str, Any]:
    with (
        connector_on_thread(host="0.0.0.0") as connector,
        httpx.Client(base_url=served.url, timeout=60) as http,
    ):
        cases = malformed_activities(connector.url)
        statuses = Counter(tally.add(http.post("/api/messages", json=c).status_code) for c in cases)
        before = len(connector.received)
        port = int(connector.url.rstrip("/").rsplit(":", 1)[1])
        outside = Counter(
            tally.add(http.post("/api/messages", json=personal_message(url, "hi")).status_code)
            for url in outside_urls(port)
        )
        sent_outside = len(connector.received) - before
    return {
        "activities": len(cases),
        "statuses": dict(statuses),
        "non_loopback": {"statuses": dict(outside), "replies_sent": sent_outside},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--slack", type=int, default=1000)
    parser.add_argument("--tokens", type=int, default=120)
    parser.add_argument("--garbage", type=int, default=200)
    parser.add_argument("--series", type=int, default=10_000)
    args = parser.parse_args()
    tally = Tally()
    with tempfile.TemporaryDirectory() as tmp:
        base = {
            **{k: v for k, v in os.environ.items() if not k.startswith("CONNECTIONS__")},
            "SECBOT_DATABASE_URL": f"sqlite:///{Path(tmp) / 'trust.db'}",
            "SECBOT_NOW": "2015-12-15",
            "SECBOT_LOG_LEVEL": "warning",
            "SECBOT_REMINDERS_ENABLED": "false",
            "SECBOT_SOURCES_ENABLED": "false",
        }
        base.pop("SLACK_APP_TOKEN", None)
        authenticated = {
            **base,
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_SIGNING_SECRET": p.SECRET,
            "SECBOT_SLACK_API_URL": "http://127.0.0.1:9/",
            "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID": CLIENT_ID,
            "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__TENANTID": "tenant-0001",
        }
        with secbot_serve(authenticated) as served:
            results = probe_authenticated(served, args, tally)
        local = {**base, "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__ANONYMOUS_ALLOWED": "true"}
        with secbot_serve(local) as served:
            results["local_mode_activities"] = probe_local(served, tally)

    def not_status(counts: dict[int, int], *wanted: int) -> int:
        return sum(n for status, n in counts.items() if status not in wanted)

    oversize = results["oversize"].values()
    floors = {
        "server_errors": at_most(tally.server_errors, 0),
        "forged_slack_not_401": at_most(not_status(results["forged_slack"]["statuses"], 401), 0),
        "forged_tokens_not_401": at_most(
            not_status(results["forged_teams_tokens"]["statuses"], 401), 0
        ),
        "local_mode_non_loopback_not_400": at_most(
            not_status(results["local_mode_activities"]["non_loopback"]["statuses"], 400), 0
        ),
        "local_mode_non_loopback_replies": at_most(
            results["local_mode_activities"]["non_loopback"]["replies_sent"], 0
        ),
        # 401: /api/messages with a client id refuses a request without a token unread
        "oversize_not_refused": at_most(sum(o["status"] not in (401, 413) for o in oversize), 0),
        "oversize_peak_rss_growth_mb": at_most(max(o["peak_rss_growth_mb"] for o in oversize), 20),
        "series_rss_growth_mb": at_most(results["series"]["rss_growth_mb"], 10),
    }
    result = {"benchmark": "trust: the HTTP boundaries probed", **results, **verdict(floors)}
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
