"""Proactive Teams messages (reminders, notices) through stored conversation references.

The reference was written to the database when the user last talked to the bot, so this works
in a fresh process after a restart: it needs only the database and the Teams settings.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from microsoft_agents.activity import Activity, ResourceResponse
from microsoft_agents.hosting.core import CardFactory, MessageFactory, TurnContext, TurnState
from microsoft_agents.hosting.core.app.proactive import Conversation

from bot.conversation import Answer
from bot.runtime import Runtime
from handlers.teams.app import TeamsBot
from handlers.teams.cards import answer_card
from storage import db
from storage import teams as teams_store

log = logging.getLogger(__name__)

Message = str | dict[str, Any] | Answer | Activity


class NoConversation(LookupError):
    """The user never talked to the bot in a 1:1 chat, so there is nothing to continue."""


def as_activity(message: Message, *, public_url: str) -> Activity:
    """Text, an Adaptive Card (dict), an `Answer` (rendered as a card) or a ready Activity."""
    if isinstance(message, Activity):
        return message
    if isinstance(message, Answer):
        message = answer_card(message, public_url=public_url)
    if isinstance(message, dict):
        reply = MessageFactory.attachment(CardFactory.adaptive_card(message))
        reply.summary = str(message.get("fallbackText", ""))[:200] or None
        return reply
    return MessageFactory.text(message)


def _stored(bot: TeamsBot, *, user_key: str | None, conversation_id: str | None) -> Conversation:
    with db.session_scope(bot.runtime.engine) as session:
        if conversation_id:
            row = teams_store.get_conversation(session, conversation_id=conversation_id)
        else:
            row = teams_store.personal_conversation(session, user_key=user_key or "")
        if row is None:
            raise NoConversation(
                f"no Teams conversation stored for {conversation_id or user_key!r}"
            )
        conversation = Conversation.from_json_to_store_item(row.conversation)
    if not conversation.claims and bot.client_id:
        # stored in local mode; continue it as the configured bot identity
        conversation.claims = {"aud": bot.client_id, "appid": bot.client_id}
    return conversation


async def send_proactive(
    user_key: str,
    message: Message,
    *,
    bot: TeamsBot | None = None,
    runtime: Runtime | None = None,
    conversation_id: str | None = None,
) -> str | None:
    """Send `message` to the user's 1:1 chat (or to `conversation_id`); return the activity id.

    `user_key` is `Asker.key` for a Teams user (`teams:<user id>`). Pass the server's `bot`
    (`app.state.teams_bot`) when there is one; otherwise one is built from `runtime`.
    Raises `NoConversation` when there is no stored reference; connector errors propagate
    after the retries in `bot.teams_delivery`.
    """
    if bot is None:
        if runtime is None:
            raise ValueError("send_proactive needs the server's TeamsBot or a Runtime")
        bot = TeamsBot(runtime)
    conversation = await asyncio.to_thread(
        _stored, bot, user_key=user_key, conversation_id=conversation_id
    )
    activity = as_activity(message, public_url=bot.runtime.settings.public_url)
    # A continuation event without an id, so the message is posted as a new one
    # (POST …/activities), not as a reply to the synthetic event.
    continuation = conversation.conversation_reference.get_continuation_activity()
    continuation.id = None
    sent: list[ResourceResponse | None] = []

    async def deliver(context: TurnContext, state: TurnState) -> None:
        sent.append(await context.send_activity(activity))

    await bot.app.proactive.continue_conversation(
        bot.adapter, conversation, deliver, continuation_activity=continuation
    )
    return sent[0].id if sent and sent[0] else None
