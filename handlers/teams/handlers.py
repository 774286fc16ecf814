"""Teams conversation handlers on an Agents SDK `AgentApplication`.

The callbacks are plain async functions taking the turn context and a `TeamsDeps`; `register`
wires them onto an application, so tests drive them through the SDK's TestAdapter or over HTTP
without importing a global app. They answer 1:1 chats and @mentions in channels and group chats
(the SDK strips the bot's mention from the text), turn card buttons into core chat commands,
greet new conversations, and remember every conversation reference in the database so
reminders can reach it proactively after a restart.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from microsoft_agents.activity import Activity, ActivityTypes, Channels, ConversationUpdateTypes
from microsoft_agents.hosting.core import (
    AgentApplication,
    CardFactory,
    MessageFactory,
    RouteHandler,
    RouteRank,
    TurnContext,
    TurnState,
)
from microsoft_agents.hosting.core.app.proactive import Conversation
from microsoft_agents.hosting.msteams import TeamsAgentExtension, TeamsTurnContext
from microsoft_agents.hosting.msteams._utils import _try_get_channel_data
from sqlalchemy import Engine

from bot.assistant import RespondFn, reads_only, respond
from bot.button_commands import command_for
from bot.clock import Clock
from bot.conversation import Asker
from bot.runtime import Runtime
from handlers.teams import private
from handlers.teams.cards import answer_card, greeting_card, text_card
from storage import db, places
from storage import teams as teams_store

log = logging.getLogger(__name__)

BUTTON_VERBS = re.compile(r"^(ask|calendar|remind|subscribe|dated)$")
SORRY = "Sorry, something went wrong on my side. Please try again in a moment."
NO_PRIVATE_CHAT = (
    "That answer is for you alone, and I could not reach you in a 1:1 chat. Open a chat with "
    "me (search for secbot under Apps) and ask there."
)
STALE_BUTTON = "That button no longer works. Ask me again and use the buttons on the new answer."


REFERENCE_REFRESH = timedelta(minutes=10)  # a stored reference unchanged this long is rewritten
REFERENCES_KEPT = 10_000  # conversations whose last saved reference a process remembers


@dataclass
class TeamsDeps:
    runtime: Runtime
    respond: RespondFn = respond
    reads_only: Callable[[str, Runtime], bool] = reads_only
    # conversation id → (its reference's values, when they were saved): an unchanged
    # reference is not written again on every message, only every REFERENCE_REFRESH
    saved_references: OrderedDict[str, tuple[dict[str, Any], datetime]] = field(
        default_factory=OrderedDict
    )

    @property
    def engine(self) -> Engine:
        return self.runtime.engine

    @property
    def clock(self) -> Clock:
        return self.runtime.clock

    @property
    def public_url(self) -> str:
        return self.runtime.settings.public_url


# --- reading an activity ----------------------------------------------------------------------


def conversation_kind(activity: Activity) -> str:
    """personal | channel | groupChat (Teams sets conversationType; others only isGroup)."""
    conv = activity.conversation
    kind = conv.conversation_type if conv else None
    if kind:
        return str(kind)
    return "groupChat" if conv and conv.is_group else "personal"


def user_key(activity: Activity) -> str | None:
    """The user's stable key across secbot (`teams:<Teams user id>`), as `Asker.key` makes it."""
    user = activity.from_property
    return f"teams:{user.id}" if user and user.id else None


def team_id(activity: Activity) -> str | None:
    data = activity.channel_data
    team = data.get("team") if isinstance(data, Mapping) else getattr(data, "team", None)
    value = team.get("id") if isinstance(team, Mapping) else getattr(team, "id", None)
    return str(value) if value else None


def mentions_bot(activity: Activity) -> bool:
    bot_id = activity.recipient.id if activity.recipient else None
    return any(m.mentioned and m.mentioned.id == bot_id for m in activity.get_mentions())


def user_timezone(activity: Activity) -> str | None:
    """The zone the Teams client reports (`localTimezone`), if it is a known IANA name. None
    otherwise, not SECBOT_DEFAULT_TZ: the core uses the default for "today" and would else
    record it as the person's profile zone (bot.profiles)."""
    zone = activity.local_timezone
    return zone if places.zone(zone) else None


