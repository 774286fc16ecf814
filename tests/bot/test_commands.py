"""Chat commands reach their features through the one core entry point."""

from sqlalchemy import Engine

from bot.assistant import answer
from bot.clock import Clock
from bot.conversation import Asker
from tests.runtimes import runtime_of


def test_feed_commands_go_through_answer(seeded: Engine, clock: Clock) -> None:
    asker = Asker(user_id="U1", platform="slack")
    subscribed = answer(
        "subscribe me to African meetings", runtime=runtime_of(seeded), asker=asker, now=clock.now()
    )
    assert subscribed.intent == "subscribe"
    assert "webcal://" in subscribed.text
    question = answer(
        "when is the African meeting", runtime=runtime_of(seeded), asker=asker, now=clock.now()
    )
    assert question.intent not in ("subscribe", "feed_link")
    assert question.meetings and question.meetings[0].city == "Lusaka"


def test_reminder_commands_go_through_answer(seeded: Engine, clock: Clock) -> None:
    asker = Asker(user_id="U1", platform="slack", timezone="Europe/Zurich")
    said = answer(
        "remind me 3 days before the Lusaka meeting",
        runtime=runtime_of(seeded),
        asker=asker,
        now=clock.now(),
    )
    assert said.intent.startswith("remind") and "error" not in said.intent
    assert [m.city for m in said.meetings][:1] == ["Lusaka"]
    from sqlmodel import Session, select

    from storage.models import Delivery

    with Session(seeded) as session:
        due = [d.due_at for d in session.exec(select(Delivery)).all()]
    assert due, "the rule created ledger rows"
