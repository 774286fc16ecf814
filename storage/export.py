"""Write meetings as YAML or CSV in the shapes the importers read back."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

import yaml

from storage.importers.csv import COLUMNS
from storage.importers.spreadsheet import FORMULA_START
from storage.models import Meeting, meeting_data


def _record(m: Meeting) -> dict[str, Any]:
    """The meeting's editable fields, empty ones left out, dates as text."""
    data = meeting_data(m).model_dump(mode="json", exclude_none=True)
    if m.precision == "month":
        data["start"], data["end"] = data["start"][:7], data["end"][:7]
    data.pop("precision", None)
    if not data.get("source"):
        data.pop("source", None)
    return {k: v for k, v in data.items() if v not in ([], "")}


def to_yaml(meetings: Iterable[Meeting]) -> str:
    records = [_record(m) for m in meetings]
    return yaml.safe_dump(
        {"meetings": records}, sort_keys=False, allow_unicode=True, default_flow_style=None
    )


def to_csv(meetings: Iterable[Meeting]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for m in meetings:
        record = _record(m)
        source = record.pop("source", {})
        row = {k: record.get(k, "") for k in COLUMNS}
        for key in ("hosts", "funders", "partners"):
            row[key] = "; ".join(record.get(key, []))
        row["online"] = "true" if m.online else "false"
        row["source_document"] = source.get("document", "")
        row["source_paragraph"] = source.get("paragraph", "")
        writer.writerow({k: _inert(v) for k, v in row.items()})
    return out.getvalue()


def _inert(value: Any) -> Any:
    """A cell a spreadsheet will not run: text starting like a formula gets a single quote
    before it (OWASP's advice on CSV injection; the importer takes it off again)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
