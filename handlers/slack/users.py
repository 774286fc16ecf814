"""A Slack user's profile time zone outside Bolt (the CLI): `users.info` through slack_sdk."""

from __future__ import annotations

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
