"""Conversation behaviour offline: the SDK's TestAdapter/TestFlow on channel `msteams`."""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

import pytest
from microsoft_agents.activity import (
    Activity,
    ChannelAccount,
    ConversationAccount,
    ConversationReference,
)
from microsoft_agents.testing import TestAdapter, TestFlow
from sqlalchemy import Engine

from bot.assistant import answer, warm_up
from bot.clock import Clock
from bot.conversation import Answer, Asker
from bot.runtime import Runtime
from handlers.teams.app import TeamsBot
from handlers.teams.handlers import REFERENCE_REFRESH, SORRY, STALE_BUTTON
from storage import db
from storage import teams as teams_store
from tests.handlers.teams.conftest import ListingAnswer, RecordingAnswer, make_runtime
from tests.runtimes import runtime_of

pytestmark = pytest.mark.usefixtures("no_sdk_env")

CARD = "application/vnd.microsoft.card.adaptive"


def bot_for(engine: Engine, clock: Clock, answer_fn: Any) -> TeamsBot:
    return TeamsBot(make_runtime(engine, clock), answer_fn=answer_fn)


def card_of(reply: Activity) -> dict[str, Any]:
    assert reply.type == "message"
    [attachment] = reply.attachments or []
    assert attachment.content_type == CARD
    content = attachment.content
    assert isinstance(content, dict)
    return content


def channel_adapter() -> TestAdapter:
    return TestAdapter(
        conversation=ConversationReference(
            channel_id="msteams",
            service_url="https://smba.example.test/emea/",
            user=ChannelAccount(id="29:user-bob", name="Bob"),
            agent=ChannelAccount(id="28:secbot", name="secbot"),
            conversation=ConversationAccount(
                id="19:general@thread.tacv2", is_group=True, conversation_type="channel"
            ),
        )
    )


def mention(text: str) -> Activity:
    return Activity.model_validate(
        {
            "type": "message",
            "text": f"<at>secbot</at> {text}",
            "entities": [
                {
                    "type": "mention",
                    "text": "<at>secbot</at>",
                    "mentioned": {"id": "28:secbot", "name": "secbot"},
                }
            ],
        }
    )


async def test_a_direct_message_gets_the_core_answer_as_a_card(
    seeded: Engine, clock: Clock, recorder: RecordingAnswer
) -> None:
    bot = bot_for(seeded, clock, recorder)
    replies: list[dict[str, Any]] = []
    flow = TestFlow(TestAdapter(channel_id="msteams"), bot.app.on_turn)
    await flow.send("when is INC7?").assert_reply(lambda r: replies.append(card_of(r))).start_test()

    [(question, asker)] = recorder.calls
    assert question == "when is INC7?"
    assert asker == Asker(
        user_id="user1",
        platform="teams",
        timezone=None,  # the test activity carries no time zone: the core uses the default
        channel_id="convo1",
        conversation="teams:convo1",
    )
    expected = answer(question, runtime=runtime_of(seeded), asker=asker, now=clock.now())
    [card] = replies
    assert card["body"][0] == {"type": "TextBlock", "text": expected.text, "wrap": True}


async def test_an_empty_message_asks_for_help(
    seeded: Engine, clock: Clock, recorder: RecordingAnswer
) -> None:
    bot = bot_for(seeded, clock, recorder)
    flow = TestFlow(TestAdapter(channel_id="msteams"), bot.app.on_turn)
    await flow.send("   ").assert_reply(card_of).start_test()
    assert recorder.questions == ["help"]


async def test_meetings_come_with_their_buttons(seeded: Engine, clock: Clock) -> None:
    listing = ListingAnswer(count=2)
    bot = bot_for(seeded, clock, listing)
    cards: list[dict[str, Any]] = []
    flow = TestFlow(TestAdapter(channel_id="msteams"), bot.app.on_turn)
    await flow.send("what's next?").assert_reply(lambda r: cards.append(card_of(r))).start_test()
    containers = [b for b in cards[0]["body"] if b["type"] == "Container"]
    assert len(containers) == 2
    titles = [a["title"] for a in containers[0]["items"][2]["actions"]]
    assert titles == ["Add to calendar", "Google Calendar", "Outlook", "Remind me", "Subscribe"]


async def test_buttons_become_core_commands(
    seeded: Engine, clock: Clock, recorder: RecordingAnswer
) -> None:
    bot = bot_for(seeded, clock, recorder)
    adapter = TestAdapter(channel_id="msteams")
    presses = [
        {"verb": "calendar", "meeting_id": "inc7"},
        {"verb": "remind", "meeting_id": "inc7", "days": 3},
        {"verb": "subscribe", "meeting_id": "inc7", "region": "Africa", "kind": "session"},
        {"verb": "ask", "question": "What's coming up?"},
    ]
    flow = TestFlow(adapter, bot.app.on_turn)
    for data in presses:
        flow = flow.send(Activity(type="message", value=data)).assert_reply(card_of)
    await flow.start_test()
    assert recorder.questions == [
        "add inc7 to my calendar",
        "remind me 3 days before inc7",
        "subscribe me to Africa meetings",
        "What's coming up?",
    ]


