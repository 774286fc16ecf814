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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.prose_expectations import FIXTURES, fixture_names, score  # noqa: E402


def _ratio(a: int, b: int) -> float:
    return round(a / b, 3) if b else 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description="Score the prose extractor on fixtures.")
    parser.add_argument("--dir", type=Path, default=FIXTURES, help="folder of NAME.txt + NAME.yaml")
    parser.add_argument("names", nargs="*", metavar="NAME")
    args = parser.parse_args()
    folder = args.dir.resolve()
    names = args.names or fixture_names(folder)
    scores = [score(n, folder=folder) for n in names]
    total = {k: sum(getattr(s, k) for s in scores)
             for k in ("expected", "extracted", "matched", "checks", "checks_ok",
                       "deadlines_expected", "deadlines_found")}  # fmt: skip
    result = {
        "fixtures": len(scores),
        **total,
        "precision": _ratio(total["matched"], total["extracted"]),
        "recall": _ratio(total["matched"], total["expected"]),
        "field_agreement": _ratio(total["checks_ok"], total["checks"]),
        "deadline_recall": _ratio(total["deadlines_found"], total["deadlines_expected"]),
        "per_fixture": [
            {k: v for k, v in asdict(s).items() if v not in ([], 0) or k == "matched"}
            for s in scores
        ],
    }
    print(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main()
