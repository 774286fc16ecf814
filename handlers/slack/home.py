"""A person's own things for the App Home tab.

Reminders (issue 6) and subscriptions / private feeds (issue 5) bring their tables; until
they land these return nothing and the public feed, and the Home tab says how to start.
"""

from __future__ import annotations

from sqlmodel import Session

from bot.render_slack import feed_urls


def my_reminders(session: Session, *, user_key: str) -> list[str]:
    """One line per reminder `user_key` has set (none until the reminders table exists)."""
    return []


def my_subscriptions(session: Session, *, user_key: str) -> list[str]:
    """One line per subscription of `user_key` (none until the subscriptions table exists)."""
    return []


def my_calendar_url(session: Session, *, user_key: str, public_url: str) -> str:
    """The person's feed; the public feed until private feeds exist."""
    return feed_urls(public_url)[0]
