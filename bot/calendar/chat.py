"""Feed commands in chat: "subscribe me to African meetings", "give me the calendar link",
"unsubscribe from workshops", "reset my calendar link", "what am I subscribed to?".

`handle` returns None when the text is not one of these, so the core can try its other intents.
Targets are understood with storage.places (regions, countries), the Kind enum, the series
and meetings in the store, and rapidfuzz for near misses ("worksops").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from rapidfuzz import fuzz, process
from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.calendar import feeds
from bot.conversation import Answer, Asker
from bot.runtime import Runtime
from storage import db, places
from storage import subscriptions as subs
from storage.models import KIND_LABELS, Kind, Meeting, TargetKind

SUBSCRIBE = re.compile(
    r"^(?:please\s+)?(?:can you\s+)?"
    r"(?:(?:subscribe|sign)\s+(?:me\s+)?(?:up\s+)?(?:to|for|on)|follow(?!\s+up\b))"
    r"\s+(?P<target>.+?)[.!?]*$",
    re.I,
)
UNSUBSCRIBE = re.compile(
    r"^(?:please\s+)?(?:unsubscribe|unfollow|stop following)\s+(?:me\s+)?(?:from\s+|to\s+)?"
    r"(?P<target>.+?)[.!?]*$",
    re.I,
)
RESET = re.compile(
    r"\b(?:reset|regenerate|renew|rotate|revoke)\b.*\b(?:calendar|feed|ical|ics)\b"
    r"|\bnew\b.*\b(?:calendar|feed)\s+(?:link|url)\b",
    re.I,
)
LINK = re.compile(
    r"\b(?:calendar|feed|ical|ics|webcal|subscription)\b.*\b(?:link|url|address|feed)\b"
    r"|\b(?:link|url)\b.*\b(?:calendar|feed)\b",
    re.I,
)
LIST = re.compile(r"\b(?:what|which)\b.*\bsubscribed\b|\bmy subscriptions\b", re.I)
ALARM = re.compile(
    r"\s*,?\s*(?:with\s+(?:an?\s+)?(?:alarm|reminder|alert)\s+)?(?P<n>\d+|an?|one)\s*"
    r"(?P<unit>minute|hour|day|week)s?\s+before\s*$",
    re.I,
)
_UNIT_MINUTES = {"minute": 1, "hour": 60, "day": 1440, "week": 10080}
_FILLER = re.compile(
    r"\b(?:the|all|any|every|meetings?|events?|sessions? of|calendar|feed|in|of|for|on|"
    r"my|please|held|taking place|from)\b",
    re.I,
)


@dataclass(frozen=True)
class Target:
    kind: TargetKind
    value: str  # as stored: kind enum value, region name, alpha-2, lower-case series, meeting id
    label: str  # as said back to the person


def _kind_vocabulary() -> dict[str, str]:
    """Words for each kind of meeting, singular and plural ("workshop", "bureau meetings")."""
    words: dict[str, str] = {}
    for kind in Kind:
        label = KIND_LABELS[kind.value].lower()
        for word in (kind.value.replace("_", " "), label, label.removesuffix(" meeting")):
            words[word] = kind.value
            words[word + "s"] = kind.value
    words.pop("meeting", None)
    words.pop("meetings", None)
    words.update({"sessions": Kind.session.value, "inc sessions": Kind.session.value})
    return words


KIND_WORDS = _kind_vocabulary()


def _series(session: Session) -> dict[str, str]:
    rows = session.exec(select(Meeting.series).where(col(Meeting.series).is_not(None)).distinct())
    return {s.lower(): s for s in rows if s}


def _meeting(session: Session, text: str) -> Meeting | None:
    key = text.strip().lower()
    found = session.get(Meeting, key)
    if found is not None:
        return found
    return session.exec(select(Meeting).where(func.lower(col(Meeting.short_name)) == key)).first()


def understand_target(session: Session, text: str) -> Target | None:
    """What `text` names: a region, kind, country, series or one meeting; None when unclear."""
    raw = text.strip().strip("\"'“”")
    meeting = _meeting(session, raw)
    if meeting is not None:
        return Target(TargetKind.meeting, meeting.id, meeting.short_name or meeting.title)
    cleaned = re.sub(r"\s+", " ", _FILLER.sub(" ", raw)).strip(" ,.")
    for candidate in (raw, cleaned):
        if not candidate:
            continue
        region = places.region_name(candidate)
        if region:
            return Target(TargetKind.region, region, f"{region} meetings")
        kind = KIND_WORDS.get(candidate.lower())
        if kind:
            return Target(TargetKind.kind, kind, f"{KIND_LABELS[kind].lower()}s")
    series = _series(session)
    trimmed = re.sub(r"^(?:the|all)\s+|\s+(?:series|meetings|sessions)$", "", raw, flags=re.I)
    for candidate in (raw.lower(), trimmed.lower(), cleaned.lower()):
        if candidate in series:
            return Target(TargetKind.series, candidate, f"the {series[candidate]} series")
    code = places.country_code(cleaned) if cleaned else None
    if code:
        return Target(TargetKind.country, code, f"meetings in {places.country_name(code)}")
    meeting = _meeting(session, cleaned)
    if meeting is not None:
        return Target(TargetKind.meeting, meeting.id, meeting.short_name or meeting.title)
    return _fuzzy(cleaned or raw, series)


def _fuzzy(text: str, series: dict[str, str]) -> Target | None:
    """Near misses: "worksops", "afrika", "Latin Amercia"."""
    choices: dict[str, Target] = {}
    for word, kind in KIND_WORDS.items():
        choices[word] = Target(TargetKind.kind, kind, f"{KIND_LABELS[kind].lower()}s")
    for alias, region in {
        **places.REGION_ALIASES,
        **{r.lower(): r for r in places.REGIONS},
    }.items():
        choices[alias] = Target(TargetKind.region, region, f"{region} meetings")
    for key, name in series.items():
        choices[key] = Target(TargetKind.series, key, f"the {name} series")
    best = process.extractOne(text.lower(), list(choices), scorer=fuzz.ratio, score_cutoff=85)
    return choices[best[0]] if best else None


def _alarm(text: str) -> tuple[str, int | None]:
    """Strip a trailing "with a reminder 1 day before" and return it in minutes."""
    m = ALARM.search(text)
    if not m:
        return text, None
    n = m.group("n").lower()
    count = 1 if n in ("a", "an", "one") else int(n)
    return text[: m.start()], count * _UNIT_MINUTES[m.group("unit").lower()]


HELP_TARGETS = (
    "a region (Africa, Asia-Pacific, …), a kind of meeting (workshops, sessions, bureau "
    "meetings, …), a country (Kenya), a series (INC) or one meeting (INC7)"
)


def claims(text: str) -> bool:
    """Whether `handle` takes `text` (read without the database)."""
    return _intent(text.strip()) is not None


def _intent(message: str) -> str | None:
    if UNSUBSCRIBE.match(message):
        return "unsubscribe"
    if SUBSCRIBE.match(message):
        return "subscribe"
    if RESET.search(message):
        return "feed_reset"
    if LIST.search(message):
        return "subscriptions"
    if LINK.search(message):
        return "feed_link"
    return None


def handle(text: str, *, runtime: Runtime, asker: Asker, now: datetime) -> Answer | None:
    """Answer a feed command, or None when `text` is not one."""
    message = text.strip()
    intent = _intent(message)
    if intent is None:
        return None

    def reply(body: str, links: dict[str, str] | None = None, *, private: bool = False) -> Answer:
        return Answer(
            question=text, now=now, intent=intent, text=body, links=links or {}, private=private
        )

    user = asker.key
    public_url = runtime.settings.public_url
    public = feeds.feed_links(public_url, "/calendar.ics")
    if user is None:
        return reply(
            "I need to know who you are to keep a private calendar for you; ask me from Slack "
            f"or Teams. Everyone's calendar of all meetings is at {public['https']}",
            public,
        )
    with db.session_scope(runtime.engine) as session:
        if intent == "feed_reset":
            secret = subs.issue_token(session, user_key=user, now=now)
            links = feeds.private_links(public_url, secret)
            return reply(
                "Here is your new private calendar link; the old one no longer works "
                f"(re-subscribe your calendar app):\n{links['webcal']}\n{links['https']}",
                links,
                private=True,
            )
        if intent == "feed_link":
            return _link_answer(
                session, user=user, now=now, reply=reply, public=public, public_url=public_url
            )
        if intent == "subscriptions":
            rows = subs.list_subscriptions(session, subscriber=user)
            if not rows:
                return reply("You follow nothing yet. Try “subscribe me to African meetings”.")
            names = [describe_target(session, r.target_kind, r.target) for r in rows]
            return reply("You follow: " + "; ".join(names) + ".")
        match = (UNSUBSCRIBE if intent == "unsubscribe" else SUBSCRIBE).match(message)
        assert match is not None
        target_text, alarm = _alarm(match.group("target"))
        target = understand_target(session, target_text)
        if target is None:
            return reply(f"I could not tell what “{target_text.strip()}” is. Name {HELP_TARGETS}.")
        if intent == "unsubscribe":
            removed = subs.unsubscribe(
                session, subscriber=user, target_kind=target.kind, target=target.value, now=now
            )
            if not removed:
                return reply(f"You were not subscribed to {target.label}.")
            return reply(f"Done: {target.label} are no longer in your calendar.")
        _, created = subs.subscribe(
            session, subscriber=user, target_kind=target.kind, target=target.value, now=now,
            alarm_minutes=alarm,
        )  # fmt: skip
        when = f", with an alarm {offset_text(alarm)} before" if alarm else ""
        head = (
            f"Subscribed you to {target.label}{when}."
            if created or alarm
            else f"You already follow {target.label}."
        )
        if subs.live_token(session, user_key=user) is None:
            secret = subs.issue_token(session, user_key=user, now=now)
            links = feeds.private_links(public_url, secret)
            return reply(
                f"{head} Add your private calendar to your calendar app (keep the link to "
                f"yourself):\n{links['webcal']}\n{links['https']}",
                links,
                private=True,
            )
        return reply(f"{head} It shows in your private calendar feed.")


class Reply(Protocol):
    def __call__(
        self, body: str, links: dict[str, str] | None = None, *, private: bool = False
    ) -> Answer: ...


def _link_answer(
    session: Session,
    *,
    user: str,
    now: datetime,
    reply: Reply,
    public: dict[str, str],
    public_url: str,
) -> Answer:
    token = subs.live_token(session, user_key=user)
    if token is None:
        secret = subs.issue_token(session, user_key=user, now=now)
        links = feeds.private_links(public_url, secret)
        return reply(
            "Your private calendar (what you follow and are invited to) — keep the link to "
            f"yourself:\n{links['webcal']}\n{links['https']}\nAll meetings: {public['https']}",
            links,
            private=True,
        )
    return reply(
        f"You already have a private calendar link (made {token.created_at:%d %B %Y}). I keep "
        "only a fingerprint of it, so I cannot show it again: say “reset my calendar link” for "
        f"a new one (the old one stops working). All meetings: {public['https']}",
        public,
    )


def describe_target(session: Session, kind: str, value: str) -> str:
    if kind == TargetKind.kind:
        return f"{KIND_LABELS.get(value, value).lower()}s"
    if kind == TargetKind.country:
        return f"meetings in {places.country_name(value)}"
    if kind == TargetKind.region:
        return f"{value} meetings"
    if kind == TargetKind.series:
        return f"the {_series(session).get(value, value)} series"
    meeting = session.get(Meeting, value)
    return (meeting.short_name or meeting.title) if meeting else value


def offset_text(minutes: int) -> str:
    for unit, size in (("week", 10080), ("day", 1440), ("hour", 60)):
        if minutes % size == 0:
            n = minutes // size
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return f"{minutes} minutes"