def asker_for(
    activity: Activity, deps: TeamsDeps, manages: Callable[[str], bool] | None = None
) -> Asker:
    """The asker; SECBOT_ADMINS may name Teams users by id (`29:…`) or Entra object id."""
    user = activity.from_property
    conversation = activity.conversation.id if activity.conversation else None
    ids = {user.id, user.aad_object_id} - {None, ""} if user else set()
    return Asker(
        user_id=user.id if user else None,
        platform="teams",
        timezone=user_timezone(activity),
        is_admin=bool(ids & deps.runtime.settings.admins),
        channel_id=conversation,
        conversation=f"teams:{conversation}" if conversation else None,
        manages=manages,
    )


def roster_of(activity: Activity) -> str | None:
    """Whose roster tells the owners: a channel's team, else the (group) chat itself."""
    if conversation_kind(activity) == "channel":
        return team_id(activity)
    return activity.conversation.id if activity.conversation else None


# --- doing things -----------------------------------------------------------------------------


def card_message(card: dict[str, Any], summary: str) -> Activity:
    reply = MessageFactory.attachment(CardFactory.adaptive_card(card))
    reply.summary = summary[:200]
    return reply


async def remember_conversation(context: TurnContext, deps: TeamsDeps) -> None:
    """Store (or refresh) this conversation's reference for proactive messages."""
    activity = context.activity
    conversation = Conversation.from_turn_context(context)
    try:
        conversation.validate()
    except ValueError:
        return  # no service URL or conversation id: nothing we could reach later
    kind = conversation_kind(activity)
    reference = conversation.conversation_reference
    values: dict[str, Any] = {
        "conversation_id": reference.conversation.id,
        "kind": kind,
        "service_url": reference.service_url,
        "conversation": conversation.store_item_to_json(),
        "user_key": user_key(activity) if kind == "personal" else None,
        "tenant_id": reference.conversation.tenant_id,
        "team_id": team_id(activity),
    }
    now = deps.clock.now()
    same = _lasting(values)
    saved = deps.saved_references.get(values["conversation_id"])
    if saved is not None and saved[0] == same and now - saved[1] < REFERENCE_REFRESH:
        return

    def save() -> None:
        with db.session_scope(deps.engine) as session:
            teams_store.save_conversation(session, **values, now=now)

    await asyncio.to_thread(save)
    deps.saved_references[values["conversation_id"]] = (same, now)
    deps.saved_references.move_to_end(values["conversation_id"])
    while len(deps.saved_references) > REFERENCES_KEPT:
        deps.saved_references.popitem(last=False)


def _lasting(values: dict[str, Any]) -> dict[str, Any]:
    """A reference's values without what changes with every message (the activity and
    request ids), which proactive messages do not need."""
    stored = values["conversation"]
    reference = dict(stored.get("conversation_reference") or {})
    reference.pop("activityId", None)
    reference.pop("requestId", None)
    return {**values, "conversation": {**stored, "conversation_reference": reference}}


async def reply_with_answer(context: TurnContext, deps: TeamsDeps, question: str) -> None:
    """Send the answer, then record what the turn taught (`Turn.record`: the asker's zone, the
    conversation's memory), so the reply does not wait for those writes. A question that only
    reads (`reads_only`) is answered here on the event loop, sparing it the hop to a worker
    thread and back; commands, which may write and wait for a lock, are answered on a thread."""
    activity = context.activity
    personal = conversation_kind(activity) == "personal"
    in_place = deps.reads_only(question, deps.runtime)
    manages = None
    if not in_place:  # `manages` waits on this loop: only a worker thread may call it
        manages = private.manages_from_thread(
            context,
            conversation=activity.conversation.id if activity.conversation else "",
            roster=roster_of(activity),
            personal=personal,
            loop=asyncio.get_running_loop(),
        )
    asker = asker_for(activity, deps, manages)
    ask = partial(deps.respond, question, runtime=deps.runtime, asker=asker, now=deps.clock.now())
    turn = ask() if in_place else await asyncio.to_thread(ask)
    result = turn.answer
    try:
        card = answer_card(result, public_url=deps.public_url)
        if result.private and not personal:
            await reply_privately(context, card_message(card, result.text))
        else:
            await context.send_activity(card_message(card, result.text))
    finally:
        await asyncio.to_thread(turn.record)


async def reply_privately(context: TurnContext, message: Activity) -> None:
    """A private answer asked for in a channel or group chat: to the asker's 1:1 chat; the
    group hears only that it was sent (or how to get it), never the answer itself."""
    try:
        await private.send_to_person(context, message)
        note = private.SENT_PRIVATELY
    except Exception as e:  # not installed for the person, connector down: say so, no link
        log.warning("could not open a 1:1 chat with the asker: %s", e)
        note = NO_PRIVATE_CHAT
    await context.send_activity(card_message(text_card(note), note))


