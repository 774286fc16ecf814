"""Calendar feeds without HTTP: what goes in each feed, its version, links and a build cache.

Every feed has a key (which feed: filters, one meeting, or one subscriber) and a version (what
the data looked like). The body is built once per (key, version) and kept in a small LRU
cache, so polling calendar apps cost a version query, not a rebuild; the strong ETag is a hash
of key and version, which is why a published feed's bytes depend on the data alone. A build
after a change is assembled from stored events (`bot.calendar.assembly`): only the changed
meetings are serialised again, and the bytes equal a full serialisation (`public_body`).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, col, func, select

from bot.calendar import ical as calendar
from bot.calendar.assembly import ChunkCache, Feed, assemble
from bot.calendar.fragments import Entry, variant_of
from storage import fragments, places, repo
from storage import subscriptions as subs
from storage.models import Kind, Meeting

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


MAX_VALUES = 50  # values of one filter in a request


@dataclass(frozen=True)
class Filters:
    """Query filters of the public feed: values of one field are OR-ed, fields AND-ed."""

    kinds: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    series: tuple[str, ...] = ()

    @classmethod
    def parse(
        cls,
        *,
        kinds: Sequence[str] = (),
        regions: Sequence[str] = (),
        countries: Sequence[str] = (),
        series: Sequence[str] = (),
    ) -> Filters:
        """Validated, canonical and sorted filters; ValueError says which value is unknown.
        Series are checked against the store by `check_series`."""
        for field_name, values in (
            ("kind", kinds), ("region", regions), ("country", countries), ("series", series),
        ):  # fmt: skip
            if len(values) > MAX_VALUES:
                raise ValueError(f"at most {MAX_VALUES} values of {field_name}")
        bad = [k for k in kinds if k not in Kind.__members__]
        if bad:
            raise ValueError(f"unknown kind {bad[0]!r}; one of: {', '.join(Kind.__members__)}")
        region_names = []
        for r in regions:
            name = places.region_name(r)
            if name is None:
                raise ValueError(f"unknown region {r!r}; one of: {', '.join(places.REGIONS)}")
            region_names.append(name)
        codes = []
        for c in countries:
            code = places.country_code(c)
            if code is None:
                raise ValueError(f"unknown country {c!r}; use an ISO 3166 alpha-2 code")
            codes.append(code)
        return cls(
            kinds=tuple(sorted(set(kinds))),
            regions=tuple(sorted(set(region_names))),
            countries=tuple(sorted(set(codes))),
            series=tuple(sorted({s.strip().lower() for s in series if s.strip()})),
        )

    def describe(self) -> str:
        parts = [
            *(calendar.KIND_LABELS.get(k, k) for k in self.kinds),
            *self.regions,
            *(places.country_name(c) for c in self.countries),
            *(s.upper() for s in self.series),
        ]
        return calendar.FEED_NAME + (f" ({', '.join(parts)})" if parts else "")


@dataclass(frozen=True)
class Version:
    """What a feed's content depends on, and when that last changed."""

    key: str
    version: str
    last_modified: datetime

    @property
    def digest(self) -> str:
        return hashlib.sha256(f"{self.key}\n{self.version}".encode()).hexdigest()[:32]

    @property
    def etag(self) -> str:
        return f'"{self.digest}"'

    @property
    def gzip_etag(self) -> str:
        """The gzip representation's strong ETag: other bytes, so another tag (RFC 9110 8.8.3)."""
        return f'"{self.digest}-gzip"'


class FeedCache:
    """Built feeds by key, each kept for one version; least recently used go first. Builds
    assemble from `chunks`, shared by the feeds."""

    def __init__(self, max_feeds: int = 256) -> None:
        self.max_feeds = max_feeds
        self._feeds: OrderedDict[str, tuple[str, Feed]] = OrderedDict()
        self._lock = threading.Lock()
        # a build lock per key, with how many requests hold or wait for it; dropped when none
        # do, so keys from request input leave nothing behind
        self._building: dict[str, tuple[threading.Lock, int]] = {}
        self.builds = 0  # how many bodies were built (tests and benchmarks read it)
        self.chunks = ChunkCache()

    def _cached(self, version: Version) -> Feed | None:
        with self._lock:
            entry = self._feeds.get(version.key)
            if entry is not None and entry[0] == version.version:
                self._feeds.move_to_end(version.key)
                return entry[1]
            return None

    def get(self, version: Version, build: Callable[[], Feed]) -> Feed:
        """The feed for `version`, built by `build` only when no copy of it is cached.
        Concurrent requests for the same feed wait for one build."""
        feed = self._cached(version)
        if feed is not None:
            return feed
        key = version.key
        with self._lock:
            key_lock, users = self._building.get(key, (None, 0))
            key_lock = key_lock or threading.Lock()
            self._building[key] = (key_lock, users + 1)
        try:
            with key_lock:
                feed = self._cached(version)
                if feed is not None:
                    return feed
                feed = build()
                with self._lock:
                    self.builds += 1
                    self._feeds[key] = (version.version, feed)
                    self._feeds.move_to_end(key)
                    while len(self._feeds) > self.max_feeds:
                        self._feeds.popitem(last=False)
                return feed
        finally:
            with self._lock:
                _, users = self._building[key]
                if users == 1:
                    del self._building[key]
                else:
                    self._building[key] = (key_lock, users - 1)

    def building(self) -> int:
        """How many keys have a build lock now (requests in flight)."""
        with self._lock:
            return len(self._building)

    def __len__(self) -> int:
        with self._lock:
            return len(self._feeds)


