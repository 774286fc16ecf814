"""What a title and a description say: kind, short name, series, ordinal, hosts, funders."""

from __future__ import annotations

import pytest

from storage.importers.enrich.kinds import kind_of
from storage.importers.enrich.names import Naming, ordinal_value, read_naming, spelled_out
from storage.importers.enrich.roles import read_roles

KINDS = [
    ("Sixteenth meeting of the Conference of the Parties (COP16)", "conference"),
    ("Resumed session of COP16", "conference"),
    ("Twenty-fourth meeting of the Subsidiary Body on Scientific, Technical and Technological "
     "Advice (SBSTTA-24)", "session"),
    ("Fourth meeting of the Open-ended Working Group on the Post-2020 Framework", "working_group"),
    ("COP Bureau meeting", "bureau"),
    ("MOP-35 high-level segment", "high_level_event"),
    ("Regional consultation for Asia and the Pacific on national strategies", "regional_meeting"),
    ("Capacity-building workshop for Africa on the seventh national reports", "workshop"),
    ("Training course on stock assessment for small-scale fisheries", "workshop"),
    ("Webinar: Kigali Amendment – HFC phase-down", "webinar"),
    ("Secretariat staff retreat", "retreat"),
    ("TEAP meeting – Technology and Economic Assessment Panel (annual meeting)", "expert_group"),
    ("93rd Meeting of the Executive Committee of the Multilateral Fund (ExCom 93)", "session"),
    ("Asia-Pacific Climate Week 2023", "regional_meeting"),
    ("Network meeting of National Ozone Officers – Africa region", "regional_meeting"),
    ("Bureau teleconference", "bureau"),
]  # fmt: skip


@pytest.mark.parametrize(("title", "kind"), KINDS)
def test_a_title_names_its_kind(title: str, kind: str) -> None:
    found = kind_of(title)
    assert found is not None and found.value == kind


def test_a_title_about_another_meeting_is_not_that_meeting() -> None:
    assert (
        kind_of("Briefing for Nairobi-based permanent missions on the arrangements for MOP-35")
        is None
    )


@pytest.mark.parametrize(
    ("category", "kind"),
    [("SB session", "session"), ("Expert meeting", "expert_group"), ("COP", "conference"),
     ("Workshop", "workshop"), ("regional_meeting", "regional_meeting")],
)  # fmt: skip
def test_a_category_names_a_kind(category: str, kind: str) -> None:
    found = kind_of(category)
    assert found is not None and found.value == kind


NAMES = [
    ("Sixteenth meeting of the Conference of the Parties (COP16)", Naming("COP16", "COP", 16)),
    ("SBSTTA-25", Naming("SBSTTA-25", "SBSTTA", 25)),
    ("IPOS-4: Fourth session of the Plenary", Naming("IPOS-4", "IPOS", 4)),
    ("UNEA-6.2 (resumed)", Naming("UNEA-6.2", "UNEA", 6)),
    ("Ramsar COP15", Naming("COP15", "COP", 15)),
    ("OEWG46 – Forty-sixth meeting of the Open-ended Working Group", Naming("OEWG46", "OEWG", 46)),
    ("Open-ended Working Group, 47th meeting (OEWG 47)", Naming("OEWG 47", "OEWG", 47)),
    ("Resumed session of COP16", Naming(None, "COP", 16)),
    ("MOP-35 high-level segment", Naming(None, "MOP", 35)),
    ("Seventy-first meeting of the Implementation Committee under the Procedure",
     Naming(None, "Implementation Committee", 71)),
    ("MOP-35 Bureau – virtual meeting", Naming()),
    ("Pre-COP28", Naming()),
    ("Briefing on the arrangements for MOP-35", Naming()),
    ("Capacity-building workshop for Africa on the seventh national reports", Naming()),
]  # fmt: skip


@pytest.mark.parametrize(("title", "naming"), NAMES)
def test_a_title_gives_its_short_name_series_and_ordinal(title: str, naming: Naming) -> None:
    assert read_naming(title) == naming


@pytest.mark.parametrize(
    ("word", "value"),
    [("fourth", 4), ("Sixteenth", 16), ("seventy-first", 71), ("twenty first", 21),
     ("93rd", 93), ("fortieth", 40), ("fourteen", None), ("first-class", None)],
)  # fmt: skip
def test_ordinals_are_read_as_english_spells_them(word: str, value: int | None) -> None:
    assert ordinal_value(word) == value


def test_a_series_is_spelled_out_by_its_meetings_titles() -> None:
    assert spelled_out("COP", "Sixteenth meeting of the Conference of the Parties") == (
        "Conference of the Parties"
    )
    assert spelled_out("ExCom", "93rd Meeting of the Executive Committee of the Fund") == (
        "Executive Committee"
    )
    assert spelled_out("INC", "Sixth session of the intergovernmental negotiating committee") == (
        "intergovernmental negotiating committee"
    )
    assert spelled_out("SB", "SB58") is None


ROLES = [
    ("Hosted by the Government of Kenya.", {"hosts": ["Kenya"]}),
    ("Funded by the Government of Japan through the Japan Biodiversity Fund.",
     {"funders": ["Japan"]}),
    ("Funded by Germany and the European Union.", {"funders": ["Germany", "European Union"]}),
    ("Hosted by Peru, funded by Switzerland.", {"hosts": ["Peru"], "funders": ["Switzerland"]}),
    ("Hosted by the Government of Mexico (SEMARNAT) with the generous support of the "
     "Multilateral Fund.", {"hosts": ["Mexico"], "funders": ["Multilateral Fund"]}),
    ("Hosted by the Ministry of Environment of Cambodia and funded by the Multilateral Fund.",
     {"hosts": ["Ministry of Environment of Cambodia"], "funders": ["Multilateral Fund"]}),
    ("Held at the invitation of the Government of Trinidad and Tobago.",
     {"hosts": ["Trinidad and Tobago"]}),
    ("Co-organized with UNDP, UNEP and the World Bank",
     {"partners": ["UNDP", "UNEP", "World Bank"]}),
    ("Chaired by China. In person only.", {}),
]  # fmt: skip


@pytest.mark.parametrize(("text", "roles"), ROLES)
def test_a_description_names_hosts_and_funders(text: str, roles: dict[str, list[str]]) -> None:
    assert read_roles(text) == roles
