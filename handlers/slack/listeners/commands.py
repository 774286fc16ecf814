"""Slash commands: `/meetings [question]`, answered privately with a Share button."""

from __future__ import annotations

from typing import Any

from handlers.slack.blocks import PAGE_SIZE, answer_message
from handlers.slack.deps import deps_of

COMMAND = "/meetings"
UPCOMING = 5  # `/meetings` alone: the next five meetings


def register(app: Any) -> None:
    app.command(COMMAND)(on_meetings)


async def on_meetings(
    ack: Any, command: dict[str, Any], context: Any, client: Any, respond: Any
) -> None:
    await ack()
    deps = deps_of(context)
    user = command["user_id"]
    viewer = await deps.viewer(client, user, admin_controls=True)
    question = (command.get("text") or "").strip()
    if question:
        answer = await deps.ask(
            question, user_id=user, channel_id=command.get("channel_id"), client=client
        )
        size = PAGE_SIZE
    else:
        answer = await deps.upcoming(tz=viewer.timezone, limit=UPCOMING)
        size = UPCOMING
    # a private answer (a calendar link) is ephemeral here, and offers no Share button
    message = answer_message(answer, viewer, page_size=size, shareable=not answer.private)
    await respond(response_type="ephemeral", **message)
