"""The e-mail notifier: reminders and iMIP invites (RFC 6047) over SMTP (stdlib smtplib, in a
worker thread, one connection per message).

An invite, update or CANCEL to one of the meeting's invitees is multipart/mixed holding a
multipart/alternative (text/plain, text/html and the `text/calendar; method=...` part that
calendar clients act on; Outlook ignores it without `method`) and the same iCalendar object
again as an `invite.ics` attachment for clients that only offer attachments. Every other
message is plain text; a reminder of a meeting's start carries the meeting's .ics (the same
bytes as its feed, `/calendar/meeting/ID.ics`) so it can be added to a calendar.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from bot.calendar import feeds, invites
from bot.calendar import ical as calendar
from bot.clock import Clock
from bot.reminders.notifier import Message, SendResult
from bot.reminders.terms import NOTICE_KINDS
from bot.runtime import Runtime
from bot.settings import Settings, secret
from storage.models import Delivery, DeliveryKind


class EmailNotifier:
    channel = "email"

    def __init__(self, settings: Settings, *, clock: Clock) -> None:
        self.settings = settings
        self.clock = clock

    @classmethod
    def from_runtime(cls, runtime: Runtime) -> EmailNotifier:
        return cls(runtime.settings, clock=runtime.clock)

    @property
    def organizer(self) -> tuple[str, str]:
        """(address, common name) of the sender, for ORGANIZER;CN=..."""
        name, address = parseaddr(self.settings.mail_from)
        return address, name or address

    def build(self, delivery: Delivery, message: Message) -> EmailMessage:
        """The MIME message for a delivery (see the module docstring for the layouts)."""
        now = self.clock.now()
        base_url = self.settings.public_url
        msg = EmailMessage()
        msg["Subject"] = message.subject
        msg["From"] = self.settings.mail_from
        msg["To"] = delivery.address
        msg["Date"] = format_datetime(now)
        domain = self.organizer[0].rpartition("@")[2] or None
        msg["Message-ID"] = make_msgid(idstring=f"secbot-delivery-{delivery.id}", domain=domain)
        m = message.meeting
        if m is not None and message.kind in NOTICE_KINDS and delivery.address in message.attendees:
            text, html = invites.email_body(m, message, base_url=base_url)
            msg.set_content(text)
            msg.add_alternative(html, subtype="html")
            ics = invites.itip(m, message, organizer=self.organizer, stamp=now, base_url=base_url)
            method = invites.method_for(message.kind)
            msg.add_alternative(ics.decode("utf-8"), subtype="calendar", params={"method": method})
            for part in msg.walk():
                if part.get_content_type() == "text/calendar":
                    part.set_param("charset", "UTF-8")  # RFC 6047 spells it so; some clients care
            msg.add_attachment(ics, maintype="application", subtype="ics", filename="invite.ics")
            return msg
        msg.set_content(message.text)
        if m is not None and message.kind == DeliveryKind.reminder and calendar.is_placeable(m):
            msg.add_attachment(
                feeds.meeting_body(m, base_url=base_url),
                maintype="text", subtype="calendar", filename=f"{m.id}.ics",
            )  # fmt: skip
        return msg

    def _send_blocking(self, msg: EmailMessage) -> None:
        s = self.settings
        smtp: smtplib.SMTP
        if s.smtp_ssl:
            smtp = smtplib.SMTP_SSL(
                s.smtp_host, s.smtp_port, timeout=s.smtp_timeout,
                context=ssl.create_default_context(),
            )  # fmt: skip
        else:
            smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout)
        with smtp:
            if s.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if s.smtp_user:
                smtp.login(s.smtp_user, secret(s.smtp_password) or "")
            smtp.send_message(msg)

    async def send(self, delivery: Delivery, message: Message) -> SendResult:
        msg = self.build(delivery, message)
        s = self.settings
        try:
            await asyncio.to_thread(self._send_blocking, msg)
        except smtplib.SMTPRecipientsRefused as e:
            return SendResult.permanent(f"SMTP refused {delivery.address}: {e.recipients}")
        except smtplib.SMTPResponseException as e:
            text = f"SMTP {e.smtp_code}: {e.smtp_error!r}"
            if 400 <= e.smtp_code < 500:
                return SendResult.transient(text)
            return SendResult.permanent(text)  # 5xx, login refused included
        except (smtplib.SMTPException, OSError) as e:
            where = f"{s.smtp_host}:{s.smtp_port}"
            return SendResult.transient(f"cannot reach SMTP server {where}: {e}")
        return SendResult.sent()

    async def aclose(self) -> None:
        return None
