"""Slack inside the one server: a Bolt `AsyncApp` behind `POST /slack/events`, or Socket Mode.

- The Web API client goes to SECBOT_SLACK_API_URL (tests: a fake) and retries 429s after
  Retry-After, 5xx and dropped connections (slack-sdk retry handlers).
- Bolt acknowledges at once (`process_before_response=False`); listeners run after the ack.
- Event listeners first remember the delivery's `event_id` in the database (after the ack, see
  `handlers.slack.events`), so Slack's retries (X-Slack-Retry-Num) are acknowledged and
  dropped, even after a restart.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import aiohttp
from fastapi import APIRouter, FastAPI, Request, Response
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient
from sqlmodel import Session

from bot.assistant import AnswerFn
from bot.assistant import answer as core_answer
from bot.runtime import Runtime
from bot.settings import secret
from handlers.slack import boundary
from handlers.slack.deps import SlackDeps, TimezoneCache
from handlers.slack.listeners import register_all
from storage import places, slack_events

log = logging.getLogger("secbot.slack")

EVENTS_PATH = "/slack/events"
FORGET_EVENTS_AFTER = timedelta(days=7)
HOW_TO_CONNECT = (
    "Slack is not connected: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (HTTP, events at "
    "%s%s) or also SLACK_APP_TOKEN (Socket Mode). `secbot slack manifest` prints the app "
    "manifest; see the README, 'Connect to Slack in five minutes'."
)

router = APIRouter()
bolt_log = logging.getLogger("secbot.slack.bolt")
# The token is given through `client`; Bolt still warns when SLACK_BOT_TOKEN is in the env.
bolt_log.addFilter(lambda record: "`token` will be unused" not in record.getMessage())


@router.post(EVENTS_PATH, include_in_schema=False)
async def slack_events_endpoint(request: Request) -> Response:
    """Events, slash commands and interactivity: signature and shape checked here
    (`handlers.slack.boundary`), then dispatched by Bolt."""
    handler: AsyncSlackRequestHandler | None = getattr(request.app.state, "slack_handler", None)
    verifier: SignatureVerifier | None = getattr(request.app.state, "slack_verifier", None)
    if handler is None or verifier is None:
        return Response("Slack is not configured on this server.\n", status_code=404)
    body = await request.body()
    content_type = request.headers.get("content-type", "").partition(";")[0].strip()
    try:
        if not boundary.ssl_check(body):
            boundary.verify(verifier, body, request.headers)
        boundary.check_payload(body, content_type or None)
    except boundary.Refused as refused:
        log.info("Slack request refused (%d): %s", refused.status, refused.reason)
        return Response(f"{refused.reason}\n", status_code=refused.status)
    return await handler.handle(request)


def retry_handlers() -> list[Any]:
    return [
        AsyncConnectionErrorRetryHandler(max_retry_count=2),
        AsyncRateLimitErrorRetryHandler(max_retry_count=3),
        AsyncServerErrorRetryHandler(max_retry_count=2),
    ]


def build_slack_app(
    runtime: Runtime,
    *,
    session: aiohttp.ClientSession | None = None,
    answer_fn: AnswerFn = core_answer,
) -> AsyncApp:
    """The Bolt app with every listener; `session` is shared by all Web API calls."""
    settings = runtime.settings
    client = AsyncWebClient(
        token=secret(settings.slack_bot_token),
        base_url=settings.slack_api_url,  # settings add the trailing / slack-sdk needs
        session=session,
        retry_handlers=retry_handlers(),
    )
    app = AsyncApp(
        client=client,
        signing_secret=secret(settings.slack_signing_secret) or "",
        process_before_response=False,
        logger=bolt_log,
    )
    deps = SlackDeps(
        runtime=runtime,
        answer=answer_fn,
        admins=settings.admins,
        timezones=TimezoneCache(now=runtime.clock.now),
    )

    async def provide_deps(context: Any, next: Any) -> Any:
        context["secbot"] = deps
        return await next()

    app.middleware(provide_deps)
    register_all(app)

    @app.error
    async def on_error(error: Exception, body: dict[str, Any]) -> None:
        log.error("Slack listener failed on %s: %r", body.get("type"), error, exc_info=error)

    return app


def forget_old_events(runtime: Runtime) -> None:
    with Session(runtime.engine) as session:
        slack_events.forget_before(session, before=runtime.clock.now() - FORGET_EVENTS_AFTER)
        session.commit()


@asynccontextmanager
async def slack_lifespan(app: FastAPI, runtime: Runtime) -> AsyncIterator[None]:
    """Connect Slack for the server's lifetime: HTTP endpoint, or Socket Mode with an app token."""
    settings = runtime.settings
    if not (
        settings.slack_bot_token and (settings.slack_signing_secret or settings.slack_app_token)
    ):
        log.info(HOW_TO_CONNECT, settings.public_url.rstrip("/"), EVENTS_PATH)
        yield
        return
    forget_old_events(runtime)
    # The city gazetteer loads in ~2 s; load it now, not inside a modal's 3-second ack window.
    await asyncio.to_thread(places.find_city, "Geneva")
    session = aiohttp.ClientSession()
    bolt = build_slack_app(runtime, session=session)
    socket_mode = None
    try:
        if settings.slack_app_token:
            from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

            socket_mode = AsyncSocketModeHandler(bolt, secret(settings.slack_app_token))
            await socket_mode.connect_async()
            log.info("Slack connected by Socket Mode")
        else:
            app.state.slack_handler = AsyncSlackRequestHandler(bolt)
            signing_secret = secret(settings.slack_signing_secret) or ""
            app.state.slack_verifier = SignatureVerifier(signing_secret)
            log.info("Slack events at %s%s", settings.public_url.rstrip("/"), EVENTS_PATH)
        yield
    finally:
        app.state.slack_handler = app.state.slack_verifier = None
        if socket_mode is not None:
            await socket_mode.close_async()
        await session.close()
