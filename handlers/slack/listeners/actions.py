"""Buttons and menus on answers and the App Home.

Remind me / Subscribe become chat commands for the core (`answer()`), so they work as soon as
the core understands them; paging and sharing re-ask the question; Edit / Add meeting open the
admins' modal and are refused to everybody else, even when forged.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from sqlmodel import Session

from bot.button_commands import command_for
from handlers.slack.blocks import (
    ADD_MEETING,
    ADD_TO_CALENDAR,
    ADD_TO_GOOGLE,
    ADD_TO_OUTLOOK,
    ASK_ABOUT,
    CALENDAR_LINK,
    EDIT_MEETING,
    REMIND_ME,
    SHARE_IN_CHANNEL,
    SHOW_MORE,
    SHOW_PREVIOUS,
    SUBSCRIBE,
    TELL_WHEN_DATED,
    answer_message,
    escape,
    read_page_value,
)
from handlers.slack.blocks import context as context_block
from handlers.slack.deps import SlackDeps, conversation_key, deps_of, log
from handlers.slack.modal import meeting_modal
from storage import repo
from storage.models import Meeting

NOT_ADMIN = "Only secretariat admins can add or edit meetings."
SHOWN_UPCOMING = 5


def register(app: Any) -> None:
    app.action(ADD_TO_CALENDAR)(on_link)
    app.action(ADD_TO_GOOGLE)(on_link)
    app.action(ADD_TO_OUTLOOK)(on_link)
    app.action(TELL_WHEN_DATED)(on_tell_when_dated)
    app.action(ASK_ABOUT)(on_ask_about)
    app.action(REMIND_ME)(on_remind)
    app.action(CALENDAR_LINK)(on_calendar_link)
    app.action(SUBSCRIBE)(on_subscribe)
    app.action(SHOW_MORE)(on_page)
    app.action(SHOW_PREVIOUS)(on_page)
    app.action(SHARE_IN_CHANNEL)(on_share)
    app.action(EDIT_MEETING)(on_edit)
    app.action(ADD_MEETING)(on_add)


def _user(body: dict[str, Any]) -> str:
    return str(body["user"]["id"])


async def reply_privately(body: dict[str, Any], client: Any, respond: Any, text: str) -> None:
    """Only the clicker sees it: ephemeral beside the message, or a DM from the App Home."""
    container = body.get("container") or {}
    user = _user(body)
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    if container.get("type") == "view" or not channel:
        await client.chat_postMessage(channel=user, text=text)
    elif container.get("is_ephemeral") and body.get("response_url"):
        await respond(response_type="ephemeral", replace_original=False, text=text)
    else:
        thread = container.get("thread_ts") or (body.get("message") or {}).get("thread_ts")
        await client.chat_postEphemeral(channel=channel, user=user, text=text, thread_ts=thread)


async def _meeting(deps: SlackDeps, meeting_id: str) -> Meeting | None:
    def load() -> Meeting | None:
        with Session(deps.engine) as session:
            found = repo.get_meeting(session, meeting_id=meeting_id)
            if found is not None:
                session.expunge(found)
            return found

    return await asyncio.to_thread(load)


async def _command(
    body: dict[str, Any], client: Any, respond: Any, deps: SlackDeps, question: str
) -> None:
    """Send a chat command to the core as the clicker and show them its reply."""
    user = _user(body)
    await deps.timezones.get(client, user)  # the profile zone the core keeps for reminders
    channel = (body.get("channel") or {}).get("id")
    answer = await deps.ask(
        question, user_id=user, channel_id=channel, conversation=_conversation(body), client=client
    )
    await reply_privately(body, client, respond, answer.text)


def _conversation(body: dict[str, Any]) -> str | None:
    """The conversation a button was pressed in (its thread), for what it says to follow up."""
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    if not channel:
        return None
    message = body.get("message") or {}
    return conversation_key(str(channel), message.get("thread_ts") or container.get("thread_ts"))


async def on_link(ack: Any) -> None:
    """URL buttons (Add to calendar) open in the browser; Slack still wants an ack."""
    await ack()


async def on_remind(
    ack: Any,
    body: dict[str, Any],
    action: dict[str, Any],
    context: Any,
    client: Any,
    respond: Any,
) -> None:
    """Remind me (1 day … 2 weeks before): option values are `meeting-id|days`."""
    await ack()
    value = (action.get("selected_option") or {}).get("value") or ""
    meeting_id, _, days = str(value).partition("|")
    command = command_for({"verb": "remind", "meeting_id": meeting_id, "days": days})
    if command:
        await _command(body, client, respond, deps_of(context), command)


async def on_tell_when_dated(
    ack: Any, body: dict[str, Any], action: dict[str, Any], context: Any, client: Any, respond: Any
) -> None:
    """An undated meeting's "Tell me when dates are set": a notice once it has dates."""
    await ack()
    command = command_for({"verb": "dated", "meeting_id": str(action.get("value") or "")})
    if command:
        await _command(body, client, respond, deps_of(context), command)


