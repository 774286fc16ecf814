"""An `Answer` as a Teams Adaptive Card (schema 1.5, which Teams renders).

Each meeting shows its dates, place, status and source, with Add to calendar (Action.OpenUrl:
its .ics on the feed server, and Google Calendar and Outlook links) and Action.Submit buttons
(Remind me …, Subscribe, Tell me when dates are set) whose data
`bot.button_commands.command_for` turns into core chat commands. Deadlines are a FactSet;
suggestions are labelled as such.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.ask.render_text import is_past
from bot.button_commands import REMINDER_DAYS, offset_text, subscription_target
from bot.calendar.ical import location_text
from bot.calendar.links import GOOGLE_LABEL, ICS, OUTLOOK_LABEL, calendar_links
from bot.conversation import Answer
from storage.models import KIND_LABELS, Meeting, Precision, Status

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
MAX_MEETINGS = 5  # with their buttons; a list's other meetings follow as lines
# what a card may take of a message: Teams refuses messages over about 28 KB, and a meeting
# with its buttons takes 1.5–2.5 KB
CARD_BYTES = 25_000
FALLBACK_CHARS = 2_000
MAX_SUGGESTIONS = 3
MAX_DEADLINES = 20

EXAMPLES = (
    "What's coming up?",
    "Meetings in Africa in 2016",
    "When is INC7?",
    "Which meetings does Switzerland fund?",
)


def _day(d: date, *, month: bool = True, year: bool = True) -> str:
    text = str(d.day)
    if month:
        text += f" {d:%B}"
    if year:
        text += f" {d.year}"
    return text


def when_text(m: Meeting) -> str:
    """Dates for humans: "2–4 February 2016", "April 2015 (exact dates not yet announced)"."""
    start, end = m.start_date, m.end_date or m.start_date
    if start is None or end is None or m.precision == Precision.unknown:
        return "dates not yet announced"
    if m.precision == Precision.month:
        return f"{start:%B %Y} (exact dates not yet announced)"
    if start == end:
        text = _day(start)
    elif (start.year, start.month) == (end.year, end.month):
        text = f"{start.day}–{_day(end)}"
    elif start.year == end.year:
        text = f"{_day(start, year=False)} – {_day(end)}"
    else:
        text = f"{_day(start)} – {_day(end)}"
    if m.start_time:
        times = m.start_time.strftime("%H:%M")
        if m.end_time:
            times += "–" + m.end_time.strftime("%H:%M")
        text += f", {times}" + (f" ({m.timezone})" if m.timezone else "")
    return text


def source_text(m: Meeting) -> str | None:
    if not m.source_document:
        return None
    return m.source_document + (f", paragraph {m.source_paragraph}" if m.source_paragraph else "")


def ics_url(public_url: str, meeting_id: str) -> str:
    return f"{public_url.rstrip('/')}/calendar/meeting/{meeting_id}.ics"


def _text(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def _submit(title: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Action.Submit", "title": title, "data": data}


def meeting_actions(m: Meeting, *, public_url: str, today: date | None = None) -> list[dict]:
    """Add to calendar opens the meeting's .ics (and Google Calendar, Outlook links); without
    dates, "Tell me when dates are set" instead; Remind me and Subscribe while it is not over."""
    actions: list[dict[str, Any]] = []
    links = calendar_links(m, public_url)
    if links:
        actions.append({"type": "Action.OpenUrl", "title": "Add to calendar", "url": links[ICS]})
        actions += [
            {"type": "Action.OpenUrl", "title": label, "url": links[label]}
            for label in (GOOGLE_LABEL, OUTLOOK_LABEL)
            if label in links
        ]
    over = today is not None and is_past(m, today)
    if m.start_date is None and m.status != Status.cancelled and not over:
        actions.append(_submit("Tell me when dates are set", {"verb": "dated", "meeting_id": m.id}))
    if m.start_date is not None and m.status != Status.cancelled and not over:
        remind_choices = [
            _submit(
                f"{offset_text(days)} before", {"verb": "remind", "meeting_id": m.id, "days": days}
            )
            for days in REMINDER_DAYS
        ]
        actions.append(
            {
                "type": "Action.ShowCard",
                "title": "Remind me",
                "card": {"type": "AdaptiveCard", "body": [], "actions": remind_choices},
            }
        )
    if not over:
        follow = {"verb": "subscribe", "meeting_id": m.id, "region": m.region, "kind": m.kind}
        actions.append(_submit("Subscribe", follow))
    return actions


def meeting_container(m: Meeting, *, public_url: str, today: date | None = None) -> dict[str, Any]:
    title = m.title + (f" ({m.short_name})" if m.short_name and m.short_name not in m.title else "")
    facts = [
        {"title": "When", "value": when_text(m)},
        {"title": "Where", "value": location_text(m) or "to be announced"},
        {"title": "Kind", "value": KIND_LABELS.get(m.kind, "Meeting")},
        {"title": "Status", "value": m.status},
    ]
    source = source_text(m)
    if source:
        facts.append({"title": "Source", "value": source})
    return {
        "type": "Container",
        "separator": True,
        "spacing": "Medium",
        "id": f"meeting-{m.id}",
        "items": [
            _text(title, weight="Bolder"),
            {"type": "FactSet", "facts": facts},
            {
                "type": "ActionSet",
                "actions": meeting_actions(m, public_url=public_url, today=today),
            },
        ],
    }


def _card(body: list[dict[str, Any]], actions: list[dict[str, Any]], fallback: str) -> dict:
    card: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "fallbackText": fallback,
        "body": body,
    }
    if actions:
        card["actions"] = actions
    return card


def deadline_facts(answer: Answer) -> dict[str, Any]:
    """The answer's deadlines as facts: the day and days left, what is due and for which
    meeting."""
    names = {m.id: m.short_name or m.title for m in [*answer.meetings, *answer.suggestions]}
    facts = []
    for d in answer.deadlines[:MAX_DEADLINES]:
        days = answer.days_left(d)
        left = {0: "today", 1: "tomorrow", -1: "yesterday"}.get(days) or (
            f"in {days} days" if days > 0 else f"{-days} days ago"
        )
        whose = f", {names[d.meeting_id]}" if d.meeting_id in names else ""
        facts.append(
            {"title": f"{d.due_date:%a} {_day(d.due_date)}", "value": f"{d.title}{whose} ({left})"}
        )
    return {"type": "FactSet", "facts": facts}


def _split_list(answer: Answer) -> tuple[list[str], list[str], list[str]]:
    """The answer's text as (lines before its "• …" list, the list, lines after it)."""
    head: list[str] = []
    bullets: list[str] = []
    tail: list[str] = []
    for line in answer.text.splitlines():
        if line.lstrip().startswith("•"):
            bullets.append(line)
        else:
            (tail if bullets else head).append(line)
    return head, bullets, tail


