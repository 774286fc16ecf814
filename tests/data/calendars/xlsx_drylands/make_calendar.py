"""Writes calendar.xlsx: a drylands secretariat's meeting sheet as its staff keep it (a title
row above the header, From/To dates as Excel dates or day-first text, addresses in French,
Spanish and German, a Status column, a column secbot does not know). Run from the repo root:
.venv/bin/python tests/data/calendars/xlsx_drylands/make_calendar.py"""

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

# ruff: noqa: E501  (one row a line reads best here)

ROWS = [
    ["cric21", "Twenty-first session of the Committee for the Review of the Implementation of the Convention (CRIC 21)",
     datetime(2023, 11, 13), datetime(2023, 11, 17),
     "Silk Road Samarkand, Universitetskiy Blvd 1, 140100 Samarkand, Ouzbékistan", "Committee", "", "", "M. Diallo"],
    ["cop16", "Sixteenth session of the Conference of the Parties (COP 16)",
     datetime(2024, 12, 2), datetime(2024, 12, 13),
     "Boulevard Riyadh City, King Abdullah Road, Riyadh 12211, Arabie saoudite", "COP", "Hosted by the Kingdom of Saudi Arabia", "", "Conference services"],
    ["bureau-mar24", "Bureau of the COP – videoconference", "12/03/2024", "",
     "Zoom", "Bureau", "14:00–16:00 CET", "", "Executive office"],
    ["ws-yaounde", "Subregional workshop on national drought plans for Central Africa",
     "09/05/2023", "11/05/2023", "Hilton, Boulevard du 20 Mai, Yaoundé, Cameroun", "Training",
     "With financial support from Germany", "", "A. Nguema"],
    ["spi12", "Science-Policy Interface, 12th meeting (SPI 12)", datetime(2024, 2, 20), datetime(2024, 2, 22),
     "UN Campus, Platz der Vereinten Nationen 1, 53113 Bonn, Deutschland", "Expert meeting", "", "", "Science unit"],
    ["web-ldn", "Webinar: land degradation neutrality targets", "21/06/2023", "",
     "Online", "Webinar", "Recording on the website", "", "Comms"],
    ["rm-lac", "Regional meeting for Latin America and the Caribbean", datetime(2024, 7, 2), datetime(2024, 7, 4),
     "Hotel Sheraton, Av. Santa María 1742, Providencia, Santiago de Chile, Chile", "Regional", "Funded by Spain", "", "R. Gómez"],
    ["ddd24", "Desertification and Drought Day 2024 – high-level event", datetime(2024, 6, 17), "",
     "Bonn, Germany", "Event", "", "", "Comms"],
    ["glo-launch", "Global Land Outlook launch (hybrid)", datetime(2025, 3, 4), "",
     "Palais des Nations, 1211 Genève 10, Suisse & online", "Launch", "", "", "Science unit"],
    ["retreat25", "Secretariat staff retreat", datetime(2025, 1, 14), datetime(2025, 1, 15),
     "Königswinter, Germany", "Internal", "", "", "HR"],
    ["ws-sahel", "Subregional workshop for the Sahel on early warning", datetime(2024, 9, 10), datetime(2024, 9, 12),
     "Niamey, Niger", "Training", "", "Cancelled", "A. Nguema"],
]  # fmt: skip


def main() -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Meetings 2023-2025"
    sheet.append(["Drylands Convention secretariat – meeting calendar"])
    sheet.append([])
    sheet.append(["id", "Event", "From", "To", "Location", "Category", "Remarks", "Status",
                  "Focal point"])  # fmt: skip
    for row in ROWS:
        sheet.append(row)
    book.save(Path(__file__).with_name("calendar.xlsx"))


if __name__ == "__main__":
    main()
