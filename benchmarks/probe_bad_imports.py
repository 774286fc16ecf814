"""Probe `secbot import` with 100 bad files: text longer than its column, NUL bytes, lone
surrogates, formula cells beside a bad row, one UID under two ids (in the file, and against
the store). Each file also holds a good row, so "all rows or none" is checked too. Prints JSON:
how many imports were refused with a FILE:LINE message, raised a traceback, or changed the
meeting table (a new row, or a stored one's SEQUENCE or last change).

    .venv/bin/python benchmarks/probe_bad_imports.py                 # SQLite in a temp dir
    SECBOT_DATABASE_URL=postgresql+psycopg://... .venv/bin/python benchmarks/probe_bad_imports.py
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.floors import at_least, at_most, verdict
from storage.models import Meeting

COLUMNS = Meeting.__table__.c  # type: ignore[attr-defined]
GOOD = {"id": "probe-good", "title": "A good meeting", "start": "2016-03-01", "city": "Nairobi"}
STORED = {"id": "probe-stored", "title": "Stored", "start": "2016-01-01", "uid": "held@probe"}
TEXT = ("id", "title", "short_name", "series", "city", "venue", "uid")
FORMULAS = ('=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1+1")


def too_long(field: str) -> str:
    most = COLUMNS[field].type.length
    return ("a" if field in ("id", "uid") else "A") * (most + 1)


def rows_to(fmt: str, rows: list[dict[str, Any]]) -> str:
    if fmt == "json":
        return json.dumps(rows, indent=1)
    if fmt == "yaml":  # YAML is a superset of JSON: the same escapes (\ud800, \u0000) hold
        return "meetings:\n" + "".join(f"  - {json.dumps(r)}\n" for r in rows)
    out = io.StringIO()
    names = sorted({k for r in rows for k in r}, key=lambda k: (k != "id", k != "title", k))
    writer = csv.DictWriter(out, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: "; ".join(v) if isinstance(v, list) else v for k, v in r.items()})
    return out.getvalue()


def ics(events: list[dict[str, str]]) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//probe//EN"]
    for e in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{e['uid']}",
            f"SUMMARY:{e['title']}",
            "DTSTAMP:20160101T000000Z",
            f"DTSTART;VALUE=DATE:{e['start']}",
            "END:VEVENT",
        ]
    return "\r\n".join([*lines, "END:VCALENDAR", ""])


def cases() -> list[tuple[str, str, str]]:
    """(name, extension, file text): 100 bad imports."""
    bad = {"id": "probe-bad", "title": "A bad meeting", "start": "2016-03-02", "city": "Nairobi"}
    out: list[tuple[str, str, str]] = []
    for fmt in ("json", "yaml", "csv"):
        for field in TEXT:
            out.append(
                (f"long {field}", fmt, rows_to(fmt, [GOOD, {**bad, field: too_long(field)}]))
            )
        source = (
            {"source_document": too_long("source_document")}
            if fmt == "csv"
            else {"source": {"document": too_long("source_document")}}
        )
        out.append(("long source.document", fmt, rows_to(fmt, [GOOD, {**bad, **source}])))
        for field in ("title", "short_name", "series", "venue", "description"):
            out.append((f"NUL in {field}", fmt, rows_to(fmt, [GOOD, {**bad, field: "a\x00b"}])))
        for text in FORMULAS:  # formula cells are fine; the bad row beside them is not
            rows = [{**GOOD, "title": text, "venue": text}, {**bad, "city": "C" * 500}]
            out.append((f"formula {text!r} beside a bad row", fmt, rows_to(fmt, rows)))
        rows = [{**GOOD, "uid": "same@probe"}, {**bad, "uid": "same@probe"}]
        out.append(("one UID under two ids", fmt, rows_to(fmt, rows)))
        rows = [{**GOOD, "id": "probe-stored", "uid": "fresh@probe"}, {**bad, "uid": "held@probe"}]
        out.append(("two rows landing on one stored meeting", fmt, rows_to(fmt, rows)))
    for field in ("title", "venue", "hosts", "description", "series"):  # JSON carries them
        for char in ("\ud800", "\udfff"):
            value: Any = [f"x{char}"] if field == "hosts" else f"x{char}y"
            rows = [GOOD, {**bad, field: value}]
            out.append((f"lone surrogate in {field}", "json", rows_to("json", rows)))
    good_event = {"uid": "good@probe", "title": "Good", "start": "20160301"}
    for event in [
        {"uid": "u" * 201, "title": "Long UID", "start": "20160302"},
        {"uid": "b@probe", "title": "T" * 301, "start": "20160302"},
        {"uid": "good@probe", "title": "Same UID", "start": "20160302"},
        {"uid": "good-probe", "title": "Same id from another UID", "start": "20160302"},
        {"uid": "c@probe", "title": "Bad date", "start": "20160230"},
    ]:
        out.append((f"ics: {event['title']}", "ics", ics([good_event, event])))
    n = 0
    while len(out) < 100:  # the rest: rows with two things wrong
        field, n = TEXT[n % len(TEXT)], n + 1
        rows = [GOOD, {**bad, field: too_long(field), "venue": "v\x00"}]
        out.append((f"long {field} and NUL", "json", rows_to("json", rows)))
    return out


def main() -> None:
    from handlers.cli.app import app
    from storage import db

    tmp = Path(tempfile.mkdtemp(prefix="probe-imports-"))
    url = os.environ.get("SECBOT_DATABASE_URL") or f"sqlite:///{tmp / 'probe.db'}"
    os.environ.update(SECBOT_DATABASE_URL=url, SECBOT_SEED_ON_START="false")
    engine = db.make_engine(url)
    db.upgrade(engine)
    runner = CliRunner()
    stored = tmp / "stored.json"
    stored.write_text(json.dumps([STORED]))
    prepared = runner.invoke(app, ["import", str(stored), "--now", "2015-12-15"])
    assert prepared.exit_code == 0, prepared.output

    def snapshot() -> set[tuple[Any, ...]]:
        """Every stored meeting's id, SEQUENCE and last change: any write shows here."""
        with engine.connect() as conn:
            rows = conn.execute(select(Meeting.id, Meeting.sequence, Meeting.updated_at))
            return {tuple(r) for r in rows}

    results: dict[str, int] = {"refused_with_file_line": 0, "tracebacks": 0, "accepted": 0}
    wrote = 0  # imports after which the meeting table differs (new or changed rows)
    failures: list[str] = []
    started = time.perf_counter()
    all_cases = cases()
    for n, (name, ext, text) in enumerate(all_cases):
        path = tmp / f"case{n}.{ext}"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        before = snapshot()
        result = runner.invoke(app, ["import", str(path), "--now", "2015-12-15"])
        crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
        if crashed or "Traceback" in result.output:
            results["tracebacks"] += 1
            failures.append(f"{name}: {type(result.exception).__name__}: {result.exception}")
        elif result.exit_code == 1 and f"{path}:" in result.stderr:
            results["refused_with_file_line"] += 1
        else:
            results["accepted"] += 1
            failures.append(f"{name}: accepted ({result.exit_code}) {result.output[-120:]!r}")
        wrote += snapshot() != before
    floors = {
        "imports": at_least(len(all_cases), 100),
        "tracebacks": at_most(results["tracebacks"], 0),
        "imports_that_wrote": at_most(wrote, 0),
        "refused_with_file_line": at_least(results["refused_with_file_line"], len(all_cases)),
    }
    report = {
        "backend": engine.dialect.name,
        "imports": len(all_cases),
        **results,
        "imports_that_wrote": wrote,
        "seconds": round(time.perf_counter() - started, 1),
        "failures": failures[:20],
        **verdict(floors),
    }
    print(json.dumps(report, indent=2))
    engine.dispose()


if __name__ == "__main__":
    main()
