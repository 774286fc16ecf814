"""Feed benchmark (prints JSON).

1. Build a 10,000-event feed with bot.calendar, and serialise the same events with icalendar
   alone (property values computed beforehand, untimed): the ratio is secbot's overhead.
   Both outputs must be byte-identical, so they are the same events.
2. Over HTTP to a local uvicorn server: a cache hit (feed already built, data unchanged) and
   the 304 path (If-None-Match), p50/p95 in milliseconds, on a database of 10,000 meetings.
   Latency is time to the last byte on one kept-alive connection, read with the standard
   library's http.client, as load generators do (no decompression). Cache hits are measured
   with `Accept-Encoding: gzip` (what calendar apps send) and without; `httpx_decoded_hit_p50`
   adds what a Python client spends inflating and assembling the body, for comparison.

Run: .venv/bin/python benchmarks/bench_feeds.py [--events 10000] [--requests 300]
"""

from __future__ import annotations

import argparse
import gc
import http.client
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from icalendar import Calendar, Event, vDuration

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.calendar import ical as calendar
from bot.clock import fixed
from bot.runtime import Runtime
from bot.settings import Settings
from handlers.web.app import create_app
from storage import db, repo
from storage.models import MeetingData
from tests.servers import serve_app

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        engine = db.make_engine(url)
        db.upgrade(engine)
        with db.session_scope(engine) as session:
            repo.upsert_meetings(session, items=meeting_items(args.events), now=NOW)
        with db.session_scope(engine) as session:
            rows = repo.list_meetings(session, dated_only=True)
        base = "https://secbot.example.org"

        values = [event_values(m) for m in rows]
        ours_times, alone_times = [], []
        for run in range(args.runs):  # interleaved, each going first in turn: same load
            for side in ("ours", "alone") if run % 2 == 0 else ("alone", "ours"):
                if side == "ours":
                    t, ours = timed_build(
                        lambda: calendar.meetings_calendar(rows, base_url=base).to_ical()
                    )
                    ours_times.append(t)
                else:
                    t, alone = timed_build(lambda: icalendar_alone(values))
                    alone_times.append(t)
        ours_best, ours_median = min(ours_times), statistics.median(ours_times)
        alone_best, alone_median = min(alone_times), statistics.median(alone_times)
        assert ours == alone, "the two builds must give the same bytes"
        print(f"build: secbot {ours_best:.2f}s, icalendar alone {alone_best:.2f}s", file=sys.stderr)

        settings = Settings(
            database_url=url, public_url=base, seed_on_start=False, reminders_enabled=False
        )
        app = create_app(Runtime(settings=settings, clock=fixed(NOW), engine=engine))
        with serve_app(app) as server, httpx.Client(base_url=server, timeout=300) as client:
            small = "/calendar.ics?kind=session&country=CH"
            gzip_ok = {"Accept-Encoding": "gzip"}
            plain = {"Accept-Encoding": "identity"}
            conn = http.client.HTTPConnection(urlsplit(server).netloc, timeout=300)
            results = {}
            for name, path in (("full_feed", "/calendar.ics"), ("filtered_feed", small)):
                t0 = time.perf_counter()
                first = client.get(path, headers=plain)
                cold_ms = (time.perf_counter() - t0) * 1000
                n = max(20, args.requests // 10) if name == "full_feed" else args.requests
                with client.stream("GET", path, headers=gzip_ok) as r:
                    gzip_bytes = len(b"".join(r.iter_raw()))
                gz_hits = latencies(conn, path, n, gzip_ok)
                hits = latencies(conn, path, n, plain)
                not_modified = latencies(
                    conn, path, args.requests, {"If-None-Match": first.headers["etag"]}
                )
                decoded = []
                for _ in range(n):
                    t0 = time.perf_counter()
                    assert len(client.get(path, headers=gzip_ok).content) == len(first.content)
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
        engine.dispose()

    print(
        json.dumps(
            {
                "events": len(rows),
                "feed_bytes": len(ours),
                "build_secbot_s": round(ours_best, 3),
                "build_icalendar_alone_s": round(alone_best, 3),
                "build_ratio_best": round(ours_best / alone_best, 3),
                "build_ratio_per_run": [
                    round(o / a, 3) for o, a in zip(ours_times, alone_times, strict=True)
                ],
                "build_ratio_per_run_median": round(
                    statistics.median(o / a for o, a in zip(ours_times, alone_times, strict=True)),
                    3,
                ),
                "build_ratio_median": round(ours_median / alone_median, 3),
                "http": results,
                "targets": {
                    "build_ratio_max": 1.2,
                    "cache_hit_p50_ms_max": 5,
                    "not_modified_p50_ms_max": 2,
                },
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
