"""What only the person asking may see, and who manages a Teams conversation.

`send_to_person` sends an activity to the 1:1 chat between the bot and the sender of the
current turn: the connector's create-conversation call returns that chat (Teams gives the
existing one when there is one), and the message goes through the adapter, so it is throttled
and retried like every other send. Private answers asked for in a channel or group chat go
there, and the group hears only that they were sent privately.

`is_owner` reads the conversation roster: for a team channel, the team's member record of
the asker (`GET /v3/conversations/{team id}/members/{user id}`), for a group chat the chat's.
A member counts as an owner when the record says `userRole: owner` or has `owner` among
`roles` (the Microsoft Graph conversationMember shape).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from microsoft_agents.activity import (
    Activity,
    ChannelAccount,
    ConversationAccount,
    ConversationParameters,
)
from microsoft_agents.hosting.core import TurnContext

log = logging.getLogger(__name__)

SENT_PRIVATELY = "I've sent it to you privately, in our 1:1 chat."
CONNECTOR_CLIENT = "ConnectorClient"  # where the adapter keeps the turn's connector client


def _connector(context: TurnContext) -> Any:
    connector = context.turn_state.get(CONNECTOR_CLIENT)
    if connector is None:
        raise LookupError("no Bot Connector client in this turn")
    return connector


def _tenant(activity: Activity) -> str | None:
    if activity.conversation and activity.conversation.tenant_id:
        return str(activity.conversation.tenant_id)
    data = activity.channel_data
    tenant = data.get("tenant") if isinstance(data, dict) else getattr(data, "tenant", None)
    value = tenant.get("id") if isinstance(tenant, dict) else getattr(tenant, "id", None)
    return str(value) if value else None


async def send_to_person(context: TurnContext, message: Activity) -> str:
    """Send `message` to the asker's 1:1 chat with the bot; return that chat's id."""
    turn = context.activity
    if turn.from_property is None or not turn.from_property.id:
        raise LookupError("the activity names no sender")
    tenant = _tenant(turn)
    parameters = ConversationParameters(
        is_group=False,
        agent=turn.recipient,
        members=[ChannelAccount(id=turn.from_property.id)],
        tenant_id=tenant,
        channel_data={"tenant": {"id": tenant}} if tenant else None,
    )
    created = await _connector(context).conversations.create_conversation(parameters)
    reference = turn.get_conversation_reference()
    reference.conversation = ConversationAccount(
        id=created.id, conversation_type="personal", tenant_id=tenant
    )
    reference.activity_id = None
    continuation = reference.get_continuation_activity()
    continuation.id = None  # a new message in the 1:1 chat, not a reply

    async def deliver(one_to_one: TurnContext) -> None:
        await one_to_one.send_activity(message)

    await context.adapter.continue_conversation_with_claims(context.identity, continuation, deliver)
    return str(created.id)


def _says_owner(member: Any) -> bool:
    extra = getattr(member, "model_extra", None) or {}
    role = getattr(member, "user_role", None) or extra.get("userRole") or ""
    roles = extra.get("roles") or []
    return str(role).lower() == "owner" or "owner" in [str(r).lower() for r in roles]


async def is_owner(context: TurnContext, *, roster: str, user_id: str) -> bool:
    """Whether `user_id` is an owner in `roster` (a team id or a group chat's id)."""
    member = await _connector(context).conversations.get_conversation_member(roster, user_id)
    return _says_owner(member)


def manages_from_thread(
    context: TurnContext,
    *,
    conversation: str,
    roster: str | None,
    personal: bool,
    loop: asyncio.AbstractEventLoop,
    timeout: float = 10.0,
) -> Callable[[str], bool]:
    """`Asker.manages` for the core (which runs in a worker thread): the asker manages their
    own 1:1 chat, and a channel or group chat when the roster says they own it. Only the
    conversation of this turn can be told; any other is not."""
    user = context.activity.from_property.id if context.activity.from_property else None

    def manages(channel: str) -> bool:
        if channel != f"teams:{conversation}" or not user:
            return False
        if personal:
            return True
        if not roster:
            return False
        check = is_owner(context, roster=roster, user_id=user)
        return asyncio.run_coroutine_threadsafe(check, loop).result(timeout)

    return manages
