"""Short names a question uses that the store does not have ("COP1", "INC 8", "ICCM5"): they
make an honest "I have no meeting called …", never a guess at another meeting."""

from __future__ import annotations

import re

from bot.ask.query import Query
from bot.ask.timespan import MONTHS
from bot.ask.vocabulary import Vocabulary, squash
from bot.ask.words import STOPWORDS

# letters and a number, written together ("cop1", "INC8") or, in capitals, apart ("COP 1")
NAME_LIKE = re.compile(r"\b([A-Za-z]{2,10})(-| )?(\d{1,3})\b")


def _letters(short_name: str) -> str:
    m = re.fullmatch(r"([a-z]+)\d+", squash(short_name))
    return m.group(1) if m else ""


def read_unknown_names(q: Query, original: str, remaining: str, vocab: Vocabulary) -> None:
    """Record in `q` the short-name-like words of `original` that no stored meeting has, and
    the stored short names that share their letters (INC7 for INC8)."""
    for m in NAME_LIKE.finditer(original):
        letters, gap, number = m.group(1), m.group(2), m.group(3)
        folded = letters.lower()
        if folded in MONTHS or folded in STOPWORDS or (gap == " " and not letters.isupper()):
            continue
        token = squash(letters + number)
        if token in vocab.short_names or not re.search(rf"\b{folded}\W?{number}\b", remaining):
            continue
        q.unknown_names.append(m.group(0))
        near = [name for key, name in vocab.short_names.items() if _letters(key) == folded]
        q.near_names.extend(n for n in near if n not in q.near_names)
        # "INC 8" read "INC" as the stored INC meetings: it names none of them
        q.short_names = [s for s in q.short_names if _letters(s) != folded]
        q.terms = [t for t in q.terms if t != token]
        if q.series and near:
            q.series = []
