"""When a failed webhook is tried again: nine attempts over about three days, then the DLQ.

| attempt | waits before it (at most) | at the latest, after the first |
|---|---|---|
| 1 | —        | 0 |
| 2 | 1 min    | 1 min |
| 3 | 5 min    | 6 min |
| 4 | 30 min   | 36 min |
| 5 | 2 h      | 2 h 36 min |
| 6 | 6 h      | 8 h 36 min |
| 7 | 12 h     | 20 h 36 min |
| 8 | 24 h     | 44 h 36 min |
| 9 | 24 h     | 68 h 36 min ≈ 2.86 days |

Each wait is jittered: uniform in [80 %, 100 %] of its cap, so the offices' endpoints that come back
after an outage are not hit by every pending delivery in the same second, yet the whole schedule
still spans 2.3 to 2.9 days. (AWS's "full jitter", uniform in [0, cap], would halve the expected span
to ~1.4 days: not the ~3 days Standard Webhooks promises receivers.) The caps never decrease.

A wait longer than SQS's 15-minute `DelaySeconds` limit is made of hops: the job carries `not_before`
and a consumer that receives it early sends it back with the remaining delay (see `sqs_delay`).

`RESPITE_WEBHOOKS_TIME_SCALE` (tests only; default 1, must be in (0, 1]) multiplies every wait, so
a test can run the whole schedule in seconds. Signatures always use the real clock.
"""

import math
import random
from datetime import datetime, timedelta

from respite_core import settings

RETRY_WAITS_S: tuple[int, ...] = (60, 300, 1_800, 7_200, 21_600, 43_200, 86_400, 86_400)
MAX_ATTEMPTS = len(RETRY_WAITS_S) + 1
JITTER = 0.2  # a wait is uniform in [(1 - JITTER) * cap, cap]
SQS_MAX_DELAY_S = 900
TIME_SCALE_VARIABLE = settings.variable("webhooks_time_scale")

_random = random.SystemRandom()


def time_scale() -> float:
    return settings.current().webhooks_time_scale


def cap_before(attempt: int) -> float:
    """The longest wait before `attempt` (2 .. MAX_ATTEMPTS), in seconds, unscaled."""
    if not 2 <= attempt <= MAX_ATTEMPTS:
        raise ValueError(f"attempt {attempt} is not a retry of the schedule")
    return float(RETRY_WAITS_S[attempt - 2])


def wait_before(attempt: int, *, rng: random.Random | None = None, scale: float | None = None) -> float:
    """Seconds to wait before `attempt` (2 .. MAX_ATTEMPTS): jittered, then scaled."""
    cap = cap_before(attempt)
    factor = (rng or _random).uniform(1 - JITTER, 1.0)
    return cap * factor * (time_scale() if scale is None else scale)


def next_attempt_at(
    failed_attempt: int, now: datetime, *, rng: random.Random | None = None, scale: float | None = None
) -> datetime | None:
    """When to try again after `failed_attempt` failed; None when the schedule is exhausted."""
    if failed_attempt >= MAX_ATTEMPTS:
        return None
    return now + timedelta(seconds=wait_before(failed_attempt + 1, rng=rng, scale=scale))


def sqs_delay(not_before: datetime | None, now: datetime) -> int:
    """The `DelaySeconds` of a message that must not be handled before `not_before`: the remaining
    wait, rounded down (a job seen up to a second early is simply tried), at most SQS's 900 s."""
    if not_before is None:
        return 0
    remaining = (not_before - now).total_seconds()
    return max(0, min(SQS_MAX_DELAY_S, math.floor(remaining)))


def is_due(not_before: datetime | None, now: datetime) -> bool:
    """Whether a job may be tried now (SQS delays are whole seconds: within a second counts)."""
    return not_before is None or (not_before - now).total_seconds() < 1.0


def span_bounds_s() -> tuple[float, float]:
    """The shortest and longest time from the first attempt to the last, unscaled."""
    total = float(sum(RETRY_WAITS_S))
    return total * (1 - JITTER), total
