"""Feed benchmark (prints JSON with its floors).

1. Build a 10,000-event feed with bot.calendar, and serialise the same events with icalendar
   alone (property values computed beforehand, untimed): the ratio is secbot's overhead for a
   full serialisation. Both outputs must be byte-identical, so they are the same events.
2. Over HTTP to a real `secbot serve` (uvicorn, SQLite with the 10,000 meetings): the first
   request (every event serialised and kept), cache hits (feed built, data unchanged) and the
   304 path (If-None-Match), p50/p95 in milliseconds. Latency is time to the last byte on one
   kept-alive connection, read with the standard library's http.client, as load generators do
   (no decompression). Hits are measured with `Accept-Encoding: gzip` (what calendar apps
   send) and without; `httpx_decoded_hit_p50` adds what a Python client spends inflating.
3. Incremental rebuilds, side by side with today's full rebuild in the same run: `--changes`
   times, one meeting is edited (through the store, as any edit is) and the next request is
   timed (gzip, then identity in alternate rounds); then the full rebuild (`public_body`: every
   event serialised again, and gzip-compressed, which is what a build cost before fragments)
   is timed in this process after a change, and the served bytes are checked against it.
4. Restart: the server is stopped and started again; the first request is timed (its
   fragments come from the database, its chunks are compressed again).

Run: .venv/bin/python benchmarks/bench_feeds.py [--events 10000] [--requests 300] [--changes 10]
"""

from __future__ import annotations

import argparse
import gc
import gzip
import http.client
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from icalendar import Calendar, Event, vDuration
from sqlalchemy import Engine
from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.floors import at_least, at_most, verdict
from benchmarks.serving import Served, secbot_serve
from bot.calendar import feeds
from bot.calendar import ical as calendar
from storage import db, repo
from storage.models import MeetingData, meeting_data

NOW = datetime(2015, 12, 15, 9, tzinfo=UTC)
ZONES = [("Europe/Zurich", "CH"), ("Africa/Nairobi", "KE"), ("Asia/Bangkok", "TH"),
         ("America/Montevideo", "UY")]  # fmt: skip
KINDS = ["session", "workshop", "bureau", "regional_meeting", "expert_group"]


def meeting_items(n: int) -> list[MeetingData]:
    items = []
    for i in range(n):
        zone, country = ZONES[i % len(ZONES)]
        start = date(2016, 1, 1) + timedelta(days=i % 700)
        item: dict[str, object] = {
            "id": f"bench-{i}", "title": f"Benchmark meeting number {i} on mercury",
            "kind": KINDS[i % len(KINDS)], "status": "cancelled" if i % 17 == 0 else "planned",
            "country": country, "venue": f"Hall {i % 9}", "hosts": [f"Host {i % 13}"],
            "funders": ["Japan", "Switzerland"], "description": "A meeting for the benchmark.",
            "source": {"document": "Bench report", "paragraph": str(i % 50)},
        }  # fmt: skip
        if i % 10 == 0:
            item["start"] = start.strftime("%Y-%m")
        else:
            item["start"] = start.isoformat()
            item["end"] = (start + timedelta(days=i % 4)).isoformat()
        if i % 3 == 0 and i % 10:
            item.update(start_time="10:00", end_time="13:00", timezone=zone)
        items.append(MeetingData.model_validate(item))
    return items


def event_values(m: object) -> dict[str, object]:
    """The property values of one event, computed outside the icalendar-alone timing."""
    start, end = calendar.event_bounds(m)  # type: ignore[arg-type]
    link = calendar.meeting_link(m, "https://secbot.example.org")  # type: ignore[arg-type]
    return {
        "new": dict(
            uid=m.uid, sequence=m.sequence, stamp=m.updated_at,  # type: ignore[attr-defined]
            summary=calendar.summary_text(m), start=start, end=end,  # type: ignore[arg-type]
            location=calendar.location_text(m) or None,  # type: ignore[arg-type]
            description=calendar.description_text(m, link=link),  # type: ignore[arg-type]
            status=calendar.ical_status(m), url=link,  # type: ignore[arg-type]
            categories=calendar.categories(m),  # type: ignore[arg-type]
            last_modified=m.updated_at, created=m.created_at,  # type: ignore[attr-defined]
            transparency="TRANSPARENT" if m.precision == "month" else None,  # type: ignore[attr-defined]
        ),
        "x": calendar.machine_fields(m),  # type: ignore[arg-type]
    }  # fmt: skip


