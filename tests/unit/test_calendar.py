from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from respite_core.calendar import (
    Country,
    add_months,
    add_working_days,
    is_overdue,
    is_working_day,
    public_holidays,
    working_days_between,
)

BE, NL = Country.BE, Country.NL


@pytest.mark.parametrize(
    ("day", "country", "working"),
    [
        (date(2025, 4, 21), BE, False),  # Easter Monday
        (date(2025, 4, 21), NL, False),
        (date(2025, 6, 9), BE, False),  # Whit Monday
        (date(2025, 6, 9), NL, False),
        (date(2026, 4, 27), NL, False),  # King's Day, a Monday in 2026
        (date(2026, 4, 27), BE, True),
        (date(2025, 7, 21), BE, False),  # Belgian national day, a Monday in 2025
        (date(2025, 7, 21), NL, True),
        (date(2025, 7, 11), BE, True),  # Flemish community day: regional, not national
        (date(2025, 12, 25), BE, False),
        (date(2025, 12, 26), NL, False),  # Tweede kerstdag
        (date(2025, 12, 26), BE, True),  # 26 December is no Belgian public holiday
        (date(2026, 1, 1), BE, False),
        (date(2026, 1, 1), NL, False),
        (date(2025, 4, 18), NL, False),  # Good Friday: `holidays` lists it for NL
        (date(2025, 4, 18), BE, True),
        (date(2025, 11, 11), BE, False),  # Armistice
        (date(2025, 11, 11), NL, True),
        (date(2025, 7, 19), BE, False),  # a Saturday
        (date(2025, 7, 20), NL, False),  # a Sunday
        (date(2025, 7, 22), BE, True),  # an ordinary Tuesday
    ],
)
def test_is_working_day(day: date, country: Country, working: bool) -> None:
    assert is_working_day(day, country) is working


def test_eleven_july_is_not_a_national_holiday_in_the_library() -> None:
    # We follow `holidays` BE national days; if the library ever adds 11 July, this test says so.
    assert date(2025, 7, 11) not in holidays.country_holidays("BE", years=2025)
    assert date(2025, 7, 11) not in public_holidays(BE, 2025)
    assert date(2025, 7, 21) in public_holidays(BE, 2025)


def test_holidays_are_cached_per_country_and_year() -> None:
    assert public_holidays(BE, 2031) is public_holidays(BE, 2031)
    assert public_holidays(BE, 2031) is not public_holidays(NL, 2031)
    assert public_holidays(NL, 2031) != public_holidays(NL, 2032)


@pytest.mark.parametrize(
    ("start", "n", "country", "deadline"),
    [
        # Thursday before Easter: NL skips Good Friday, the weekend and Easter Monday; BE only the last two
        (date(2025, 4, 17), 1, BE, date(2025, 4, 18)),
        (date(2025, 4, 17), 1, NL, date(2025, 4, 22)),
        (date(2025, 4, 17), 2, BE, date(2025, 4, 22)),
        # Friday before the weekend
        (date(2025, 7, 4), 1, BE, date(2025, 7, 7)),
        # national day weekend in BE: Sat 19, Sun 20, Mon 21 July
        (date(2025, 7, 18), 1, BE, date(2025, 7, 22)),
        (date(2025, 7, 18), 1, NL, date(2025, 7, 21)),
        # Christmas into the new year
        (date(2025, 12, 24), 2, BE, date(2025, 12, 29)),
        (date(2025, 12, 24), 2, NL, date(2025, 12, 30)),
        (date(2025, 12, 30), 2, BE, date(2026, 1, 2)),
        (date(2025, 12, 30), 2, NL, date(2026, 1, 2)),
        # King's Day 2026 on a Monday
        (date(2026, 4, 24), 1, NL, date(2026, 4, 28)),
        (date(2026, 4, 24), 1, BE, date(2026, 4, 27)),
        # start not counted, even on a holiday; n = 0 is the start itself
        (date(2025, 12, 25), 1, BE, date(2025, 12, 26)),
        (date(2025, 12, 25), 0, BE, date(2025, 12, 25)),
        # ten working days over Whit Monday
        (date(2025, 6, 2), 10, BE, date(2025, 6, 17)),
    ],
)
def test_add_working_days(start: date, n: int, country: Country, deadline: date) -> None:
    assert add_working_days(start, n, country) == deadline


def test_add_working_days_refuses_negative_n() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_working_days(date(2025, 1, 6), -1, BE)


@pytest.mark.parametrize(
    ("start", "end", "country", "count"),
    [
        (date(2025, 12, 24), date(2026, 1, 5), BE, 6),  # 26, 29, 30, 31 Dec, 2 and 5 Jan
        (date(2025, 12, 24), date(2026, 1, 5), NL, 5),  # 26 Dec is Tweede kerstdag
        (date(2025, 7, 18), date(2025, 7, 21), BE, 0),
        (date(2025, 7, 18), date(2025, 7, 18), BE, 0),
        (date(2026, 1, 5), date(2025, 12, 24), BE, -6),
    ],
)
def test_working_days_between(start: date, end: date, country: Country, count: int) -> None:
    assert working_days_between(start, end, country) == count


days = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
countries = st.sampled_from(Country)


@given(days, st.integers(min_value=0, max_value=60), countries)
def test_working_days_between_inverts_add_working_days(start: date, n: int, country: Country) -> None:
    deadline = add_working_days(start, n, country)
    assert working_days_between(start, deadline, country) == n
    if n > 0:
        assert is_working_day(deadline, country)
        assert add_working_days(start, n - 1, country) < deadline


@pytest.mark.parametrize(
    ("today", "overdue"),
    [
        (date(2025, 6, 17), False),  # the deadline day itself
        (date(2025, 6, 16), False),
        (date(2025, 6, 18), True),
    ],
)
def test_is_overdue_only_after_the_deadline_day(today: date, overdue: bool) -> None:
    assert is_overdue(date(2025, 6, 2), today, 10, BE) is overdue


def test_is_overdue_counts_the_country_s_holidays() -> None:
    sent = date(2025, 12, 24)
    assert is_overdue(sent, date(2025, 12, 30), 2, BE) is True
    assert is_overdue(sent, date(2025, 12, 30), 2, NL) is False


@pytest.mark.parametrize(
    ("day", "months", "result"),
    [
        (date(2023, 11, 30), 3, date(2024, 2, 29)),
        (date(2024, 11, 30), 3, date(2025, 2, 28)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2025, 10, 15), 3, date(2026, 1, 15)),
        (date(2025, 12, 31), 3, date(2026, 3, 31)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2025, 5, 31), 0, date(2025, 5, 31)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(day: date, months: int, result: date) -> None:
    assert add_months(day, months) == result


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.integers(0, 36))
def test_add_months_lands_in_the_right_month_without_overshooting(day: date, months: int) -> None:
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day <= day.day
    assert result.day == day.day or (result + timedelta(days=1)).month != result.month
