"""The prose reader on the general patterns of meeting lists in secretariat prose: list items
with the place before the dates, datelines, years carried over, places that are not cities,
list lines and headings that are the meeting. Texts written for these tests."""

from datetime import date

import pytest

from storage.importers.prose import extract
from storage.importers.prose.places import find_places


def _summary(text: str) -> list[tuple[object, ...]]:
    result = extract(text, name="doc.txt")
    return [(m.start, m.end, m.city, m.country, m.venue, m.online) for m in result.meetings]


def test_a_news_dateline_is_when_the_news_was_written() -> None:
    text = (
        "Lyon, France, 12 March 2019 – The secretariat is holding a workshop on wetland "
        "inventories in Dakar, Senegal, from 3 to 5 April 2019.\n"
    )
    assert _summary(text) == [(date(2019, 4, 3), date(2019, 4, 5), "Dakar", "SN", None, False)]


def test_adoption_election_and_superseded_dates_are_not_meetings() -> None:
    text = (
        "1. The committee was established by decision 4/2, adopted by the Conference of the "
        "Parties on 12 May 2017. Its members were elected at the closing plenary of the fourth "
        "session of the Conference on 14 May 2017.\n"
        "2. The fifth session of the Conference, originally scheduled for 10 to 14 May 2021, "
        "will take place in Nairobi, Kenya, from 6 to 10 June 2022.\n"
    )
    assert _summary(text) == [(date(2022, 6, 6), date(2022, 6, 10), "Nairobi", "KE", None, False)]


def test_a_year_written_earlier_carries_over_before_the_documents_own() -> None:
    text = (
        "Submitted on 2 February 2021\n\n"
        "1. The Board held its tenth meeting in Lima, Peru, from 4 to 6 March 2020. It held its "
        "eleventh meeting in Quito, Ecuador, from 3 to 5 October.\n"
    )
    assert [m.start for m in extract(text, name="doc.txt").meetings] == [
        date(2020, 3, 4),
        date(2020, 10, 3),
    ]


