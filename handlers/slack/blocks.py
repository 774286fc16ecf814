"""Block Kit for Slack: an `Answer` as a message, the App Home view, paging.

Pure functions of their arguments (no Slack client, no database): the handlers in
`handlers/slack/` call the core, then these, then the Web API.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.ask.render_text import is_past
from bot.button_commands import REMINDER_DAYS, offset_text
from bot.calendar.links import GOOGLE_LABEL, ICS, OUTLOOK_LABEL, calendar_links
from bot.conversation import Answer
from storage import places
from storage.models import Meeting, Precision, Status

MAX_BLOCKS = 50  # Slack refuses messages and views with more
SECTION_TEXT_LIMIT = 3000
BUTTON_VALUE_LIMIT = 2000
PAGE_SIZE = 10  # meetings per message: 3 blocks each, well under MAX_BLOCKS
MAX_DEADLINES = 20  # deadlines listed in one message

# action_id / callback_id values the handlers register
ADD_TO_CALENDAR = "add_to_calendar"
ADD_TO_GOOGLE = "add_to_google"
ADD_TO_OUTLOOK = "add_to_outlook"
TELL_WHEN_DATED = "tell_when_dated"
ASK_ABOUT = "ask_about"
REMIND_ME = "remind_me"
SUBSCRIBE = "subscribe"
EDIT_MEETING = "edit_meeting"
ADD_MEETING = "add_meeting"
SHOW_MORE = "show_more"
SHOW_PREVIOUS = "show_previous"
SHARE_IN_CHANNEL = "share_in_channel"
OPEN_LINK = "open_link"
MEETING_MODAL = "meeting_modal"

CALENDAR_LINK = "calendar_link"


@dataclass(frozen=True)
class Viewer:
    """Who the blocks are for: their time zone, whether they may edit, where links point."""

    public_url: str
    timezone: str | None = None
    is_admin: bool = False
    today: date | None = None  # their day: meetings over by then offer no Remind me or Subscribe


# --- words -------------------------------------------------------------------------------


def escape(text: str) -> str:
    """Slack's three control characters in mrkdwn."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _day_month(d: date) -> str:
    return f"{d.day} {d.strftime('%B')}"


def date_range_text(start: date | None, end: date | None, precision: str) -> str:
    """Dates for humans: '2–4 February 2016', '30 January – 2 February 2016', 'April 2015'."""
    if start is None or precision == Precision.unknown:
        return "dates not yet announced"
    if precision == Precision.month:
        return start.strftime("%B %Y")
    end = end or start
    if start == end:
        return f"{_day_month(start)} {start.year}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end.strftime('%B')} {end.year}"
    if start.year == end.year:
        return f"{_day_month(start)} – {_day_month(end)} {end.year}"
    return f"{_day_month(start)} {start.year} – {_day_month(end)} {end.year}"


def _zone(name: str | None) -> ZoneInfo | None:
    return places.zone(name)


def time_text(m: Meeting, viewer_tz: str | None) -> str | None:
    """Start/end time at the venue and, when it differs, in the viewer's zone; None when all-day."""
    if m.start_time is None or m.start_date is None:
        return None
    venue = _zone(m.timezone)
    span = m.start_time.strftime("%H:%M")
    if m.end_time:
        span += f"–{m.end_time.strftime('%H:%M')}"
    if venue is None:
        return span
    text = f"{span} {m.timezone} time"
    mine = _zone(viewer_tz)
    if mine is None or mine.key == venue.key:
        return text
    start = datetime.combine(m.start_date, m.start_time, venue).astimezone(mine)
    own = start.strftime("%H:%M")
    if m.end_time:
        end_day = m.end_date if m.end_date and m.end_time <= m.start_time else m.start_date
        end = datetime.combine(end_day or m.start_date, m.end_time, venue).astimezone(mine)
        own += f"–{end.strftime('%H:%M')}"
    if start.date() != m.start_date:
        own += f" ({_day_month(start.date())})"
    return f"{text} ({own} your time, {mine.key})"


