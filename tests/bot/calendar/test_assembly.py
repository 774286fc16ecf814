"""Feeds assembled from kept events: byte-identical to a full serialisation, on both backends,
through changes, deletions, restarts (a fresh cache over the stored fragments) and a new
renderer; chunks cut where they stay put; gzip that every decoder reads."""

from __future__ import annotations

import gzip
import random
import subprocess
import zlib
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from bot.calendar import assembly, feeds
from bot.calendar import fragments as fragments_module
from bot.calendar.assembly import ChunkCache
from bot.calendar.fragments import Entry
from bot.clock import Clock
from storage import db, repo
from storage import fragments as storage_fragments
from storage import subscriptions as subs
from storage.models import FeedFragment, Meeting, MeetingData, TargetKind, meeting_data
from tests import calendar_data
from tests.bot.calendar.test_ical import check_golden

BASE = "https://secbot.example.org"
ZONES = [("Europe/Zurich", "CH"), ("Africa/Nairobi", "KE"), ("UTC", "GB"), (None, "TH")]


def many_meetings(n: int, seed: int = 3) -> list[MeetingData]:
    """Meetings of every shape: all-day, month-only, zoned, UTC and floating times, cancelled,
    undated; enough of them for many chunks."""
    rng = random.Random(seed)
    items = []
    for i in range(n):
        zone, country = ZONES[i % len(ZONES)]
        start = date(2016, 1, 1) + timedelta(days=rng.randrange(500))
        item: dict[str, object] = {
            "id": f"m-{i}", "title": f"Meeting {i} on topic {rng.randrange(40)}",
            "kind": rng.choice(["session", "workshop", "bureau", "expert_group"]),
            "status": "cancelled" if i % 11 == 0 else "planned", "country": country,
            "hosts": [f"Host {i % 7}"], "description": "Ünïcödé text, long enough to fold " * 3,
        }  # fmt: skip
        if i % 23 == 0:
            pass  # undated: left out of every calendar
        elif i % 9 == 0:
            item["start"] = start.strftime("%Y-%m")
        else:
            item["start"] = start.isoformat()
            item["end"] = (start + timedelta(days=i % 3)).isoformat()
            if i % 2:
                item.update(start_time="09:30", end_time="12:00")
                if zone:
                    item["timezone"] = zone
        items.append(MeetingData.model_validate(item))
    return items


