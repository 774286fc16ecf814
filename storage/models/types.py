"""Column types and small helpers shared by every table: UTC date-times, slugs."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    DateTime,
    TypeDecorator,
)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes stored as UTC on every backend (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def slugify(text: str) -> str:
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80] or "meeting"


def tidy(text: str) -> str:
    r"""`text` without surrounding whitespace, but a leading tab kept: what a file gave is kept
    (`\t=1+1` is not `=1+1`, which a spreadsheet would read as a formula)."""
    text = text.rstrip()
    return text.lstrip(_SPACE_BUT_TAB) if text else ""


_SPACE_BUT_TAB = "".join(c for c in map(chr, range(0x3000 + 1)) if c.isspace() and c != "\t")
_SURROGATE = re.compile("[\ud800-\udfff]")


def unstorable(text: str) -> str | None:
    """Why a database cannot keep `text` as given (a NUL byte; a lone surrogate, which is no
    UTF-8), else None."""
    if "\x00" in text:
        return "contains a NUL byte"
    found = _SURROGATE.search(text)
    if found:
        return f"contains a lone surrogate (U+{ord(found.group()):04X}), which is not text"
    return None


def month_end(year: int, month: int) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


def utcnow_from(now: datetime) -> datetime:
    return now.astimezone(UTC)
