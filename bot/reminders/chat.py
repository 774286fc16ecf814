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
from datetime import datetime

import dateparser
from sqlmodel import Session

from bot import reminders
from bot.ask.words import KIND_PHRASES
from bot.conversation import Answer, Asker
from bot.reminders import profiles
from bot.runtime import Runtime
from bot.settings import Settings
from storage import db, people, places, repo
from storage.models import (
    KIND_LABELS,
    DeadlineData,
    DeadlineKind,
    Meeting,
    ReminderRule,
    RuleScope,
    Status,
)

NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip
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
OFFSET_WORDS = re.compile(rf"^(?P<n>\d{{1,3}}|{'|'.join(NUMBERS)})\s*(?P<unit>d|days?|w|weeks?)$")


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().rstrip(".!?").strip())


def _strip_meeting_word(ref: str) -> str:
    return re.sub(r"\s+(?:meeting|session|conference|workshop)$", "", ref.strip()).strip()


def resolve_meeting(session: Session, ref: str, *, now: datetime) -> list[Meeting]:
    """Meetings `ref` may mean: an exact id wins; else text matches, upcoming ones preferred."""
    ref = ref.strip()
    exact = repo.get_meeting(session, meeting_id=ref.lower())
    if exact is not None:
        return [exact]
    found = repo.find_meetings_text(session, text=ref) or repo.find_meetings_text(
        session, text=_strip_meeting_word(ref)
    )
    if len(found) <= 1:
        return found
    today = now.date()
    upcoming = [
        m
        for m in found
        if m.status != Status.cancelled and (m.start_date is None or m.start_date >= today)
    ]
    return upcoming or found


def _reply(question: str, now: datetime, intent: str, text: str, **kw: object) -> Answer:
    return Answer(question=question, now=now, intent=intent, text=text, **kw)  # type: ignore[arg-type]


