"""Precision and recall of the prose extractor on the fixtures in tests/data/prose (documents
in many UN styles, each with the meetings written down beside it), or in another folder of
NAME.txt + NAME.yaml pairs (--dir, e.g. tests/data/prose_new, benchmarks/heldout/prose).
Prints JSON.

    .venv/bin/python benchmarks/prose_fixtures.py [--dir PATH] [NAME ...]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.prose_expectations import FIXTURES, fixture_names, score  # noqa: E402

COUNTS = ("expected", "extracted", "matched", "checks", "checks_ok", "deadlines_expected",
          "deadlines_found")  # fmt: skip


def ratio(a: int, b: int) -> float:
    return round(a / b, 3) if b else 1.0


def f1(precision: float, recall: float) -> float:
    return round(2 * precision * recall / (precision + recall), 3) if precision + recall else 0.0


def rates(total: dict[str, int]) -> dict[str, float]:
    """Precision, recall, F1 and field agreement of summed counts."""
    precision = ratio(total["matched"], total["extracted"])
    recall = ratio(total["matched"], total["expected"])
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1(precision, recall),
        "field_agreement": ratio(total["checks_ok"], total["checks"]),
        "deadline_recall": ratio(total["deadlines_found"], total["deadlines_expected"]),
    }


def summarise(
    folder: Path, names: list[str] | None = None, *, every: bool = True
) -> dict[str, Any]:
    """Counts, rates and per-fixture details (all fixtures, or only those with a miss,
    a spurious meeting or a differing field) of the fixtures in `folder`."""
    scores = [score(n, folder=folder) for n in names or fixture_names(folder)]
    total = {k: sum(getattr(s, k) for s in scores) for k in COUNTS}
    details = [
        {k: v for k, v in asdict(s).items() if v not in ([], 0) or k == "matched"}
        for s in scores
        if every or s.missed or s.spurious or s.differences
    ]
    return {"fixtures": len(scores), **total, **rates(total), "per_fixture": details}


def main() -> None:
    parser = argparse.ArgumentParser(description="Score the prose extractor on fixtures.")
    parser.add_argument("--dir", type=Path, default=FIXTURES, help="folder of NAME.txt + NAME.yaml")
    parser.add_argument("names", nargs="*", metavar="NAME")
    args = parser.parse_args()
    print(json.dumps(summarise(args.dir.resolve(), args.names), indent=2, default=str))


if __name__ == "__main__":
    main()
