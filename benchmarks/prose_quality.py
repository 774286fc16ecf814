"""Precision and recall of the prose extractor on the seed report, against the seed dataset.

A found meeting matches a seed meeting with the same start date and city (folded; online
meetings match on "online"). Prints JSON.

    .venv/bin/python benchmarks/prose_quality.py [REPORT.txt] [SEED.yaml]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from storage import places  # noqa: E402
from storage.importers import read_file  # noqa: E402
from storage.importers.prose import read_prose  # noqa: E402
from storage.models import MeetingData  # noqa: E402
from storage.seed import SEED_FILE  # noqa: E402

REPORT = ROOT / "tests" / "data" / "progress_report.txt"


def key(m: MeetingData) -> tuple[str | None, str]:
    place = "online" if m.online and not m.city else places.fold(m.city or m.country or "")
    return (m.start.isoformat() if m.start else None, place)


def main() -> None:
    report = Path(sys.argv[1]) if len(sys.argv) > 1 else REPORT
    seed_path = Path(sys.argv[2]) if len(sys.argv) > 2 else SEED_FILE
    seed = read_file(seed_path).meetings
    found = read_prose(report, fmt="txt").meetings
    pairs: list[tuple[MeetingData, MeetingData]] = []
    unmatched = list(seed)
    spurious = []
    for m in found:
        same = [s for s in unmatched if key(s) == key(m)]
        same.sort(key=lambda s: s.end != m.end)  # two meetings may share start and city
        if same:
            pairs.append((m, same[0]))
            unmatched.remove(same[0])
        else:
            spurious.append(m)
    dated = [m for m in seed if m.start is not None]
    n = len(pairs)

    def share(ok: int) -> float:
        return round(ok / n, 3) if n else 0.0

    result = {
        "report": str(report.relative_to(ROOT) if report.is_relative_to(ROOT) else report),
        "seed_meetings": len(seed),
        "seed_dated": len(dated),
        "extracted": len(found),
        "matched": n,
        "precision": round(n / len(found), 3) if found else 0.0,
        "recall": round(n / len(seed), 3) if seed else 0.0,
        "recall_dated": round(n / len(dated), 3) if dated else 0.0,
        "end_date_agreement": share(sum(f.end == s.end for f, s in pairs)),
        "kind_agreement": share(sum(f.kind == s.kind for f, s in pairs)),
        "status_agreement": share(sum(f.status == s.status for f, s in pairs)),
        "country_agreement": share(sum(f.country == s.country for f, s in pairs)),
        "hosts_agreement": share(sum(set(f.hosts) == set(s.hosts) for f, s in pairs)),
        "funders_agreement": share(sum(set(f.funders) == set(s.funders) for f, s in pairs)),
        "missed": sorted(m.id or "" for m in unmatched),
        "spurious": sorted(m.id or "" for m in spurious),
        "differences": sorted(
            f"{s.id}: {field} {getattr(f, field)!s} (seed {getattr(s, field)!s})"
            for f, s in pairs
            for field in ("kind", "status", "end", "country")
            if getattr(f, field) != getattr(s, field)
        ),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