async def on_ask_about(
    ack: Any, body: dict[str, Any], action: dict[str, Any], context: Any, client: Any, respond: Any
) -> None:
    """A suggestion's "Ask about it": what that meeting is, for the clicker."""
    await ack()
    command = command_for({"verb": "ask", "question": str(action.get("value") or "")})
    if command:
        await _command(body, client, respond, deps_of(context), command)


async def on_subscribe(
    ack: Any,
    body: dict[str, Any],
    action: dict[str, Any],
    context: Any,
    client: Any,
    respond: Any,
) -> None:
    """Subscribe to meetings like this one (its region, else its kind): the value is the payload."""
    await ack()
    try:
        payload = json.loads(str(action.get("value") or ""))
    except ValueError:
        payload = None
    command = command_for(payload) if isinstance(payload, dict) else None
    if command:
        await _command(body, client, respond, deps_of(context), command)


async def on_calendar_link(
    ack: Any, body: dict[str, Any], context: Any, client: Any, respond: Any
) -> None:
    """App Home: ask the core for the person's private calendar link."""
    await ack()
    await _command(body, client, respond, deps_of(context), "give me the calendar link")


async def _reanswer(
    deps: SlackDeps, client: Any, body: dict[str, Any], value: str, *, admin_controls: bool
) -> tuple[Any, Any, int, int]:
    user = _user(body)
    viewer = await deps.viewer(client, user, admin_controls=admin_controls)
    question, offset, size = read_page_value(value)
    if question:
        channel = (body.get("channel") or {}).get("id")
        answer = await deps.ask(
            question, user_id=user, channel_id=channel, conversation=_conversation(body),
            client=client,
        )  # fmt: skip
    else:
        answer = await deps.upcoming(tz=viewer.timezone, limit=SHOWN_UPCOMING)
    return answer, viewer, offset, size


async def on_page(
    ack: Any, body: dict[str, Any], action: dict[str, Any], context: Any, client: Any, respond: Any
) -> None:
    """Show more / Previous: the same question, another page, in place of the message."""
    await ack()
    ephemeral = bool((body.get("container") or {}).get("is_ephemeral"))
    answer, viewer, offset, size = await _reanswer(
        deps_of(context), client, body, str(action.get("value") or ""), admin_controls=ephemeral
    )
    if answer.private:  # a forged value asking for a calendar link: never in place
        await reply_privately(body, client, respond, answer.text)
        return
    message = answer_message(answer, viewer, offset=offset, page_size=size, shareable=ephemeral)
    await respond(replace_original=True, **message)


async def on_share(
    ack: Any, body: dict[str, Any], action: dict[str, Any], context: Any, client: Any, respond: Any
) -> None:
    """Post what an ephemeral /meetings answer showed for everyone in the channel."""
    await ack()
    answer, viewer, offset, size = await _reanswer(
        deps_of(context), client, body, str(action.get("value") or ""), admin_controls=False
    )
    if answer.private:  # a calendar link is the clicker's alone: never shared
        await reply_privately(body, client, respond, answer.text)
        return
    message = answer_message(answer, viewer, offset=offset, page_size=size)
    message["blocks"].insert(0, context_block(f"Shared by <@{escape(_user(body))}>"))
    await respond(response_type="in_channel", replace_original=False, **message)


async def _open_modal(
    body: dict[str, Any], client: Any, respond: Any, deps: SlackDeps, meeting_id: str | None
) -> None:
    user = _user(body)
    if not deps.is_admin(user):
        log.warning("refused %s: %s is not an admin", body.get("type"), user)
        await reply_privately(body, client, respond, NOT_ADMIN)
        return
    meeting = await _meeting(deps, meeting_id) if meeting_id else None
    if meeting_id and meeting is None:
        await reply_privately(body, client, respond, "That meeting no longer exists.")
        return
    await client.views_open(trigger_id=body["trigger_id"], view=meeting_modal(meeting))


async def on_edit(
    ack: Any, body: dict[str, Any], action: dict[str, Any], context: Any, client: Any, respond: Any
) -> None:
    await ack()
    await _open_modal(body, client, respond, deps_of(context), str(action.get("value") or ""))


async def on_add(ack: Any, body: dict[str, Any], context: Any, client: Any, respond: Any) -> None:
    await ack()
    await _open_modal(body, client, respond, deps_of(context), None)
