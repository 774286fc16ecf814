"""Chat answers in the delivery ledger: one answer per event id, whatever Slack redelivers and
whichever worker stops; time is the `now` handed to each call."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.reminders import answers
from bot.reminders.dispatch import Policy, claim
from bot.reminders.notifier import SendResult
from storage import slack_events
from storage.models import Delivery
from tests.conftest import NOW

LEASE = timedelta(seconds=30)
POLICY = Policy(grace={"answer": timedelta(hours=1)})
PAYLOAD = {"channel": "C1", "thread_ts": "1.000001", "text": "INC7 is on 24 February."}


def begin(engine: Engine, event_id: str, after: timedelta = timedelta(0), worker: str = "w1"):
    return answers.begin(
        engine, event_id=event_id, recipient="slack:C1", now=NOW + after, worker=worker,
        lease=LEASE,
    )  # fmt: skip


def row(engine: Engine, event_id: str) -> Delivery:
    with Session(engine) as s:
        return s.exec(select(Delivery).where(Delivery.subject == f"answer:{event_id}")).one()


def test_an_event_is_claimed_once_and_its_retries_find_it(engine: Engine) -> None:
    first = begin(engine, "Ev1")
    assert first is not None
    assert begin(engine, "Ev1", timedelta(seconds=1), worker="w2") is None  # being made
    assert answers.prepare(engine, first, payload=PAYLOAD, now=NOW)
    answers.finish(engine, first, result=SendResult.sent(), now=NOW)
    sent = row(engine, "Ev1")
    assert (sent.kind, sent.state, sent.attempts, sent.payload) == ("answer", "sent", 1, None)
    assert begin(engine, "Ev1", timedelta(minutes=5), worker="w2") is None  # answered


def test_an_answer_slack_would_not_take_goes_to_the_dispatcher(engine: Engine) -> None:
    mine = begin(engine, "Ev2")
    assert mine is not None and answers.prepare(engine, mine, payload=PAYLOAD, now=NOW)
    answers.finish(engine, mine, result=SendResult.transient("Slack: fatal"), now=NOW)
    queued = row(engine, "Ev2")
    assert (queued.state, queued.claimed_by, queued.last_error) == ("pending", None, "Slack: fatal")
    [(claimed, message)], skipped = claim(engine, now=NOW, policy=POLICY, worker="w2")
    assert claimed.id == queued.id and skipped == {}
    assert message.payload == PAYLOAD and message.text == PAYLOAD["text"]


def test_a_redelivery_brings_a_waiting_or_failed_answer_back(engine: Engine) -> None:
    mine = begin(engine, "Ev3")
    assert mine is not None and answers.prepare(engine, mine, payload=PAYLOAD, now=NOW)
    answers.finish(engine, mine, result=SendResult.permanent("Slack: boom"), now=NOW)
    assert row(engine, "Ev3").state == "failed"
    assert begin(engine, "Ev3", timedelta(minutes=2)) is None  # queued, not made again
    again = row(engine, "Ev3")
    assert (again.state, again.due_at, again.payload) == (
        "pending", NOW + timedelta(minutes=2), PAYLOAD,
    )  # fmt: skip


def test_an_answer_whose_worker_died_before_making_it_is_made_by_the_redelivery(
    engine: Engine,
) -> None:
    assert begin(engine, "Ev4", worker="dead") is not None  # then kill -9
    assert begin(engine, "Ev4", timedelta(seconds=29)) is None  # its lease is still running
    # the dispatcher cannot send what was never made: it gives the row up...
    rows, skipped = claim(engine, now=NOW + timedelta(seconds=31), policy=POLICY, worker="d")
    assert rows == [] and list(skipped.values()) == [answers.NOT_PREPARED]
    # ...and Slack's redelivery makes it
    taken = begin(engine, "Ev4", timedelta(seconds=40), worker="w2")
    assert taken is not None and row(engine, "Ev4").claimed_by == taken.token


def test_an_answer_that_could_not_be_made_is_given_up_for_a_redelivery(engine: Engine) -> None:
    mine = begin(engine, "Ev5")
    assert mine is not None
    answers.abandon(engine, mine, error="RuntimeError: boom", now=NOW)
    assert row(engine, "Ev5").state == "failed"
    assert begin(engine, "Ev5", timedelta(seconds=1)) is not None


def test_old_finished_answers_are_pruned_with_the_event_ids(engine: Engine) -> None:
    for event_id in ("Ev6", "Ev7"):
        mine = begin(engine, event_id)
        assert mine is not None and answers.prepare(engine, mine, payload=PAYLOAD, now=NOW)
        result = SendResult.sent() if event_id == "Ev6" else SendResult.transient("down")
        answers.finish(engine, mine, result=result, now=NOW)
    with Session(engine) as s:
        slack_events.forget_before(s, before=NOW + timedelta(days=1))
        s.commit()
        left = s.exec(select(Delivery.subject, Delivery.state)).all()
    assert left == [("answer:Ev7", "pending")]  # still owed: kept
