"""Sending what a sync queued, as the scheduler would: e-mail to a real SMTP server (aiosmtpd,
port 0) and chat to the fake Slack Web API (port 0); what arrived, read back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage

from icalendar import Calendar
from sqlalchemy import Engine

from bot.clock import Clock
from bot.reminders.dispatch import Policy, run_once
from bot.settings import Settings
from handlers.email.notifier import EmailNotifier
from handlers.slack.notifier import SlackNotifier
from tests.fakes.slack_api import fake_slack
from tests.servers import smtp_sink


@dataclass(frozen=True)
class Invite:
    method: str
    uid: str
    sequence: int
    start: date


@dataclass
class Sent:
    mails: list[tuple[list[str], Invite]] = field(default_factory=list)
    chats: dict[str, str] = field(default_factory=dict)  # channel -> text

    @property
    def empty(self) -> bool:
        return not self.mails and not self.chats


def _invite(message: EmailMessage) -> Invite:
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    cal = Calendar.from_ical(part.get_content())
    [event] = cal.walk("VEVENT")
    start = event["DTSTART"].dt
    return Invite(str(cal["METHOD"]), str(event["UID"]), int(event["SEQUENCE"]),
                  start.date() if hasattr(start, "date") else start)  # fmt: skip


async def _no_sleep(seconds: float) -> None:
    return None


async def deliver(engine: Engine, clock: Clock) -> Sent:
    """Send every due ledger row of a notice kind or a reminder; return what arrived."""
    sent = Sent()
    with smtp_sink() as (box, port), fake_slack() as slack:
        settings = Settings(_env_file=None, smtp_host="127.0.0.1", smtp_port=port)  # type: ignore[call-arg]
        notifiers = {
            "email": EmailNotifier(settings, clock=clock),
            "slack": SlackNotifier(token="xoxb-test", base_url=slack.api_url),
        }
        await run_once(engine, notifiers, clock=clock, policy=Policy(), sleep=_no_sleep)
        sent.mails = [(rcpt, _invite(message)) for rcpt, message in box.messages]
        for call in slack.of("chat.postMessage"):
            sent.chats[str(call.params["channel"])] = str(call.params["text"])
    return sent
