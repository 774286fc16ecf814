"""Calendar sources in Slack, for admins: their state on the App Home, the Add modal, and
reading a submission back (checked by `bot.sources.add_source`, like `secbot sources add`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.sources import state_line
from handlers.slack.blocks import button, context, escape, section
from storage.models import CalendarSource

ADD_SOURCE = "add_source"
SYNC_SOURCE = "sync_source"
REMOVE_SOURCE = "remove_source"
SOURCE_MODAL = "source_modal"
VALUE = "value"
SHOWN = 10  # sources on the App Home; the rest are in `secbot sources list`

# (block id, label, hint, optional) of the modal's fields
FIELDS = (
    ("url", "Calendar URL", "https://… or webcal://… (Outlook, Google, Indico export)", False),
    ("name", "Name", "Shown in answers as the meetings' source (default: the host)", True),
    ("every", "Sync every", "30m, 1h, 6h, 1d (default 1h)", True),
    ("api_token", "Indico API token", "Only for Indico exports that need one", True),
)


def home_blocks(sources: Sequence[CalendarSource], now: datetime) -> list[dict[str, Any]]:
    """The admins' App Home lines: each source's state, with Sync now and Remove."""
    blocks: list[dict[str, Any]] = [
        {"type": "divider"},
        {"type": "header", "text": {"type": "plain_text", "text": "Calendar sources"}},
    ]
    if not sources:
        blocks.append(section("No calendars followed yet. Add an Outlook, Google or Indico "
                              "calendar and secbot keeps its meetings in sync."))  # fmt: skip
    for s in sources[:SHOWN]:
        blocks.append(section(f"*{escape(s.name)}* — {escape(state_line(s, now))}"))
        blocks.append(context(escape(s.url)))
        remove = button("Remove", REMOVE_SOURCE, s.name, style="danger")
        remove["confirm"] = {
            "title": {"type": "plain_text", "text": "Stop following it?"},
            "text": {"type": "plain_text", "text": f"{s.name}: its meetings stay."[:300]},
            "confirm": {"type": "plain_text", "text": "Remove"},
            "deny": {"type": "plain_text", "text": "Keep"},
        }
        blocks.append({"type": "actions", "elements": [
            button("Sync now", SYNC_SOURCE, s.name), remove,
        ]})  # fmt: skip
    if len(sources) > SHOWN:
        blocks.append(context(f"… and {len(sources) - SHOWN} more: `secbot sources list`"))
    blocks.append({"type": "actions", "block_id": "home_sources",
                   "elements": [button("Add calendar source", ADD_SOURCE, "new")]})  # fmt: skip
    return blocks


def source_modal() -> dict[str, Any]:
    blocks = []
    for block_id, label, hint, optional in FIELDS:
        element = {
            "type": "plain_text_input",
            "action_id": VALUE,
            "placeholder": {"type": "plain_text", "text": hint[:150]},
        }
        label_text = {"type": "plain_text", "text": label}
        blocks.append({"type": "input", "block_id": block_id, "optional": optional,
                       "label": label_text, "element": element})  # fmt: skip
    return {
        "type": "modal",
        "callback_id": SOURCE_MODAL,
        "title": {"type": "plain_text", "text": "Follow a calendar"},
        "submit": {"type": "plain_text", "text": "Add"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    }


def submitted(view: dict[str, Any]) -> dict[str, str | None]:
    """The modal's fields from a view_submission (blank as None, unknown blocks ignored)."""
    values = view.get("state", {}).get("values", {})
    found: dict[str, str | None] = {}
    for block_id, *_ in FIELDS:
        element = (values.get(block_id) or {}).get(VALUE) or {}
        text = element.get("value") if isinstance(element, dict) else None
        found[block_id] = str(text).strip() or None if text else None
    return found


def field_of(message: str) -> str:
    """The modal block an add_source error is about."""
    if "interval" in message:
        return "every"
    if "name" in message:
        return "name"
    return "url"
