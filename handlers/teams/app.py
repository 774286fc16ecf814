"""Microsoft Teams through the Microsoft 365 Agents SDK, hosted in the one FastAPI app.

`TeamsBot` holds the SDK objects for a process: the connection manager (MSAL, from the SDK's
`CONNECTIONS__SERVICE_CONNECTION__SETTINGS__*` settings), a FastAPI `CloudAdapter` whose outgoing
sends are rate-limited and retried (`bot.teams_delivery`), and an `AgentApplication` with its
state in the database and its handlers from `handlers.teams`. `bot.teams_http` routes
`POST /api/messages` to `process`, which checks the JWT (that route only).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Mapping
from functools import partial
from typing import Any, Self

import aiohttp
from fastapi import FastAPI, Request, Response
from microsoft_agents.activity import (
    Activity,
    ActivityTypes,
    DeliveryModes,
    ResourceResponse,
    load_configuration_from_env,
)
from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.core import (
    AgentApplication,
    ApplicationOptions,
    ConnectorClientBase,
    RestChannelServiceClientFactory,
    TurnContext,
    TurnState,
)
from microsoft_agents.hosting.core.app.proactive import ProactiveOptions
from microsoft_agents.hosting.core.connector.teams import TeamsConnectorClient
from microsoft_agents.hosting.fastapi import (
    CloudAdapter,
    jwt_authorization_decorator,
    start_agent_process,
)

from bot.assistant import AnswerFn, answer
from bot.runtime import Runtime
from bot.settings import Settings, secret
from handlers.teams import boundary, handlers
from handlers.teams.state import DatabaseStorage
from handlers.teams.throttle import ConversationLimiter, RetryPolicy, ThrottledSender

log = logging.getLogger(__name__)


def anonymous_allowed(settings: Settings) -> bool:
    """Local mode only: never with a client id configured, never in production."""
    if not settings.teams_anonymous_allowed:
        return False
    if settings.teams_client_id:
        log.warning("Teams: ANONYMOUS_ALLOWED ignored because a client id is configured")
        return False
    if settings.environment == "production":
        log.error("Teams: ANONYMOUS_ALLOWED refused in production; requests need a token")
        return False
    return True


def sdk_configuration(
    settings: Settings, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The SDK's configuration dict: its env variables, with the values our settings read
    (which may come from `.env`) for the service connection."""
    config = load_configuration_from_env(os.environ if environ is None else environ)
    connections = config.setdefault("CONNECTIONS", {})
    service = connections.setdefault("SERVICE_CONNECTION", {}).setdefault("SETTINGS", {})
    for key, value in (
        ("CLIENTID", settings.teams_client_id),
        ("CLIENTSECRET", secret(settings.teams_client_secret)),
        ("TENANTID", settings.teams_tenant_id),
    ):
        if value:
            service[key] = value
    service["ANONYMOUS_ALLOWED"] = anonymous_allowed(settings)
    return config


def _goes_to_connector(context: TurnContext, activity: Activity) -> bool:
    """Whether sending `activity` is an HTTP call to the Bot Connector (so it is rate-limited)."""
    if activity.type in (ActivityTypes.invoke_response, ActivityTypes.trace):
        return False
    return context.activity.delivery_mode != DeliveryModes.expect_replies


