"""A Slack Web API outage while people ask: signed events to the real app (uvicorn, port 0),
chat.postMessage answering 503 for OUTAGE seconds (far past the SDK's retries), half the
events redelivered by "Slack" during the outage; then Slack recovers. Prints JSON: answers
that arrived, how many times each, and how long after the recovery the last one came.

    .venv/bin/python benchmarks/probe_slack_outage.py [EVENTS] [OUTAGE_S]   # default 20, 20
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.clock import Clock  # noqa: E402
from bot.runtime import Runtime  # noqa: E402
from handlers.web.app import create_app  # noqa: E402
from storage import db  # noqa: E402
from storage.seed import load_seed  # noqa: E402
from tests.fakes import slack_payloads as p  # noqa: E402
from tests.fakes.slack_api import fake_slack  # noqa: E402
from tests.handlers.slack.serving import slack_settings  # noqa: E402
from tests.servers import serve_app  # noqa: E402

RETRY = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}


def main(events: int, outage: float) -> dict[str, object]:
    engine = db.make_engine(f"sqlite:///{tempfile.mkdtemp(prefix='secbot-outage-')}/s.db")
    db.upgrade(engine)
    with db.session_scope(engine) as s:
        load_seed(s, now=datetime.now(UTC))
    with fake_slack() as fake:
        runtime = Runtime(settings=slack_settings(fake), clock=Clock(), engine=engine)
        with serve_app(create_app(runtime), timeout=60) as url:
            fake.fail("chat.postMessage", 503, times=1_000_000)  # Slack is down
            started = time.monotonic()
            asked = []
            for i in range(events):
                event = p.app_mention(f"when is INC{7 + i % 3}?", channel=f"C{i:07d}")
                body = p.event_callback(event)
                assert p.post_json(url, body).status_code == 200
                asked.append((event["ts"], body))
            time.sleep(max(0.0, outage / 2 - (time.monotonic() - started)))
            for _, body in asked[::2]:  # Slack redelivers half of them meanwhile
                assert p.post_json(url, body, headers=RETRY).status_code == 200
            time.sleep(max(0.0, outage - (time.monotonic() - started)))
            failed_calls = len(fake.of("chat.postMessage", ok_only=False))
            with fake._cond:  # Slack is back
                fake._failures.clear()
            recovered = time.monotonic()
            timestamps = {ts for ts, _ in asked}
            fake.wait_for(
                "chat.postMessage", events, where=lambda c: c.params.get("thread_ts") in timestamps,
                timeout=600,
            )  # fmt: skip
            last = time.monotonic() - recovered
            time.sleep(5)  # anything more that would come
        answers = Counter(
            c.params["thread_ts"]
            for c in fake.of("chat.postMessage")
            if c.params.get("thread_ts") in timestamps
        )
    return {
        "events": events, "redelivered_during_outage": len(asked[::2]), "outage_s": outage,
        "posts_refused_during_outage": failed_calls,
        "answered": len(answers), "answered_more_than_once": sum(c > 1 for c in answers.values()),
        "last_answer_s_after_recovery": round(last, 1),
    }  # fmt: skip


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 20.0
    print(json.dumps(main(n, seconds), indent=2))
