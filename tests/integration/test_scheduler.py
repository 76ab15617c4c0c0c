"""The local scheduler invokes each scheduled function every period with an EventBridge event."""

import re
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from respite_core import clock
from respite_core.clock import LocalClock
from respite_infra.catalogue import Function, Schedule
from respite_infra.local.scheduler import Scheduler

SWEEP = Schedule(
    Function(name="retention-sweeper", service="retention", handler="x.y.handler", uses=()),
    expression="rate(5 minutes)",
    every_s=300,
)
REPORT = Schedule(
    Function(name="weekly-overview", service="notifications", handler="x.y.report", uses=()),
    expression="rate(7 days)",
    every_s=7 * 86_400,
)
START = 1_900_000_000.0


class Calls:
    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.contexts: list[Any] = []

    def __call__(self, event: dict[str, Any], context: Any) -> None:
        self.events.append(event)
        self.contexts.append(context)


def test_tick_invokes_a_schedule_once_per_period_and_never_before() -> None:
    sweeps, reports = Calls(), Calls()
    scheduler = Scheduler([(SWEEP, sweeps), (REPORT, reports)], started_at=START)

    assert scheduler.tick(START + 299) == 0
    assert scheduler.tick(START + 300) == 1
    assert scheduler.tick(START + 301) == 0
    assert scheduler.tick(START + 599) == 0
    assert scheduler.tick(START + 600) == 1
    assert scheduler.tick(START + 7 * 86_400) == 2

    assert len(sweeps.events) == 3
    assert len(reports.events) == 1
    assert [event["time"] for event in sweeps.events[:2]] == ["2030-03-17T17:51:40Z", "2030-03-17T17:56:40Z"]


def test_missed_periods_are_not_caught_up() -> None:
    sweeps = Calls()
    scheduler = Scheduler([(SWEEP, sweeps)], started_at=START)

    assert scheduler.tick(START + 10 * 300 + 5) == 1
    assert scheduler.tick(START + 10 * 300 + 250) == 0
    assert scheduler.tick(START + 11 * 300) == 1
    assert len(sweeps.events) == 2


def test_it_runs_on_the_platforms_clock_and_a_move_runs_what_fell_due_once() -> None:
    elapsed = [0.0]
    local = LocalClock(datetime.fromtimestamp(START, UTC), elapsed=lambda: elapsed[0])
    clock.install(local)
    try:
        sweeps, reports = Calls(), Calls()
        scheduler = Scheduler([(SWEEP, sweeps), (REPORT, reports)])  # started now, on the installed clock
        assert scheduler.tick() == 0
        local.advance(timedelta(days=30))  # an operator moves the clock: four weeks and more fell due
        assert scheduler.tick() == 2  # each schedule once
        assert scheduler.tick() == 0
        elapsed[0] += 300  # five real minutes later
        assert scheduler.tick() == 1
    finally:
        clock.install(None)
    assert (len(sweeps.events), len(reports.events)) == (2, 1)
    assert reports.events[0]["time"] == "2030-03-24T17:46:40Z"  # the period that fell due, a week in


def test_the_event_is_an_eventbridge_scheduled_event() -> None:
    sweeps = Calls()
    Scheduler([(SWEEP, sweeps)], started_at=START).tick(START + 300)

    (event,) = sweeps.events
    assert event["version"] == "0"
    assert re.fullmatch(r"[0-9a-f-]{36}", event["id"])
    assert event["detail-type"] == "Scheduled Event"
    assert event["source"] == "aws.events"
    assert event["account"] == "123456789012"
    assert event["region"] == "eu-west-1"
    assert event["resources"] == ["arn:aws:events:eu-west-1:123456789012:rule/retention-sweeper-schedule"]
    assert event["detail"] == {}
    (context,) = sweeps.contexts
    assert context.function_name == "retention-sweeper"
    assert 0 < context.get_remaining_time_in_millis() <= 30_000


def test_a_failing_schedule_does_not_stop_the_others() -> None:
    reports = Calls()

    def broken(event: dict[str, Any], context: Any) -> None:
        raise RuntimeError("boom")

    scheduler = Scheduler([(SWEEP, broken), (REPORT, reports)], started_at=START)

    assert scheduler.tick(START + 7 * 86_400) == 2
    assert len(reports.events) == 1


def test_the_started_scheduler_runs_due_schedules_in_the_background() -> None:
    now = [START]
    invoked = threading.Event()
    scheduler = Scheduler(
        [(SWEEP, lambda event, context: invoked.set())], started_at=START, clock=lambda: now[0]
    )
    scheduler.start(resolution_s=0.01)
    try:
        assert not invoked.wait(0.1)
        now[0] = START + 300
        assert invoked.wait(5)
    finally:
        scheduler.stop()
