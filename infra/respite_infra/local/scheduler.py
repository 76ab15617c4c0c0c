"""EventBridge schedules on this machine: each scheduled function runs every `Schedule.every_s`.

The event is what an EventBridge scheduled rule delivers. A schedule first runs one period after
the scheduler starts (as a new `rate(...)` rule does); missed periods are not caught up. Its clock is the
platform's (`respite_core.clock`): when an operator moves it forward, what fell due runs at the next tick,
once (a digest a week, however many weeks the clock jumped).
"""

import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from respite_core.clock import epoch_seconds
from respite_infra.catalogue import Schedule
from respite_infra.local.environment import DEFAULT_REGION, LOCAL_ACCOUNT
from respite_infra.local.handlers import Handler, LambdaContext
from respite_infra.local.ticker import Ticker

logger = logging.getLogger(__name__)


def rule_arn(schedule: Schedule, region: str = DEFAULT_REGION, account: str = LOCAL_ACCOUNT) -> str:
    return f"arn:aws:events:{region}:{account}:rule/{schedule.function.name}-schedule"


def scheduled_event(
    schedule: Schedule, at: float, region: str = DEFAULT_REGION, account: str = LOCAL_ACCOUNT
) -> dict[str, Any]:
    """The event an EventBridge scheduled rule sends at `at` (epoch seconds)."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": account,
        "time": datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [rule_arn(schedule, region, account)],
        "detail": {},
    }


@dataclass
class _Due:
    schedule: Schedule
    handler: Handler
    next_at: float


class Scheduler:
    def __init__(
        self,
        schedules: Iterable[tuple[Schedule, Handler]],
        *,
        started_at: float | None = None,
        clock: Callable[[], float] = epoch_seconds,
        region: str = DEFAULT_REGION,
        account: str = LOCAL_ACCOUNT,
    ) -> None:
        self._clock = clock
        start = clock() if started_at is None else started_at
        self._due = [_Due(schedule, handler, start + schedule.every_s) for schedule, handler in schedules]
        self._region = region
        self._account = account
        self._ticker: Ticker | None = None

    def tick(self, now: float | None = None) -> int:
        """Invoke every schedule that is due at `now`; return how many were invoked."""
        now = self._clock() if now is None else now
        invoked = 0
        for due in self._due:
            if now < due.next_at:
                continue
            at = due.next_at
            periods = int((now - due.next_at) // due.schedule.every_s) + 1
            due.next_at += periods * due.schedule.every_s  # the next period after now: no catching up
            function = due.schedule.function
            event = scheduled_event(due.schedule, at, self._region, self._account)
            context = LambdaContext.for_function(function, region=self._region, account=self._account)
            invoked += 1
            try:
                due.handler(event, context)
            except Exception as error:
                logger.warning("%s: scheduled run raised %s", function.name, type(error).__name__)
        return invoked

    def start(self, resolution_s: float = 1.0) -> None:
        if self._ticker is None:
            self._ticker = Ticker("scheduler", self.tick, resolution_s, again_while_busy=False)
        self._ticker.start()

    def stop(self) -> None:
        if self._ticker is not None:
            self._ticker.stop()

    def is_running(self) -> bool:
        return self._ticker is not None and self._ticker.is_running()
