"""`secbot slack …`: set-up help for the Slack app."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from bot.settings import get_settings

slack_app = typer.Typer(help="Slack app set-up.", no_args_is_help=True)


@slack_app.command("manifest")
def manifest(
    url: Annotated[
        str | None,
        typer.Option(help="Public https URL of this server; default SECBOT_PUBLIC_URL."),
    ] = None,
    socket_mode: Annotated[
        bool, typer.Option("--socket-mode", help="Connect by Socket Mode (no public URL).")
    ] = False,
) -> None:
    """Print the Slack app manifest (YAML) to paste at api.slack.com/apps → Create New App."""
    from handlers.slack.manifest import manifest_yaml

    if url is not None and not url.startswith(("https://", "http://")):
        typer.echo(f"error: --url must start with https:// (got {url!r})", err=True)
        raise typer.Exit(2)
    sys.stdout.write(manifest_yaml(url=url or get_settings().public_url, socket_mode=socket_mode))
