"""`help` lists what a person can say, grouped; every example in it works as written."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from bot.conversation import HELP_GROUPS, HELP_TEXT, Asker
from tests.bot.ask_helpers import ask, managing, with_deadlines

ANA = managing(
    Asker(user_id="U0ANA", platform="slack", timezone="Europe/Zurich", channel_id="C0LOG",
          conversation="slack:C0LOG:1.0"),
    "slack:C0LOG",
)  # fmt: skip
EXAMPLES = [line for _, lines in HELP_GROUPS for line in lines]


def test_help_is_grouped() -> None:
    for title, lines in HELP_GROUPS:
        assert f"{title}: “{lines[0]}”" in HELP_TEXT
    assert {"Deadlines", "Reminders", "Agendas", "Calendars"} <= {t for t, _ in HELP_GROUPS}


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_example_is_understood(seeded: Engine, example: str) -> None:
    store = with_deadlines(seeded)
    ask(store, "When is the next regional meeting?", asker=ANA)  # for the follow-up examples
    if example.startswith("Cancel reminder"):  # there is one to cancel
        ask(store, "Remind me on 10 January at 9:00 to send the invitation letters", asker=ANA)
    if "#logistics" in example:  # typed in Slack, the channel arrives as a link
        example = example.replace("#logistics", "<#C0LOG|logistics>")
    a = ask(store, example, asker=ANA)
    assert a.intent not in ("unknown", "error", "unclear", "reminder_error"), (example, a.text)
    assert "didn't understand" not in a.text
