"""DynamoDB throttling: retried, and nothing lost.

Throttling is injected where DynamoDB would answer it, at the HTTP boundary: a botocore `before-send`
hook on the clients the APIs and consumers use answers some requests with DynamoDB's own 400
`ProvisionedThroughputExceededException` instead of sending them. Everything above that is the
real code: botocore's retry policy (`standard`; `max_attempts: 5` in a client's Config means 5
retries, 6 attempts in all), the services, the consumers' partial batch failures.

- Short bursts (fewer throttled answers in a row than botocore's attempts) are absorbed by the retry:
  every API call of a whole negotiation still succeeds, and no consumer reports a failure.
- Long bursts (`make faults` only: a partition throttled longer than the retries last) surface as a
  failed record; the event-source mapping delivers it again.

Either way the end state equals the unthrottled reference.
"""

import json
import random
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse, HTTPHeaders

from respite_core import aws as aws_clients
from respite_core.resources import TableName
from tests.faults.conftest import FULL, Stage, seeds
from tests.faults.harness import Redelivering, cascade, negotiate, rehearse, scan

# respite_core.aws: Config(retries={"mode": "standard", "max_attempts": 5}); botocore reads a client
# Config's max_attempts as retries (total_max_attempts = 6), so 6 throttled answers in a row defeat it
ATTEMPTS = 6
THROTTLED = json.dumps(
    {
        "__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
        "message": "The level of configured provisioned throughput for the table was exceeded.",
    }
).encode()


class _Body:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Any:
        yield self._body


class Throttle:
    """Answers the next `burst` DynamoDB requests of our clients with a throttling error."""

    def __init__(self) -> None:
        self.burst = 0
        self.throttled: list[str] = []  # the operations answered with a throttling error
        self.sent = 0  # requests that went through
        events = aws_clients.dynamodb().meta.events
        events.register("before-send.dynamodb", self._before_send)  # type: ignore[arg-type]

    def _before_send(self, request: Any, **_: Any) -> AWSResponse | None:
        if self.burst <= 0:
            self.sent += 1
            return None
        self.burst -= 1
        operation = str(request.headers.get("X-Amz-Target", b"")).split(".")[-1].rstrip("'")
        self.throttled.append(operation)
        headers = HTTPHeaders()
        headers["Content-Type"] = "application/x-amz-json-1.0"
        headers["x-amzn-RequestId"] = "throttled"
        return AWSResponse(request.url, 400, headers, _Body(THROTTLED))


def short_burst(rng: random.Random) -> int:
    """Throttled answers in a row that the retries absorb. botocore waits up to 2^(n-1) s before its
    n-th retry: bursts of 1 or 2 keep the bounded profile fast; `make faults` goes up to 4 (and adds the
    long bursts, which cost about 15 s of backoff each)."""
    return rng.randint(1, 4 if FULL else 2)


def test_short_bursts_during_a_negotiation_are_retried_and_every_call_succeeds(stage_env: Stage) -> None:
    throttle = Throttle()
    original = stage_env.apis.call
    rng = random.Random(7)

    def throttled_call(*args: Any, **kwargs: Any) -> Any:
        throttle.burst = short_burst(rng) if rng.random() < 0.3 else 0
        return original(*args, **kwargs)

    stage_env.apis.call = throttled_call  # type: ignore[method-assign]
    dossier_id = negotiate(stage_env)  # asserts a 2xx for every call
    stage_env.apis.call = original  # type: ignore[method-assign]
    throttle.burst = 0

    assert len(throttle.throttled) >= 3, throttle.throttled
    partition = [
        item for key, item in scan(stage_env, TableName.DOSSIERS).items() if key[0].endswith(dossier_id)
    ]
    assert [i["state"]["S"] for i in partition if i["entity"]["S"] == "dossier"] == ["settled"]
    assert sum(1 for i in partition if i["entity"]["S"] == "claim") == 3  # each claim once


class Throttled(Redelivering):
    """Throttles invocations: a short burst (absorbed by the retries) or a long one (not). Until three
    short bursts have hit a request, every invocation gets one (an invocation may make no DynamoDB
    request at all: a stream batch with nothing for the feed); after that, half of them do."""

    def __init__(self, rng: random.Random, throttle: Throttle) -> None:
        super().__init__(rng)
        self.throttle = throttle
        self.long_bursts = self.short_bursts = 0  # bursts that hit requests
        self._armed = 0
        self._long = False

    def before(self, handler: str, batch: list[dict[str, Any]]) -> None:
        self._long = FULL and self.rng.random() < 0.15 and self.long_bursts < 3
        if self._long:
            self._armed = ATTEMPTS  # one more than the retries absorb
        elif self.short_bursts < 3 or self.rng.random() < 0.5:
            self._armed = short_burst(self.rng)
        else:
            self._armed = 0
        self.throttle.burst = self._armed

    def after(self, handler: str, batch: list[dict[str, Any]], failed: set[str]) -> None:
        hit = self._armed > 0 and self.throttle.burst < self._armed
        if self._long and self.throttle.burst == 0:  # one request throttled past its retries ...
            assert failed, (handler, "a throttled request that ran out of retries went unreported")
            self.long_bursts += 1
        else:  # ... while a short burst is retried away
            assert failed == set(), (handler, self.throttle.throttled[-ATTEMPTS:])
            self.short_bursts += hit
        self.throttle.burst = 0


@pytest.mark.parametrize("seed", seeds(bounded=1, full=8))
def test_consumers_throttled_retry_and_lose_nothing(stage_env: Stage, seed: int) -> None:
    rehearsal = rehearse(stage_env)
    throttle = Throttle()
    faulty = Throttled(random.Random(seed), throttle)

    cascade(rehearsal.taps, rehearsal.events, faulty)

    assert faulty.short_bursts >= 3, faulty.short_bursts  # the throttling did happen
    assert len(throttle.throttled) >= 5
    rehearsal.assert_same_end_state()
