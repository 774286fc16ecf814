"""Block Kit rendering and the admin modal, as pure functions; a listener called directly."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.button_commands import command_for
from bot.clock import fixed
from bot.conversation import Answer, Asker
from bot.meetings import edited
from bot.runtime import Runtime
from bot.settings import Settings
from handlers.slack.blocks import (
    ADD_MEETING,
    ADD_TO_CALENDAR,
    ADD_TO_GOOGLE,
    ADD_TO_OUTLOOK,
    CALENDAR_LINK,
    EDIT_MEETING,
    MAX_BLOCKS,
    REMIND_ME,
    SHARE_IN_CHANNEL,
    SHOW_MORE,
    SHOW_PREVIOUS,
    SUBSCRIBE,
    TELL_WHEN_DATED,
    Viewer,
    answer_message,
    date_range_text,
    escape,
    fit,
    home_view,
    meeting_blocks,
    page_value,
    read_page_value,
    time_text,
)
from handlers.slack.deps import SlackDeps, TimezoneCache, from_a_bot, question_text
from handlers.slack.listeners.events import answer_in_thread
from handlers.slack.modal import (
    editing_id,
    field_errors,
    meeting_modal,
    new_meeting,
    submitted_fields,
)
from storage.models import Deadline, Meeting, MeetingData, table_values

NOW = datetime(2015, 12, 15, 9, 0, tzinfo=UTC)
VIEWER = Viewer(public_url="https://secbot.example.org/", timezone="Europe/Zurich")
ADMIN_VIEWER = Viewer(public_url="https://secbot.example.org", is_admin=True)


def meeting(**fields: Any) -> Meeting:
    data = MeetingData.model_validate({"title": "Regional meeting", **fields})
    assert data.id and data.uid
    return Meeting(
        id=data.id, uid=data.uid, sequence=0, created_at=NOW, updated_at=NOW, **table_values(data)
    )


def many(n: int) -> list[Meeting]:
    start = date(2016, 1, 4)
    return [
        meeting(
            id=f"m-{i}",
            title=f"Workshop {i}",
            start=(start + timedelta(days=7 * i)).isoformat(),
            city="Nairobi",
        )
        for i in range(n)
    ]


def listing(n: int, question: str = "what's coming up?") -> Answer:
    return Answer(question=question, now=NOW, intent="list", text=f"{n} meetings", meetings=many(n))


def ids(blocks: list[dict[str, Any]], prefix: str = "meeting:") -> list[str]:
    return [
        b["block_id"][len(prefix) :] for b in blocks if b.get("block_id", "").startswith(prefix)
    ]


def actions(blocks: list[dict[str, Any]]) -> list[str]:
    return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


# --- words -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "precision", "expected"),
    [
        (date(2016, 2, 2), date(2016, 2, 4), "day", "2–4 February 2016"),
        (date(2016, 1, 30), date(2016, 2, 2), "day", "30 January – 2 February 2016"),
        (date(2015, 12, 28), date(2016, 1, 2), "day", "28 December 2015 – 2 January 2016"),
        (date(2016, 2, 3), date(2016, 2, 3), "day", "3 February 2016"),
        (date(2015, 4, 1), date(2015, 4, 30), "month", "April 2015"),
        (None, None, "unknown", "dates not yet announced"),
    ],
)
def test_dates_for_humans(
    start: date | None, end: date | None, precision: str, expected: str
) -> None:
    assert date_range_text(start, end, precision) == expected


def test_times_are_shown_at_the_venue_and_in_the_viewers_zone() -> None:
    m = meeting(start="2016-03-10", city="Nairobi", start_time="10:00", end_time="12:00")
    assert m.timezone == "Africa/Nairobi"
    assert time_text(m, "Africa/Nairobi") == "10:00–12:00 Africa/Nairobi time"
    text = time_text(m, "America/New_York")
    assert text == "10:00–12:00 Africa/Nairobi time (02:00–04:00 your time, America/New_York)"
    evening = meeting(start="2016-03-10", city="Nairobi", start_time="20:00", end_time="21:00")
    assert time_text(evening, "Pacific/Auckland") == (  # already the next day there
        "20:00–21:00 Africa/Nairobi time (06:00–07:00 (11 March) your time, Pacific/Auckland)"
    )
    assert time_text(meeting(start="2016-03-10", city="Nairobi"), "Asia/Tokyo") is None


def test_escape_and_mentions() -> None:
    assert escape("<@U1> & co") == "&lt;@U1&gt; &amp; co"
    assert question_text("<@UBOT> when is <@U0X|bob> INC7?") == "when is INC7?"
    assert from_a_bot({"bot_id": "B1"}) and from_a_bot({"subtype": "bot_message"})
    assert not from_a_bot({"user": "U1", "text": "hi"})


# --- one meeting -----------------------------------------------------------------------------


def test_a_meeting_has_dates_place_status_source_and_buttons() -> None:
    m = meeting(
        title="Africa regional meeting",
        start="2016-02-02",
        end="2016-02-04",
        city="Lusaka",
        venue="Mulungushi Centre",
        status="confirmed",
        source={"document": "INC7 progress report", "paragraph": 11},
    )
    section, context, buttons = meeting_blocks(m, VIEWER)
    assert "*Africa regional meeting*" in section["text"]["text"]
    assert "2–4 February 2016 · Mulungushi Centre, Lusaka, Zambia" in section["text"]["text"]
    facts = context["elements"][0]["text"]
    assert "Status: confirmed" in facts and "INC7 progress report, paragraph 11" in facts
    assert "webcal://secbot.example.org/calendar/meeting/" in facts
    [calendar, google, outlook, remind, subscribe] = buttons["elements"]
    assert calendar["url"] == f"https://secbot.example.org/calendar/meeting/{m.id}.ics"
    assert google["url"].startswith("https://calendar.google.com/calendar/render?action=TEMPLATE")
    assert "dates=20160202%2F20160205" in google["url"]  # all day: the end is exclusive
    assert outlook["url"].startswith("https://outlook.office.com/calendar/0/deeplink/compose?")
    assert "startdt=2016-02-02&enddt=2016-02-05&allday=true" in outlook["url"]
    assert remind["action_id"] == REMIND_ME
    assert [o["value"] for o in remind["options"]] == [f"{m.id}|{d}" for d in (1, 3, 7, 14)]
    assert [o["text"]["text"] for o in remind["options"]][-1] == "2 weeks before"
    assert subscribe["action_id"] == SUBSCRIBE
    assert command_for(json.loads(subscribe["value"])) == "subscribe me to Africa meetings"
    assert EDIT_MEETING in actions(meeting_blocks(m, ADMIN_VIEWER))


def test_undated_and_cancelled_meetings_offer_no_calendar_or_reminder() -> None:
    undated = meeting(title="INC7", country="JO")
    assert actions(meeting_blocks(undated, VIEWER)) == [TELL_WHEN_DATED, SUBSCRIBE]
    [tell] = [e for e in meeting_blocks(undated, VIEWER)[2]["elements"] if e["value"] == undated.id]
    assert command_for({"verb": "dated", "meeting_id": tell["value"]}) == (
        f"tell me when dates are set for {undated.id}"
    )
    cancelled = meeting(start="2016-05-01", status="cancelled", city="Paris")
    assert REMIND_ME not in actions(meeting_blocks(cancelled, VIEWER))


def test_past_meetings_offer_neither_remind_me_nor_subscribe() -> None:
    held = meeting(start="2015-07-01", end="2015-07-02", city="Moscow", status="held")
    today = Viewer(public_url="https://secbot.example.org", today=date(2015, 12, 15))
    assert actions(meeting_blocks(held, today)) == [ADD_TO_CALENDAR, ADD_TO_GOOGLE, ADD_TO_OUTLOOK]
    coming = meeting(start="2016-02-02", city="Lusaka")
    assert {REMIND_ME, SUBSCRIBE} <= set(actions(meeting_blocks(coming, today)))


def test_deadlines_and_suggestions_have_their_own_sections() -> None:
    lusaka = meeting(id="lusaka", start="2016-02-02", end="2016-02-04", city="Lusaka")
    due = Deadline(id=1, meeting_id="lusaka", title="Registration", kind="registration",
                   due_date=date(2016, 1, 12), created_at=NOW, updated_at=NOW)  # fmt: skip
    answer = Answer(
        question="q", now=NOW, intent="list", text="Deadlines for X:\n• 12 January — Registration",
        meetings=[lusaka], deadlines=[due], today=date(2015, 12, 15),
        suggestions=[meeting(id="other", start="2016-03-01", city="Nairobi")],
    )  # fmt: skip
    blocks = answer_message(answer, VIEWER)["blocks"]
    assert blocks[0]["text"]["text"] == "Deadlines for X:"
    assert (
        blocks[1]["text"]["text"]
        == "*Deadlines*\n• *Tue 12 January 2016*: Registration _(28 days left)_"
    )
    assert ids(blocks) == ["lusaka"]
    text = json.dumps(blocks, ensure_ascii=False)
    assert "*Suggestions*" in text and "tell me about other" in text


# --- answers and paging ----------------------------------------------------------------------


def test_long_lists_page_within_fifty_blocks() -> None:
    answer = listing(40)
    first = answer_message(answer, VIEWER)
    assert len(first["blocks"]) <= MAX_BLOCKS
    assert ids(first["blocks"]) == [f"m-{i}" for i in range(10)]
    assert SHOW_MORE in actions(first["blocks"]) and SHOW_PREVIOUS not in actions(first["blocks"])
    [more] = [
        e
        for b in first["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == SHOW_MORE
    ]
    question, offset, size = read_page_value(more["value"])
    assert (question, offset, size) == ("what's coming up?", 10, 10)
    last = answer_message(answer, VIEWER, offset=30, page_size=size)
    assert ids(last["blocks"]) == [f"m-{i}" for i in range(30, 40)]
    assert SHOW_PREVIOUS in actions(last["blocks"]) and SHOW_MORE not in actions(last["blocks"])
    assert "Showing 31–40 of 40" in json.dumps(last["blocks"], ensure_ascii=False)


def test_a_short_answer_has_no_paging_and_admin_controls_only_when_asked() -> None:
    message = answer_message(listing(3), VIEWER)
    assert actions(message["blocks"]).count(SUBSCRIBE) == 3
    assert not {SHOW_MORE, SHARE_IN_CHANNEL, ADD_MEETING, EDIT_MEETING} & set(
        actions(message["blocks"])
    )
    private = answer_message(listing(3), ADMIN_VIEWER, shareable=True)
    assert {SHARE_IN_CHANNEL, ADD_MEETING, EDIT_MEETING} <= set(actions(private["blocks"]))


def test_the_bullet_list_gives_way_to_meeting_blocks() -> None:
    answer = listing(2)
    answer.text = "Meetings coming up (2):\n• 4 January 2016, Nairobi — Workshop 0\n• 11 January …"
    answer.total = 12
    message = answer_message(answer, VIEWER)
    assert message["blocks"][0]["text"]["text"] == "Meetings coming up (2):"
    assert message["text"] == answer.text  # notifications keep the whole answer
    assert "12 meetings match" in json.dumps(message["blocks"])
    single = Answer(
        question="q",
        now=NOW,
        intent="when",
        text="INC7: dates not yet announced.",
        meetings=many(1),
    )
    assert answer_message(single, VIEWER)["blocks"][0]["text"]["text"] == single.text


def test_nothing_found_is_one_section() -> None:
    answer = Answer(
        question="anything in Antarctica?", now=NOW, intent="list", text="Nothing in Antarctica."
    )
    message = answer_message(answer, VIEWER)
    assert message["text"] == "Nothing in Antarctica."
    assert [b["type"] for b in message["blocks"]] == ["section"]


def test_page_values_stay_within_slack_limits_and_survive_garbage() -> None:
    value = page_value("x" * 5000, 20, 10)
    assert len(value) <= 2000
    assert read_page_value(value)[1:] == (20, 10)
    assert read_page_value("not json") == ("", 0, 10)
    assert read_page_value(json.dumps({"q": "a", "o": -5, "n": 999})) == ("a", 0, 10)


def test_fit_keeps_the_footer() -> None:
    blocks = [{"type": "section", "n": i} for i in range(60)]
    kept = fit(blocks)
    assert len(kept) == MAX_BLOCKS and kept[-1]["n"] == 59


def test_home_view_without_meetings_or_personal_things() -> None:
    view = home_view(
        viewer=ADMIN_VIEWER,
        upcoming=[],
        reminders=[],
        subscriptions=[],
        private_feed="No private link yet.",
    )
    text = json.dumps(view)
    assert view["type"] == "home"
    assert "No meetings are scheduled" in text and "No reminders yet" in text
    assert "webcal://secbot.example.org/calendar.ics" in text and "No private link yet." in text
    assert actions(view["blocks"]) == [ADD_MEETING, CALENDAR_LINK]


# --- the modal -------------------------------------------------------------------------------


def _submitted(view: dict[str, Any], **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        element = block["element"]
        kind = element["type"]
        if kind == "plain_text_input":
            state = {"type": kind, "value": element.get("initial_value")}
        elif kind == "static_select":
            state = {"type": kind, "selected_option": element["initial_option"]}
        elif kind == "timepicker":
            state = {"type": kind, "selected_time": element.get("initial_time")}
        else:
            state = {"type": kind, "selected_options": element.get("initial_options", [])}
        values[block["block_id"]] = {"value": state}
    for key, value in changes.items():
        values[key] = {"value": {"type": "plain_text_input", "value": value}}
    return {**view, "state": {"values": values}}


def test_the_modal_round_trips_a_meeting() -> None:
    m = meeting(
        title="Bureau meeting",
        short_name="BUR1",
        kind="bureau",
        start="2016-01",
        city="Geneva",
        hosts=["Switzerland"],
        funders="Norway; Sweden",
        online=True,
        start_time="10:00",
        end_time="13:00",
        source={"document": "Report", "paragraph": "4"},
    )
    view = meeting_modal(m)
    assert editing_id(view) == m.id
    data = edited(m, submitted_fields(_submitted(view)))
    assert table_values(data) == {key: getattr(m, key) for key in table_values(data)}
    assert (data.id, data.uid, data.precision, data.online) == (m.id, m.uid, "month", True)
    assert data.funders == ["Norway", "Sweden"]


def test_modal_errors_land_on_their_fields() -> None:
    view = meeting_modal(None)
    assert editing_id(view) is None
    fields = submitted_fields(_submitted(view, title="X", start="2016-02-30"))
    assert set(new_meeting(fields)[1]) == {"start"}
    fields = submitted_fields(_submitted(view, title="", start="2016-03-02", end="2016-03-01"))
    errors = new_meeting(fields)[1]
    assert "title" in errors
    fields = submitted_fields(_submitted(view, title="X", start="2016-03-02", end="2016-03-01"))
    assert set(new_meeting(fields)[1]) == {"end"}
    fields = submitted_fields(_submitted(view, title="X", country="Atlantis", source_paragraph="x"))
    assert set(new_meeting(fields)[1]) == {"country"}


def test_field_errors_default_to_title() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as caught:
        MeetingData.model_validate({"title": "X", "end": "2016-01-01"})
    assert field_errors(caught.value) == {"end": "end given without start"}


# --- a listener, called as the plain function it is ------------------------------------------


class RecordingClient:
    """Stands in for AsyncWebClient where only the listener's own logic is under test."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    async def users_info(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(("users.info", kwargs))
        return {"ok": True, "user": {"id": kwargs["user"], "tz": "Asia/Tokyo"}}

    async def chat_postMessage(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(("chat.postMessage", kwargs))
        return {"ok": True}


async def test_answer_in_thread_renders_the_cores_meetings() -> None:
    seen: list[Asker] = []

    def fake_answer(question: str, *, runtime: Any, asker: Asker, now: datetime) -> Answer:
        seen.append(asker)
        return listing(25, question)

    def broken_answer(question: str, *, runtime: Any, asker: Asker, now: datetime) -> Answer:
        raise RuntimeError("boom")

    settings = Settings(public_url="https://secbot.example.org", admins="U0ASKER")
    runtime = Runtime(settings=settings, clock=fixed(NOW), engine=None)  # type: ignore[arg-type]
    deps = SlackDeps(
        runtime=runtime,
        answer=fake_answer,
        admins=settings.admins,
        timezones=TimezoneCache(now=runtime.clock.now),
    )
    client = RecordingClient()
    event = {"user": "U0ASKER", "channel": "C1", "ts": "1.000001", "text": "<@UBOT> list them"}
    await answer_in_thread(deps, client, event)
    [(_, _), (method, post)] = client.calls
    assert method == "chat.postMessage" and post["thread_ts"] == "1.000001"
    assert ids(post["blocks"]) == [f"m-{i}" for i in range(10)]
    assert SHOW_MORE in actions(post["blocks"]) and EDIT_MEETING not in actions(post["blocks"])
    assert seen == [
        Asker(
            user_id="U0ASKER",
            platform="slack",
            timezone="Asia/Tokyo",
            is_admin=True,
            channel_id="C1",
            conversation="slack:C1:1.000001",
        )
    ]
    deps.answer = broken_answer
    await answer_in_thread(deps, client, {**event, "ts": "1.000002"})
    last = client.calls[-1][1]
    assert last["text"].startswith("Sorry") and "boom" not in json.dumps(last)
    assert [c[0] for c in client.calls].count("users.info") == 1
