"""Events API: @mentions and direct messages answered in a thread; the App Home tab."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlmodel import Session

from bot.render_slack import answer_message, home_view
from handlers.slack.deps import SlackDeps, deps_of, from_a_bot, log, question_text
from handlers.slack.home import my_calendar_url, my_reminders, my_subscriptions

UPCOMING_ON_HOME = 5


def register(app: Any) -> None:
    app.event("app_mention")(on_mention)
    app.event("message")(on_message)
    app.event("app_home_opened")(on_home_opened)


async def answer_in_thread(deps: SlackDeps, client: Any, event: dict[str, Any]) -> None:
    """Ask the core and post its answer in the thread of the message that asked."""
    user, channel = event.get("user"), event.get("channel")
    if not user or not channel:
        return
    question = question_text(event.get("text"))
    viewer = await deps.viewer(client, user, admin_controls=False)
    answer = await deps.ask(question, user_id=user, channel_id=channel, tz=viewer.timezone)
    message = answer_message(answer, viewer)
    thread_ts = event.get("thread_ts") or event.get("ts")
    await client.chat_postMessage(channel=channel, thread_ts=thread_ts, **message)


async def on_mention(event: dict[str, Any], context: Any, client: Any) -> None:
    if from_a_bot(event):
        return
    await answer_in_thread(deps_of(context), client, event)


async def on_message(event: dict[str, Any], context: Any, client: Any) -> None:
    """Direct messages only: in channels the bot answers when @mentioned (app_mention)."""
    if event.get("channel_type") != "im" or from_a_bot(event):
        return
    await answer_in_thread(deps_of(context), client, event)


async def on_home_opened(event: dict[str, Any], context: Any, client: Any) -> None:
    if event.get("tab", "home") != "home" or not event.get("user"):
        return
    deps = deps_of(context)
    user = event["user"]
    viewer = await deps.viewer(client, user, admin_controls=True)
    upcoming = await deps.upcoming(tz=viewer.timezone, limit=UPCOMING_ON_HOME)

    def personal() -> tuple[list[str], list[str], str]:
        with Session(deps.engine) as session:
            key = f"slack:{user}"
            return (
                my_reminders(session, user_key=key),
                my_subscriptions(session, user_key=key),
                my_calendar_url(session, user_key=key, public_url=viewer.public_url),
            )

    reminders, subscriptions, feed = await asyncio.to_thread(personal)
    view = home_view(
        viewer=viewer,
        upcoming=upcoming.meetings,
        reminders=reminders,
        subscriptions=subscriptions,
        feed_url=feed,
    )
    try:
        await client.views_publish(user_id=user, view=view)
    except Exception as e:
        log.warning("views.publish for %s failed: %s", user, e)
