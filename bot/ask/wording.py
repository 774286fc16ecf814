"""How a list answer names what it lists ("unconfirmed regional meetings") and where and when it
looks ("in Africa", "next week", "coming up")."""

from __future__ import annotations

import re

from bot.ask import render_text as rt
from bot.ask.query import Query

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
        label = q.span.label
        if label in ("today", "tomorrow", "yesterday") or label.startswith(
            ("this ", "next ", "last ")
        ):
            parts.append(f" {label}")
        elif re.match(r"^\d{1,2} \w+ \d{4}$", label) or (label[0].isupper() and "day " in label):
            parts.append(f" on {label}")
        elif label.startswith(("before", "after", "since", "until", "till", "by", "from")):
            parts.append(f" {label}")
        elif "–" in label:
            parts.append(f" between {label.replace(' – ', ' and ')}")
        else:
            parts.append(f" in {label}")
    elif q.tense == "future" or q.selector == "next":
        parts.append(" coming up")
    elif q.tense == "past":
        parts.append(" in the past")
    return "".join(parts)
