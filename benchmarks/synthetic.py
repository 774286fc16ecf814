"""Synthetic meetings for benchmarks: realistic cities, kinds, series, dates and funders.

`generate(n, seed)` yields table rows (dicts for `Meeting`), spread over 1995–2035, about 5%
known only to the month and 2% undated, with hosts on a fifth and funders on a tenth of them.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

from storage import places

CITIES = [
    ("Geneva", "CH"), ("Nairobi", "KE"), ("Bangkok", "TH"), ("Jakarta", "ID"), ("Lusaka", "ZM"),
    ("Montevideo", "UY"), ("Brno", "CZ"), ("Minsk", "BY"), ("Apia", "WS"), ("Panama City", "PA"),
    ("Dakar", "SN"), ("Accra", "GH"), ("Addis Ababa", "ET"), ("Cairo", "EG"), ("Pretoria", "ZA"),
    ("Rome", "IT"), ("Vienna", "AT"), ("Bonn", "DE"), ("Stockholm", "SE"), ("Oslo", "NO"),
    ("Tokyo", "JP"), ("Kumamoto", "JP"), ("Beijing", "CN"), ("New Delhi", "IN"), ("Manila", "PH"),
    ("Hanoi", "VN"), ("Kuala Lumpur", "MY"), ("Suva", "FJ"), ("Santiago", "CL"), ("Lima", "PE"),
    ("Bogota", "CO"), ("Mexico City", "MX"), ("Brasilia", "BR"), ("Sao Paulo", "BR"),
    ("Buenos Aires", "AR"), ("Kingston", "JM"), ("Port of Spain", "TT"), ("Warsaw", "PL"),
    ("Bratislava", "SK"), ("Belgrade", "RS"), ("Tbilisi", "GE"), ("Almaty", "KZ"),
    ("Tashkent", "UZ"), ("Moscow", "RU"), ("Kyiv", "UA"), ("New York", "US"), ("Ottawa", "CA"),
    ("Canberra", "AU"), ("Amman", "JO"), ("Doha", "QA"), ("Tunis", "TN"), ("Abidjan", "CI"),
]  # fmt: skip
KINDS = [
    ("workshop", "{region} workshop on {topic}", 30), ("regional_meeting", "{region} regional meeting", 12),  # noqa: E501
    ("expert_group", "Meeting of the expert group on {topic}", 15), ("bureau", "Bureau meeting", 8),
    ("working_group", "Working group on {topic}", 10), ("conference", "Conference on {topic}", 8),
    ("session", "Session of the committee", 5), ("retreat", "Staff retreat", 3),
    ("high_level_event", "High-level event on {topic}", 4), ("teleconference", "Bureau call", 5),
]  # fmt: skip
TOPICS = [
    "mercury trade", "artisanal gold mining", "dental amalgam", "emissions", "releases", "storage",
    "waste", "contaminated sites", "health aspects", "financing", "capacity-building", "reporting",
    "effectiveness evaluation", "national action plans", "products", "processes",
]  # fmt: skip
DONORS = ["Switzerland", "Germany", "Netherlands", "Sweden", "Japan", "Norway", "European Union"]


@cache
def _region(country: str) -> str:
    return places.country_region(country) or places.GLOBAL


@cache
def _zone(city: str, country: str) -> str | None:
    return places.city_timezone(city, country)


@cache
def _country_name(country: str) -> str:
    return places.country_name(country)


def generate(n: int, seed: int = 7) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    stamp = datetime(2015, 1, 1, tzinfo=UTC)
    kinds = [k for k in KINDS for _ in range(k[2])]
    ordinals: dict[str, int] = {}
    for i in range(n):
        city, country = rng.choice(CITIES)
        kind, pattern, _ = rng.choice(kinds)
        topic = rng.choice(TOPICS)
        region = _region(country)
        title = pattern.format(region=region, topic=topic)
        series = (
            f"{kind.replace('_', ' ')} on {topic}"
            if kind in ("expert_group", "working_group")
            else None
        )
        ordinal = None
        if series:
            ordinals[series] = ordinals.get(series, 0) + 1
            ordinal = ordinals[series]
        roll = rng.random()
        start: date | None = date(1995, 1, 1) + timedelta(days=rng.randrange(40 * 365))
        end = start + timedelta(days=rng.choice((0, 1, 2, 2, 3, 4, 4, 5))) if start else None
        precision = "day"
        if roll < 0.02:
            start = end = None
            precision = "unknown"
        elif roll < 0.07 and start:
            start = start.replace(day=1)
            end = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
            precision = "month"
        online = kind == "teleconference"
        yield {
            "id": f"synthetic-{i}",
            "uid": f"synthetic-{i}@bench",
            "sequence": 0,
            "title": f"{title} ({i})",
            "short_name": None,
            "kind": kind,
            "series": series,
            "ordinal": ordinal,
            "status": "held" if start and start.year < 2016 else "planned",
            "start_date": start,
            "end_date": end,
            "precision": precision,
            "start_time": None,
            "end_time": None,
            "timezone": _zone(city, country) if not online else None,
            "city": None if online else city,
            "country": None if online else country,
            "region": region,
            "venue": None,
            "online": online,
            "hosts": [_country_name(country)] if rng.random() < 0.2 else [],
            "funders": rng.sample(DONORS, rng.randint(1, 3)) if rng.random() < 0.1 else [],
            "partners": [],
            "description": f"Meeting on {topic} for the {region} region.",
            "source_document": "synthetic",
            "source_paragraph": str(i),
            "created_at": stamp,
            "updated_at": stamp,
        }
