"""E-mail notifier: stdlib smtplib in a worker thread, one connection per message.

Reminders are plain text. Invites, updates and CANCEL notices to invitees should carry an
iMIP calendar part; building it belongs to the invites code (`bot.calendar`), which plugs in
through `MailNotifier.attach_calendar` (see the README, "Reminders", seams).
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr

from bot.notify.base import Message, SendResult
from bot.settings import Settings
from storage.models import Delivery

# A hook to add the iCalendar part to invites/updates/CANCEL (set by the invites code).
CalendarHook = Callable[[EmailMessage, Delivery, Message], None]


class MailNotifier:
    channel = "email"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.attach_calendar: CalendarHook | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> MailNotifier:
        return cls(settings)

    def build(self, delivery: Delivery, message: Message) -> EmailMessage:
        msg = EmailMessage()
        msg["Subject"] = message.subject
        msg["From"] = self.settings.mail_from
        msg["To"] = delivery.address
        domain = parseaddr(self.settings.mail_from)[1].rpartition("@")[2] or None
        msg["Message-ID"] = make_msgid(idstring=f"secbot-delivery-{delivery.id}", domain=domain)
        msg.set_content(message.text)
        if self.attach_calendar and message.kind in ("invite", "update", "cancel"):
            self.attach_calendar(msg, delivery, message)
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
            if s.smtp_starttls and not s.smtp_ssl:
                smtp.starttls(context=ssl.create_default_context())
            if s.smtp_user:
                smtp.login(s.smtp_user, s.smtp_password or "")
            smtp.send_message(msg)

    async def send(self, delivery: Delivery, message: Message) -> SendResult:
        msg = self.build(delivery, message)
        try:
            await asyncio.to_thread(self._send_blocking, msg)
        except smtplib.SMTPRecipientsRefused as e:
            return SendResult.permanent(f"SMTP refused {delivery.address}: {e.recipients}")
        except smtplib.SMTPResponseException as e:
            text = f"SMTP {e.smtp_code}: {e.smtp_error!r}"
            if 400 <= e.smtp_code < 500:
                return SendResult.transient(text)
            return SendResult.permanent(text)
        except (smtplib.SMTPException, OSError) as e:
            return SendResult.transient(f"SMTP unreachable: {e.__class__.__name__}: {e}")
        return SendResult.sent()

    async def aclose(self) -> None:
        return None
