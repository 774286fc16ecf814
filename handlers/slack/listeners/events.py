"""Events API: @mentions and direct messages answered in a thread; the App Home tab."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from sqlmodel import Session

from bot.reminders import answers
from bot.reminders.leases import worker_name
from bot.reminders.notifier import SendResult
from handlers.slack.blocks import answer_message, home_view
from handlers.slack.deps import (
    SlackDeps,
    conversation_key,
    deps_of,
    from_a_bot,
    log,
    question_text,
)
from handlers.slack.home import my_reminders, my_subscriptions, private_feed_status
from handlers.slack.notifier import post
from handlers.slack.private import is_direct, send_privately
from handlers.slack.sources import home_blocks as sources_blocks
from storage.sources import list_sources

UPCOMING_ON_HOME = 5


def register(app: Any) -> None:
    app.event("app_mention")(answered(on_mention))
    app.event("message")(answered(on_message))
    app.event("app_home_opened")(once(on_home_opened))


Gate = Callable[[], Awaitable[bool]]
Listener = Callable[[dict[str, Any], Any, Any, Gate], Awaitable[None]]
Answerer = Callable[[dict[str, Any], Any, Any, str | None], Awaitable[None]]


async def always() -> bool:
    return True


def once(listener: Listener) -> Callable[..., Awaitable[None]]:
    """Let `listener` act on the first delivery of an event only; Slack's retries are dropped.

    Bolt has already acknowledged the event when this runs. The event_id is written to the
    database while the listener prepares its answer; the listener awaits `gate()` before it
    posts anything, and stops when the gate says this delivery is a retry.
    """

    async def first_delivery_only(
        body: dict[str, Any], event: dict[str, Any], context: Any, client: Any
    ) -> None:
        if from_a_bot(event):
            return
        event_id = body.get("event_id")
        if not event_id:
            await listener(event, context, client, always)
            return
        remembered = asyncio.ensure_future(deps_of(context).first_delivery(str(event_id)))

        async def gate() -> bool:
            if await remembered:
                return True
            log.info("event %s already handled; dropping the retry", event_id)
            return False

        try:
            await listener(event, context, client, gate)
        finally:
            await remembered  # the id is stored even if the listener failed

    first_delivery_only.__name__ = listener.__name__
    return first_delivery_only


def answered(listener: Answerer) -> Callable[..., Awaitable[None]]:
    """Hand `listener` the delivery's event id: its answer goes through the delivery ledger
    under that id (`bot.reminders.answers`), which makes Slack's retries harmless and an
    answer Slack would not take (an outage) retried."""

    async def with_event_id(
        body: dict[str, Any], event: dict[str, Any], context: Any, client: Any
    ) -> None:
        if from_a_bot(event):
            return
        event_id = body.get("event_id")
        await listener(event, context, client, str(event_id) if event_id else None)

    with_event_id.__name__ = listener.__name__
    return with_event_id


async def answer_in_thread(
    deps: SlackDeps, client: Any, event: dict[str, Any], event_id: str | None = None
) -> None:
    """Ask the core and post its answer in the thread of the message that asked, once per
    event id: the answer is a ledger row, claimed before the core is asked, its payload kept
    while it is posted, and left to the dispatcher when Slack does not take it."""
    user, channel = event.get("user"), event.get("channel")
    if not user or not channel:
        return
    claiming = None
    if event_id:  # the claim is written while Slack tells us the asker's zone
        claiming = asyncio.ensure_future(
            deps_claim(deps, event_id=event_id, recipient=f"slack:{channel}")
        )
    viewer = await deps.viewer(client, user, admin_controls=False)
    claim = await claiming if claiming is not None else None
    if claiming is not None and claim is None:
        log.info("event %s already answered or queued; dropping the retry", event_id)
        return
    try:
        question = question_text(event.get("text"))
        thread_ts = event.get("thread_ts") or event.get("ts")
        key = conversation_key(str(channel), thread_ts)
        answer = await deps.ask(
            question, user_id=user, channel_id=channel, conversation=key, client=client
        )
        message = answer_message(answer, viewer)
        arguments = {"channel": channel, "thread_ts": thread_ts, **message}
    except Exception as e:
        if claim is not None:
            error = f"{e.__class__.__name__}: {e}"
            await asyncio.to_thread(
                answers.abandon, deps.engine, claim, error=error, now=deps.now()
            )
        raise
    if answer.private and not is_direct(str(channel), event.get("channel_type")):
        # private things go to the person only; their words are not kept in the ledger
        result = SendResult.sent()
        try:
            await send_privately(
                client, user=user, channel=channel, thread_ts=thread_ts, message=message
            )
        except Exception as e:
            result = SendResult.permanent(f"private answer: {e.__class__.__name__}")
            raise
        finally:
            if claim is not None:
                await asyncio.to_thread(
                    answers.finish, deps.engine, claim, result=result, now=deps.now()
                )
        return
    if claim is None:
        await client.chat_postMessage(**arguments)
        return
    # kept on the row while it is posted: if this process stops, the dispatcher posts it
    preparing = asyncio.ensure_future(
        asyncio.to_thread(answers.prepare, deps.engine, claim, payload=arguments, now=deps.now())
    )
    result = await post(client, arguments)
    if not await preparing:  # taken over (no heartbeat for a lease): the other one answers
        return
    if result.outcome != "sent":
        log.warning("answer to %s not posted (%s); the dispatcher will retry", event_id,
                    result.error)  # fmt: skip
    await asyncio.to_thread(answers.finish, deps.engine, claim, result=result, now=deps.now())


async def deps_claim(deps: SlackDeps, *, event_id: str, recipient: str) -> answers.Claim | None:
    lease = timedelta(seconds=deps.runtime.settings.reminders_lease)
    return await asyncio.to_thread(
        answers.begin, deps.engine, event_id=event_id, recipient=recipient, now=deps.now(),
        worker=worker_name(), lease=lease,
    )  # fmt: skip


async def on_mention(
    event: dict[str, Any], context: Any, client: Any, event_id: str | None
) -> None:
    await answer_in_thread(deps_of(context), client, event, event_id)


async def on_message(
    event: dict[str, Any], context: Any, client: Any, event_id: str | None
) -> None:
    """Direct messages only: in channels the bot answers when @mentioned (app_mention)."""
    if event.get("channel_type") != "im":
        return
    await answer_in_thread(deps_of(context), client, event, event_id)


async def on_home_opened(event: dict[str, Any], context: Any, client: Any, gate: Gate) -> None:
    if event.get("tab", "home") != "home" or not event.get("user") or not await gate():
        return
    deps = deps_of(context)
    user = event["user"]
    viewer = await deps.viewer(client, user, admin_controls=True)
    upcoming = await deps.upcoming(tz=viewer.timezone, limit=UPCOMING_ON_HOME)

    def personal() -> tuple[list[str], list[str], str, list[dict[str, Any]]]:
        with Session(deps.engine) as session:
            key = f"slack:{user}"
            followed = list_sources(session) if viewer.is_admin else []
            return (
                my_reminders(session, user_key=key, now=deps.now()),
                my_subscriptions(session, user_key=key),
                private_feed_status(session, user_key=key),
                sources_blocks(followed, deps.now()) if viewer.is_admin else [],
            )

    reminders, subscriptions, private_feed, admin_sources = await asyncio.to_thread(personal)
    view = home_view(
        viewer=viewer,
        upcoming=upcoming.meetings,
        reminders=reminders,
        subscriptions=subscriptions,
        private_feed=private_feed,
    )
    view["blocks"].extend(admin_sources)  # the App Home takes 100 blocks
    try:
        await client.views_publish(user_id=user, view=view)
    except Exception as e:
        log.warning("views.publish for %s failed: %s", user, e)
