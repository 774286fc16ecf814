"""A `Query` → the meetings it is about (bounded, indexed queries) and the reply in words.

Questions about one meeting (when, where, how long, how many days until, who hosts or funds)
take the best match first and at most two close alternatives; lists take all and only the
matches (up to `MAX_LIST`, with the total in the text); greetings, help and places without
meetings take none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache

from sqlmodel import Session

from bot.ask import render_text as rt
from bot.ask import wording
from bot.ask.query import Query
from bot.ask.understand import _stem
from bot.ask.words import CONTINENTS, EXTRA_REGIONS, STOPWORDS
from bot.conversation import HELP_TEXT
from storage import places, repo, search
from storage.models import Deadline, Meeting

MAX_LIST = 50
SIDE = 40  # candidates read on each side of today for a one-meeting question
SINGLE = {"when", "where", "duration", "days_until", "hosts", "funders", "partners", "describe"}
ROLES = ("funders", "hosts", "partners")


@dataclass
class Reply:
    intent: str
    text: str
    meetings: list[Meeting] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    total: int | None = None


def compose(q: Query, *, session: Session) -> Reply:

    if q.intent == "greeting":
        return Reply("greeting", "Hello! " + HELP_TEXT)
    if q.intent == "help":
        return Reply("help", HELP_TEXT)
    if q.intent == "thanks":
        return Reply("thanks", "You're welcome! Ask me any time about meetings.")
    if q.unknown_place and not q.has_place:
        return _unknown_place(q, session)
    if q.intent in ("unknown", "describe") and not (q.has_subject or q.span or q.selector):
        return Reply("unknown", "Sorry, I didn't understand that. " + HELP_TEXT)
    about_one = q.intent in ROLES and not q.plural and _names_meeting(q)
    if q.organisations and q.intent not in ("count", "exists", "when", "where") and not about_one:
        return _list(q, session, intent="list")
    if q.intent in ("count", "exists", "list"):
        if q.intent == "list" and q.selector and not q.plural and not q.limit:
            return _single(q, session, intent="describe")
        return _list(q, session, intent=q.intent)
    if q.intent in ROLES and (q.plural or not _names_meeting(q)):
        return _aggregate_roles(q, session)
    if q.intent in SINGLE:
        if q.plural and not q.selector:
            return _list(q, session, intent=q.intent)
        return _single(q, session, intent=q.intent)
    return _list(q, session, intent="list")


def _unknown_place(q: Query, session: Session) -> Reply:
    """A real place without meetings. When it is a city in a country that has meetings, name
    those; one whose city is not announced yet may well be there ("the meeting in Amman")."""
    text = f"I don't know of any {wording.noun(q, plural=True)} in {q.unknown_place}."
    code = q.unknown_place_country
    if not code:
        return Reply(q.intent, text)
    nearby = _find(session, replace(_filter(q), countries=(code,)), limit=3)
    if not nearby:
        return Reply(q.intent, text)
    country = places.country_name(code)
    text += f" In {country}: " + "; ".join(f"{rt.name(m)}, {rt.when_where(m)}" for m in nearby)
    no_city = [m for m in nearby if not m.city]
    if no_city:
        text += f". {'Its city is' if len(no_city) == 1 else 'Their cities are'} not announced."
    return Reply(q.intent, text if text.endswith(".") else text + ".", no_city)


def _names_meeting_indexed(q: Query) -> bool:
    return bool(q.has_place or q.kinds or q.series or q.short_names or q.span or q.organisations)


def _names_meeting(q: Query) -> bool:
    return bool(
        q.has_place or q.kinds or q.series or q.short_names or q.terms or q.ordinal or q.span
    )


# --- filters ------------------------------------------------------------------------------------


def _filter(q: Query, *, words: bool = True) -> search.MeetingFilter:
    return search.MeetingFilter(
        cities=q.cities,
        countries=q.countries,
        regions=q.regions,
        place_countries=q.place_countries,
        kinds=q.kinds,
        series=q.series,
        short_names=q.short_names,
        ordinal=q.ordinal,
        online=q.online,
        statuses=q.statuses,
        organisations=q.organisations,
        org_roles=(q.org_role,) if q.org_role else ("hosts", "funders", "partners"),
        words=q.terms if words else (),
        title_words=q.title_words,
        longest_days=q.longest_days,
    )


def _timed(q: Query, f: search.MeetingFilter) -> search.MeetingFilter:
    """The time a list question asks about: its span, else its tense, else any time."""
    if q.span:
        return replace(f, start=q.span.start, end=q.span.end)
    if q.tense == "future" or q.selector == "next":
        return replace(f, ongoing_or_after=q.today)
    if q.tense == "past":
        return replace(f, before=q.today)
    return f


def _find(
    session: Session, f: search.MeetingFilter, *, newest_first: bool = False, limit: int = MAX_LIST
) -> list[Meeting]:
    return search.find_meetings(session, where=f, newest_first=newest_first, limit=limit)


def _with_terms(
    q: Query,
    session: Session,
    f_words: search.MeetingFilter,
    f_plain: search.MeetingFilter,
    **kw: object,
) -> tuple[list[Meeting], search.MeetingFilter]:
    """Meetings matching all the question's words; failing that, ranked by the words they have."""
    found = _find(session, f_words, **kw)  # type: ignore[arg-type]
    if found or not q.terms:
        return found, f_words
    ranked = [m for m in _find(session, f_plain, **kw) if _term_score(q, m) > 0]  # type: ignore[arg-type]
    return ranked, f_plain


