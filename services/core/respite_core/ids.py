"""Identifiers and timestamps: sortable ids, aware UTC times, ISO-8601 with 'Z'."""

from datetime import UTC, datetime

from ulid import ULID

from respite_core import clock

__all__ = ["new_id", "parse_iso", "to_iso", "utc_now"]


def new_id() -> str:
    """A new ULID: 26 characters, sorts by creation time (so keys sort by age)."""
    return str(ULID())


def utc_now() -> datetime:
    """The current time, timezone-aware, in UTC: the platform's clock (`respite_core.clock`), which the
    local stack can move."""
    return clock.now()


def to_iso(moment: datetime) -> str:
    """ISO-8601 in UTC with a 'Z' suffix and fixed microsecond width, so strings sort as times do."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime: times must be timezone-aware")
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def parse_iso(text: str) -> datetime:
    """Read an ISO-8601 time with an offset or 'Z' back into an aware UTC datetime."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("ISO-8601 time without an offset")
    return moment.astimezone(UTC)
