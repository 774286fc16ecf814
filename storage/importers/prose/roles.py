"""What a date in a sentence is: a meeting's dates, a deadline, a document's own date, or
something else; and the date a document gives itself."""

from __future__ import annotations

import re
from datetime import date

from storage.importers.prose.dates import DateMention, find_dates
from storage.importers.prose.phrases import BODY_NOUN, MEETING_NOUN
from storage.importers.prose.text import Document

_PLACE_NAME = r"(?-i:[A-Z\u00c0-\u00de])(?:[^\W\d_]|[ .'()-]){1,40}"
# "Stockholm, ", "Gland, Switzerland, ", "Genève, le ": a place, then the date
DATELINE = re.compile(rf"^\s*(?:{_PLACE_NAME},\s*(?:{_PLACE_NAME},\s*)?(?:le\s+)?)?$")
DATELINE_END = re.compile(r"^\s*(?:\([^)]{1,40}\)\s*)?(?:[-–—:.]|$)")
DEADLINE_BEFORE = re.compile(
    r"\b(?:by|before|no later than|not later than|deadline(?: is| of| for \w+(?: \w+)?)?|"
    r"due(?: on| by)?|closes? on|prior to|until|au plus tard le|avant le|date limite)\s*:?\s*"
    r"(?:(?:Monday|Tuesday|Wednesday|"
    r"Thursday|Friday|Saturday|Sunday),?\s+)?$",
    re.I,
)
# "Deadline for nominations to be examined in 2026: 1 February 2025"
_DEADLINE_LABEL = re.compile(r"^\s*(?:deadline|date limite)\b[^.;:]{0,80}:\s*$", re.I)
_DEADLINE_WORDS = re.compile(
    r"\b(?:deadline|submit|submission|register|registration|nominat|comments?|apply|"
    r"application|visa|travel|send|provide|inform|confirm|due|transmettre|soumettre|envoyer|"
    r"inscri|propositions?)\w*",
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
    r"entered into force|entry into force|enters? into force|entrée? en vigueur|"
    r"deposited|published|issued|circulated|released|"
    r"launched|established|created|came into|effective|received|submitted|sent|transmitted|"
    r"as at|as of|since|beginning|began|started|launch|update[ds]?|revised|"
    r"opened for signature|elected|appointed)\b[^.;]{0,30}$",
    re.I,
)
# "adopted by the Conference of the Parties on", "elected at the closing plenary of … on"
_DONE_BY_ON = re.compile(
    r"\b(?:adopted|established|elected|appointed|approved|signed|launched)\s+(?:by|at|during)\s"
    r"[^.;:]{0,90}?\s(?:on|in)\s+$",
    re.I,
)
# "originally scheduled for", "initialement prévue du": dates a meeting no longer has
_SUPERSEDED = re.compile(
    r"\b(?:originally|initially|previously|initialement)\s+(?:\w+\s+){0,2}$", re.I
)
_MEETING_VERB = re.compile(
    r"\b(?:held|hold|holding|took place|take place|taking place|meet|met|meets|convene[ds]?|"
    r"convening|organi[sz]ed|hosted|scheduled|gathered|attended|participated|took part)\b",
    re.I,
)


def role_of(
    sentence: str, d: DateMention, context: str, has_place: bool, *, listed: bool = False
) -> str:
    """meeting | deadline | document | other. A date opening a list item ("• 3 April 2024 —
    Bureau, videoconference") is no dateline."""
    before, after = sentence[: d.begin], sentence[d.stop :]
    if d.precision == "period" or d.days > 45:
        return "other"
    if d.days == 1 and DATELINE.match(before) and DATELINE_END.match(after) and not listed:
        return "document"
    if _DOCUMENT_BEFORE.search(before[-60:]):
        return "document"
    if (
        DEADLINE_BEFORE.search(before[-40:]) or _DEADLINE_LABEL.search(before)
    ) and _DEADLINE_WORDS.search(sentence):
        return "deadline"
    if _SUPERSEDED.search(before[-40:]):
        return "other"
    # a word before the date that says it is not a meeting's, unless a meeting verb follows
    # it ("the decision adopted at the workshop held in Lima on …")
    tail = before[-120:]
    near = max(len(tail) - 45, 0)
    negatives = [m.start() for m in (_NOT_MEETING_BEFORE.search(tail, near),
                                     _DONE_BY_ON.search(tail)) if m]  # fmt: skip
    positives = [m.start() for m in _MEETING_VERB.finditer(tail, near)]
    if negatives and max(positives, default=-1) < max(negatives):
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


_STAMPED = re.compile(
    r"(?:\b(?:last\s+)?(?:updated|modified|mise à jour)(?:\s+on)?|^\s*(?:Date|Distribution|"
    r"Submitted(?:\s+on)?|Prepared(?:\s+on)?|Issued(?:\s+on)?|Published(?:\s+on)?))\s*:?\s*$",
    re.I,
)