def place_text(m: Meeting) -> str:
    parts = [m.venue, m.city, places.country_name(m.country) if m.country else None]
    text = ", ".join(p for p in parts if p)
    if m.online:
        text = f"{text} and online" if text else "online"
    return text or "place not yet announced"


def source_text(m: Meeting) -> str | None:
    if not m.source_document:
        return None
    para = f", paragraph {m.source_paragraph}" if m.source_paragraph else ""
    return f"{m.source_document}{para}"


def meeting_urls(public_url: str, meeting_id: str) -> tuple[str, str]:
    """(https, webcal) links to one meeting's .ics on the feed server."""
    https = f"{public_url.rstrip('/')}/calendar/meeting/{meeting_id}.ics"
    return https, "webcal://" + https.split("://", 1)[1]


def feed_urls(public_url: str) -> tuple[str, str]:
    https = f"{public_url.rstrip('/')}/calendar.ics"
    return https, "webcal://" + https.split("://", 1)[1]


# --- blocks ------------------------------------------------------------------------------


def _text(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text[:SECTION_TEXT_LIMIT]}


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:75], "emoji": True}


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": _text(text)}


def context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [_text(text)]}


def button(text: str, action_id: str, value: str, *, style: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "text": _plain(text),
        "action_id": action_id,
        "value": value[:BUTTON_VALUE_LIMIT],
    }
    if style:
        element["style"] = style
    return element


def _link_button(text: str, action_id: str, url: str, value: str) -> dict[str, Any]:
    return {"type": "button", "text": _plain(text), "action_id": action_id, "url": url,
            "value": value}  # fmt: skip


def meeting_actions(m: Meeting, viewer: Viewer) -> list[dict[str, Any]]:
    """What can be done with a meeting: add it to a calendar (.ics, Google, Outlook) or, without
    dates, be told when it has them; be reminded and subscribe (not once it is over)."""
    elements: list[dict[str, Any]] = []
    links = calendar_links(m, viewer.public_url)
    if links:
        elements.append(_link_button("Add to calendar", ADD_TO_CALENDAR, links[ICS], m.id))
        for label, action_id in ((GOOGLE_LABEL, ADD_TO_GOOGLE), (OUTLOOK_LABEL, ADD_TO_OUTLOOK)):
            if label in links:
                elements.append(_link_button(label, action_id, links[label], m.id))
    over = viewer.today is not None and is_past(m, viewer.today)
    if m.start_date is None and m.status != Status.cancelled and not over:
        elements.append(button("Tell me when dates are set", TELL_WHEN_DATED, m.id))
    if m.start_date is not None and m.status != Status.cancelled and not over:
        elements.append(
            {
                "type": "static_select",
                "action_id": REMIND_ME,
                "placeholder": _plain("Remind me"),
                "options": [
                    {"text": _plain(f"{offset_text(days)} before"), "value": f"{m.id}|{days}"}
                    for days in REMINDER_DAYS
                ],
            }
        )
    if not over:
        follow = {"verb": "subscribe", "meeting_id": m.id, "region": m.region, "kind": m.kind}
        elements.append(button("Subscribe", SUBSCRIBE, json.dumps(follow)))
    if viewer.is_admin:
        elements.append(button("Edit", EDIT_MEETING, m.id))
    return elements


def meeting_blocks(m: Meeting, viewer: Viewer) -> list[dict[str, Any]]:
    """One meeting: what, when, where (section); status, kind, source (context); buttons."""
    title = f"*{escape(m.title)}*"
    if m.short_name and m.short_name not in m.title:
        title += f" ({escape(m.short_name)})"
    when = date_range_text(m.start_date, m.end_date, m.precision)
    at = time_text(m, viewer.timezone)
    lines = [title, f"{when}{', ' + at if at else ''} · {escape(place_text(m))}"]
    facts = [f"Status: {m.status}", m.kind.replace("_", " ")]
    if m.region:
        facts.append(m.region)
    source = source_text(m)
    if source:
        facts.append(f"Source: {escape(source)}")
    if m.start_date is not None:
        facts.append(f"<{meeting_urls(viewer.public_url, m.id)[1]}|webcal>")
    blocks = [section("\n".join(lines)), context(" · ".join(facts))]
    elements = meeting_actions(m, viewer)
    if elements:
        blocks.append(
            {"type": "actions", "block_id": f"meeting:{m.id}"[:255], "elements": elements}
        )
    return blocks


