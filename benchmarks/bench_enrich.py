"""Enrichment benchmark (prints JSON): importing 100,000 spreadsheet rows as people keep them
("Meeting, Dates, Location, Type, Notes": addresses, designations, hosts and funders in words),
with the enrichment step and without it (rows taken as written), read + validated + stored in
a fresh SQLite database the way `secbot import` stores them (in batches, in bulk). Floor: with
enrichment ≤ 2× without.

    .venv/bin/python benchmarks/bench_enrich.py [ROWS]
"""

from __future__ import annotations

import csv
import io
import json
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.floors import at_most, verdict
from benchmarks.synthetic import CITIES, DONORS, TOPICS
from bot.meetings import import_meetings
from storage import db, places
from storage.importers import read_text

FLOOR = 2.0
ADDRESS = [
    "{venue}, {street} {n}, {postal} {city}, {country}",
    "{venue}, {city}, {country}",
    "{city}, {country}",
    "{venue} ({city})",
    "{venue}, {city}",
    "Microsoft Teams Meeting",
    "https://zoom.us/j/{n}{postal}",
    "{city} and online",
]
TITLES = [
    ("{nth} meeting of the Conference of the Parties (COP{k})", ""),
    ("{nth} meeting of the Open-ended Working Group on {topic}", "Working group"),
    ("Regional workshop on {topic} for {region}", "Workshop"),
    ("Regional consultation for {region}", ""),
    ("Webinar: {topic}", "Webinar"),
    ("Bureau meeting", "Bureau"),
    ("Expert meeting on {topic}", "Expert meeting"),
    ("High-level event on {topic}", ""),
    ("SB{k}", "SB session"),
]
NTH = ["First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth"]


def sheet(n: int, seed: int = 11) -> str:
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "Meeting", "Dates", "Location", "Type", "Notes"])
    for i in range(n):
        city, code = rng.choice(CITIES)
        title, category = rng.choice(TITLES)
        k = rng.randint(1, 9)
        region = places.country_region(code) or "Africa"
        start = date(2000, 1, 1) + timedelta(days=rng.randrange(35 * 365))
        end = start + timedelta(days=rng.choice((0, 2, 4)))
        address = rng.choice(ADDRESS).format(
            venue=rng.choice(["Conference Centre", "UN House", "Hotel Intercontinental"]),
            street=rng.choice(["Avenue de la Paix", "Main Street", "Via Roma"]),
            n=rng.randint(1, 99), postal=rng.randint(1000, 99999), city=city,
            country=places.country_name(code),
        )  # fmt: skip
        notes = rng.choice(["", f"Hosted by the Government of {places.country_name(code)}.",
                            f"Funded by {rng.choice(DONORS)}."])  # fmt: skip
        name = title.format(nth=NTH[k - 1], k=k, topic=rng.choice(TOPICS), region=region)
        dates = f"{start:%d %B %Y}" if start == end else f"{start:%d/%m/%Y}–{end:%d/%m/%Y}"
        writer.writerow([f"row-{i}", name, dates.replace("–", " – "), address, category, notes])
    return out.getvalue()


def run(text: str, *, enrich: bool) -> tuple[float, float, int]:
    """(seconds to read and validate, seconds to store, rows)."""
    with tempfile.TemporaryDirectory() as tmp:
        engine = db.make_engine(f"sqlite:///{tmp}/bench.db")
        db.upgrade(engine)
        began = time.perf_counter()
        result = read_text(text, fmt="csv", name="bench.csv", enrich=enrich)
        assert not result.errors, result.errors[:3]
        read = time.perf_counter() - began
        with db.session_scope(engine) as session:
            import_meetings(session, items=result.meetings, now=datetime.now(UTC))
        stored = time.perf_counter() - began - read
        engine.dispose()
    return read, stored, len(result.meetings)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    text = sheet(n)
    plain_read, plain_store, count = run(text, enrich=False)
    read, store, _ = run(text, enrich=True)
    plain, enriched = plain_read + plain_store, read + store
    ratio = enriched / plain
    print(
        json.dumps(
            {
                "rows": count,
                "import_without_enrichment_s": round(plain, 2),
                "import_with_enrichment_s": round(enriched, 2),
                "enrichment_s": round(read - plain_read, 2),
                "read_validate_without_s": round(plain_read, 2),
                "read_validate_with_s": round(read, 2),
                "read_validate_ratio": round(read / plain_read, 3),  # the store left out
                "ratio": round(ratio, 3),
            }
            | verdict({"ratio_max": at_most(round(ratio, 3), FLOOR)}),
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
