"""Slack latency with 100,000 meetings: signed app_mention → HTTP ack, and → chat.postMessage
arriving at a fake Slack Web API. Prints JSON.

    .venv/bin/python benchmarks/bench_slack.py [--meetings 100000] [--requests 1000]

The server is a real `secbot serve` process (uvicorn, SQLite holding the synthetic rows) on
127.0.0.1; the fake Slack and the signing client run in this process. Latencies are measured
from just before the request is sent. The mention is answered through the real
`bot.answer.answer`, whose speed changes as the core grows.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import httpx
from sqlalchemy import Engine
from sqlmodel import Session

from benchmarks.slack_data import fill
from bot.conversation import Answer
from handlers.slack.blocks import Viewer, answer_message
from storage import db, repo
from tests.fakes import slack_payloads as p
from tests.fakes.slack_api import fake_slack

NOW = datetime(2015, 12, 15, 9, 0, tzinfo=UTC)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(values_ms: list[float]) -> dict[str, float]:
    return {
        "p50": round(percentile(values_ms, 0.50), 2),
        "p99": round(percentile(values_ms, 0.99), 2),
        "max": round(max(values_ms), 2),
        "mean": round(statistics.fmean(values_ms), 2),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def secbot_serve(env: dict[str, str]) -> Iterator[str]:
    """`secbot serve` in its own process; yields its base URL once /healthz answers."""
    port = free_port()
    secbot = Path(sys.executable).parent / "secbot"
    command = [str(secbot), "serve", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:  # waiting for the server to come up, not for the clock
            try:
                if httpx.get(f"{url}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                sys.exit("secbot serve did not start")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(30)


def meeting_blocks(blocks: list[dict[str, object]]) -> list[object]:
    return [b for b in blocks if str(b.get("block_id", "")).startswith("meeting:")]


def render_cost(engine: Engine, runs: int = 300) -> dict[str, float]:
    """In-process cost of what a list answer adds: the next 10 meetings queried and rendered."""
    viewer = Viewer(public_url="https://secbot.example.org", timezone="Asia/Tokyo")
    timings: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        with Session(engine) as session:
            rows = repo.list_meetings(session, start=NOW.date(), dated_only=True, limit=10)
            answer = Answer(question="q", now=NOW, intent="list", text="Next:", meetings=rows)
            message = answer_message(answer, viewer)
        json.dumps(message)
        timings.append((time.perf_counter() - started) * 1000)
    return summary(timings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--meetings", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--question", default="what's coming up?")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, fake_slack() as fake:
        engine = db.make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        db.upgrade(engine)
        started = time.perf_counter()
        fill(engine, args.meetings)
        fill_s = time.perf_counter() - started
        env = {
            **os.environ,
            "SECBOT_DATABASE_URL": str(engine.url),
            "SECBOT_NOW": NOW.isoformat(),
            "SECBOT_SEED_ON_START": "false",
            "SECBOT_LOG_LEVEL": "warning",
            "SECBOT_SLACK_API_URL": fake.api_url,
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_SIGNING_SECRET": p.SECRET,
        }
        env.pop("SLACK_APP_TOKEN", None)
        acks: list[float] = []
        posts: list[float] = []
        command_acks: list[float] = []
        command_replies: list[float] = []
        with secbot_serve(env) as url, httpx.Client() as client:
            for i in range(args.warmup + args.requests):
                event = p.app_mention(args.question, user="U0BENCH", channel="C0BENCH")
                body = json.dumps(p.event_callback(event))
                headers = {"Content-Type": "application/json", **p.signed_headers(body)}
                sent = time.perf_counter()
                response = client.post(f"{url}/slack/events", content=body, headers=headers)
                acked = time.perf_counter()
                if response.status_code != 200:
                    sys.exit(f"ack failed: {response.status_code} {response.text}")
                [call] = fake.wait_for(
                    "chat.postMessage", where=lambda c, ts=event["ts"]: c.params["thread_ts"] == ts
                )
                if i >= args.warmup:
                    acks.append((acked - sent) * 1000)
                    posts.append((call.at - sent) * 1000)
            # `/meetings` alone: the next five meetings from the 100k, ephemeral by response_url
            for i in range(args.warmup + args.requests):
                name = f"cmd{i}"
                form = p.slash_command("", user="U0BENCH", response_url=fake.response_url(name))
                body = urlencode(form)
                headers = {
                    "Content-Type": "application/x-www-form-urlencoded",
                    **p.signed_headers(body),
                }
                sent = time.perf_counter()
                response = client.post(f"{url}/slack/events", content=body, headers=headers)
                acked = time.perf_counter()
                if response.status_code != 200:
                    sys.exit(f"ack failed: {response.status_code} {response.text}")
                [call] = fake.wait_for(
                    "response_url", where=lambda c, n=name: c.params["path"] == n
                )
                if len(meeting_blocks(call.params["blocks"])) != 5:
                    sys.exit("/meetings did not list five meetings")
                if i >= args.warmup:
                    command_acks.append((acked - sent) * 1000)
                    command_replies.append((call.at - sent) * 1000)
        render = render_cost(engine)
        result = {
            "benchmark": "slack: signed app_mention and /meetings against secbot serve",
            "meetings": args.meetings,
            "requests": args.requests,
            "question": args.question,
            "fill_seconds": round(fill_s, 2),
            "ack_ms": summary(acks),
            "post_message_ms": summary(posts),
            "slash_meetings_ack_ms": summary(command_acks),
            "slash_meetings_reply_ms": summary(command_replies),
            "query_and_render_10_meetings_ms": render,
            "targets_ms": {"ack_p99": 30, "post_message_p99": 30},
            "ok": percentile(acks, 0.99) <= 30 and percentile(posts, 0.99) <= 30,
        }
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
