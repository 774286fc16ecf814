"""/calendar.ics over real HTTP: unknown series are a 400, and 10,000 distinct series values
leave the feed cache and its build locks at their bounds, and memory flat."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from bot.calendar import feeds
from bot.clock import Clock
from bot.runtime import Runtime
from bot.settings import Settings
from handlers.web.app import create_app
from storage import places
from storage.models import Kind
from tests import calendar_data
from tests.servers import serve_app


@pytest.fixture
def app(engine: Engine, clock: Clock) -> FastAPI:
    calendar_data.load(engine, clock.now())
    settings = Settings(_env_file=None, seed_on_start=False)  # type: ignore[call-arg]
    return create_app(Runtime(settings=settings, clock=clock, engine=engine))


@pytest.fixture
def http(app: FastAPI) -> Iterator[httpx.Client]:
    with serve_app(app) as base, httpx.Client(base_url=base) as client:
        yield client


def test_series_are_checked_against_the_store(http: httpx.Client) -> None:
    assert http.get("/calendar.ics", params={"series": "ASGM Workshops"}).status_code == 200
    r = http.get("/calendar.ics", params=[("series", "asgm workshops"), ("series", "nope")])
    assert r.status_code == 400 and "unknown series 'nope'" in r.text
    too_many = [("kind", "workshop")] * (feeds.MAX_VALUES + 1)
    r = http.get("/calendar.ics", params=too_many)
    assert r.status_code == 400 and f"at most {feeds.MAX_VALUES} values of kind" in r.text


def test_ten_thousand_series_values_leave_memory_flat(app: FastAPI, http: httpx.Client) -> None:
    cache: feeds.FeedCache = app.state.feed_cache
    per = feeds.MAX_VALUES

    def ask(start: int, stop: int) -> None:
        for i in range(start, stop, per):
            series = [("series", f"s{n}") for n in range(i, i + per)]
            assert http.get("/calendar.ics", params=series).status_code == 400

    ask(0, 1_000)  # warm up
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        ask(1_000, 11_000)  # 10,000 distinct values in 200 requests
        growth = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert cache.building() == 0 and len(cache) <= cache.max_feeds
    assert growth < 1_000_000, growth  # flat (before: a lock per value, ~10 KB each)
    for i in range(500):  # one value a request, as an attacker would
        assert http.get("/calendar.ics", params={"series": f"x{i}"}).status_code == 400
    assert cache.building() == 0 and len(cache) == 0
    # valid filters, each a feed of its own, stay within the cache's bound too
    for kind in Kind.__members__:
        for region in places.REGIONS:
            r = http.get("/calendar.ics", params={"kind": kind, "region": region})
            assert r.status_code == 200
    assert cache.building() == 0
    assert min(len(Kind.__members__) * len(places.REGIONS), cache.max_feeds) == len(cache)
