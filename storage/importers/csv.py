"""CSV: a header row of meeting fields; lists separated by `;`; source as two columns."""

from __future__ import annotations

import csv
import io
from typing import Any

from storage.importers import ImportFormatError, Row

COLUMNS = (
    "id", "title", "short_name", "kind", "series", "ordinal", "status", "start", "end",
    "start_time", "end_time", "timezone", "city", "country", "region", "venue", "online",
    "hosts", "funders", "partners", "description", "source_document", "source_paragraph",
    "uid", "sequence",
)  # fmt: skip
_TRUE = {"true", "yes", "1", "y"}
_FALSE = {"false", "no", "0", "n", ""}


def read_rows(text: str) -> list[Row]:
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise ImportFormatError(1, f"unknown column(s): {', '.join(unknown)}")
    if "title" not in header:
        raise ImportFormatError(1, "a `title` column is required")
    rows: list[Row] = []
    start_line = 2
    for record in reader:
        line = start_line
        start_line = reader.line_num + 1
        raw: dict[str, Any] = {}
        for key, value in record.items():
            if key is None:
                raise ImportFormatError(line, "more cells than columns")
            value = (value or "").strip()
            if key in ("source_document", "source_paragraph"):
                if value:
                    raw.setdefault("source", {})[key.removeprefix("source_")] = value
            elif key == "online":
                if value.lower() not in _TRUE | _FALSE:
                    raw["online"] = value  # let validation name the bad value
                else:
                    raw["online"] = value.lower() in _TRUE
            elif value:
                raw[key] = value
        rows.append((line, raw))
    return rows
