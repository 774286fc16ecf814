"""`secbot reminders ...` and `secbot deadlines ...`."""

from __future__ import annotations

import asyncio
from datetime import date, time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import ValidationError
from rich.table import Table

from bot import reminders
from bot.reminders import profiles
from bot.reminders.deadlines import apply_rules, load_rules
from bot.settings import secret
from handlers.cli.common import JsonOpt, NowOpt, cli_runtime, err, fail, out, print_json
from storage import db, people, repo
from storage.importers import describe
from storage.models import (
    DeadlineData,
    DeadlineKind,
    DeliveryState,
    RuleScope,
    deadline_json,
    delivery_json,
    rule_json,
)

if TYPE_CHECKING:
    from bot.runtime import Runtime

reminders_app = typer.Typer(help="Reminder rules and the deliveries ledger.", no_args_is_help=True)
deadlines_app = typer.Typer(help="Meeting deadlines and deadline rules.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(reminders_app, name="reminders")
    app.add_typer(deadlines_app, name="deadlines")


def _subscriber(email: str | None, user: str | None, channel: str | None) -> str:
    given = [v for v in (email, user, channel) if v]
    if len(given) != 1:
        raise fail("give exactly one of --email, --user or --channel", 2)
    if email:
        return reminders.subscriber_key("email", email)
    return reminders.parse_subscriber(user or channel or "")


def _scope(meeting: str | None, region: str | None, kind: str | None, every: bool) -> tuple:
    given = [
        (s, v)
        for s, v in (
            (RuleScope.meeting, meeting),
            (RuleScope.region, region),
            (RuleScope.kind, kind),
            (RuleScope.all, "" if every else None),
        )
        if v is not None
    ]
    if len(given) != 1:
        raise fail("give exactly one of --meeting, --region, --kind or --all", 2)
    return given[0]


def _profile_zone(rt: Runtime, subscriber: str) -> tuple[str, str | None]:
    """A person's zone for a rule that follows their profile: the stored one, else (Slack,
    with a bot token) users.info, else SECBOT_DEFAULT_TZ. Returns the zone and, when it was
    just looked up, that zone again so the caller records it."""
    with db.session_scope(rt.engine) as session:
        person = people.get_person(session, user_key=subscriber)
    if person is not None and person.timezone:
        return person.timezone, None
    channel, _, user_id = subscriber.partition(":")
    token = secret(rt.settings.slack_bot_token)
    if channel == "slack" and token:
        from handlers.slack.users import profile_timezone  # slack_sdk loads slowly: only here

        try:
            zone = profile_timezone(
                token=token, base_url=rt.settings.slack_api_url, user_id=user_id
            )
            return zone, zone
        except LookupError as e:
            err.print(f"warning: no time zone for {subscriber} from Slack ({e})", highlight=False)
    return rt.settings.default_tz, None


@reminders_app.command("add")
def reminders_add(
    email: Annotated[str | None, typer.Option(help="Remind this e-mail address.")] = None,
    user: Annotated[str | None, typer.Option(help="slack:UID or teams:ID.")] = None,
    channel: Annotated[str | None, typer.Option(help="Post in a channel: slack:CID.")] = None,
    meeting: Annotated[str | None, typer.Option(help="One meeting (id).")] = None,
    region: Annotated[str | None, typer.Option(help="Meetings in a region.")] = None,
    kind: Annotated[str | None, typer.Option(help="Meetings of a kind.")] = None,
    every: Annotated[bool, typer.Option("--all", help="Every meeting.")] = False,
    before: Annotated[
        str | None,
        typer.Option(
            help="Offsets, e.g. 1d,3d,2w (default: the person's default reminders, else "
            "SECBOT_REMINDERS_BEFORE)."
        ),
    ] = None,
    deadlines: Annotated[bool, typer.Option("--deadlines", help="Also deadlines.")] = False,
    deadline_kind: Annotated[
        list[str] | None, typer.Option(help="Only these deadline kinds (repeatable).")
    ] = None,
    no_starts: Annotated[
        bool, typer.Option("--no-starts", help="Deadlines only, not meeting starts.")
    ] = False,
    at: Annotated[str | None, typer.Option(help="Local time of day, HH:MM.")] = None,
    tz: Annotated[
        str | None,
        typer.Option(
            help="Recipient's IANA time zone, kept as given. Default for --user: the person's "
            "profile zone (stored, else Slack users.info), followed when it changes; else "
            "SECBOT_DEFAULT_TZ."
        ),
    ] = None,
    as_json: JsonOpt = False,
    now: NowOpt = None,
) -> None:
    """Add (or replace) a reminder rule, and queue what it asks for."""
    rt = cli_runtime(now)
    s = rt.settings
    try:
        subscriber = _subscriber(email, user, channel)
        scope, value = _scope(meeting, region, kind, every)
        if tz is not None:
            reminders.check_zone(tz)
        offsets = reminders.parse_offsets(before) if before else None
        when = reminders.parse_time_of_day(at or s.reminders_time_of_day)
        follows = bool(user) and tz is None
        zone, looked_up = _profile_zone(rt, subscriber) if follows else (tz or s.default_tz, None)
        with db.session_scope(rt.engine) as session:
            if looked_up:
                profiles.follow_zone(
                    session, user_key=subscriber, timezone=looked_up, now=rt.clock.now()
                )
            if offsets is None:
                offsets = (
                    profiles.default_offsets(session, user_key=subscriber, settings=s)
                    if user
                    else reminders.parse_offsets(s.reminders_before)
                )
            rule = reminders.add_rule(
                session, subscriber=subscriber, scope=scope, scope_value=value,
                offsets=offsets, now=rt.clock.now(), timezone=zone, follows_profile=follows,
                time_of_day=when, starts=not no_starts, deadlines=deadlines or no_starts
                or bool(deadline_kind), deadline_kinds=deadline_kind or [],
            )  # fmt: skip
            pending = reminders.list_deliveries(
                session, recipient=subscriber, states=[DeliveryState.pending.value]
            )
            result = rule_json(rule) | {"pending": len(pending)}
    except reminders.ReminderError as e:
        raise fail(str(e), 2) from None
    if as_json:
        print_json(result)
    else:
        out.print(
            f"rule {result['id']}: {subscriber} ← {scope} {value or ''}".rstrip()
            + f", {reminders.offsets_text(rule.offsets)} before at {when:%H:%M} "
            f"({result['timezone']}{', following the profile' * follows}); "
            f"{result['pending']} reminder(s) pending"
        )


@reminders_app.command("remove")
def reminders_remove(rule_id: int, now: NowOpt = None) -> None:
    """Deactivate a rule; its pending reminders are skipped (reason: unsubscribed)."""
    rt = cli_runtime(now)
    try:
        with db.session_scope(rt.engine) as session:
            reminders.remove_rule(session, rule_id=rule_id, now=rt.clock.now())
    except reminders.ReminderError as e:
        raise fail(str(e)) from None
    out.print(f"rule {rule_id} removed")


@reminders_app.command("list")
def reminders_list(
    due: Annotated[bool, typer.Option("--due", help="Only deliveries due now.")] = False,
    failed: Annotated[bool, typer.Option("--failed", help="Only failed deliveries.")] = False,
    limit: Annotated[int, typer.Option(help="At most this many deliveries.")] = 200,
    as_json: JsonOpt = False,
    now: NowOpt = None,
) -> None:
    """Show the rules and the deliveries (default: pending)."""
    rt = cli_runtime(now)
    states = [DeliveryState.failed.value] if failed else [DeliveryState.pending.value]
    with db.session_scope(rt.engine) as session:
        rules = reminders.list_rules(session)
        rows = reminders.list_deliveries(
            session, states=states, due_by=rt.clock.now() if due else None, limit=limit
        )
    if as_json:
        print_json({
            "now": rt.clock.now().isoformat(),
            "rules": [rule_json(r) for r in rules],
            "deliveries": [delivery_json(d) for d in rows],
        })  # fmt: skip
        return
    table = Table(title="rules")
    for column in ("id", "subscriber", "scope", "before", "at", "deadlines", "active"):
        table.add_column(column)
    for r in rules:
        table.add_row(
            str(r.id), r.subscriber, f"{r.scope} {r.scope_value}".strip(),
            reminders.offsets_text(r.offsets),
            f"{r.time_of_day:%H:%M} {r.timezone}{' (profile)' * r.follows_profile}",
            "yes" if r.deadlines else "no", "yes" if r.active else "no",
        )  # fmt: skip
    out.print(table)
    table = Table(title=f"deliveries ({', '.join(states)}{', due now' if due else ''})")
    for column in ("id", "due (UTC)", "kind", "subject", "recipient", "state", "detail"):
        table.add_column(column)
    for d in rows:
        table.add_row(
            str(d.id), f"{d.due_at:%Y-%m-%d %H:%M}", d.kind, d.subject, d.recipient, d.state,
            d.last_error or d.reason or "",
        )  # fmt: skip
    out.print(table)


@reminders_app.command("plan")
def reminders_plan(as_json: JsonOpt = False, now: NowOpt = None) -> None:
    """Reconcile the whole ledger with the rules and meetings (idempotent)."""
    rt = cli_runtime(now)
    with db.session_scope(rt.engine) as session:
        report = reminders.plan(session, now=rt.clock.now())
    if as_json:
        print_json(report.to_json())
    else:
        out.print(report.to_json())


@reminders_app.command("run-once")
def reminders_run_once(as_json: JsonOpt = False, now: NowOpt = None) -> None:
    """Send everything due at this instant, then exit (twice at one instant sends nothing)."""
    from bot.reminders.dispatch import Policy, run_once  # the notifiers load slowly: only here
    from handlers.notifiers import build_notifiers

    rt = cli_runtime(now)
    report = asyncio.run(
        run_once(
            rt.engine,
            build_notifiers(rt),
            clock=rt.clock,
            policy=Policy.from_settings(rt.settings),
        )
    )
    if as_json:
        print_json({"now": rt.clock.now().isoformat(), **report.to_json()})
    else:
        out.print(
            f"sent {len(report.sent)}, failed {len(report.failed)}, "
            f"skipped {len(report.skipped)} (at {rt.clock.now().isoformat()})"
        )
        for row_id, error in report.failed.items():
            err.print(f"delivery {row_id}: {error}")
    if report.failed:
        raise typer.Exit(1)


# --- deadlines --------------------------------------------------------------------------------


@deadlines_app.command("add")
def deadlines_add(
    meeting_id: str,
    kind: Annotated[str, typer.Option(help=", ".join(DeadlineKind.__members__))] = "custom",
    due: Annotated[str, typer.Option(help="YYYY-MM-DD.")] = "",
    title: Annotated[str | None, typer.Option(help="Default: the kind, capitalised.")] = None,
    at: Annotated[str | None, typer.Option("--time", help="HH:MM, optional.")] = None,
    as_json: JsonOpt = False,
    now: NowOpt = None,
) -> None:
    """Add or edit a meeting's deadline (same kind and title: the date is updated)."""
    try:
        due_date = date.fromisoformat(due)
        due_time = time.fromisoformat(at) if at else None
        data = DeadlineData(
            meeting_id=meeting_id, kind=kind, due_date=due_date, due_time=due_time,
            title=title or kind.capitalize(),
        )  # fmt: skip
    except ValidationError as e:
        raise fail(describe(e), 2) from None
    except ValueError:
        raise fail("--due must be a date like 2016-01-25 (and --time like 17:00)", 2) from None
    rt = cli_runtime(now)
    with db.session_scope(rt.engine) as session:
        try:
            deadline = repo.add_deadline(session, data=data, now=rt.clock.now())
        except repo.NotFound as e:
            raise fail(str(e)) from None
        reminders.replan_meeting(session, meeting_id=meeting_id, now=rt.clock.now())
        result = deadline_json(deadline)
    if as_json:
        print_json(result)
    else:
        out.print(f"deadline {result['id']}: {result['title']} for {meeting_id} due {due}")


@deadlines_app.command("apply-rules")
def deadlines_apply_rules(
    meeting_id: Annotated[str | None, typer.Argument(help="Default: every meeting.")] = None,
    rules_file: Annotated[Path | None, typer.Option("--rules", help="Rules YAML.")] = None,
    as_json: JsonOpt = False,
    now: NowOpt = None,
) -> None:
    """Create the deadlines the rules give (bot/deadline_rules.yaml); never overwrites one."""
    rt = cli_runtime(now)
    try:
        rules = load_rules(rules_file or rt.settings.deadline_rules_file)
    except ValueError as e:
        raise fail(str(e), 2) from None
    with db.session_scope(rt.engine) as session:
        try:
            report = apply_rules(
                session, rules=rules, now=rt.clock.now(),
                meeting_ids=[meeting_id] if meeting_id else None,
            )  # fmt: skip
        except repo.NotFound as e:
            raise fail(str(e)) from None
        reminders.replan_meetings(
            session, meeting_ids=[d.meeting_id for d in report.created], now=rt.clock.now()
        )
        created = [deadline_json(d) for d in report.created]
    if as_json:
        print_json({"created": created, "kept": report.kept, "undated": report.undated})
        return
    out.print(f"created {len(created)} deadline(s); {report.kept} already existed")
    if report.undated:
        err.print(f"no exact start date, skipped: {', '.join(report.undated)}")


@deadlines_app.command("list")
def deadlines_list(
    meeting_id: Annotated[str | None, typer.Argument()] = None,
    as_json: JsonOpt = False,
    now: NowOpt = None,
) -> None:
    """List deadlines (of one meeting, or all), soonest first."""
    rt = cli_runtime(now)
    with db.session_scope(rt.engine) as session:
        rows = repo.list_deadlines(session, meeting_ids=[meeting_id] if meeting_id else [])
    if as_json:
        print_json({"deadlines": [deadline_json(d) for d in rows]})
        return
    table = Table()
    for column in ("id", "meeting", "kind", "title", "due"):
        table.add_column(column)
    for d in rows:
        table.add_row(str(d.id), d.meeting_id, d.kind, d.title, d.due_date.isoformat())
    out.print(table)
