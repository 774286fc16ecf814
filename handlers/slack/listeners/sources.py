"""The admins' calendar sources in Slack: Add (a modal), Sync now and Remove on the App Home.
Everybody else is refused, even with a forged payload. Syncs run after the ack, in a worker
thread, and their outcome goes to the admin by direct message."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlmodel import Session

from bot import sources
from handlers.slack.deps import SlackDeps, deps_of, log
from handlers.slack.listeners.actions import reply_privately
from handlers.slack.sources import (
    ADD_SOURCE,
    REMOVE_SOURCE,
    SOURCE_MODAL,
    SYNC_SOURCE,
    field_of,
    source_modal,
    submitted,
)
from storage import sources as store

NOT_ADMIN = "Only secretariat admins can manage calendar sources."


def register(app: Any) -> None:
    app.action(ADD_SOURCE)(on_add)
    app.action(SYNC_SOURCE)(on_sync)
    app.action(REMOVE_SOURCE)(on_remove)
    app.view(SOURCE_MODAL)(on_submitted)


def _admin(deps: SlackDeps, body: dict[str, Any]) -> str | None:
    user = str(body["user"]["id"])
    if deps.is_admin(user):
        return user
    log.warning("refused %s on calendar sources from non-admin %s", body.get("type"), user)
    return None


def outcome_text(report: sources.SyncReport) -> str:
    """One message for the admin: what a sync did."""
    if report.outcome == "failed":
        return f"{report.source}: the sync failed ({report.error}); nothing was changed."
    if report.outcome == "busy":
        return f"{report.source}: {report.error}; try again in a moment."
    if report.outcome == "unchanged":
        return f"{report.source}: unchanged since the last sync."
    counts = ", ".join(f"{v} {k}" for k, v in report.counts.items() if v) or "nothing changed"
    text = f"{report.source}: synced {report.events} event(s): {counts}."
    if report.errors:
        text += f" {len(report.errors)} event(s) could not be read: {report.errors[0]}"
    return text


async def _sync_and_tell(deps: SlackDeps, client: Any, user: str, name: str) -> None:
    def run() -> sources.SyncReport | None:
        with Session(deps.engine) as session:
            found = store.get_source(session, name=name)
            source_id = found.id if found else None
        if source_id is None:
            return None
        policy = sources.SyncPolicy.from_settings(deps.runtime.settings)
        return sources.sync(deps.engine, source_id=source_id, now=deps.now(), policy=policy)

    report = await asyncio.to_thread(run)
    text = outcome_text(report) if report else f"No calendar source named {name!r} any more."
    await client.chat_postMessage(channel=user, text=text)


async def on_add(ack: Any, body: dict[str, Any], context: Any, client: Any, respond: Any) -> None:
    await ack()
    if _admin(deps_of(context), body) is None:
        await reply_privately(body, client, respond, NOT_ADMIN)
        return
    await client.views_open(trigger_id=body["trigger_id"], view=source_modal())


async def on_sync(
    ack: Any, body: dict[str, Any], action: dict[str, Any], context: Any, client: Any,
    respond: Any,
) -> None:  # fmt: skip
    await ack()
    deps = deps_of(context)
    user = _admin(deps, body)
    if user is None:
        await reply_privately(body, client, respond, NOT_ADMIN)
        return
    await _sync_and_tell(deps, client, user, str(action.get("value") or ""))


async def on_remove(
    ack: Any, body: dict[str, Any], action: dict[str, Any], context: Any, client: Any,
    respond: Any,
) -> None:  # fmt: skip
    await ack()
    deps = deps_of(context)
    if _admin(deps, body) is None:
        await reply_privately(body, client, respond, NOT_ADMIN)
        return
    name = str(action.get("value") or "")

    def remove() -> str:
        with Session(deps.engine) as session:
            try:
                kept = store.remove_source(session, name=name)
            except store.SourceError as e:
                return str(e)
            session.commit()
        return f"No longer following {name}; its {kept} meeting(s) stay."

    await reply_privately(body, client, respond, await asyncio.to_thread(remove))


async def on_submitted(
    ack: Any, body: dict[str, Any], view: dict[str, Any], context: Any, client: Any
) -> None:
    """Add the source (errors go back onto the fields, nothing written), then sync it."""
    deps = deps_of(context)
    user = _admin(deps, body)
    if user is None:
        await ack(response_action="errors", errors={"url": NOT_ADMIN})
        return
    fields = submitted(view)

    def add() -> tuple[str | None, dict[str, str]]:
        with Session(deps.engine) as session:
            try:
                source = sources.add_source(
                    session, url=fields["url"] or "", name=fields["name"],
                    every=fields["every"] or sources.DEFAULT_EVERY,
                    api_token=fields["api_token"], now=deps.now(),
                )  # fmt: skip
            except ValueError as e:
                return None, {field_of(str(e)): str(e)[:150]}
            session.commit()
            return source.name, {}

    name, errors = await asyncio.to_thread(add)
    if name is None:
        await ack(response_action="errors", errors=errors)
        return
    await ack()
    await _sync_and_tell(deps, client, user, name)
