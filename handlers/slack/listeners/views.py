"""Modal submissions: the admins' Add / Edit meeting form."""

from __future__ import annotations

import asyncio
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session

from bot import meetings
from handlers.slack.blocks import MEETING_MODAL, Viewer, meeting_blocks
from handlers.slack.deps import deps_of, log
from handlers.slack.modal import editing_id, field_errors, new_meeting, submitted_fields
from storage.models import Meeting

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
        """Through the one meeting service: validated, upserted, reminders replanned and
        invitees' updates queued (sent by the scheduler once committed)."""
        with Session(deps.engine, expire_on_commit=False) as session:
            try:
                if meeting_id:
                    saved = meetings.edit(session, meeting_id=meeting_id, changes=fields, now=now)
                else:
                    data, errors = new_meeting(fields)
                    if data is None:
                        return errors, None, ""
                    saved = meetings.add(session, data=data, now=now)
            except ValidationError as e:
                return field_errors(e), None, ""
            except meetings.MeetingError as e:
                return {"title": str(e)[:150]}, None, ""
            session.commit()
            return {}, saved.meeting, saved.outcome

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
