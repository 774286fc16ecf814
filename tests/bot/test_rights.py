"""Channel-wide reminders and agendas need rights: secretariat admins or the channel's managers
(as the surface tells the core through `Asker.manages`), unless SECBOT_CHANNEL_WIDE_BY=anyone."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import Engine

from bot import reminders, rights
from bot.assistant import answer
from bot.conversation import Asker
from bot.reminders import digests
from bot.settings import Settings
from storage import db
from tests.bot.ask_helpers import instant, managing
from tests.runtimes import runtime_of

MEMBER = Asker(user_id="U0MEM", platform="slack", timezone="Europe/Zurich", channel_id="C0LOG")
ASKS = (
    "post reminders for African meetings in this channel",
    "post a weekly agenda here every Monday at 9",
    "post a daily agenda in <#C0OTHER|other> at 8",
)


def say(engine: Engine, text: str, asker: Asker, **settings: str):  # type: ignore[no-untyped-def]
    values = Settings(_env_file=None, **settings)  # type: ignore[call-arg]
    return answer(text, runtime=runtime_of(engine, settings=values), asker=asker,
                  now=instant("2015-12-15"))  # fmt: skip


def stored(engine: Engine) -> tuple[list[str], list[str]]:
    with db.session_scope(engine) as session:
        return (
            [r.subscriber for r in reminders.list_rules(session)],
            [d.subscriber for d in digests.list_digests(session)],
        )


@pytest.mark.parametrize("text", ASKS)
def test_a_member_who_manages_nothing_is_refused_and_nothing_is_stored(
    seeded: Engine, text: str
) -> None:
    a = say(seeded, text, MEMBER)
    assert (a.intent, a.text) == ("reminder_error", rights.REFUSED)
    assert stored(seeded) == ([], [])


def test_managers_admins_and_anyone_mode_may(seeded: Engine) -> None:
    creator = managing(MEMBER, "slack:C0LOG")
    assert say(seeded, ASKS[0], creator).intent == "channel_reminders_set"
    assert say(seeded, ASKS[1], creator).intent == "digest_set"
    # managing #logistics says nothing about another channel
    assert say(seeded, ASKS[2], creator).text == rights.REFUSED
    assert say(seeded, ASKS[2], replace(MEMBER, is_admin=True)).intent == "digest_set"
    assert say(seeded, ASKS[2], MEMBER, channel_wide_by="anyone").intent == "digest_set"
    assert stored(seeded) == (["slack:C0LOG"], ["slack:C0LOG", "slack:C0OTHER"])


def test_a_platform_that_cannot_be_asked_means_no(seeded: Engine) -> None:
    def unreachable(channel: str) -> bool:
        raise OSError("connection refused")

    a = say(seeded, ASKS[0], replace(MEMBER, manages=unreachable))
    assert a.text == rights.REFUSED and stored(seeded) == ([], [])


def test_a_person_s_own_things_need_no_rights(seeded: Engine) -> None:
    assert say(seeded, "send me a daily agenda", MEMBER).intent == "digest_set"
    assert say(seeded, "remind me 3 days before the next session", MEMBER).intent == "reminder_set"


def test_the_setting_is_read_and_refuses_other_values(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings(_env_file=None).channel_wide_by == "owners"  # type: ignore[call-arg]
    monkeypatch.setenv("SECBOT_CHANNEL_WIDE_BY", "anyone")
    assert Settings(_env_file=None).channel_wide_by == "anyone"  # type: ignore[call-arg]
    monkeypatch.setenv("SECBOT_CHANNEL_WIDE_BY", "everyone")
    with pytest.raises(ValueError):
        Settings(_env_file=None)  # type: ignore[call-arg]