async def on_message(context: TurnContext, state: TurnState, deps: TeamsDeps) -> None:
    """Answer, then remember the conversation (after the reply, so it does not wait for that
    write; still when answering failed)."""
    activity = context.activity
    if conversation_kind(activity) != "personal" and not mentions_bot(activity):
        return  # in channels and group chats, only answer when @mentioned
    question = (activity.text or "").strip() or "help"
    try:
        await reply_with_answer(context, deps, question)
    finally:
        await remember_conversation(context, deps)


async def on_button(context: TurnContext, state: TurnState, data: Any, deps: TeamsDeps) -> None:
    """An Action.Submit: its data becomes the chat command it stands for."""
    try:
        command = command_for(data) if isinstance(data, Mapping) else None
        if command is None:
            await context.send_activity(card_message(text_card(STALE_BUTTON), STALE_BUTTON))
            return
        await reply_with_answer(context, deps, command)
    finally:
        await remember_conversation(context, deps)


async def on_members_added(context: TurnContext, state: TurnState, deps: TeamsDeps) -> None:
    """Greet once: when the bot is installed, or when a user opens a 1:1 chat with it."""
    activity = context.activity
    added = activity.members_added or []
    bot_id = activity.recipient.id if activity.recipient else None
    bot_added = any(m.id == bot_id for m in added)
    user_added = any(m.id != bot_id for m in added)
    if not (bot_added or (user_added and conversation_kind(activity) == "personal")):
        return
    await remember_conversation(context, deps)
    card = greeting_card()
    await context.send_activity(card_message(card, card["fallbackText"]))


async def on_error(context: TurnContext, error: Exception) -> None:
    """Log the error; the user gets a short apology, never a stack trace."""
    log.error("Teams turn failed: %s", error, exc_info=error)
    try:
        await context.send_activity(SORRY)
    except Exception:
        log.exception("could not send the apology either")


# --- wiring -----------------------------------------------------------------------------------


def _bind(func: Callable[..., Any], deps: TeamsDeps) -> Callable[..., Any]:
    async def handler(*args: Any) -> None:
        await func(*args, deps)

    handler.__name__ = func.__name__
    return handler


class TeamsContext(TeamsTurnContext):
    """The msteams extension's turn context without the Teams API client it builds for every
    turn (an httpx client with its own connection pool: milliseconds to make and close).
    Nothing here calls it: our calls to Teams (1:1 chats, rosters) use the turn's Bot
    Connector client, so `context.api_client` raises here."""

    def __init__(self, context: TurnContext, app: AgentApplication[Any]) -> None:
        super(TeamsTurnContext, self).__init__(context)  # the wrapper, not the client
        self._app = app
        self._set_teams_activity()


class TeamsRoutes(TeamsAgentExtension[TurnState]):
    """The msteams extension, its handlers getting a `TeamsContext` (no Teams API client)."""

    def _configure_app(self) -> None:
        async def on_before_turn(context: TurnContext, state: TurnState) -> bool:
            if context.activity.channel_id == Channels.ms_teams:
                # as the extension does: Teams' channel data parsed once, for its routes
                context.activity.channel_data = _try_get_channel_data(context.activity)
            return True

        self._app.before_turn(on_before_turn)

    def _wrap_decorator(
        self, decorator: Callable[[RouteHandler[TurnState]], RouteHandler[TurnState]]
    ) -> Callable[..., RouteHandler[TurnState]]:
        def wrap(func: Callable[..., Awaitable[None]]) -> RouteHandler[TurnState]:
            async def handler(context: TurnContext, state: TurnState) -> None:
                await func(TeamsContext(context, self._app), state)

            return decorator(handler)

        return wrap


def register(app: AgentApplication[TurnState], deps: TeamsDeps) -> TeamsAgentExtension[TurnState]:
    """Attach the handlers to `app`; Teams routes go through the msteams extension."""
    teams = TeamsRoutes(app)
    app.adaptive_card.action_submit(BUTTON_VERBS)(_bind(on_button, deps))
    teams.conversation_update(ConversationUpdateTypes.MEMBERS_ADDED)(_bind(on_members_added, deps))
    teams.activity(ActivityTypes.message, rank=RouteRank.LAST)(_bind(on_message, deps))
    app.error(on_error)
    return teams
