"""Calendar feeds over HTTP: the public feed, one meeting, and a person's private feed.

Responses carry a strong ETag and Last-Modified; a client that sends back either validator
for unchanged data gets 304 with no body. Clients that accept gzip (calendar apps do) get the
compressed copy built with the feed, under its own ETag. Bodies come from a per-app
`FeedCache`, so a feed is rebuilt only when its data changed, and then assembled from kept
events, so only the changed meetings are serialised again.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import PlainTextResponse, Response
from sqlmodel import Session

from bot.calendar import feeds, fragments
from bot.runtime import Runtime
from storage import repo
from storage import subscriptions as subs

MEDIA_TYPE = "text/calendar; charset=utf-8"
log = logging.getLogger(__name__)


def http_date(moment: datetime) -> str:
    return format_datetime(moment.replace(microsecond=0), usegmt=True)


def accepts_gzip(request: Request) -> bool:
    """Whether Accept-Encoding allows gzip (a q of 0 refuses it)."""
    for item in request.headers.get("accept-encoding", "").split(","):
        coding, _, params = item.partition(";")
        if coding.strip().lower() in ("gzip", "x-gzip", "*"):
            q = params.strip().removeprefix("q=").strip() if params else "1"
            try:
                return float(q) > 0
            except ValueError:
                return False
    return False


def not_modified(request: Request, version: feeds.Version) -> bool:
    """RFC 9110 13.2.2: If-None-Match decides when present; else If-Modified-Since. Either
    representation's ETag validates: both stand for the same data."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return "*" in tags or version.etag in tags or version.gzip_etag in tags
    since = request.headers.get("if-modified-since")
    if since:
        try:
            moment = parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        if moment.tzinfo is None:
            return False
        return version.last_modified.replace(microsecond=0) <= moment
    return False


def _headers(version: feeds.Version, cache_control: str, *, gzipped: bool) -> dict[str, str]:
    return {
        "ETag": version.gzip_etag if gzipped else version.etag,
        "Last-Modified": http_date(version.last_modified),
        "Cache-Control": cache_control,
        "Vary": "Accept-Encoding",
    }


@asynccontextmanager
async def _lifespan(_app: FastAPI) -> AsyncIterator[None]:
    yield
    if not fragments.wait_kept(timeout=30):  # rendered events still being stored
        log.warning("feed fragments were still being stored at shutdown")


def router(cache: feeds.FeedCache | None = None) -> APIRouter:
    """The feed routes, with their own cache (one per app)."""
    cache = feeds.FeedCache() if cache is None else cache
    api = APIRouter(tags=["calendar"], lifespan=_lifespan)

    def runtime(request: Request) -> Runtime:
        rt: Runtime = request.app.state.runtime
        return rt

    def respond(
        request: Request,
        version: feeds.Version,
        build: Callable[[], feeds.Feed],
        *,
        cache_control: str,
        filename: str,
    ) -> Response:
        gzipped = accepts_gzip(request)
        headers = _headers(version, cache_control, gzipped=gzipped)
        if not_modified(request, version):
            return Response(status_code=304, headers=headers)
        feed = cache.get(version, build)
        headers["Content-Disposition"] = f'inline; filename="{filename}"'
        if gzipped:
            headers["Content-Encoding"] = "gzip"
            return Response(feed.gzipped, media_type=MEDIA_TYPE, headers=headers)
        return Response(feed.body, media_type=MEDIA_TYPE, headers=headers)

    @api.get("/calendar.ics")
    def public_feed(
        request: Request,
        kind: list[str] = Query(default=[]),
        region: list[str] = Query(default=[]),
        country: list[str] = Query(default=[]),
        series: list[str] = Query(default=[]),
    ) -> Response:
        """Every dated meeting, or those matching the filters (repeat a parameter for OR)."""
        rt = runtime(request)
        with Session(rt.engine) as session:
            try:
                filters = feeds.Filters.parse(
                    kinds=kind, regions=region, countries=country, series=series
                )
                feeds.check_series(session, filters)
            except ValueError as e:
                return PlainTextResponse(str(e), status_code=400)
            version = feeds.public_version(session, filters)
            return respond(
                request,
                version,
                lambda: feeds.public_feed(
                    session, filters, base_url=rt.settings.public_url, chunks=cache.chunks
                ),
                cache_control="public, max-age=300",
                filename="meetings.ics",
            )

    @api.get("/calendar/meeting/{meeting_id}.ics")
    def meeting_feed(request: Request, meeting_id: str) -> Response:
        rt = runtime(request)
        with Session(rt.engine) as session:
            meeting = repo.get_meeting(session, meeting_id=meeting_id)
            if meeting is None or meeting.start_date is None:
                return PlainTextResponse("Not Found", status_code=404)
            return respond(
                request,
                feeds.meeting_version(meeting),
                lambda: feeds.Feed.of(feeds.meeting_body(meeting, base_url=rt.settings.public_url)),
                cache_control="public, max-age=300",
                filename=f"{meeting.id}.ics",
            )

    @api.get("/calendar/u/{token}.ics")
    def private_feed(request: Request, token: str) -> Response:
        """A person's feed; unknown and revoked tokens get the same plain 404."""
        rt = runtime(request)
        with Session(rt.engine) as session:
            row = subs.token_row(session, token=token)
            if row is None:
                return PlainTextResponse("Not Found", status_code=404)
            user = row.user_key
            return respond(
                request,
                feeds.private_version(session, user),
                lambda: feeds.private_feed(
                    session, user, base_url=rt.settings.public_url, chunks=cache.chunks
                ),
                cache_control="private, max-age=0, must-revalidate",
                filename="my-meetings.ics",
            )

    return api