def _size(value: Any) -> int:
    """Bytes of `value` as JSON, or a few more: ASCII-escaped text is never shorter than UTF-8."""
    return len(json.dumps(value))


def answer_card(answer: Answer, *, public_url: str) -> dict[str, Any]:
    """The whole answer: its sentence, its deadlines, then each meeting (at most MAX_MEETINGS)
    with buttons, the rest of its list as text, then any suggestions, labelled as such.

    The core lists meetings as "• …" lines, one per meeting in order: a meeting shown with
    its buttons leaves its line out (unless the lines are not one per meeting). A card that
    would pass CARD_BYTES loses list lines, then meetings, from its end."""
    today = answer.today or (answer.now.date() if answer.now else None)
    head, bullets, tail = _split_list(answer)
    if answer.deadlines:  # the facts below list them: keep the sentence, not the bullets
        head, bullets = head + tail, []
    top: list[dict[str, Any]] = [_text("\n".join(head) or answer.text)]
    if answer.deadlines:
        top += [_text("Deadlines", weight="Bolder", spacing="Medium"), deadline_facts(answer)]
    shown = [
        meeting_container(m, public_url=public_url, today=today)
        for m in answer.meetings[:MAX_MEETINGS]
    ]
    if len(bullets) == len(answer.meetings):  # the lines of the meetings not shown
        lines, unlisted = bullets[len(shown) :], 0
    else:  # lines that are not one per meeting (or none): all kept
        lines, unlisted = bullets, 0 if bullets else len(answer.meetings) - len(shown)
    bottom: list[dict[str, Any]] = [_text("\n".join(tail), isSubtle=True)] if tail else []
    if answer.suggestions:
        bottom.append(
            _text(
                "Suggestions: not what you asked about, but the nearest I know",
                weight="Bolder",
                spacing="Medium",
            )
        )
        bottom += [
            meeting_container(m, public_url=public_url, today=today)
            for m in answer.suggestions[:MAX_SUGGESTIONS]
        ]
    actions = [
        {"type": "Action.OpenUrl", "title": name, "url": url} for name, url in answer.links.items()
    ]
    if not answer.meetings and not answer.suggestions and not actions:
        actions = [_submit(q, {"verb": "ask", "question": q}) for q in EXAMPLES[:3]]
    fallback = answer.text if len(answer.text) <= FALLBACK_CHARS else "\n".join(head + tail)
    parts = _Parts(top, shown, lines, bottom, unlisted, actions, fallback[:FALLBACK_CHARS])
    return _fitted(parts)


