"""Honest misses: when the store has nothing that answers, say so in the question's own words
and offer the nearest real meetings as suggestions (never as the answer): the meetings of the
same series or kind when an ordinal or a short name is unknown ("the fifth meeting of the
expert group", "INC8"), the next one after an empty span ("nothing next week; the next one
is …"), the meetings of a place's country when the city has none."""

from __future__ import annotations

import re
from dataclasses import replace

from sqlmodel import Session

from bot.ask import filters, wording
from bot.ask import render_text as rt
from bot.ask.query import Query
from bot.ask.reply import Reply
from bot.ask.vocabulary import squash
from bot.ask.words import ordinal
from storage import places, search
from storage.models import Meeting

SUGGESTIONS = 3


def listed(meetings: list[Meeting]) -> str:
    return "; ".join(f"{rt.name(m)}, {rt.when_where(m)}" for m in meetings)


_LEAD = re.compile(
    r"^(?:(?:and|so|but|ok|okay|hi|hello)[, ]+)?(?:(?:when|where|what|which|who|how \w+(?: \w+)?)"
    r"\s+)?(?:(?:is|are|was|were|will|does|did|do|has|have)\s+)?(?:there\s+)?",
    re.IGNORECASE,
)
_TAIL = re.compile(
    r"\s+(?:be\s+)?(?:held|take place|took place|happen(?:ing|ed)?|start(?:s|ed)?|meet"
    r"|scheduled|planned|funded|hosted)\b.*$|[?.!\s]+$",
    re.IGNORECASE,
)


def asked_name(q: Query) -> str:
    """The question's own words for what it asks about: "When is the fifth meeting of the
    technical expert group?" → "the fifth meeting of the technical expert group"."""
    text = q.text.strip()
    at = next((w.start() for w in re.finditer(r"[\w-]+", text) if ordinal(w.group(0))[0]), None)
    phrase = text[at:] if at is not None else _LEAD.sub("", text, count=1)
    phrase = _TAIL.sub("", phrase).strip(" ,;:")
    if not phrase or len(phrase) > 120:
        return wording.noun(q, plural=False)
    return phrase if phrase.lower().startswith("the ") or at is None else f"the {phrase}"


def unknown_ordinal(q: Query, session: Session) -> Reply | None:
    """'The fifth meeting of the expert group' when the store knows the third and the fourth:
    say so, and suggest those nearest in number."""
    assert q.ordinal is not None
    same = filters.find(session, replace(filters.meeting_filter(q), ordinal=None), limit=20)
    if not any(m.ordinal for m in same):
        return None
    asked = filters.content_words(q.folded)
    far = 10**6
    known = sorted(
        same,
        key=lambda m: (
            -filters.affinity(asked, m),
            abs(m.ordinal - (q.ordinal or 0)) if m.ordinal else far,
            -(m.ordinal or 0),
        ),
    )
    name = asked_name(q)
    text = f"I have no record of {name}. The nearest I know: {listed(known[:SUGGESTIONS])}."
    return Reply(q.intent, text[0].upper() + text[1:], suggestions=known[:SUGGESTIONS])


def unknown_names(q: Query, session: Session) -> Reply:
    """Short names the store does not have ("INC8", "COP1"): say so; suggest the meetings
    whose short names share the prefix, nearest number first, else those that mention it."""
    names = ", ".join(q.unknown_names)
    suggestions: list[Meeting] = []
    if q.near_names:  # stored short names with the same letters: INC7 for INC8
        alike = filters.find(session, search.MeetingFilter(short_names=tuple(q.near_names)))
        number = _split(q.unknown_names[0])[1]
        alike.sort(key=lambda m: abs(_split(m.short_name or "")[1] - number))
        suggestions += alike
    for name in q.unknown_names:
        mentioned = filters.find(session, search.MeetingFilter(words=(squash(name),)), limit=10)
        suggestions += [m for m in mentioned if m not in suggestions]
    suggestions = list({m.id: m for m in suggestions}.values())[:SUGGESTIONS]
    text = f"I have no meeting called {names} in my calendar."
    if suggestions:
        lead = "The nearest I know" if q.near_names else "Meetings that mention it"
        text += f" {lead}: {listed(suggestions)}."
    return Reply(q.intent, text, suggestions=suggestions)


def _split(name: str) -> tuple[str, int]:
    """'INC 7' → ('inc', 7); a name without a number → (name, 0)."""
    m = re.fullmatch(r"([a-z]+)(\d+)", squash(name))
    return (m.group(1), int(m.group(2))) if m else (squash(name), 0)


def next_after_span(q: Query, session: Session, text: str) -> Reply:
    """Nothing in the span asked about: name the next meeting after it (or, for a span in the
    past, the last one before it) that matches the rest of the question."""
    assert q.span is not None
    f = filters.meeting_filter(q)
    if q.span.end is not None and q.span.end < q.today:
        found = filters.find(session, replace(f, before=q.span.start or q.today),
                             newest_first=True, limit=1)  # fmt: skip
        lead = "The last one before that"
    else:
        after = q.span.end or q.today
        found = filters.find(session, replace(f, ongoing_or_after=after), limit=2)
        found = [m for m in found if m.start_date is None or m.start_date > after][:1]
        lead = "The next one"
    dated = [m for m in found if m.start_date is not None]
    if not dated:
        return Reply(q.intent, text, total=0)
    m = dated[0]
    relative = rt.relative(m, q.today)
    text += f" {lead}: {rt.name(m)}, {rt.when_where(m)}" + (f" ({relative})." if relative else ".")
    return Reply(q.intent, text, total=0, suggestions=[m])


def unknown_place(q: Query, session: Session) -> Reply:
    """A real place without meetings. When it is a city in a country that has meetings, name
    those; one whose city is not announced yet may well be there ("the meeting in Amman")."""
    text = f"I don't know of any {wording.noun(q, plural=True)} in {q.unknown_place}."
    code = q.unknown_place_country
    if not code:
        return Reply(q.intent, text)
    nearby = filters.find(
        session, replace(filters.meeting_filter(q), countries=(code,)), limit=SUGGESTIONS
    )
    if not nearby:
        return Reply(q.intent, text)
    text += f" In {places.country_name(code)}: {listed(nearby)}"
    no_city = [m for m in nearby if not m.city]
    if no_city:
        text += f". {'Its city is' if len(no_city) == 1 else 'Their cities are'} not announced."
    text = text if text.endswith(".") else text + "."
    others = [m for m in nearby if m.city]
    return Reply(q.intent, text, no_city, suggestions=others)


def nothing(q: Query, session: Session) -> Reply:
    """Nothing matched: say so, and offer what comes close. When the place matched but the
    kind did not ("the Lusaka workshop" where Lusaka has a regional meeting), the meetings of
    that place are the answer."""
    text = f"I found no {wording.noun(q, plural=True)}{wording.scope(q)}."
    if q.ordinal is not None:
        missed = unknown_ordinal(q, session)
        if missed is not None:
            return missed
    if q.span and q.span.start is not None and q.span.end is not None:
        return next_after_span(q, session, text)
    if q.kinds and q.has_place:
        there = filters.find(
            session,
            replace(filters.meeting_filter(q), kinds=(), title_words=(), online=None),
            limit=SUGGESTIONS,
        )
        if there:
            return Reply(q.intent, f"{text} There is: {listed(there)}.", there)
    return Reply(q.intent, text, total=0)