def handle(text: str, *, runtime: Runtime, asker: Asker, now: datetime) -> Answer | None:
    """Carry out a reminder command, or return None if `text` is not one."""
    as_said = _clean(text)
    said = as_said.lower()
    matchers = (
        (SETTINGS, _settings),
        (SET_DEFAULTS, _set_defaults),
        (CLEAR_DEFAULTS, _clear_defaults),
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
            try:
                with db.session_scope(runtime.engine) as session:
                    return action(session, text, groups, asker, now, runtime.settings)
            except reminders.ReminderError as e:
                return _reply(text, now, "reminder_error", str(e))
    return None


def _person(asker: Asker) -> str:
    if not asker.user_id:
        raise reminders.ReminderError(
            "I need to know who you are to remind you: ask me in Slack or Teams, or use "
            "`secbot reminders add --email ...`."
        )
    if asker.platform not in reminders.CHANNELS:
        raise reminders.ReminderError(
            "Reminders go to Slack, Teams or e-mail: ask me there, or use `secbot reminders add`."
        )
    return f"{asker.platform}:{asker.user_id}"


def _one_meeting(session: Session, ref: str, now: datetime) -> Meeting:
    found = resolve_meeting(session, ref, now=now)
    if not found:
        raise reminders.ReminderError(f"I don't know a meeting called “{ref}”.")
    if len(found) > 1:
        names = "; ".join(f"{m.short_name or m.title} ({m.id})" for m in found[:6])
        raise reminders.ReminderError(f"“{ref}” could be several meetings: {names}. Which one?")
    return found[0]


def kind_plural(kind: str) -> str:
    """ "regional_meeting" → "regional meetings", "workshop" → "workshops"."""

    return KIND_LABELS.get(kind, "Meeting").lower() + "s"


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


def _tz(asker: Asker, settings: Settings) -> str:
    return asker.timezone or settings.default_tz


def _person_tz(session: Session, who: str, asker: Asker, settings: Settings) -> str:
    """A person's rule zone: their profile's (the rule follows it from then on)."""
    return profiles.zone_for(
        session, user_key=who, asker_zone=asker.timezone, default=settings.default_tz
    )


def _defaults(session: Session, who: str, settings: Settings) -> list[int]:
    return profiles.default_offsets(session, user_key=who, settings=settings)


def days_text(days: list[int]) -> str:
    """[1, 3, 14] → "1 day, 3 days and 2 weeks"."""
    words = [
        f"{d // 7} week{'s' * (d != 7)}" if d and d % 7 == 0 else f"{d} day{'s' * (d != 1)}"
        for d in days
    ]
    return " and ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)


def offsets_in_words(text: str) -> list[int]:
    """ "1 day and 1 week before", "2d, 1w", "a week and three days" → days, sorted."""
    said = re.sub(r"\s+(?:before|ahead|in\s+advance)$", "", text.strip().lower())
    codes = []
    for part in (p.strip() for p in re.split(r",|\band\b|&|\+", said)):
        if not part:
            continue
        m = OFFSET_WORDS.match(part)
        if not m:
            raise reminders.ReminderError(
                f"I can't read “{part}” as a time before a meeting: try “1 day and 1 week "
                "before” or “2d, 1w”."
            )
        codes.append(f"{NUMBERS.get(m['n']) or int(m['n'])}{m['unit'][0]}")
    if not codes:
        raise reminders.ReminderError("Say how long before, e.g. “1 day and 1 week before”.")
    return reminders.parse_offsets(",".join(codes))


def _remind_before(
    session: Session,
    text: str,
    g: dict[str, str | None],
    asker: Asker,
    now: datetime,
    settings: Settings,
) -> Answer:
    who = _person(asker)
    ref = g["ref"] or ""
    group = meeting_group(ref)
    meeting = None if group else _one_meeting(session, ref, now)
    if g.get("n"):
        word = (g["n"] or "").lower()
        n = NUMBERS.get(word) or int(word or 0)
        days = [n * (7 if (g["unit"] or "").lower().startswith("week") else 1)]
    else:
        days = _defaults(session, who, settings)
    scope, value, label = (
        group if group else (RuleScope.meeting, meeting.id, meeting.short_name or meeting.title)  # type: ignore[union-attr]
    )
    rule = reminders.add_rule(
        session, subscriber=who, scope=scope, scope_value=value,
        offsets=days, now=now, timezone=_person_tz(session, who, asker, settings),
        follows_profile=True,
        time_of_day=reminders.parse_time_of_day(settings.reminders_time_of_day),
    )  # fmt: skip
    when = days_text(rule.offsets)
    note = ""
    if meeting is not None and not meeting.start_date:
        note = " It has no date yet; I'll remind you once it has one."
    return _reply(
        text, now, "reminder_set",
        f"OK: I'll remind you {when} before {_each(scope, label)}, at "
        f"{rule.time_of_day:%H:%M} ({rule.timezone}).{note}",
        meetings=[meeting] if meeting else [],
    )  # fmt: skip


def _remind_deadlines(
    session: Session,
    text: str,
    g: dict[str, str | None],
    asker: Asker,
    now: datetime,
    settings: Settings,
) -> Answer:
    who = _person(asker)
    meeting = _one_meeting(session, g["ref"] or "", now)
    word = (g.get("kind") or "").lower()
    kinds = [] if word in ("", "all", "the") else [DEADLINE_WORDS.get(word, "")]
    if kinds == [""]:
        raise reminders.ReminderError(
            f"I don't know “{word}” deadlines; try documents, registration, visa, travel, "
            "nominations or comments."
        )
    rule = reminders.add_rule(
        session, subscriber=who, scope=RuleScope.meeting, scope_value=meeting.id,
        offsets=_defaults(session, who, settings), now=now,
        timezone=_person_tz(session, who, asker, settings),
        follows_profile=True,
        time_of_day=reminders.parse_time_of_day(settings.reminders_time_of_day),
        starts=False, deadlines=True, deadline_kinds=kinds,
    )  # fmt: skip
    deadlines = [
        d
        for d in repo.list_deadlines(session, meeting_ids=[meeting.id])
        if not kinds or d.kind in kinds
    ]
    label = meeting.short_name or meeting.title
    what = f"{kinds[0].removesuffix('s')} deadlines" if kinds else "deadlines"
    listed = (
        "; ".join(f"{d.title}: {d.due_date:%d %B %Y}" for d in deadlines)
        or "none are set yet; I'll remind you of them once they are"
    )
    return _reply(
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
    group = meeting_group(g["what"] or "")
    if group is None:
        raise reminders.ReminderError(
            f"I can post reminders for a region (“African meetings”), a kind (“workshops”) or "
            f"“all meetings”, not for “{g['what']}”."
        )
    scope, value, label = group
    rule = reminders.add_rule(
        session, subscriber=f"{asker.platform}:{asker.channel_id}", scope=scope,
        scope_value=value, offsets=reminders.parse_offsets(settings.reminders_before), now=now,
        timezone=_tz(asker, settings),
        time_of_day=reminders.parse_time_of_day(settings.reminders_time_of_day),
    )  # fmt: skip
    return _reply(
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
    who = _person(asker)
    ref = g["ref"] or ""
    if ref.lower() in ("anything", "everything", "meetings", "all meetings"):
        return _unsubscribe(session, text, g, asker, now, settings)
    meeting = _one_meeting(session, ref, now)
    reminders.mute_meeting(session, subscriber=who, meeting_id=meeting.id, now=now)
    return _reply(
        text, now, "reminder_stopped",
        f"OK: no more reminders about {meeting.short_name or meeting.title}.",
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
    who = _person(asker)
    rules = reminders.unsubscribe(session, subscriber=who, now=now)
    if not rules:
        return _reply(text, now, "reminders_unsubscribed", "You had no reminders set.")
    return _reply(
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
    return _reply(
        text, now, "deadline_added",
        f"Added: {deadline.title} for {meeting.short_name or meeting.title}, due "
        f"{deadline.due_date:%d %B %Y}.",
        meetings=[meeting], deadlines=[deadline],
    )  # fmt: skip


# --- a person's defaults and settings ----------------------------------------------------------


def _set_defaults(
    session: Session,
    text: str,
    g: dict[str, str | None],
    asker: Asker,
    now: datetime,
    settings: Settings,
) -> Answer:
    who = _person(asker)
    days = offsets_in_words(g["offsets"] or "")
    people.set_default_offsets(session, user_key=who, offsets=days, now=now)
    return _reply(
        text, now, "reminder_defaults_set",
        f"OK: when you don't say how long before, I'll remind you {days_text(days)} before, "
        f"at {settings.reminders_time_of_day} ({_person_tz(session, who, asker, settings)}).",
    )  # fmt: skip


def _clear_defaults(
    session: Session,
    text: str,
    g: dict[str, str | None],
    asker: Asker,
    now: datetime,
    settings: Settings,
) -> Answer:
    who = _person(asker)
    people.set_default_offsets(session, user_key=who, offsets=None, now=now)
    days = _defaults(session, who, settings)
    return _reply(
        text, now, "reminder_defaults_set",
        f"OK: your default reminders are the secretariat's again: {days_text(days)} before.",
    )  # fmt: skip


def _rule_line(session: Session, rule: ReminderRule) -> str:
    if rule.scope == RuleScope.meeting:
        m = repo.get_meeting(session, meeting_id=rule.scope_value)
        what = f"{m.short_name or m.title} ({m.id})" if m else rule.scope_value
    elif rule.scope == RuleScope.region:
        what = f"meetings in {rule.scope_value}"
    elif rule.scope == RuleScope.kind:
        what = kind_plural(rule.scope_value)
    else:
        what = "all meetings"
    if rule.deadlines:
        what = f"deadlines of {what}" if not rule.starts else f"{what} and their deadlines"
    zone = "your zone" if rule.follows_profile else rule.timezone
    return f"• {what}: {days_text(rule.offsets)} before, at {rule.time_of_day:%H:%M} ({zone})"


def _settings(
    session: Session,
    text: str,
    g: dict[str, str | None],
    asker: Asker,
    now: datetime,
    settings: Settings,
) -> Answer:
    who = _person(asker)
    person = people.get_person(session, user_key=who)
    profile_zone = asker.timezone or (person.timezone if person else None)
    zone = (
        f"Your time zone: {profile_zone} (from your {asker.platform.capitalize()} profile)."
        if profile_zone
        else f"Your time zone: not known yet, so I use {settings.default_tz}."
    )
    own = person.default_offsets if person else None
    defaults = (
        f"Default reminders: {days_text(own)} before."
        if own
        else f"Default reminders: {days_text(_defaults(session, who, settings))} before (the "
        "secretariat's; say “set my default reminders to 1 day and 1 week before” to change)."
    )
    rules = [r for r in reminders.list_rules(session, subscriber=who) if r.active]
    listed = (
        "Your reminders:\n" + "\n".join(_rule_line(session, r) for r in rules)
        if rules
        else "You have no reminders set."
    )
    return _reply(text, now, "reminder_settings", f"{zone}\n{defaults}\n{listed}")
