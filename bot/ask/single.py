"""Questions about one meeting (when, where, how long, how many days until, who hosts or
funds): the best match first and at most two close alternatives; "what comes after X"; and
questions about the meetings a follow-up refers to ("who funds it?")."""

from __future__ import annotations

from dataclasses import replace

from sqlmodel import Session

from bot.ask import filters, misses, wording
from bot.ask import render_text as rt
from bot.ask.filters import side
from bot.ask.query import Query
from bot.ask.reply import Reply
from storage import repo, search
from storage.models import Meeting

SIDE = 40  # candidates read on each side of today for a one-meeting question


def names_meeting_indexed(q: Query) -> bool:
    return bool(q.has_place or q.kinds or q.series or q.short_names or q.span or q.organisations)


def _fit(q: Query, asked: set[str], m: Meeting) -> tuple[float, float]:
    """How well a meeting matches the question's words: leftover terms, then its name."""
    return filters.term_score(q, m), filters.affinity(asked, m)


def candidates(q: Query, session: Session) -> list[Meeting]:
    """Meetings the question may be about: those it refers back to, else up to SIDE on each
    side of today (or in its span) that match what it names."""
    if q.meeting_ids:
        return filters.by_ids(session, q.meeting_ids)
    plain = filters.meeting_filter(q, words=False)
    # with something indexed to go on, words only rank the candidates; alone, they filter
    f = plain if names_meeting_indexed(q) else filters.meeting_filter(q)
    if q.span:
        found, _ = filters.with_terms(
            q, session, filters.timed(q, f), filters.timed(q, plain), limit=SIDE
        )
        return found
    future, _ = filters.with_terms(
        q, session, replace(f, ongoing_or_after=q.today), replace(plain, ongoing_or_after=q.today),
        limit=SIDE,
    )  # fmt: skip
    past, _ = filters.with_terms(
        q, session, replace(f, before=q.today), replace(plain, before=q.today),
        newest_first=True, limit=SIDE,
    )  # fmt: skip
    found = list({m.id: m for m in [*future, *past]}.values())
    return found or filters.by_title_words(q, session)


def rank(q: Query, found: list[Meeting], fits: dict[str, tuple[float, float]]) -> list[Meeting]:
    """Best first: words matched (`fits`, by meeting id), then the selector or tense, then
    nearness to today."""
    today = q.today
    far = 10**6

    def distance(m: Meeting) -> int:
        if m.start_date is None:
            return far
        end = m.end_date or m.start_date
        if m.start_date <= today <= end:
            return 0
        return min(abs((m.start_date - today).days), abs((end - today).days))

    prefer = "future" if q.selector == "next" else q.tense

    def key(m: Meeting) -> tuple[float, ...]:
        ordinal = m.start_date.toordinal() if m.start_date else far
        if q.selector == "first":
            order: float = ordinal
        elif q.selector in ("last", "final"):
            order = -ordinal if m.start_date else far
        else:
            order = distance(m)
        tense_penalty = 0 if (prefer is None or side(m, today) == prefer) else 1
        if prefer is None and q.selector is None:
            tense_penalty = 0 if side(m, today) == "future" else 1  # what is still to come first
        term, affinity = fits[m.id]
        return (-term, -affinity, tense_penalty, order)

    pool = found
    if q.selector == "next":
        upcoming = [m for m in found if m.start_date is None or m.start_date >= today]
        pool = upcoming or found
    elif q.selector == "last" and (q.tense == "past" or (q.tense is None and not q.span)):
        done = [m for m in found if side(m, today) == "past"]
        pool = done or found
    return sorted(pool, key=key)


def ranked(q: Query, session: Session) -> list[Meeting]:
    """The candidates, best first (a follow-up's meetings keep the order they were named in)."""
    found = candidates(q, session)
    if q.meeting_ids or not found:
        return found
    asked = filters.content_words(q.folded)
    fits = {m.id: _fit(q, asked, m) for m in found}
    return rank(q, found, fits)


def single(q: Query, session: Session, *, intent: str) -> Reply | None:
    """The answer about one meeting; None when several fit equally well (a list answers)."""
    found = candidates(q, session)
    if not found:
        missed = misses.nothing(q, session)
        return replace(missed, intent=intent, meetings=missed.meetings[:1])
    prefix = ""
    if q.selector == "next" and not any(side(m, q.today) == "future" for m in found):
        # "the next workshop" when none is to come: say so, and give the latest one
        prefix = f"I know of no {wording.noun(q, plural=True)} coming up. The latest: "
        q = replace(q, selector="last", tense="past")
    if q.meeting_ids:
        best, ties = found[0], []
    else:
        asked = filters.content_words(q.folded)
        fits = {m.id: _fit(q, asked, m) for m in found}
        ordered = rank(q, found, fits)
        best = ordered[0]
        ties = [
            m
            for m in ordered[1:]
            if fits[m.id] == fits[best.id] and side(m, q.today) == side(best, q.today)
        ]
        if not q.selector and len(ties) >= 3 and intent in ("when", "where", "describe"):
            return None
    chosen = [best, *ties[:2]] if not q.selector else [best]
    text = wording.one_meeting(q, intent, best)
    if prefix:
        text = prefix + text[0].lower() + text[1:] if text.startswith("The ") else prefix + text
    if len(chosen) > 1:
        text += f" Also: {misses.listed(chosen[1:])}."
    deadlines = repo.list_deadlines(session, meeting_ids=[best.id])
    return Reply(intent, text, chosen, deadlines)


def neighbour(q: Query, session: Session) -> Reply:
    """ "What comes after the Brno meeting?": the meeting the question names (the anchor),
    then the first one to start after it (or the last to start before it)."""
    anchor_q = replace(q, anchor=None, selector=None)
    found = ranked(anchor_q, session)
    if not found:
        return misses.nothing(anchor_q, session)
    anchor = found[0]
    name = rt.name_in_sentence(anchor)
    if anchor.start_date is None:
        text = (
            f"{name[0].upper()}{name[1:]} has no dates yet, so I cannot tell what comes "
            f"{q.anchor} it."
        )
        return Reply(q.intent, text, suggestions=[anchor])
    if q.anchor == "after":
        f = search.MeetingFilter(ongoing_or_after=anchor.start_date)
        later = [
            m for m in filters.find(session, f, limit=SIDE)
            if m.id != anchor.id and m.start_date is not None and m.start_date > anchor.start_date
        ]  # fmt: skip
        other = later[:1]
    else:
        f = search.MeetingFilter(before=anchor.start_date)
        other = filters.find(session, f, newest_first=True, limit=1)
    where = f"{name} ({rt.when_where(anchor)})"
    if not other:
        return Reply(q.intent, f"Nothing in my calendar comes {q.anchor} {where}.", [anchor])
    m = other[0]
    relative = rt.relative(m, q.today)
    verb = "Next after" if q.anchor == "after" else "Just before"
    text = f"{verb} {where}: {rt.name(m)}, {rt.when_where(m)}" + (
        f" ({relative})." if relative else "."
    )
    return Reply(q.intent, text, [m, anchor])
