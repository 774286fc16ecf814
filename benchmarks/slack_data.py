"""Synthetic meetings written straight into a database, for the Slack benchmark.

Kept small and local; the question-answering work has its own generator (synthetic.py).
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, insert

from storage.models import Kind, Meeting, Status

CITIES = [
    ("Lusaka", "ZM", "Africa", "Africa/Lusaka"),
    ("Montevideo", "UY", "Latin America and the Caribbean", "America/Montevideo"),
    ("Bangkok", "TH", "Asia-Pacific", "Asia/Bangkok"),
    ("Geneva", "CH", "Western European and Others", "Europe/Zurich"),
    ("Tbilisi", "GE", "Central and Eastern Europe", "Asia/Tbilisi"),
]


def synthetic_rows(count: int, *, seed: int = 7) -> list[dict[str, object]]:
    rng = random.Random(seed)
    stamp = datetime(2015, 1, 1, tzinfo=UTC)
    first = date(2014, 1, 1)
    kinds = [k.value for k in Kind]
    statuses = [Status.planned.value, Status.confirmed.value, Status.held.value]
    rows: list[dict[str, object]] = []
    for i in range(count):
        city, country, region, tz = rng.choice(CITIES)
        start = first + timedelta(days=rng.randrange(0, 3650))
        kind = rng.choice(kinds)
        rows.append(
            {
                "id": f"syn-{i:06d}",
                "title": f"Synthetic {kind.replace('_', ' ')} {i} in {city}",
                "short_name": None,
                "kind": kind,
                "series": None,
                "ordinal": None,
                "status": rng.choice(statuses),
                "start_date": start,
                "end_date": start + timedelta(days=rng.randrange(0, 5)),
                "precision": "day",
                "start_time": None,
                "end_time": None,
                "timezone": tz,
                "city": city,
                "country": country,
                "region": region,
                "venue": None,
                "online": False,
                "hosts": [],
                "funders": [],
                "partners": [],
                "description": None,
                "source_document": "synthetic",
                "source_paragraph": str(i),
                "uid": f"syn-{i:06d}@secbot",
                "sequence": 0,
                "created_at": stamp,
                "updated_at": stamp,
            }
        )
    return rows


def fill(engine: Engine, count: int, *, batch: int = 10_000) -> None:
    """Insert `count` synthetic meetings (the schema must exist)."""
    rows = synthetic_rows(count)
    with engine.begin() as conn:
        for i in range(0, len(rows), batch):
            conn.execute(insert(Meeting), rows[i : i + batch])
