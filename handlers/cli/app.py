"""The `secbot` command line (Typer + rich)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.table import Table

from bot import meetings
from handlers.cli import ask as cli_ask
from handlers.cli import feeds as cli_feeds
from handlers.cli import reminders as cli_reminders
from handlers.cli import sources as cli_sources
from handlers.cli.common import JsonOpt, NowOpt, cli_runtime, err, fail, out, print_json
from handlers.cli.imports import import_rows
from handlers.cli.prose import import_prose
from handlers.cli.slack import slack_app
from handlers.cli.teams import teams_app
from storage import db, places, repo
from storage.importers import (
    FORMATS,
    PROSE_FORMATS,
    describe,
    detect_format,
)
from storage.models import Kind, Meeting, MeetingData, Status, meeting_json

app = typer.Typer(help="secbot: the secretariat's meeting assistant.", no_args_is_help=True)


@app.callback()
def _settings_first() -> None:
    """Read the settings before any command, so a bad value is one clear line, not a traceback."""
    from bot.settings import get_settings

    try:
        get_settings()
    except ValidationError as e:
        problems = [
            f"{'.'.join(str(p) for p in err['loc']) + ': ' if err['loc'] else ''}"
            f"{err['msg'].removeprefix('Value error, ')}"
            for err in e.errors()
        ]
        raise fail("settings: " + "; ".join(problems), 2) from None


meetings_app = typer.Typer(help="List, show, add, edit and cancel meetings.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(meetings_app, name="meetings")
app.add_typer(db_app, name="db")


def _when(m: Meeting) -> str:
    if m.start_date is None:
        return "dates not yet announced"
    if m.precision == "month":
        return m.start_date.strftime("%B %Y")
    if m.start_date == m.end_date:
        return m.start_date.isoformat()
    return f"{m.start_date.isoformat()} → {m.end_date.isoformat() if m.end_date else ''}"


def _table(rows: list[Meeting]) -> Table:
    table = Table(show_lines=False)
    for column in ("id", "when", "title", "place", "kind", "status"):
        table.add_column(column)
    for m in rows:
        place = ", ".join(p for p in (m.city, m.country) if p) or ("online" if m.online else "")
        table.add_row(m.id, _when(m), m.title, place, m.kind, m.status)
    return table


# --- meetings -------------------------------------------------------------------------------


@meetings_app.command("list")
def meetings_list(
    start: Annotated[
        str | None, typer.Option("--from", help="From this date (YYYY-MM-DD).")
    ] = None,
    end: Annotated[str | None, typer.Option("--to", help="Up to this date (YYYY-MM-DD).")] = None,
    kind: Annotated[list[str] | None, typer.Option(help="Kind of meeting (repeatable).")] = None,
    region: Annotated[list[str] | None, typer.Option(help="Region (repeatable).")] = None,
    country: Annotated[list[str] | None, typer.Option(help="Country (repeatable).")] = None,
    as_json: JsonOpt = False,
    now: NowOpt = None,
) -> None:
    """List meetings, soonest first (undated ones last)."""
    try:
        start_date = date.fromisoformat(start) if start else None
        end_date = date.fromisoformat(end) if end else None
    except ValueError as e:
        raise fail(f"--from/--to: {e}", 2) from None
    kinds = kind or []
    for k in kinds:
        if k not in Kind.__members__:
            raise fail(f"unknown kind {k!r}; one of {', '.join(Kind.__members__)}", 2)
    regions = []
    for r in region or []:
        name = places.region_name(r)
        if name is None:
            raise fail(f"unknown region {r!r}; one of {', '.join(places.REGIONS)}", 2)
        regions.append(name)
    countries = []
    for c in country or []:
        code = places.country_code(c)
        if code is None:
            raise fail(f"unknown country {c!r}", 2)
        countries.append(code)
    rt = cli_runtime(now)
    with db.session_scope(rt.engine) as session:
        rows = repo.list_meetings(
            session, start=start_date, end=end_date, kinds=kinds, regions=regions,
            countries=countries,
        )  # fmt: skip
        if as_json:
            print_json({"meetings": [meeting_json(m) for m in rows]})
        else:
            out.print(_table(rows))


@meetings_app.command("show")
def meetings_show(meeting_id: str, as_json: JsonOpt = False, now: NowOpt = None) -> None:
    """Show one meeting."""
    rt = cli_runtime(now)
    with db.session_scope(rt.engine) as session:
        m = repo.get_meeting(session, meeting_id=meeting_id)
        if m is None:
            raise fail(f"no meeting with id {meeting_id!r} (see `secbot meetings list`)")
        if as_json:
            print_json(meeting_json(m))
            return
        for key, value in meeting_json(m).items():
            if value not in (None, [], "") and key != "source":
                out.print(f"[bold]{key}[/bold]: {value}")
        if m.source_document:
            out.print(f"[bold]source[/bold]: {m.source_document}, paragraph {m.source_paragraph}")


def _fields(**values: Any) -> dict[str, Any]:
    """Options that were given, as MeetingData input."""
    fields = {k: v for k, v in values.items() if v is not None}
    for key in ("hosts", "funders", "partners"):
        if key in fields:
            fields[key] = [p.strip() for p in fields[key].split(",") if p.strip()]
    source = {
        k: fields.pop(f"source_{k}") for k in ("document", "paragraph") if f"source_{k}" in fields
    }
    if source:
        fields["source"] = source
    return fields


FieldOpt = Annotated[str | None, typer.Option()]


@meetings_app.command("add")
def meetings_add(
    title: Annotated[str, typer.Option(help="Full title.")],
    start: Annotated[str | None, typer.Option(help="YYYY-MM-DD, or YYYY-MM.")] = None,
    end: Annotated[str | None, typer.Option(help="YYYY-MM-DD, or YYYY-MM.")] = None,
    kind: Annotated[str | None, typer.Option(help=", ".join(Kind.__members__))] = None,
    city: FieldOpt = None,
    country: Annotated[str | None, typer.Option(help="Name or ISO alpha-2.")] = None,
    region: FieldOpt = None,
    venue: FieldOpt = None,
    short_name: FieldOpt = None,
    series: FieldOpt = None,
    ordinal: Annotated[int | None, typer.Option()] = None,
    status: Annotated[str | None, typer.Option(help=", ".join(Status.__members__))] = None,
    start_time: Annotated[str | None, typer.Option(help="HH:MM, venue time.")] = None,
    end_time: Annotated[str | None, typer.Option(help="HH:MM, venue time.")] = None,
    timezone: Annotated[str | None, typer.Option(help="IANA zone; default from city.")] = None,
    online: Annotated[bool | None, typer.Option("--online/--in-person")] = None,
    hosts: Annotated[str | None, typer.Option(help="Comma-separated.")] = None,
    funders: Annotated[str | None, typer.Option(help="Comma-separated.")] = None,
    partners: Annotated[str | None, typer.Option(help="Comma-separated.")] = None,
    description: FieldOpt = None,
    source_document: FieldOpt = None,
    source_paragraph: FieldOpt = None,
    meeting_id: Annotated[
        str | None, typer.Option("--id", help="Slug; default from title.")
    ] = None,
    as_json: JsonOpt = False,
    now: NowOpt = None,
) -> None:
    """Add a meeting (validated)."""
    fields = _fields(
        id=meeting_id, title=title, start=start, end=end, kind=kind, city=city, country=country,
        region=region, venue=venue, short_name=short_name, series=series, ordinal=ordinal,
        status=status, start_time=start_time, end_time=end_time, timezone=timezone,
        online=online, hosts=hosts, funders=funders, partners=partners, description=description,
        source_document=source_document, source_paragraph=source_paragraph,
    )  # fmt: skip
    try:
        data = MeetingData.model_validate(fields)
    except ValidationError as e:
        raise fail(describe(e), 2) from None
    rt = cli_runtime(now)
    with db.session_scope(rt.engine) as session:
        try:
            saved = meetings.add(session, data=data, now=rt.clock.now())
        except meetings.MeetingError as e:
            raise fail(f"{e} (`secbot meetings edit`)") from None
        result = meeting_json(saved.meeting)
    if as_json:
        print_json(result)
    else:
        out.print(f"added [bold]{result['id']}[/bold]")


@meetings_app.command("edit")
def meetings_edit(
    meeting_id: str,
    title: FieldOpt = None,
    start: Annotated[str | None, typer.Option(help="YYYY-MM-DD, YYYY-MM, or 'none'.")] = None,
    end: Annotated[str | None, typer.Option(help="YYYY-MM-DD, or YYYY-MM.")] = None,
    kind: FieldOpt = None,
    city: FieldOpt = None,
    country: FieldOpt = None,
    region: FieldOpt = None,
    venue: FieldOpt = None,
    short_name: FieldOpt = None,
    series: FieldOpt = None,
    ordinal: Annotated[int | None, typer.Option()] = None,
    status: FieldOpt = None,
    start_time: FieldOpt = None,
    end_time: FieldOpt = None,
    timezone: FieldOpt = None,
    online: Annotated[bool | None, typer.Option("--online/--in-person")] = None,
    hosts: FieldOpt = None,
    funders: FieldOpt = None,
    partners: FieldOpt = None,
    description: FieldOpt = None,
    source_document: FieldOpt = None,
    source_paragraph: FieldOpt = None,
    as_json: JsonOpt = False,
    now: NowOpt = None,
) -> None:
    """Change fields of a meeting; its SEQUENCE goes up so calendars take the update."""
    changes = _fields(
        title=title, start=start, end=end, kind=kind, city=city, country=country, region=region,
        venue=venue, short_name=short_name, series=series, ordinal=ordinal, status=status,
        start_time=start_time, end_time=end_time, timezone=timezone, online=online, hosts=hosts,
        funders=funders, partners=partners, description=description,
        source_document=source_document, source_paragraph=source_paragraph,
    )  # fmt: skip
    if not changes:
        raise fail("nothing to change: give at least one field option", 2)
    rt = cli_runtime(now)
    with db.session_scope(rt.engine) as session:
        try:
            saved = meetings.edit(
                session, meeting_id=meeting_id, changes=changes, now=rt.clock.now()
            )
        except meetings.MeetingError as e:
            raise fail(str(e)) from None
        except ValidationError as e:
            raise fail(describe(e), 2) from None
        result, outcome = meeting_json(saved.meeting), saved.outcome
    cli_feeds.send_notices(rt, meeting_id)  # invitees get the update (SEQUENCE + 1)
    if as_json:
        print_json(result)
    else:
        out.print(f"{outcome} [bold]{meeting_id}[/bold]")


@meetings_app.command("cancel")
def meetings_cancel(meeting_id: str, as_json: JsonOpt = False, now: NowOpt = None) -> None:
    """Mark a meeting cancelled (it stays in feeds as CANCELLED)."""
    rt = cli_runtime(now)
    with db.session_scope(rt.engine) as session:
        try:
            saved = meetings.cancel(session, meeting_id=meeting_id, now=rt.clock.now())
        except meetings.MeetingError as e:
            raise fail(str(e)) from None
        result = meeting_json(saved.meeting)
    cli_feeds.send_notices(rt, meeting_id)  # invitees and followers get the CANCEL
    if as_json:
        print_json(result)
    else:
        out.print(f"cancelled [bold]{meeting_id}[/bold]")


# --- import / export / seed -----------------------------------------------------------------


@app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    fmt: Annotated[str | None, typer.Option("--format", help=", ".join(FORMATS))] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check only; write nothing.")] = False,
    as_json: JsonOpt = False,
    now: NowOpt = None,
) -> None:
    """Import meetings from YAML, JSON, JSON lines, CSV, XLSX or ICS (all rows or none), or
    read them out of a document (.txt, .docx, .pdf) and upsert them by matching. Places, kinds,
    short names, hosts and funders missing from a row are read from its own words; --dry-run
    shows what was inferred, and every import what could not be."""
    try:
        detected = detect_format(file, fmt)
    except ValueError as e:
        raise fail(str(e), 2) from None
    if detected in PROSE_FORMATS:  # prose documents: extract, match, merge (bot/cli_prose.py)
        return import_prose(file, fmt=detected, dry_run=dry_run, as_json=as_json, now=now)
    import_rows(file, fmt=detected, dry_run=dry_run, as_json=as_json, now=now)


@app.command("export")
def export(
    fmt: Annotated[str, typer.Option("--format", help="yaml, csv or ics")] = "yaml",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File; default stdout.")
    ] = None,
    now: NowOpt = None,
) -> None:
    """Export every meeting (ICS: dated meetings only)."""
    from bot.calendar.ical import meetings_calendar
    from storage.export import to_csv, to_yaml

    if fmt not in ("yaml", "csv", "ics"):
        raise fail(f"unknown format {fmt!r}; use yaml, csv or ics", 2)
    rt = cli_runtime(now)
    with db.session_scope(rt.engine) as session:
        rows = repo.list_meetings(session)
        if fmt == "yaml":
            text = to_yaml(rows)
        elif fmt == "csv":
            text = to_csv(rows)
        else:
            cal = meetings_calendar(rows, stamp=rt.clock.now(), base_url=rt.settings.public_url)
            text = cal.to_ical().decode()
    if output:
        output.write_text(text, encoding="utf-8")
        err.print(f"wrote {len(rows)} meeting(s) to {output}")
    else:
        sys.stdout.write(text)


@app.command("seed")
def seed(now: NowOpt = None) -> None:
    """Load (or refresh) the shipped seed meetings."""
    from storage.seed import seed_meetings

    rt = cli_runtime(now)
    with db.session_scope(rt.engine) as session:
        result = meetings.import_meetings(session, items=seed_meetings(), now=rt.clock.now())
    c = result.counts()
    out.print(f"seed: {c['new']} new, {c['updated']} updated, {c['unchanged']} unchanged")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database schema up to date."""
    rt = cli_runtime(prepare=False)
    db.upgrade(rt.engine)
    out.print("database is up to date")


