"""The shipped seed dataset against the report it comes from."""

import re

import yaml
from sqlalchemy import Engine
from sqlmodel import Session

from bot.clock import Clock
from storage import repo
from storage.models import meeting_json
from storage.seed import SEED_FILE, load_seed
from tests.paths import DATA

REPORT = DATA / "progress_report.txt"


def _paragraphs() -> dict[str, str]:
    """Report paragraphs by number (list items repeat their paragraph's number)."""
    found: dict[str, str] = {}
    for match in re.finditer(r"^\s*(\d+)\.\s+(.*)$", REPORT.read_text(), re.MULTILINE):
        found[match.group(1)] = found.get(match.group(1), "") + " " + match.group(2)
    return found


def test_seed_names_more_than_25_meetings_with_unique_ids() -> None:
    meetings = yaml.safe_load(SEED_FILE.read_text())["meetings"]
    ids = [m["id"] for m in meetings]
    assert len(ids) > 25
    assert len(set(ids)) == len(ids)


def test_every_seed_meeting_is_in_its_source_paragraph() -> None:
    paragraphs = _paragraphs()
    for m in yaml.safe_load(SEED_FILE.read_text())["meetings"]:
        text = paragraphs[m["source"]["paragraph"]]
        if m.get("city"):
            assert m["city"] in text, (m["id"], m["city"])
        if m.get("start") and len(str(m["start"])) == 10:
            day = str(int(str(m["start"])[8:]))
            assert re.search(rf"\b{day}\b", text), (m["id"], day)


def test_seed_loads_and_reloads_without_changes(engine: Engine, clock: Clock) -> None:
    with Session(engine) as session:
        first = load_seed(session, now=clock.now())
        session.commit()
        again = load_seed(session, now=clock.now())
        session.commit()
        assert len(first.new) == repo.count_meetings(session)
        assert again.counts()["new"] == 0 and again.counts()["updated"] == 0
        inc7 = repo.require_meeting(session, meeting_id="inc7")
        as_json = meeting_json(inc7)
        assert (as_json["short_name"], as_json["country"], as_json["start"]) == ("INC7", "JO", None)
        lusaka = meeting_json(repo.require_meeting(session, meeting_id="africa-regional-2016"))
        assert (lusaka["start"], lusaka["end"], lusaka["city"], lusaka["country"]) == (
            "2016-02-02",
            "2016-02-04",
            "Lusaka",
            "ZM",
        )
        assert "Switzerland" in lusaka["funders"]


def test_the_cheap_schema_check_agrees_with_alembic(database_url: str) -> None:
    from alembic.script import ScriptDirectory

    from storage import db

    engine = db.make_engine(database_url)
    assert not db.schema_is_current(engine)
    db.upgrade(engine)
    script = ScriptDirectory.from_config(db.alembic_config(engine))
    assert db.head_revisions() == frozenset(script.get_heads())
    assert db.schema_is_current(engine)
