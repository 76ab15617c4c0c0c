"""An office's webhook endpoint down for a (simulated) day: every event reaches it exactly once, after
it recovers.

`tests/integration/test_webhooks.py` covers an endpoint failing a few times in a row, a refused
connection, the whole schedule exhausted, and a single duplicate job. Here the outage is a span of
time, as it happens: a real HTTP receiver on 127.0.0.1 answers 503 to everything for 24 hours of
simulated time from the first call, then 204. Meanwhile SQS and the outbox do what at-least-once
delivery allows: each event is handed to the webhook service twice, and its job is on the queue
twice. Time runs through the retry schedule (`webhooks/schedule.py`) at `TIME_SCALE` (1 simulated
day = 8.6 s, so that the pump's own milliseconds stay small against the schedule's gaps).

The schedule puts the 7th attempt 16 h 29 min to 20 h 36 min after the first and the 8th 35 h 41 min to
44 h 36 min after it, so on time each event is delivered by its 7th or 8th attempt. But SQS counts
delays in whole seconds (2.8 simulated hours at this scale), a job up to a second early is tried,
and the pump's own pace adds to every wait: on a slow machine (or under faketime, as
`make test-at` runs it) an earlier attempt may already find the endpoint up. So the test holds
what does not depend on the pace: 503s until the recovery, then one 204 and nothing after; never
more than 8 attempts; and no retry sooner than the schedule's shortest wait allows.
"""

import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import boto3
import pytest

from respite_infra.local.pumps import SqsPump
from respite_notifications.webhooks import deliver, schedule
from respite_notifications.webhooks.store import Job, Status, WebhookStore, send_job
from tests.integration.test_webhooks import (  # the webhook suite's stage, queue, pump and helpers
    Receiver,
    a_message,
    an_office,
    delivery_of,
    pump,
    queue_is_empty,
    queue_url,
    run_until,
    serving,
    status_is,
    wired,
)

__all__ = ["pump", "queue_url", "wired"]  # fixtures this module uses

TIME_SCALE = 0.0001
DAY_S = 86_400
EIGHTH_ATTEMPT = 8
SQS_EARLY_S = 1.0  # SQS delays in whole seconds; a job up to a second early is tried


def shortest_wait_s(attempt: int) -> float:
    """The least real time the schedule allows before `attempt`, at this test's scale."""
    return (1 - schedule.JITTER) * schedule.cap_before(attempt) * TIME_SCALE - SQS_EARLY_S


def gaps(times: list[float]) -> list[float]:
    return [later - earlier for earlier, later in itertools.pairwise(times)]


@dataclass
class DownForADay(Receiver):
    """Answers 503 for a simulated day from the first request it gets, then as `Receiver` does."""

    up_at: float | None = None  # time.monotonic() when it recovers
    called_at: dict[str, list[float]] = field(default_factory=dict)  # webhook id -> time.monotonic()s

    def handle(self, body: bytes, headers: dict[str, str]) -> int:
        now = time.monotonic()
        with self.lock:
            if self.up_at is None:
                self.up_at = now + DAY_S * TIME_SCALE
            self.called_at.setdefault(headers.get("webhook-id", ""), []).append(now)
            down = now < self.up_at
        if down:
            with self.lock:
                self.script.append(503)
        return super().handle(body, headers)


@pytest.fixture
def down_for_a_day() -> Iterator[tuple[DownForADay, str]]:
    state = DownForADay()
    with serving(state) as url:
        yield state, url


def test_an_endpoint_down_for_a_day_gets_every_event_once_after_it_recovers(
    queue_url: str,
    aws: boto3.Session,
    pump: SqsPump,
    down_for_a_day: tuple[DownForADay, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(schedule.TIME_SCALE_VARIABLE, str(TIME_SCALE))
    office, url = down_for_a_day
    scene = an_office(url)
    office.secrets = {"current": scene.secret}
    messages = [a_message(scene.office_id) for _ in range(2)]

    for message in messages:
        deliver(message)
        deliver(message)  # the outbox's event redelivered
        send_job(
            Job(webhook_id=f"msg_{message.message_id}", office_id=scene.office_id)
        )  # SQS's "at least once"

    run_until(
        pump,
        lambda: all(status_is(scene.office_id, m, Status.DELIVERED)() for m in messages),
        timeout_s=90,
    )
    run_until(pump, lambda: queue_is_empty(aws, queue_url), timeout_s=30)

    assert office.up_at is not None
    delivered = office.delivered()
    assert sorted(r.webhook_id for r in delivered) == sorted(f"msg_{m.message_id}" for m in messages)
    for message in messages:
        webhook_id = f"msg_{message.message_id}"
        calls = [r for r in office.received if r.webhook_id == webhook_id]
        answers = [r.answered for r in calls]
        assert answers == [503] * (len(answers) - 1) + [204], answers  # down, then delivered once
        assert len(answers) <= EIGHTH_ATTEMPT, answers  # the 8th is due well after the day is over
        waited = gaps(office.called_at[webhook_id])  # before the 2nd attempt, the 3rd, ...
        assert all(gap >= shortest_wait_s(attempt) for attempt, gap in enumerate(waited, 2)), waited
        assert all(r.verified_by == {"current"} for r in calls)  # every attempt signed, one id
        record = delivery_of(scene.office_id, message)
        assert (record["status"], record["attempt"], record["total_attempts"]) == (
            "delivered",
            len(calls),
            len(calls),
        )
        attempts = WebhookStore().attempts(scene.office_id, record["webhook_id"])
        assert [a["outcome"] for a in attempts] == [f"http_{a}" for a in answers]
    assert len(office.received) == sum(1 for r in office.received if r.answered == 503) + 2  # no call after
