"""The prose extractor on the seed report and on small documents in other styles."""

from datetime import date
from pathlib import Path

import docx
import pytest

from storage.importers import read_file
from storage.importers.prose import extract, read_prose
from storage.importers.prose.places import find_places
from storage.models import MeetingData
from storage.seed import SEED_FILE
from tests.paths import DATA


def _by_start(meetings: list[MeetingData]) -> dict[tuple[date | None, str | None], MeetingData]:
    return {(m.start, m.city if not m.online else "online"): m for m in meetings}


def test_every_dated_seed_meeting_is_found_with_its_dates_and_city() -> None:
    found = read_prose(DATA / "progress_report.txt", fmt="txt")
    seed = [m for m in read_file(SEED_FILE).meetings if m.start is not None]
    assert len(seed) == 27
    for s in seed:
        same = [
            m for m in found.meetings
            if m.start == s.start and m.end == s.end and m.precision == s.precision
            and (m.city == s.city or (s.online and m.online))
        ]  # fmt: skip
        assert len(same) == 1, f"{s.id} not found"
        assert same[0].country == s.country, s.id
        assert same[0].timezone == s.timezone, s.id
    assert len(found.meetings) == len(seed)  # nothing spurious


def test_seed_report_titles_kinds_hosts_funders() -> None:
    meetings = _by_start(read_prose(DATA / "progress_report.txt", fmt="txt").meetings)
    africa = meetings[(date(2016, 2, 2), "Lusaka")]
    assert africa.title == "African regional meeting in preparation for INC7"
    assert africa.kind == "regional_meeting" and africa.region == "Africa"
    assert africa.funders == ["Switzerland", "Germany", "Netherlands"]
    assert africa.source.paragraph == "11"
    third = meetings[(date(2015, 3, 2), "Pretoria")]
    assert (third.kind, third.ordinal, third.hosts) == ("expert_group", 3, ["South Africa"])
    fourth = meetings[(date(2015, 9, 7), "Stockholm")]
    assert fourth.ordinal == 4 and fourth.series == third.series
    assert fourth.funders == ["Sweden", "European Union"]
    sao_paulo = meetings[(date(2015, 10, 26), "Sao Paulo")]
    assert (sao_paulo.hosts, sao_paulo.funders) == (["Brazil"], ["Germany"])
    assert sao_paulo.kind == "working_group"
    inc6 = meetings[(date(2014, 11, 3), "Bangkok")]
    assert (inc6.short_name, inc6.series, inc6.ordinal, inc6.source.paragraph) == (
        "INC6",
        "INC",
        6,
        "2",
    )
    assert meetings[(date(2015, 9, 28), "Geneva")].short_name == "ICCM4"
    assert meetings[(date(2015, 6, 14), "Jeju")].short_name == "ICMGP"
    tele = meetings[(date(2015, 4, 20), "online")]
    assert tele.kind == "bureau" and tele.city is None
    assert meetings[(date(2016, 1, 18), "Jakarta")].status == "planned"
    assert meetings[(date(2015, 4, 1), "Abidjan")].precision == "month"
    new_york = meetings[(date(2015, 9, 24), "New York")]
    assert new_york.hosts == ["Japan", "Switzerland", "United States of America", "Uruguay"]
    assert new_york.kind == "high_level_event"


def test_news_item_takes_the_year_from_its_dateline_and_finds_deadlines() -> None:
    result = read_prose(DATA / "news_item.txt", fmt="txt")
    assert [(m.start, m.end, m.city, m.kind) for m in result.meetings] == [
        (date(2017, 7, 18), date(2017, 7, 20), "Geneva", "bureau"),
        (date(2017, 9, 24), date(2017, 9, 28), "Geneva", "conference"),
    ]
    cop3 = result.meetings[1]
    assert (cop3.short_name, cop3.ordinal, cop3.hosts) == ("COP3", 3, ["Switzerland"])
    assert cop3.status == "confirmed"
    assert [(d["title"], d["due_date"], d["kind"], d["meeting"]) for d in result.deadlines] == [
        ("Registration for COP3", "2017-08-31", "registration", cop3.id),
        ("Participants requiring a visa should apply", "2017-08-15", "visa", cop3.id),
    ]


