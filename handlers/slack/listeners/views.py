"""Modal submissions: the admins' Add / Edit meeting form."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlmodel import Session

from bot import reminders
from handlers.slack.blocks import MEETING_MODAL, Viewer, meeting_blocks
from handlers.slack.deps import deps_of, log
from handlers.slack.modal import editing_id, submitted_fields, validate
from storage import repo
from storage.models import Meeting, MeetingData

NOT_ADMIN = "Only secretariat admins can add or edit meetings."


def register(app: Any) -> None:
    app.view(MEETING_MODAL)(on_meeting_submitted)


async def on_meeting_submitted(
    ack: Any, body: dict[str, Any], view: dict[str, Any], context: Any, client: Any
) -> None:
    """Validate through MeetingData; errors go back onto the fields, nothing is written."""
    deps = deps_of(context)
    user = str(body["user"]["id"])
    if not deps.is_admin(user):
        log.warning("refused view_submission from non-admin %s", user)
        await ack(response_action="errors", errors={"title": NOT_ADMIN})
        return
    meeting_id = editing_id(view)
    fields = submitted_fields(view)
    now = deps.now()

    def save() -> tuple[dict[str, str], Meeting | None, str]:
        with Session(deps.engine, expire_on_commit=False) as session:
            existing = repo.get_meeting(session, meeting_id=meeting_id) if meeting_id else None
            if meeting_id and existing is None:
                return {"title": "This meeting no longer exists."}, None, ""
            data, errors = validate(fields, existing)
            if errors or data is None:
                return errors, None, ""
            if existing is None and _taken(session, data):
                return (
                    {"title": f"A meeting with id {data.id!r} exists: edit it instead."},
                    None,
                    "",
                )
            meeting, outcome = repo.upsert_meeting(session, data=data, now=now)
            # reminders move, invitees get the update (sent by the scheduler once committed)
            reminders.replan_meetings(session, meeting_ids=[meeting.id], now=now)
            session.commit()
            return {}, meeting, outcome

    errors, meeting, outcome = await asyncio.to_thread(save)
    if errors or meeting is None:
        await ack(response_action="errors", errors=errors)
        return
    await ack()
    viewer = Viewer(
        public_url=deps.runtime.settings.public_url,
        is_admin=True,
        timezone=await deps.timezones.get(client, user),
    )
    verb = {"new": "Added", "updated": "Updated"}.get(outcome, "No change to")
    text = f"{verb} {meeting.title} ({meeting.id})."
    try:
        await client.chat_postMessage(
            channel=user,
            text=text,
            blocks=[
                {"type": "section", "text": {"type": "mrkdwn", "text": text}},
                *meeting_blocks(meeting, viewer),
            ],
        )
    except Exception as e:
        log.warning("could not confirm the save to %s: %s", user, e)


def _taken(session: Session, data: MeetingData) -> bool:
    assert data.id is not None
    return repo.get_meeting(session, meeting_id=data.id) is not None
