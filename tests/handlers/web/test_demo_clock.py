"""`make run` on a fresh clone: with only the seed's meetings and SECBOT_NOW unset, the clock
starts at the seed report's date and runs on; SECBOT_NOW= (empty) or any other meeting keeps
the real clock."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import Engine

from bot import meetings
from bot.runtime import demo_clock
from bot.settings import Settings
from handlers.web.app import create_app
from storage import db
from storage.models import MeetingData
from tests.servers import serve_app


def test_the_seed_alone_gets_the_demo_clock(seeded: Engine, clock) -> None:  # type: ignore[no-untyped-def]
    demo = demo_clock(Settings(_env_file=None, now=None), seeded)  # type: ignore[call-arg]
    assert demo is not None and demo.running
    assert demo.anchor == datetime(2015, 12, 15, 9, 0, tzinfo=ZoneInfo("Europe/Zurich"))
    real = Settings(_env_file=None, now="")  # type: ignore[call-arg]
    assert demo_clock(real, seeded) is None  # SECBOT_NOW= asks for the real clock
    with db.session_scope(seeded) as session:
        meetings.add(session, data=MeetingData(id="mine", title="Our own meeting"),
                     now=clock.now())  # fmt: skip
    assert demo_clock(Settings(_env_file=None, now=None), seeded) is None  # type: ignore[call-arg]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_fresh_server_lives_in_the_seeds_calendar(
    cli_env: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="bot.runtime")
    with serve_app(create_app()) as url:
        health = httpx.get(f"{url}/healthz").json()
    assert health["meetings"] == 28
    assert health["now"].startswith("2015-12-15T")
    assert "demo clock: 2015-12-15, set SECBOT_NOW= for the real clock" in caplog.text
