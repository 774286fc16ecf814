"""Reminder delivery numbers, printed as JSON. Runs `secbot serve` as a subprocess on SQLite
(or SECBOT_BENCH_DATABASE_URL) against the fake Slack in tests/fakes/slack_api.py.

1. lateness: 1,000 reminders due in the same second; how late each was marked sent (p50/p99/max)
2. throughput: a 10,000-delivery fan-out with no rate limit, messages/s at the fake Slack
3. memory: RSS of `secbot serve` holding 100,000 pending deliveries

Floors (not written in an issue; set from what reminders are for): reminders due in the same
second go out within a second (p99), a fan-out sends at least 1,000 messages a second, and
100,000 pending deliveries keep the server under 256 MB.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

import httpx
from sqlalchemy import Engine, insert
from sqlmodel import Session, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.floors import at_least, at_most, verdict  # noqa: E402
from bot import reminders  # noqa: E402
from storage import db  # noqa: E402
from storage.models import Delivery, ReminderRule  # noqa: E402
from storage.seed import load_seed  # noqa: E402
from tests.fakes.slack_api import fake_slack  # noqa: E402

SECBOT = str(Path(sys.executable).parent / "secbot")
MEETING = "africa-regional-2016"
AT = datetime(2016, 1, 30, 9, 0, tzinfo=UTC)  # 3 days before the Lusaka meeting, 09:00 UTC
CONCURRENCY = int(os.environ.get("SECBOT_REMINDERS_CONCURRENCY", "50"))
FLOOR_LATENESS_P99_S = 1.0
FLOOR_MESSAGES_PER_S = 1000
FLOOR_RSS_MB = 256


def fresh_db(name: str) -> tuple[str, Engine]:
    url = os.environ.get("SECBOT_BENCH_DATABASE_URL") or (
        f"sqlite:///{tempfile.mkdtemp(prefix='secbot-bench-')}/{name}.db"
    )
    engine = db.make_engine(url)
    db.upgrade(engine)
    with db.session_scope(engine) as s:
        load_seed(s, now=AT - timedelta(days=30))
    return url, engine


def subscribe(engine: Engine, n: int) -> int:
    """n channels following the Lusaka meeting, 3 days before at 09:00 UTC; then plan."""
    now = AT - timedelta(days=10)
    rows = [
        {
            "subscriber": f"slack:C{i:08d}",
            "scope": "meeting",
            "scope_value": MEETING,
            "offsets": [3],
            "starts": True,
            "deadlines": False,
            "deadline_kinds": [],
            "time_of_day": dtime(9, 0),
            "timezone": "UTC",
            "active": True,
            "created_at": now,
            "updated_at": now,
        }
        for i in range(n)
    ]
    with db.session_scope(engine) as s:
        s.connection().execute(insert(ReminderRule), rows)
        return reminders.replan_meeting(s, meeting_id=MEETING, now=now).created


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(url: str, sink_url: str, now: datetime, port: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECBOT_", "SLACK_"))}
    env |= {
        "SECBOT_DATABASE_URL": url, "SECBOT_NOW": now.isoformat(), "SLACK_BOT_TOKEN": "xoxb-b",
        "SECBOT_SLACK_API_URL": sink_url, "SECBOT_SEED_ON_START": "false",
        "SECBOT_REMINDERS_CONCURRENCY": str(CONCURRENCY),
        "SECBOT_LOG_LEVEL": os.environ.get("SECBOT_LOG_LEVEL", "warning"),
    }  # fmt: skip
    return subprocess.Popen(
        [SECBOT, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL
    )


def ready(port: int, proc: subprocess.Popen[bytes], timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("secbot serve exited")
        try:
            return dict(httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).json())
        except httpx.HTTPError:
            time.sleep(0.05)
    raise SystemExit("secbot serve did not start")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()


def sent_count(engine: Engine) -> int:
    with Session(engine) as s:
        return len(list(s.exec(select(Delivery.id).where(Delivery.state == "sent"))))


def wait_sent(engine: Engine, n: int, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while sent_count(engine) < n:
        if time.monotonic() > deadline:
            raise SystemExit(f"only {sent_count(engine)} of {n} sent")
        time.sleep(0.2)


def lateness(n: int = 1000, lead: float = 30.0) -> dict:
    url, engine = fresh_db("lateness")
    assert subscribe(engine, n) == n
    with fake_slack() as sink:
        port = free_port()
        proc = serve(url, sink.api_url, AT - timedelta(seconds=lead), port)
        try:
            started = datetime.fromisoformat(ready(port, proc)["now"])
            wait_sent(engine, n)
        finally:
            stop(proc)
    with Session(engine) as s:
        late = sorted(
            (d.sent_at - d.due_at).total_seconds()
            for d in s.exec(select(Delivery))
            if d.sent_at is not None
        )
    return {
        "deliveries": n, "ready_before_due_s": round((AT - started).total_seconds(), 2),
        "p50_s": round(statistics.median(late), 3),
        "p99_s": round(late[int(0.99 * len(late)) - 1], 3), "max_s": round(late[-1], 3),
    }  # fmt: skip


def throughput(n: int = 10_000) -> dict:
    url, engine = fresh_db("throughput")
    assert subscribe(engine, n) == n
    with fake_slack() as sink:
        port = free_port()
        proc = serve(url, sink.api_url, AT, port)
        try:
            wait_sent(engine, n)
        finally:
            stop(proc)
        times = sorted(p.received for p in sink.posts)
        counts = sink.counts()
    span = times[-1] - times[0]
    return {
        "deliveries": n, "received": len(times), "distinct": len(counts),
        "seconds": round(span, 2), "messages_per_s": round((len(times) - 1) / span, 1),
        "concurrency": CONCURRENCY,
    }  # fmt: skip


def memory(n: int = 100_000) -> dict:
    url, engine = fresh_db("memory")
    now = AT - timedelta(days=10)
    rows = [
        {
            "kind": "reminder",
            "subject": f"meeting:{MEETING}",
            "meeting_id": MEETING,
            "recipient": f"slack:C{i:08d}",
            "channel": "slack",
            "offset_days": 3,
            "due_at": AT,
            "state": "pending",
            "attempts": 0,
            "created_at": now,
            "updated_at": now,
        }
        for i in range(n)
    ]
    with db.session_scope(engine) as s:
        for start in range(0, n, 5000):
            s.connection().execute(insert(Delivery), rows[start : start + 5000])
    with fake_slack() as sink:
        port = free_port()
        proc = serve(url, sink.api_url, now, port)  # ten days before any is due
        try:
            ready(port, proc)
            time.sleep(3)  # let the first scheduler tick run
            status = Path(f"/proc/{proc.pid}/status").read_text()
            rss_kb = int(next(line for line in status.splitlines() if line.startswith("VmRSS"))
                         .split()[1])  # fmt: skip
        finally:
            stop(proc)
    return {"pending_deliveries": n, "rss_mb": round(rss_kb / 1024, 1)}


def main() -> None:
    late, fan_out, rss = lateness(), throughput(), memory()
    floors = {
        "lateness_p99_s": at_most(late["p99_s"], FLOOR_LATENESS_P99_S),
        "fan_out_messages_per_s": at_least(fan_out["messages_per_s"], FLOOR_MESSAGES_PER_S),
        "serve_rss_mb_100000_pending": at_most(rss["rss_mb"], FLOOR_RSS_MB),
    }
    result = {
        "benchmark": "reminders: lateness, fan-out, memory",
        "cpus": os.cpu_count(),
        "load_avg": os.getloadavg()[0],
        "lateness_1000_same_second": late,
        "fan_out_10000": fan_out,
        "serve_memory_100000_pending": rss,
        **verdict(floors),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
