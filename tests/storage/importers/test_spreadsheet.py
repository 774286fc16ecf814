"""Spreadsheets as people keep them: their own headers, day-first dates, CSV and XLSX."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from storage.importers import read_file
from storage.importers.dates import DateError, read_dates

DATA = Path(__file__).parents[2] / "data" / "calendars"


@pytest.mark.parametrize(
    ("cell", "start", "end"),
    [("14–18 March 2022", "2022-03-14", "2022-03-18"),
     ("6-18 Nov 2022", "2022-11-06", "2022-11-18"),
     ("28 Nov – 2 Dec 2022", "2022-11-28", "2022-12-02"),
     ("28 Dec 2023 – 2 Jan 2024", "2023-12-28", "2024-01-02"),
     ("March 14-18, 2022", "2022-03-14", "2022-03-18"),
     ("Dec 30, 2023 - Jan 2, 2024", "2023-12-30", "2024-01-02"),
     ("04/06/2024", "2024-06-04", None),
     ("2023-06-05 – 2023-06-15", "2023-06-05", "2023-06-15"),
     ("2025-06-16/2025-06-26", "2025-06-16", "2025-06-26"),
     ("September 2025 (tbc)", "2025-09", None),
     ("", None, None)],
)  # fmt: skip
def test_a_cell_reads_as_dates(cell: str, start: str | None, end: str | None) -> None:
    assert read_dates(cell) == (start, end)


@pytest.mark.parametrize("cell", ["31/02/2023", "soon", "14–18 Smarch 2022"])
def test_a_cell_that_is_no_date_says_so(cell: str) -> None:
    with pytest.raises(DateError):
        read_dates(cell)


def test_the_climate_sheet_reads_every_row_and_reports_its_extra_column() -> None:
    result = read_file(DATA / "sheet_climate" / "calendar.csv")
    assert result.errors == []
    assert len(result.meetings) == 18
    assert result.warnings == ["column(s) not imported, not being meeting fields: Contact person"]
    by_id = {m.id: m for m in result.meetings}
    assert (by_id["laccw23"].city, by_id["laccw23"].country) == ("Panama City", "PA")
    assert by_id["precop28"].country == "AE"
    assert by_id["tr-eeca"].precision == "month" and str(by_id["tr-eeca"].start) == "2025-09-01"
    assert by_id["web-gst"].online and by_id["web-gst"].kind == "webinar"
    assert by_id["pccb8"].online and by_id["pccb8"].city == "Bonn"
    assert by_id["ndc-carib"].funders == ["Spain"]
    assert by_id["sb58"].kind == "session" and by_id["sb58"].short_name == "SB58"


def _workbook(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_an_xlsx_workbook_is_read_like_its_csv(tmp_path: Path) -> None:
    from datetime import datetime

    path = _workbook(
        tmp_path / "meetings.xlsx",
        [
            [None],
            ["Event", "From", "To", "Location", "Category", "Remarks", "Owner"],
            ["Twenty-fifth meeting of the Subsidiary Body (SBSTTA-25)", datetime(2023, 10, 15),
             datetime(2023, 10, 20), "UN Gigiri Complex, Nairobi, Kenya", "", "", "Ana"],
            ["Webinar on indicators", "06/06/2023", None, "https://zoom.us/j/1", "Webinar",
             "Funded by Japan", "Ben"],
        ],
    )  # fmt: skip
    result = read_file(path)
    assert result.errors == []
    first, second = result.meetings
    assert (first.short_name, first.city, first.country, first.kind) == (
        "SBSTTA-25",
        "Nairobi",
        "KE",
        "session",
    )
    assert (str(first.start), str(first.end)) == ("2023-10-15", "2023-10-20")
    assert (second.online, second.kind, second.funders, str(second.start)) == (
        True,
        "webinar",
        ["Japan"],
        "2023-06-06",
    )
    assert [r.line for r in result.reports] == [3, 4]
    assert "Owner" in result.warnings[0]


def test_a_bad_cell_names_its_file_and_line_and_nothing_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("Meeting;Dates;Venue\nGood;3-5 May 2023;Bonn\nBad;sometime;Bonn\n")
    result = read_file(path)
    assert result.errors == [f"{path}:3: Dates: cannot read 'sometime' as a date or dates "
                             "(e.g. 14–18 March 2022)"]  # fmt: skip


def test_a_sheet_without_a_meeting_column_is_refused(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "m.xlsx", [["Date", "Place"], ["2023-05-03", "Bonn"]])
    result = read_file(path)
    assert len(result.errors) == 1 and "names the meeting" in result.errors[0]
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    assert "not an Excel workbook" in read_file(bad).errors[0]


def test_a_workbook_with_a_title_row_and_statuses_in_words() -> None:
    result = read_file(DATA / "xlsx_drylands" / "calendar.xlsx")
    assert result.errors == []
    by_id = {m.id: m for m in result.meetings}
    assert len(by_id) == 11 and result.reports[0].line == 4
    assert by_id["ws-sahel"].status == "cancelled"
    assert (by_id["cric21"].city, by_id["cric21"].country) == ("Samarkand", "UZ")
    assert (by_id["cop16"].country, by_id["cop16"].short_name) == ("SA", "COP 16")
    assert by_id["glo-launch"].online and by_id["glo-launch"].city == "Geneva"
