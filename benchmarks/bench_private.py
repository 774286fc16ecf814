"""Probe: private calendar links asked for in channels, and channel-wide reminders asked for by
people who do not manage the channel, against a real `secbot serve` (seed meetings, SQLite)
with a fake Slack Web API and a fake Bot Connector (Teams local mode). Prints JSON.

    .venv/bin/python benchmarks/bench_private.py [--requests 100]

Slack: `--requests` @mentions in channels, each from another person, asking for their link
("give me the calendar link", "reset my calendar link", "subscribe me to workshops"), plus as
many in direct messages; then `--requests` non-creators asking for channel-wide reminders,
and the channel's creator once. Teams: the same in team channels and group chats (1:1 chats
for the direct ones), the roster saying `userRole: user`, then a team owner once.
Leaked = a private link (`/calendar/u/….ics`) in anything posted to a channel, thread or
group chat. Floors: nothing leaked, every link delivered privately, every non-manager
refused with nothing stored.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlmodel import Session

from benchmarks.floors import at_least, at_most, verdict
from benchmarks.serving import secbot_serve
from bot import reminders
from storage import db
from tests.fakes import slack_payloads as p
from tests.fakes.bot_connector import FakeBotConnector
from tests.fakes.slack_api import Call, FakeSlack, fake_slack
from tests.handlers.teams.conftest import channel_mention, personal_message

NOW = datetime(2015, 12, 15, 9, 0, tzinfo=UTC)
PRIVATE = re.compile(r"/calendar/u/[A-Za-z0-9_-]+\.ics")
ASKS = ("give me the calendar link", "reset my calendar link", "subscribe me to workshops")
CHANNEL_WIDE = "post reminders for African meetings in this channel"
TEAM = "19:team@thread.tacv2"


def shows_link(value: Any) -> bool:
    return bool(PRIVATE.search(json.dumps(value)))


def channel_rules(url: str) -> list[str]:
    engine = db.make_engine(url)
    try:
        with Session(engine) as session:
            return [r.subscriber for r in reminders.list_rules(session)]
    finally:
        engine.dispose()


def in_thread(ts: str) -> Callable[[Call], bool]:
    return lambda call: call.params.get("thread_ts") == ts


def posted_to(channel: str) -> Callable[[Call], bool]:
    return lambda call: call.params.get("channel") == channel


def probe_slack(url: str, fake: FakeSlack, n: int) -> dict[str, int]:
    fake.channels["C0LOG"] = {"name": "logistics", "creator": "U0CREATOR"}
    counts = {"asked_in_channels": 0, "sent_privately": 0, "leaked": 0, "asked_in_dms": 0}
    for i in range(n):
        user = f"U0P{i:05d}"
        event = p.app_mention(ASKS[i % len(ASKS)], user=user, channel=f"C0CH{i % 7}")
        assert p.post_json(url, p.event_callback(event)).status_code == 200
        fake.wait_for("chat.postMessage", where=in_thread(event["ts"]))
        counts["asked_in_channels"] += 1
        direct = fake.wait_for("chat.postMessage", where=posted_to(f"D{user}"))
        counts["sent_privately"] += sum(shows_link(c.params) for c in direct[:1])
    for i in range(n):
        user = f"U0Q{i:05d}"
        dm = p.im_message(ASKS[i % len(ASKS)], user=user, channel=f"D0Q{i:05d}")
        assert p.post_json(url, p.event_callback(dm)).status_code == 200
        [reply] = fake.wait_for("chat.postMessage", where=posted_to(dm["channel"]))
        counts["asked_in_dms"] += 1
        counts["sent_privately"] += shows_link(reply.params)
    counts["leaked"] = sum(
        shows_link(c.params)
        for c in fake.of("chat.postMessage")
        if not str(c.params["channel"]).startswith("D")
    ) + sum(shows_link(c.params) for c in fake.of("response_url"))
    refused = 0
    for i in range(n + 1):
        user = f"U0R{i:05d}" if i < n else "U0CREATOR"
        event = p.app_mention(CHANNEL_WIDE, user=user, channel="C0LOG")
        assert p.post_json(url, p.event_callback(event)).status_code == 200
        [reply] = fake.wait_for("chat.postMessage", where=in_thread(event["ts"]))
        refused += reply.params["text"].startswith("Only the channel's managers")
    counts["channel_wide_refused"] = refused
    return counts


def group_chat(service_url: str, text: str, user: str, i: int) -> dict[str, Any]:
    chat = {"isGroup": True, "conversationType": "groupChat", "tenantId": "tenant-0001",
            "id": f"19:group-{i % 7}@thread.v2"}  # fmt: skip
    mention = "<at>secbot</at>"
    return personal_message(
        service_url, f"{mention} {text}", id=f"g-{i}", conversation=chat,
        entities=[{"type": "mention", "text": mention,
                   "mentioned": {"id": "28:11111111-2222-3333-4444-555555555555"}}],
        **{"from": {"id": user, "name": user}},
    )  # fmt: skip


def in_channel(service_url: str, text: str, user: str, i: int) -> dict[str, Any]:
    activity = channel_mention(service_url, text)
    activity["id"] = f"c-{i}"
    activity["from"] = {"id": user, "name": user}
    return activity


async def probe_teams(url: str, n: int) -> dict[str, int]:
    connector = FakeBotConnector()
    await connector.start()
    counts = {"asked_in_groups": 0, "sent_privately": 0, "leaked": 0, "asked_in_1_1": 0}
    try:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:

            async def send(activity: dict[str, Any], replies: int) -> None:
                before = len(connector.delivered)
                response = await client.post("/api/messages", json=activity)
                assert response.status_code == 202, response.text
                await connector.wait_for(before + replies, timeout=30)

            for i in range(n):
                user = f"29:probe-{i}"
                make = group_chat if i % 2 else in_channel
                await send(make(connector.url, ASKS[i % len(ASKS)], user, i), 2)
                counts["asked_in_groups"] += 1
            for i in range(n):
                user = f"29:direct-{i}"
                chat = {"conversationType": "personal", "tenantId": "tenant-0001",
                        "id": f"a:direct-{i}"}  # fmt: skip
                activity = personal_message(
                    connector.url, ASKS[i % len(ASKS)], id=f"d-{i}", conversation=chat,
                    **{"from": {"id": user, "name": user}},
                )  # fmt: skip
                await send(activity, 1)
                counts["asked_in_1_1"] += 1
            for r in connector.delivered:
                personal = r.conversation_id.startswith("a:")
                if shows_link(r.activity):
                    counts["sent_privately" if personal else "leaked"] += 1
            refused = 0
            for i in range(n + 1):
                user = f"29:member-{i}" if i < n else "29:owner"
                connector.members[(TEAM, user)] = {"userRole": "owner" if i == n else "user"}
                await send(in_channel(connector.url, CHANNEL_WIDE, user, 10_000 + i), 1)
                card = connector.delivered[-1].cards[0]
                refused += card["body"][0]["text"].startswith("Only the channel's managers")
            counts["channel_wide_refused"] = refused
    finally:
        await connector.stop()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=100)
    n = parser.parse_args().requests
    with tempfile.TemporaryDirectory() as tmp, fake_slack() as fake:
        database = f"sqlite:///{Path(tmp) / 'probe.db'}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("CONNECTIONS__")}
        env.pop("SLACK_APP_TOKEN", None)
        env |= {
            "SECBOT_DATABASE_URL": database,
            "SECBOT_NOW": NOW.isoformat(),
            "SECBOT_LOG_LEVEL": "error",
            "SECBOT_REMINDERS_ENABLED": "false",
            "SECBOT_SOURCES_ENABLED": "false",
            "SECBOT_SLACK_API_URL": fake.api_url,
            "SLACK_BOT_TOKEN": "xoxb-probe",
            "SLACK_SIGNING_SECRET": p.SECRET,
            "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__ANONYMOUS_ALLOWED": "true",
        }
        with secbot_serve(env) as served:
            slack = probe_slack(served.url, fake, n)
            teams = asyncio.run(probe_teams(served.url, n))
        rules = channel_rules(database)
    result = {
        "benchmark": "private links stay private; channel-wide reminders need a manager",
        "requests_per_kind": n,
        "slack": slack,
        "teams": teams,
        "channel_rules_stored": rules,
        **verdict(
            {
                "slack_leaked": at_most(slack["leaked"], 0),
                "teams_leaked": at_most(teams["leaked"], 0),
                "slack_sent_privately": at_least(slack["sent_privately"], 2 * n),
                "teams_sent_privately": at_least(teams["sent_privately"], 2 * n),
                "slack_non_managers_refused": at_least(slack["channel_wide_refused"], n),
                "teams_non_managers_refused": at_least(teams["channel_wide_refused"], n),
                "managers_refused": at_most(
                    slack["channel_wide_refused"] + teams["channel_wide_refused"] - 2 * n, 0
                ),
                "channel_rules_stored": at_most(len(rules), 2),
            }
        ),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
