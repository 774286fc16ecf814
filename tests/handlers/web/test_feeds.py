"""Calendar feeds over real HTTP: uvicorn on 127.0.0.1 (port 0) serving the real app."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar
from sqlalchemy import Engine
from sqlmodel import Session

from bot.calendar import feeds
from bot.clock import Clock
from bot.runtime import Runtime
from bot.settings import Settings
from handlers.web.app import create_app
from storage import db, repo
from storage import subscriptions as subs
from storage.models import MeetingData, TargetKind, meeting_data
from tests import calendar_data
from tests.servers import serve_app

PUBLIC = "https://secbot.example.org"


@pytest.fixture
def data(engine: Engine, clock: Clock) -> Engine:
    calendar_data.load(engine, clock.now())
    return engine


@pytest.fixture
def client(data: Engine, clock: Clock, database_url: str) -> Iterator[httpx.Client]:
    settings = Settings(database_url=database_url, public_url=PUBLIC, seed_on_start=False)
    app = create_app(Runtime(settings=settings, clock=clock, engine=data))
    with serve_app(app) as base, httpx.Client(base_url=base) as http:
        yield http


def uids(body: bytes) -> set[str]:
    cal = Calendar.from_ical(body)
    strict = IcsCalendarStream.calendar_from_ics(body.decode())
    found = {str(e["UID"]) for e in cal.walk("VEVENT")}
    assert found == {e.uid for e in strict.events}
    return found


def edit(engine: Engine, meeting_id: str, now: datetime, **changes: object) -> None:
    with db.session_scope(engine) as session:
        current = meeting_data(repo.require_meeting(session, meeting_id=meeting_id))
        data = MeetingData.model_validate({**current.model_dump(), **changes})
        repo.upsert_meeting(session, data=data, now=now)


def test_public_feed_headers_and_content(client: httpx.Client) -> None:
    r = client.get("/calendar.ics")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/calendar; charset=utf-8"
    assert r.headers["etag"].startswith('"') and not r.headers["etag"].startswith("W/")
    assert r.headers["last-modified"] == "Tue, 15 Dec 2015 09:00:00 GMT"
    assert uids(r.content) == {
        f"{m['id']}@secbot" for m in calendar_data.MEETINGS if m.get("start")
    }
    assert b"URL:https://secbot.example.org/calendar/meeting/" in r.content
    assert client.get("/calendar.ics").content == r.content


def test_public_feed_filters_combine(client: httpx.Client) -> None:
    africa = client.get("/calendar.ics", params={"region": "Africa"})
    assert uids(africa.content) == {"nairobi-workshop-2016@secbot", "nairobi-briefing-2016@secbot"}
    both = client.get("/calendar.ics", params=[("region", "africa"), ("region", "Asia-Pacific")])
    assert uids(both.content) == {
        "nairobi-workshop-2016@secbot", "nairobi-briefing-2016@secbot",
        "bangkok-retreat-2016@secbot",
    }  # fmt: skip
    workshops_in_africa = client.get(
        "/calendar.ics", params={"region": "Africa", "kind": "workshop"}
    )
    assert uids(workshops_in_africa.content) == {"nairobi-workshop-2016@secbot"}
    kenya = client.get("/calendar.ics", params={"country": "KE", "kind": ["other", "workshop"]})
    assert uids(kenya.content) == {"nairobi-workshop-2016@secbot", "nairobi-briefing-2016@secbot"}
    series = client.get("/calendar.ics", params={"series": "asgm workshops"})
    assert uids(series.content) == {"nairobi-workshop-2016@secbot"}
    assert "Africa" in Calendar.from_ical(africa.content)["X-WR-CALNAME"]
    assert africa.headers["etag"] != both.headers["etag"]


def test_gzip_when_accepted_with_its_own_etag(client: httpx.Client) -> None:
    plain = client.get("/calendar.ics", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    with client.stream("GET", "/calendar.ics", headers={"Accept-Encoding": "gzip"}) as r:
        raw = b"".join(r.iter_raw())
        assert r.headers["content-encoding"] == "gzip"
        gz_etag = r.headers["etag"]
    assert gzip.decompress(raw) == plain.content and len(raw) < len(plain.content)
    assert plain.headers["vary"] == "Accept-Encoding"
    assert gz_etag != plain.headers["etag"] and not gz_etag.startswith("W/")
    refused = client.get("/calendar.ics", headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "content-encoding" not in refused.headers
    # either representation's tag validates the same data, whatever encoding is asked for now
    for tag in (gz_etag, plain.headers["etag"], f"W/{gz_etag}"):
        again = client.get("/calendar.ics", headers={"If-None-Match": tag})
        assert again.status_code == 304, tag


def test_bad_filter_is_a_clear_400(client: httpx.Client) -> None:
    r = client.get("/calendar.ics", params={"region": "Atlantis"})
    assert r.status_code == 400
    assert "unknown region 'Atlantis'" in r.text
    r = client.get("/calendar.ics", params={"kind": "party"})
    assert r.status_code == 400 and "unknown kind 'party'" in r.text


def test_conditional_requests_get_304_until_data_changes(
    client: httpx.Client, data: Engine, clock: Clock
) -> None:
    first = client.get("/calendar.ics")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    again = client.get("/calendar.ics", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    assert client.get("/calendar.ics", headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get("/calendar.ics", headers={"If-None-Match": '"other"'}).status_code == 200
    # an edit at the very same instant still changes the ETag (SEQUENCE moves)
    edit(data, "bureau-call-2016-03", clock.now(), title="Bureau call")
    changed = client.get("/calendar.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert b"SUMMARY:Bureau call" in changed.content
    # a later edit also moves Last-Modified past what the client has
    later = clock.now() + timedelta(hours=2)
    edit(data, "bureau-call-2016-03", later, title="Bureau call (moved)")
    r = client.get("/calendar.ics", headers={"If-Modified-Since": modified})
    assert r.status_code == 200
    assert r.headers["last-modified"] == format_datetime(later.astimezone(UTC), usegmt=True)


def test_one_meeting_feed(client: httpx.Client) -> None:
    r = client.get("/calendar/meeting/nairobi-workshop-2016.ics")
    assert r.status_code == 200
    assert uids(r.content) == {"nairobi-workshop-2016@secbot"}
    assert client.get("/calendar/meeting/nairobi-workshop-2016.ics",
                      headers={"If-None-Match": r.headers["etag"]}).status_code == 304  # fmt: skip
    assert client.get("/calendar/meeting/no-such-meeting.ics").status_code == 404
    assert client.get("/calendar/meeting/inc8.ics").status_code == 404  # undated


def test_private_feed_follows_subscriptions_and_invitations(
    client: httpx.Client, data: Engine, clock: Clock
) -> None:
    user = "slack:U123"
    now = clock.now()
    with db.session_scope(data) as session:
        token = subs.issue_token(session, user_key=user, now=now)
        subs.subscribe(session, subscriber=user, target_kind=TargetKind.region,
                       target="Africa", now=now, alarm_minutes=1440)  # fmt: skip
        subs.record_invitation(session, meeting_id="bureau-geneva-2016-04",
                               email="a@example.org", subscriber=user, now=now)  # fmt: skip
    path = f"/calendar/u/{token}.ics"
    r = client.get(path)
    assert r.status_code == 200
    assert r.headers["cache-control"].startswith("private")
    assert uids(r.content) == {
        "nairobi-workshop-2016@secbot", "nairobi-briefing-2016@secbot",
        "bureau-geneva-2016-04@secbot",
    }  # fmt: skip
    cal = Calendar.from_ical(r.content)
    alarms = {
        str(e["UID"]): [a["TRIGGER"].dt for a in e.walk("VALARM")] for e in cal.walk("VEVENT")
    }
    assert alarms["nairobi-workshop-2016@secbot"] == [timedelta(days=-1)]
    assert alarms["bureau-geneva-2016-04@secbot"] == []
    etag = r.headers["etag"]
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    # a new subscription, at the same instant, changes the feed
    with db.session_scope(data) as session:
        subs.subscribe(session, subscriber=user, target_kind=TargetKind.kind, target="retreat",
                       now=now)  # fmt: skip
    r2 = client.get(path, headers={"If-None-Match": etag})
    assert r2.status_code == 200 and "bangkok-retreat-2016@secbot" in uids(r2.content)
    # unsubscribing later moves Last-Modified forward, so If-Modified-Since sees it too
    later = now + timedelta(hours=1)
    with db.session_scope(data) as session:
        subs.unsubscribe(session, subscriber=user, target_kind=TargetKind.region,
                         target="Africa", now=later)  # fmt: skip
    r3 = client.get(path, headers={"If-Modified-Since": r2.headers["last-modified"]})
    assert r3.status_code == 200
    assert uids(r3.content) == {"bureau-geneva-2016-04@secbot", "bangkok-retreat-2016@secbot"}


def test_unknown_revoked_and_reset_tokens_get_plain_404(
    client: httpx.Client, data: Engine, clock: Clock
) -> None:
    user = "teams:29:abc"
    with db.session_scope(data) as session:
        old = subs.issue_token(session, user_key=user, now=clock.now())
    assert client.get(f"/calendar/u/{old}.ics").status_code == 200
    with db.session_scope(data) as session:
        new = subs.issue_token(session, user_key=user, now=clock.now())  # reset
    gone = client.get(f"/calendar/u/{old}.ics")
    assert (gone.status_code, gone.text) == (404, "Not Found")
    assert client.get(f"/calendar/u/{new}.ics").status_code == 200
    with db.session_scope(data) as session:
        assert subs.revoke_tokens(session, user_key=user, now=clock.now()) == 1
    revoked = client.get(f"/calendar/u/{new}.ics")
    unknown = client.get("/calendar/u/not-a-token.ics")
    assert (revoked.status_code, revoked.text) == (unknown.status_code, unknown.text)
    assert revoked.status_code == 404


def test_tokens_are_long_random_and_stored_hashed(data: Engine, clock: Clock) -> None:
    with db.session_scope(data) as session:
        token = subs.issue_token(session, user_key="slack:U9", now=clock.now())
        other = subs.issue_token(session, user_key="slack:U8", now=clock.now())
        row = subs.live_token(session, user_key="slack:U9")
        assert row is not None and row.token_hash == subs.hash_token(token)
        assert token not in row.token_hash
    assert len(token) * 6 >= 128 and token != other


def test_after_a_change_the_served_feed_equals_a_full_serialisation(
    client: httpx.Client, data: Engine, clock: Clock
) -> None:
    """The server assembles feeds from kept events; what it serves, plain and gzipped, is
    what serialising every event again gives."""
    client.get("/calendar.ics")
    edit(data, "nairobi-workshop-2016", clock.now() + timedelta(hours=1), venue="UNON")
    plain = client.get("/calendar.ics", headers={"Accept-Encoding": "identity"})
    with client.stream("GET", "/calendar.ics", headers={"Accept-Encoding": "gzip"}) as r:
        raw = b"".join(r.iter_raw())
    with Session(data) as session:
        full = feeds.public_body(session, feeds.Filters(), base_url=PUBLIC)
    assert plain.content == gzip.decompress(raw) == full
    assert b"LOCATION:UNON\\, Nairobi\\, Kenya" in full
