"""The admins' calendar sources in Slack, end to end: signed requests to the real app under
uvicorn, Web API calls to the fake Slack, the calendar on a local publisher (all port 0)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from bot.clock import Clock
from handlers.slack.sources import ADD_SOURCE, REMOVE_SOURCE, SOURCE_MODAL, SYNC_SOURCE
from storage import sources as store
from tests.calendar_server import Publisher, publisher
from tests.fakes import slack_payloads as p
from tests.fakes.slack_api import FakeSlack
from tests.handlers.slack.serving import ADMIN, STAFF, action_ids
from tests.sources_data import BUREAU, WORKSHOP, calendar


@pytest.fixture
def pub() -> Iterator[Publisher]:
    with publisher() as served:
        served.publish(calendar(WORKSHOP, BUREAU))
        yield served


def home_of(slack: str, fake: FakeSlack, user: str) -> list[dict[str, Any]]:
    fake.reset()
    assert p.post_json(slack, p.event_callback(p.home_opened(user))).status_code == 200
    [call] = fake.wait_for("views.publish")
    blocks: list[dict[str, Any]] = call.params["view"]["blocks"]
    assert len(blocks) <= 100
    return blocks


def texts(blocks: list[dict[str, Any]]) -> str:
    return "\n".join(str(b.get("text", {}).get("text", "")) for b in blocks) + "\n".join(
        str(e.get("text", "")) for b in blocks if b["type"] == "context" for e in b["elements"]
    )


def dm(fake: FakeSlack, user: str) -> str:
    [call] = fake.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == user)
    fake.reset()
    return str(call.params["text"])


def submit(slack: str, **fields: str) -> Any:
    values = {k: p.text_value(v) for k, v in fields.items()}
    view = {"callback_id": SOURCE_MODAL, "private_metadata": ""}
    response = p.post_interaction(slack, p.view_submission(view, values, user=ADMIN))
    assert response.status_code == 200
    return response.json() if response.text else None


def test_an_admin_adds_syncs_and_removes_a_calendar(
    slack: str, fake: FakeSlack, seeded: Engine, pub: Publisher
) -> None:
    blocks = home_of(slack, fake, ADMIN)
    assert "Calendar sources" in texts(blocks) and ADD_SOURCE in action_ids(blocks)
    payload = p.block_actions(p.button(ADD_SOURCE, "new"), user=ADMIN, in_home=True)
    assert p.post_interaction(slack, payload).status_code == 200
    [opened] = fake.wait_for("views.open")
    assert opened.params["view"]["callback_id"] == SOURCE_MODAL
    fake.reset()

    assert submit(slack, url="ftp://example.org/c.ics")["errors"].keys() == {"url"}
    assert submit(slack, url=pub.url, every="5x")["errors"].keys() == {"every"}
    assert submit(slack, url=pub.url, name="ozone", every="2h") is None  # closes the modal
    assert dm(fake, ADMIN) == "ozone: synced 2 event(s): 2 new."
    with Session(seeded) as s:
        source = store.require_source(s, name="ozone")
        assert (source.interval_seconds, source.events, source.status) == (7200, 2, "synced")

    blocks = home_of(slack, fake, ADMIN)
    assert "*ozone* — synced just now: 2 events (2 new) · every 2h" in texts(blocks)
    assert pub.url in texts(blocks)
    sync_now = p.block_actions(p.button(SYNC_SOURCE, "ozone"), user=ADMIN, in_home=True)
    assert p.post_interaction(slack, sync_now).status_code == 200
    assert dm(fake, ADMIN) == "ozone: unchanged since the last sync."
    assert pub.statuses() == ["200", "304"]

    remove = p.block_actions(p.button(REMOVE_SOURCE, "ozone"), user=ADMIN, in_home=True)
    assert p.post_interaction(slack, remove).status_code == 200
    assert dm(fake, ADMIN) == "No longer following ozone; its 2 meeting(s) stay."
    with Session(seeded) as s:
        assert store.list_sources(s) == []


def test_staff_see_no_sources_and_forged_payloads_do_nothing(
    slack: str, fake: FakeSlack, seeded: Engine, clock: Clock, pub: Publisher
) -> None:
    with Session(seeded) as s:
        store.add_source(s, name="ozone", url=pub.url, interval_seconds=3600, now=clock.now())
        s.commit()
    blocks = home_of(slack, fake, STAFF)
    assert "Calendar sources" not in texts(blocks) and ADD_SOURCE not in action_ids(blocks)
    for action in (SYNC_SOURCE, REMOVE_SOURCE, ADD_SOURCE):
        forged = p.block_actions(p.button(action, "ozone"), user=STAFF, in_home=True)
        assert p.post_interaction(slack, forged).status_code == 200
        assert "Only secretariat admins" in dm(fake, STAFF)
    view = {"callback_id": SOURCE_MODAL, "private_metadata": ""}
    values = {"url": p.text_value("https://evil.example.org/c.ics")}
    response = p.post_interaction(slack, p.view_submission(view, values, user=STAFF))
    assert response.json()["response_action"] == "errors"
    assert fake.of("views.open") == [] and pub.requests == []
    with Session(seeded) as s:
        assert [x.name for x in store.list_sources(s)] == ["ozone"]
