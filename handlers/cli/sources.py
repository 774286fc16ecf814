"""`secbot sources …`: calendars secbot follows (Outlook, Google, Indico) and their syncs."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import typer

from bot import sources as calendar_sources
from bot.runtime import Runtime
from bot.sources import terms
from handlers.cli.common import JsonOpt, NowOpt, cli_runtime, err, fail, out, print_json
from storage import db
from storage import sources as store
from storage.models import SyncStatus, source_json

sources_app = typer.Typer(
    help="Calendars secbot follows: Outlook/Google ICS URLs and Indico exports.",
    no_args_is_help=True,
)
SHOWN_CHANGES = 50


def register(app: typer.Typer) -> None:
    app.add_typer(sources_app, name="sources")


@sources_app.command("add")
def add(
    url: Annotated[str, typer.Argument(help="ICS URL (https:// or webcal://) or Indico export.")],
    name: Annotated[str | None, typer.Option(help="Default: from the URL's host.")] = None,
    every: Annotated[str, typer.Option(help="How often to sync: 30m, 1h, 6h, 1d.")] = "1h",
    api_token: Annotated[
        str | None,
        typer.Option(
            envvar="SECBOT_SOURCE_API_TOKEN",
            show_envvar=True,
            help="Indico API token (sent as a bearer token; never shown).",
        ),
    ] = None,
    no_sync: Annotated[bool, typer.Option("--no-sync", help="Add only; sync later.")] = False,
    as_json: JsonOpt = False,
    now: NowOpt = None,
) -> None:
    """Follow a calendar, and sync it at once (a failed first sync keeps the source: it is
    retried with backoff; `secbot sources remove NAME` drops it)."""
    rt = cli_runtime(now)
    with db.session_scope(rt.engine) as session:
        try:
            source = calendar_sources.add_source(
                session, url=url, name=name, every=every, api_token=api_token, now=rt.clock.now()
            )
        except ValueError as e:
            raise fail(str(e), 2) from None
        added, source_id = source.name, source.id
    if no_sync:
        if as_json:
            print_json({"added": added})
        else:
            out.print(f"added [bold]{added}[/bold]; it syncs within a minute under `secbot serve`")
        return
    assert source_id is not None
    report = _sync(rt, source_id)
    if as_json:
        print_json({"added": added, "sync": report.to_json()})
    else:
        out.print(f"added [bold]{added}[/bold]")
        _print_report(report)
    if report.outcome == SyncStatus.failed:
        err.print(f"it will be retried; `secbot sources remove {added}` drops it", highlight=False)
        raise typer.Exit(1)


@sources_app.command("list")
def list_sources(as_json: JsonOpt = False, now: NowOpt = None) -> None:
    """Each source with its state: last sync, ETag / Last-Modified, counts, last error."""
    rt = cli_runtime(now)
    with db.session_scope(rt.engine) as session:
        rows = store.list_sources(session)
        stored = {s.id: store.live_meeting_counts(session, source_id=s.id or 0) for s in rows}
    if as_json:
        print_json({"sources": [
            source_json(s) | {"meetings": stored[s.id][0], "cancelled": stored[s.id][1]}
            for s in rows
        ]})  # fmt: skip
        return
    if not rows:
        out.print("No calendar sources yet: `secbot sources add URL`.")
        return
    for s in rows:
        meetings, cancelled = stored[s.id]
        kept = f"{meetings} meeting(s)" + (f", {cancelled} cancelled" if cancelled else "")
        out.print(f"[bold]{s.name}[/bold]  {s.url}", highlight=False, soft_wrap=True)
        out.print(f"  {terms.state_line(s, rt.clock.now())}", highlight=False, soft_wrap=True)
        validators = ", ".join(f"{k} {v}" for k, v in (("ETag", s.etag),
                               ("Last-Modified", s.last_modified)) if v)  # fmt: skip
        out.print(f"  {kept}" + (f" · {validators}" if validators else ""), highlight=False,
                  soft_wrap=True)  # fmt: skip


@sources_app.command("sync")
def sync(
    name: Annotated[str | None, typer.Argument(help="One source; default: all of them.")] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; write nothing.")
    ] = False,
    full: Annotated[
        bool, typer.Option("--full", help="Fetch and read everything, even if unchanged.")
    ] = False,
    as_json: JsonOpt = False,
    now: NowOpt = None,
) -> None:
    """Sync now (all sources, or NAME), whatever their schedule; --dry-run shows the changes."""
    rt = cli_runtime(now)
    with db.session_scope(rt.engine) as session:
        try:
            rows = (
                [store.require_source(session, name=name)] if name else store.list_sources(session)
            )
        except store.SourceError as e:
            raise fail(str(e)) from None
        ids = [s.id for s in rows if s.id is not None]
    reports = [_sync(rt, i, dry_run=dry_run, full=full) for i in ids]
    if as_json:
        print_json({"sources": [r.to_json() for r in reports]})
    else:
        if not reports:
            out.print("No calendar sources yet: `secbot sources add URL`.")
        for report in reports:
            _print_report(report)
    if any(r.outcome in (SyncStatus.failed, "busy") for r in reports):
        raise typer.Exit(1)


@sources_app.command("remove")
def remove(name: str, as_json: JsonOpt = False, now: NowOpt = None) -> None:
    """Stop following a source; its meetings stay, citing it as their source."""
    rt = cli_runtime(now)
    with db.session_scope(rt.engine) as session:
        try:
            kept = store.remove_source(session, name=name)
        except store.SourceError as e:
            raise fail(str(e)) from None
    if as_json:
        print_json({"removed": name, "meetings_kept": kept})
    else:
        out.print(f"removed [bold]{name}[/bold]; its {kept} meeting(s) stay")


def _sync(
    rt: Runtime, source_id: int, *, dry_run: bool = False, full: bool = False
) -> calendar_sources.SyncReport:
    """Sync one source, then send the invites' updates, CANCELs and followers' notices it
    queued (what cannot be sent now is left to the scheduler)."""
    policy = calendar_sources.SyncPolicy.from_settings(rt.settings)
    report = calendar_sources.sync(
        rt.engine, source_id=source_id, now=rt.clock.now(), policy=policy, dry_run=dry_run,
        full=full,
    )  # fmt: skip
    changed = [c["id"] for c in report.changes if c["change"] != "new"]
    if changed and not dry_run:
        _send_notices(rt, changed)
    return report


def _send_notices(rt: Runtime, meeting_ids: list[str]) -> None:
    from sqlmodel import col

    from bot.reminders.dispatch import Policy, run_once
    from bot.reminders.terms import NOTICE_KINDS
    from handlers.notifiers import build_notifiers
    from storage.models import Delivery

    # channels this process can reach; the others' rows are left to `secbot serve`
    reachable = ["email", "log"]
    reachable += ["slack"] if rt.settings.slack_bot_token else []
    reachable += ["teams"] if rt.settings.teams_client_id else []
    only = (
        col(Delivery.meeting_id).in_(meeting_ids)
        & col(Delivery.kind).in_(NOTICE_KINDS)
        & col(Delivery.channel).in_(reachable)
    )
    sending = run_once(rt.engine, build_notifiers(rt), clock=rt.clock,
                       policy=Policy.from_settings(rt.settings), only=only)  # fmt: skip
    report = asyncio.run(sending)
    if report.sent or report.failed:
        err.print(f"notices: {len(report.sent)} sent, {len(report.failed)} not sent (the "
                  "scheduler retries them)", highlight=False)  # fmt: skip


def _print_report(report: calendar_sources.SyncReport) -> None:
    name = f"[bold]{report.source}[/bold]"
    if report.outcome == SyncStatus.failed:
        err.print(f"{name}: [red]failed[/red]: {report.error}; nothing was changed",
                  highlight=False)  # fmt: skip
        return
    if report.outcome == "busy":
        err.print(f"{name}: skipped, {report.error}", highlight=False)
        return
    if report.outcome == SyncStatus.unchanged:
        out.print(f"{name}: unchanged since the last sync (nothing written)", highlight=False)
        return
    verb = "would change" if report.dry_run else "synced"
    counts = ", ".join(f"{v} {k}" for k, v in report.counts.items() if v)
    out.print(f"{name}: {verb}: {report.events} event(s) read: {counts or 'nothing'}"
              + (f"; {report.notices} notice(s) to followers" if report.notices else ""),
              highlight=False)  # fmt: skip
    shown = [c for c in report.changes if c["change"] != "new" or report.dry_run]
    for change in shown[:SHOWN_CHANGES]:
        out.print("  " + _change_line(change), highlight=False, soft_wrap=True)
    if len(shown) > SHOWN_CHANGES:
        out.print(f"  … and {len(shown) - SHOWN_CHANGES} more (--json lists them all)")
    for line in report.errors:
        err.print(f"  [yellow]not read[/yellow] {line}", highlight=False, soft_wrap=True)


def _change_line(change: dict[str, Any]) -> str:
    fields = "; ".join(
        f"{k}: {before} → {after}" for k, (before, after) in change["fields"].items()
    )
    what = f"{change['change']:9} {change['id']}  {change.get('title') or ''}"
    return what + (f"  ({fields})" if fields else "")
