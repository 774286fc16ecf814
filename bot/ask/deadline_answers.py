"""Questions about deadlines: a meeting's ("what are the deadlines for the Lusaka meeting?"),
by kind ("when is the registration deadline for INC7?"), in a span ("what's due this week?"),
the next one, and how many days are left. `deadlines` holds exactly the deadlines that answer;
when none do, the text says so and names the next one."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from sqlmodel import Session

from bot.ask import filters, misses, single, wording
from bot.ask import render_text as rt
from bot.ask.query import Query
from bot.ask.reply import Reply
from storage import search
from storage.models import Deadline, Meeting

MAX_DEADLINES = 50
KIND_NAMES = {"documents": "document", "nominations": "nomination", "comments": "comment"}


def relative_day(d: date, today: date) -> str:
    days = (d - today).days
    named = {0: "today", 1: "tomorrow", -1: "yesterday"}
    if days in named:
        return named[days]
    return f"in {days} days" if days > 0 else f"{-days} days ago"


def due_text(d: Deadline) -> str:
    text = f"{d.due_date:%A} {d.due_date.day} {d.due_date:%B %Y}"
    return text + (f", {d.due_time:%H:%M}" if d.due_time else "")


def kinds_text(kinds: list[str]) -> str:
    return rt.join([KIND_NAMES.get(k, k) for k in kinds]) + " deadline"


def _meetings(q: Query, session: Session) -> list[Meeting] | None:
    """The meetings the question is about (None: any meeting)."""
    if q.meeting_ids:
        return filters.by_ids(session, q.meeting_ids)
    if not q.names_something:
        return None
    about = replace(q, span=None, selector=None, limit=None, anchor=None)
    if q.plural and not q.short_names:
        return filters.find(session, filters.meeting_filter(about), limit=filters.MAX_LIST)
    return single.ranked(about, session)[:1]


def _pick(found: list[Deadline], q: Query) -> list[Deadline]:
    """The deadlines a selector points at: the first, the next from today or the last (all of
    them that fall on that day)."""
    if q.selector == "next":
        found = [d for d in found if d.due_date >= q.today] or found[-1:]
    if not found or q.selector not in ("first", "next", "last"):
        return found
    day = found[-1].due_date if q.selector == "last" else found[0].due_date
    return [d for d in found if d.due_date == day]


def answer(q: Query, session: Session) -> Reply:
    if q.unknown_names:
        return misses.unknown_names(q, session)
    meetings = _meetings(q, session)
    if meetings == []:
        return misses.nothing(replace(q, span=None, selector=None), session)
    span = q.span
    start = span.start if span else None
    end = span.end if span else None
    if meetings is None and span is None:
        if q.selector == "last":
            end = q.today - timedelta(days=1)
        else:
            start = q.today  # "what's due?", "the next deadline": from today on
    found = search.find_deadlines(
        session, meeting_ids=[m.id for m in meetings or []], kinds=q.deadline_kinds,
        start=start, end=end, newest_first=meetings is None and q.selector == "last",
        limit=MAX_DEADLINES,
    )  # fmt: skip
    if meetings is None and q.selector == "last":
        found.reverse()
    chosen = _pick(found, q)
    owners = {m.id: m for m in meetings or []}
    missing = [d.meeting_id for d in chosen if d.meeting_id not in owners]
    owners |= {m.id: m for m in filters.by_ids(session, list(dict.fromkeys(missing)))}
    if not chosen:
        return _none(q, session, meetings)
    listed = list({d.meeting_id: owners[d.meeting_id] for d in chosen}.values())
    text = _found_text(q, chosen, owners, meetings)
    return Reply(q.intent, text, meetings if meetings is not None else listed, chosen)


def _line(d: Deadline, owner: Meeting | None, today: date) -> str:
    of = f", {rt.name(owner)}" if owner is not None else ""
    return f"• {due_text(d)} — {d.title}{of} ({relative_day(d.due_date, today)})"


def _found_text(
    q: Query, chosen: list[Deadline], owners: dict[str, Meeting], meetings: list[Meeting] | None
) -> str:
    today = q.today
    one_meeting = meetings is not None and len(meetings) == 1
    if len(chosen) == 1:
        d = chosen[0]
        owner = owners[d.meeting_id]
        rel = relative_day(d.due_date, today)
        days = (d.due_date - today).days
        lead = "Yes: " if q.intent == "exists" else ""
        sentence = f"{d.title} for {rt.name_in_sentence(owner)}: due {due_text(d)} ({rel})."
        if q.intent == "days_until" and days > 0:
            return f"{days} day{'s' * (days != 1)} left: {sentence}"
        return lead + sentence
    lines = "\n".join(
        _line(d, None if one_meeting else owners[d.meeting_id], today) for d in chosen
    )
    if one_meeting:
        assert meetings is not None
        m = meetings[0]
        head = f"Deadlines for {rt.name_in_sentence(m)} ({rt.when_where(m)}):"
    else:
        what = f"{kinds_text(q.deadline_kinds)}s" if q.deadline_kinds else "deadlines"
        scope = wording.span_scope(q) if q.span else " coming up"
        head = f"{what[0].upper()}{what[1:]}{scope} ({len(chosen)}):"
        if q.intent == "count":
            head = f"{len(chosen)} {what}{scope}:"
    return f"{head}\n{lines}"


def _none(q: Query, session: Session, meetings: list[Meeting] | None) -> Reply:
    """No deadline answers: say so in the question's terms, and what there is instead."""
    what = kinds_text(q.deadline_kinds) if q.deadline_kinds else "deadline"
    no = "No: " if q.intent == "exists" else ""
    if meetings is not None and len(meetings) == 1:
        m = meetings[0]
        name = rt.name_in_sentence(m)
        scope = wording.span_scope(q) if q.span else ""
        text = f"{no}{name} has no {what}{'s' * (not q.deadline_kinds)}{scope} in my calendar"
        text = text[0].upper() + text[1:]
        others = search.find_deadlines(session, meeting_ids=[m.id], limit=MAX_DEADLINES)
        if others:
            text += ". Its deadlines: " + "; ".join(
                f"{d.title}, {d.due_date.day} {d.due_date:%B %Y}" for d in others
            )
        elif m.start_date is None:
            text += " yet: its dates are not announced"
        return Reply(q.intent, text + ".", [m])
    if q.span:
        were = q.span.end is not None and q.span.end < q.today
        verb = "was" if were else "is"
        nothing = (
            f"no {what}s {'were' if were else 'are'}" if q.deadline_kinds else f"nothing {verb}"
        )
        text = f"{no}{nothing[0].upper()}{nothing[1:]} due{wording.span_scope(q)}."
    elif q.selector == "last":
        text = f"{no}No {what} has passed yet."
    else:
        text = f"{no}No {what}s are coming up."
    after = (q.span.end if q.span and q.span.end else q.today - timedelta(days=1)) + timedelta(
        days=1
    )
    nxt = search.find_deadlines(
        session, meeting_ids=[m.id for m in meetings or []], kinds=q.deadline_kinds,
        start=max(after, q.today), limit=1,
    )  # fmt: skip
    if not nxt:
        return Reply(q.intent, text, meetings or [])
    d = nxt[0]
    owner = filters.by_ids(session, [d.meeting_id])
    of = f" for {rt.name_in_sentence(owner[0])}" if owner else ""
    text += (
        f" The next one: {d.title}{of}, due {due_text(d)} ({relative_day(d.due_date, q.today)})."
    )
    return Reply(q.intent, text, [], [], suggestions=owner)