def test_a_numbered_short_line_is_a_heading() -> None:
    text = (
        "1. Workshops\n\n"
        "1.1 A workshop on tracking was held in Accra, Ghana, from 2 to 4 May 2016.\n"
    )
    result = extract(text, name="doc.txt")
    assert [(m.source.paragraph, m.city) for m in result.meetings] == [("1.1", "Accra")]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # (text, city, country, venue): places the gazetteer does not list, kept as written
        ("The retreat took place at Lake Malawi, Malawi, on 3 May.",
         ("Lake Malawi", None, "MW", "Lake Malawi")),
        ("It met at the Blue Lagoon Resort, Fiji, in May.",
         ("Blue Lagoon Resort", None, "FJ", "Blue Lagoon Resort")),
        ("It met in Bled, Slovenia, in May.", ("Bled", "Bled", "SI", None)),
        ("It met at Expo City Dubai, United Arab Emirates.",
         ("Expo City Dubai", "Dubai", "AE", "Expo City Dubai")),
        ("It met at WHO headquarters in Geneva.",
         ("WHO headquarters", "Geneva", "CH", "WHO headquarters")),
        # French: exonyms take the gazetteer's name; a country named like its capital
        ("Elle s'est réunie à Genève.", ("Genève", "Geneva", "CH", None)),
        ("du 5 au 10 février 2024 à Panama (République du Panama)",
         ("Panama", "Panama City", "PA", None)),
    ],
)  # fmt: skip
def test_places_as_written_with_their_country(
    sentence: str, expected: tuple[str, str | None, str, str | None]
) -> None:
    hits = [h for h in find_places(sentence) if not h.online]
    assert [(h.text, h.city, h.country, h.venue) for h in hits] == [expected]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # (text, (city, country, venue, zone)): the shared gazetteer and venues.yaml, no table
        # of the reader's own
        ("The meeting will be held in Cancun.", ("Cancun", "MX", None, "America/Cancun")),
        ("It met in Kiev in May.", ("Kyiv", "UA", None, "Europe/Kyiv")),
        ("It met in Cracow, Poland.", ("Kraków", "PL", None, "Europe/Warsaw")),
        ("The forum met in Davos.", ("Davos", "CH", None, "Europe/Zurich")),
        ("in Punta del Este, Uruguay", ("Punta del Este", "UY", None, "America/Montevideo")),
        ("held in Jeju Island", ("Jeju", "KR", None, "Asia/Seoul")),
        ("It will be held in Bali.", (None, "ID", "Bali", None)),
        ("du 10 au 11 décembre 2024, Brig-Glis (Suisse)", ("Brig-Glis", "CH", None,
                                                          "Europe/Zurich")),
        ("It met at the Kenyatta International Convention Centre.",
         ("Nairobi", "KE", "Kenyatta International Convention Centre", "Africa/Nairobi")),
        ("It met at UNESCO Headquarters.", ("Paris", "FR", "UNESCO Headquarters", "Europe/Paris")),
        ("It met at Gigiri.", ("Nairobi", "KE", "United Nations Office at Nairobi",
                               "Africa/Nairobi")),
        ("It met in Santiago.", ("Santiago", "CL", None, "America/Santiago")),
        ("It met at ECLAC headquarters in Santiago.",
         ("Santiago", "CL", "ECLAC headquarters", "America/Santiago")),
        ("It met at the Busan Exhibition and Convention Center in Busan, Republic of Korea.",
         ("Busan", "KR", "Busan Exhibition and Convention Center", "Asia/Seoul")),
    ],
)  # fmt: skip
def test_places_from_the_shared_gazetteer_and_venues(
    sentence: str, expected: tuple[str | None, str, str | None, str | None]
) -> None:
    hits = [h for h in find_places(sentence) if not h.online]
    assert [(h.city, h.country, h.venue, h.timezone) for h in hits] == [expected]


def test_odd_alternate_names_of_small_cities_are_not_places() -> None:
    # "Since" and "XVIIIe" are other names of a town in Colombia and of a Paris district
    assert find_places("Since the sixth session, the bureau has met twice.") == []
    assert [h.text for h in find_places("XVIIIe Conférence alpine : 10 décembre, Annecy")] == [
        "Annecy"
    ]


def test_people_and_sentence_openings_are_not_places() -> None:
    assert find_places("Chair: Ms. Ana Lopes (Brazil); Rapporteur: Mr. Li Wei, China") == []
    assert find_places("During COP15, Egypt announced a fund. In March, Kenya hosted it.") == []


def test_online_in_french() -> None:
    assert [h.online for h in find_places("puis par visioconférence le 4 juillet")] == [True]
    assert [h.online for h in find_places("tenue en ligne le 25 avril 2024")] == [True]


def test_each_date_of_a_list_gets_the_place_of_its_own_item() -> None:
    text = (
        "3. The Board recalled that it had held three meetings: in Lyon, from 2 to 6 May 2005; "
        "in Turin, Italy, from 14 to 18 November 2005; online, from 3 to 4 April 2006; and in "
        "Accra, from 5 to 7 June 2007.\n"
    )
    assert [(m.start, m.city, m.online) for m in extract(text, name="doc.txt").meetings] == [
        (date(2005, 5, 2), "Lyon", False),
        (date(2005, 11, 14), "Turin", False),
        (date(2006, 4, 3), None, True),
        (date(2007, 6, 5), "Accra", False),
    ]


