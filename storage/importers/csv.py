"""CSV: a spreadsheet saved as text (storage.importers.spreadsheet reads its columns), read
row by row from a text stream."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from itertools import chain
from typing import TextIO

from storage.importers import Found, ImportFormatError
from storage.importers.spreadsheet import COLUMNS, stream_sheet

__all__ = ["COLUMNS", "read_rows", "stream_rows"]


def read_rows(text: str) -> Found:
    found = stream_rows(io.StringIO(text, newline=""))
    found.rows, found.stream = list(found.stream), ()
    return found


def stream_rows(stream: TextIO) -> Found:
    """The rows of a CSV stream (opened with `newline=""`), read as they are iterated."""
    first = stream.readline()
    delimiter = max(",;\t", key=first.split("\n", 1)[0].count)  # ";" where "," is a decimal mark
    reader = csv.reader(chain([first], stream), delimiter=delimiter)
    try:
        header = next(reader, [])
    except csv.Error as e:
        raise ImportFormatError(reader.line_num, f"not valid CSV: {e}") from None
    return stream_sheet(header, _records(reader))


def _records(reader: Iterator[list[str]]) -> Iterator[tuple[int, Sequence[str]]]:
    line = 2
    try:
        for cells in reader:
            yield line, cells
            line = reader.line_num + 1  # type: ignore[attr-defined]
    except csv.Error as e:
        raise ImportFormatError(reader.line_num, f"not valid CSV: {e}") from None  # type: ignore[attr-defined]
