"""`secbot feeds …` and `secbot invite …`: private feed links and e-mail invites."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from bot import feeds
from bot.runtime import Runtime, open_runtime
from storage import db, repo
from storage import subscriptions as subs

if TYPE_CHECKING:  # e-mail and iCalendar load slowly: imported by the commands that send
    from bot import invites
    from bot.notify.email import EmailNotifier

feeds_app = typer.Typer(help="Calendar feeds: private links.", no_args_is_help=True)
out = Console()
err = Console(stderr=True)

NowOpt = Annotated[
    str | None,
    typer.Option("--now", help="Act as if it were this instant (ISO date or date-time)."),
]


def _runtime(now: str | None) -> Runtime:
    try:
        return open_runtime(now=now)
    except ValueError as e:
        err.print(f"[red]error:[/red] {e}")
        raise typer.Exit(2) from None


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(code)


def notifier(rt: Runtime) -> EmailNotifier:
    from bot.notify.email import EmailNotifier, SmtpConfig

    return EmailNotifier(SmtpConfig.from_settings(rt.settings), now=rt.clock.now())


@feeds_app.command("token")
def token(
    user: Annotated[str, typer.Argument(help='User key, e.g. "slack:U123" or "email:a@b.org".')],
    reset: Annotated[
        bool, typer.Option("--reset", help="Replace the link; the old one stops working.")
    ] = False,
    revoke: Annotated[bool, typer.Option("--revoke", help="Disable the link.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    now: NowOpt = None,
) -> None:
    """Print USER's private calendar links (webcal:// and https://).

    Only a hash of the secret is stored, so a link is shown once, when it is made; with a live
    link already there, use --reset to make a new one.
    """
    if reset and revoke:
        raise _fail("--reset and --revoke exclude each other", 2)
    if ":" not in user:
        raise _fail(f"user {user!r} needs a platform prefix, e.g. slack:{user}", 2)
    rt = _runtime(now)
    with db.session_scope(rt.engine) as session:
        if revoke:
            count = subs.revoke_tokens(session, user_key=user, now=rt.clock.now())
            payload: dict[str, object] = {"user": user, "revoked": count}
        else:
            existing = subs.live_token(session, user_key=user)
            if existing is not None and not reset:
                raise _fail(
                    f"{user} already has a private link (made {existing.created_at:%Y-%m-%d}); "
                    "it is stored hashed and cannot be shown again: use --reset for a new one"
                )
            secret = subs.issue_token(session, user_key=user, now=rt.clock.now())
            payload = {"user": user, **feeds.private_links(rt.settings.public_url, secret)}
    if as_json:
        sys.stdout.write(json.dumps(payload) + "\n")
    elif revoke:
        out.print(f"revoked {payload['revoked']} link(s) of {user}")
    else:
        out.print(payload["webcal"], highlight=False, soft_wrap=True)
        out.print(payload["https"], highlight=False, soft_wrap=True)


def invite(
    meeting_id: Annotated[str, typer.Argument(help="Meeting id (see `secbot meetings list`).")],
    to: Annotated[str, typer.Option("--to", help="Comma-separated e-mail addresses.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    now: NowOpt = None,
) -> None:
    """E-mail calendar invites (iMIP REQUEST) for a meeting and remember the invitees, so later
    edits send updates and cancelling sends CANCEL."""
    from bot import invites

    try:
        addresses = invites.parse_addresses(to)
    except invites.InviteError as e:
        raise _fail(str(e), 2) from None
    rt = _runtime(now)
    with db.session_scope(rt.engine) as session:
        try:
            report = invites.invite(
                session, meeting_id=meeting_id, addresses=addresses, notifier=notifier(rt),
                base_url=rt.settings.public_url, now=rt.clock.now(),
            )  # fmt: skip
        except (invites.InviteError, repo.NotFound) as e:
            raise _fail(str(e)) from None
    _print_report(report, as_json=as_json)
    if report.failed:
        raise typer.Exit(1)


def _print_report(report: invites.InviteReport, *, as_json: bool = False) -> None:
    if as_json:
        sys.stdout.write(json.dumps(report.to_json()) + "\n")
        return
    if report.skipped:
        return
    if report.sent:
        err.print(
            f"sent {report.method} (SEQUENCE {report.sequence}) to {', '.join(report.sent)}",
            highlight=False,
        )
    for address, error in report.failed.items():
        err.print(f"[red]not sent[/red] to {address}: {error}", highlight=False)


def after_change(meeting_id: str, *, now: str | None = None) -> None:
    """Called by `secbot meetings edit|cancel` once the change is stored: invitees get the
    update or the CANCEL (see bot/invites.py for the reminders-ledger seam)."""
    from bot import invites

    rt = _runtime(now)
    with db.session_scope(rt.engine) as session:
        meeting = repo.get_meeting(session, meeting_id=meeting_id)
        if meeting is None or not subs.list_invitations(session, meeting_id=meeting_id):
            return
        report = invites.send_updates(
            session, meeting=meeting, notifier=notifier(rt), base_url=rt.settings.public_url,
            now=rt.clock.now(),
        )  # fmt: skip
    _print_report(report)
