"""Who may do what beyond their own things. The one hook so far: setting reminders or an
agenda (digest) for a whole channel. Issue 17 (rights checks) implements the rule; until then
anyone in a channel may, as before."""

from __future__ import annotations

from bot.conversation import Asker


def may_set_channel_wide(asker: Asker, channel: str) -> bool:
    """Whether `asker` may set reminders or an agenda that post to `channel` ("slack:C123",
    "teams:19:…") for everyone in it."""
    return True


REFUSED = "Only the channel's managers or secretariat admins can set that up for the whole channel."
