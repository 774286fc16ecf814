"""Requests shaped like Slack's, signed like Slack signs them (v0 HMAC-SHA256)."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

import httpx
from slack_sdk.signature import SignatureVerifier

from bot.settings import Settings
from tests.fakes.slack_api import BOT_USER, TEAM, FakeSlack

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
API_APP = "A0SECBOT"
_ids = itertools.count(1)


def signed_headers(body: str, *, secret: str = SECRET, age: int = 0) -> dict[str, str]:
    """Slack's X-Slack-Request-Timestamp / X-Slack-Signature for `body`, `age` seconds old."""
    timestamp = str(int(time.time()) - age)  # Slack signs with the wall clock; Bolt checks it
    signature = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)
    assert signature is not None
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature}


def post(
    base_url: str,
    body: str,
    content_type: str,
    *,
    secret: str = SECRET,
    age: int = 0,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    all_headers = {"Content-Type": content_type, **signed_headers(body, secret=secret, age=age)}
    all_headers.update(headers or {})
    return httpx.post(f"{base_url}/slack/events", content=body.encode(), headers=all_headers)


def post_json(base_url: str, payload: dict[str, Any], **kwargs: Any) -> httpx.Response:
    return post(base_url, json.dumps(payload), "application/json", **kwargs)


def post_form(base_url: str, form: dict[str, str], **kwargs: Any) -> httpx.Response:
    return post(base_url, urlencode(form), "application/x-www-form-urlencoded", **kwargs)


def post_interaction(base_url: str, payload: dict[str, Any], **kwargs: Any) -> httpx.Response:
    return post_form(base_url, {"payload": json.dumps(payload)}, **kwargs)


def new_ts() -> str:
    return f"1450170000.{next(_ids):06d}"


def event_callback(event: dict[str, Any], *, event_id: str | None = None) -> dict[str, Any]:
    return {
        "token": "legacy-verification-token",
        "team_id": TEAM,
        "api_app_id": API_APP,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_ids):08d}",
        "event_time": 1450170000,
        "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
        "event_context": "4-eyJldCI6ImFwcF9tZW50aW9uIn0",
    }


def app_mention(
    text: str,
    *,
    user: str = "U0ASKER",
    channel: str = "C0GENERAL",
    ts: str | None = None,
    thread_ts: str | None = None,
) -> dict[str, Any]:
    ts = ts or new_ts()
    event: dict[str, Any] = {
        "type": "app_mention",
        "user": user,
        "text": f"<@{BOT_USER}> {text}",
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
        "team": TEAM,
        "blocks": [],
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def im_message(
    text: str, *, user: str = "U0ASKER", channel: str = "D0DIRECT", **extra: Any
) -> dict[str, Any]:
    ts = new_ts()
    return {
        "type": "message",
        "channel": channel,
        "user": user,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "channel_type": "im",
        "team": TEAM,
        **extra,
    }


def home_opened(user: str) -> dict[str, Any]:
    return {
        "type": "app_home_opened",
        "user": user,
        "channel": "D0HOME",
        "tab": "home",
        "event_ts": new_ts(),
    }


def slash_command(
    text: str, *, user: str, response_url: str, channel: str = "C0GENERAL"
) -> dict[str, str]:
    return {
        "token": "legacy-verification-token",
        "team_id": TEAM,
        "team_domain": "secretariat",
        "channel_id": channel,
        "channel_name": "general",
        "user_id": user,
        "user_name": user.lower(),
        "command": "/meetings",
        "text": text,
        "api_app_id": API_APP,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": f"{next(_ids)}.1.trigger",
    }


def block_actions(
    action: dict[str, Any],
    *,
    user: str,
    response_url: str | None = None,
    channel: str = "C0GENERAL",
    ephemeral: bool = False,
    in_home: bool = False,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "team_id": TEAM},
        "api_app_id": API_APP,
        "token": "legacy-verification-token",
        "trigger_id": f"{next(_ids)}.1.trigger",
        "team": {"id": TEAM, "domain": "secretariat"},
        "actions": [{"action_ts": new_ts(), "block_id": "b1", **action}],
    }
    if in_home:
        payload["container"] = {"type": "view", "view_id": "V0HOME"}
        payload["view"] = {"id": "V0HOME", "type": "home"}
    else:
        ts = new_ts()
        payload["container"] = {
            "type": "message",
            "message_ts": ts,
            "channel_id": channel,
            "is_ephemeral": ephemeral,
        }
        payload["channel"] = {"id": channel, "name": "general"}
        payload["message"] = {"type": "message", "ts": ts, "text": "…"}
        if response_url:
            payload["response_url"] = response_url
    return payload


def button(action_id: str, value: str) -> dict[str, Any]:
    return {
        "type": "button",
        "action_id": action_id,
        "value": value,
        "text": {"type": "plain_text", "text": action_id},
    }


def select(action_id: str, value: str) -> dict[str, Any]:
    return {
        "type": "static_select",
        "action_id": action_id,
        "selected_option": {"text": {"type": "plain_text", "text": value}, "value": value},
    }


def view_submission(
    view: dict[str, Any], values: dict[str, dict[str, Any]], *, user: str
) -> dict[str, Any]:
    """A submission of `view` (as sent to views.open) with `values` in its state."""
    return {
        "type": "view_submission",
        "team": {"id": TEAM, "domain": "secretariat"},
        "user": {"id": user, "username": user.lower(), "team_id": TEAM},
        "api_app_id": API_APP,
        "token": "legacy-verification-token",
        "trigger_id": f"{next(_ids)}.1.trigger",
        "view": {
            "id": "V0MODAL",
            "team_id": TEAM,
            "type": "modal",
            "callback_id": view["callback_id"],
            "private_metadata": view.get("private_metadata", ""),
            "blocks": view.get("blocks", []),
            "state": {"values": values},
            "hash": "1450170000.abc",
        },
        "response_urls": [],
    }


def text_value(value: str | None) -> dict[str, Any]:
    return {"value": {"type": "plain_text_input", "value": value}}


def option_value(value: str) -> dict[str, Any]:
    return {"value": {"type": "static_select", "selected_option": {"value": value}}}


def app_settings(fake: FakeSlack, **extra: Any) -> Settings:
    """Settings of a test app whose Slack is `fake`, signing with `SECRET`, with no seed
    meetings; `extra` sets more (e.g. Teams' local mode)."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET=SECRET,
        slack_api_url=fake.api_url,
        seed_on_start=False,
        **extra,
    )
