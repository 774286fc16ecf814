"""Outgoing Teams messages within the platform's limits.

Teams allows about 7 messages per second per conversation and answers 429 (throttled),
412 (precondition failed), 502 and 504 when it wants a caller to back off. `ThrottledSender`
runs each send through a per-conversation limiter and retries those statuses with exponential
backoff and full jitter (bot.backoff), honouring `Retry-After`. Clock, sleep and randomness
are injectable so the behaviour is tested without waiting.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import aiohttp

from bot.backoff import full_jitter

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({412, 429, 502, 504})

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[Any]]


class ConversationLimiter:
    """At most `rate` sends per `per` seconds in any one conversation (a sliding window)."""

    def __init__(
        self,
        rate: int = 7,
        per: float = 1.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.rate = rate
        self.per = per
        self._clock = clock
        self._sleep = sleep
        self._sent: dict[str, deque[float]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def acquire(self, key: str) -> None:
        """Wait until one more message may go to conversation `key`, then count it."""
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            sent = self._sent.setdefault(key, deque())
            now = self._clock()
            while sent and now - sent[0] >= self.per:
                sent.popleft()
            if len(sent) >= self.rate:
                await self._sleep(self.per - (now - sent[0]))
                now = max(self._clock(), sent[0] + self.per)
                sent.popleft()
            sent.append(now)
        self._forget_idle(now)

    def _forget_idle(self, now: float) -> None:
        if len(self._sent) < 1000:
            return
        for key in [k for k, q in self._sent.items() if not q or now - q[-1] >= self.per]:
            lock = self._locks.get(key)
            if lock is None or not lock.locked():
                self._sent.pop(key, None)
                self._locks.pop(key, None)


@dataclass
class RetryPolicy:
    """Exponential backoff with full jitter: attempt n waits U(0, min(cap, base·2ⁿ))."""

    retries: int = 4
    base: float = 0.5
    cap: float = 20.0
    random: Callable[[], float] = field(default=random.random)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        backoff = full_jitter(attempt, base=self.base, cap=self.cap, random=self.random)
        return max(backoff, min(retry_after, self.cap)) if retry_after else backoff


def retry_after_seconds(headers: Mapping[str, str] | None) -> float | None:
    value = (headers or {}).get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff


class ThrottledSender:
    """Send through the limiter; retry throttling and gateway errors."""

    def __init__(
        self,
        *,
        limiter: ConversationLimiter | None = None,
        policy: RetryPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.limiter = limiter or ConversationLimiter(sleep=sleep)
        self.policy = policy or RetryPolicy()
        self._sleep = sleep

    async def send(self, conversation_id: str, attempt_send: Callable[[], Awaitable[T]]) -> T:
        attempt = 0
        while True:
            await self.limiter.acquire(conversation_id)
            try:
                return await attempt_send()
            except aiohttp.ClientResponseError as e:
                if e.status not in RETRY_STATUSES or attempt >= self.policy.retries:
                    raise
                wait = self.policy.delay(attempt, retry_after_seconds(e.headers))
                log.warning(
                    "Teams connector answered %s; retry %d/%d in %.2fs",
                    e.status, attempt + 1, self.policy.retries, wait,
                )  # fmt: skip
                await self._sleep(wait)
                attempt += 1
