"""How long a killed worker's claims wait: kill -9 `secbot serve` in the middle of a fan-out,
start another right away on the same database, and time (wall clock) until every delivery is
sent; prints JSON. The second process's clock (SECBOT_NOW) carries on from the first's, so the
wait is the lease (SECBOT_REMINDERS_LEASE) as a real restart would see it.

    .venv/bin/python benchmarks/probe_takeover.py [N]     # N deliveries, default 10000
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storage import db  # noqa: E402
from storage.models import Delivery  # noqa: E402
from storage.seed import load_seed  # noqa: E402
from tests.fakes.slack_api import FakeSlack, fake_slack  # noqa: E402
from tests.reminder_helpers import due_instant, fan_out, states  # noqa: E402

SECBOT = str(Path(sys.executable).parent / "secbot")
AT = due_instant(3)


def env(url: str, sink: FakeSlack, now: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SECBOT_", "SLACK_"))}
    return base | {
        "SECBOT_DATABASE_URL": url, "SECBOT_NOW": now, "SLACK_BOT_TOKEN": "xoxb-test",
        "SECBOT_SLACK_API_URL": sink.api_url, "SECBOT_SEED_ON_START": "false",
        "SECBOT_LOG_LEVEL": "warning",
    }  # fmt: skip


def serve(environment: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [SECBOT, "serve", "--port", "0"], env=environment, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip


def wait(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        time.sleep(0.01)


def dead_claims(engine: Engine, worker: str) -> int:
    """Rows still held by the killed worker's claims."""
    with Session(engine) as s:
        held = select(func.count()).where(
            Delivery.state == "sending", col(Delivery.claimed_by).startswith(f"{worker}:")
        )
        return int(s.exec(held).one())


def main(n: int) -> dict[str, object]:
    url = f"sqlite:///{tempfile.mkdtemp(prefix='secbot-takeover-')}/secbot.db"
    engine = db.make_engine(url)
    db.upgrade(engine)
    with db.session_scope(engine) as s:
        load_seed(s, now=AT - timedelta(days=30))
    assert fan_out(engine, n, now=AT - timedelta(days=10)) == n
    with fake_slack() as sink:
        first = serve(env(url, sink, AT.isoformat()))
        wait(lambda: len(sink) >= n // 3, timeout=300)
        first.send_signal(signal.SIGKILL)
        first.wait()
        killed_at = time.monotonic()
        with Session(engine) as s:
            left_claimed = s.exec(select(func.count()).where(Delivery.state == "sending")).one()
            clock_at_kill = s.exec(select(func.max(Delivery.claimed_at))).one()
            dead = s.exec(select(Delivery.claimed_by).where(Delivery.state == "sending")).first()
        dead = (dead or "").rsplit(":", 1)[0]  # the worker: its claims are "<worker>:<claim id>"
        sent_at_kill = len(sink)
        assert clock_at_kill is not None
        second = serve(env(url, sink, clock_at_kill.isoformat()))
        try:
            wait(lambda: len(sink) > sent_at_kill, timeout=300)
            second_sending = time.monotonic() - killed_at
            wait(lambda: dead_claims(engine, dead) == 0, timeout=1200)
            taken_over = time.monotonic() - killed_at
            wait(lambda: states(engine).get("sent", 0) == n, timeout=1200)
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(30)
        all_sent_after = time.monotonic() - killed_at
        counts = sink.counts()
    duplicates = sum(c - 1 for c in counts.values())
    return {
        "deliveries": n, "lease_s": float(os.environ.get("SECBOT_REMINDERS_LEASE", "30")),
        "sent_before_kill": sent_at_kill, "claimed_by_the_dead_worker": left_claimed,
        "second_process_sending_s_after_kill": round(second_sending, 1),
        "dead_claims_taken_over_s_after_kill": round(taken_over, 1),
        "all_sent_s_after_kill": round(all_sent_after, 1),
        "lost": n - len(counts), "sent_twice": duplicates,
    }  # fmt: skip


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000), indent=2))
