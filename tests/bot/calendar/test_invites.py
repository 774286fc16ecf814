"""iMIP invites sent to a real SMTP server (aiosmtpd on 127.0.0.1, port 0) and read back."""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar
from sqlalchemy import Engine
from typer.testing import CliRunner

from bot import reminders
from bot.calendar import invites
from bot.clock import Clock
from bot.reminders.dispatch import DispatchReport, Policy, run_once
from bot.settings import Settings
from handlers.cli.app import app
from handlers.email.notifier import EmailNotifier
from storage import db, repo
from storage import subscriptions as subs
from storage.models import InvitationStatus
from tests import calendar_data
from tests.servers import Mailbox, smtp_sink

SENDER = "Secretariat meetings <secbot@example.org>"


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    with smtp_sink() as sink:
        yield sink


@pytest.fixture
def data(engine: Engine, clock: Clock) -> Engine:
    calendar_data.load(engine, clock.now())
    return engine


def calendar_parts(message: EmailMessage) -> tuple[EmailMessage, EmailMessage]:
    """(the text/calendar alternative, the invite.ics attachment), checking the layout."""
    assert message.get_content_type() == "multipart/mixed"
    alternative, attachment = message.get_payload()  # type: ignore[misc]
    assert alternative.get_content_type() == "multipart/alternative"
    types = [p.get_content_type() for p in alternative.get_payload()]
    assert types == ["text/plain", "text/html", "text/calendar"]
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_content_disposition() == "attachment"
    return alternative.get_payload()[2], attachment


def read_invite(message: EmailMessage) -> Calendar:
    part, attachment = calendar_parts(message)
    body = part.get_content()
    assert part.get_param("charset") == "UTF-8"
    cal = Calendar.from_ical(body)
    assert part.get_param("method") == str(cal["METHOD"])
    assert Calendar.from_ical(attachment.get_content()).to_ical() == cal.to_ical()
    IcsCalendarStream.calendar_from_ics(body)  # the strict parser accepts it
    return cal


def notifier(port: int, clock: Clock) -> EmailNotifier:
    settings = Settings(_env_file=None, smtp_host="127.0.0.1", smtp_port=port, mail_from=SENDER,
                        public_url="https://secbot.example.org")  # type: ignore[call-arg]  # fmt: skip
    return EmailNotifier(settings, clock=clock)


async def send_due(engine: Engine, port: int, clock: Clock, **policy: Any) -> DispatchReport:
    """What the scheduler does: send every due ledger row, here by e-mail only."""
    return await run_once(
        engine, {"email": notifier(port, clock)}, clock=clock, policy=Policy(**policy),
        sleep=no_sleep,
    )  # fmt: skip


async def no_sleep(seconds: float) -> None:
    return None


BUREAU = "bureau-geneva-2016-04"  # dated, timed, nobody invited yet


def invite(engine: Engine, clock: Clock, *addresses: str) -> list[str]:
    with db.session_scope(engine) as session:
        return invites.invite(session, meeting_id=BUREAU, addresses=addresses, now=clock.now())


def edit_venue(engine: Engine, clock: Clock, meeting_id: str, venue: str) -> None:
    """Change a meeting as `secbot meetings edit` does: SEQUENCE up, then replan."""
    with db.session_scope(engine) as session:
        meeting = repo.require_meeting(session, meeting_id=meeting_id)
        meeting.venue = venue
        meeting.sequence += 1
        session.add(meeting)
        session.flush()
        reminders.replan_meeting(session, meeting_id=meeting_id, now=clock.now())


