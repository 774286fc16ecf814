"""What every `secbot` sub-command shares: consoles, the --now/--json options, the runtime,
JSON output and error exits."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

if TYPE_CHECKING:
    from bot.runtime import Runtime

out = Console()
err = Console(stderr=True, soft_wrap=True)

NowOpt = Annotated[
    str | None,
    typer.Option("--now", help="Act as if it were this instant (ISO date or date-time)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def cli_runtime(now: str | None = None, *, prepare: bool = True) -> Runtime:
    """Settings, clock and a ready database; a bad --now or setting exits 2 with its reason."""
    from bot.runtime import open_runtime

    try:
        return open_runtime(now=now, prepare=prepare)
    except ValueError as e:
        err.print(f"[red]error:[/red] {e}", highlight=False)
        raise typer.Exit(2) from None


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print `error: message` on stderr; raise the returned Exit."""
    err.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(code)