def test_places_and_regions_of_one_sentence_with_the_year_at_its_end() -> None:
    text = (
        "Regional workshops will be held in Nairobi, Kenya, for Africa from 4 to 7 March, in "
        "Hanoi, Viet Nam, for Asia and the Pacific from 11 to 14 March and in Lima, Peru, for "
        "Latin America and the Caribbean from 18 to 21 March 2024.\n"
    )
    meetings = extract(text, name="doc.txt").meetings
    assert [(m.start, m.city, m.country, m.region) for m in meetings] == [
        (date(2024, 3, 4), "Nairobi", "KE", "Africa"),
        (date(2024, 3, 11), "Hanoi", "VN", "Asia-Pacific"),
        (date(2024, 3, 18), "Lima", "PE", "Latin America and the Caribbean"),
    ]
    assert meetings[1].title == "Regional workshop for Asia and the Pacific"


def test_the_meetings_of_a_later_sentence_are_those_named_before() -> None:
    text = (
        "Rome, 8 January 2024 – The secretariat announced the subregional meetings that will "
        "prepare the fifth session.\n\n"
        "The meetings will be held in Suva, Fiji, for the Pacific from 4 to 5 March and in "
        "Apia, Samoa, for the Pacific from 7 to 8 March 2024.\n"
    )
    meetings = extract(text, name="doc.txt").meetings
    assert [m.title for m in meetings] == ["Subregional meeting for the Pacific"] * 2


def test_respectively_pairs_meetings_and_dates_and_they_share_the_place() -> None:
    text = (
        "The fifth meeting of the Technical Committee (TC-5) and the second meeting of the "
        "Legal Committee (LC-2) will be held in Lisbon, Portugal, from 4 to 6 May and from "
        "7 to 8 May 2026 respectively.\n"
    )
    meetings = extract(text, name="doc.txt").meetings
    assert [(m.short_name, m.ordinal, m.start, m.end, m.city) for m in meetings] == [
        ("TC5", 5, date(2026, 5, 4), date(2026, 5, 6), "Lisbon"),
        ("LC2", 2, date(2026, 5, 7), date(2026, 5, 8), "Lisbon"),
    ]
    assert "Technical Committee" in meetings[0].title and "Legal" in meetings[1].title


def test_a_meeting_held_alongside_another_takes_its_place_and_year() -> None:
    text = (
        "Distribution: 2 December 2023\n\n"
        "1. The tenth meeting of the Council took place in Bonn, Germany, from 4 to 7 September "
        "2023. The Council recalled its meetings in Oslo, from 5 to 8 July 2022.\n"
        "2. The meeting was preceded on 3 September by a training day for new members, held at "
        "the same venue.\n"
    )
    meetings = extract(text, name="doc.txt").meetings
    assert (date(2023, 9, 3), "Bonn") in [(m.start, m.city) for m in meetings]


def test_the_body_a_sentence_is_about_names_its_meetings() -> None:
    text = (
        "1. The Chair recalled that the Compliance Committee had been set up in 2019 by "
        "decision 3/4, and that it had held two meetings: in Kigali, from 2 to 3 May 2021; "
        "and in Arusha, from 6 to 7 June 2022.\n"
        "2. An ad hoc technical working group met in Dakar, Senegal, from 1 to 3 March 2023.\n"
        "3. The Bureau convened an informal consultation with observers by videoconference on "
        "4 April 2023.\n"
    )
    meetings = extract(text, name="doc.txt").meetings
    assert [(m.title, m.kind) for m in meetings] == [
        ("Meeting of the Compliance Committee", "session"),
        ("Meeting of the Compliance Committee", "session"),
        ("Meeting of the ad hoc technical working group", "working_group"),
        ("Informal consultation", "teleconference"),
    ]


def test_what_a_meeting_is_about_is_not_its_kind() -> None:
    text = (
        "Information meeting on the fifth session of the Assembly: 14 May 2024, Paris.\n\n"
        "The pre-COP meeting for Europe will be held in Vienna, Austria, on 13 February 2024.\n"
    )
    assert [m.kind for m in extract(text, name="doc.txt").meetings] == ["other", "other"]


