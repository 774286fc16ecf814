"""`secbot teams …`: the Teams app package."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from bot.settings import get_settings
from handlers.cli.common import err, fail
from handlers.teams.package import PLACEHOLDER_BOT_ID, write_package

teams_app = typer.Typer(help="Microsoft Teams: the app package.", no_args_is_help=True)

GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
PLACEHOLDER_URL = "https://example.org"


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
            raise fail(
                "no bot id: set CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID, pass "
                "--bot-id, or --placeholder for a try-out package",
                2,
            )
        bot = PLACEHOLDER_BOT_ID
    if not GUID.match(bot):
        raise fail(f"bot id {bot!r} is not a GUID (the Entra application id)", 2)
    site = website_url or settings.public_url
    if not site.startswith("https://"):
        if not placeholder:
            raise fail(
                f"Teams needs https developer links; {site!r} is not (set SECBOT_PUBLIC_URL, "
                "pass --website-url, or --placeholder)",
                2,
            )
        site = PLACEHOLDER_URL
    write_package(output, bot_id=bot, website_url=site)
    err.print(f"wrote {output} (bot id {bot})")
    if bot == PLACEHOLDER_BOT_ID or site == PLACEHOLDER_URL:
        err.print("[yellow]placeholders used: fill in the real bot id and URL before publishing[/]")