def deadline_lines(answer: Answer) -> list[str]:
    """Each deadline of the answer with its day, what it is, whose and how many days are left."""
    names = {m.id: m.short_name or m.title for m in answer.meetings}
    several = len({d.meeting_id for d in answer.deadlines}) > 1
    lines = []
    for d in answer.deadlines[:MAX_DEADLINES]:
        days = answer.days_left(d)
        left = {0: "today", 1: "tomorrow", -1: "yesterday"}.get(days) or (
            f"{days} days left" if days > 0 else f"{-days} days ago"
        )
        whose = f" — {escape(names[d.meeting_id])}" if several and d.meeting_id in names else ""
        due = f"{d.due_date:%a} {_day_month(d.due_date)} {d.due_date.year}"
        due += f" {d.due_time.strftime('%H:%M')}" if d.due_time else ""
        lines.append(f"• *{due}*: {escape(d.title)}{whose} _({left})_")
    return lines


def suggestion_blocks(answer: Answer) -> list[dict[str, Any]]:
    """Real meetings offered when the question named something the store does not have, or
    "the next one" after an empty span: labelled, with a button that asks about each."""
    if not answer.suggestions:
        return []
    blocks = [context("*Suggestions*: not what you asked about, but the nearest I know")]
    for m in answer.suggestions[:5]:
        when = date_range_text(m.start_date, m.end_date, m.precision)
        line = f"*{escape(m.title)}*\n{when} · {escape(place_text(m))}"
        ask = button("Ask about it", ASK_ABOUT, f"tell me about {m.id}")
        blocks.append({"type": "section", "text": _text(line), "accessory": ask})
    return blocks


def page_value(question: str, offset: int, size: int) -> str:
    """A button value that lets a click re-ask the question and show another page."""
    budget = BUTTON_VALUE_LIMIT - 40
    return json.dumps({"q": question[:budget], "o": offset, "n": size}, ensure_ascii=False)


def read_page_value(value: str) -> tuple[str, int, int]:
    """(question, offset, size) from `page_value`; bad input reads as the first page."""
    try:
        data = json.loads(value)
        return str(data["q"]), max(0, int(data["o"])), min(max(1, int(data["n"])), PAGE_SIZE)
    except (ValueError, KeyError, TypeError):
        return "", 0, PAGE_SIZE


def headline(answer: Answer) -> str:
    """The answer's text without its bullet list when the meetings are shown as blocks.

    The core writes lists as a heading line plus one "• …" line per meeting (for plain-text
    surfaces); in Block Kit each meeting has its own blocks, so only the heading is kept.
    """
    if not answer.meetings and not answer.deadlines:
        return answer.text
    kept = [line for line in answer.text.splitlines() if not line.lstrip().startswith("•")]
    return "\n".join(kept).strip() or answer.text