def test_a_run_of_headings_is_the_meeting() -> None:
    text = (
        "Sessions of the Council\n\n"
        "The Governing Council meets once a year; its sessions are open to all member States "
        "and to observers accredited to it.\n\n"
        "12th session of the Governing Council\n"
        "Windhoek, Namibia\n"
        "9 – 13 June 2025\n"
        "Documents | Decisions | Webcast\n"
    )
    meetings = extract(text, name="doc.txt").meetings
    assert [(m.title, m.ordinal, m.start, m.end, m.city) for m in meetings] == [
        ("12th session of the Governing Council", 12, date(2025, 6, 9), date(2025, 6, 13),
         "Windhoek"),
    ]  # fmt: skip


def test_a_list_line_is_named_by_its_own_field_and_the_list_ends() -> None:
    text = (
        "The Conference will be held in Accra, Ghana, from 8 to 10 May 2025.\n\n"
        "The Conference will be preceded by:\n"
        "- the Youth to Policy Forum, 6/05/2025, at the same venue;\n"
        "- the Meeting of Focal Points, 7/05/2025, at the same venue.\n"
        "\n"
        "Documents will be posted from 01/04/2025.\n"
    )
    meetings = extract(text, name="doc.txt").meetings
    assert [(m.title, m.start, m.city) for m in meetings] == [
        ("Conference", date(2025, 5, 8), "Accra"),
        ("Youth to Policy Forum", date(2025, 5, 6), "Accra"),
        ("Meeting of Focal Points", date(2025, 5, 7), "Accra"),
    ]


def test_a_french_note() -> None:
    text = (
        "Note d'information\n"
        "Genève, le 2 octobre 2024\n\n"
        "1. La quatrième session de la Conférence des Parties (COP4), initialement prévue du "
        "3 au 7 mars 2025, aura lieu du 9 au 13 juin 2025 à Dakar (Sénégal).\n"
        "2. Le Bureau de la COP s'est réuni les 2 et 3 avril 2024 à Genève, puis par "
        "visioconférence le 4 septembre 2024.\n"
        "3. Les Parties sont invitées à transmettre leurs rapports au plus tard le "
        "15 janvier 2025.\n"
    )
    result = extract(text, name="note.txt")
    summary = [(m.short_name, m.kind, m.start, m.end, m.city, m.online, m.status)
               for m in result.meetings]  # fmt: skip
    assert summary == [
        ("COP4", "conference", date(2025, 6, 9), date(2025, 6, 13), "Dakar", False, "planned"),
        (None, "bureau", date(2024, 4, 2), date(2024, 4, 3), "Geneva", False, "held"),
        (None, "bureau", date(2024, 9, 4), date(2024, 9, 4), None, True, "held"),
    ]
    assert [d["due_date"] for d in result.deadlines] == ["2025-01-15"]


def test_a_line_under_a_meeting_line_names_its_host_and_a_deadline_label() -> None:
    text = (
        "Meetings of the Bureau\n\n"
        "Bureau meeting 6 - 7 March 2023, Lake Toba, Indonesia:\n"
        "Hosted by the Government of Indonesia. Members visited restoration sites.\n"
        "Download the report (pdf)\n\n"
        "Deadline for nominations to be examined in 2026: 1 February 2025.\n"
    )
    result = extract(text, name="page.txt")
    assert [(m.venue, m.country, m.hosts) for m in result.meetings] == [
        ("Lake Toba", "ID", ["Indonesia"])
    ]
    assert [d["due_date"] for d in result.deadlines] == ["2025-02-01"]


def test_each_meeting_says_the_line_and_sentence_it_was_read_from() -> None:
    text = (
        "News\n\n"
        "Nairobi, 12 March 2019 – The secretariat is holding a workshop in Kisumu, Kenya, from\n"
        "3 to 5 April 2019. A webinar will follow on 9 May 2019.\n"
    )
    result = extract(text, name="news.txt")
    assert [result.found_in[m.id] for m in result.meetings] == [
        {"line": 3, "text": "Nairobi, 12 March 2019 – The secretariat is holding a workshop in "
                            "Kisumu, Kenya, from 3 to 5 April 2019."},
        {"line": 4, "text": "A webinar will follow on 9 May 2019."},
    ]  # fmt: skip


