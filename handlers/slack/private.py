"""Answers only the asker may see (`Answer.private`: a private calendar link).

In a direct message with the bot they are answered as usual. Anywhere else (a channel, a
thread, a group DM) they go to the asker in a direct message (conversations.open +
chat.postMessage), or, when that fails, as an ephemeral message beside the question; the
thread only hears that it was sent privately. The link itself never reaches the channel.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger("secbot.slack")

SENT_PRIVATELY = "I've sent it to you privately, in a direct message from me."
SHOWN_PRIVATELY = "I've sent it to you privately: only you can see it."


def is_direct(channel: str, channel_type: str | None = None) -> bool:
    """A direct message between one person and the bot (Slack's `D…` channels)."""
    return channel_type == "im" or channel.startswith("D")


async def send_privately(
    client: Any, *, user: str, channel: str, thread_ts: str | None, message: dict[str, Any]
) -> None:
    """Send `message` to `user` alone and say so in `channel`'s thread."""
    try:
        opened = await client.conversations_open(users=user)
        direct = (opened.get("channel") or {}).get("id")
        if not direct:
            raise LookupError("conversations.open gave no channel")
        await client.chat_postMessage(channel=direct, **message)
        note = SENT_PRIVATELY
    except Exception as e:  # DMs turned off, a missing scope: only the asker sees it here
        log.warning("could not send %s a direct message (%s); answering ephemerally", user, e)
        await client.chat_postEphemeral(channel=channel, user=user, thread_ts=thread_ts, **message)
        note = SHOWN_PRIVATELY
    await client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=note)
