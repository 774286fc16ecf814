"""XLSX workbooks (openpyxl): the first sheet whose header names the meeting, one a row."""

from __future__ import annotations

import io
import zipfile

from storage.importers import Found, ImportFormatError
from storage.importers.spreadsheet import is_header, read_sheet

HEADER_ROWS = 10  # rows looked through for the header


def read_workbook(data: bytes) -> Found:
    from openpyxl import load_workbook  # loads slowly: only when reading a workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise ImportFormatError(1, f"not an Excel workbook (.xlsx): {e}") from None
    first_error: ImportFormatError | None = None
    try:
        for sheet in book.worksheets:
            rows = sheet.iter_rows(values_only=True)
            # the header: the first row naming the meeting column, within the first few (a
            # sheet often has its title above it), else the first row with anything in it
            line, header = 0, ()
            for n, cells in enumerate(rows, start=1):
                if any(cells) and not header:
                    line, header = n, cells
                if is_header(cells):
                    line, header = n, cells
                    break
                if n >= HEADER_ROWS:
                    break
            if not header:
                continue
            records = ((n, cells) for n, cells in enumerate(rows, start=line + 1))
            try:
                found = read_sheet(header, records)
            except ImportFormatError as e:
                first_error = first_error or e
                continue
            if len(book.worksheets) > 1:
                found.warnings.append(f"read the sheet {sheet.title!r}")
            return found
    finally:
        book.close()
    raise first_error or ImportFormatError(1, "the workbook has no rows")
