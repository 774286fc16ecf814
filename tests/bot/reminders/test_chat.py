"""Reminder commands in chat: understood, carried out, and answered in words."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine

from bot import reminders
from bot.conversation import Asker
from bot.reminders.chat import handle
from storage import db, repo
from tests.bot.ask_helpers import managing
from tests.runtimes import runtime_of

NOW = datetime(2015, 12, 15, 9, 0, tzinfo=UTC)
# Ana created #africa (C0AFR), so she may set reminders for the whole channel
ANA = managing(
    Asker(user_id="U0ANA", platform="slack", timezone="Africa/Lusaka", channel_id="C0AFR"),
    "slack:C0AFR",
)
ADMIN = Asker(user_id="U0ADM", platform="slack", is_admin=True)


def say(engine: Engine, text: str, asker: Asker = ANA):  # type: ignore[no-untyped-def]
    return handle(text, runtime=runtime_of(engine), asker=asker, now=NOW)


def pending(engine: Engine, recipient: str) -> list:  # type: ignore[type-arg]
    with db.session_scope(engine) as s:
        return reminders.list_deliveries(s, recipient=recipient, states=["pending"])


def test_not_a_reminder_command(seeded: Engine) -> None:
    for text in ("when is the Lusaka meeting?", "what's coming up", "remind"):
        assert say(seeded, text) is None


def test_remind_me_days_before_a_meeting_by_city_or_id(seeded: Engine) -> None:
    answer = say(seeded, "Remind me 3 days before the Lusaka meeting.")
    assert answer is not None and answer.intent == "reminder_set"
    assert [m.id for m in answer.meetings] == ["africa-regional-2016"]
    assert "3 days" in answer.text and "Africa/Lusaka" in answer.text
    (row,) = pending(seeded, "slack:U0ANA")
    # 09:00 in Lusaka (UTC+2) on 30 January
    assert row.due_at == datetime(2016, 1, 30, 7, 0, tzinfo=UTC)
    assert say(seeded, "remind me two weeks before paris-regional-2016").intent == "reminder_error"
    answer = say(seeded, "remind me 1 week before cee-regional-2016")
    assert answer is not None and answer.meetings[0].city == "Brno"
    # words that name a meeting as a question would: read like one
    answer = say(seeded, "remind me 1 week before the regional meeting in Brno")
    assert answer is not None and answer.intent == "reminder_set"
    assert [m.id for m in answer.meetings] == ["cee-regional-2016"]
    assert "Wednesday 27 January 2016" in answer.text


def test_a_reminder_for_a_past_meeting_is_refused_with_the_reason(seeded: Engine) -> None:
    answer = say(seeded, "Remind me 3 days before the Moscow bureau meeting")
    assert answer is not None and answer.intent == "reminder_error"
    assert "already took place" in answer.text and "1–2 July 2015" in answer.text
    assert pending(seeded, "slack:U0ANA") == []


def test_unknown_and_ambiguous_meetings_are_explained(seeded: Engine) -> None:
    unknown = say(seeded, "remind me 3 days before the Atlantis meeting")
    assert unknown is not None and unknown.intent == "reminder_error"
    assert "Atlantis" in unknown.text
    with db.session_scope(seeded) as s:
        assert not reminders.list_rules(s)  # nothing written


def test_deadline_reminders_and_admin_deadlines(seeded: Engine) -> None:
    refused = say(seeded, "add deadline: documents for INC7 due 25 January 2016")
    assert refused is not None and "admins" in refused.text
    added = say(seeded, "add deadline: documents for INC7 due 25 January 2016", ADMIN)
    assert added is not None and added.intent == "deadline_added"
    assert [(d.kind, d.due_date.isoformat()) for d in added.deadlines] == [
        ("documents", "2016-01-25")
    ]
    answer = say(seeded, "remind me of all document deadlines for INC7")
    assert answer is not None and answer.intent == "reminder_set"
    assert "25 January 2016" in answer.text
    rows = pending(seeded, "slack:U0ANA")
    assert {r.kind for r in rows} == {"deadline"} and len(rows) == 2  # default 1d and 3d


def test_channel_reminders_and_stopping(seeded: Engine) -> None:
    answer = say(seeded, "post reminders for African meetings in this channel")
    assert answer is not None and answer.intent == "channel_reminders_set"
    assert "Africa" in answer.text
    assert {r.meeting_id for r in pending(seeded, "slack:C0AFR")} == {"africa-regional-2016"}
    workshops = say(seeded, "post reminders for workshops in this channel")
    assert workshops is not None and workshops.intent == "channel_reminders_set"

    say(seeded, "remind me 3 days before the Lusaka meeting")
    say(seeded, "remind me 3 days before lac-regional-2016")
    stop = say(seeded, "stop reminding me about the Lusaka meeting")
    assert stop is not None and stop.intent == "reminder_stopped"
    assert {r.meeting_id for r in pending(seeded, "slack:U0ANA")} == {"lac-regional-2016"}
    bye = say(seeded, "Unsubscribe me from reminders!")
    assert bye is not None and bye.intent == "reminders_unsubscribed"
    assert pending(seeded, "slack:U0ANA") == []
    assert pending(seeded, "slack:C0AFR")  # the channel's subscription is not the user's


def test_who_is_asking_matters(seeded: Engine) -> None:
    anonymous = say(seeded, "remind me 3 days before the Lusaka meeting", Asker())
    assert anonymous is not None and anonymous.intent == "reminder_error"
    dm = say(seeded, "post reminders for African meetings in this channel", ADMIN)
    assert dm is not None and dm.intent == "reminder_error"  # no channel to post to
    with db.session_scope(seeded) as s:
        assert repo.list_deadlines(s) == []


def test_a_channel_group_that_names_nothing_is_explained(seeded: Engine) -> None:
    odd = say(seeded, "post reminders for Zorgian meetings in this channel")
    assert odd is not None and odd.intent == "reminder_error"
    assert "Zorgian meetings" in odd.text and "African meetings" in odd.text
    with db.session_scope(seeded) as s:
        assert reminders.list_rules(s) == []  # nothing written


def test_a_person_can_follow_a_kind_a_region_or_everything(seeded: Engine) -> None:
    answer = say(seeded, "remind me 2 weeks before the regional meetings")
    assert answer is not None and answer.intent == "reminder_set"
    assert "each of the regional meetings" in answer.text
    answer = say(seeded, "remind me 1 day before African meetings")
    assert answer is not None and "meetings in Africa" in answer.text
    assert say(seeded, "remind me 1 week before all meetings").intent == "reminder_set"
    # singular: one meeting, not the group
    one = say(seeded, "remind me about the bureau meeting")
    assert one is not None and [m.id for m in one.meetings] == ["bureau-jakarta-2016"]
    with db.session_scope(seeded) as s:
        scopes = {(r.scope, r.scope_value, tuple(r.offsets)) for r in reminders.list_rules(s)}
    assert ("kind", "regional_meeting", (14,)) in scopes
    assert ("region", "Africa", (1,)) in scopes
    assert ("all", "", (7,)) in scopes
    assert ("meeting", "bureau-jakarta-2016", (1, 3)) in scopes
    # the four regional meetings, two weeks before each, 09:00 in Lusaka
    due = {(r.meeting_id, r.offset_days) for r in pending(seeded, "slack:U0ANA")}
    assert {("lac-regional-2016", 14), ("asia-pacific-regional-2016", 14)} <= due
