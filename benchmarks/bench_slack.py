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
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import httpx
from sqlalchemy import Engine
from sqlmodel import Session

from benchmarks.floors import at_most, verdict
from benchmarks.serving import percentile, secbot_serve, summary
from benchmarks.slack_data import fill
from bot.conversation import Answer
from handlers.slack.blocks import Viewer, answer_message
from storage import db, repo
from tests.fakes import slack_payloads as p
from tests.fakes.slack_api import fake_slack

NOW = datetime(2015, 12, 15, 9, 0, tzinfo=UTC)


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
        with secbot_serve(env) as served, httpx.Client() as client:
            url = served.url
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
            **verdict(
                {
                    "ack_p99_ms": at_most(round(percentile(acks, 0.99), 2), 30),
                    "post_message_p99_ms": at_most(round(percentile(posts, 0.99), 2), 30),
                }
            ),
        }
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
