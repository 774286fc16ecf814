"""The searchable words of a meeting, for the `meeting_word` index (see storage.models).

A question's words ("financing", "dental amalgam", "subregional") and organisations are then
indexed lookups on SQLite and PostgreSQL alike, not a LIKE over every meeting's text. Words are
folded (lower case, no accents) runs of letters and digits; a word of the title or series is
stored under field "title", one only in the short name or description under "text", and each
host, funder and partner's folded name whole under its role.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache, partial
from typing import Any

from storage import places

WORD = re.compile(r"[a-z0-9]+")
MAX_WORD = 40  # longer words are stored cut; a prefix search cuts its word the same way
MAX_NAME = 100
SKIP = frozenset({"the", "and", "for", "with", "from"})  # questions never search for these
TEXT_FIELDS = ("title", "text")
ROLES = ("hosts", "funders", "partners")


def words_in(text: str | None) -> frozenset[str]:
    """The indexed words of one text."""
    return _words(text) if text else frozenset()


@lru_cache(maxsize=65_536)  # titles, notes and names repeat across a store's meetings
def _words(text: str) -> frozenset[str]:
    found = WORD.findall(places.fold(text))
    return frozenset(w[:MAX_WORD] for w in found if len(w) >= 3 and w not in SKIP)


@lru_cache(maxsize=65_536)
def org_key(name: str) -> str:
    """How an organisation's name is stored and looked up."""
    return places.fold(name)[:MAX_NAME]


def meeting_words(meeting: Mapping[str, Any] | Any) -> set[tuple[str, str]]:
    """(field, word) pairs of a meeting, given as a row mapping or a `Meeting`."""

    get: Any = meeting.get if isinstance(meeting, Mapping) else partial(getattr, meeting)

    title = words_in(get("title")) | words_in(get("series"))
    text = (words_in(get("short_name")) | words_in(get("description"))) - title
    pairs = {("title", w) for w in title} | {("text", w) for w in text}
    for role in ROLES:
        pairs.update((role, org_key(name)) for name in get(role) or [] if name)
    return pairs


def word_rows(meetings: Iterable[Mapping[str, Any] | Any]) -> list[dict[str, str]]:
    """`meeting_word` rows for meetings (mappings or `Meeting`s with an `id`)."""
    names = ("meeting_id", "field", "word")
    return [dict(zip(names, row, strict=True)) for row in word_tuples(meetings)]


def word_tuples(meetings: Iterable[Mapping[str, Any] | Any]) -> list[tuple[str, str, str]]:
    """`word_rows` as (meeting_id, field, word) tuples, what a driver's executemany takes."""
    rows: list[tuple[str, str, str]] = []
    for m in meetings:
        meeting_id = m["id"] if isinstance(m, Mapping) else m.id
        rows.extend((meeting_id, f, w) for f, w in meeting_words(m))
    return rows


def prefix_upper(word: str) -> str:
    """The upper bound of a prefix range: every stored word starting with `word` lies in
    [word, prefix_upper(word)], in byte order and in PostgreSQL's linguistic collations (the
    words hold only a–z and 0–9)."""
    return word + "z" * MAX_WORD
