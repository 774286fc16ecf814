"""CSV: a spreadsheet saved as text (storage.importers.spreadsheet reads its columns)."""

from __future__ import annotations

import csv
import io

from storage.importers import Found, ImportFormatError
from storage.importers.spreadsheet import COLUMNS, read_sheet

__all__ = ["COLUMNS", "read_rows"]


def read_rows(text: str) -> Found:
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)  # Excel writes ";" where "," is a decimal mark
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader, [])
        records = []
        line = 2
        for cells in reader:
            records.append((line, cells))
            line = reader.line_num + 1
    except csv.Error as e:
        raise ImportFormatError(reader.line_num, f"not valid CSV: {e}") from None
    return read_sheet(header, records)
