"""`secbot teams …`: the Teams app package."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from bot.settings import get_settings
from bot.teams_package import PLACEHOLDER_BOT_ID, write_package

teams_app = typer.Typer(help="Microsoft Teams: the app package.", no_args_is_help=True)
err = Console(stderr=True)

GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
PLACEHOLDER_URL = "https://example.org"


def _fail(message: str) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}")
    return typer.Exit(2)


@teams_app.command("package")
def package(
    output: Annotated[Path, typer.Option("--output", "-o", help="Zip file to write.")] = Path(
        "secbot-teams.zip"
    ),
    bot_id: Annotated[
        str | None,
        typer.Option(help="Bot (Entra app) id; default CONNECTIONS__…__CLIENTID."),
    ] = None,
    website_url: Annotated[
        str | None,
        typer.Option(help="https URL for the developer links; default SECBOT_PUBLIC_URL."),
    ] = None,
    placeholder: Annotated[
        bool,
        typer.Option(
            "--placeholder",
            help="Use a placeholder bot id and website when none is configured (try-outs only).",
        ),
    ] = False,
) -> None:
    """Write the Teams app package (manifest.json, color.png, outline.png) for sideloading."""
    settings = get_settings()
    bot = bot_id or settings.teams_client_id
    if not bot:
        if not placeholder:
            raise _fail(
                "no bot id: set CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID, pass "
                "--bot-id, or --placeholder for a try-out package"
            )
        bot = PLACEHOLDER_BOT_ID
    if not GUID.match(bot):
        raise _fail(f"bot id {bot!r} is not a GUID (the Entra application id)")
    site = website_url or settings.public_url
    if not site.startswith("https://"):
        if not placeholder:
            raise _fail(
                f"Teams needs https developer links; {site!r} is not (set SECBOT_PUBLIC_URL, "
                "pass --website-url, or --placeholder)"
            )
        site = PLACEHOLDER_URL
    write_package(output, bot_id=bot, website_url=site)
    err.print(f"wrote {output} (bot id {bot})")
    if bot == PLACEHOLDER_BOT_ID or site == PLACEHOLDER_URL:
        err.print("[yellow]placeholders used: fill in the real bot id and URL before publishing[/]")
