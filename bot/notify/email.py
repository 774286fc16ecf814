"""E-mail over SMTP (stdlib smtplib + email): plain notices and iMIP invites (RFC 6047).

An invite is multipart/mixed holding a multipart/alternative (text/plain, text/html and the
`text/calendar; method=...` part that calendar clients act on; Outlook ignores it without
`method`) and the same iCalendar object again as an `invite.ics` attachment for clients that
only offer attachments. The stdlib is enough here: one connection per batch, synchronous; the
async scheduler can run it in a worker thread.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from bot.notify import DeliveryError, Notice
from bot.settings import Settings


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    ssl: bool = False
    timeout: float = 30.0
    sender: str = "secbot <secbot@example.org>"

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpConfig:
        return cls(
            host=settings.smtp_host, port=settings.smtp_port, user=settings.smtp_user,
            password=settings.smtp_password, starttls=settings.smtp_starttls,
            ssl=settings.smtp_ssl, timeout=settings.smtp_timeout, sender=settings.mail_from,
        )  # fmt: skip

    @property
    def organizer(self) -> tuple[str, str]:
        """(address, common name) of the sender, for ORGANIZER;CN=..."""
        name, address = parseaddr(self.sender)
        return address, name or address


def build_message(notice: Notice, *, sender: str, now: datetime) -> EmailMessage:
    """The MIME message for a notice; with a calendar, the iMIP layout described above."""
    msg = EmailMessage()
    msg["Subject"] = notice.subject
    msg["From"] = sender
    msg["To"] = notice.recipient
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2] or None)
    msg.set_content(notice.text)
    if notice.html:
        msg.add_alternative(notice.html, subtype="html")
    if notice.calendar is not None:
        method = notice.method or "PUBLISH"
        calendar_text = notice.calendar.decode("utf-8")
        msg.add_alternative(calendar_text, subtype="calendar", params={"method": method})
        for part in msg.walk():
            if part.get_content_type() == "text/calendar":
                part.set_param("charset", "UTF-8")  # RFC 6047 spells it so; some clients care
        msg.add_attachment(
            notice.calendar, maintype="application", subtype="ics", filename="invite.ics"
        )
    return msg


class EmailNotifier:
    """Sends notices through the configured SMTP relay."""

    channel = "email"

    def __init__(self, config: SmtpConfig, *, now: datetime) -> None:
        self.config = config
        self.now = now

    @contextmanager
    def connection(self) -> Iterator[smtplib.SMTP]:
        c = self.config
        try:
            if c.ssl:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    c.host, c.port, timeout=c.timeout, context=ssl.create_default_context()
                )
            else:
                smtp = smtplib.SMTP(c.host, c.port, timeout=c.timeout)
            if c.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if c.user:
                smtp.login(c.user, c.password or "")
        except smtplib.SMTPAuthenticationError as e:
            raise DeliveryError(f"SMTP login refused: {e.smtp_code}", transient=False) from e
        except (OSError, smtplib.SMTPException) as e:
            raise DeliveryError(f"cannot reach SMTP server {c.host}:{c.port}: {e}") from e
        try:
            yield smtp
        finally:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()

    def send(self, notice: Notice) -> None:
        self.send_many([notice])

    def send_many(self, notices: Sequence[Notice]) -> dict[str, str]:
        """Send over one connection; returns {recipient: error} for those that failed.
        A relay that cannot be reached at all raises DeliveryError."""
        failures: dict[str, str] = {}
        with self.connection() as smtp:
            for notice in notices:
                message = build_message(notice, sender=self.config.sender, now=self.now)
                try:
                    smtp.send_message(message)
                except smtplib.SMTPRecipientsRefused as e:
                    failures[notice.recipient] = f"recipient refused: {e.recipients}"
                except (OSError, smtplib.SMTPException) as e:
                    failures[notice.recipient] = str(e) or type(e).__name__
        return failures
