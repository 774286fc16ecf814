"""Calendar quality (prints JSON): the shared scorer (/work/shared/eval/check_calendar.py) on
every set under tests/data/calendars and on the shared dev calendar, each imported into a fresh
SQLite database with the seed, as a new secretariat would. Floors (the issue): the dev calendar
imports ≥ 76/80 fields right and answers ≥ 19/20 questions.

    .venv/bin/python benchmarks/calendar_quality.py [-v]
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "eval"
SCORER = SHARED / "check_calendar.py"
DEV = SHARED / "calendars" / "biodiversity"
FLOORS = {"dev_import_min": 76 / 80, "dev_questions_min": 19 / 20}


def score(folder: Path, verbose: bool) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "SECBOT": str(ROOT / ".venv" / "bin" / "secbot"),
            "SECBOT_DATABASE_URL": f"sqlite:///{tmp}/eval.db",
        }
        env.pop("SECBOT_NOW", None)
        done = subprocess.run(
            [sys.executable, str(SCORER), str(folder), "-v"],
            capture_output=True, text=True, env=env, timeout=1800, check=False,
        )  # fmt: skip
    last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    m = re.search(r"import fields (\d+)/(\d+), questions (\d+)/(\d+)", last)
    if not m:
        return {"error": (done.stdout + done.stderr)[-300:]}
    good, total, passed, asked = (int(g) for g in m.groups())
    out: dict[str, object] = {"import": f"{good}/{total}", "questions": f"{passed}/{asked}",
                              "import_ratio": good / total if total else 0.0,
                              "questions_ratio": passed / asked if asked else 0.0}  # fmt: skip
    if verbose:
        out["failures"] = [
            line for line in done.stdout.splitlines() if line.startswith(("FAIL", "IMPORT"))
        ]
    return out


def main() -> None:
    verbose = "-v" in sys.argv
    sets = {"dev:biodiversity": DEV}
    sets.update({p.name: p for p in sorted((ROOT / "tests" / "data" / "calendars").iterdir())
                 if p.is_dir()})  # fmt: skip
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(zip(sets, pool.map(lambda p: score(p, verbose), sets.values()), strict=True))
    dev = results["dev:biodiversity"]
    holds = {
        "dev_import_min": float(dev.get("import_ratio", 0)) >= FLOORS["dev_import_min"],  # type: ignore[arg-type]
        "dev_questions_min": float(dev.get("questions_ratio", 0)) >= FLOORS["dev_questions_min"],  # type: ignore[arg-type]
    }  # fmt: skip
    print(json.dumps({"sets": results, "floors": FLOORS, "holds": holds}, indent=2))


if __name__ == "__main__":
    main()
