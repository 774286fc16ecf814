"""Reminder commands in chat, for the core to try before answering a question.

`handle()` returns None for anything that is not a reminder command, so the caller can go on
to the question answerer. Understood (case and trailing punctuation do not matter):

- "remind me 3 days before the Lusaka meeting" / "remind me 2 weeks before inc7"
- "remind me about ICCM4" / "remind me before the Lusaka meeting" (the person's default
  offsets, else SECBOT_REMINDERS_BEFORE)
- "remind me of all document deadlines for INC7"
- "post reminders for African meetings in this channel" (a region, a kind, or "all")
- "stop reminding me about X" / "unsubscribe me from reminders"
- "add deadline: documents for INC7 due 25 January 2016" (admins only)
- "set my default reminders to 1 day and 1 week before" / "my default reminders: 2d, 1w" /
  "reset my default reminders"
- "what are my reminder settings?" (zone, default offsets, active rules)

Meetings are found by id, short name, title or city (storage.repo.find_meetings_text). A
person's rules follow their profile zone (bot.profiles); a channel's keep the zone they got.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta

import dateparser
from sqlmodel import Session

from bot import reminders, rights
from bot.ask import render_text as rt
from bot.ask.resolve import meeting_named
from bot.ask.words import KIND_PHRASES
from bot.conversation import Answer, Asker, asker_today
from bot.reminders import my_settings
from bot.reminders.chat_terms import (
    NUMBERS,
    asker_zone,
    days_text,
    default_offsets,
    kind_plural,
    person_key,
    person_zone,
    reply,
)
from bot.runtime import Runtime
from bot.settings import Settings
from storage import db, places, repo
from storage.models import (
    DeadlineData,
    DeadlineKind,
    Meeting,
    RuleScope,
    Status,
)

DEADLINE_WORDS = {
    "document": "documents", "documents": "documents", "registration": "registration",
    "nomination": "nominations", "nominations": "nominations", "travel": "travel",
    "visa": "visa", "visas": "visa", "comment": "comments", "comments": "comments",
}  # fmt: skip

_THE = r"(?:the\s+)?"
OFFSET_BEFORE = re.compile(
    rf"^(?:please\s+)?remind\s+me\s+(?P<n>\d{{1,3}}|{'|'.join(NUMBERS)})\s+(?P<unit>days?|weeks?)"
    rf"\s+before\s+{_THE}(?P<ref>.+?)$"
)
DEADLINES_OF = re.compile(
    rf"^(?:please\s+)?remind\s+me\s+(?:of|about)\s+(?:all\s+)?{_THE}(?:(?P<kind>\w+)\s+)?"
    rf"deadlines?\s+(?:for|of)\s+{_THE}(?P<ref>.+?)$"
)
ABOUT = re.compile(
    rf"^(?:please\s+)?remind\s+me\s+(?:about|of|before|ahead\s+of)\s+{_THE}(?P<ref>.+?)$"
)
CHANNEL = re.compile(
    r"^(?:please\s+)?post\s+reminders\s+(?:for|about|of)\s+(?P<what>.+?)\s+in\s+(?:this|the)"
    r"\s+channel$"
)
STOP = re.compile(
    rf"^(?:please\s+)?(?:stop|don'?t|do\s+not)\s+remind(?:ing)?\s+me\s+(?:about|of)\s+{_THE}"
    r"(?P<ref>.+?)$"
)
UNSUBSCRIBE = re.compile(
    r"^(?:please\s+)?(?:unsubscribe\s+me\s+from\s+(?:all\s+)?reminders|stop\s+(?:all\s+)?"
    r"(?:my\s+)?reminders)$"
)
ADD_DEADLINE = re.compile(
    r"^add\s+(?:a\s+)?deadline:?\s+(?P<kind>\w+)\s+(?:deadline\s+)?for\s+(?P<ref>.+?)\s+"
    r"(?:due|on|by)\s+(?P<date>.+)$"
)
_MY_DEFAULTS = r"my\s+default\s+reminders?(?:\s+(?:offsets?|times?))?"
SET_DEFAULTS = re.compile(
    rf"^(?:please\s+)?(?:(?:set|change|make|update)\s+{_MY_DEFAULTS}(?:\s*:|\s+to|\s+as)?"
    rf"|{_MY_DEFAULTS}\s*(?::|=|\s+are|\s+is|\s+should\s+be))\s*(?P<offsets>.+)$"
)
CLEAR_DEFAULTS = re.compile(
    rf"^(?:please\s+)?(?:reset|clear|remove|forget|delete)\s+{_MY_DEFAULTS}$"
)
SETTINGS = re.compile(
    r"^(?:please\s+)?(?:(?:what\s+are|what'?s|show(?:\s+me)?|list|tell\s+me)\s+)?my\s+"
    r"(?:reminders?\s+(?:settings|preferences|defaults)|reminder|reminders)$"
    r"|^what\s+reminders\s+(?:do\s+i\s+have|have\s+i\s+(?:got|set))$"
)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().rstrip(".!?").strip())


def _strip_meeting_word(ref: str) -> str:
    return re.sub(r"\s+(?:meeting|session|conference|workshop)$", "", ref.strip()).strip()


def resolve_meeting(session: Session, ref: str, *, now: datetime) -> list[Meeting]:
    """Meetings `ref` may mean: an exact id wins; else text matches, upcoming ones preferred;
    else the meeting the words name, read as a question reads them ("the Moscow bureau
    meeting", "the next session")."""
    ref = ref.strip()
    exact = repo.get_meeting(session, meeting_id=ref.lower())
    if exact is not None:
        return [exact]
    found = repo.find_meetings_text(session, text=ref) or repo.find_meetings_text(
        session, text=_strip_meeting_word(ref)
    )
    if not found:
        named = meeting_named(session, session.get_bind(), ref, today=now.date())  # type: ignore[arg-type]
        return [named] if named is not None else []
    if len(found) <= 1:
        return found
    today = now.date()
    upcoming = [
        m
        for m in found
        if m.status != Status.cancelled and (m.start_date is None or m.start_date >= today)
    ]
    return upcoming or found


def claims(text: str) -> bool:
    """Whether `handle` takes `text` (read without the database)."""
    return _matched(text) is not None


def handle(text: str, *, runtime: Runtime, asker: Asker, now: datetime) -> Answer | None:
    """Carry out a reminder command, or return None if `text` is not one."""
    matched = _matched(text)
    if matched is None:
        return None
    action, groups = matched
    try:
        with db.session_scope(runtime.engine) as session:
            return action(session, text, groups, asker, now, runtime.settings)
    except reminders.ReminderError as e:
        return reply(text, now, "reminder_error", str(e))


def _matched(text: str) -> tuple[Callable[..., Answer], dict[str, str | None]] | None:
    """The command's action and its named parts (as the user wrote them), if it is one."""
    as_said = _clean(text)
    said = as_said.lower()
    matchers = (
        (SETTINGS, my_settings.show_settings),
        (SET_DEFAULTS, my_settings.set_defaults),
        (CLEAR_DEFAULTS, my_settings.clear_defaults),
        (UNSUBSCRIBE, _unsubscribe),
        (STOP, _stop),
        (OFFSET_BEFORE, _remind_before),
        (DEADLINES_OF, _remind_deadlines),
        (CHANNEL, _channel),
        (ADD_DEADLINE, _add_deadline),
        (ABOUT, _remind_before),
    )
    for pattern, action in matchers:
        m = pattern.match(said)
        if m:
            groups = m.groupdict()
            if len(as_said) == len(said):  # names as the user wrote them, for the replies
                groups = {k: as_said[slice(*m.span(k))] if v else v for k, v in groups.items()}
            return action, groups
    return None


def _one_meeting(session: Session, ref: str, now: datetime) -> Meeting:
    found = resolve_meeting(session, ref, now=now)
    if not found:
        raise reminders.ReminderError(f"I don't know a meeting called “{ref}”.")
    if len(found) > 1:
        names = "; ".join(f"{m.short_name or m.title} ({m.id})" for m in found[:6])
        raise reminders.ReminderError(f"“{ref}” could be several meetings: {names}. Which one?")
    return found[0]


def meeting_group(said: str) -> tuple[RuleScope, str, str] | None:
    """A group of meetings as a rule scope: "all meetings", a region ("African meetings"), or
    a kind ("the regional meetings", "workshops"); None when it names none of these (or is
    singular: "the African meeting" is one meeting)."""

    what = re.sub(r"^(?:all\s+)?(?:of\s+)?(?:the\s+)?", "", said.strip().lower())
    what = re.sub(r"\s+", " ", what)
    if what in ("", "all", "every", "meetings", "meeting", "every meeting", "everything"):
        return RuleScope.all, "", "all meetings"
    if not what.endswith("s"):
        return None  # "the bureau meeting" is one meeting; "bureau meetings" are a group
    region = places.region_name(re.sub(r" (?:region )?meetings?$", "", what))
    if region:
        return RuleScope.region, region, f"meetings in {region}"
    singular = re.sub(r"s$", "", what).replace("-", " ")
    for phrase in (what, singular, re.sub(r" meeting$", "", singular)):
        kind_word = KIND_PHRASES.get(phrase)
        if kind_word and len(kind_word.kinds) == 1:
            kind = str(kind_word.kinds[0])
            return RuleScope.kind, kind, kind_plural(kind)
    return None


def _each(scope: str, label: str) -> str:
    """What a rule reminds of, after "before": one meeting, or each of a group."""
    if scope == RuleScope.meeting:
        return label
    return "every meeting" if scope == RuleScope.all else f"each of the {label}"


def _remind_before(
    session: Session,
    text: str,
    g: dict[str, str | None],
    asker: Asker,
    now: datetime,
    settings: Settings,
) -> Answer:
    ref = g["ref"] or ""
    group = meeting_group(ref)
    meeting = None if group else _one_meeting(session, ref, now)
    today = asker_today(now, asker, settings.default_tz)
    if meeting is not None:
        _refuse_if_over(meeting, today)
    if g.get("n"):
        word = (g["n"] or "").lower()
        n = NUMBERS.get(word) or int(word or 0)
        asked = [n * (7 if (g["unit"] or "").lower().startswith("week") else 1)]
    else:
        asked = None
    if meeting is not None and asker.platform not in reminders.CHANNELS:
        # the command line cannot be reached later: say when it would be, and how to set it up
        days = asked or reminders.parse_offsets(settings.reminders_before)
        on = _on_days(meeting, days, today)
        raise reminders.ReminderError(
            f"{days_text(days).capitalize()} before {rt.name_in_sentence(meeting)} is {on}. "
            f"{NO_REACH} `secbot reminders add --user slack:U… --meeting {meeting.id} "
            f"--before {reminders.offsets_text(days)}`."
        )
    who = person_key(asker)
    days = asked or default_offsets(session, who, settings)
    if meeting is not None:
        scope, value, label = RuleScope.meeting, meeting.id, rt.name_in_sentence(meeting)
    else:
        assert group is not None
        scope, value, label = group
    rule = reminders.add_rule(
        session, subscriber=who, scope=scope, scope_value=value,
        offsets=days, now=now, timezone=person_zone(session, who, asker, settings),
        follows_profile=True,
        time_of_day=reminders.parse_time_of_day(settings.reminders_time_of_day),
    )  # fmt: skip
    when = days_text(rule.offsets)
    note = ""
    if meeting is not None and not reminders.has_date(meeting):
        note = " It has no date yet; I'll remind you once it has one."
    elif meeting is not None:
        note = f" That is {_on_days(meeting, rule.offsets, today)}."
        late = [d for d in rule.offsets if _reminder_day(meeting, d) < today]
        if late:
            note += f" ({days_text(late).capitalize()} before has already passed.)"
    return reply(
        text, now, "reminder_set",
        f"OK: I'll remind you {when} before {_each(scope, label)}, at "
        f"{rule.time_of_day:%H:%M} ({rule.timezone}).{note}",
        meetings=[meeting] if meeting else [],
    )  # fmt: skip


NO_REACH = "From the command line I cannot reach you later; to set it up, run"


def _refuse_if_over(meeting: Meeting, today: date) -> None:
    """A reminder for a meeting that is over (or cancelled) can never go out: refuse, saying
    why."""
    name = rt.name_in_sentence(meeting)
    if meeting.status == Status.cancelled:
        raise reminders.ReminderError(f"{name[0].upper()}{name[1:]} was cancelled: there is "
                                      "nothing to remind you of.")  # fmt: skip
    if rt.is_past(meeting, today):
        raise reminders.ReminderError(
            f"{name[0].upper()}{name[1:]} already took place ({rt.when_where(meeting)}): it is "
            "in the past, so there is nothing to remind you of."
        )


def _reminder_day(meeting: Meeting, days: int) -> date:
    assert meeting.start_date is not None
    return meeting.start_date - timedelta(days=days)


def _on_days(meeting: Meeting, days: list[int], today: date) -> str:
    """ "on Sunday 31 January 2016" (for each offset) or, without a date, when it has one."""
    if not reminders.has_date(meeting):
        return "not known yet (it has no date)"
    return rt.join([f"{d:%A} {d.day} {d:%B %Y}" for d in
                    (_reminder_day(meeting, n) for n in sorted(days, reverse=True))])  # fmt: skip


def _remind_deadlines(
    session: Session,
    text: str,
    g: dict[str, str | None],
    asker: Asker,
    now: datetime,
    settings: Settings,
) -> Answer:
    meeting = _one_meeting(session, g["ref"] or "", now)
    _refuse_if_over(meeting, asker_today(now, asker, settings.default_tz))
    who = person_key(asker)
    word = (g.get("kind") or "").lower()
    kinds = [] if word in ("", "all", "the") else [DEADLINE_WORDS.get(word, "")]
    if kinds == [""]:
        raise reminders.ReminderError(
            f"I don't know “{word}” deadlines; try documents, registration, visa, travel, "
            "nominations or comments."
        )
    rule = reminders.add_rule(
        session, subscriber=who, scope=RuleScope.meeting, scope_value=meeting.id,
        offsets=default_offsets(session, who, settings), now=now,
        timezone=person_zone(session, who, asker, settings),
        follows_profile=True,
        time_of_day=reminders.parse_time_of_day(settings.reminders_time_of_day),
        starts=False, deadlines=True, deadline_kinds=kinds,
    )  # fmt: skip
    deadlines = [
        d
        for d in repo.list_deadlines(session, meeting_ids=[meeting.id])
        if not kinds or d.kind in kinds
    ]
    label = rt.name_in_sentence(meeting)
    what = f"{kinds[0].removesuffix('s')} deadlines" if kinds else "deadlines"
    listed = (
        "; ".join(f"{d.title}: {d.due_date:%d %B %Y}" for d in deadlines)
        or "none are set yet; I'll remind you of them once they are"
    )
    return reply(
        text, now, "reminder_set",
        f"OK: I'll remind you of {what} for {label} "
        f"({days_text(rule.offsets)} before). {listed[0].upper()}{listed[1:]}.",
        meetings=[meeting], deadlines=deadlines,
    )  # fmt: skip


def _channel(
    session: Session,
    text: str,
    g: dict[str, str | None],
    asker: Asker,
    now: datetime,
    settings: Settings,
) -> Answer:
    if not asker.channel_id or asker.platform not in ("slack", "teams"):
        raise reminders.ReminderError("Ask me in the channel the reminders should go to.")
    channel = f"{asker.platform}:{asker.channel_id}"
    if not rights.may_set_channel_wide(asker, channel, by=settings.channel_wide_by):
        raise reminders.ReminderError(rights.REFUSED)
    group = meeting_group(g["what"] or "")
    if group is None:
        raise reminders.ReminderError(
            f"I can post reminders for a region (“African meetings”), a kind (“workshops”) or "
            f"“all meetings”, not for “{g['what']}”."
        )
    scope, value, label = group
    rule = reminders.add_rule(
        session, subscriber=channel, scope=scope,
        scope_value=value, offsets=reminders.parse_offsets(settings.reminders_before), now=now,
        timezone=asker_zone(asker, settings),
        time_of_day=reminders.parse_time_of_day(settings.reminders_time_of_day),
    )  # fmt: skip
    return reply(
        text, now, "channel_reminders_set",
        f"OK: I'll post reminders for {label} in this channel "
        f"({days_text(rule.offsets)} before, {rule.time_of_day:%H:%M} "
        f"{rule.timezone}).",
    )  # fmt: skip


def _stop(
    session: Session,
    text: str,
    g: dict[str, str | None],
    asker: Asker,
    now: datetime,
    settings: Settings,
) -> Answer:
    who = person_key(asker)
    ref = g["ref"] or ""
    if ref.lower() in ("anything", "everything", "meetings", "all meetings"):
        return _unsubscribe(session, text, g, asker, now, settings)
    meeting = _one_meeting(session, ref, now)
    reminders.mute_meeting(session, subscriber=who, meeting_id=meeting.id, now=now)
    return reply(
        text, now, "reminder_stopped",
        f"OK: no more reminders about {rt.name_in_sentence(meeting)}.",
        meetings=[meeting],
    )  # fmt: skip


def _unsubscribe(
    session: Session,
    text: str,
    g: dict[str, str | None],
    asker: Asker,
    now: datetime,
    settings: Settings,
) -> Answer:
    who = person_key(asker)
    rules = reminders.unsubscribe(session, subscriber=who, now=now)
    if not rules:
        return reply(text, now, "reminders_unsubscribed", "You had no reminders set.")
    return reply(
        text, now, "reminders_unsubscribed",
        f"OK: I've stopped all your reminders ({len(rules)} rule{'s' * (len(rules) != 1)}).",
    )  # fmt: skip


def _add_deadline(
    session: Session,
    text: str,
    g: dict[str, str | None],
    asker: Asker,
    now: datetime,
    settings: Settings,
) -> Answer:
    if not asker.is_admin:
        raise reminders.ReminderError("Only secretariat admins can add deadlines.")
    kind = DEADLINE_WORDS.get((g["kind"] or "").lower(), "custom")
    meeting = _one_meeting(session, g["ref"] or "", now)
    parsed = dateparser.parse(
        g["date"] or "",
        languages=["en"],
        settings={"RELATIVE_BASE": now.replace(tzinfo=None), "PREFER_DATES_FROM": "future"},
    )
    if parsed is None:
        raise reminders.ReminderError(
            f"I can't read “{g['date']}” as a date (try 25 January 2016)."
        )
    title = (g["kind"] or "custom").capitalize() if kind == "custom" else kind.capitalize()
    deadline = repo.add_deadline(
        session,
        data=DeadlineData(
            meeting_id=meeting.id, title=title, kind=DeadlineKind(kind), due_date=parsed.date()
        ),
        now=now,
    )
    reminders.replan_meeting(session, meeting_id=meeting.id, now=now)
    return reply(
        text, now, "deadline_added",
        f"Added: {deadline.title} for {meeting.short_name or meeting.title}, due "
        f"{deadline.due_date:%d %B %Y}.",
        meetings=[meeting], deadlines=[deadline],
    )  # fmt: skip
