"""Feeds put together from ready parts: the calendar's head, chunks of events, its end.

A feed's events are cut into chunks at meetings whose id hashes to a boundary (content-defined
chunking, about 256 events each), so adding, removing or changing a meeting changes the chunk
it falls in (two when its id is a boundary) and the others stay as they were. Each chunk is
kept in memory (`ChunkCache`, bounded in bytes) with its raw-deflate copy, made with a fresh
compressor and ended byte-aligned (a sync flush): deflate streams so made can be laid end to
end, so the gzip body is a header, the chunks' deflate copies, a final block and the CRC of
the whole (as pigz does). A feed after a change therefore costs a listing of revisions, one
chunk's events serialised and compressed, and joining bytes; the bytes served equal a full
serialisation.
"""

from __future__ import annotations

import gzip
import struct
import threading
import zlib
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from sqlmodel import Session

from bot.calendar import ical
from bot.calendar.fragments import Entry, Fragment, fragments, renderer

# A chunk ends after a meeting whose id hashes to 0 modulo AVERAGE_EVENTS, or at MAX_EVENTS.
# Each chunk is compressed on its own, so smaller chunks compress worse: a 10,000-event feed
# gzips to 511 kB with 64-event chunks, 431 kB with 256 and 401 kB in one piece; a change
# costs one chunk (about 256 kB here) read and compressed again.
AVERAGE_EVENTS = 256
MAX_EVENTS = 1024
LEVEL = 6  # zlib's default, as gzip.compress(..., compresslevel=6) before
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # deflate, no name, mtime 0, OS unknown
_FINAL_BLOCK = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS).flush()


@dataclass(frozen=True)
class Feed:
    """A built feed: the bytes, plain and gzip-compressed.

    Calendar apps ask for gzip, and a 10,000-event feed shrinks about 25-fold (10 MB to
    0.4 MB), so serving the compressed copy costs little more than a 304.
    """

    body: bytes
    gzipped: bytes

    @classmethod
    def of(cls, body: bytes) -> Feed:
        return cls(body, gzip.compress(body, compresslevel=LEVEL, mtime=0))


def deflate(data: bytes) -> bytes:
    """Raw deflate of `data`, ended byte-aligned and not final, so streams can be joined."""
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)


def gzip_of(deflated: Sequence[bytes], body: bytes) -> bytes:
    """One gzip member whose deflate stream is `deflated` laid end to end (see `deflate`);
    `body` is what they inflate to, for the trailer's CRC-32 and size."""
    trailer = struct.pack("<II", zlib.crc32(body), len(body) & 0xFFFFFFFF)
    return b"".join([_GZIP_HEADER, *deflated, _FINAL_BLOCK, trailer])


@dataclass(frozen=True)
class Chunk:
    """Consecutive events of a feed: their bytes, deflated copy and zones."""

    plain: bytes
    deflated: bytes
    tzids: frozenset[str]
    days: tuple[date, date] | None

    @classmethod
    def of(cls, parts: Sequence[Fragment]) -> Chunk:
        """The chunk of `parts` (possibly none: meetings deleted while the feed was built)."""
        plain = b"".join(p.body for p in parts)
        spans = [p.days for p in parts if p.days is not None]
        days = (min(d[0] for d in spans), max(d[1] for d in spans)) if spans else None
        return cls(plain, deflate(plain), frozenset().union(*(p.tzids for p in parts)), days)

    @property
    def size(self) -> int:
        return len(self.plain) + len(self.deflated)


def split(entries: Sequence[Entry]) -> list[tuple[Entry, ...]]:
    """Consecutive runs of entries, cut after ids that hash to a boundary (crc32: the same in
    every process, so the gzip bytes are too) or at MAX_EVENTS."""
    runs: list[tuple[Entry, ...]] = []
    start = 0
    for i, entry in enumerate(entries):
        if zlib.crc32(entry.meeting_id.encode()) % AVERAGE_EVENTS == 0 or (
            i + 1 - start >= MAX_EVENTS
        ):
            runs.append(tuple(entries[start : i + 1]))
            start = i + 1
    if start < len(entries):
        runs.append(tuple(entries[start:]))
    return runs


ChunkKey = tuple[str, tuple[Entry, ...]]  # (renderer, the chunk's entries)


class ChunkCache:
    """Chunks by renderer and entries, least recently used dropped beyond `max_bytes`.

    Its size is bounded by `max_bytes` whatever the requests; what it holds is decided by the
    stored meetings (each chunk is a run of a listing), not by request input.
    """

    def __init__(self, max_bytes: int = 128 * 2**20) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._chunks: OrderedDict[ChunkKey, Chunk] = OrderedDict()
        self._lock = threading.Lock()
        self.made = 0  # chunks built (tests and benchmarks read it)

    def get(self, key: ChunkKey) -> Chunk | None:
        with self._lock:
            chunk = self._chunks.get(key)
            if chunk is not None:
                self._chunks.move_to_end(key)
            return chunk

    def put(self, key: ChunkKey, chunk: Chunk) -> None:
        with self._lock:
            self.made += 1
            old = self._chunks.pop(key, None)
            self.bytes += chunk.size - (old.size if old else 0)
            self._chunks[key] = chunk
            while self.bytes > self.max_bytes and self._chunks:
                _, dropped = self._chunks.popitem(last=False)
                self.bytes -= dropped.size


@lru_cache(maxsize=64)
def _head(name: str, uid: str, tzids: frozenset[str], days: tuple[date, date] | None) -> bytes:
    return ical.calendar_head(name=name, uid=uid, tzids=tzids, days=days)


def assemble(
    session: Session,
    entries: Sequence[Entry],
    *,
    name: str,
    uid: str,
    base_url: str | None,
    chunks: ChunkCache,
) -> Feed:
    """The feed of `entries` (a published calendar, as `ical.meetings_calendar` writes it),
    from cached chunks, stored fragments, and rendering what neither has."""
    digest = renderer(base_url)
    runs = split(entries)
    found = [chunks.get((digest, run)) for run in runs]
    missing = [run for run, chunk in zip(runs, found, strict=True) if chunk is None]
    if missing:
        made = fragments(session, [e for run in missing for e in run], base_url=base_url)
        for i, run in enumerate(runs):
            if found[i] is None:
                chunk = Chunk.of([made[e] for e in run if e in made])
                chunks.put((digest, run), chunk)
                found[i] = chunk
    parts = [c for c in found if c is not None and c.plain]
    spans = [c.days for c in parts if c.days is not None]
    days = (min(d[0] for d in spans), max(d[1] for d in spans)) if spans else None
    head = _head(name, uid, frozenset().union(*(c.tzids for c in parts)), days)
    body = b"".join([head, *(c.plain for c in parts), ical.CALENDAR_END])
    deflated = [deflate(head), *(c.deflated for c in parts), deflate(ical.CALENDAR_END)]
    return Feed(body, gzip_of(deflated, body))
