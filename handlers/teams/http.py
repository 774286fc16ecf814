"""`POST /api/messages` for Microsoft Teams, included in the one FastAPI app.

The Agents SDK takes seconds to import, so it is imported here only when the server starts
(the lifespan builds the bot) — the CLI and everything else that imports `bot.server` stay quick.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request, Response

log = logging.getLogger(__name__)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Runs inside the app's own lifespan (after the runtime is ready): build and announce."""
    from handlers.teams import app as teams_app

    bot = teams_app.teams_bot(app)
    log.info(bot.describe())
    try:
        yield
    finally:
        await bot.close()  # its pooled connections to the Bot Connector


router = APIRouter(lifespan=_lifespan)


@router.post("/api/messages", response_model=None)
async def messages(request: Request) -> Response | None:
    """Bot Framework activities from Teams (or the Agents Playground); JWT-checked."""
    from handlers.teams import app as teams_app

    teams_app.teams_bot(request.app)
    return await teams_app.process(request)