def test_meeting_report_held_in_x_between_dates() -> None:
    result = read_prose(DATA / "meeting_report.txt", fmt="txt")
    summary = [(m.ordinal, m.start, m.city, m.online, m.status) for m in result.meetings]
    assert summary == [
        (2, date(2018, 10, 30), "Osaka", False, "held"),
        (1, date(2018, 5, 28), "Geneva", False, "held"),
        (3, date(2019, 10, 11), None, True, "planned"),  # "11October": a typing slip
    ]
    first = result.meetings[0]
    assert (first.hosts, first.funders, first.kind) == (["Japan"], ["Norway"], "expert_group")
    assert {m.series for m in result.meetings} == {first.series}


def test_bureau_page_list() -> None:
    result = read_prose(DATA / "bureau_page.txt", fmt="txt")
    summary = [(m.title, m.start, m.city, m.country, m.online, m.venue, m.timezone)
               for m in result.meetings]  # fmt: skip
    assert summary == [
        ("Fifth meeting of the bureau", date(2016, 1, 18), "Bonn", "DE", False, None,
         "Europe/Berlin"),
        ("Sixth meeting of the bureau", date(2016, 3, 22), None, None, True, None, None),
        ("Seventh meeting of the bureau", date(2016, 10, 4), None, "JO", False, "Dead Sea",
         "Asia/Amman"),
    ]  # fmt: skip
    assert [d["due_date"] for d in result.deadlines] == ["2016-12-01"]


def test_datelines_decisions_and_signature_dates_are_not_meetings() -> None:
    result = read_prose(DATA / "datelines_and_decisions.txt", fmt="txt")
    assert result.meetings == []
    assert result.deadlines == []


def test_docx_is_read_through_its_text(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("Regional meetings in preparation for the fifth session of the "
                         "intergovernmental negotiating committee", level=2)  # fmt: skip
    document.add_paragraph("These meetings will be held as follows:")
    document.add_paragraph("For the African region, from 2 to 4 February 2016 in Lusaka;")
    table = document.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, ("Bureau meeting", "7 March 2016", "Geneva"),
                          strict=True):  # fmt: skip
        cell.text = text
    path = tmp_path / "report.docx"
    document.save(str(path))
    result = read_prose(path, fmt="docx")
    assert [(m.title, m.start, m.city) for m in result.meetings] == [
        ("African regional meeting in preparation for INC5", date(2016, 2, 2), "Lusaka"),
        ("Bureau meeting", date(2016, 3, 7), "Geneva"),
    ]


def test_pdf_is_read_through_its_text() -> None:
    result = read_prose(DATA / "workshop_note.pdf", fmt="pdf")
    assert [(m.ordinal, m.start, m.end, m.city, m.funders) for m in result.meetings] == [
        (5, date(2016, 6, 6), date(2016, 6, 8), "Nairobi", ["Norway"])
    ]


def test_unreadable_files_give_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"not a pdf at all")
    result = read_prose(bad, fmt="pdf")
    assert result.meetings == [] and len(result.errors) == 1
    assert result.errors[0].startswith(f"{bad}:1: not a readable PDF")
    bad_docx = tmp_path / "broken.docx"
    bad_docx.write_bytes(b"nope")
    assert "not a Word document" in read_prose(bad_docx, fmt="docx").errors[0]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The Stockholm Convention secretariat met in Reading on 3 May 2016.", []),
        ("The Basel, Rotterdam and Stockholm conventions held a meeting in Geneva.", ["Geneva"]),
        ("A workshop in Central and Eastern Europe in March 2016.", []),
        ("It was held in Brno, Czech Republic.", ["Brno"]),
        ("The meeting will be held in Cancun.", ["Cancun"]),  # Cancún, not Changchun
        ("The session will be held at the Dead Sea, Jordan.", [None]),
    ],
)
def test_false_cities_are_refused(sentence: str, expected: list[str | None]) -> None:
    assert [h.city for h in find_places(sentence)] == expected


def test_the_same_meeting_named_twice_is_kept_once() -> None:
    text = (
        "1. At its sixth session, held from 3 to 7 November 2014 in Bangkok, the committee "
        "decided.\n2. The committee at its sixth session, held from 3 to 7 November 2014 in "
        "Bangkok, also decided.\n"
    )
    result = extract(text, name="x.txt")
    assert len(result.meetings) == 1 and result.meetings[0].source.paragraph == "1"
