"""A small, fixed set of meetings covering every calendar case (shared by the feed tests)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from storage import db, repo
from storage.models import MeetingData

MEETINGS = [
    {
        "id": "nairobi-workshop-2016", "title": "Regional workshop on artisanal gold mining",
        "short_name": "ASGM-AF", "kind": "workshop", "series": "ASGM workshops",
        "status": "confirmed", "start": "2016-03-01", "end": "2016-03-03", "city": "Nairobi",
        "region": "Africa", "venue": "UN Gigiri", "hosts": ["Government of Kenya"],
        "funders": ["Japan", "Switzerland"],
        "source": {"document": "Progress report", "paragraph": "21"},
    },
    {
        "id": "bureau-call-2016-03", "title": "Bureau teleconference", "kind": "bureau",
        "status": "planned", "start": "2016-03-10", "start_time": "14:00", "end_time": "15:30",
        "timezone": "Europe/Zurich", "online": True, "region": "global",
    },
    {
        "id": "nairobi-briefing-2016", "title": "Briefing for Nairobi missions", "kind": "other",
        "status": "planned", "start": "2016-03-15", "start_time": "09:00", "end_time": "17:00",
        "city": "Nairobi", "region": "Africa",
    },
    {
        "id": "bureau-geneva-2016-04", "title": "Bureau meeting", "kind": "bureau",
        "status": "confirmed", "start": "2016-04-05", "end": "2016-04-06", "start_time": "10:00",
        "end_time": "13:00", "city": "Geneva", "region": "global", "hosts": ["Switzerland"],
    },
    {
        "id": "lac-expert-group-2016", "title": "Expert group on mercury waste thresholds",
        "kind": "expert_group", "status": "planned", "start": "2016-05", "city": "Montevideo",
        "region": "Latin America and the Caribbean",
    },
    {
        "id": "bangkok-retreat-2016", "title": "Staff retreat", "kind": "retreat",
        "status": "planned", "start": "2016-06-20", "end": "2016-06-21", "city": "Bangkok",
        "region": "Asia-Pacific",
    },
    {
        "id": "inc8", "title": "Eighth session of the committee", "short_name": "INC8",
        "kind": "session", "series": "INC", "ordinal": 8, "status": "planned",
        "country": "Kenya", "region": "global",
    },
]  # fmt: skip


def load(engine: Engine, now: datetime) -> None:
    """Store the meetings, and cancel the retreat (so one event is CANCELLED, SEQUENCE 1)."""
    with db.session_scope(engine) as session:
        items = [MeetingData.model_validate(m) for m in MEETINGS]
        repo.upsert_meetings(session, items=items, now=now)
        repo.cancel_meeting(session, meeting_id="bangkok-retreat-2016", now=now)
