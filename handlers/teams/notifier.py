"""Teams notifier: a delivery to "teams:<user id>" (or "teams:19:…" for a channel) becomes a
proactive message through the stored conversation (`bot.teams_proactive.send_proactive`).

The Agents SDK takes seconds to import, so it is imported, and a `TeamsBot` built, on the
first send: `secbot reminders run-once` with no Teams rows never pays for it. Under `secbot
serve` this bot is the notifier's own (its own per-conversation limiter), not the one that
answers /api/messages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import aiohttp

from bot.reminders.notifier import Message, SendResult
from bot.runtime import Runtime
from handlers.teams.throttle import RETRY_STATUSES, retry_after_seconds
from storage.models import Delivery

if TYPE_CHECKING:
    from handlers.teams.app import TeamsBot


class TeamsNotifier:
    channel = "teams"

    def __init__(self, runtime: Runtime, *, bot: TeamsBot | None = None) -> None:
        self.runtime = runtime
        self._bot = bot

    @classmethod
    def from_runtime(cls, runtime: Runtime) -> TeamsNotifier:
        return cls(runtime)

    def bot(self) -> TeamsBot:
        if self._bot is None:
            from handlers.teams.app import TeamsBot

            self._bot = TeamsBot(self.runtime)
        return self._bot

    async def send(self, delivery: Delivery, message: Message) -> SendResult:
        from handlers.teams.proactive import NoConversation, send_proactive

        address = delivery.address
        try:
            await send_proactive(
                delivery.recipient, message.text, bot=self.bot(),
                conversation_id=address if address.startswith("19:") else None,
            )  # fmt: skip
        except NoConversation as e:
            return SendResult.permanent(
                f"{e}; the user has to message the bot (or install it) once first"
            )
        except aiohttp.ClientResponseError as e:
            error = f"Teams: HTTP {e.status} {e.message}".rstrip()
            if e.status == 429:
                retry_after = retry_after_seconds(e.headers)
                return SendResult.rate_limited(1.0 if retry_after is None else retry_after, error)
            if e.status in RETRY_STATUSES or e.status >= 500:
                return SendResult.transient(error)
            return SendResult.permanent(error)
        except (TimeoutError, aiohttp.ClientError, OSError) as e:
            return SendResult.transient(f"Teams unreachable: {e.__class__.__name__}: {e}")
        return SendResult.sent()

    async def aclose(self) -> None:
        return None