# --- one meeting ----------------------------------------------------------------------------


def _term_score(q: Query, m: Meeting) -> float:
    score = 0.0
    title = places.fold(m.title)
    other = places.fold(" ".join(filter(None, (m.series, m.short_name))))
    description = places.fold(m.description or "")
    for term in q.terms:
        if term in title:
            score += 3
        elif term in other:
            score += 2
        elif term in description:
            score += 1
    return score


# a region's adjective and its noun are one word here: "European" meeting, "Europe" question
ADJECTIVES = {"european": "europe", "asian": "asia", "african": "africa", "american": "america"}


def _content_words(text: str) -> set[str]:
    return {
        ADJECTIVES.get(w, _stem(w))
        for w in re.findall(r"[a-z0-9]+", places.fold(text))
        if len(w) > 2 and w not in STOPWORDS
    }


@cache
def _region_words() -> frozenset[str]:
    """Words that name regions ("latin", "caribbean", "pacific"...), not "global"."""
    phrases = [*places.REGION_ALIASES, *EXTRA_REGIONS, *CONTINENTS, *places.REGIONS]
    return frozenset(_content_words(" ".join(phrases)) - {"global"})


def _affinity(asked: set[str], m: Meeting) -> float:
    """How closely a meeting's name fits the question's words: each shared word counts. When
    the question spells out part of the region the name gives, each region word it left out
    counts against: "the Caribbean workshop" is the Caribbean one, not the Latin America and
    the Caribbean one (an alias such as GRULAC spells out nothing, so costs nothing)."""
    named = _content_words(f"{m.title} {m.short_name or ''}")
    region_words = named & _region_words()
    penalty = 0.5 * len(region_words - asked) if region_words & asked else 0.0
    return len(asked & named) - penalty


def _fit(q: Query, asked: set[str], m: Meeting) -> tuple[float, float]:
    """How well a meeting matches the question's words: leftover terms, then its name."""
    return _term_score(q, m), _affinity(asked, m)


def _side(m: Meeting, today: date) -> str:
    if m.start_date is None:
        return "past" if m.status == "held" else "future"
    return "future" if (m.end_date or m.start_date) >= today else "past"


def _candidates(q: Query, session: Session) -> list[Meeting]:
    plain = _filter(q, words=False)
    # with something indexed to go on, words only rank the candidates; alone, they filter
    f = plain if _names_meeting_indexed(q) else _filter(q)
    if q.span:
        found, _ = _with_terms(q, session, _timed(q, f), _timed(q, plain), limit=SIDE)
        return found
    future, _ = _with_terms(
        q, session, replace(f, ongoing_or_after=q.today), replace(plain, ongoing_or_after=q.today),
        limit=SIDE,
    )  # fmt: skip
    past, _ = _with_terms(
        q, session, replace(f, before=q.today), replace(plain, before=q.today),
        newest_first=True, limit=SIDE,
    )  # fmt: skip
    seen: set[str] = set()
    out = []
    for m in [*future, *past]:
        if m.id not in seen:
            seen.add(m.id)
            out.append(m)
    return out


def _rank(
    q: Query, candidates: list[Meeting], fits: dict[str, tuple[float, float]]
) -> list[Meeting]:
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

    prefer = q.tense
    if q.selector == "next":
        prefer = "future"

    def key(m: Meeting) -> tuple[float, ...]:
        side = _side(m, today)
        ordinal = m.start_date.toordinal() if m.start_date else far
        if q.selector == "first":
            order: float = ordinal
        elif q.selector in ("last", "final"):
            order = -ordinal if m.start_date else far
        else:
            order = distance(m)
        tense_penalty = 0 if (prefer is None or side == prefer) else 1
        if prefer is None and q.selector is None:
            tense_penalty = 0 if side == "future" else 1  # "when is…": what is still to come first
        term, affinity = fits[m.id]
        return (-term, -affinity, tense_penalty, order)

    pool = candidates
    if q.selector == "next":
        upcoming = [m for m in candidates if m.start_date is None or m.start_date >= today]
        pool = upcoming or candidates
    elif q.selector == "last" and (q.tense == "past" or (q.tense is None and not q.span)):
        done = [m for m in candidates if _side(m, today) == "past"]
        pool = done or candidates
    return sorted(pool, key=key)


