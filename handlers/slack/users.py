"""What Slack's Web API tells about people and channels: a profile's time zone outside Bolt
(the CLI, `users.info` through slack_sdk), and who manages a channel (`bot.rights`)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from storage import places


def profile_timezone(*, token: str, base_url: str, user_id: str, timeout: int = 10) -> str:
    """The IANA zone on `user_id`'s Slack profile. Raises LookupError saying why when Slack
    cannot be asked or gives no usable zone."""
    client = WebClient(token=token, base_url=base_url, timeout=timeout)
    try:
        response = client.users_info(user=user_id)
    except SlackApiError as e:
        raise LookupError(f"Slack: {e.response.get('error') or e.response.status_code}") from None
    except OSError as e:  # refused, unreachable, timed out
        raise LookupError(f"Slack unreachable: {e}") from None
    zone = (response.get("user") or {}).get("tz")
    if not zone:
        raise LookupError("the Slack profile gives no time zone")
    if places.zone(zone) is None:
        raise LookupError(f"the Slack profile's time zone {zone!r} is unknown")
    return str(zone)


async def manages_channel(client: Any, *, user_id: str, channel: str) -> bool:
    """Whether `user_id` manages `channel` ("slack:C123"): a workspace admin or owner
    (users.info `is_admin`/`is_owner`), the channel's creator (conversations.info `creator`),
    or the person of a direct message with the bot. Web API errors propagate (bot.rights
    refuses then)."""
    platform, _, channel_id = channel.partition(":")
    if platform != "slack" or not channel_id:
        return False
    person = (await client.users_info(user=user_id)).get("user") or {}
    if person.get("is_admin") or person.get("is_owner") or person.get("is_primary_owner"):
        return True
    info = (await client.conversations_info(channel=channel_id)).get("channel") or {}
    if info.get("is_im"):
        return bool(info.get("user") == user_id)
    return bool(info.get("creator") and info.get("creator") == user_id)


def manages_from_thread(
    client: Any, user_id: str, loop: asyncio.AbstractEventLoop, *, timeout: float = 10.0
) -> Callable[[str], bool]:
    """`Asker.manages` for the core, which runs in a worker thread: each check is run on the
    event loop that owns the async Web API `client`."""

    def manages(channel: str) -> bool:
        check = manages_channel(client, user_id=user_id, channel=channel)
        return asyncio.run_coroutine_threadsafe(check, loop).result(timeout)

    return manages
