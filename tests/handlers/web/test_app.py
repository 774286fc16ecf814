"""The ASGI app over real HTTP."""

from __future__ import annotations

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