def answer_message(
    answer: Answer,
    viewer: Viewer,
    *,
    offset: int = 0,
    page_size: int = PAGE_SIZE,
    shareable: bool = False,
) -> dict[str, Any]:
    """`{"text", "blocks"}` for chat.postMessage / postEphemeral / response_url.

    Shows meetings [offset, offset + page_size) with Show more / Previous buttons; an ephemeral
    message (`shareable`) gets a "Share in channel" button. Never more than MAX_BLOCKS blocks.
    """
    page_size = max(1, min(page_size, PAGE_SIZE))
    blocks: list[dict[str, Any]] = [section(escape(headline(answer)) or "…")]
    if answer.deadlines:  # the deadlines first: for a deadline question they are the answer
        blocks.append(section("*Deadlines*\n" + "\n".join(deadline_lines(answer))))
    total = len(answer.meetings)
    offset = min(max(0, offset), max(0, total - 1))
    shown = answer.meetings[offset : offset + page_size]
    for m in shown:
        blocks.extend(meeting_blocks(m, viewer))
    blocks.extend(suggestion_blocks(answer))
    if answer.links:
        blocks.append(
            section(" · ".join(f"<{url}|{escape(name)}>" for name, url in answer.links.items()))
        )
    footer: list[dict[str, Any]] = []
    if answer.total and answer.total > total:
        blocks.append(context(f"{answer.total} meetings match; ask more precisely to see others."))
    if total > page_size:
        blocks.append(context(f"Showing {offset + 1}–{offset + len(shown)} of {total}"))
        if offset > 0:
            back = max(0, offset - page_size)
            footer.append(
                button("Previous", SHOW_PREVIOUS, page_value(answer.question, back, page_size))
            )
        if offset + page_size < total:
            more = page_value(answer.question, offset + page_size, page_size)
            footer.append(button(f"Show more ({total - offset - len(shown)})", SHOW_MORE, more))
    if shareable:
        footer.append(
            button(
                "Share in channel",
                SHARE_IN_CHANNEL,
                page_value(answer.question, offset, page_size),
                style="primary",
            )
        )
    if viewer.is_admin:
        footer.append(button("Add meeting", ADD_MEETING, "new"))
    if footer:
        blocks.append({"type": "actions", "block_id": "answer_footer", "elements": footer})
    return {"text": answer.text[:SECTION_TEXT_LIMIT], "blocks": fit(blocks)}


def fit(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keep Slack's 50-block limit, keeping the footer (buttons) when something must go."""
    if len(blocks) <= MAX_BLOCKS:
        return blocks
    return [*blocks[: MAX_BLOCKS - 1], blocks[-1]]


def home_view(
    *,
    viewer: Viewer,
    upcoming: Sequence[Meeting],
    reminders: Sequence[str],
    subscriptions: Sequence[str],
    private_feed: str,
) -> dict[str, Any]:
    """The App Home tab: upcoming meetings, my reminders and subscriptions, my calendar feeds.

    `private_feed` says where the person's private feed stands (its link cannot be shown again:
    only a hash of the token is kept); the button asks the core for a link.
    """
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": _plain("Upcoming meetings")},
    ]
    if viewer.is_admin:
        blocks.append(
            {
                "type": "actions",
                "block_id": "home_admin",
                "elements": [button("Add meeting", ADD_MEETING, "new", style="primary")],
            }
        )
    if not upcoming:
        blocks.append(section("No meetings are scheduled from today on."))
    for m in upcoming:
        blocks.extend(meeting_blocks(m, viewer))
    blocks.append({"type": "divider"})
    blocks.append({"type": "header", "text": _plain("My reminders")})
    blocks.append(
        section(
            "\n".join(f"• {escape(r)}" for r in reminders)
            if reminders
            else "No reminders yet. Pick *Remind me* on a meeting, or ask "
            "“remind me 3 days before INC7”."
        )
    )
    blocks.append({"type": "header", "text": _plain("My subscriptions")})
    blocks.append(
        section(
            "\n".join(f"• {escape(s)}" for s in subscriptions)
            if subscriptions
            else "No subscriptions yet. Press *Subscribe* on a meeting, or ask "
            "“subscribe me to African meetings”."
        )
    )
    https, webcal = feed_urls(viewer.public_url)
    blocks.append({"type": "header", "text": _plain("My calendar feed")})
    blocks.append(
        section(
            f"All meetings: <{webcal}|subscribe in your calendar app> · <{https}|{escape(https)}>"
            f"\n{escape(private_feed)}"
        )
    )
    blocks.append(
        {
            "type": "actions",
            "block_id": "home_feed",
            "elements": [
                button("Get my private calendar link", CALENDAR_LINK, "give me the calendar link")
            ],
        }
    )
    return {"type": "home", "blocks": fit(blocks)}
