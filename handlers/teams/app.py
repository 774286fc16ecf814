"""Microsoft Teams through the Microsoft 365 Agents SDK, hosted in the one FastAPI app.

`TeamsBot` holds the SDK objects for a process: the connection manager (MSAL, from the SDK's
`CONNECTIONS__SERVICE_CONNECTION__SETTINGS__*` settings), a FastAPI `CloudAdapter` whose outgoing
sends are rate-limited and retried (`bot.teams_delivery`), and an `AgentApplication` with its
storage in the database and its handlers from `handlers.teams`. A turn does only what secbot
needs of the SDK: it loads no conversation, user or sign-in state (`TempOnlyTurnState`,
`WithoutSignIn`) and its Bot Connector clients share one connection pool. `bot.teams_http` routes
`POST /api/messages` to `process`, which checks the JWT (that route only).
"""

from __future__ import annotations

import asyncio
import functools
import json
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
    RoleTypes,
    load_configuration_from_env,
)
from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.core import (
    AgentApplication,
    ApplicationOptions,
    Authorization,
    ClaimsIdentity,
    ConnectorClientBase,
    RestChannelServiceClientFactory,
    TurnContext,
    TurnState,
    UserTokenClient,
)
from microsoft_agents.hosting.core.app.oauth.authorization import _AuthInterceptResult
from microsoft_agents.hosting.core.app.proactive import ProactiveOptions
from microsoft_agents.hosting.core.connector.client import connector_client, user_token_client
from microsoft_agents.hosting.core.connector.teams import TeamsConnectorClient
from microsoft_agents.hosting.fastapi import (
    CloudAdapter,
    jwt_authorization_decorator,
    start_agent_process,
)

from bot.assistant import AnswerFn, respond, responding
from bot.runtime import Runtime
from bot.settings import Settings, secret
from handlers.teams import boundary, handlers
from handlers.teams.state import DatabaseStorage, TempOnlyTurnState
from handlers.teams.throttle import ConversationLimiter, RetryPolicy, ThrottledSender

log = logging.getLogger(__name__)

# The SDK puts its version in the User-Agent of every client it makes, reading it from the
# installed packages' metadata (a search of sys.path) each time; once per process is enough.
_product_info = functools.cache(connector_client.get_product_info)
connector_client.get_product_info = user_token_client.get_product_info = _product_info


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


# bodies to the Bot Connector without the spaces json.dumps puts after "," and ":" (a tenth of
# an answer card) and with text as UTF-8 rather than \u escapes
_compact_json = functools.partial(json.dumps, separators=(",", ":"), ensure_ascii=False)


class PooledClientFactory(RestChannelServiceClientFactory):
    """The SDK's connector clients, sharing one keep-alive connection pool (and compact JSON).

    The SDK makes a new aiohttp session (and so a new connection to the Bot Connector) for
    every turn and closes it at the turn's end. Here each turn still gets its own session (its
    own token header) but on a connector shared by all turns of the event loop, so replies
    reuse open connections. Agentic and Copilot Studio requests keep the SDK's own clients.
    `close` closes the pool.
    """

    def __init__(self, connection_manager: MsalConnectionManager) -> None:
        super().__init__(connection_manager)
        self._pool: aiohttp.TCPConnector | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _session(self, base_url: str) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._pool is None or self._pool.closed or self._loop is not loop:
            self._pool, self._loop = aiohttp.TCPConnector(limit=100), loop
        base_url = base_url if base_url.endswith("/") else base_url + "/"
        return aiohttp.ClientSession(
            base_url=base_url, connector=self._pool, connector_owner=False,
            json_serialize=_compact_json,
        )  # fmt: skip

    async def create_connector_client(
        self,
        context: TurnContext | None,
        claims_identity: ClaimsIdentity,
        service_url: str,
        audience: str,
        scopes: list[str] | None = None,
        use_anonymous: bool = False,
    ) -> ConnectorClientBase:
        activity = context.activity if context else None
        recipient = activity.recipient if activity else None
        if (
            not service_url
            or not audience
            or (activity and activity.is_agentic_request())
            or (recipient and recipient.role == RoleTypes.connector_user)
        ):  # the SDK's own checks and clients
            return await super().create_connector_client(
                context, claims_identity, service_url, audience, scopes, use_anonymous
            )
        provider = (
            self._ANONYMOUS_TOKEN_PROVIDER
            if use_anonymous
            else self._connection_manager.get_token_provider(claims_identity, service_url)
        )  # as the SDK's factory gets the token
        token = await provider.get_access_token(
            audience, scopes or claims_identity.get_token_scope()
        )
        session = self._session(service_url)
        return TeamsConnectorClient(endpoint=service_url, token=token, session=session)

    async def create_user_token_client(
        self, context: TurnContext, claims_identity: ClaimsIdentity, use_anonymous: bool = False
    ) -> UserTokenClient:
        """Anonymous turns (local mode) get theirs on the pool too; the others the SDK's."""
        if not use_anonymous:
            return await super().create_user_token_client(context, claims_identity)
        endpoint = self._token_service_endpoint
        return UserTokenClient(
            app_id=claims_identity.get_app_id(), endpoint=endpoint, token="",
            session=self._session(endpoint),
        )  # fmt: skip

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


class WithoutSignIn(Authorization):
    """The SDK's Authorization for an app with no OAuth handlers (secbot asks no user to sign
    in): no sign-in flow can be under way, so turns skip reading its state from storage."""

    async def _on_turn_auth_intercept(
        self, context: TurnContext, state: TurnState
    ) -> _AuthInterceptResult:
        if self._handler_settings or self._auto_sign_in:
            return await super()._on_turn_auth_intercept(context, state)
        return _AuthInterceptResult(should_skip_turn=False, should_replay=False)


class TeamsBot:
    """The Agents SDK objects for one process (cheap to build; no network at start)."""

    def __init__(
        self,
        runtime: Runtime,
        *,
        delivery: ThrottledSender | None = None,
        answer_fn: AnswerFn | None = None,
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
                turn_state_factory=TempOnlyTurnState,
            ),
            authorization=WithoutSignIn(storage=self.storage, connection_manager=self.connections),
        )
        respond_fn = responding(answer_fn) if answer_fn is not None else respond
        deps = handlers.TeamsDeps(runtime=runtime, respond=respond_fn)
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
