"""What a date in a sentence is: a meeting's dates, a deadline, a document's own date, or
something else; and the date a document gives itself."""

from __future__ import annotations

import re
from datetime import date

from storage.importers.prose.dates import DateMention, find_dates
from storage.importers.prose.phrases import BODY_NOUN, MEETING_NOUN
from storage.importers.prose.text import Document

DATELINE = re.compile(r"^\s*(?:[A-Z][A-Za-z .'()-]{1,40},\s*)?$")
DATELINE_END = re.compile(r"^\s*(?:\([^)]{1,40}\)\s*)?(?:[-–—:.]|$)")
DEADLINE_BEFORE = re.compile(
    r"\b(?:by|before|no later than|not later than|deadline(?: is| of| for \w+(?: \w+)?)?|"
    r"due(?: on| by)?|closes? on|prior to|until)\s*:?\s*(?:(?:Monday|Tuesday|Wednesday|"
    r"Thursday|Friday|Saturday|Sunday),?\s+)?$",
    re.I,
)
_DEADLINE_WORDS = re.compile(
    r"\b(?:deadline|submit|submission|register|registration|nominat|comments?|apply|"
    r"application|visa|travel|send|provide|inform|confirm|due)\w*",
    re.I,
)
_DOCUMENT_BEFORE = re.compile(
    r"\b(?:decisions?|resolutions?|recommendations?|letters?|notes?(?: verbale)?|notifications?|"
    r"communications?|memorandum|circulars?|laws?|acts?|documents?|reports?|conventions?|"
    r"protocols?|amendments?|agreements?|declarations?)\b[^.;]{0,40}?\b(?:of|dated)\s+$|"
    r"\bdated\s+$",
    re.I,
)
_NOT_MEETING_BEFORE = re.compile(
    r"\b(?:adopted|signed|signature|ratified|ratification|accession|accepted|approved|"
    r"entered into force|entry into force|deposited|published|issued|circulated|released|"
    r"launched|established|created|came into|effective|received|submitted|sent|transmitted|"
    r"as at|as of|since|beginning|began|started|launch|update[ds]?|revised|"
    r"opened for signature|elected|appointed)\b[^.;]{0,30}$",
    re.I,
)
_MEETING_VERB = re.compile(
    r"\b(?:held|hold|holding|took place|take place|taking place|meet|met|meets|convene[ds]?|"
    r"convening|organi[sz]ed|hosted|scheduled|gathered|attended|participated|took part)\b",
    re.I,
)


def role_of(sentence: str, d: DateMention, context: str, has_place: bool) -> str:
    """meeting | deadline | document | other."""
    before, after = sentence[: d.begin], sentence[d.stop :]
    if d.precision == "period" or d.days > 45:
        return "other"
    if DATELINE.match(before) and DATELINE_END.match(after):
        return "document"
    if _DOCUMENT_BEFORE.search(before[-60:]):
        return "document"
    if DEADLINE_BEFORE.search(before[-40:]) and _DEADLINE_WORDS.search(sentence):
        return "deadline"
    near = before[-45:]
    negative = _NOT_MEETING_BEFORE.search(near)
    positive = None
    for m in _MEETING_VERB.finditer(near):
        positive = m
    if negative and (positive is None or positive.start() < negative.start()):
        return "other"
    meetingish = MEETING_NOUN.search(context) or BODY_NOUN.search(context)
    if d.precision == "month":
        return "meeting" if has_place and meetingish else "other"
    if meetingish or (has_place and _MEETING_VERB.search(context)):
        return "meeting"
    return "other"


# ---------------------------------------------------------------------------- document date


def document_date(doc: Document) -> date | None:
    """The date the document gives itself: a dateline ("Stockholm, 21 May 2001", "GENEVA,
    4 July 2017 –") or a date standing alone near the top."""
    for block in doc.blocks[:25]:
        mentions, _ = find_dates(block.text)
        for d in mentions:
            if d.precision != "day" or not d.year_given or d.days > 1:
                continue
            if DATELINE.match(block.text[: d.begin]) and DATELINE_END.match(block.text[d.stop :]):
                return d.start
    for block in doc.blocks:  # "Last updated on 2 July 2018", "Date: 4 July 2017"
        mentions, _ = find_dates(block.text)
        for d in mentions:
            if d.precision == "day" and _STAMPED.search(block.text[: d.begin]):
                return d.start
    return None


_STAMPED = re.compile(r"(?:\b(?:last\s+)?(?:updated|modified)(?:\s+on)?|^\s*Date)\s*:?\s*$", re.I)
