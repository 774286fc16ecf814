"""What every benchmark's JSON carries: its floors, each with the measured value, the bound and
whether it holds, and `ok` when all hold. `benchmarks/run.py` (`make bench`) reads them.

    {"floors": {"p99_ms": {"value": 7.2, "at_most": 30, "holds": true}}, "ok": true}
"""

from __future__ import annotations

from typing import Any


def at_most(value: float, bound: float) -> dict[str, Any]:
    return {"value": value, "at_most": bound, "holds": value <= bound}


def at_least(value: float, bound: float) -> dict[str, Any]:
    return {"value": value, "at_least": bound, "holds": value >= bound}


def verdict(floors: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The `floors` and `ok` keys of a benchmark's JSON."""
    return {"floors": floors, "ok": all(f["holds"] for f in floors.values())}