@dataclass(frozen=True)
class _Parts:
    top: list[dict[str, Any]]  # the sentence (and deadlines)
    shown: list[dict[str, Any]]  # meetings with their buttons
    lines: list[str]  # the list's lines for the other meetings
    bottom: list[dict[str, Any]]  # the text's closing lines, suggestions
    unlisted: int  # meetings neither shown nor in `lines`
    actions: list[dict[str, Any]]
    fallback: str


def _fitted(parts: _Parts) -> dict[str, Any]:
    """The card, losing list lines (half at a time), then meetings, from its end until it
    fits CARD_BYTES; what goes is counted in an "…and N more" line."""
    shown, lines = parts.shown, parts.lines
    while True:
        body = [*parts.top, *shown]
        if lines:
            body.append(_text("\n".join(lines), spacing="Medium"))
        body += parts.bottom
        hidden = parts.unlisted + len(parts.lines) - len(lines) + len(parts.shown) - len(shown)
        if hidden > 0:
            body.append(_text(f"…and {hidden} more. Ask more narrowly to see them.", isSubtle=True))
        card = _card(body, parts.actions, parts.fallback)
        if _size(card) <= CARD_BYTES or not (lines or shown):
            return card
        if lines:
            lines = lines[: len(lines) // 2]
        else:
            shown = shown[:-1]


def greeting_card() -> dict[str, Any]:
    """What the bot can do, with example questions as buttons."""
    intro = (
        "Hi, I'm **secbot**, the secretariat's meeting assistant. Ask me about meetings as you "
        "would ask a colleague: when and where they are, what's on in a region or a month, who "
        "hosts or funds them."
    )
    howto = (
        "Each meeting comes with buttons to **add it to your calendar**, **remind you** before "
        "it starts, or **subscribe** to meetings like it. In a channel, @mention me."
    )
    body = [_text(intro), _text(howto, spacing="Small")]
    actions = [_submit(q, {"verb": "ask", "question": q}) for q in EXAMPLES]
    return _card(body, actions, intro)


def text_card(text: str) -> dict[str, Any]:
    return _card([_text(text)], [], text)


__all__ = ["answer_card", "greeting_card", "subscription_target", "text_card", "when_text"]
