"""What `POST /slack/events` checks before Bolt sees a request.

Bolt parses a body before it checks the signature, and a body it cannot parse (not JSON, a
form whose `payload` is not JSON) or a timestamp that is not a number raised out of it as a
500. Here the signature is checked first, on the raw bytes (slack-sdk's `SignatureVerifier`),
so unsigned garbage gets 401 unread; a signed body must then be an object as Bolt reads it,
an interaction must name the user who acted (the listeners answer that user), and what Bolt
indexes blindly (an interaction's actions, a view, an event's message) must have the shape it
expects, else 400.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs

from slack_bolt.request.internals import parse_body
from slack_sdk.signature import SignatureVerifier

# payload types sent when someone presses, submits or picks something: they carry `user`
INTERACTIONS = frozenset(
    {
        "block_actions",
        "block_suggestion",
        "interactive_message",
        "message_action",
        "shortcut",
        "view_closed",
        "view_submission",
    }
)


# what Bolt indexes without looking when these are present: the first of an interaction's
# actions, a view's fields, an event's (previous) message
ACTIONS = frozenset({"block_actions", "interactive_message"})
EVENT_OBJECTS = ("message", "previous_message")


class Refused(Exception):
    """A request refused at the boundary: `status` and a short reason for the caller."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def ssl_check(body: bytes) -> bool:
    """Slack's `ssl_check=1` probe of a slash command URL, which Bolt answers (200, empty)
    before any verification."""
    return parse_qs(body.decode("latin-1")).get("ssl_check") == ["1"]


def verify(verifier: SignatureVerifier, body: bytes, headers: Mapping[str, str]) -> None:
    """Refuse (401) a request whose signature or timestamp is missing, malformed or wrong."""
    timestamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    if not (timestamp.isascii() and timestamp.isdigit() and signature):
        raise Refused(401, "missing or malformed Slack signature headers")
    if not verifier.is_valid(body=body, timestamp=timestamp, signature=signature):
        raise Refused(401, "invalid Slack signature or stale timestamp")


def check_payload(body: bytes, content_type: str | None) -> dict[str, Any]:
    """The payload as Bolt will read it; refuse (400) what Bolt or the listeners cannot use."""
    try:
        payload: Any = parse_body(body.decode("utf-8"), content_type)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise Refused(400, f"malformed body ({type(e).__name__})") from None
    if not isinstance(payload, dict):
        raise Refused(400, "the payload is not a JSON object")
    kind = payload.get("type")
    if kind in INTERACTIONS:
        user = payload.get("user")
        if not (isinstance(user, dict) and isinstance(user.get("id"), str) and user["id"]):
            raise Refused(400, f"{kind} without a user")
    if kind == "event_callback":
        event = payload.get("event")
        if not isinstance(event, dict):
            raise Refused(400, "event_callback without an event")
        if any(not isinstance(event.get(k), dict | None) for k in EVENT_OBJECTS):
            raise Refused(400, "an event whose message is not an object")
    if kind in ACTIONS and "actions" in payload:
        actions = payload["actions"]
        if not (isinstance(actions, list) and actions and isinstance(actions[0], dict)):
            raise Refused(400, f"{kind} whose actions are not a list of objects")
    if "view" in payload and not isinstance(payload["view"], dict):
        raise Refused(400, "a view that is not an object")
    return payload
