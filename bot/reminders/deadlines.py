"""Deadline rules per meeting kind (a YAML settings file) that create stored deadlines.

Rules only ever create a deadline that does not exist yet (same meeting, kind and title);
a stored deadline is the truth from then on and is edited, never silently recomputed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlmodel import Session

from storage import repo
from storage.models import Deadline, DeadlineData, DeadlineKind, Kind, Precision

DEFAULT_RULES = Path(__file__).with_name("deadline_rules.yaml")


class DeadlineRule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: DeadlineKind
    days_before: int = Field(ge=0, le=365)
    title: str = Field(min_length=1, max_length=300)


@dataclass
class ApplyReport:
    created: list[Deadline]
    kept: int  # rules whose deadline already existed
    undated: list[str]  # meetings without an exact start date: nothing to count back from


def load_rules(path: Path | None = None) -> dict[str, list[DeadlineRule]]:
    """Read and check the rules file; ValueError names what is wrong."""
    path = path or DEFAULT_RULES
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as e:
        raise ValueError(f"{path}: cannot read deadline rules: {e}") from None
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected a mapping of meeting kind to a list of rules")
    rules: dict[str, list[DeadlineRule]] = {}
    for kind, items in raw.items():
        if kind not in Kind.__members__:
            raise ValueError(f"{path}: unknown meeting kind {kind!r}")
        try:
            rules[kind] = [DeadlineRule.model_validate(i) for i in items or []]
        except ValidationError as e:
            raise ValueError(f"{path}: {kind}: {e.errors()[0]['msg']}") from None
    return rules


def apply_rules(
    session: Session,
    *,
    rules: dict[str, list[DeadlineRule]],
    now: datetime,
    meeting_ids: list[str] | None = None,
) -> ApplyReport:
    """Create the deadlines the rules give for these meetings (default: every meeting not yet
    begun), where missing."""
    if meeting_ids:
        meetings = [repo.require_meeting(session, meeting_id=i) for i in meeting_ids]
    else:  # every meeting still ahead (and the undated, to say so)
        today = now.date()
        meetings = [
            m for m in repo.list_meetings(session) if m.start_date is None or m.start_date > today
        ]
    report = ApplyReport(created=[], kept=0, undated=[])
    for m in meetings:
        kind_rules = rules.get(m.kind, [])
        if not kind_rules:
            continue
        if m.start_date is None or m.precision != Precision.day:
            report.undated.append(m.id)
            continue
        existing = {(d.kind, d.title) for d in repo.list_deadlines(session, meeting_ids=[m.id])}
        for rule in kind_rules:
            if (rule.kind.value, rule.title) in existing:
                report.kept += 1
                continue
            data = DeadlineData(
                meeting_id=m.id, title=rule.title, kind=rule.kind,
                due_date=m.start_date - timedelta(days=rule.days_before),
            )  # fmt: skip
            report.created.append(repo.add_deadline(session, data=data, now=now))
    return report
