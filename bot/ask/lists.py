"""Questions about many meetings: lists, counts, "is there any…", and who funds, hosts or
supports a group of meetings. All and only the matches, up to `MAX_LIST`, with the total."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlmodel import Session

from bot.ask import filters, misses, wording
from bot.ask import render_text as rt
from bot.ask.query import Query
from bot.ask.reply import Reply
from storage import search
from storage.models import Meeting

MAX_LIST = filters.MAX_LIST
SINGLE = {"when", "where", "duration", "days_until", "hosts", "funders", "partners", "describe"}
ROLES = ("funders", "hosts", "partners")


def listing(q: Query, session: Session, *, intent: str) -> Reply:
    newest_first = q.selector in ("last", "final") or (q.tense == "past" and not q.span)
    if q.meeting_ids:  # "when are they?": the meetings the conversation just named
        found = filters.by_ids(session, q.meeting_ids)
        used = filters.meeting_filter(q)
    else:
        f = filters.timed(q, filters.meeting_filter(q))
        plain = filters.timed(q, filters.meeting_filter(q, words=False))
        limit = (q.limit or MAX_LIST) + 1
        found, used = filters.with_terms(q, session, f, plain, newest_first=newest_first,
                                         limit=limit)  # fmt: skip
    limit = q.limit or MAX_LIST
    if q.selector == "first" and not q.limit and found:
        found = found[:1]
    total = len(found)
    if total > limit and intent == "count":
        total = search.count_where(session, where=used)
    meetings = found[:limit]
    if newest_first:
        meetings.sort(key=lambda m: (m.start_date is None, m.start_date or date.max))
    if intent in ROLES:
        return roles_text(q, intent, meetings)
    if intent in SINGLE and len(meetings) == 1:
        return Reply(intent, wording.one_meeting(q, intent, meetings[0]), meetings, total=1)
    if not meetings:
        nothing = misses.nothing(q, session)
        if q.from_now:  # "what's on in São Paulo?" with nothing to come: what there was
            anytime = listing(replace(q, span=None, from_now=False), session, intent=intent)
            if anytime.meetings:
                return replace(anytime, text=f"I found nothing from now on. {anytime.text}")
        if q.organisations and q.tense and not q.span and not q.selector:
            # "which meetings did Switzerland fund?": a role's verb is in the past even when
            # the funding is for meetings still to come
            anytime = listing(replace(q, tense=None), session, intent=intent)
            if anytime.meetings:
                return replace(anytime, text=f"{nothing.text} {anytime.text}")
        return replace(nothing, intent=intent)
    noun = wording.noun(q, plural=total != 1)
    scope = wording.scope(q)
    count = str(total) if total <= len(meetings) or intent == "count" else f"{len(meetings)}+"
    lines = "\n".join(rt.line(m, q.today) for m in meetings)
    more = ""
    if total > len(meetings):
        more = (
            f"\n…and {total - len(meetings)} more."
            if intent == "count"
            else f"\n…and more: these are the first {len(meetings)}; ask about a shorter time or "
            "a place to narrow it down."
        )
    if intent == "count":
        head = f"{total} {noun}{scope}:"
    elif intent == "exists":
        head = f"Yes, {count} {noun}{scope}:"
    elif intent in ("when", "where"):
        head = f"{count} {noun}{scope}:"
    else:
        head = f"{noun[0].upper() + noun[1:]}{scope} ({count}):"
    return Reply(intent, f"{head}\n{lines}{more}", meetings, total=total)


ROLE_VERBS = {
    "funders": ("funds", "is funded by", "are funded by", "funder"),
    "hosts": ("hosts", "is hosted by", "are hosted by", "host"),
    "partners": ("organised or supported", "is supported by", "are supported by", "partner"),
}


def roles_text(q: Query, intent: str, meetings: list[Meeting]) -> Reply:
    role = intent
    what, one_verb, many_verb, singular = ROLE_VERBS[role]
    if not meetings:
        return Reply(intent, f"I found no {wording.noun(q, plural=True)}{wording.scope(q)}.")
    names: dict[str, list[Meeting]] = {}
    for m in meetings:
        for org in getattr(m, role) or []:
            names.setdefault(org, []).append(m)
    noun = wording.noun(q, plural=len(meetings) != 1)
    if not names:
        return Reply(
            intent,
            f"The report does not say who {what} the {noun}{wording.scope(q)}.",
            meetings,
        )
    verb = one_verb if len(meetings) == 1 else many_verb
    covered = [m for m in meetings if getattr(m, role)]
    lines = "\n".join(f"{rt.line(m, q.today)}: {rt.join_names(getattr(m, role))}" for m in covered)
    head = f"The {noun}{wording.scope(q)} {verb} {rt.join_names(names)}."
    if len(covered) < len(meetings):
        head += f" (The report names no {singular} for {len(meetings) - len(covered)} of them.)"
    return Reply(intent, f"{head}\n{lines}", meetings)
