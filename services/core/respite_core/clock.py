"""The platform's one clock: the real one, or on the local stack a clock that can be moved.

Everything that asks what time it is asks here: `respite_core.ids.utc_now` (every service, sweeper
and consumer), the tables' expiry checks, and on the local stack the scheduler and the TTL emulator.
In AWS no clock is installed and the answer is the real time. The local stack installs a `LocalClock`
(`from_environment`): it starts at `RESPITE_CLOCK_START` (ISO-8601; UTC when no offset is given;
default: now), runs at `RESPITE_CLOCK_SPEED` (1 is real time, 60 a minute a second; default 1), and
an operator moves it forward (`POST /local/clock`). The local stack runs every function as a thread of
its own process, so one installed clock is what every service reads.

Not moved, because another party checks them against its own clock: Cognito tokens' expiry (moto
issues them, the gateway verifies them), S3 presigned URLs (botocore signs, moto checks) and Standard
Webhooks timestamps (the sender's and the receiver's); nor moto's own timestamps (stream records'
creation times, objects' LastModified).
"""

import os
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

__all__ = [
    "SPEED_ENV",
    "START_ENV",
    "ClockSettingError",
    "LocalClock",
    "epoch_seconds",
    "from_environment",
    "install",
    "installed",
    "now",
    "real_now",
]

START_ENV = "RESPITE_CLOCK_START"
SPEED_ENV = "RESPITE_CLOCK_SPEED"


class ClockSettingError(ValueError):
    """A clock setting that cannot be read: the local stack does not start with it."""


class LocalClock:
    """A clock that starts at `start`, runs `speed` times as fast as real time and only moves forward.
    Thread-safe: the local stack's functions read it from many threads while an operator moves it."""

    def __init__(
        self, start: datetime, speed: float = 1.0, *, elapsed: Callable[[], float] = time.monotonic
    ) -> None:
        if start.tzinfo is None or start.utcoffset() is None:
            raise ValueError("naive datetime: the clock's start must be timezone-aware")
        if not speed > 0:
            raise ValueError("the clock's speed must be above 0")
        self._lock = threading.Lock()
        self._start = start.astimezone(UTC)
        self._speed = speed
        self._elapsed = elapsed
        self._origin = elapsed()
        self._moved = timedelta(0)

    @property
    def speed(self) -> float:
        return self._speed

    @property
    def moved_by(self) -> timedelta:
        """How far operators have moved it, in total."""
        with self._lock:
            return self._moved

    def now(self) -> datetime:
        with self._lock:
            return self._now()

    def _now(self) -> datetime:
        ran = timedelta(seconds=(self._elapsed() - self._origin) * self._speed)
        return self._start + ran + self._moved

    def advance(self, by: timedelta) -> datetime:
        """Move the clock forward by `by`; the new time. A clock never goes back: what was done at a
        time must stay in the past."""
        if by < timedelta(0):
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._moved += by
            return self._now()

    def advance_to(self, moment: datetime) -> datetime:
        """Move the clock forward to `moment` (which must not lie in its past); the new time."""
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("naive datetime: times must be timezone-aware")
        with self._lock:
            current = self._now()
            if moment < current:
                raise ValueError("the clock only moves forward")
            self._moved += moment - current
            return self._now()


def from_environment(environ: Mapping[str, str] = os.environ) -> LocalClock:
    """The local stack's clock, from `RESPITE_CLOCK_START` and `RESPITE_CLOCK_SPEED` (both optional)."""
    start_text = environ.get(START_ENV, "").strip()
    speed_text = environ.get(SPEED_ENV, "").strip()
    try:
        start = datetime.fromisoformat(start_text) if start_text else datetime.now(UTC)
    except ValueError:
        raise ClockSettingError(
            f"{START_ENV} is not an ISO-8601 time (e.g. 2027-01-04T09:00): {start_text!r}"
        ) from None
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    try:
        speed = float(speed_text) if speed_text else 1.0
    except ValueError:
        raise ClockSettingError(f"{SPEED_ENV} is not a number: {speed_text!r}") from None
    if not 0 < speed <= 1_000_000:  # also refuses nan and inf
        raise ClockSettingError(f"{SPEED_ENV} must be above 0 and at most 1000000: {speed_text!r}")
    return LocalClock(start, speed)


_installed: LocalClock | None = None


def install(clock: LocalClock | None) -> None:
    """Make `clock` the clock of this process (None: the real one again)."""
    global _installed
    _installed = clock


def installed() -> LocalClock | None:
    return _installed


def now() -> datetime:
    """The current time, timezone-aware, in UTC: the installed clock's, else the real one."""
    clock = _installed
    return clock.now() if clock is not None else datetime.now(UTC)


def real_now() -> datetime:
    """The real time, whatever clock is installed: for timestamps another party checks against its own
    clock (a webhook's signature timestamp)."""
    return datetime.now(UTC)


def epoch_seconds() -> float:
    """The current time in seconds since the epoch (DynamoDB's TTL attributes, the scheduler)."""
    clock = _installed
    return clock.now().timestamp() if clock is not None else time.time()