def check_series(session: Session, filters: Filters) -> None:
    """ValueError naming a series of `filters` no stored meeting belongs to."""
    if not filters.series:
        return
    lowered = func.lower(col(Meeting.series))
    query = select(lowered).where(lowered.in_(filters.series)).distinct()
    unknown = sorted(set(filters.series) - set(session.exec(query)))
    if unknown:
        raise ValueError(f"unknown series {unknown[0]!r}; no meeting belongs to it")


# --- versions ----------------------------------------------------------------------------------


def public_version(session: Session, filters: Filters) -> Version:
    fingerprint, latest = subs.meetings_version(session)
    return Version(f"public:{filters!r}", fingerprint, latest or EPOCH)


def meeting_version(meeting: Meeting) -> Version:
    return Version(
        f"meeting:{meeting.id}",
        f"{meeting.sequence}.{meeting.updated_at.isoformat()}",
        meeting.updated_at,
    )


def private_version(session: Session, subscriber: str) -> Version:
    fingerprint, latest = subs.meetings_version(session)
    own = subs.subscriber_version(session, subscriber=subscriber)
    changed = subs.latest_change(session, subscriber=subscriber)
    stamps = [t for t in (latest, changed) if t is not None]
    return Version(f"user:{subscriber}", f"{fingerprint}.{own}", max(stamps, default=EPOCH))


# --- bodies ------------------------------------------------------------------------------------


def public_feed(
    session: Session, filters: Filters, *, base_url: str | None, chunks: ChunkCache
) -> Feed:
    """The public feed, assembled from kept events (equal to `public_body`'s bytes)."""
    listed = fragments.revisions(
        session,
        kinds=filters.kinds,
        regions=filters.regions,
        countries=filters.countries,
        series=filters.series,
    )
    entries = [Entry(mid, revision) for mid, revision in listed]
    name, uid = filters.describe(), calendar.FEED_UID
    return assemble(session, entries, name=name, uid=uid, base_url=base_url, chunks=chunks)


def private_feed(
    session: Session, subscriber: str, *, base_url: str | None, chunks: ChunkCache
) -> Feed:
    """A person's feed, assembled from kept events (equal to `private_body`'s bytes)."""
    followed = subs.followed_meetings(session, subscriber=subscriber)
    listed = fragments.revisions(session, ids=followed)
    entries = [Entry(mid, rev, variant_of(followed[mid])) for mid, rev in listed]
    return assemble(
        session, entries, name=PRIVATE_NAME, uid=private_uid(subscriber), base_url=base_url,
        chunks=chunks,
    )  # fmt: skip


def public_body(session: Session, filters: Filters, *, base_url: str | None) -> bytes:
    """The public feed with every event serialised again (what `public_feed` must equal)."""
    rows = repo.list_meetings(
        session,
        kinds=filters.kinds,
        regions=filters.regions,
        countries=filters.countries,
        series=filters.series,
        dated_only=True,
    )
    cal = calendar.meetings_calendar(rows, name=filters.describe(), base_url=base_url)
    return cal.to_ical()


def meeting_body(meeting: Meeting, *, base_url: str | None) -> bytes:
    cal = calendar.meetings_calendar(
        [meeting], name=meeting.title, uid=f"meeting-{meeting.uid}", base_url=base_url
    )
    return cal.to_ical()


PRIVATE_NAME = "My secretariat meetings"


def private_uid(subscriber: str) -> str:
    return f"private-{hashlib.sha256(subscriber.encode()).hexdigest()[:16]}@secbot"


def private_body(session: Session, subscriber: str, *, base_url: str | None) -> bytes:
    """A person's feed with every event serialised again (what `private_feed` must equal)."""
    followed = subs.followed_meetings(session, subscriber=subscriber)
    query = select(Meeting).where(col(Meeting.id).in_(list(followed)))
    rows = list(session.exec(query.order_by(col(Meeting.start_date), col(Meeting.id))))
    cal = calendar.meetings_calendar(
        rows,
        name=PRIVATE_NAME,
        uid=private_uid(subscriber),
        base_url=base_url,
        alarms={mid: minutes for mid, minutes in followed.items() if minutes},
    )
    return cal.to_ical()


# --- links -------------------------------------------------------------------------------------


def feed_links(public_url: str, path: str) -> dict[str, str]:
    """The https and webcal:// forms of a feed path (webcal opens calendar apps directly)."""
    https = public_url.rstrip("/") + path
    rest = https.partition("://")[2]
    return {"webcal": f"webcal://{rest}", "https": https}


def private_links(public_url: str, token: str) -> dict[str, str]:
    return feed_links(public_url, f"/calendar/u/{token}.ics")
