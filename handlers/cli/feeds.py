"""`secbot feeds …` and `secbot invite …`: private feed links and e-mail invites."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from bot import reminders
from bot.runtime import Runtime
from handlers.cli.common import NowOpt, cli_runtime, err, fail, out, print_json
from storage import db, repo
from storage import subscriptions as subs
from storage.models import Delivery, DeliveryState, delivery_json

if TYPE_CHECKING:  # e-mail, iCalendar and the notifiers load slowly: imported where they send
    pass

feeds_app = typer.Typer(help="Calendar feeds: private links.", no_args_is_help=True)


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
        raise fail("--reset and --revoke exclude each other", 2)
    if ":" not in user:
        raise fail(f"user {user!r} needs a platform prefix, e.g. slack:{user}", 2)
    rt = cli_runtime(now)
    with db.session_scope(rt.engine) as session:
        if revoke:
            count = subs.revoke_tokens(session, user_key=user, now=rt.clock.now())
            payload: dict[str, object] = {"user": user, "revoked": count}
        else:
            existing = subs.live_token(session, user_key=user)
            if existing is not None and not reset:
                raise fail(
                    f"{user} already has a private link (made {existing.created_at:%Y-%m-%d}); "
                    "it is stored hashed and cannot be shown again: use --reset for a new one"
                )
            secret = subs.issue_token(session, user_key=user, now=rt.clock.now())
            from bot.calendar import feeds

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
    edits send updates and cancelling sends CANCEL.

    The invites are queued in the deliveries ledger and sent at once; what cannot be sent now
    is left to the scheduler (`secbot serve`) or `secbot reminders run-once`.
    """
    from bot.calendar import invites

    try:
        addresses = invites.parse_addresses(to)
    except invites.InviteError as e:
        raise fail(str(e), 2) from None
    rt = cli_runtime(now)
    with db.session_scope(rt.engine) as session:
        try:
            recipients = invites.invite(
                session, meeting_id=meeting_id, addresses=addresses, now=rt.clock.now()
            )
        except (invites.InviteError, repo.NotFound) as e:
            raise fail(str(e)) from None
    rows = send_notices(rt, meeting_id)
    done = {r.recipient for r in rows}
    if waiting := [r for r in recipients if r not in done]:
        err.print(f"no new invite for {', '.join(waiting)} (already sent, or being sent)")
    if as_json:
        print_json(
            {"meeting": meeting_id, "invited": recipients,
             "deliveries": [delivery_json(r) for r in rows]}
        )  # fmt: skip
    if any(r.state == DeliveryState.failed for r in rows):
        raise typer.Exit(1)


def send_notices(rt: Runtime, meeting_id: str) -> list[Delivery]:
    """Send the invites, updates and CANCELs about a meeting that are due now (what a command
    just queued) and say on stderr who got what, so whoever changed the meeting sees the
    outcome; the scheduler sends anything left. Returns the ledger rows sent or failed."""
    from bot.reminders.dispatch import Policy, notices_about, run_once
    from handlers.notifiers import build_notifiers

    policy = Policy.from_settings(rt.settings)
    sending = run_once(
        rt.engine, build_notifiers(rt), clock=rt.clock, policy=policy,
        only=notices_about(meeting_id),
    )  # fmt: skip
    report = asyncio.run(sending)
    with db.session_scope(rt.engine) as session:
        rows = reminders.list_deliveries(session, ids=[*report.sent, *report.failed])
    sent: dict[str, list[str]] = {}
    for row in rows:
        label = f"{row.kind} (SEQUENCE {row.subject.rpartition(':')[2]})"
        if row.state == DeliveryState.sent:
            sent.setdefault(label, []).append(row.recipient)
        else:
            err.print(f"[red]not sent[/red] {label} to {row.recipient}: {row.last_error}",
                      highlight=False)  # fmt: skip
    for label, recipients in sent.items():
        err.print(f"sent {label} to {', '.join(recipients)}", highlight=False)
    return rows
