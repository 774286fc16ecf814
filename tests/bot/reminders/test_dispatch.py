"""Sending what is due, over real HTTP to a fake Slack and real SMTP to aiosmtpd."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import Engine

from bot import reminders
from bot.clock import fixed
from bot.reminders.dispatch import Dispatcher, Policy, run_once
from bot.settings import Settings
from handlers.email.notifier import EmailNotifier
from handlers.log_notifier import LogNotifier
from handlers.slack.notifier import SlackNotifier
from storage import db, repo
from tests.fakes.slack_api import fake_slack
from tests.reminder_helpers import LUSAKA, due_instant, fan_out, states
from tests.servers import Mailbox, smtp_sink

NOW = due_instant(3) - timedelta(days=10)
AT = due_instant(3)
GRACE = {k: timedelta(hours=12) for k in ("reminder", "deadline", "invite", "update", "cancel")}


def policy(**kw: object) -> Policy:
    base: dict[str, object] = {"concurrency": 20, "batch": 100, "max_attempts": 4, "grace": GRACE}
    return Policy(**(base | kw))  # type: ignore[arg-type]


class Sleeps:
    """Records the delays the dispatcher asks for instead of waiting them out."""

    def __init__(self) -> None:
        self.asked: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.asked.append(seconds)
        await asyncio.sleep(0)


def slack(sink_url: str, token: str = "xoxb-test") -> dict:
    return {"slack": SlackNotifier(token=token, base_url=sink_url)}


async def test_a_slack_that_rate_limits_a_third_of_calls_gets_each_message_once(
    seeded: Engine,
) -> None:
    n = 300
    assert fan_out(seeded, n, now=NOW) == n
    sleeps = Sleeps()
    with fake_slack(rate_limit_every=3, retry_after=2) as sink:
        report = await run_once(
            seeded, slack(sink.api_url), clock=fixed(AT), policy=policy(), sleep=sleeps
        )
        counts = sink.counts()
    assert len(report.sent) == n and not report.failed
    assert sink.limited >= n // 3
    assert len(counts) == n and set(counts.values()) == {1}  # every delivery exactly once
    assert sleeps.asked == [2.0] * sink.limited  # each 429 waited out its Retry-After
    assert states(seeded) == {"sent": n}


async def test_transient_errors_back_off_then_succeed_or_fail(seeded: Engine) -> None:
    fan_out(seeded, 1, now=NOW)
    sleeps = Sleeps()
    with fake_slack(fail_first=2) as sink:
        report = await run_once(
            seeded, slack(sink.api_url), clock=fixed(AT), policy=policy(backoff=1.0), sleep=sleeps,
            jitter=lambda: 0.75,
        )  # fmt: skip
    assert len(report.sent) == 1 and len(sink) == 1
    assert sleeps.asked == [0.75, 1.5]  # full jitter: 0.75 of 1·2⁰, then of 1·2¹
    with db.session_scope(seeded) as s:
        (row,) = reminders.list_deliveries(s)
    assert row.state == "sent" and row.attempts == 3 and row.sent_at == AT

    fan_out(seeded, 1, now=NOW, prefix="slack:G")
    sleeps = Sleeps()
    with fake_slack(fail_first=100) as sink:
        report = await run_once(
            seeded,
            slack(sink.api_url),
            clock=fixed(AT),
            policy=policy(max_attempts=3),
            sleep=sleeps,
        )
    assert not report.sent and len(report.failed) == 1
    with db.session_scope(seeded) as s:
        (row,) = reminders.list_deliveries(s, states=["failed"])
    assert row.attempts == 3 and row.last_error == "Slack: internal_error"
    assert len(sleeps.asked) == 2  # two waits between three tries


async def test_permanent_errors_fail_at_once(seeded: Engine) -> None:
    fan_out(seeded, 2, now=NOW)
    with fake_slack() as sink:
        report = await run_once(
            seeded, slack(sink.api_url, token="xoxb-invalid"), clock=fixed(AT), policy=policy()
        )
    assert len(report.failed) == 2 and sink.posted == 2
    with db.session_scope(seeded) as s:
        rows = reminders.list_deliveries(s, states=["failed"])
    assert [r.last_error for r in rows] == ["Slack: invalid_auth"] * 2


async def test_nothing_is_sent_early_twice_or_too_late(seeded: Engine) -> None:
    fan_out(seeded, 5, now=NOW)
    log = LogNotifier()
    early = await run_once(seeded, {"slack": log}, clock=fixed(AT - timedelta(seconds=1)),
                           policy=policy())  # fmt: skip
    assert early.sent == [] and states(seeded) == {"pending": 5}
    first = await Dispatcher(seeded, {"slack": log}, clock=fixed(AT), policy=policy()).run_due()
    second = await Dispatcher(seeded, {"slack": log}, clock=fixed(AT), policy=policy()).run_due()
    assert len(first.sent) == 5 and second.sent == [] and len(log.sent) == 5
    text = log.sent[0][1].text
    assert "starts in 3 days" in text and "Lusaka" in text and LUSAKA in text

    fan_out(seeded, 3, now=NOW, prefix="slack:D")
    late = AT + timedelta(hours=13)  # the server was down longer than the grace
    report = await run_once(seeded, {"slack": log}, clock=fixed(late), policy=policy())
    assert report.sent == [] and set(report.skipped.values()) == {reminders.TOO_LATE}
    with db.session_scope(seeded) as s:
        skipped = reminders.list_deliveries(s, states=["skipped"])
    assert len(skipped) == 3 and {r.reason for r in skipped} == {"too late"}


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    with smtp_sink() as sink:
        yield sink


async def test_email_reminders_and_cancel_notices(
    seeded: Engine, smtp: tuple[Mailbox, int]
) -> None:
    box, port = smtp
    with db.session_scope(seeded) as s:
        reminders.add_rule(
            s, subscriber="email:ana@example.org", scope="meeting", scope_value=LUSAKA,
            offsets=[3], now=NOW, timezone="UTC",
        )  # fmt: skip
    settings = Settings(smtp_host="127.0.0.1", smtp_port=port, mail_from="Sec <sec@example.org>")

    def email() -> dict[str, EmailNotifier]:
        return {"email": EmailNotifier(settings, clock=fixed(AT))}

    report = await run_once(seeded, email(), clock=fixed(AT), policy=policy())
    assert len(report.sent) == 1
    ((rcpt, msg),) = box.messages
    assert rcpt == ["ana@example.org"]
    assert msg["To"] == "ana@example.org" and msg["From"] == "Sec <sec@example.org>"
    subject = str(msg["Subject"]).strip()  # long subjects are folded
    assert subject.startswith("Reminder: ") and subject.endswith("starts in 3 days")
    body, attachment = msg.iter_parts()  # type: ignore[attr-defined]
    assert "starts in 3 days" in body.get_content()
    assert attachment.get_filename() == f"{LUSAKA}.ics"  # the meeting, to add to a calendar
    [event] = Calendar.from_ical(attachment.get_content()).walk("VEVENT")
    assert str(event["UID"]) == f"{LUSAKA}@secbot" and "METHOD" not in event

    with db.session_scope(seeded) as s:
        repo.cancel_meeting(s, meeting_id=LUSAKA, now=AT)
        reminders.replan_meeting(s, meeting_id=LUSAKA, now=AT)
    report = await run_once(seeded, email(), clock=fixed(AT), policy=policy())
    assert len(report.sent) == 1
    cancel = box.messages[-1][1]
    assert str(cancel["Subject"]).strip().startswith("Cancelled: ")
    # not an invitee: a plain notice, no calendar object to act on
    assert cancel.get_content_type() == "text/plain"
    assert "no further reminders" in cancel.get_content()
    later = await run_once(seeded, email(), clock=fixed(AT + timedelta(days=2)), policy=policy())
    assert later.sent == [] and len(box.messages) == 2
