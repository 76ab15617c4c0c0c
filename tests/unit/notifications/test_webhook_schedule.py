"""The retry schedule: nine attempts over about three days, jittered within bounds, SQS-sized hops."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from respite_notifications.webhooks import schedule

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DAY_S = 86_400


def test_the_schedule_spans_about_three_days() -> None:
    shortest, longest = schedule.span_bounds_s()
    assert schedule.MAX_ATTEMPTS == 9
    assert 2.2 * DAY_S < shortest < longest < 3.0 * DAY_S
    assert longest == sum(schedule.RETRY_WAITS_S) == 246_960  # 2 days 20 h 36 min


def test_the_caps_never_decrease_and_start_within_minutes() -> None:
    caps = [schedule.cap_before(n) for n in range(2, schedule.MAX_ATTEMPTS + 1)]
    assert caps == sorted(caps)
    assert caps[0] == 60
    assert caps[-1] == DAY_S


@pytest.mark.parametrize("attempt", range(2, schedule.MAX_ATTEMPTS + 1))
def test_every_wait_is_jittered_within_its_bounds(attempt: int) -> None:
    rng = random.Random(attempt)
    cap = schedule.cap_before(attempt)
    waits = [schedule.wait_before(attempt, rng=rng, scale=1.0) for _ in range(500)]
    assert all((1 - schedule.JITTER) * cap <= w <= cap for w in waits)
    assert max(waits) - min(waits) > 0.15 * cap  # really spread, not a constant


def test_a_whole_jittered_schedule_stays_within_the_span() -> None:
    shortest, longest = schedule.span_bounds_s()
    for seed in range(50):
        rng, at = random.Random(seed), NOW
        for failed in range(1, schedule.MAX_ATTEMPTS):
            following = schedule.next_attempt_at(failed, at, rng=rng, scale=1.0)
            assert following is not None
            assert following > at
            at = following
        assert schedule.next_attempt_at(schedule.MAX_ATTEMPTS, at, rng=rng, scale=1.0) is None
        assert shortest <= (at - NOW).total_seconds() <= longest


def test_there_is_no_step_outside_the_schedule() -> None:
    for attempt in (0, 1, schedule.MAX_ATTEMPTS + 1):
        with pytest.raises(ValueError, match="not a retry"):
            schedule.cap_before(attempt)


def test_long_waits_are_hops_of_at_most_fifteen_minutes() -> None:
    assert schedule.sqs_delay(None, NOW) == 0
    assert schedule.sqs_delay(NOW + timedelta(seconds=42.9), NOW) == 42
    assert schedule.sqs_delay(NOW + timedelta(hours=24), NOW) == schedule.SQS_MAX_DELAY_S == 900
    assert schedule.sqs_delay(NOW - timedelta(seconds=5), NOW) == 0


def test_a_job_is_due_within_a_second_of_its_time() -> None:
    assert schedule.is_due(None, NOW)
    assert schedule.is_due(NOW + timedelta(milliseconds=900), NOW)
    assert not schedule.is_due(NOW + timedelta(seconds=2), NOW)


def test_the_time_scale_shrinks_every_wait_for_tests(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(schedule.TIME_SCALE_VARIABLE, "0.001")
    assert schedule.wait_before(9, rng=random.Random(1)) <= DAY_S * 0.001
    for bad in ("0", "2", "-1"):
        monkeypatch.setenv(schedule.TIME_SCALE_VARIABLE, bad)
        with pytest.raises(ValueError, match="must be in"):
            schedule.time_scale()
    monkeypatch.delenv(schedule.TIME_SCALE_VARIABLE)
    assert schedule.time_scale() == 1.0