def _single(q: Query, session: Session, *, intent: str) -> Reply:
    candidates = _candidates(q, session)
    if not candidates:
        text, other_kind = _nothing(q, session)
        # "the Lusaka workshop" when Lusaka has a regional meeting: that is what they want
        return Reply(intent, text, other_kind[:1])
    prefix = ""
    if q.selector == "next" and not any(_side(m, q.today) == "future" for m in candidates):
        # "the next workshop" when none is to come: say so, and give the latest one
        prefix = f"I know of no {wording.noun(q, plural=True)} coming up. The latest: "
        q = replace(q, selector="last", tense="past")
    asked = _content_words(q.folded)
    fits = {m.id: _fit(q, asked, m) for m in candidates}
    ranked = _rank(q, candidates, fits)
    best = ranked[0]
    ties = [
        m
        for m in ranked[1:]
        if fits[m.id] == fits[best.id] and _side(m, q.today) == _side(best, q.today)
    ]
    if not q.selector and len(ties) >= 3 and intent in ("when", "where", "describe"):
        return _list(q, session, intent=intent)
    chosen = [best, *ties[:2]] if not q.selector else [best]
    text = _single_text(q, intent, best)
    if prefix:
        text = prefix + text[0].lower() + text[1:] if text.startswith("The ") else prefix + text
    if len(chosen) > 1:
        text += " Also: " + "; ".join(f"{rt.name(m)}, {rt.when_where(m)}" for m in chosen[1:]) + "."
    deadlines = repo.list_deadlines(session, meeting_ids=[best.id])
    return Reply(intent, text, chosen, deadlines)


def _is_past(m: Meeting, today: date) -> bool:
    return _side(m, today) == "past"


def _single_text(q: Query, intent: str, m: Meeting) -> str:
    today = q.today
    past = _is_past(m, today)
    name = rt.name_in_sentence(m)
    cap = name[0].upper() + name[1:]
    note = rt.status_note(m, today)
    status = f" Status: {note}." if note else ""
    source = f" {rt.source(m)}" if rt.source(m) else ""
    place = rt.where(m)
    when = rt.when(m)
    if intent == "where":
        if not place:
            return f"The report gives no place for {name} ({when}).{source}"
        verb = "took place" if past else "takes place"
        venue = f" ({m.venue})" if m.venue else ""
        return f"{cap} {verb} in {place}{venue}, {when}.{status}{source}"
    if intent == "duration":
        if m.start_date is None or m.precision != "day":
            return f"{cap}: {when}, so its length is not known yet.{source}"
        days = ((m.end_date or m.start_date) - m.start_date).days + 1
        verb = "lasted" if past else "lasts"
        unit = "day" if days == 1 else "days"
        return f"{cap} {verb} {days} {unit}: {rt.when_where(m)}.{status}{source}"
    if intent == "days_until":
        if m.start_date is None:
            return f"{cap} has no dates yet ({rt.UNDATED}); {place or 'place not announced'}.{status}{source}"  # noqa: E501
        if m.precision == "month":
            months = f"{m.start_date:%B %Y}"
            return f"{cap} is in {months} (exact dates not yet announced), {place}.{source}"
        days = (m.start_date - today).days
        end = m.end_date or m.start_date
        if days > 0:
            unit = "day" if days == 1 else "days"
            return f"{days} {unit} until {name}: {rt.when_where(m)}.{status}{source}"
        if end >= today:
            return f"{cap} is under way now: {rt.when_where(m)}.{source}"
        return f"{cap} is over: it was {rt.when_where(m)} ({rt.relative(m, today)}).{source}"
    if intent == "funders":
        if m.funders:
            verb = "was funded" if past else "is funded"
            return f"{cap} ({rt.when_where(m)}) {verb} by {rt.join(list(m.funders))}.{source}"
        return f"The report does not say who funds {name} ({rt.when_where(m)}).{source}"
    if intent == "partners":
        if m.partners:
            verb = "was organised" if past else "is organised"
            return f"{cap} ({rt.when_where(m)}) {verb} with {rt.join(list(m.partners))}.{source}"
        return f"The report names no partners for {name} ({rt.when_where(m)}).{source}"
    if intent == "hosts":
        if m.hosts:
            verb = "hosted" if past else "hosts"
            return f"{rt.join(list(m.hosts))} {verb} {name} ({rt.when_where(m)}).{source}"
        return (
            f"The report names no host for {name}; it "
            f"{'took' if past else 'takes'} place {rt.when_where(m)}.{source}"
        )
    # when / describe
    if m.start_date is None:
        if m.hosts and place and place == rt.join(list(m.hosts)):
            where = f"; host country {place}"
        else:
            where = f"; {place}" if place else ""
            where += f" (hosted by {rt.join(list(m.hosts))})" if m.hosts else ""
        return f"{cap}: {rt.UNDATED}{where}.{status}{source}"
    rel = rt.relative(m, today)
    rel_text = f" ({rel})" if rel else ""
    verb = "was" if past else "is"
    text = f"{cap} {verb} {rt.when_where(m)}{rel_text}.{status}"
    if intent == "describe" and m.description:
        text += f" {m.description}"
    return text + source