@pytest.fixture
def many(engine: Engine, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """400 meetings, cut into chunks of about 16 events (the real size would be one or two)."""
    monkeypatch.setattr(assembly, "AVERAGE_EVENTS", 16)
    monkeypatch.setattr(assembly, "MAX_EVENTS", 64)
    with db.session_scope(engine) as session:
        repo.upsert_meetings(session, items=many_meetings(400), now=clock.now())
    return engine


class Renders:
    """Counts the events serialised (a spy on the real renderer, which still runs)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.ids: list[str] = []
        real = fragments_module.render

        def counting(m: Meeting, **kwargs: object) -> fragments_module.Fragment:
            self.ids.append(m.id)
            return real(m, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(fragments_module, "render", counting)


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> Renders:
    return Renders(monkeypatch)


def public(engine: Engine, chunks: ChunkCache, filters: feeds.Filters | None = None) -> bytes:
    """The assembled public feed, checked against the full serialisation and its gzip copy."""
    filters = filters or feeds.Filters()
    with Session(engine) as session:
        feed = feeds.public_feed(session, filters, base_url=BASE, chunks=chunks)
        full = feeds.public_body(session, filters, base_url=BASE)
    fragments_module.wait_kept()
    assert feed.body == full
    assert gzip.decompress(feed.gzipped) == full
    return feed.body


def edit(engine: Engine, meeting_id: str, now: datetime, **changes: object) -> None:
    with db.session_scope(engine) as session:
        current = meeting_data(repo.require_meeting(session, meeting_id=meeting_id))
        data = MeetingData.model_validate({**current.model_dump(), **changes})
        repo.upsert_meeting(session, data=data, now=now)


def stored_fragments(engine: Engine) -> int:
    fragments_module.wait_kept()
    with Session(engine) as session:
        return session.execute(select(func.count()).select_from(FeedFragment)).scalar_one()


def test_assembled_feed_is_the_golden_snapshot(engine: Engine, clock: Clock) -> None:
    calendar_data.load(engine, clock.now())
    body = public(engine, ChunkCache())
    check_golden("feed.ics", body)
    again = public(engine, ChunkCache())  # from stored fragments only
    assert again == body


def test_a_change_serialises_only_the_changed_meeting(
    many: Engine, clock: Clock, renders: Renders
) -> None:
    chunks = ChunkCache()
    public(many, chunks)
    placeable = 400 - len(range(0, 400, 23))
    assert len(renders.ids) == placeable == stored_fragments(many)
    made = chunks.made
    assert made > 3  # several chunks

    renders.ids.clear()
    edit(many, "m-101", clock.now() + timedelta(hours=1), title="Renamed meeting")
    body = public(many, chunks)
    assert renders.ids == ["m-101"] and chunks.made == made + 1
    assert b"SUMMARY:Renamed meeting" in body

    # a change of date moves the event to another chunk: its old and new chunks are remade
    renders.ids.clear()
    edit(many, "m-101", clock.now() + timedelta(hours=2), start="2017-06-01", end="2017-06-02")
    public(many, chunks)
    assert renders.ids == ["m-101"] and chunks.made <= made + 3


def test_a_restart_serialises_nothing_and_gives_the_same_bytes(
    many: Engine, clock: Clock, renders: Renders
) -> None:
    first = public(many, ChunkCache())
    renders.ids.clear()
    assert public(many, ChunkCache()) == first  # a new process: empty memory, stored fragments
    assert renders.ids == []
    with Session(many) as session:  # the gzip copy is the same bytes too (one strong ETag)
        one = feeds.public_feed(session, feeds.Filters(), base_url=BASE, chunks=ChunkCache())
        two = feeds.public_feed(session, feeds.Filters(), base_url=BASE, chunks=ChunkCache())
    assert one.gzipped == two.gzipped


def test_filtered_feeds_reuse_the_stored_events(many: Engine, renders: Renders) -> None:
    chunks = ChunkCache()
    public(many, chunks)
    renders.ids.clear()
    for filters in (
        feeds.Filters.parse(kinds=["workshop"]),
        feeds.Filters.parse(countries=["KE", "CH"]),
        feeds.Filters.parse(regions=["Africa"], kinds=["bureau", "session"]),
    ):
        public(many, chunks, filters)
    assert renders.ids == []


def test_deleted_meetings_leave_the_feed_and_the_store(many: Engine) -> None:
    chunks = ChunkCache()
    public(many, chunks)
    before = stored_fragments(many)
    with db.session_scope(many) as session:
        session.delete(repo.require_meeting(session, meeting_id="m-1"))
    body = public(many, chunks)
    assert b"UID:m-1@secbot" not in body
    assert stored_fragments(many) == before - 1


def test_a_meeting_deleted_while_its_feed_is_built_is_left_out(many: Engine) -> None:
    with Session(many) as session:
        listed = [Entry(mid, rev) for mid, rev in storage_fragments.revisions(session)]
    with db.session_scope(many) as session:
        session.delete(repo.require_meeting(session, meeting_id=listed[5].meeting_id))
    with Session(many) as session:
        feed = assembly.assemble(
            session, listed, name="Feed", uid="u@secbot", base_url=BASE, chunks=ChunkCache()
        )
    assert feed.body.count(b"BEGIN:VEVENT") == len(listed) - 1
    assert f"UID:{listed[5].meeting_id}@secbot".encode() not in feed.body
    assert gzip.decompress(feed.gzipped) == feed.body


def test_another_public_url_or_renderer_renders_again(
    many: Engine, renders: Renders, monkeypatch: pytest.MonkeyPatch
) -> None:
    public(many, ChunkCache())
    renders.ids.clear()
    with Session(many) as session:
        other = feeds.public_feed(
            session, feeds.Filters(), base_url="https://other.example", chunks=ChunkCache()
        )
        assert other.body == feeds.public_body(
            session, feeds.Filters(), base_url="https://other.example"
        )
    assert b"https://other.example/calendar/meeting/" in other.body
    assert len(renders.ids) == stored_fragments(many)  # the rows were rendered again, in place
    renders.ids.clear()
    monkeypatch.setattr(fragments_module, "_code_digest", lambda: "a new renderer")
    public(many, ChunkCache())
    assert len(renders.ids) == stored_fragments(many)


def test_stale_or_foreign_rows_are_never_served(many: Engine, clock: Clock) -> None:
    """A row whose revision or renderer differs is rendered again, whatever it holds."""
    public(many, ChunkCache())
    with db.session_scope(many) as session:
        session.execute(
            FeedFragment.__table__.update().values(
                body=b"BEGIN:VEVENT\r\nX-BAD:1\r\nEND:VEVENT\r\n"
            )  # type: ignore[attr-defined]
        )
        session.execute(FeedFragment.__table__.update().values(revision="0.old"))  # type: ignore[attr-defined]
    assert b"X-BAD" not in public(many, ChunkCache())


def test_private_feeds_with_alarms_are_assembled_too(many: Engine, clock: Clock) -> None:
    user, now = "slack:U1", clock.now()
    with db.session_scope(many) as session:
        subs.subscribe(session, subscriber=user, target_kind=TargetKind.country, target="KE",
                       now=now, alarm_minutes=1440)  # fmt: skip
        subs.subscribe(session, subscriber=user, target_kind=TargetKind.kind, target="workshop",
                       now=now, alarm_minutes=60)  # fmt: skip
        subs.subscribe(session, subscriber=user, target_kind=TargetKind.meeting, target="m-4",
                       now=now)  # fmt: skip
    chunks = ChunkCache()
    with Session(many) as session:
        feed = feeds.private_feed(session, user, base_url=BASE, chunks=chunks)
        assert feed.body == feeds.private_body(session, user, base_url=BASE)
        assert b"BEGIN:VALARM" in feed.body and b"UID:m-4@secbot" in feed.body
        public_feed = feeds.public_feed(session, feeds.Filters(), base_url=BASE, chunks=chunks)
        assert public_feed.body == feeds.public_body(session, feeds.Filters(), base_url=BASE)
    assert b"BEGIN:VALARM" not in public_feed.body
    fragments_module.wait_kept()
    with Session(many) as session:
        variants = set(session.execute(select(FeedFragment.variant)).scalars())  # type: ignore[call-overload]
    assert variants >= {"", "60", "1440", "60,1440"}


def test_an_empty_feed_is_a_calendar_without_events(engine: Engine) -> None:
    body = public(engine, ChunkCache())
    assert body.startswith(b"BEGIN:VCALENDAR") and b"BEGIN:VEVENT" not in body


def test_fragments_cannot_be_kept_but_the_feed_is_still_served(
    many: Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from sqlalchemy.exc import OperationalError

    def refuse(*_args: object) -> None:
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr(fragments_module.store, "save", refuse)
    public(many, ChunkCache())
    assert "could not keep" in caplog.text and stored_fragments(many) == 0


# --- chunks and gzip ----------------------------------------------------------------------------


def entries(ids: list[str]) -> list[Entry]:
    return [Entry(i, "0.x") for i in ids]


@given(st.integers(0, 2000), st.integers(0, 10_000), st.data())
def test_inserting_or_removing_one_event_changes_at_most_two_chunks(
    n: int, seed: int, data: st.DataObject
) -> None:
    ids = [f"meeting-{seed}-{i}" for i in range(n)]
    runs = assembly.split(entries(ids))
    assert [e for run in runs for e in run] == entries(ids)
    assert all(0 < len(run) <= assembly.MAX_EVENTS for run in runs)
    at = data.draw(st.integers(0, n))
    inserted = assembly.split(entries([*ids[:at], "a-new-meeting", *ids[at:]]))
    assert len(set(inserted) - set(runs)) <= 2
    if n:
        removed = assembly.split(entries(ids[:at] + ids[at + 1 :]))
        assert len(set(removed) - set(runs)) <= 2


def test_chunk_cache_is_bounded_in_bytes() -> None:
    cache = ChunkCache(max_bytes=10_000)
    fragment = fragments_module.Fragment(b"x" * 1000, frozenset(), None)
    for i in range(50):
        cache.put(("r", (Entry(str(i), "0"),)), assembly.Chunk.of([fragment]))
    assert cache.bytes <= 10_000 and cache.get(("r", (Entry("49", "0"),))) is not None
    assert cache.get(("r", (Entry("0", "0"),))) is None


def pieces(data: bytes, size: int) -> Iterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i : i + size]


def test_joined_deflate_streams_are_one_gzip_member_every_decoder_reads(tmp_path) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(5)
    parts = [bytes(rng.choice(b"abc \r\n") for _ in range(rng.randrange(1, 90_000)))
             for _ in range(12)]  # fmt: skip
    body = b"".join(parts)
    gz = assembly.gzip_of([assembly.deflate(p) for p in parts], body)
    assert gzip.decompress(gz) == body
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)  # as HTTP clients inflate, streaming
    assert b"".join(inflater.decompress(p) for p in pieces(gz, 1000)) == body and inflater.eof
    path = tmp_path / "feed.ics.gz"
    path.write_bytes(gz)
    assert subprocess.run(["gzip", "-t", str(path)], check=False).returncode == 0
    assert subprocess.run(["gzip", "-dc", str(path)], capture_output=True).stdout == body
    assert len(gz) < len(body) / 2


def test_feed_of_plain_bytes() -> None:
    assert gzip.decompress(assembly.Feed.of(b"BEGIN:VCALENDAR").gzipped) == b"BEGIN:VCALENDAR"
