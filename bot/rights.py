"""Who may do what beyond their own things. The one hook so far: setting reminders or an
agenda (digest) for a whole channel, which everyone in it then receives.

With SECBOT_CHANNEL_WIDE_BY=owners (the default) only secretariat admins (SECBOT_ADMINS) and
the channel's managers may: the surface tells who manages a channel through `Asker.manages`
(Slack: the channel's creator or a workspace admin/owner; Teams: a team owner in the roster).
With `anyone`, everybody in the channel may, as before.
"""

from __future__ import annotations

import logging
from typing import Literal

from bot.conversation import Asker

log = logging.getLogger(__name__)

ChannelWideBy = Literal["owners", "anyone"]


def may_set_channel_wide(asker: Asker, channel: str, *, by: ChannelWideBy = "owners") -> bool:
    """Whether `asker` may set reminders or an agenda that post to `channel` ("slack:C123",
    "teams:19:…") for everyone in it. When the surface cannot tell, the answer is no."""
    if by == "anyone" or asker.is_admin:
        return True
    if asker.manages is None:
        return False
    try:
        return bool(asker.manages(channel))
    except Exception as e:  # the platform could not be asked: refuse rather than guess
        log.warning("could not tell whether %s manages %s: %s", asker.key, channel, e)
        return False


REFUSED = (
    "Only the channel's managers (its creator or a workspace admin in Slack, a team owner in "
    "Teams) or secretariat admins can set that up for the whole channel. You can still set it "
    "up for yourself: say “send me a daily agenda” or “remind me 3 days before the next "
    "session”."
)