# --- lists ----------------------------------------------------------------------------------


def _list(q: Query, session: Session, *, intent: str) -> Reply:
    f = _timed(q, _filter(q))
    plain = _timed(q, _filter(q, words=False))
    newest_first = q.selector in ("last", "final") or (q.tense == "past" and not q.span)
    limit = q.limit or MAX_LIST
    found, used = _with_terms(q, session, f, plain, newest_first=newest_first, limit=limit + 1)
    if q.selector == "first" and not q.limit and found:
        found = found[:1]
    total = len(found)
    if total > limit and intent == "count":
        total = search.count_where(session, where=used)
    meetings = found[:limit]
    if newest_first:
        meetings.sort(key=lambda m: (m.start_date is None, m.start_date or date.max))
    if intent in ROLES:
        return _roles_text(q, intent, meetings)
    if intent in SINGLE and len(meetings) == 1:
        return Reply(intent, _single_text(q, intent, meetings[0]), meetings, total=1)
    if not meetings:
        nothing = _nothing(q, session)[0]
        if q.from_now:  # "what's on in São Paulo?" with nothing to come: what there was
            anytime = _list(replace(q, span=None, from_now=False), session, intent=intent)
            if anytime.meetings:
                return replace(anytime, text=f"I found nothing from now on. {anytime.text}")
        if q.organisations and q.tense and not q.span and not q.selector:
            # "which meetings did Switzerland fund?": a role's verb is in the past even when
            # the funding is for meetings still to come
            anytime = _list(replace(q, tense=None), session, intent=intent)
            if anytime.meetings:
                return replace(anytime, text=f"{nothing} {anytime.text}")
        return Reply(intent, nothing, total=0)
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


def _aggregate_roles(q: Query, session: Session) -> Reply:
    return _list(q, session, intent=q.intent)


ROLE_VERBS = {
    "funders": ("funds", "is funded by", "are funded by", "funder"),
    "hosts": ("hosts", "is hosted by", "are hosted by", "host"),
    "partners": ("organised or supported", "is supported by", "are supported by", "partner"),
}


def _roles_text(q: Query, intent: str, meetings: list[Meeting]) -> Reply:
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
    lines = "\n".join(f"{rt.line(m, q.today)}: {rt.join(list(getattr(m, role)))}" for m in covered)
    head = f"The {noun}{wording.scope(q)} {verb} {rt.join(list(names))}."
    if len(covered) < len(meetings):
        head += f" (The report names no {singular} for {len(meetings) - len(covered)} of them.)"
    return Reply(intent, f"{head}\n{lines}", meetings)


# --- nothing found --------------------------------------------------------------------------


def _nothing(q: Query, session: Session) -> tuple[str, list[Meeting]]:
    """Say that nothing matched, and offer what comes close when something does. Returns the
    text and, when the place matched but the kind did not, the meetings of that place."""
    text = f"I found no {wording.noun(q, plural=True)}{wording.scope(q)}."
    hint: list[Meeting] = []
    if q.ordinal is not None:
        hint = _find(session, replace(_filter(q), ordinal=None), limit=5)
        known = [m for m in hint if m.ordinal]
        if known:
            text = (
                f"I know of no {rt.ordinal_word(q.ordinal)} {wording.noun(q, plural=False)}. "
                + "Known: "
                + "; ".join(f"{rt.name(m)}, {rt.when_where(m)}" for m in known)
                + "."
            )
            return text, []
    if q.span and (q.has_subject or q.kinds):
        hint = _find(session, _filter(q), limit=3)
        if hint:
            text += (
                " Outside that time: "
                + "; ".join(f"{rt.name(m)}, {rt.when_where(m)}" for m in hint)
                + "."
            )
    elif q.kinds and q.has_place:
        hint = _find(session, replace(_filter(q), kinds=(), title_words=(), online=None), limit=3)
        if hint:
            text += (
                " There is: " + "; ".join(f"{rt.name(m)}, {rt.when_where(m)}" for m in hint) + "."
            )
            return text, hint
    return text, []
