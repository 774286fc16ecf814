"""/api/messages over real HTTP: uvicorn on 127.0.0.1:0, replies to a fake Bot Connector."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from bot import reminders
from bot.clock import Clock, fixed
from bot.reminders.dispatch import Policy, run_once
from handlers.teams.app import TeamsBot, install
from handlers.teams.notifier import TeamsNotifier
from handlers.teams.proactive import NoConversation, send_proactive
from handlers.teams.throttle import RetryPolicy, ThrottledSender
from handlers.web.app import create_app
from storage import db
from storage import teams as teams_store
from tests.fakes.bot_connector import FakeBotConnector
from tests.handlers.teams.conftest import (
    BOT_ID,
    CLIENT_ID,
    PUBLIC_URL,
    ListingAnswer,
    RecordingAnswer,
    channel_mention,
    make_runtime,
    personal_message,
)
from tests.reminder_helpers import LUSAKA, due_instant
from tests.servers import serve_app

pytestmark = pytest.mark.usefixtures("no_sdk_env")


class RecordedSleep:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def teams_app(engine: Engine, clock: Clock, answer_fn: Any, sleep: RecordedSleep | None = None):
    runtime = make_runtime(engine, clock)
    app = create_app(runtime)
    sleep = sleep or RecordedSleep()
    delivery = ThrottledSender(policy=RetryPolicy(retries=4, random=lambda: 0.5), sleep=sleep)
    install(app, TeamsBot(runtime, delivery=delivery, answer_fn=answer_fn))
    return app


async def post(base: str, activity: dict[str, Any], **headers: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        return await client.post("/api/messages", json=activity, headers=headers)


async def test_personal_message_is_answered_with_an_adaptive_card(
    seeded: Engine, clock: Clock, connector: FakeBotConnector
) -> None:
    listing = ListingAnswer(count=3)
    with serve_app(teams_app(seeded, clock, listing)) as base:
        response = await post(base, personal_message(connector.url, "what's coming up?"))
        assert response.status_code == 202
        [reply] = await connector.wait_for(1)

    assert listing.questions == ["what's coming up?"]
    _, asker = listing.calls[0]
    assert (asker.platform, asker.user_id, asker.timezone) == (
        "teams",
        "29:user-ada",
        "Europe/Zurich",
    )
    assert asker.key == "teams:29:user-ada"

    assert reply.conversation_id == "a:personal-ada"
    assert reply.reply_to_id == "1700000000001"
    assert reply.activity["type"] == "message"
    assert reply.activity["from"]["id"] == BOT_ID
    [card] = reply.cards
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    meetings = [c for c in card["body"] if c["type"] == "Container"]
    assert len(meetings) == 3
    first = meetings[0]
    meeting_id = first["id"].removeprefix("meeting-")
    facts = {f["title"]: f["value"] for f in first["items"][1]["facts"]}
    assert {"When", "Where", "Status", "Source"} <= facts.keys()
    actions = first["items"][2]["actions"]
    assert [a["type"] for a in actions] == [
        "Action.OpenUrl", "Action.OpenUrl", "Action.OpenUrl", "Action.ShowCard", "Action.Submit",
    ]  # fmt: skip
    assert actions[0]["title"] == "Add to calendar"
    assert actions[0]["url"] == f"{PUBLIC_URL}/calendar/meeting/{meeting_id}.ics"

    with db.session_scope(seeded) as session:
        stored = teams_store.personal_conversation(session, user_key="teams:29:user-ada")
        assert stored is not None and stored.conversation_id == "a:personal-ada"
        assert stored.service_url == connector.url and stored.tenant_id == "tenant-0001"


async def test_card_button_runs_the_core_command(
    seeded: Engine, clock: Clock, connector: FakeBotConnector
) -> None:
    recorder = RecordingAnswer()
    submit = personal_message(
        connector.url, "", value={"verb": "remind", "meeting_id": "inc7", "days": 7}
    )
    del submit["text"]
    with serve_app(teams_app(seeded, clock, recorder)) as base:
        assert (await post(base, submit)).status_code == 202
        [reply] = await connector.wait_for(1)
    assert recorder.questions == ["remind me 1 week before inc7"]
    assert reply.cards and reply.cards[0]["body"][0]["type"] == "TextBlock"


async def test_channel_mention_is_answered_without_the_mention(
    seeded: Engine, clock: Clock, connector: FakeBotConnector
) -> None:
    recorder = RecordingAnswer()
    with serve_app(teams_app(seeded, clock, recorder)) as base:
        assert (
            await post(base, channel_mention(connector.url, "when is INC7?"))
        ).status_code == 202
        [reply] = await connector.wait_for(1)
    assert recorder.questions == ["when is INC7?"]
    assert reply.conversation_id == "19:general@thread.tacv2;messageid=1700000000002"
    with db.session_scope(seeded) as session:
        row = teams_store.get_conversation(session, conversation_id=reply.conversation_id)
        assert row is not None
        assert (row.kind, row.user_key, row.team_id) == ("channel", None, "19:team@thread.tacv2")


async def test_members_added_greets(
    seeded: Engine, clock: Clock, connector: FakeBotConnector
) -> None:
    update = personal_message(connector.url, "", type="conversationUpdate")
    del update["text"]
    update["membersAdded"] = [{"id": BOT_ID}]
    with serve_app(teams_app(seeded, clock, RecordingAnswer())) as base:
        assert (await post(base, update)).status_code == 202
        [greeting] = await connector.wait_for(1)
    [card] = greeting.cards
    assert all(a["type"] == "Action.Submit" and a["data"]["verb"] == "ask" for a in card["actions"])


async def test_throttled_sends_are_retried_with_backoff(
    seeded: Engine, clock: Clock, connector: FakeBotConnector
) -> None:
    sleep = RecordedSleep()
    connector.fail_with.extend([429, 502, 412, 504])
    with serve_app(teams_app(seeded, clock, RecordingAnswer(), sleep)) as base:
        assert (await post(base, personal_message(connector.url, "hi"))).status_code == 202
        await connector.wait_for(1)
    assert [r.status for r in connector.received] == [429, 502, 412, 504, 200]
    # full jitter with random()=0.5: half of 0.5·2ⁿ
    assert sleep.waits == [0.25, 0.5, 1.0, 2.0]


async def test_a_refused_send_gives_up_without_retrying(
    seeded: Engine, clock: Clock, connector: FakeBotConnector
) -> None:
    sleep = RecordedSleep()
    connector.fail_with.append(403)
    with serve_app(teams_app(seeded, clock, RecordingAnswer(), sleep)) as base:
        assert (await post(base, personal_message(connector.url, "hi"))).status_code == 202
        [apology] = await connector.wait_for(1)
    assert [r.status for r in connector.received] == [403, 200]
    assert sleep.waits == []
    assert apology.activity["text"].startswith("Sorry")
    assert "Traceback" not in apology.activity["text"]


async def test_without_a_token_requests_are_refused_when_a_client_id_is_set(
    seeded: Engine, clock: Clock, connector: FakeBotConnector
) -> None:
    # ANONYMOUS_ALLOWED is set too, and ignored because a client id is configured
    runtime = make_runtime(seeded, clock, anonymous=True, client_id=CLIENT_ID)
    with serve_app(create_app(runtime)) as base:
        missing = await post(base, personal_message(connector.url, "hi"))
        forged = await post(
            base, personal_message(connector.url, "hi"), Authorization="Bearer not-a-jwt"
        )
        async with httpx.AsyncClient(base_url=base) as client:
            health = await client.get("/healthz")
    assert missing.status_code == 401
    assert forged.status_code == 401
    assert health.status_code == 200  # JWT authorization guards /api/messages only
    assert connector.received == []


async def test_proactive_reminder_reaches_the_user_after_a_restart(
    seeded: Engine, clock: Clock, connector: FakeBotConnector
) -> None:
    with serve_app(teams_app(seeded, clock, RecordingAnswer())) as base:
        await post(base, personal_message(connector.url, "hi"))
        await connector.wait_for(1)

    # a new process: new runtime, app and bot objects; only the database is shared
    restarted = teams_app(seeded, clock, RecordingAnswer())
    with serve_app(restarted):
        bot: TeamsBot = restarted.state.teams_bot
        sent_id = await send_proactive(
            "teams:29:user-ada", "Reminder: INC7 starts in 3 days.", bot=bot
        )
        card_id = await send_proactive(
            "teams:29:user-ada", {"type": "AdaptiveCard", "version": "1.5", "body": []}, bot=bot
        )
        with pytest.raises(NoConversation):
            await send_proactive("teams:29:nobody", "hello?", bot=bot)

    _, text, card = connector.delivered
    assert (text.conversation_id, text.reply_to_id) == ("a:personal-ada", None)
    assert text.activity["text"] == "Reminder: INC7 starts in 3 days."
    assert card.cards == [{"type": "AdaptiveCard", "version": "1.5", "body": []}]
    assert sent_id and card_id and sent_id != card_id


async def test_the_teams_notifier_delivers_ledger_reminders_to_the_connector(
    seeded: Engine, clock: Clock, connector: FakeBotConnector
) -> None:
    with serve_app(teams_app(seeded, clock, RecordingAnswer())) as base:
        await post(base, personal_message(connector.url, "hi"))  # the conversation is stored
        await connector.wait_for(1)
    with db.session_scope(seeded) as session:
        for user in ("teams:29:user-ada", "teams:29:nobody"):
            reminders.add_rule(
                session, subscriber=user, scope="meeting", scope_value=LUSAKA, offsets=[3],
                now=clock.now(), timezone="UTC",
            )  # fmt: skip
    runtime = make_runtime(seeded, clock)
    # no retries inside the adapter: a 429 reaches the notifier, which hands it to the dispatcher
    bot = TeamsBot(runtime, delivery=ThrottledSender(policy=RetryPolicy(retries=0)))
    connector.fail_with.append(429)
    waits = RecordedSleep()
    report = await run_once(
        seeded, {"teams": TeamsNotifier(runtime, bot=bot)}, clock=fixed(due_instant(3)),
        policy=Policy(max_attempts=2), sleep=waits,
    )  # fmt: skip

    assert len(report.sent) == 1 and len(report.failed) == 1
    assert [r.status for r in connector.received[1:]] == [429, 200]
    assert waits.waits == [0.0]  # the connector's Retry-After: 0, waited out by the dispatcher
    reminder = connector.delivered[-1]
    assert (reminder.conversation_id, reminder.reply_to_id) == ("a:personal-ada", None)
    assert reminder.activity["text"].startswith("Reminder: ")
    assert "starts in 3 days" in reminder.activity["text"] and LUSAKA in reminder.activity["text"]
    with db.session_scope(seeded) as session:
        rows = {r.recipient: r for r in reminders.list_deliveries(session)}
    assert rows["teams:29:user-ada"].state == "sent"
    nobody = rows["teams:29:nobody"]
    assert nobody.state == "failed" and nobody.attempts == 1  # permanent: not retried
    assert nobody.last_error is not None
    assert "no Teams conversation stored for 'teams:29:nobody'" in nobody.last_error
