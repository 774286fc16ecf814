"""What composing an answer produces, before the core wraps it into an `Answer`."""

from __future__ import annotations

from dataclasses import dataclass, field

from storage.models import Deadline, Meeting


@dataclass
class Reply:
    intent: str
    text: str
    meetings: list[Meeting] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    total: int | None = None
    suggestions: list[Meeting] = field(default_factory=list)
