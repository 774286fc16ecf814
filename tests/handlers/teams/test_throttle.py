"""Per-conversation rate limit and retries, with an injected clock and sleep (no waiting)."""

from __future__ import annotations

import aiohttp
import pytest
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from handlers.teams.throttle import (
    ConversationLimiter,
    RetryPolicy,
    ThrottledSender,
    retry_after_seconds,
)


class FakeTime:
    """A monotonic clock that only moves when someone sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def http_error(status: int, retry_after: str | None = None) -> aiohttp.ClientResponseError:
    headers = CIMultiDictProxy(CIMultiDict({"Retry-After": retry_after} if retry_after else {}))
    info = aiohttp.RequestInfo(URL("http://connector/v3"), "POST", headers, URL("http://c/v3"))
    return aiohttp.ClientResponseError(info, (), status=status, headers=headers)


async def test_an_eighth_message_within_a_second_waits_for_the_window() -> None:
    t = FakeTime()
    limiter = ConversationLimiter(rate=7, per=1.0, clock=t.clock, sleep=t.sleep)
    for _ in range(7):  # at 100.0, 100.1, … 100.6
        await limiter.acquire("a")
        t.now += 0.1
    assert t.sleeps == []
    t.now = 100.65
    await limiter.acquire("a")  # waits until the first send is a second old
    assert t.sleeps == [pytest.approx(0.35)]
    await limiter.acquire("a")  # at 101.0: the one sent at 100.1 sets the pace
    assert t.sleeps == [pytest.approx(0.35), pytest.approx(0.1)]


async def test_conversations_are_limited_separately() -> None:
    t = FakeTime()
    limiter = ConversationLimiter(rate=7, per=1.0, clock=t.clock, sleep=t.sleep)
    for key in ["a"] * 7 + ["b"] * 7:
        await limiter.acquire(key)
    assert t.sleeps == []


async def test_a_steady_seven_per_second_never_waits() -> None:
    t = FakeTime()
    limiter = ConversationLimiter(rate=7, per=1.0, clock=t.clock, sleep=t.sleep)
    for _ in range(70):
        await limiter.acquire("a")
        t.now += 1 / 7 + 1e-9
    assert t.sleeps == []


async def test_throttling_is_retried_with_growing_jittered_waits() -> None:
    t = FakeTime()
    failures = [http_error(429), http_error(502), http_error(412), http_error(504)]

    async def send() -> str:
        if failures:
            raise failures.pop(0)
        return "sent"

    delivery = ThrottledSender(
        limiter=ConversationLimiter(clock=t.clock, sleep=t.sleep),
        policy=RetryPolicy(retries=4, base=0.5, random=lambda: 1.0),
        sleep=t.sleep,
    )
    assert await delivery.send("a", send) == "sent"
    assert t.sleeps == [0.5, 1.0, 2.0, 4.0]


async def test_retry_after_is_honoured() -> None:
    t = FakeTime()
    failures = [http_error(429, retry_after="3")]

    async def send() -> str:
        if failures:
            raise failures.pop(0)
        return "sent"

    delivery = ThrottledSender(policy=RetryPolicy(random=lambda: 0.0), sleep=t.sleep)
    assert await delivery.send("a", send) == "sent"
    assert t.sleeps == [3.0]


async def test_other_errors_and_exhausted_retries_propagate() -> None:
    t = FakeTime()
    calls = 0

    async def forbidden() -> str:
        nonlocal calls
        calls += 1
        raise http_error(403)

    delivery = ThrottledSender(policy=RetryPolicy(retries=2, random=lambda: 0.0), sleep=t.sleep)
    with pytest.raises(aiohttp.ClientResponseError):
        await delivery.send("a", forbidden)
    assert calls == 1

    async def throttled() -> str:
        nonlocal calls
        calls += 1
        raise http_error(429)

    calls = 0
    with pytest.raises(aiohttp.ClientResponseError):
        await delivery.send("a", throttled)
    assert calls == 3  # the first try and two retries


def test_backoff_is_capped_and_jittered() -> None:
    policy = RetryPolicy(base=0.5, cap=8.0, random=lambda: 1.0)
    assert [policy.delay(n) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert RetryPolicy(random=lambda: 0.25).delay(2) == 0.5
    assert policy.delay(0, retry_after=30) == 8.0  # Retry-After beyond the cap is capped


def test_retry_after_parsing() -> None:
    assert retry_after_seconds({"Retry-After": "2"}) == 2.0
    assert retry_after_seconds({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}) is None
    assert retry_after_seconds({}) is None