async def test_questions_are_answered_on_the_loop_and_commands_on_a_thread(
    seeded: Engine, clock: Clock
) -> None:
    """A question that only reads skips the hop to a worker thread; a command, which may write
    and wait for a lock, does not hold up the event loop (and may ask who manages a chat)."""
    where: dict[str, tuple[int, bool]] = {}

    def answer_fn(question: str, *, runtime: Runtime, asker: Asker, now: datetime) -> Answer:
        where[question] = (threading.get_ident(), asker.manages is not None)
        return answer(question, runtime=runtime, asker=asker, now=now)

    bot = bot_for(seeded, clock, answer_fn)
    warm_up(bot.runtime)
    flow = TestFlow(TestAdapter(channel_id="msteams"), bot.app.on_turn)
    flow = flow.send("When is INC7?").assert_reply(card_of)
    await flow.send("remind me 3 days before inc7").assert_reply(card_of).start_test()
    here = threading.get_ident()
    assert where["When is INC7?"] == (here, False)
    thread, manages = where["remind me 3 days before inc7"]
    assert thread != here and manages


async def test_a_forged_button_is_refused_kindly(
    seeded: Engine, clock: Clock, recorder: RecordingAnswer
) -> None:
    bot = bot_for(seeded, clock, recorder)
    texts: list[str] = []
    forged = Activity(type="message", value={"verb": "remind", "meeting_id": "inc7", "days": 999})
    flow = TestFlow(TestAdapter(channel_id="msteams"), bot.app.on_turn)
    await (
        flow.send(forged)
        .assert_reply(lambda r: texts.append(card_of(r)["body"][0]["text"]))
        .start_test()
    )
    assert texts == [STALE_BUTTON]
    assert recorder.calls == []


async def test_channels_answer_mentions_only(
    seeded: Engine, clock: Clock, recorder: RecordingAnswer
) -> None:
    bot = bot_for(seeded, clock, recorder)
    flow = TestFlow(channel_adapter(), bot.app.on_turn)
    await (
        flow.send("just chatting with colleagues")
        .assert_no_more_replies()
        .send(mention("meetings in Africa"))
        .assert_reply(card_of)
        .start_test()
    )
    assert recorder.questions == ["meetings in Africa"]
    with db.session_scope(seeded) as session:
        row = teams_store.get_conversation(session, conversation_id="19:general@thread.tacv2")
        assert row is not None and row.kind == "channel" and row.user_key is None


async def test_an_unchanged_reference_is_written_again_only_after_a_while(
    seeded: Engine, clock: Clock, recorder: RecordingAnswer
) -> None:
    bot = bot_for(seeded, clock, recorder)
    adapter = channel_adapter()

    async def ask() -> datetime:
        await (
            TestFlow(adapter, bot.app.on_turn)
            .send(mention("next"))
            .assert_reply(card_of)
            .start_test()
        )
        with db.session_scope(seeded) as session:
            row = teams_store.get_conversation(session, conversation_id="19:general@thread.tacv2")
            assert row is not None
            return row.updated_at

    assert clock.anchor is not None
    first = await ask()
    assert first == clock.now()
    clock.anchor += REFERENCE_REFRESH / 2
    assert await ask() == first  # the same reference: not written on every message
    clock.anchor += REFERENCE_REFRESH
    assert await ask() == clock.now()
    assert len(recorder.questions) == 3


async def test_installing_the_bot_greets_and_remembers_the_chat(
    seeded: Engine, clock: Clock, recorder: RecordingAnswer
) -> None:
    bot = bot_for(seeded, clock, recorder)
    adapter = TestAdapter(channel_id="msteams")
    greetings: list[dict[str, Any]] = []
    flow = TestFlow(adapter, bot.app.on_turn)
    await (
        flow.send_conversation_update([adapter.conversation.agent])  # type: ignore[list-item]
        .assert_reply(lambda r: greetings.append(card_of(r)))
        .start_test()
    )
    [card] = greetings
    assert "calendar" in card["body"][1]["text"]
    assert {a["data"]["verb"] for a in card["actions"]} == {"ask"}
    assert recorder.calls == []
    with db.session_scope(seeded) as session:
        row = teams_store.personal_conversation(session, user_key="teams:user1")
        assert row is not None and row.conversation_id == "convo1"


async def test_someone_else_joining_a_channel_is_not_greeted(
    seeded: Engine, clock: Clock, recorder: RecordingAnswer
) -> None:
    bot = bot_for(seeded, clock, recorder)
    flow = TestFlow(channel_adapter(), bot.app.on_turn)
    newcomer = ChannelAccount(id="29:user-carol", name="Carol")
    await flow.send_conversation_update([newcomer]).assert_no_more_replies().start_test()


async def test_a_failing_core_gets_an_apology_not_a_traceback(seeded: Engine, clock: Clock) -> None:
    def broken(question: str, **_: Any) -> Answer:
        raise RuntimeError("database on fire")

    bot = bot_for(seeded, clock, broken)
    flow = TestFlow(TestAdapter(channel_id="msteams"), bot.app.on_turn)
    await flow.test("when is INC7?", SORRY).start_test()
