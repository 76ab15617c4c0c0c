"""Local only: `/local/clock`, where an operator reads the platform's clock and moves it forward.

What takes days — the deadline sweeper's marks, the weekly digest, the standstill's end, retention —
can then be seen in a minute: `POST /local/clock {"advance": "P30D"}` (an ISO-8601 duration in weeks,
days, hours, minutes and seconds) or `{"to": "2027-04-05T09:00:00Z"}`. The scheduler runs what fell due
at its next tick (within a second), the TTL emulator expires what has expired, and every function reads
the new time. The route is the local gateway's own, like `/local/sign-in`: no API of the CDK app has it.
"""

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from respite_core.clock import LocalClock
from respite_core.ids import to_iso
from respite_infra.local.gateway import Answer, ExtraRoute
from respite_infra.local.gateway import _problem as problem

PATH = "/local/clock"
LONGEST_MOVE = timedelta(days=3660)  # ten years at once is more than any walk-through needs

_DURATION = re.compile(
    r"P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?"
)


def parse_duration(text: str) -> timedelta:
    """An ISO-8601 duration of weeks, days, hours, minutes and seconds ("P30D", "P2W", "PT36H",
    "P1DT12H"). Months and years are refused: their length depends on the day they start from."""
    found = _DURATION.fullmatch(text.strip().upper())
    if found is None or not any(found.groups()):
        raise ValueError("an ISO-8601 duration in weeks, days, hours, minutes or seconds, e.g. P30D")
    parts = {name: int(value) for name, value in found.groupdict().items() if value}
    if sum(len(value) for value in found.groups() if value) > 12:
        raise ValueError("the duration is too long")
    return timedelta(**parts)


def clock_state(clock: LocalClock) -> dict[str, Any]:
    return {
        "now": to_iso(clock.now()),
        "speed": clock.speed,
        "moved_by_s": clock.moved_by.total_seconds(),
    }


def clock_route(clock: LocalClock) -> ExtraRoute:
    """GET: the clock; POST {"advance": duration} or {"to": time}: move it forward, answer the clock."""

    def route(method: str, headers: Mapping[str, str], body: bytes) -> Answer:
        if method in ("GET", "HEAD"):
            return _json(200, clock_state(clock))
        if method != "POST":
            status, answer_headers, answer = problem(405, "GET reads the clock, POST moves it.")
            return status, answer_headers | {"Allow": "GET, HEAD, POST"}, answer
        try:
            move = json.loads(body or b"{}")
        except ValueError:
            return problem(400, 'Send JSON: {"advance": "P30D"} or {"to": "2027-04-05T09:00:00Z"}.')
        try:
            _move(clock, move)
        except ValueError as error:
            return problem(422, f"The clock was not moved: {error}.")
        return _json(200, clock_state(clock))

    return route


def _move(clock: LocalClock, move: Any) -> None:
    if not isinstance(move, dict) or len(move) != 1:
        raise ValueError('send one of "advance" (an ISO-8601 duration) or "to" (an ISO-8601 time)')
    ((kind, value),) = move.items()
    if kind == "advance" and isinstance(value, str):
        by = parse_duration(value)
        if by > LONGEST_MOVE:
            raise ValueError("at most ten years at once")
        clock.advance(by)
    elif kind == "to" and isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError("not an ISO-8601 time, e.g. 2027-04-05T09:00:00Z") from None
        moment = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
        if moment - clock.now() > LONGEST_MOVE:
            raise ValueError("at most ten years at once")
        clock.advance_to(moment)
    else:
        raise ValueError('send one of "advance" (an ISO-8601 duration) or "to" (an ISO-8601 time)')


def _json(status: int, payload: Mapping[str, Any]) -> Answer:
    return status, {"Content-Type": "application/json"}, (json.dumps(payload) + "\n").encode()
