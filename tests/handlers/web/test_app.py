"""The ASGI app over real HTTP."""

from __future__ import annotations

import gc

import httpx
from sqlalchemy import Engine

from bot.clock import Clock
from bot.runtime import Runtime
from bot.settings import Settings
from handlers.web.app import create_app
from tests.servers import serve_app


def test_healthz_and_meetings_json_on_a_new_database(engine: Engine, clock: Clock) -> None:
    runtime = Runtime(settings=Settings(), clock=clock, engine=engine)
    with serve_app(create_app(runtime)) as base:
        health = httpx.get(f"{base}/healthz")
        assert health.status_code == 200
        assert health.json()["meetings"] > 25  # the seed was loaded on start
        assert health.json()["now"].startswith("2015-12-15")
        feb = httpx.get(f"{base}/meetings.json", params={"from": "2016-02-01", "to": "2016-02-29"})
        assert [m["city"] for m in feb.json()["meetings"]] == ["Lusaka", "Brno", "Montevideo"]
        cee = httpx.get(f"{base}/meetings.json", params=[("region", "CEE"), ("kind", "workshop")])
        assert {m["city"] for m in cee.json()["meetings"]} == {"Minsk", "Bratislava"}
        bad = httpx.get(f"{base}/meetings.json", params={"kind": "party"})
        assert bad.status_code == 400 and "unknown kind" in bad.json()["detail"]


def test_a_server_process_freezes_its_start_up_heap(engine: Engine, clock: Clock) -> None:
    """`secbot serve` builds the app with freeze_heap: after start-up the heap is out of the
    cycle collector's sight and young objects are collected less often; apps built for tests
    leave the collector alone."""
    runtime = Runtime(settings=Settings(seed_on_start=False), clock=clock, engine=engine)
    assert gc.get_freeze_count() == 0
    thresholds = gc.get_threshold()
    try:
        with serve_app(create_app(runtime, freeze_heap=True)) as base:
            assert httpx.get(f"{base}/healthz").status_code == 200
            assert gc.get_freeze_count() > 10_000
            assert gc.get_threshold()[0] > thresholds[0]
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
    with serve_app(create_app(runtime)) as base:
        assert httpx.get(f"{base}/healthz").status_code == 200
        assert gc.get_freeze_count() == 0