def icalendar_alone(values: list[dict[str, object]]) -> bytes:
    events = []
    for v in values:
        event = Event.new(**v["new"])  # type: ignore[arg-type]
        for prop, value in v["x"].items():  # type: ignore[attr-defined]
            event.add(prop, value)
        events.append(event)
    cal = Calendar.new(
        prodid=calendar.PRODID, name=calendar.FEED_NAME, uid="meetings@secbot",
        refresh_interval=calendar.REFRESH, subcomponents=events,
    )  # fmt: skip
    cal.add("X-PUBLISHED-TTL", vDuration(calendar.REFRESH))
    span = calendar.timezone_range(events)
    if span:
        cal.add_missing_timezones(*span)
        cal.subcomponents.sort(key=lambda c: (c.name != "VTIMEZONE", str(c.get("TZID", ""))))
    return cal.to_ical()


def latencies(
    conn: http.client.HTTPConnection, path: str, n: int, headers: dict[str, str]
) -> list[float]:
    """Milliseconds from sending the request to reading the last byte of the response."""
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        conn.request("GET", path, headers=headers)
        r = conn.getresponse()
        r.read()
        out.append((time.perf_counter() - t0) * 1000)
        assert r.status in (200, 304)
    return out


def timed_build(fn):  # type: ignore[no-untyped-def]
    gc.collect()  # neither side pays for the other's garbage
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def pct(values: list[float], q: float) -> float:
    return round(sorted(values)[int(q * (len(values) - 1))], 3)


FLOORS = {
    # the feeds' first targets
    "build_ratio_max": 1.2,  # full serialisation against icalendar alone
    "cache_hit_p50_ms_max": 5,
    "not_modified_p50_ms_max": 2,
    # issue 18 (incremental feeds)
    "after_change_ms_max": 100,  # the next request after one meeting changed
    "speedup_min": 50,  # today's full rebuild over that request
    "after_restart_ms_max": 1000,
}
BASE = "https://secbot.example.org"
GZIP = {"Accept-Encoding": "gzip"}
PLAIN = {"Accept-Encoding": "identity"}


def build_ratio(rows: list[object], runs: int) -> dict[str, object]:
    """secbot's full serialisation against icalendar alone on the same events."""
    values = [event_values(m) for m in rows]
    ours_times, alone_times = [], []
    for run in range(runs):  # interleaved, each going first in turn: same load
        for side in ("ours", "alone") if run % 2 == 0 else ("alone", "ours"):
            if side == "ours":
                t, ours = timed_build(
                    lambda: calendar.meetings_calendar(rows, base_url=BASE).to_ical()  # type: ignore[arg-type]
                )
                ours_times.append(t)
            else:
                t, alone = timed_build(lambda: icalendar_alone(values))
                alone_times.append(t)
    assert ours == alone, "the two builds must give the same bytes"
    per_run = [o / a for o, a in zip(ours_times, alone_times, strict=True)]
    print(f"build: secbot {min(ours_times):.2f}s, alone {min(alone_times):.2f}s", file=sys.stderr)
    return {
        "feed_bytes": len(ours),
        "build_secbot_s": round(min(ours_times), 3),
        "build_icalendar_alone_s": round(min(alone_times), 3),
        "build_ratio_best": round(min(ours_times) / min(alone_times), 3),
        "build_ratio_per_run": [round(r, 3) for r in per_run],
        "build_ratio_per_run_median": round(statistics.median(per_run), 3),
        "build_ratio_median": round(
            statistics.median(ours_times) / statistics.median(alone_times), 3
        ),
    }


