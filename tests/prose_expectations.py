"""Expected meetings of the prose fixtures (tests/data/prose/*.yaml) and how extraction is
scored against them; shared by tests/storage/test_prose_fixtures.py and
benchmarks/prose_fixtures.py.

A fixture's YAML lists `meetings` (and optionally `deadlines`). A found meeting matches an
expected one with the same start date and place (city, else "online", else country). Each
other key given is then checked: `title` is a list of words the title must contain
(case-insensitive), `kind` and `status` may be one value or a list of acceptable ones,
`hosts`/`funders` compare as sets, the rest compare as equal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from storage import places
from storage.importers.prose import ProseResult, read_prose
from storage.models import MeetingData

FIXTURES = Path(__file__).parent / "data" / "prose"
FIELDS = ("title", "kind", "ordinal", "end", "city", "country", "venue", "online", "status",
          "region", "hosts", "funders")  # fmt: skip


def fixture_names(folder: Path = FIXTURES) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.yaml"))


def _place(city: str | None, online: bool, country: str | None) -> str:
    if city:
        return places.fold(city)
    return "online" if online else (country or "")


def _expected_key(e: dict[str, Any]) -> tuple[date, str]:
    country = places.country_code(e["country"]) if e.get("country") else None
    return e["start"], _place(e.get("city"), bool(e.get("online")), country)


def _found_key(m: MeetingData) -> tuple[date | None, str]:
    return m.start, _place(m.city, m.online, m.country)


def _agrees(name: str, want: Any, got: Any) -> bool:
    if name == "title":
        return all(w.lower() in str(got).lower() for w in want)
    if name in ("kind", "status"):
        return str(got) in (want if isinstance(want, list) else [want])
    if name in ("hosts", "funders"):
        return {places.country_code(x) or x for x in want} == {
            places.country_code(x) or x for x in got
        }
    if name == "country":
        return places.country_code(want) == got
    return bool(want == got)


@dataclass
class Score:
    fixture: str
    expected: int = 0
    extracted: int = 0
    matched: int = 0
    checks: int = 0
    checks_ok: int = 0
    deadlines_expected: int = 0
    deadlines_found: int = 0
    missed: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)


def score(name: str, result: ProseResult | None = None, folder: Path = FIXTURES) -> Score:
    """Extraction from `name`.txt against `name`.yaml, both in `folder`."""
    spec = yaml.safe_load((folder / f"{name}.yaml").read_text(encoding="utf-8"))
    if result is None:
        result = read_prose(folder / f"{name}.txt", fmt="txt")
    expected: list[dict[str, Any]] = spec.get("meetings") or []
    s = Score(name, expected=len(expected), extracted=len(result.meetings))
    unmatched = list(result.meetings)
    for e in expected:
        same = [m for m in unmatched if _found_key(m) == _expected_key(e)]
        if not same:
            s.missed.append(f"{e['start']} {_expected_key(e)[1]} {' '.join(e['title'])}")
            continue
        m = same[0]
        unmatched.remove(m)
        s.matched += 1
        for key in FIELDS:
            if key not in e:
                continue
            s.checks += 1
            got = getattr(m, key)
            if _agrees(key, e[key], got):
                s.checks_ok += 1
            else:
                s.differences.append(f"{e['start']} {key}: {got!r} (want {e[key]!r})")
    s.spurious = [f"{m.start} {_found_key(m)[1]} {m.title}" for m in unmatched]
    due = {d["due_date"] for d in result.deadlines}
    wanted = [str(d["due_date"]) for d in spec.get("deadlines") or []]
    s.deadlines_expected = len(wanted)
    s.deadlines_found = sum(d in due for d in wanted)
    return s
