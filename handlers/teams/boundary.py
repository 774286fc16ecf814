"""What `POST /api/messages` checks around the Agents SDK, so that garbage gets 4xx, never 500.

- The token: the SDK's validator raises on some malformed tokens it does not expect (a JWT
  without `kid` is a `KeyError` inside it); any failure to validate is a 401 here.
- The activity: it must be an object the SDK's `Activity` model accepts, with what every turn
  reads (type, channelId, from.id, recipient.id, conversation.id, channelData an object) and
  an http(s) `serviceUrl` (replies go there), else 400.
- Local mode (no client id, anonymous requests): replies go only to a loopback `serviceUrl`
  (127.0.0.0/8, ::1, localhost), so an anonymous caller cannot make the bot POST elsewhere.
"""

from __future__ import annotations

import ipaddress
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from microsoft_agents.activity import Activity
from pydantic import ValidationError

log = logging.getLogger(__name__)


class _QuietValidation(logging.Filter):
    """The SDK's Activity model logs every invalid activity as an ERROR with a traceback;
    here an invalid activity is a 400 (logged by `check_activity`), not a server error."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Validation error for Activity")


logging.getLogger("microsoft_agents.activity.activity").addFilter(_QuietValidation())


class Refused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason

    def response(self) -> Response:
        return JSONResponse({"error": self.reason}, status_code=self.status)


async def authorize(request: Request, check: Callable[[Request], Awaitable[Any]]) -> Any:
    """Run the SDK's token check (`check`); its crashes on malformed tokens are a 401."""
    try:
        return await check(request)
    except Exception as e:  # the SDK's own failures are answered 401 inside `check`
        log.warning("Teams: token refused, the validator failed with %s", type(e).__name__)
        raise Refused(401, "Invalid token or authentication failed.") from None


def _parts(url: str) -> tuple[str, str]:
    """(scheme, host) of `url`; empty strings for what does not parse."""
    try:
        parts = urlsplit(url)
        return parts.scheme, parts.hostname or ""
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return "", ""


def is_loopback(url: str) -> bool:
    host = _parts(url)[1]
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1
    return address.is_loopback


async def check_activity(request: Request, *, local: bool) -> Activity:
    """The request's activity, or Refused(400) saying what is wrong with it."""
    try:
        body = await request.json()  # Starlette keeps it: the SDK reads the same copy
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise refused("the body is not JSON") from None
    if not isinstance(body, dict):
        raise refused("the activity is not a JSON object")
    try:
        activity = Activity.model_validate(body)
    except ValidationError as e:
        fields = sorted({".".join(str(p) for p in err["loc"]) or "activity" for err in e.errors()})
        raise refused(f"malformed activity: {', '.join(fields)[:200]}") from None
    except Exception as e:  # the model's own checks raise plain exceptions (sub-channel)
        raise refused(f"malformed activity: {e}"[:200]) from None
    if not (activity.type and activity.conversation and activity.conversation.id):
        raise refused("the activity needs a type and conversation.id")
    # what every turn reads (conversation state, references, Teams' channel data)
    if not (activity.channel_id and activity.from_property and activity.from_property.id):
        raise refused("the activity needs a channelId and from.id")
    if not (activity.recipient and activity.recipient.id):
        raise refused("the activity needs a recipient.id")
    if not isinstance(body.get("channelData", {}), dict):
        raise refused("channelData must be an object")
    service_url = activity.service_url or ""
    scheme, host = _parts(service_url)
    if scheme not in ("http", "https") or not host:
        raise refused("the activity needs an http(s) serviceUrl")
    if local and not is_loopback(service_url):
        raise refused("local mode replies only to a loopback serviceUrl")
    return activity


def refused(reason: str) -> Refused:
    log.info("Teams activity refused (400): %s", reason)
    return Refused(400, reason)