async def test_invite_update_and_cancel_reach_the_mailbox(
    data: Engine, clock: Clock, smtp: tuple[Mailbox, int]
) -> None:
    box, port = smtp
    meeting_id = BUREAU
    queued = invite(data, clock, "a@example.org", "b@example.org")
    assert queued == ["email:a@example.org", "email:b@example.org"]
    report = await send_due(data, port, clock)
    assert len(report.sent) == 2 and not report.failed
    assert sorted(rcpt for rcpt, _ in box.messages) == [["a@example.org"], ["b@example.org"]]
    message = box.messages[0][1]
    assert message["Subject"] == "Invitation: Bureau meeting"
    assert message["From"] == SENDER
    cal = read_invite(message)
    assert str(cal["METHOD"]) == "REQUEST"
    [event] = cal.walk("VEVENT")
    assert str(event["UID"]) == f"{meeting_id}@secbot" and event["SEQUENCE"] == 0
    assert event["ORGANIZER"].params["CN"] == "Secretariat meetings"
    assert sorted(str(a) for a in event["ATTENDEE"]) == [
        "mailto:a@example.org", "mailto:b@example.org",
    ]  # fmt: skip
    text = message.get_payload()[0].get_payload()[0].get_content()  # type: ignore[union-attr]
    assert "When: Tuesday 05 April 2016, 10:00 (Europe/Zurich)" in text
    with db.session_scope(data) as session:
        rows = subs.list_invitations(session, meeting_id=meeting_id)
        assert {(r.status, r.sequence_sent) for r in rows} == {(InvitationStatus.invited, 0)}

    # an edit raises SEQUENCE; replanning queues an update with it, same UID
    edit_venue(data, clock, meeting_id, "Palais des Nations")
    report = await send_due(data, port, clock)
    assert len(report.sent) == 2 and len(box.messages) == 4
    update = read_invite(box.messages[2][1])
    [event] = update.walk("VEVENT")
    assert (str(event["UID"]), event["SEQUENCE"]) == (f"{meeting_id}@secbot", 1)
    assert "Palais des Nations" in str(event["LOCATION"])
    assert box.messages[2][1]["Subject"] == "Updated: Bureau meeting"

    # nothing new: nobody is behind, nothing is queued or sent
    with db.session_scope(data) as session:
        assert (
            reminders.replan_meeting(session, meeting_id=meeting_id, now=clock.now()).notices == 0
        )
    assert (await send_due(data, port, clock)).sent == [] and len(box.messages) == 4

    # cancelling sends METHOD:CANCEL, STATUS:CANCELLED, same UID, higher SEQUENCE
    with db.session_scope(data) as session:
        repo.cancel_meeting(session, meeting_id=meeting_id, now=clock.now())
        reminders.replan_meeting(session, meeting_id=meeting_id, now=clock.now())
    report = await send_due(data, port, clock)
    assert len(report.sent) == 2 and len(box.messages) == 6
    cancel = read_invite(box.messages[4][1])
    [event] = cancel.walk("VEVENT")
    assert str(cancel["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert (str(event["UID"]), event["SEQUENCE"]) == (f"{meeting_id}@secbot", 2)
    with db.session_scope(data) as session:
        rows = subs.list_invitations(session, meeting_id=meeting_id)
        assert {(r.status, r.sequence_sent) for r in rows} == {(InvitationStatus.cancelled, 2)}
        kinds = [
            (d.kind, d.state) for d in reminders.list_deliveries(session, meeting_id=meeting_id)
        ]
    assert (
        sorted(kinds)
        == [("cancel", "sent")] * 2 + [("invite", "sent")] * 2 + [("update", "sent")] * 2
    )


async def test_a_change_before_the_invite_went_out_sends_one_invite(
    data: Engine, clock: Clock, smtp: tuple[Mailbox, int]
) -> None:
    box, port = smtp
    meeting_id = BUREAU
    invite(data, clock, "a@example.org")
    edit_venue(data, clock, meeting_id, "Palais des Nations")  # the invite is still pending
    assert (await send_due(data, port, clock)).sent and len(box.messages) == 1
    [event] = read_invite(box.messages[0][1]).walk("VEVENT")
    assert event["SEQUENCE"] == 1 and "Palais des Nations" in str(event["LOCATION"])
    with db.session_scope(data) as session:
        [row] = subs.list_invitations(session, meeting_id=meeting_id)
        assert (row.status, row.sequence_sent) == (InvitationStatus.invited, 1)
        assert (
            reminders.replan_meeting(session, meeting_id=meeting_id, now=clock.now()).notices == 0
        )


async def test_unreachable_relay_fails_the_invite_and_inviting_again_retries(
    data: Engine, clock: Clock
) -> None:
    with smtp_sink() as (_, port):
        pass  # the port is free again: nothing listens there now
    meeting_id = BUREAU
    invite(data, clock, "a@example.org")
    report = await send_due(data, port, clock, max_attempts=2)
    assert report.sent == [] and len(report.failed) == 1
    [error] = report.failed.values()
    assert error.startswith(f"cannot reach SMTP server 127.0.0.1:{port}")
    with db.session_scope(data) as session:
        [row] = subs.list_invitations(session, meeting_id=meeting_id)
        assert row.status == InvitationStatus.failed and row.last_error == error
        assert row.sequence_sent is None
    with smtp_sink() as (box, live):
        invite(data, clock, "a@example.org")  # by hand again: the failed invite is retried
        assert len((await send_due(data, live, clock)).sent) == 1
        assert [rcpt for rcpt, _ in box.messages] == [["a@example.org"]]
    with db.session_scope(data) as session:
        [row] = subs.list_invitations(session, meeting_id=meeting_id)
        assert (row.status, row.sequence_sent, row.last_error) == (
            InvitationStatus.invited,
            0,
            None,
        )


def test_invite_refuses_bad_addresses_and_undated_meetings(data: Engine, clock: Clock) -> None:
    with pytest.raises(invites.InviteError, match="not an e-mail address"):
        invites.parse_addresses("a@example.org, nobody")
    assert invites.parse_addresses("A@Example.org, b@example.org,a@example.org") == [
        "a@example.org", "b@example.org",
    ]  # fmt: skip
    with db.session_scope(data) as session, pytest.raises(invites.InviteError, match="no exact"):
        invites.invite(
            session, meeting_id="lac-expert-group-2016", addresses=["a@example.org"],
            now=clock.now(),
        )  # fmt: skip


# --- through the CLI -------------------------------------------------------------------------


@pytest.fixture
def cli(cli_env: dict[str, str], smtp: tuple[Mailbox, int], monkeypatch: pytest.MonkeyPatch,
        engine: Engine, clock: Clock) -> CliRunner:  # fmt: skip
    calendar_data.load(engine, clock.now())
    monkeypatch.setenv("SECBOT_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SECBOT_SMTP_PORT", str(smtp[1]))
    monkeypatch.setenv("SECBOT_MAIL_FROM", SENDER)
    monkeypatch.setenv("SECBOT_PUBLIC_URL", "https://secbot.example.org")
    monkeypatch.setenv("SECBOT_DEFAULT_TZ", "Europe/Zurich")
    monkeypatch.setenv("SECBOT_SEED_ON_START", "false")
    return CliRunner()


def test_cli_invite_then_edit_and_cancel_send_updates(
    cli: CliRunner, smtp: tuple[Mailbox, int], engine: Engine
) -> None:
    box, _ = smtp
    now = ["--now", "2016-01-04T10:00:00Z"]
    r = cli.invoke(
        app, ["invite", "nairobi-briefing-2016", "--to", "a@example.org,b@example.org", *now]
    )
    assert r.exit_code == 0, r.output
    assert len(box.messages) == 2
    r = cli.invoke(
        app, ["meetings", "edit", "nairobi-briefing-2016", "--start-time", "10:00", *now]
    )
    assert r.exit_code == 0, r.output
    assert len(box.messages) == 4
    [event] = read_invite(box.messages[2][1]).walk("VEVENT")
    assert event["SEQUENCE"] == 1 and event["DTSTART"].dt.hour == 10
    r = cli.invoke(app, ["meetings", "cancel", "nairobi-briefing-2016", *now])
    assert r.exit_code == 0, r.output
    assert len(box.messages) == 6
    cancel = read_invite(box.messages[5][1])
    assert str(cancel["METHOD"]) == "CANCEL"
    assert cancel.walk("VEVENT")[0]["SEQUENCE"] == 2
    # a meeting nobody was invited to sends nothing when edited
    r = cli.invoke(app, ["meetings", "edit", "bureau-call-2016-03", "--title", "Call", *now])
    assert r.exit_code == 0 and len(box.messages) == 6


def test_cli_invite_errors_are_clear(cli: CliRunner) -> None:
    r = cli.invoke(app, ["invite", "nope", "--to", "a@example.org"])
    assert r.exit_code == 1 and "no meeting with id 'nope'" in r.output
    r = cli.invoke(app, ["invite", "inc8", "--to", "not-an-address"])
    assert r.exit_code == 2 and "not an e-mail address" in r.output
    r = cli.invoke(app, ["invite", "inc8", "--to", "a@example.org"])
    assert r.exit_code == 1 and "no exact dates" in r.output


def test_cli_feeds_token(cli: CliRunner, engine: Engine) -> None:
    r = cli.invoke(app, ["feeds", "token", "slack:U123", "--json"])
    assert r.exit_code == 0, r.output
    import json

    links = json.loads(r.stdout)
    assert links["webcal"].startswith("webcal://secbot.example.org/calendar/u/")
    assert links["https"] == "https" + links["webcal"].removeprefix("webcal")
    token = links["https"].rsplit("/", 1)[1].removesuffix(".ics")
    r = cli.invoke(app, ["feeds", "token", "slack:U123"])
    assert r.exit_code == 1 and "--reset" in r.output
    r = cli.invoke(app, ["feeds", "token", "slack:U123", "--reset"])
    assert r.exit_code == 0 and "webcal://" in r.stdout and token not in r.stdout
    with db.session_scope(engine) as session:
        assert subs.token_row(session, token=token) is None
    r = cli.invoke(app, ["feeds", "token", "slack:U123", "--revoke"])
    assert r.exit_code == 0 and "revoked 1" in r.stdout
    with db.session_scope(engine) as session:
        assert subs.live_token(session, user_key="slack:U123") is None
    r = cli.invoke(app, ["feeds", "token", "U123"])
    assert r.exit_code == 2 and "platform prefix" in r.output


def test_dates_in_invite_text_follow_the_meeting(data: Engine, clock: Clock) -> None:
    with db.session_scope(data) as session:
        m = repo.require_meeting(session, meeting_id="nairobi-workshop-2016")
        assert invites._when_text(m) == "01 March 2016 to 03 March 2016"
