"""Replicas starting together on an old PostgreSQL schema each upgrade it without tripping
over the other (an advisory lock around migrations); SQLite is left as it was."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from storage import db

OLD = "0004_teams"  # an older schema a deployment may still run


# A replica: import everything an upgrade needs, say so, wait for the word, then upgrade.
REPLICA = """
import sys
from storage import db
import alembic.command, storage.models  # noqa: E401,F401
engine = db.make_engine(sys.argv[1])
print("ready", flush=True)
sys.stdin.readline()
db.upgrade(engine)
print("upgraded", flush=True)
"""


@pytest.mark.postgres
@pytest.mark.parametrize("start", [None, OLD])
def test_replicas_upgrading_together_both_succeed(pg_url: str, start: str | None) -> None:
    if start:
        setup = db.make_engine(pg_url)
        db.upgrade(setup, start)
        setup.dispose()
    replicas = [
        subprocess.Popen(
            [sys.executable, "-c", REPLICA, pg_url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    try:
        for r in replicas:
            assert r.stdout is not None and r.stdout.readline().strip() == "ready"
        for r in replicas:  # all at once
            assert r.stdin is not None
            r.stdin.write("go\n")
            r.stdin.flush()
        results = [r.communicate(timeout=180) for r in replicas]
    finally:
        for r in replicas:
            r.kill()
    for r, (out, err) in zip(replicas, results, strict=True):
        assert r.returncode == 0, err
        assert out.strip() == "upgraded"
    engine = db.make_engine(pg_url)
    assert db.schema_is_current(engine)
    engine.dispose()


def test_sqlite_upgrades_as_before(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    db.upgrade(engine, OLD)
    assert db.current_revisions(engine) == {OLD}
    db.upgrade(engine)
    db.upgrade(engine)  # idempotent
    assert db.schema_is_current(engine)
    engine.dispose()
