"""How a list answer names what it lists ("unconfirmed regional meetings") and where and when it
looks ("in Africa", "next week", "coming up")."""

from __future__ import annotations

import re

from bot.ask import render_text as rt
from bot.ask.query import Query
from storage.models import Meeting

STATUS_WORDS = {"planned": "unconfirmed", "confirmed": "confirmed", "cancelled": "cancelled",
                "postponed": "postponed"}  # fmt: skip


def noun(q: Query, *, plural: bool) -> str:
    noun = kind_noun(q, plural=plural)
    status = " or ".join(STATUS_WORDS.get(s, s) for s in q.statuses)
    return f"{status} {noun}" if status else noun


def kind_noun(q: Query, *, plural: bool) -> str:
    label = q.kind_label or (", ".join(q.short_names) if q.short_names else None) or "meeting"
    if q.short_names and not q.kind_label:
        return label
    if q.series and not q.kind_label:
        series = q.series[0]
        return series if series.endswith("s") else f"{series} meetings"
    if not plural:
        return label
    if label.endswith("meeting") or label.endswith("workshop") or label.endswith("event"):
        return label + "s"
    if label.endswith("session") or label.endswith("conference") or label.endswith("retreat"):
        return label + "s"
    return label + "s" if not label.endswith("s") else label


def span_scope(q: Query) -> str:
    """Where a span is in a sentence: " this week", " in January 2016", " on 3 February 2016"."""
    if not q.span:
        return ""
    label = q.span.label
    if label in ("today", "tomorrow", "yesterday") or label.startswith(("this ", "next ", "last ")):
        return f" {label}"
    if re.match(r"^\d{1,2} \w+ \d{4}$", label) or (label[0].isupper() and "day " in label):
        return f" on {label}"
    if label.startswith(
        ("before", "after", "since", "until", "till", "by", "from", "over ", "in ")
    ):
        return f" {label}"
    if "–" in label:
        return f" between {label.replace(' – ', ' and ')}"
    return f" in {label}"


def scope(q: Query) -> str:
    parts = []
    if q.place_labels:
        parts.append(" in " + " or ".join(q.place_labels))
    if q.organisations:
        role = {"funders": "funded by", "hosts": "hosted by", "partners": "supported by"}.get(
            q.org_role or "", "involving"
        )
        parts.append(f" {role} {rt.join(q.organisations)}")
    if q.terms:
        parts.append(" matching “" + " ".join(q.terms) + "”")
    if q.span:
        parts.append(span_scope(q))
    elif q.tense == "future" or q.selector == "next":
        parts.append(" coming up")
    elif q.tense == "past":
        parts.append(" in the past")
    return "".join(parts)


def one_meeting(q: Query, intent: str, m: Meeting) -> str:
    """The sentence answering `intent` (when, where, how long, who funds…) about one meeting."""
    today = q.today
    past = rt.is_past(m, today)
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
            return f"{cap} ({rt.when_where(m)}) {verb} by {rt.join_names(m.funders)}.{source}"
        return f"The report does not say who funds {name} ({rt.when_where(m)}).{source}"
    if intent == "partners":
        if m.partners:
            verb = "was organised" if past else "is organised"
            return f"{cap} ({rt.when_where(m)}) {verb} with {rt.join_names(m.partners)}.{source}"
        return f"The report names no partners for {name} ({rt.when_where(m)}).{source}"
    if intent == "hosts":
        if m.hosts:
            verb = "hosted" if past else "hosts"
            return f"{rt.join_names(m.hosts)} {verb} {name} ({rt.when_where(m)}).{source}"
        return (
            f"The report names no host for {name}; it "
            f"{'took' if past else 'takes'} place {rt.when_where(m)}.{source}"
        )
    # when / describe
    if m.start_date is None:
        if m.hosts and place and place == rt.join_names(m.hosts):
            where = f"; host country {place}"
        else:
            where = f"; {place}" if place else ""
            where += f" (hosted by {rt.join_names(m.hosts)})" if m.hosts else ""
        return f"{cap}: {rt.UNDATED}{where}.{status}{source}"
    rel = rt.relative(m, today)
    rel_text = f" ({rel})" if rel else ""
    verb = "was" if past else "is"
    text = f"{cap} {verb} {rt.when_where(m)}{rel_text}.{status}"
    if intent == "describe" and m.description:
        text += f" {m.description}"
    return text + source
