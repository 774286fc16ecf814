"""Slack notifier: chat.postMessage through slack_sdk's AsyncWebClient.

A recipient "slack:U123" (a person) is posted to with `channel=U123`, which Slack delivers as a
DM from the app; "slack:C123" posts in that channel. Each message carries the delivery id in
its message metadata, so a message can always be traced back to its ledger row. A chat answer
(kind "answer") is posted as its listener rendered it (`Message.payload`).
"""

from __future__ import annotations

from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.reminders.notifier import Message, SendResult
from bot.settings import Settings, secret
from storage.models import Delivery

# Slack errors worth another try; everything else (channel_not_found, not_in_channel,
# invalid_auth, ...) will not improve by waiting.
TRANSIENT_ERRORS = {"internal_error", "fatal_error", "service_unavailable", "request_timeout"}


class SlackNotifier:
    channel = "slack"

    def __init__(self, *, token: str | None, base_url: str, timeout: float = 30.0) -> None:
        self.token = token
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.timeout = timeout
        self._session: aiohttp.ClientSession | None = None
        self._client: AsyncWebClient | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> SlackNotifier:
        return cls(token=secret(settings.slack_bot_token), base_url=settings.slack_api_url)

    def client(self) -> AsyncWebClient:
        """One client and one connection pool per notifier (made inside the running loop)."""
        if self._client is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=0),
                timeout=aiohttp.ClientTimeout(total=self.timeout),
            )
            self._client = AsyncWebClient(
                token=self.token, base_url=self.base_url, session=self._session
            )
        return self._client

    async def send(self, delivery: Delivery, message: Message) -> SendResult:
        if not self.token:
            return SendResult.permanent("Slack is not connected: SLACK_BOT_TOKEN is not set")
        if message.payload is not None:  # a chat answer, as the listener rendered it
            return await post(self.client(), message.payload)
        return await post(
            self.client(),
            {
                "channel": delivery.address,
                "text": message.text,
                "unfurl_links": False,
                "metadata": {
                    "event_type": "secbot_delivery",
                    "event_payload": {"delivery_id": delivery.id, "kind": delivery.kind},
                },
            },
        )

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
        self._session = self._client = None


async def post(client: AsyncWebClient, arguments: dict[str, Any]) -> SendResult:
    """chat.postMessage with `arguments` (chat.postEphemeral if they say `"method":
    "chat.postEphemeral"`), its outcome classified for the ledger: `sent`, `rate_limited`,
    `transient` (5xx, Slack's own errors, no connection) or `permanent`."""
    arguments = dict(arguments)
    ephemeral = arguments.pop("method", "chat.postMessage") == "chat.postEphemeral"
    try:
        if ephemeral:
            await client.chat_postEphemeral(**arguments)
        else:
            await client.chat_postMessage(**arguments)
    except SlackApiError as e:
        status = e.response.status_code
        error = str(e.response.get("error") or f"HTTP {status}")
        if status == 429 or error == "ratelimited":
            retry_after = float(e.response.headers.get("Retry-After", "1") or 1)
            return SendResult.rate_limited(retry_after, f"Slack: {error}")
        if status >= 500 or error in TRANSIENT_ERRORS:
            return SendResult.transient(f"Slack: {error}")
        return SendResult.permanent(f"Slack: {error}")
    except (TimeoutError, aiohttp.ClientError, OSError) as e:
        return SendResult.transient(f"Slack unreachable: {e.__class__.__name__}: {e}")
    return SendResult.sent()
