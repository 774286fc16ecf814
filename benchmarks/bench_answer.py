"""Answer latency in-process on SQLite: the seed data, then 1k and 100k meetings.

Prints JSON: p50/p99/max milliseconds per answer for each store size, over a mix of question
kinds (lists, single meetings, counts, places, organisations, nothing-found, greetings), and
its floors: p99 at the largest size, and how much slower 100k is than 1k. The sizes are
measured in alternating rounds (20 by default: 580 answers a size, so p99 is not just the
slowest one or two, which on a shared machine are its hiccups, not the code).
Run: .venv/bin/python benchmarks/bench_answer.py [--sizes 1000,100000] [--rounds 20]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.floors import at_most, verdict
from benchmarks.synthetic import generate
from bot.assistant import answer
from bot.conversation import Asker
from storage import db
from storage.models import Meeting, write_words
from storage.seed import load_seed
from tests.runtimes import runtime_of

QUESTIONS = [
    "What meetings are coming up?",
    "When is the Asia-Pacific regional meeting?",
    "Where is the regional meeting for Central and Eastern Europe and Central Asia?",
    "Where is the bureau meeting in January 2016?",
    "When was the third meeting of the expert group?",
    "Where did the ad hoc working group of experts on financing meet?",
    "List the subregional workshops",
    "Which workshops were held in April 2015?",
    "When was the Minsk workshop?",
    "meetings in Kenya",
    "What happened in Stockholm?",
    "What is happening now?",
    "What's on this week?",
    "How many regional meetings are planned?",
    "Who funds the regional meetings?",
    "How many days is the Lusaka meeting?",
    "When is the meeting in Paris?",
    "help",
    "hi",
    "Which meetings does Switzerland fund?",
    "How many days until INC7?",
    "Is there anything in montevido?",
    "What's on between 15 January and 5 February?",
    "meetings in Asia",
    "When is the next meeting?",
    "When was the last bureau meeting?",
    "What conferences were there in 2015?",
    "When was the dental amalgam workshop?",
]
NOW = datetime(2015, 12, 15, 9, 0, tzinfo=UTC)
# An answer is part of every chat reply, whose floor is p99 ≤ 30 ms at 100,000 meetings
# (bench_slack, bench_teams); answering must not slow down much as the store grows.
FLOOR_P99_MS = 30
FLOOR_RATIO_100K_TO_1K = 2.0


def build(path: Path, synthetic: int) -> db.Engine:  # type: ignore[name-defined]
    engine = db.make_engine(f"sqlite:///{path}")
    db.upgrade(engine)
    with db.session_scope(engine) as session:
        load_seed(session, now=NOW)
    rows = list(generate(synthetic)) if synthetic else []
    with engine.begin() as conn:
        for i in range(0, len(rows), 5000):
            conn.execute(Meeting.__table__.insert(), rows[i : i + 5000])  # type: ignore[attr-defined]
            write_words(conn, rows[i : i + 5000])  # what an ORM write does by itself
    return engine


def measure(engines: dict[str, Any], rounds: int) -> dict[str, dict[str, Any]]:
    """Each store's answer times, its rounds taken in turn with the other stores' (round 1 of
    each, then round 2 of each…), so a slow spell of the machine falls on every size alike
    and the sizes' ratio compares them under the same conditions."""
    asker = Asker(timezone="Europe/Zurich")
    for engine in engines.values():
        for q in QUESTIONS:  # warm-up: vocabulary, gazetteer, dateparser
            answer(q, runtime=runtime_of(engine), asker=asker, now=NOW)
    by_question: dict[str, dict[str, list[float]]] = {
        n: {q: [] for q in QUESTIONS} for n in engines
    }
    for _ in range(rounds):
        for name, engine in engines.items():
            for q in QUESTIONS:
                t = time.perf_counter()
                answer(q, runtime=runtime_of(engine), asker=asker, now=NOW)
                by_question[name][q].append((time.perf_counter() - t) * 1000)
    return {name: summary(found) for name, found in by_question.items()}


def summary(by_question: dict[str, list[float]]) -> dict[str, Any]:
    times = sorted(t for found in by_question.values() for t in found)
    slowest = sorted(by_question, key=lambda q: -statistics.median(by_question[q]))[:3]
    return {
        "answers": len(times),
        "p50_ms": round(statistics.median(times), 2),
        "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 2),
        "max_ms": round(times[-1], 2),
        "slowest_median_ms": {q: round(statistics.median(by_question[q]), 2) for q in slowest},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        engines = {"seed": build(Path(tmp) / "seed.db", 0)}
        engines |= {str(size): build(Path(tmp) / f"n{size}.db", size - 28) for size in sizes}
        results = measure(engines, args.rounds)
    out: dict[str, object] = {"backend": "sqlite", "rounds": args.rounds, "results": results}
    largest = max(sizes)
    floors = {f"p99_ms_at_{largest}": at_most(results[str(largest)]["p99_ms"], FLOOR_P99_MS)}
    if "1000" in results and "100000" in results:
        ratio = round(results["100000"]["p99_ms"] / results["1000"]["p99_ms"], 2)
        out["ratio_100k_to_1k_p99"] = ratio
        floors["ratio_100k_to_1k_p99"] = at_most(ratio, FLOOR_RATIO_100K_TO_1K)
    print(json.dumps(out | verdict(floors), indent=2))


if __name__ == "__main__":
    main()
