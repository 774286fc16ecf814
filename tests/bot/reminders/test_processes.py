"""Reliability with real processes: `secbot serve` killed mid fan-out, and two replicas."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from storage import db
from storage.models import Delivery
from storage.seed import load_seed
from tests.fakes.slack_api import FakeSlack, fake_slack
from tests.reminder_helpers import due_instant, fan_out, states

SECBOT = str(Path(sys.executable).parent / "secbot")
AT = due_instant(3)
CONCURRENCY = 20


def _engine(url: str) -> Engine:
    engine = db.make_engine(url)
    db.upgrade(engine)
    with db.session_scope(engine) as s:
        load_seed(s, now=AT - timedelta(days=30))
    return engine


def _env(url: str, sink: FakeSlack, now: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECBOT_", "SLACK_"))}
    return env | {
        "SECBOT_DATABASE_URL": url, "SECBOT_NOW": now, "SLACK_BOT_TOKEN": "xoxb-test",
        "SECBOT_SLACK_API_URL": sink.api_url, "SECBOT_REMINDERS_CONCURRENCY": str(CONCURRENCY),
        "SECBOT_REMINDERS_LEASE": "60", "SECBOT_SEED_ON_START": "false",
        "SECBOT_LOG_LEVEL": "warning",
    }  # fmt: skip


@contextmanager
def serving(env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(
        [SECBOT, "serve", "--port", "0"], env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def wait_for(
    condition: Callable[[], bool], *, procs: list[subprocess.Popen[bytes]], timeout: float = 120
) -> None:
    """Poll a condition (not the clock): fail early if a server died, or after `timeout`."""
    deadline = time.monotonic() + timeout
    while not condition():
        for p in procs:
            if p.poll() is not None:
                stderr = p.stderr.read().decode() if p.stderr else ""
                raise AssertionError(f"secbot serve exited: {stderr[-2000:]}")
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.01)


def all_sent(engine: Engine, n: int) -> Callable[[], bool]:
    return lambda: states(engine).get("sent", 0) == n


@pytest.mark.parametrize("n", [10_000])
def test_kill_9_mid_fan_out_then_restart_sends_everything_once(tmp_path: Path, n: int) -> None:
    url = f"sqlite:///{tmp_path / 'secbot.db'}"
    engine = _engine(url)
    assert fan_out(engine, n, now=AT - timedelta(days=10)) == n
    with fake_slack() as sink:
        with serving(_env(url, sink, AT.isoformat())) as first:
            wait_for(lambda: len(sink) >= n // 3, procs=[first])
            first.send_signal(signal.SIGKILL)
            first.wait()
        at_kill = len(sink)
        assert at_kill < n, "the fan-out finished before the kill; raise n"
        restarted_at = (AT + timedelta(minutes=10)).isoformat()  # back ten minutes later
        with serving(_env(url, sink, restarted_at)) as second:
            wait_for(all_sent(engine, n), procs=[second])
        counts = sink.counts()
    with Session(engine) as s:
        ids = set(s.exec(select(Delivery.id)))
    assert set(counts) == ids  # none lost
    duplicates = sum(c - 1 for c in counts.values())
    assert duplicates <= CONCURRENCY  # only those in flight at the kill
    assert states(engine) == {"sent": n}
    print(f"sent before the kill: {at_kill}; sent twice: {duplicates}")
    engine.dispose()


@pytest.mark.postgres
def test_two_replicas_on_one_postgres_send_each_delivery_once(pg_url: str) -> None:
    n = 2000
    engine = _engine(pg_url)
    assert fan_out(engine, n, now=AT - timedelta(days=10)) == n
    with fake_slack() as sink:
        env = _env(pg_url, sink, AT.isoformat())
        with serving(env) as a, serving(env) as b:
            wait_for(all_sent(engine, n), procs=[a, b])
        counts = sink.counts()
    assert len(counts) == n and set(counts.values()) == {1}
    with Session(engine) as s:
        workers = Counter(w.rsplit(":", 1)[0] for w in s.exec(select(Delivery.claimed_by)) if w)
    assert sum(workers.values()) == n
    print(f"deliveries per replica: {dict(workers)}")
    engine.dispose()
