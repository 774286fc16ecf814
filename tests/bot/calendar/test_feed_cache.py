"""The feed build cache stays bounded whatever keys requests bring."""

from __future__ import annotations

import contextlib
import threading
import tracemalloc

from bot.calendar import feeds


def build() -> feeds.Feed:
    return feeds.Feed.of(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")


def test_ten_thousand_keys_leave_the_cache_at_its_bound() -> None:
    cache = feeds.FeedCache(max_feeds=64)

    def request(i: int) -> None:
        cache.get(feeds.Version(f"public:series={i}", "1", feeds.EPOCH), build)

    for i in range(1_000):  # warm up: the cache fills to its bound
        request(i)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(1_000, 10_000):
            request(i)
        growth = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert cache.builds == 10_000
    assert len(cache) == 64 and cache.building() == 0
    assert growth < 64 * 1024, growth  # flat: 9,000 more keys left (almost) nothing behind


def test_build_locks_are_shared_while_in_use_and_dropped_after() -> None:
    cache = feeds.FeedCache()
    version = feeds.Version("public:all", "1", feeds.EPOCH)
    started, release = threading.Event(), threading.Event()
    builds: list[int] = []

    def slow_build() -> feeds.Feed:
        builds.append(1)
        started.set()
        release.wait(30)
        return build()

    first = threading.Thread(target=cache.get, args=(version, slow_build))
    first.start()
    assert started.wait(30)
    waiting = threading.Thread(target=cache.get, args=(version, slow_build))
    waiting.start()
    assert cache.building() == 1  # one lock for the key, held by the first and awaited
    release.set()
    first.join(30)
    waiting.join(30)
    assert builds == [1] and cache.builds == 1
    assert cache.building() == 0


def test_a_failed_build_leaves_no_lock_behind() -> None:
    cache = feeds.FeedCache()

    def broken() -> feeds.Feed:
        raise RuntimeError("database gone")

    for i in range(3):
        with contextlib.suppress(RuntimeError):
            cache.get(feeds.Version(f"k{i}", "1", feeds.EPOCH), broken)
    assert cache.building() == 0 and len(cache) == 0
