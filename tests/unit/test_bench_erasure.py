"""The erasure benchmark's verdicts: each figure beside the issue's target, met only when both its
p50 and its p95 are under it (bench/erasure.py)."""

from erasure import NOTHING_LEFT_TARGET_MS, UNREADABLE_TARGET_MS, verdict


def test_a_target_is_met_when_p50_and_p95_are_under_it() -> None:
    assert verdict([80.0] * 19 + [900.0], UNREADABLE_TARGET_MS) == "< 1000 ms: met"


def test_a_slow_tail_misses_the_target_at_p95() -> None:
    assert verdict([80.0] * 18 + [1200.0, 1300.0], UNREADABLE_TARGET_MS) == "< 1000 ms: NOT met (p95)"


def test_slow_throughout_misses_it_at_both() -> None:
    assert verdict([6000.0] * 10, NOTHING_LEFT_TARGET_MS) == "< 5000 ms: NOT met (p50, p95)"
