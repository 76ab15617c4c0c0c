"""Working days of the Belgian and Dutch agencies, and calendar-month arithmetic.

A working day is Monday to Friday and not a national public holiday as the `holidays` package lists it
for the country (no regional days: 11 July, the Flemish community day, is a working day in BE).
Note that `holidays` counts Good Friday, and Liberation Day (5 May) in lustrum years, as NL holidays.
"""

from calendar import monthrange
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

__all__ = [
    "Country",
    "add_months",
    "add_working_days",
    "is_overdue",
    "is_working_day",
    "public_holidays",
    "working_days_between",
]

_SATURDAY = 5
_ONE_DAY = timedelta(days=1)


class Country(StrEnum):
    """The countries whose agencies and offices use the platform."""

    BE = "BE"
    NL = "NL"

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(_ZONES[self])


_ZONES = {Country.BE: "Europe/Brussels", Country.NL: "Europe/Amsterdam"}


def local_date(moment: datetime, country: Country) -> date:
    """The calendar day it is in the country at `moment`: deadlines count the agency's days, not UTC's."""
    return moment.astimezone(country.timezone).date()


@lru_cache(maxsize=64)
def public_holidays(country: Country, year: int) -> frozenset[date]:
    """The national public holidays of one year. Cached: a Lambda asks this for every deadline."""
    import holidays  # on first use: a large import that most handlers never need

    return frozenset(holidays.country_holidays(Country(country).value, years=year))


def is_working_day(day: date, country: Country) -> bool:
    """Monday to Friday, and not a public holiday in `country`."""
    return day.weekday() < _SATURDAY and day not in public_holidays(country, day.year)


def add_working_days(start: date, n: int, country: Country) -> date:
    """The date `n` working days after `start`; `start` itself is not counted, and n=0 gives `start`."""
    if n < 0:
        raise ValueError("n must not be negative")
    day = start
    remaining = n
    while remaining > 0:
        day += _ONE_DAY
        if is_working_day(day, country):
            remaining -= 1
    return day


def working_days_between(start: date, end: date, country: Country) -> int:
    """How many working days lie after `start` up to and including `end`.

    The inverse of `add_working_days`: working_days_between(s, add_working_days(s, n, c), c) == n.
    Negative when `end` is before `start`.
    """
    if end < start:
        return -working_days_between(end, start, country)
    count = 0
    day = start
    while day < end:
        day += _ONE_DAY
        if is_working_day(day, country):
            count += 1
    return count


def is_overdue(sent_on: date, today: date, working_days: int, country: Country) -> bool:
    """True once `today` is past the deadline of `working_days` working days after `sent_on`."""
    return today > add_working_days(sent_on, working_days, country)


def add_months(day: date, months: int) -> date:
    """Calendar-month arithmetic, clamped to the month's last day: 30 Nov + 3 months = 28 or 29 Feb."""
    month_index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(month_index, 12)
    last_day = monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last_day))
