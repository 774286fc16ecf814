"""`secbot ask` and `secbot chat`: the question-answering core in the terminal."""

from __future__ import annotations

import contextlib
import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from handlers.cli.common import NowOpt
from storage import places

if TYPE_CHECKING:
    from bot.clock import Clock
    from bot.conversation import Asker
    from bot.runtime import Runtime

TzOpt = Annotated[
    str | None,
    typer.Option("--tz", help="Your IANA time zone (decides 'today'); default SECBOT_DEFAULT_TZ."),
]


ConversationOpt = Annotated[
    str | None,
    typer.Option(
        "--conversation",
        help="A name for the conversation: questions asked with the same name are follow-ups "
        '("who funds it?" after "when is the Lusaka meeting?").',
    ),
]


def _setup(
    now: str | None, tz: str | None, conversation: str | None = None
) -> tuple[Runtime, Clock, Asker]:

    from bot.clock import from_settings
    from bot.conversation import Asker
    from bot.runtime import open_runtime
    from bot.settings import get_settings

    settings = get_settings()
    zone = tz or settings.default_tz
    if places.zone(zone) is None:
        typer.echo(
            f"error: unknown time zone {zone!r} (use an IANA name like Europe/Zurich)", err=True
        )
        raise typer.Exit(2) from None
    try:
        runtime = open_runtime(now=None)
        clock = from_settings(now or settings.now, tz=zone)
    except ValueError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2) from None
    key = f"cli:{conversation.strip()[:200]}" if conversation and conversation.strip() else None
    return runtime, clock, Asker(platform="cli", user_id="cli", timezone=zone, conversation=key)


def ask(
    question: Annotated[str, typer.Argument(help="Your question, in plain words.")],
    now: NowOpt = None,
    tz: TzOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")] = False,
    conversation: ConversationOpt = None,
) -> None:
    """Ask a question about meetings, e.g. secbot ask "what's on next week?"."""
    from bot.assistant import answer

    runtime, clock, asker = _setup(now, tz, conversation)
    result = answer(question, runtime=runtime, asker=asker, now=clock.now())
    if as_json:
        sys.stdout.write(json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(result.text + "\n")


def chat(now: NowOpt = None, tz: TzOpt = None) -> None:
    """Talk to secbot in the terminal (history with the arrow keys; quit with Ctrl-D or 'quit')."""
    import uuid

    from bot.assistant import answer

    runtime, clock, asker = _setup(now, tz, f"chat-{uuid.uuid4().hex[:12]}")
    with contextlib.suppress(ImportError):  # no readline on Windows
        import readline  # noqa: F401  (line editing and history for input())
    interactive = sys.stdin.isatty()
    if interactive:
        sys.stdout.write("secbot: ask me about meetings ('help' for examples, 'quit' to leave).\n")
    while True:
        try:
            line = input("you> " if interactive else "")
        except (EOFError, KeyboardInterrupt):
            if interactive:
                sys.stdout.write("\n")
            return
        if line.strip().lower() in ("quit", "exit", "bye", ":q"):
            return
        if not line.strip():
            continue
        result = answer(line, runtime=runtime, asker=asker, now=clock.now())
        sys.stdout.write(f"secbot> {result.text}\n")
        sys.stdout.flush()
