"""The Slack time-zone cache stays bounded whatever user ids come in."""

from __future__ import annotations

from typing import Any

from bot.clock import fixed
from handlers.slack.deps import TimezoneCache
from tests.conftest import NOW


class Users:
    """users.info answering every user with the same zone, counting the calls."""

    def __init__(self) -> None:
        self.calls = 0

    async def users_info(self, *, user: str) -> dict[str, Any]:
        self.calls += 1
        return {"user": {"id": user, "tz": "Africa/Nairobi"}}


async def test_the_cache_keeps_at_most_max_users() -> None:
    cache = TimezoneCache(now=fixed(NOW).now, max_users=100)
    users = Users()
    for i in range(1_000):
        assert await cache.get(users, f"U{i}") == "Africa/Nairobi"
    assert len(cache.entries) == 100 and users.calls == 1_000
    assert await cache.get(users, "U999") == "Africa/Nairobi"  # still cached: no new call
    assert users.calls == 1_000 and cache.known("U0") is None  # the oldest went first
