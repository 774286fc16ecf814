"""Chat commands reach their features through the one core entry point."""

from sqlalchemy import Engine

from bot.answer import Asker, answer
from bot.clock import Clock


def test_feed_commands_go_through_answer(seeded: Engine, clock: Clock) -> None:
    asker = Asker(user_id="U1", platform="slack")
    subscribed = answer(
        "subscribe me to African meetings", engine=seeded, asker=asker, now=clock.now()
    )
    assert subscribed.intent == "subscribe"
    assert "webcal://" in subscribed.text
    question = answer("when is the African meeting", engine=seeded, asker=asker, now=clock.now())
    assert question.intent not in ("subscribe", "feed_link")
    assert question.meetings and question.meetings[0].city == "Lusaka"
