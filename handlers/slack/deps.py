"""What every Slack listener needs, handed to it through Bolt's `context["secbot"]`.

Listeners are plain functions that never import the app; they read `SlackDeps` from the
context, call the core (`answer`) in a worker thread, and render with `bot.render_slack`.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session

from bot.assistant import AnswerFn
from bot.conversation import Answer, Asker
from bot.runtime import Runtime
from handlers.slack.blocks import Viewer
from handlers.slack.users import manages_from_thread
from storage import places, repo, slack_events

log = logging.getLogger("secbot.slack")

MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")
TZ_CACHE_FOR = timedelta(hours=12)
SORRY = (
    "Sorry, I could not answer that just now. Please try again in a moment, "
    "or ask “help” to see what I can answer."
)


@dataclass
class TimezoneCache:
    """Users' Slack time zones (users.info), kept for a while so a chat costs one lookup;
    at most `max_users`, the one fetched longest ago dropped first."""

    now: Callable[[], datetime]
    entries: dict[str, tuple[str | None, datetime]] = field(default_factory=dict)
    max_users: int = 10_000

    async def get(self, client: Any, user_id: str) -> str | None:
        cached = self.entries.get(user_id)
        if cached and self.now() - cached[1] < TZ_CACHE_FOR:
            return cached[0]
        tz: str | None = None
        try:
            response = await client.users_info(user=user_id)
            tz = (response.get("user") or {}).get("tz")
            tz = tz if places.zone(tz) else None
        except Exception as e:  # the answer goes out in the default zone rather than not at all
            log.warning("users.info for %s failed: %s", user_id, e)
            return cached[0] if cached else None
        self.entries.pop(user_id, None)  # re-inserted last: dicts keep insertion order
        self.entries[user_id] = (tz, self.now())
        while len(self.entries) > self.max_users:
            del self.entries[next(iter(self.entries))]
        return tz

    def known(self, user_id: str) -> str | None:
        """The zone the user's profile last gave (None when it gave none or was not read)."""
        cached = self.entries.get(user_id)
        return cached[0] if cached else None


@dataclass
class SlackDeps:
    runtime: Runtime
    answer: AnswerFn
    admins: frozenset[str]
    timezones: TimezoneCache

    @property
    def engine(self) -> Engine:
        return self.runtime.engine

    def now(self) -> datetime:
        return self.runtime.clock.now()

    def is_admin(self, user_id: str | None) -> bool:
        return bool(user_id) and user_id in self.admins

    async def viewer(self, client: Any, user_id: str, *, admin_controls: bool) -> Viewer:
        """Who sees the blocks; `admin_controls` only where nobody else can see them."""
        tz = await self.timezones.get(client, user_id)
        zone = tz or self.runtime.settings.default_tz
        return Viewer(
            public_url=self.runtime.settings.public_url,
            timezone=zone,
            is_admin=admin_controls and self.is_admin(user_id),
            today=self.now().astimezone(ZoneInfo(zone)).date(),
        )

    async def ask(
        self,
        question: str,
        *,
        user_id: str,
        channel_id: str | None,
        conversation: str | None = None,
        client: Any = None,
    ) -> Answer:
        """The core's answer, computed off the event loop; a polite reply if the core fails.
        The asker's zone is their profile's as last read (`timezones.get`, which every caller
        has just done), never SECBOT_DEFAULT_TZ: the core stores it as their profile zone.
        With the Web API `client`, the core can ask who manages a channel (bot.rights)."""
        manages = (
            manages_from_thread(client, user_id, asyncio.get_running_loop()) if client else None
        )
        asker = Asker(
            user_id=user_id,
            platform="slack",
            timezone=self.timezones.known(user_id),
            is_admin=self.is_admin(user_id),
            channel_id=channel_id,
            conversation=conversation,
            manages=manages,
        )
        now = self.now()
        try:
            return await asyncio.to_thread(
                self.answer, question, runtime=self.runtime, asker=asker, now=now
            )
        except Exception:
            log.exception("answer failed for %r", question[:200])
            return Answer(question=question, now=now, intent="error", text=SORRY)

    async def upcoming(self, *, tz: str | None, limit: int) -> Answer:
        """The next meetings from today (in the asker's zone): `/meetings` without a question."""
        now = self.now()
        zone = ZoneInfo(tz or self.runtime.settings.default_tz)
        today = now.astimezone(zone).date()

        def query() -> Answer:
            with Session(self.engine) as session:
                rows = repo.list_meetings(session, start=today, dated_only=True, limit=limit)
                session.expunge_all()
            text = "The next meetings:" if rows else "No meetings are scheduled from today on."
            return Answer(question="", now=now, intent="upcoming", text=text, meetings=rows)

        return await asyncio.to_thread(query)

    async def first_delivery(self, event_id: str) -> bool:
        """True the first time Slack delivers `event_id`; False for its retries (any process)."""

        def remember() -> bool:
            with Session(self.engine) as session:
                fresh = slack_events.remember(session, event_id=event_id, now=self.now())
                session.commit()
                return fresh

        return await asyncio.to_thread(remember)


def conversation_key(channel: str, thread_ts: str | None) -> str:
    """Where a Slack conversation's memory lives: a direct message channel is one conversation
    (top-level or in threads); elsewhere each thread is."""
    if channel.startswith("D") or not thread_ts:
        return f"slack:{channel}"
    return f"slack:{channel}:{thread_ts}"


def deps_of(context: Any) -> SlackDeps:
    deps = context["secbot"]
    assert isinstance(deps, SlackDeps)
    return deps


def question_text(text: str | None) -> str:
    """The message without @mentions of the bot (or anyone)."""
    return " ".join(MENTION.sub(" ", text or "").split())


def from_a_bot(event: dict[str, Any]) -> bool:
    """Messages written by bots (ours or others), and edits/joins/other subtypes."""
    return bool(event.get("bot_id") or event.get("bot_profile") or event.get("subtype"))
