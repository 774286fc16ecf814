"""Feed commands in chat, called directly as the core will call them."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from bot.calendar import chat as feeds_chat
from bot.calendar import feeds
from bot.clock import Clock
from bot.conversation import Asker
from bot.settings import get_settings
from storage import db
from storage import subscriptions as subs
from storage.models import TargetKind
from tests.runtimes import runtime_of

USER = Asker(user_id="U123", platform="slack")


@pytest.fixture(autouse=True)
def public_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SECBOT_PUBLIC_URL", "https://secbot.example.org")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def say(engine: Engine, clock: Clock, text: str, asker: Asker = USER):  # type: ignore[no-untyped-def]
    return feeds_chat.handle(text, runtime=runtime_of(engine), asker=asker, now=clock.now())


def followed(engine: Engine) -> set[tuple[str, str, int | None]]:
    with db.session_scope(engine) as session:
        rows = subs.list_subscriptions(session, subscriber="slack:U123")
        return {(r.target_kind, r.target, r.alarm_minutes) for r in rows}


def test_subscribe_to_african_meetings_gives_a_private_link_once(
    seeded: Engine, clock: Clock
) -> None:
    first = say(seeded, clock, "subscribe me to African meetings")
    assert first is not None and first.intent == "subscribe"
    assert followed(seeded) == {("region", "Africa", None)}
    assert first.links["webcal"].startswith("webcal://secbot.example.org/calendar/u/")
    assert first.links["webcal"] in first.text
    token = first.links["https"].rsplit("/", 1)[1].removesuffix(".ics")
    with db.session_scope(seeded) as session:
        assert subs.token_row(session, token=token) is not None
    second = say(seeded, clock, "Please subscribe me to workshops, with a reminder 2 days before")
    assert second is not None and second.links == {}
    assert "workshops" in second.text and "2 days" in second.text
    assert followed(seeded) == {("region", "Africa", None), ("kind", "workshop", 2880)}


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("subscribe me to workshops", ("kind", "workshop")),
        ("follow bureau meetings", ("kind", "bureau")),
        ("subscribe me to meetings in Kenya", ("country", "KE")),
        ("subscribe me to the INC series", ("series", "inc")),
        ("subscribe me to INC7", ("meeting", "inc7")),
        ("sign me up for Latin America meetings", ("region", "Latin America and the Caribbean")),
        ("subscribe me to worksops", ("kind", "workshop")),
        ("subscribe me to asia-pacific", ("region", "Asia-Pacific")),
    ],
)
def test_targets_are_understood(
    seeded: Engine, clock: Clock, text: str, target: tuple[str, str]
) -> None:
    result = say(seeded, clock, text)
    assert result is not None and result.intent == "subscribe", result
    assert {(k, v) for k, v, _ in followed(seeded)} == {target}


def test_unsubscribe_from_workshops(seeded: Engine, clock: Clock) -> None:
    say(seeded, clock, "subscribe me to workshops")
    say(seeded, clock, "subscribe me to African meetings")
    result = say(seeded, clock, "unsubscribe from workshops")
    assert result is not None and result.intent == "unsubscribe"
    assert "no longer" in result.text
    assert followed(seeded) == {("region", "Africa", None)}
    again = say(seeded, clock, "unsubscribe from workshops")
    assert again is not None and "were not subscribed" in again.text


def test_calendar_link_and_reset(seeded: Engine, clock: Clock) -> None:
    first = say(seeded, clock, "give me the calendar link")
    assert first is not None and first.intent == "feed_link"
    old = first.links["https"]
    assert "/calendar/u/" in old
    assert first.private  # surfaces send it to the asker alone
    again = say(seeded, clock, "give me the calendar link")
    assert again is not None and "reset my calendar link" in again.text
    assert "/calendar/u/" not in again.text  # a stored hash cannot be shown again
    assert again.links["https"] == "https://secbot.example.org/calendar.ics"
    reset = say(seeded, clock, "reset my calendar link")
    assert reset is not None and reset.intent == "feed_reset"
    assert reset.links["https"] != old and reset.links["webcal"] in reset.text
    assert reset.private and not again.private  # the public feed alone is not private
    newcomer = Asker(user_id="U9", platform="slack")
    subscribed = say(seeded, clock, "subscribe me to workshops", newcomer)
    assert subscribed is not None and "/calendar/u/" in subscribed.text and subscribed.private
    listed = say(seeded, clock, "what am I subscribed to?")
    assert listed is not None and not listed.private
    with db.session_scope(seeded) as session:
        assert subs.token_row(session, token=old.rsplit("/", 1)[1][:-4]) is None
        assert subs.live_token(session, user_key="slack:U123") is not None


def test_unclear_target_and_anonymous_asker_get_help(seeded: Engine, clock: Clock) -> None:
    unclear = say(seeded, clock, "subscribe me to the moon")
    assert unclear is not None and "could not tell" in unclear.text and "Africa" in unclear.text
    assert followed(seeded) == set()
    anonymous = say(seeded, clock, "give me the calendar link", Asker())
    assert anonymous is not None and "calendar.ics" in anonymous.text


@pytest.mark.parametrize(
    "text", ["what's new in the calendar?", "when is INC7?", "what meetings are in Africa?", ""]
)
def test_other_questions_are_left_to_the_core(seeded: Engine, clock: Clock, text: str) -> None:
    assert say(seeded, clock, text) is None


def test_list_subscriptions(seeded: Engine, clock: Clock) -> None:
    say(seeded, clock, "subscribe me to African meetings")
    result = say(seeded, clock, "what am I subscribed to?")
    assert result is not None and "Africa meetings" in result.text


# --- the build cache ---------------------------------------------------------------------------


def test_feed_cache_builds_once_per_version() -> None:
    cache = feeds.FeedCache(max_feeds=2)
    calls: list[str] = []
    v1 = feeds.Version("public:all", "1", feeds.EPOCH)

    def build() -> feeds.Feed:
        calls.append("built")
        return feeds.Feed.of(b"body")

    threads = [threading.Thread(target=cache.get, args=(v1, build)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == ["built"] and cache.builds == 1
    feed = cache.get(v1, build)
    assert feed.body == b"body" and gzip.decompress(feed.gzipped) == b"body"
    cache.get(feeds.Version("public:all", "2", feeds.EPOCH), build)
    assert cache.builds == 2
    for key in ("a", "b"):  # evicts the least recently used feed
        cache.get(feeds.Version(key, "1", feeds.EPOCH), build)
    cache.get(feeds.Version("public:all", "2", feeds.EPOCH), build)
    assert cache.builds == 5


def test_subscription_rows_serve_channels_too(seeded: Engine, clock: Clock) -> None:
    """Issue 6 reuses subscriptions for channels: a channel key works like a user's."""
    with db.session_scope(seeded) as session:
        subs.subscribe(session, subscriber="slack:C42", target_kind=TargetKind.region,
                       target="Africa", now=clock.now(), alarm_minutes=60)  # fmt: skip
        followed_ids = subs.followed_meetings(session, subscriber="slack:C42")
        assert followed_ids and all(v == [60] for v in followed_ids.values())
        from storage import repo

        meeting = repo.require_meeting(session, meeting_id=next(iter(followed_ids)))
        assert [s.subscriber for s in subs.subscribers_of(session, meeting=meeting)] == [
            "slack:C42"
        ]
