"""A consumer that crashes in the middle of a batch reports that record alone as failed; what is
redelivered is processed again without doubling anything, and nothing is lost.

The crash is an AWS call that fails in a way no retry mends, injected with a botocore `before-call`
hook on the consumers' own clients (DynamoDB, SQS, SES, KMS) at a random call of a random invocation:
the record being processed stops half-way (after some of its writes, before others). Redelivery
follows the event-source mappings' rules: an SQS message reported in `batchItemFailures` comes
back later, after the rest of the queue; a stream batch is retried from its first failed record,
so records after it that had succeeded are delivered again. (`tests/integration/test_pumps.py`
proves the local stack's pumps follow those rules; here the consumers are under test.)

The end state (the dossier, feed and deliveries tables, and the emails SES took) must equal that of
the same negotiation's events delivered once without faults (`harness.rehearse`).

One window is left out, and listed in the README: when SES has taken an email and recording that
fails, the email's lease keeps it from being sent again until the lease ends; after that it may be
sent twice. No receiver-side key exists for SES to deduplicate on.
"""

import random
from typing import Any

import pytest

from respite_core import aws as aws_clients
from tests.faults.conftest import Stage, seeds
from tests.faults.harness import Redelivering, cascade, rehearse


class Crash(Exception):
    """An AWS call that fails for good (the record's processing stops at that call)."""


class Injector:
    """Fails the `countdown`-th AWS call of the consumers' clients from when it is armed, once."""

    def __init__(self) -> None:
        self.countdown: int | None = None
        self.fired: list[str] = []
        self.calls = 0
        self._sent_unrecorded = False
        for client in (aws_clients.dynamodb(), aws_clients.sqs(), aws_clients.ses(), aws_clients.kms()):
            client.meta.events.register("before-call", self._before)
            client.meta.events.register("after-call.sesv2.SendEmail", self._sent)

    def arm(self, countdown: int) -> None:
        self.countdown = countdown

    def disarm(self) -> None:
        self.countdown = None

    def _sent(self, **_: Any) -> None:
        self._sent_unrecorded = True

    def _before(self, event_name: str, **_: Any) -> None:
        self.calls += 1
        if self._sent_unrecorded:  # recording a sent email: the window this suite leaves out
            self._sent_unrecorded = False
            return
        if self.countdown is None:
            return
        if self.countdown > 0:
            self.countdown -= 1
            return
        self.countdown = None
        self.fired.append(event_name.removeprefix("before-call."))
        raise Crash(event_name)


class WithCrashes(Redelivering):
    """Arms a crash for some invocations, at one of the calls the batch is expected to make."""

    def __init__(self, rng: random.Random, injector: Injector) -> None:
        super().__init__(rng)
        self.injector = injector
        self.partial = 0  # invocations where a crash failed one record and the others went through
        self.per_record: dict[str, float] = {}  # AWS calls per record, as seen without a crash
        self._fired = self._calls = 0

    def before(self, handler: str, batch: list[dict[str, Any]]) -> None:
        self._fired, self._calls = len(self.injector.fired), self.injector.calls
        expected_calls = int(self.per_record.get(handler, 1.0) * len(batch))
        if len(self.injector.fired) < 3 or self.rng.random() < 0.5:  # every one, until 3 crashes happened
            self.injector.arm(self.rng.randint(0, max(0, expected_calls - 1)))

    def after(self, handler: str, batch: list[dict[str, Any]], failed: set[str]) -> None:
        self.injector.disarm()
        crashed = len(self.injector.fired) > self._fired
        assert len(failed) == (1 if crashed else 0), (self.injector.fired[self._fired :], failed)
        if crashed and len(batch) > 1:
            self.partial += 1
        if not crashed:
            self.per_record[handler] = (self.injector.calls - self._calls) / len(batch)


@pytest.mark.parametrize("seed", seeds(bounded=1, full=16))
def test_consumers_crashing_mid_batch_lose_nothing_and_double_nothing(stage_env: Stage, seed: int) -> None:
    rehearsal = rehearse(stage_env)
    injector = Injector()
    faulty = WithCrashes(random.Random(seed), injector)

    cascade(rehearsal.taps, rehearsal.events, faulty)

    assert len(injector.fired) >= 3, injector.fired  # the faults did happen ...
    assert faulty.partial >= 1  # ... and some in the middle of a batch
    rehearsal.assert_same_end_state()
