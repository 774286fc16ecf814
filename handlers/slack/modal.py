"""The admins' Add/Edit meeting modal: its Block Kit, and reading a submission back.

A submission goes through `storage.models.MeetingData` like every other way in; its
validation errors come back keyed by the modal's block ids so Slack shows them on the field.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from handlers.slack.blocks import MEETING_MODAL
from storage.models import Kind, Meeting, MeetingData, Status, date_text

VALUE = "value"  # the action_id of every input element in the modal

# (block id, label, hint, multiline) of the free-text fields, in display order
TEXT_FIELDS: tuple[tuple[str, str, str, bool], ...] = (
    ("title", "Title", "Fourth meeting of the technical expert group", False),
    ("short_name", "Short name", "INC7, ICCM4", False),
    ("series", "Series", "INC", False),
    ("start", "Start date", "YYYY-MM-DD, or YYYY-MM when only the month is known", False),
    ("end", "End date", "YYYY-MM-DD (empty: same as start)", False),
    ("city", "City", "Lusaka", False),
    ("country", "Country", "Name or ISO code (empty: from the city)", False),
    ("venue", "Venue", "Mulungushi International Conference Centre", False),
    ("hosts", "Hosts", "Comma-separated", False),
    ("funders", "Funders", "Comma-separated", False),
    ("source_document", "Source document", "UNEP/MC/INC.6/24", False),
    ("source_paragraph", "Source paragraph", "12", False),
    ("description", "Description", "", True),
)
TIME_FIELDS = (("start_time", "Start time (venue time)"), ("end_time", "End time (venue time)"))
LIST_FIELDS = ("hosts", "funders")


def _option(value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": value.replace("_", " ")}, "value": value}


def _current(meeting: Meeting | None) -> dict[str, str]:
    """The modal's initial values for an existing meeting."""
    if meeting is None:
        return {}
    values = {
        "title": meeting.title,
        "short_name": meeting.short_name,
        "series": meeting.series,
        "start": date_text(meeting.start_date, meeting.precision),
        "end": date_text(meeting.end_date, meeting.precision),
        "city": meeting.city,
        "country": meeting.country,
        "venue": meeting.venue,
        "hosts": ", ".join(meeting.hosts or []),
        "funders": ", ".join(meeting.funders or []),
        "source_document": meeting.source_document,
        "source_paragraph": meeting.source_paragraph,
        "description": meeting.description,
        "start_time": meeting.start_time.strftime("%H:%M") if meeting.start_time else None,
        "end_time": meeting.end_time.strftime("%H:%M") if meeting.end_time else None,
    }
    return {k: v for k, v in values.items() if v}


def _input(
    block_id: str, label: str, element: dict[str, Any], *, optional: bool = True
) -> dict[str, Any]:
    """One labelled input block of the modal."""
    return {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": label},
        "element": element,
        "optional": optional,
    }


def meeting_modal(meeting: Meeting | None) -> dict[str, Any]:
    """The modal for `views.open`: empty for Add, filled in for Edit."""
    current = _current(meeting)
    blocks: list[dict[str, Any]] = []
    for block_id, label, hint, multiline in TEXT_FIELDS:
        element: dict[str, Any] = {"type": "plain_text_input", "action_id": VALUE}
        if hint:
            element["placeholder"] = {"type": "plain_text", "text": hint[:150]}
        if multiline:
            element["multiline"] = True
        if block_id in current:
            element["initial_value"] = current[block_id]
        blocks.append(_input(block_id, label, element, optional=block_id != "title"))
    for block_id, enum, default in (
        ("kind", Kind, meeting.kind if meeting else Kind.other.value),
        ("status", Status, meeting.status if meeting else Status.planned.value),
    ):
        select = {
            "type": "static_select",
            "action_id": VALUE,
            "options": [_option(v.value) for v in enum],
            "initial_option": _option(default),
        }
        blocks.append(_input(block_id, block_id.title(), select, optional=False))
    for block_id, label in TIME_FIELDS:
        element = {"type": "timepicker", "action_id": VALUE}
        if block_id in current:
            element["initial_time"] = current[block_id]
        blocks.append(_input(block_id, label, element))
    online = {"text": {"type": "plain_text", "text": "Online"}, "value": "online"}
    checkbox: dict[str, Any] = {"type": "checkboxes", "action_id": VALUE, "options": [online]}
    if meeting and meeting.online:
        checkbox["initial_options"] = [online]
    blocks.append(_input("online", "Online", checkbox))
    title = "Edit meeting" if meeting else "Add meeting"
    return {
        "type": "modal",
        "callback_id": MEETING_MODAL,
        "private_metadata": json.dumps({"id": meeting.id if meeting else None}),
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": "Save"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    }


def editing_id(view: dict[str, Any]) -> str | None:
    """The id of the meeting an Edit modal was opened for (None for Add)."""
    try:
        value = json.loads(view.get("private_metadata") or "{}").get("id")
    except (ValueError, AttributeError):
        return None
    return str(value) if value else None


def submitted_fields(view: dict[str, Any]) -> dict[str, Any]:
    """MeetingData input from a view_submission's `state.values` (unknown blocks ignored); a
    field left blank is None (an Edit clears it), a blank list field []."""
    values = view.get("state", {}).get("values", {})
    fields: dict[str, Any] = {}
    for block_id, actions in values.items():
        element = actions.get(VALUE) if isinstance(actions, dict) else None
        if not isinstance(element, dict):
            continue
        if "selected_option" in element:
            chosen = element["selected_option"]
            fields[block_id] = chosen.get("value") if chosen else None
        elif "selected_time" in element:
            fields[block_id] = element["selected_time"]
        elif "selected_options" in element:
            fields[block_id] = bool(element["selected_options"])
        else:
            fields[block_id] = element.get("value")
    known = {f[0] for f in TEXT_FIELDS} | {f[0] for f in TIME_FIELDS} | {"kind", "status", "online"}
    fields = {k: v for k, v in fields.items() if k in known}
    for key in LIST_FIELDS:
        if key in fields:
            fields[key] = [p.strip() for p in (fields[key] or "").split(",") if p.strip()]
    source = {
        k: fields.pop(f"source_{k}") for k in ("document", "paragraph") if f"source_{k}" in fields
    }
    fields["source"] = {k: v for k, v in source.items() if v}
    return fields


def new_meeting(fields: dict[str, Any]) -> tuple[MeetingData | None, dict[str, str]]:
    """(data, {}) when an Add form makes a valid meeting, else (None, errors by block id)."""
    try:
        return MeetingData.model_validate({k: v for k, v in fields.items() if v is not None}), {}
    except ValidationError as e:
        return None, field_errors(e)


def field_errors(error: ValidationError) -> dict[str, str]:
    """Validation messages keyed by modal block id (model-wide ones on the field they name)."""
    blocks = [f[0] for f in TEXT_FIELDS] + [f[0] for f in TIME_FIELDS] + ["kind", "status"]
    errors: dict[str, str] = {}
    for e in error.errors():
        message = e["msg"].removeprefix("Value error, ")
        loc = [str(p) for p in e["loc"]]
        block = loc[0] if loc else None
        if block == "source":
            block = f"source_{loc[1]}" if len(loc) > 1 else "source_document"
        if block not in blocks:
            words = message.replace(":", " ").split()
            block = next((w for w in words if w in blocks), "title")
        errors.setdefault(block, message[:150])
    return errors
