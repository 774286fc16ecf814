"""Slack end to end: the admins' modal to add and edit meetings, and forged submissions."""

from __future__ import annotations

import json
from typing import Any

from icalendar import Calendar
from sqlalchemy import Engine
from sqlmodel import Session

from bot.calendar import invites
from bot.clock import Clock
from handlers.slack.blocks import (
    ADD_MEETING,
    EDIT_MEETING,
)
from storage import db, repo
from storage.models import Meeting
from tests.fakes import slack_payloads as p
from tests.fakes.slack_api import FakeSlack
from tests.handlers.slack.serving import (
    ADMIN,
    STAFF,
    running,
)
from tests.servers import smtp_sink, wait_until

# --- the admins' modal -----------------------------------------------------------------------


def _open_edit_modal(slack: str, fake: FakeSlack, meeting_id: str) -> dict[str, Any]:
    payload = p.block_actions(p.button(EDIT_MEETING, meeting_id), user=ADMIN, in_home=True)
    assert p.post_interaction(slack, payload).status_code == 200
    [call] = fake.wait_for("views.open")
    assert call.params["trigger_id"] == payload["trigger_id"]
    view: dict[str, Any] = call.params["view"]
    return view


def _values(view: dict[str, Any], **changes: str | None) -> dict[str, dict[str, Any]]:
    """The modal's initial values, as Slack would submit them, with `changes` typed in."""
    values: dict[str, dict[str, Any]] = {}
    for block in view["blocks"]:
        element = block["element"]
        if element["type"] == "plain_text_input":
            values[block["block_id"]] = p.text_value(element.get("initial_value"))
        elif element["type"] == "static_select":
            values[block["block_id"]] = p.option_value(element["initial_option"]["value"])
    for key, value in changes.items():
        values[key] = p.text_value(value)
    return values


def test_admin_edits_a_meeting_in_the_modal(slack: str, fake: FakeSlack, seeded: Engine) -> None:
    view = _open_edit_modal(slack, fake, "lac-regional-2016")
    assert view["type"] == "modal"
    submission = p.view_submission(view, _values(view, venue="Torre Ejecutiva"), user=ADMIN)
    response = p.post_interaction(slack, submission)
    assert response.status_code == 200
    assert response.text == ""  # closes the modal
    [confirmation] = fake.wait_for("chat.postMessage")
    assert confirmation.params["channel"] == ADMIN
    with Session(seeded) as session:
        meeting = session.get(Meeting, "lac-regional-2016")
        assert meeting is not None
        assert meeting.venue == "Torre Ejecutiva"
        assert meeting.sequence == 1
        assert meeting.city == "Montevideo"


def test_an_edit_in_the_modal_sends_invitees_the_update(
    seeded: Engine, clock: Clock, fake: FakeSlack
) -> None:
    meeting_id = "lac-regional-2016"
    with db.session_scope(seeded) as session:
        invites.invite(session, meeting_id=meeting_id, addresses=["ana@example.org"],
                       now=clock.now())  # fmt: skip
    with smtp_sink() as (box, port), running(seeded, clock, fake, smtp_port=port) as slack:
        wait_until(lambda: len(box.messages) == 1)  # the scheduler sends the invite
        view = _open_edit_modal(slack, fake, meeting_id)
        submission = p.view_submission(view, _values(view, venue="Torre Ejecutiva"), user=ADMIN)
        assert p.post_interaction(slack, submission).status_code == 200
        wait_until(lambda: len(box.messages) == 2)  # and the update, as soon as it is saved
    (_, invite), (rcpt, update) = box.messages
    assert rcpt == ["ana@example.org"]
    assert str(invite["Subject"]).startswith("Invitation: ")
    assert str(update["Subject"]).startswith("Updated: ")
    [attachment] = [part for part in update.iter_attachments()]
    [event] = Calendar.from_ical(attachment.get_content()).walk("VEVENT")
    assert event["SEQUENCE"] == 1 and "Torre Ejecutiva" in str(event["LOCATION"])


def test_invalid_fields_come_back_inline_and_nothing_is_written(
    slack: str, fake: FakeSlack, seeded: Engine
) -> None:
    view = _open_edit_modal(slack, fake, "lac-regional-2016")
    values = _values(view, start="2016-02-12", end="2016-02-09", country="Atlantis")
    response = p.post_interaction(slack, p.view_submission(view, values, user=ADMIN))
    assert response.status_code == 200
    body = response.json()
    assert body["response_action"] == "errors"
    assert "country" in body["errors"]
    values = _values(view, start="2016-02-12", end="2016-02-09")
    body = p.post_interaction(slack, p.view_submission(view, values, user=ADMIN)).json()
    assert set(body["errors"]) == {"end"}
    with Session(seeded) as session:
        meeting = session.get(Meeting, "lac-regional-2016")
        assert meeting is not None and meeting.sequence == 0


def test_admin_adds_a_meeting(slack: str, fake: FakeSlack, seeded: Engine) -> None:
    payload = p.block_actions(p.button(ADD_MEETING, "new"), user=ADMIN, in_home=True)
    assert p.post_interaction(slack, payload).status_code == 200
    [opened] = fake.wait_for("views.open")
    view = opened.params["view"]
    values = _values(
        view,
        title="Regional workshop on artisanal gold mining",
        start="2016-03-01",
        end="2016-03-03",
        city="Nairobi",
    )
    values["kind"] = p.option_value("workshop")
    response = p.post_interaction(slack, p.view_submission(view, values, user=ADMIN))
    assert response.status_code == 200 and response.text == ""
    with Session(seeded) as session:
        [added] = repo.find_meetings_text(session, text="artisanal gold")
        assert (added.kind, added.country, added.region) == ("workshop", "KE", "Africa")


def test_non_admins_never_get_the_modal_nor_save_through_a_forged_one(
    slack: str, fake: FakeSlack, seeded: Engine
) -> None:
    payload = p.block_actions(p.button(EDIT_MEETING, "inc7"), user=STAFF, channel="C0PLANNING")
    assert p.post_interaction(slack, payload).status_code == 200
    [refusal] = fake.wait_for("chat.postEphemeral")
    assert refusal.params["user"] == STAFF
    assert fake.of("views.open") == []
    forged_view = {"callback_id": "meeting_modal", "private_metadata": json.dumps({"id": "inc7"})}
    values = {"title": p.text_value("Hijacked"), "start": p.text_value("2016-05-01")}
    response = p.post_interaction(slack, p.view_submission(forged_view, values, user=STAFF))
    assert response.status_code == 200
    assert response.json()["response_action"] == "errors"
    with Session(seeded) as session:
        meeting = session.get(Meeting, "inc7")
        assert meeting is not None
        assert (meeting.title.startswith("Seventh"), meeting.sequence) == (True, 0)
