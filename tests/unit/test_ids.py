import time
from datetime import UTC, datetime, timedelta, timezone

import pytest

from respite_core.ids import new_id, parse_iso, to_iso, utc_now


def test_new_ids_are_unique_ulids_that_sort_by_time() -> None:
    first = new_id()
    time.sleep(0.002)
    second = new_id()
    assert len(first) == len(second) == 26
    assert first != second
    assert first < second


def test_utc_now_is_aware_utc() -> None:
    now = utc_now()
    assert now.tzinfo is UTC
    assert abs(now - datetime.now(UTC)) < timedelta(seconds=5)


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (datetime(2025, 3, 3, 9, 0, tzinfo=UTC), "2025-03-03T09:00:00.000000Z"),
        (
            datetime(2025, 3, 3, 10, 0, 0, 123, tzinfo=timezone(timedelta(hours=1))),
            "2025-03-03T09:00:00.000123Z",
        ),
    ],
)
def test_to_iso_is_utc_with_z_and_fixed_width(moment: datetime, text: str) -> None:
    assert to_iso(moment) == text
    assert parse_iso(text) == moment
    assert parse_iso(text).tzinfo is UTC


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        to_iso(datetime(2025, 3, 3, 9, 0))  # naive on purpose
    with pytest.raises(ValueError, match="offset"):
        parse_iso("2025-03-03T09:00:00")


def test_iso_strings_sort_as_times() -> None:
    early = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
    late = early + timedelta(microseconds=1)
    assert to_iso(early) < to_iso(late)