def test_a_year_said_before_dates_written_without_one() -> None:
    text = (
        "The first meeting was held in Rome from 1 to 6 May 2005. In 2009, the Conference met "
        "again in Geneva (4–8 May), and in 2011 (25–29 April) in Nairobi.\n"
    )
    assert [(m.start, m.city) for m in extract(text, name="doc.txt").meetings] == [
        (date(2005, 5, 1), "Rome"),
        (date(2009, 5, 4), "Geneva"),
        (date(2011, 4, 25), "Nairobi"),
    ]


def test_its_meetings_belong_to_the_body_the_paragraph_named() -> None:
    text = (
        "The task force last met virtually on 9 November 2021. Its next meetings are planned in "
        "Cairo, Egypt, from 12 to 14 October 2022 and in Rabat, Morocco, from 6 to 8 March "
        "2023, followed by a workshop in Tunis, Tunisia, on 10 March.\n"
    )
    meetings = extract(text, name="doc.txt").meetings
    assert [(m.title, m.start, m.city) for m in meetings] == [
        ("Meeting of the task force", date(2021, 11, 9), None),
        ("Next meeting of the task force", date(2022, 10, 12), "Cairo"),
        ("Next meeting of the task force", date(2023, 3, 6), "Rabat"),
        ("Workshop", date(2023, 3, 10), "Tunis"),
    ]


def test_a_calendar_line_that_opens_with_its_date() -> None:
    text = (
        "Calendar of meetings 2024\n\n"
        "• 12–14 March 2024 — Expert Group on Indicators (Geneva, Switzerland)\n"
        "• 3 April 2024 — Bureau, videoconference\n"
    )
    meetings = extract(text, name="doc.txt").meetings
    assert [(m.title, m.kind, m.start, m.city, m.online) for m in meetings] == [
        ("Meeting of the Expert Group on Indicators", "expert_group", date(2024, 3, 12),
         "Geneva", False),
        ("Bureau", "bureau", date(2024, 4, 3), None, True),
    ]  # fmt: skip


def test_a_record_of_labelled_lines_and_a_table_row() -> None:
    text = (
        "Upcoming events\n\n"
        "Sixth Meeting of the Signatories\n"
        "Date: 22-24 April 2024\n"
        "Venue: Tashkent, Uzbekistan\n\n"
        "Meeting | Dates | Venue\n"
        "Workshop on data sharing | 2–3 May 2024 | online\n"
    )
    meetings = extract(text, name="page.txt").meetings
    assert [(m.title, m.ordinal, m.start, m.end, m.city, m.online) for m in meetings] == [
        ("Sixth Meeting of the Signatories", 6, date(2024, 4, 22), date(2024, 4, 24),
         "Tashkent", False),
        ("Workshop on data sharing", None, date(2024, 5, 2), date(2024, 5, 3), None, True),
    ]  # fmt: skip


def test_coordinated_ordinals_go_one_to_each_date() -> None:
    text = (
        "Report of the Executive Board\n\n"
        "1. The eleventh and twelfth meetings of the Board were held in Manila from 3 to 5 "
        "March 2019 and in Bonn from 2 to 4 October 2019, respectively.\n"
        "2. An extraordinary meeting was convened by videoconference on 20 May 2020.\n"
    )
    meetings = extract(text, name="doc.txt").meetings
    assert [(m.title, m.ordinal, m.city) for m in meetings] == [
        ("Eleventh meeting of the Board", 11, "Manila"),
        ("Twelfth meeting of the Board", 12, "Bonn"),
        ("Extraordinary meeting of the Executive Board", None, None),
    ]