class WireActivity(Activity):
    """An Activity that leaves out null fields when serialized, and whose deep copy copies only
    its top level.

    The SDK 1.9.0 posts new (non-reply) messages with `exclude_unset` but not `exclude_none`,
    after setting `id = None`, so the body carries `"id": null`; strict connectors such as the
    Agents Playground's refuse it (400). Replies already drop nulls; this does the same for all.

    `TurnContext.send_activities` deep-copies every activity it sends, then sets only top-level
    fields on the copy (type, id, input hint and the addressing from the conversation
    reference), so a top-level copy leaves the caller's activity just as unchanged, without
    copying a card's whole tree: for a ten-meeting answer card, most of a reply's CPU time.
    """

    def model_dump(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("exclude_none", True)
        return super().model_dump(**kwargs)

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Self:
        return self.model_copy()


class ReplyContext(TurnContext):
    """The turn context of our adapter: the activities it sends are `WireActivity`s."""

    async def send_activities(self, activities: list[Activity]) -> list[ResourceResponse]:
        for activity in activities:
            if type(activity) is Activity:
                activity.__class__ = WireActivity  # same fields; see WireActivity
        return await super().send_activities(activities)


class PooledClientFactory(RestChannelServiceClientFactory):
    """The SDK's connector clients, sharing one keep-alive connection pool.

    The SDK makes a new aiohttp session (and so a new connection to the Bot Connector) for
    every turn and closes it at the turn's end. Here each turn still gets its own session (its
    own token header) but on a connector shared by all turns of the event loop, so replies
    reuse open connections. `close` closes the pool.
    """

    def __init__(self, connection_manager: MsalConnectionManager) -> None:
        super().__init__(connection_manager)
        self._pool: aiohttp.TCPConnector | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _connector(self) -> aiohttp.TCPConnector:
        loop = asyncio.get_running_loop()
        if self._pool is None or self._pool.closed or self._loop is not loop:
            self._pool, self._loop = aiohttp.TCPConnector(limit=100), loop
        return self._pool

    async def create_connector_client(
        self, context: TurnContext | None, *args: Any, **kwargs: Any
    ) -> ConnectorClientBase:
        client = await super().create_connector_client(context, *args, **kwargs)
        if type(client) is not TeamsConnectorClient:
            return client
        made = client.client  # the SDK's own session: nothing sent on it yet
        session = aiohttp.ClientSession(
            base_url=made._base_url, headers=made.headers, connector=self._connector(),
            connector_owner=False,
        )  # fmt: skip
        await made.close()
        return TeamsConnectorClient(endpoint=client.base_uri, token="", session=session)

    async def close(self) -> None:
        if self._pool is not None and not self._pool.closed:
            await self._pool.close()


class ThrottledCloudAdapter(CloudAdapter):
    """The FastAPI CloudAdapter, sending each activity through a `ThrottledSender`."""

    def __init__(self, *, delivery: ThrottledSender, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.delivery = delivery
        self.on_turn_error = handlers.on_error

    def _create_turn_context(self, *args: Any, **kwargs: Any) -> TurnContext:
        context = super()._create_turn_context(*args, **kwargs)
        context.__class__ = ReplyContext  # same state; sends copy less (see WireActivity)
        return context

    async def send_activities(  # type: ignore[override]
        self, context: TurnContext, activities: list[Activity]
    ) -> list[ResourceResponse]:
        responses: list[ResourceResponse] = []
        for activity in activities:
            if type(activity) is Activity:
                activity.__class__ = WireActivity  # same fields; see WireActivity
            send = partial(super().send_activities, context, [activity])
            if not _goes_to_connector(context, activity):
                responses += await send()
                continue
            conversation = activity.conversation or context.activity.conversation
            key = conversation.id if conversation else ""
            responses += await self.delivery.send(key, send)
        return responses


class TeamsBot:
    """The Agents SDK objects for one process (cheap to build; no network at start)."""

    def __init__(
        self,
        runtime: Runtime,
        *,
        delivery: ThrottledSender | None = None,
        answer_fn: AnswerFn = answer,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        settings = runtime.settings
        self.runtime = runtime
        self.client_id = settings.teams_client_id
        self.connections = MsalConnectionManager(**sdk_configuration(settings, environ))
        self.auth_configuration = self.connections.get_default_connection_configuration()
        self.storage = DatabaseStorage(runtime.engine, now=runtime.clock.now)
        self.clients = PooledClientFactory(self.connections)
        self.adapter = ThrottledCloudAdapter(
            connection_manager=self.connections,
            channel_service_client_factory=self.clients,
            delivery=delivery
            or ThrottledSender(
                limiter=ConversationLimiter(rate=settings.teams_messages_per_second),
                policy=RetryPolicy(retries=settings.teams_max_retries),
            ),
        )
        self.app = AgentApplication[TurnState](
            ApplicationOptions(
                storage=self.storage,
                bot_app_id=self.client_id or "",
                start_typing_timer=False,  # answers come in milliseconds
                proactive=ProactiveOptions(storage=self.storage),
            ),
            connection_manager=self.connections,
        )
        deps = handlers.TeamsDeps(runtime=runtime, answer=answer_fn)
        handlers.register(self.app, deps)

    @property
    def local_mode(self) -> bool:
        """Anonymous requests accepted (Agents Playground): replies only to loopback."""
        return not self.client_id and bool(self.auth_configuration.ANONYMOUS_ALLOWED)

    async def close(self) -> None:
        """Close the connection pool of the bot's outgoing calls."""
        await self.clients.close()

    def describe(self) -> str:
        if self.client_id:
            return f"Teams: /api/messages requires Bot Framework tokens for app {self.client_id}"
        if self.auth_configuration.ANONYMOUS_ALLOWED:
            return "Teams: local mode (anonymous) for the Agents Playground; never in production"
        return (
            "Teams is not connected: set CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID, "
            "CLIENTSECRET and TENANTID (see README, 'Microsoft Teams'); /api/messages answers 401"
        )


def install(app: FastAPI, bot: TeamsBot) -> None:
    """Make `bot` the app's Teams bot (its auth configuration guards /api/messages)."""
    app.state.teams_bot = bot
    app.state.agent_configuration = bot.auth_configuration


def teams_bot(app: FastAPI) -> TeamsBot:
    bot = getattr(app.state, "teams_bot", None)
    if bot is None:
        bot = TeamsBot(app.state.runtime)
        install(app, bot)
    return bot


@jwt_authorization_decorator
async def _authorized(request: Request) -> None:
    """Reached only with a valid token (or anonymously in local mode); else the SDK's 401."""
    return None


async def process(request: Request) -> Response | None:
    """Run an /api/messages request through the app's bot once its token and activity pass
    the checks in `handlers.teams.boundary` (a refusal is 400 or 401, never 500)."""
    bot: TeamsBot = request.app.state.teams_bot
    try:
        refusal = await boundary.authorize(request, _authorized)
        if refusal is not None:
            return refusal
        await boundary.check_activity(request, local=bot.local_mode)
    except boundary.Refused as refused:
        return refused.response()
    return await start_agent_process(request, bot.app, bot.adapter)