@app.command("serve")
def serve(
    host: Annotated[str | None, typer.Option(help="Default SECBOT_HOST or 127.0.0.1.")] = None,
    port: Annotated[int | None, typer.Option(help="Default SECBOT_PORT or 3000.")] = None,
    now: NowOpt = None,
) -> None:
    """Run the server (schema upgraded and seed loaded on start)."""
    import logging

    import uvicorn

    from bot.clock import from_settings
    from bot.runtime import Runtime
    from bot.settings import get_settings
    from handlers.web.app import create_app
    from storage.db import engine_for

    settings = get_settings()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s"
    )
    try:
        clock = from_settings(now or settings.now, running=True, tz=settings.default_tz)
    except ValueError as e:
        raise fail(str(e), 2) from None
    runtime = Runtime(settings=settings, clock=clock, engine=engine_for(settings.database_url))
    uvicorn.run(
        # without --now or SECBOT_NOW, demo_clock decides whether the seed's calendar runs
        create_app(runtime, demo=now is None, freeze_heap=True),
        host=host or settings.host,
        port=settings.port if port is None else port,
        log_level=settings.log_level,
    )


app.add_typer(teams_app, name="teams")
app.add_typer(cli_feeds.feeds_app, name="feeds")
app.command("invite")(cli_feeds.invite)
app.command("ask")(cli_ask.ask)
app.command("chat")(cli_ask.chat)
app.add_typer(slack_app, name="slack")

cli_reminders.register(app)
cli_sources.register(app)

if __name__ == "__main__":
    app()
