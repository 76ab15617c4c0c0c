"""DynamoDB throttling: retried, and nothing lost.

Throttling is injected where DynamoDB would answer it, at the HTTP boundary: a botocore `before-send`
hook on the clients the APIs and consumers use answers some requests with DynamoDB's own 400
`ProvisionedThroughputExceededException` instead of sending them. Everything above that — botocore's
retry policy (`standard`, 5 attempts, as `respite_core.aws` configures it), the services, the
consumers' partial batch failures — is the real code.

- Short bursts (fewer throttled answers in a row than botocore's attempts) are absorbed by the retry:
  every API call of a whole negotiation still succeeds, and no consumer reports a failure.
- Long bursts (a partition throttled longer than the retries last) surface as a failed record; the
  event-source mapping delivers it again, and the end state equals the unthrottled reference.
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

ATTEMPTS = 5  # respite_core.aws: Config(retries={"mode": "standard", "max_attempts": 5})
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
    n-th retry: bursts of 1 or 2 keep the bounded profile fast; `make faults` goes up to 4."""
    return rng.randint(1, ATTEMPTS - 1 if FULL else 2)


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
    """Throttles some invocations: a short burst (absorbed by the retries) or a long one (not)."""

    def __init__(self, rng: random.Random, throttle: Throttle) -> None:
        super().__init__(rng)
        self.throttle = throttle
        self.long_bursts = self.short_bursts = 0
        self._long = False

    def before(self, handler: str, batch: list[dict[str, Any]]) -> None:
        self._long = False
        roll = self.rng.random()
        if roll < 0.15 and self.long_bursts < (3 if FULL else 1):
            self.throttle.burst, self._long = ATTEMPTS, True  # one more than the retries absorb
            self.long_bursts += 1
        elif roll < 0.5 and (FULL or self.short_bursts < 5):
            self.throttle.burst = short_burst(self.rng)
            self.short_bursts += 1

    def after(self, handler: str, batch: list[dict[str, Any]], failed: set[str]) -> None:
        if not self._long:  # a short burst (or the tail of one that began earlier) is retried away
            assert failed == set(), (handler, self.throttle.throttled[-ATTEMPTS:])
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
