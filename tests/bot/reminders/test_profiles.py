"""Per-person reminder preferences: the profile zone recorded from chat (and reminders that
follow it across daylight saving), and default offsets set in chat. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, event, text
from sqlmodel import Session, select

from bot import reminders
from bot.assistant import answer
from bot.conversation import Answer, Asker
from bot.reminders import profiles
from bot.reminders.chat_terms import days_text, offsets_in_words
from storage import db, people, repo
from storage.models import Delivery, DeliveryState, MeetingData, Person, RuleScope
from tests.bot.ask_helpers import managing
from tests.runtimes import runtime_of

NOW = datetime(2015, 12, 15, 9, 0, tzinfo=UTC)
LUSAKA = "africa-regional-2016"  # starts 2016-02-02
SPRING = "spring-workshop-2016"  # starts 2016-03-29, after Zurich's and New York's DST change
ANA_ZURICH = Asker(user_id="U0ANA", platform="slack", timezone="Europe/Zurich")
ANA_NEW_YORK = Asker(user_id="U0ANA", platform="slack", timezone="America/New_York")


def say(engine: Engine, text: str, asker: Asker = ANA_ZURICH, now: datetime = NOW) -> Answer:
    return answer(text, runtime=runtime_of(engine), asker=asker, now=now)


def person(engine: Engine, key: str = "slack:U0ANA") -> Person | None:
    with db.session_scope(engine) as s:
        return people.get_person(s, user_key=key)


def rows(engine: Engine, recipient: str = "slack:U0ANA", **kw: object) -> list[Delivery]:
    with db.session_scope(engine) as s:
        return reminders.list_deliveries(s, recipient=recipient, **kw)  # type: ignore[arg-type]


def add_spring_workshop(engine: Engine) -> None:
    with db.session_scope(engine) as s:
        data = MeetingData(id=SPRING, title="Spring workshop", kind="workshop",
                           start="2016-03-29", end="2016-03-31", city="Geneva")  # fmt: skip
        repo.upsert_meeting(s, data=data, now=NOW)


# --- the zone follows the profile ------------------------------------------------------------


def test_zone_is_recorded_on_first_chat_and_not_rewritten(seeded: Engine) -> None:
    assert person(seeded) is None
    say(seeded, "what's coming up?")
    first = person(seeded)
    assert first is not None and first.timezone == "Europe/Zurich"
    assert first.updated_at == NOW and first.default_offsets is None

    statements: list[str] = []

    def record(_conn, _cursor, statement: str, *_args: object) -> None:  # type: ignore[no-untyped-def]
        statements.append(" ".join(statement.split()).upper())

    event.listen(seeded, "before_cursor_execute", record)
    try:
        later = NOW + timedelta(hours=5)
        assert profiles.observe(seeded, ANA_ZURICH, now=later) is False
        assert [s for s in statements if "PERSON" in s and s.startswith("SELECT")] != []
        reads = [s for s in statements if "PERSON" in s]
        writes = [s for s in statements if s.split()[0] in ("INSERT", "UPDATE", "DELETE")]
        assert len(reads) == 1 and writes == []  # one primary-key read, nothing written
        statements.clear()
        cli = Asker(user_id="cli", platform="cli", timezone="Asia/Tokyo")
        no_zone = Asker(user_id="U0ANA", platform="slack", timezone=None)
        assert profiles.observe(seeded, cli, now=later) is False
        assert profiles.observe(seeded, no_zone, now=later) is False
        assert statements == []  # nothing to compare: not even a read
    finally:
        event.remove(seeded, "before_cursor_execute", record)
    unchanged = person(seeded)
    assert unchanged is not None and unchanged.updated_at == NOW


def test_a_teams_user_is_recorded_under_their_teams_key(seeded: Engine) -> None:
    ada = Asker(user_id="29:ada", platform="teams", timezone="Asia/Tokyo")
    say(seeded, "help", ada)
    recorded = person(seeded, "teams:29:ada")
    assert recorded is not None and recorded.timezone == "Asia/Tokyo"
    assert person(seeded, "cli:cli") is None
    say(seeded, "help", Asker(user_id="cli", platform="cli", timezone="Asia/Tokyo"))
    assert person(seeded, "cli:cli") is None  # the terminal has no profile


def test_a_zone_change_moves_pending_reminders_across_daylight_saving(seeded: Engine) -> None:
    add_spring_workshop(seeded)
    set_to = say(seeded, "set my default reminders to 1 day and 3 days before")
    assert set_to.intent == "reminder_defaults_set"
    remind = say(seeded, f"remind me about {SPRING}")
    assert remind.intent == "reminder_set" and "(Europe/Zurich)" in remind.text
    # an explicit zone: never moved by the profile
    with db.session_scope(seeded) as s:
        reminders.add_rule(s, subscriber="slack:U0ANA", scope=RuleScope.meeting,
                           scope_value=LUSAKA, offsets=[2], now=NOW,
                           timezone="Asia/Tokyo")  # fmt: skip
    due = {(r.meeting_id, r.offset_days): r.due_at for r in rows(seeded)}
    assert due == {
        # Zurich is on CET (UTC+1) on 26 March and on CEST (UTC+2) from 27 March
        (SPRING, 3): datetime(2016, 3, 26, 8, 0, tzinfo=UTC),
        (SPRING, 1): datetime(2016, 3, 28, 7, 0, tzinfo=UTC),
        (LUSAKA, 2): datetime(2016, 1, 31, 0, 0, tzinfo=UTC),  # 09:00 in Tokyo
    }

    # the 3-day reminder went out; then Ana's Slack profile says New York
    went_out = datetime(2016, 3, 26, 8, 0, 5, tzinfo=UTC)
    with db.session_scope(seeded) as s:
        row = s.exec(select(Delivery).where(Delivery.offset_days == 3)).one()
        row.state, row.sent_at, row.updated_at = DeliveryState.sent.value, went_out, went_out
        s.add(row)
    moved_at = datetime(2016, 3, 26, 10, 0, tzinfo=UTC)
    say(seeded, "what's on this week?", ANA_NEW_YORK, now=moved_at)

    after = {(r.meeting_id, r.offset_days): r for r in rows(seeded)}
    # New York is already on EDT (UTC-4) since 13 March: 09:00 is 13:00 UTC
    assert after[SPRING, 1].due_at == datetime(2016, 3, 28, 13, 0, tzinfo=UTC)
    assert after[SPRING, 1].state == DeliveryState.pending
    sent = after[SPRING, 3]
    assert (sent.state, sent.due_at, sent.sent_at, sent.updated_at) == (
        DeliveryState.sent, datetime(2016, 3, 26, 8, 0, tzinfo=UTC), went_out, went_out,
    )  # fmt: skip
    tokyo = after[LUSAKA, 2]
    assert tokyo.due_at == datetime(2016, 1, 31, 0, 0, tzinfo=UTC)
    with db.session_scope(seeded) as s:
        zones = {r.scope_value: (r.timezone, r.follows_profile) for r in reminders.list_rules(s)}
    assert zones == {SPRING: ("America/New_York", True), LUSAKA: ("Asia/Tokyo", False)}
    moved = person(seeded)
    assert moved is not None and moved.timezone == "America/New_York"

    # a later full reconcile does not send the 3-day reminder again in the new zone...
    with db.session_scope(seeded) as s:
        assert reminders.plan(s, now=moved_at).rearmed == 0
    assert rows(seeded, meeting_id=SPRING, states=["sent"])[0].id == sent.id
    # ...but moving the workshop itself makes it owed again, at 09:00 New York time
    with db.session_scope(seeded) as s:
        data = MeetingData(id=SPRING, title="Spring workshop", kind="workshop",
                           start="2016-04-05", end="2016-04-07", city="Geneva")  # fmt: skip
        repo.upsert_meeting(s, data=data, now=moved_at)
        assert reminders.replan_meeting(s, meeting_id=SPRING, now=moved_at).rearmed == 1
    again = {r.offset_days: r.due_at for r in rows(seeded, meeting_id=SPRING, states=["pending"])}
    assert again == {
        3: datetime(2016, 4, 2, 13, 0, tzinfo=UTC),
        1: datetime(2016, 4, 4, 13, 0, tzinfo=UTC),
    }


def test_rules_made_before_the_zone_was_known_follow_it_on_first_chat(seeded: Engine) -> None:
    with db.session_scope(seeded) as s:
        reminders.add_rule(s, subscriber="teams:29:bob", scope=RuleScope.meeting,
                           scope_value=LUSAKA, offsets=[3], now=NOW, timezone="Europe/Zurich",
                           follows_profile=True)  # fmt: skip
    [before] = rows(seeded, "teams:29:bob")
    assert before.due_at == datetime(2016, 1, 30, 8, 0, tzinfo=UTC)
    bob = Asker(user_id="29:bob", platform="teams", timezone="America/New_York")
    say(seeded, "hello", bob)
    [after] = rows(seeded, "teams:29:bob")
    assert after.id == before.id and after.due_at == datetime(2016, 1, 30, 14, 0, tzinfo=UTC)


def test_a_channel_rule_keeps_its_zone(seeded: Engine) -> None:
    in_channel = managing(
        Asker(user_id="U0ANA", platform="slack", timezone="Europe/Zurich", channel_id="C0AFR"),
        "slack:C0AFR",
    )
    posted = say(seeded, "post reminders for African meetings in this channel", in_channel)
    assert posted.intent == "channel_reminders_set"
    before = [(r.id, r.due_at) for r in rows(seeded, "slack:C0AFR")]
    assert before
    say(seeded, "hello", ANA_NEW_YORK)
    assert [(r.id, r.due_at) for r in rows(seeded, "slack:C0AFR")] == before


# --- default offsets -------------------------------------------------------------------------


def test_offsets_in_words() -> None:
    assert offsets_in_words("1 day and 1 week before") == [1, 7]
    assert offsets_in_words("2d, 1w") == [2, 7]
    assert offsets_in_words("a week and three days") == [3, 7]
    assert offsets_in_words("2 weeks & 1 day in advance") == [1, 14]
    for bad in ("soon", "1 month before", "", "before"):
        with pytest.raises(reminders.ReminderError):
            offsets_in_words(bad)
    assert days_text([1, 3, 14]) == "1 day, 3 days and 2 weeks"
    assert days_text([7]) == "1 week"


def test_default_offsets_set_in_chat_are_used_by_a_later_request(seeded: Engine) -> None:
    set_to = say(seeded, "Set my default reminders to 1 day and 1 week before.")
    assert set_to.intent == "reminder_defaults_set"
    assert "1 day and 1 week before" in set_to.text
    recorded = person(seeded)
    assert recorded is not None and recorded.default_offsets == [1, 7]

    remind = say(seeded, "remind me before the Lusaka meeting")
    assert remind.intent == "reminder_set" and "1 day and 1 week" in remind.text
    assert sorted(r.offset_days for r in rows(seeded, meeting_id=LUSAKA)) == [1, 7]

    assert say(seeded, "my default reminders: 2d, 1w").intent == "reminder_defaults_set"
    say(seeded, "remind me of all document deadlines for INC7")
    with Session(seeded) as s:
        [deadline_rule] = [r for r in reminders.list_rules(s) if r.scope_value == "inc7"]
        assert deadline_rule.offsets == [2, 7]
    # a named offset still wins over the defaults
    say(seeded, "remind me 3 days before cee-regional-2016")
    assert [r.offset_days for r in rows(seeded, meeting_id="cee-regional-2016")] == [3]

    settings = say(seeded, "What are my reminder settings?")
    assert settings.intent == "reminder_settings"
    assert "Europe/Zurich (from your Slack profile)" in settings.text
    assert "Default reminders: 2 days and 1 week before." in settings.text
    assert "africa-regional-2016" in settings.text and "cee-regional-2016" in settings.text
    assert "deadlines of" in settings.text

    reset = say(seeded, "reset my default reminders")
    assert reset.intent == "reminder_defaults_set" and "1 day and 3 days" in reset.text
    cleared = person(seeded)
    assert cleared is not None and cleared.default_offsets is None
    say(seeded, "remind me about lac-regional-2016")
    assert sorted(r.offset_days for r in rows(seeded, meeting_id="lac-regional-2016")) == [1, 3]


def test_bad_defaults_are_explained_and_nothing_is_written(seeded: Engine) -> None:
    bad = say(seeded, "set my default reminders to soon")
    assert bad.intent == "reminder_error" and "soon" in bad.text
    recorded = person(seeded)
    assert recorded is not None and recorded.default_offsets is None  # only the zone
    anonymous = say(seeded, "my default reminders: 2d", Asker())
    assert anonymous.intent == "reminder_error"
    with Session(seeded) as s:
        assert [p.user_key for p in s.exec(select(Person))] == ["slack:U0ANA"]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("what are my reminder settings?", "reminder_settings"),
        ("show my reminders", "reminder_settings"),
        ("what reminders do I have?", "reminder_settings"),
        ("my default reminders are 1 week", "reminder_defaults_set"),
        ("make my default reminders 2 weeks and 1 day", "reminder_defaults_set"),
        ("clear my default reminders", "reminder_defaults_set"),
    ],
)
def test_preference_phrases_are_routed_to_the_reminders_handler(
    seeded: Engine, text: str, intent: str
) -> None:
    assert say(seeded, text).intent == intent


def test_no_settings_yet_are_described(seeded: Engine) -> None:
    unknown_zone = Asker(user_id="U0NEW", platform="slack", timezone=None)
    reply = say(seeded, "what are my reminder settings", unknown_zone)
    assert "not known yet, so I use Europe/Zurich" in reply.text
    assert "1 day and 3 days before (the secretariat's" in reply.text
    assert "You have no reminders set." in reply.text


# --- the migration ---------------------------------------------------------------------------


def test_migration_keeps_old_rules_in_their_zone_and_dates_old_deliveries(
    database_url: str,
) -> None:
    engine = db.make_engine(database_url)
    try:
        db.upgrade(engine, "0007_meeting_words")
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO meeting (id, uid, sequence, title, kind, status, precision,"
                    " start_date, end_date, online, hosts, funders, partners, created_at,"
                    " updated_at) VALUES ('m', 'm@secbot', 0, 'Workshop', 'workshop',"
                    " 'planned', 'day', '2016-03-29', '2016-03-31', false, '[]', '[]', '[]',"
                    " :now, :now)"
                ),
                {"now": NOW},
            )
            conn.execute(
                text(
                    "INSERT INTO reminder_rule (subscriber, scope, scope_value, offsets, starts,"
                    " deadlines, deadline_kinds, time_of_day, timezone, active, created_at,"
                    " updated_at) VALUES ('slack:U0ANA', 'meeting', 'm', '[3]', true, false,"
                    " '[]', '09:00:00', 'Europe/Zurich', true, :now, :now)"
                ),
                {"now": NOW},
            )
            conn.execute(
                text(
                    "INSERT INTO delivery (kind, subject, meeting_id, recipient, channel,"
                    " offset_days, due_at, state, attempts, created_at, updated_at) VALUES"
                    " ('reminder', 'meeting:m', 'm', 'slack:U0ANA', 'slack', 3, :due, 'sent',"
                    " 1, :now, :now)"
                ),
                {"now": NOW, "due": datetime(2016, 3, 26, 8, 0, tzinfo=UTC)},
            )
        db.upgrade(engine)
        with Session(engine) as s:
            [rule] = reminders.list_rules(s)
            assert (rule.timezone, rule.follows_profile) == ("Europe/Zurich", False)
            [row] = s.exec(select(Delivery)).all()
            assert row.subject_date == date(2016, 3, 29)
            assert s.exec(select(Person)).all() == []
    finally:
        engine.dispose()