def cached_paths(server: str, requests: int) -> dict[str, object]:
    """First request, cache hits and 304s for the full feed and a filtered one."""
    small = "/calendar.ics?kind=session&country=CH"
    results: dict[str, object] = {}
    conn = http.client.HTTPConnection(urlsplit(server).netloc, timeout=600)
    with httpx.Client(base_url=server, timeout=600) as client:
        for name, path in (("full_feed", "/calendar.ics"), ("filtered_feed", small)):
            t0 = time.perf_counter()
            first = client.get(path, headers=PLAIN)
            cold_ms = (time.perf_counter() - t0) * 1000
            n = max(20, requests // 10) if name == "full_feed" else requests
            with client.stream("GET", path, headers=GZIP) as r:
                gzip_bytes = len(b"".join(r.iter_raw()))
            gz_hits = latencies(conn, path, n, GZIP)
            hits = latencies(conn, path, n, PLAIN)
            not_modified = latencies(conn, path, requests, {"If-None-Match": first.headers["etag"]})
            decoded = []
            for _ in range(n):
                t0 = time.perf_counter()
                assert len(client.get(path, headers=GZIP).content) == len(first.content)
                decoded.append((time.perf_counter() - t0) * 1000)
            results[name] = {
                "bytes": len(first.content),
                "gzip_bytes": gzip_bytes,
                "events": first.content.count(b"BEGIN:VEVENT"),
                "first_build_ms": round(cold_ms, 1),
                "cache_hit_gzip_p50_ms": pct(gz_hits, 0.5),
                "cache_hit_gzip_p95_ms": pct(gz_hits, 0.95),
                "cache_hit_identity_p50_ms": pct(hits, 0.5),
                "cache_hit_identity_p95_ms": pct(hits, 0.95),
                "httpx_decoded_hit_p50_ms": pct(decoded, 0.5),
                "not_modified_304_p50_ms": pct(not_modified, 0.5),
                "not_modified_304_p95_ms": pct(not_modified, 0.95),
            }
    conn.close()
    return results


def edit_one(
    engine: Engine, ids: list[str], rng: random.Random, at: datetime, *, move: bool = False
) -> None:
    """Change one meeting through the store (SEQUENCE and the feed version move): its title,
    or (`move`) its dates, a week later, which moves its event elsewhere in the feed."""
    with db.session_scope(engine) as session:
        meeting = repo.require_meeting(session, meeting_id=rng.choice(ids))
        data = meeting_data(meeting)
        if move and data.precision == "day" and data.start and data.end:
            change = {"start": data.start + timedelta(days=7), "end": data.end + timedelta(days=7)}
        else:
            change = {"title": f"Edited at {at:%H:%M:%S}"}
        repo.upsert_meeting(session, data=data.model_copy(update=change), now=at)


def one_request(server: str, headers: dict[str, str]) -> tuple[float, bytes, str]:
    """(milliseconds to the last byte, the body as sent, its ETag) on a fresh connection."""
    conn = http.client.HTTPConnection(urlsplit(server).netloc, timeout=600)
    t0 = time.perf_counter()
    conn.request("GET", "/calendar.ics", headers=headers)
    r = conn.getresponse()
    body = r.read()
    elapsed = (time.perf_counter() - t0) * 1000
    conn.close()
    assert r.status == 200, r.status
    return elapsed, body, r.headers["ETag"]


def after_changes(
    server: Served, engine: Engine, ids: list[str], changes: int
) -> dict[str, object]:
    """The next request after one meeting changed, `changes` times: gzip and identity in turn,
    after a new title or new dates (two at a time). Besides the latency, the server's CPU
    time per request (read from /proc; less moved by a busy machine than wall time)."""
    rng = random.Random(11)
    one_request(server.url, GZIP)  # the feed as it is, built
    times: dict[str, list[float]] = {"gzip": [], "identity": []}
    cpu = 0.0
    for k in range(changes):
        edit_one(engine, ids, rng, NOW + timedelta(minutes=k + 1), move=k % 4 >= 2)
        name, headers = ("gzip", GZIP) if k % 2 == 0 else ("identity", PLAIN)
        before = server.cpu_seconds()
        elapsed, _, _ = one_request(server.url, headers)
        cpu += server.cpu_seconds() - before
        times[name].append(elapsed)
    result: dict[str, object] = {
        name: {"p50_ms": pct(values, 0.5), "max_ms": round(max(values), 1), "n": len(values)}
        for name, values in times.items()
    }
    return result | {"server_cpu_mean_ms": round(cpu * 1000 / changes, 1)}


def full_rebuild(server: Served, engine: Engine, ids: list[str]) -> tuple[float, float]:
    """(seconds, CPU seconds) of today's full rebuild after a change (every event serialised,
    then gzip-compressed); the server's incremental answer must be the same bytes."""
    edit_one(engine, ids, random.Random(5), NOW + timedelta(days=1))
    with Session(engine) as session:
        gc.collect()
        cpu, t = time.process_time(), time.perf_counter()
        feed = feeds.Feed.of(feeds.public_body(session, feeds.Filters(), base_url=BASE))
        cpu, t = time.process_time() - cpu, time.perf_counter() - t
    _, served, _ = one_request(server.url, GZIP)
    assert gzip.decompress(served) == feed.body, "the assembled feed differs from a full one"
    return float(t), cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--changes", type=int, default=20)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        engine = db.make_engine(url)
        db.upgrade(engine)
        with db.session_scope(engine) as session:
            repo.upsert_meetings(session, items=meeting_items(args.events), now=NOW)
        with db.session_scope(engine) as session:
            rows = repo.list_meetings(session, dated_only=True)
            session.expunge_all()
        ids = [m.id for m in rows]
        ratio = build_ratio(rows, args.runs)  # type: ignore[arg-type]

        env = {k: v for k, v in os.environ.items() if not k.startswith("SECBOT_")}
        env |= {
            "SECBOT_DATABASE_URL": url, "SECBOT_PUBLIC_URL": BASE, "SECBOT_NOW": NOW.isoformat(),
            "SECBOT_SEED_ON_START": "false", "SECBOT_REMINDERS_ENABLED": "false",
            "SECBOT_LOG_LEVEL": "warning",
        }  # fmt: skip
        with secbot_serve(env) as server:
            http_results = cached_paths(server.url, args.requests)
            incremental = after_changes(server, engine, ids, args.changes)
            full_s, full_cpu_s = full_rebuild(server, engine, ids)
        edit_one(engine, ids, random.Random(7), NOW + timedelta(days=2))
        with secbot_serve(env) as server:  # a restart: new process, fragments in the database
            before = server.cpu_seconds()
            restart_ms, served, _ = one_request(server.url, GZIP)
            restart_cpu_ms = (server.cpu_seconds() - before) * 1000
        with Session(engine) as session:
            full = feeds.public_body(session, feeds.Filters(), base_url=BASE)
        assert gzip.decompress(served) == full, "the feed after a restart differs from a full one"
        engine.dispose()

    full_feed = http_results["full_feed"]
    assert isinstance(full_feed, dict)
    after_ms = max(incremental["gzip"]["p50_ms"], incremental["identity"]["p50_ms"])  # type: ignore[index]
    speedup = full_s * 1000 / after_ms
    floors = {
        "build_ratio_per_run_median": at_most(
            ratio["build_ratio_per_run_median"],
            FLOORS["build_ratio_max"],  # type: ignore[arg-type]
        ),
        "cache_hit_gzip_p50_ms": at_most(
            full_feed["cache_hit_gzip_p50_ms"], FLOORS["cache_hit_p50_ms_max"]
        ),
        "not_modified_304_p50_ms": at_most(
            full_feed["not_modified_304_p50_ms"], FLOORS["not_modified_p50_ms_max"]
        ),
        "after_one_change_p50_ms": at_most(after_ms, FLOORS["after_change_ms_max"]),
        "speedup_over_full_rebuild": at_least(round(speedup, 1), FLOORS["speedup_min"]),
        "after_restart_ms": at_most(round(restart_ms, 1), FLOORS["after_restart_ms_max"]),
    }
    result = {
        "benchmark": "feeds: full serialisation, HTTP hits and 304s, incremental rebuilds",
        "events": len(rows),
        **ratio,
        "http": http_results,
        "after_one_change": incremental,
        "full_rebuild_s": round(full_s, 3),
        "full_rebuild_cpu_s": round(full_cpu_s, 3),
        "after_restart_first_request_ms": round(restart_ms, 1),
        "after_restart_server_cpu_ms": round(restart_cpu_ms),
        **verdict(floors),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
