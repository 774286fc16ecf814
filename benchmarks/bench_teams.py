"""Teams latency with 100,000 meetings: a message activity POSTed to /api/messages → the HTTP
answer, and → the reply arriving at a fake Bot Connector. Prints JSON with its floor (reply
p99 ≤ 30 ms).

    .venv/bin/python benchmarks/bench_teams.py [--meetings 100000] [--requests 1000]

The server is a real `secbot serve` process (uvicorn, SQLite holding the seed and synthetic
meetings with their word index, built as bench_answer builds them) in local mode (no token),
as for the Agents Playground. The fake Bot Connector (tests/fakes/bot_connector.py) and the
client share this process's event loop. Messages come from `--users` people in their 1:1
chats in turn, so the per-conversation send limit (7 a second) is not what is measured.
Latencies are measured from just before the request is sent; the question is answered by the
real core, whose speed changes as the core grows.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp

from benchmarks.bench_answer import build
from benchmarks.floors import at_most, verdict
from benchmarks.serving import paused_collector, percentile, secbot_serve, summary
from tests.fakes.bot_connector import FakeBotConnector
from tests.handlers.teams.conftest import personal_message

NOW = datetime(2015, 12, 15, 9, 0, tzinfo=UTC)
FLOOR_REPLY_P99_MS = 30


def activity(service_url: str, question: str, i: int, users: int) -> dict[str, Any]:
    """Message number `i`, from user i % users in their 1:1 chat with the bot."""
    user = i % users
    sender = {"id": f"29:bench-user-{user}", "name": f"User {user}", "aadObjectId": f"aad-{user}"}
    chat = {"conversationType": "personal", "tenantId": "tenant-0001", "id": f"a:bench-{user}"}
    return personal_message(
        service_url, question, id=f"bench-{i}", conversation=chat, **{"from": sender}
    )


async def measure(
    url: str, connector: FakeBotConnector, args: argparse.Namespace
) -> tuple[list[float], list[float]]:
    """Milliseconds to the HTTP answer and to the reply at the connector, after the warm-up.
    This process's own collector is paused meanwhile (as `timeit` does): it keeps every reply
    the connector received, and a full collection of those is not the server's latency. The
    client is aiohttp's, as the fake connector's server is: from `sent` to the server's first
    byte, httpx took 0.94 ms (median), aiohttp takes 0.42 ms."""
    answered: list[float] = []
    replied: list[float] = []
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(base_url=url, timeout=timeout) as client:
        with paused_collector():
            for i in range(args.warmup + args.requests):
                body = activity(connector.url, args.question, i, args.users)
                sent = time.perf_counter()
                async with client.post("/api/messages", json=body) as response:
                    text = await response.text()
                done = time.perf_counter()
                if response.status not in (200, 202):
                    sys.exit(f"/api/messages answered {response.status}: {text}")
                received = await connector.wait_for(i + 1, timeout=30)
                [reply] = [r for r in received if r.reply_to_id == body["id"]]
                if not (reply.cards or reply.activity.get("text")):
                    sys.exit(f"the reply is empty: {reply.activity}")
                if i >= args.warmup:
                    answered.append((done - sent) * 1000)
                    replied.append((reply.at - sent) * 1000)
    return answered, replied


async def serve_and_measure(
    env: dict[str, str], args: argparse.Namespace
) -> tuple[list[float], list[float], float]:
    """The latencies, and the server's mean CPU milliseconds per message (all of them)."""
    connector = FakeBotConnector()
    await connector.start()
    try:
        with secbot_serve(env) as served:
            before = served.cpu_seconds()
            answered, replied = await measure(served.url, connector, args)
            cpu_ms = (served.cpu_seconds() - before) * 1000 / (args.warmup + args.requests)
            return answered, replied, cpu_ms
    finally:
        await connector.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--meetings", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--question", default="what's coming up?")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        engine = build(Path(tmp) / "bench.db", max(0, args.meetings - 28))  # + 28 seed
        fill_s = time.perf_counter() - started
        env = {k: v for k, v in os.environ.items() if not k.startswith("CONNECTIONS__")}
        env |= {
            "SECBOT_DATABASE_URL": str(engine.url),
            "SECBOT_NOW": NOW.isoformat(),
            "SECBOT_SEED_ON_START": "false",
            # the SDK warns, every turn in local mode, that it has no app id
            "SECBOT_LOG_LEVEL": "error",
            "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__ANONYMOUS_ALLOWED": "true",
        }
        engine.dispose()
        answered, replied, cpu_ms = asyncio.run(serve_and_measure(env, args))
    p99 = round(percentile(replied, 0.99), 2)
    result = {
        "benchmark": "teams: message activity to /api/messages, reply at a fake Bot Connector",
        "meetings": args.meetings,
        "requests": args.requests,
        "users": args.users,
        "question": args.question,
        "fill_seconds": round(fill_s, 2),
        "http_answer_ms": summary(answered),
        "reply_ms": summary(replied),
        "server_cpu_mean_ms": round(cpu_ms, 1),
        **verdict({"reply_p99_ms": at_most(p99, FLOOR_REPLY_P99_MS)}),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
