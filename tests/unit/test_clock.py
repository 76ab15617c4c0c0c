"""The platform's clock: pinned here to a start and a hand-moved elapsed time, never today's date."""

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from respite_core import clock
from respite_core.clock import ClockSettingError, LocalClock, from_environment
from respite_core.ids import utc_now
from respite_core.store.table import Table
from respite_infra.local import api_definition
from respite_infra.local.__main__ import main as local_main
from respite_infra.local.clock import PATH, clock_route, parse_duration

START = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


class Elapsed:
    """A stand-in for time.monotonic that moves only when told to."""

    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds


@pytest.fixture
def installed() -> Iterator[tuple[LocalClock, Elapsed]]:
    elapsed = Elapsed()
    local = LocalClock(START, speed=60, elapsed=elapsed)
    clock.install(local)
    try:
        yield local, elapsed
    finally:
        clock.install(None)


def test_a_local_clock_starts_where_it_is_told_and_runs_at_its_speed() -> None:
    elapsed = Elapsed()
    local = LocalClock(START, speed=60, elapsed=elapsed)
    assert local.now() == START
    elapsed.seconds += 2  # two real seconds at 60 times real time
    assert local.now() == START + timedelta(minutes=2)


def test_it_moves_forward_and_never_back() -> None:
    elapsed = Elapsed()
    local = LocalClock(START, elapsed=elapsed)
    assert local.advance(timedelta(days=30)) == START + timedelta(days=30)
    assert local.advance_to(datetime(2027, 4, 5, 9, 0, tzinfo=UTC)) == datetime(2027, 4, 5, 9, 0, tzinfo=UTC)
    assert local.moved_by == datetime(2027, 4, 5, 9, 0, tzinfo=UTC) - START
    with pytest.raises(ValueError, match="forward"):
        local.advance(timedelta(seconds=-1))
    with pytest.raises(ValueError, match="forward"):
        local.advance_to(START)
    assert local.now() == datetime(2027, 4, 5, 9, 0, tzinfo=UTC)


def test_every_reader_of_time_follows_the_installed_clock(installed: tuple[LocalClock, Elapsed]) -> None:
    local, _ = installed
    local.advance(timedelta(days=7))
    assert utc_now() == START + timedelta(days=7)
    assert clock.epoch_seconds() == (START + timedelta(days=7)).timestamp()
    # the tables' expiry checks (items past expires_at are never served) read the same clock
    assert Table.__init__.__defaults__ == (clock.epoch_seconds,)


def test_without_an_installed_clock_the_time_is_the_real_one() -> None:
    before = datetime.now(UTC)
    assert before <= clock.now() <= datetime.now(UTC)
    assert clock.installed() is None


def test_the_settings_start_and_speed() -> None:
    local = from_environment({"RESPITE_CLOCK_START": "2027-01-04T09:00", "RESPITE_CLOCK_SPEED": "3600"})
    assert START <= local.now() < START + timedelta(hours=1)
    assert local.speed == 3600
    with_offset = from_environment({"RESPITE_CLOCK_START": "2027-01-04T10:00+01:00"})
    assert START <= with_offset.now() < START + timedelta(minutes=1)
    assert with_offset.speed == 1


@pytest.mark.parametrize(
    "settings",
    [
        {"RESPITE_CLOCK_START": "next monday"},
        {"RESPITE_CLOCK_SPEED": "fast"},
        {"RESPITE_CLOCK_SPEED": "0"},
        {"RESPITE_CLOCK_SPEED": "-1"},
        {"RESPITE_CLOCK_SPEED": "nan"},
        {"RESPITE_CLOCK_SPEED": "inf"},
    ],
)
def test_a_bad_setting_is_refused_with_its_name(settings: dict[str, str]) -> None:
    with pytest.raises(ClockSettingError, match=next(iter(settings))):
        from_environment(settings)


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("P30D", timedelta(days=30)),
        ("P2W", timedelta(weeks=2)),
        ("PT36H", timedelta(hours=36)),
        ("P1DT12H30M5S", timedelta(days=1, hours=12, minutes=30, seconds=5)),
        ("p3d", timedelta(days=3)),
    ],
)
def test_durations(text: str, length: timedelta) -> None:
    assert parse_duration(text) == length


@pytest.mark.parametrize(
    "text", ["P", "PT", "30D", "P3M", "P1Y", "P1DT", "-P1D", "P1.5D", "P" + "9" * 20 + "D"]
)
def test_durations_that_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


def test_the_route_reads_and_moves_the_clock() -> None:
    local = LocalClock(START, elapsed=Elapsed())
    route = clock_route(local)
    status, _, body = route("GET", {}, b"")
    assert (status, json.loads(body)["now"]) == (200, "2027-01-04T09:00:00.000000Z")
    status, _, body = route("POST", {}, b'{"advance": "P30D"}')
    assert (status, json.loads(body)["now"]) == (200, "2027-02-03T09:00:00.000000Z")
    assert json.loads(body)["moved_by_s"] == 30 * 86400
    status, _, body = route("POST", {}, b'{"to": "2027-04-05T09:00:00Z"}')
    assert (status, json.loads(body)["now"]) == (200, "2027-04-05T09:00:00.000000Z")


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"not json", 400),
        (b'{"advance": "P1M"}', 422),
        (b'{"advance": 30}', 422),
        (b'{"to": "2027-01-01T00:00:00Z"}', 422),  # the past
        (b'{"to": "someday"}', 422),
        (b'{"advance": "P1D", "to": "2027-05-01T00:00:00Z"}', 422),
        (b'{"advance": "P36600D"}', 422),
        (b"[]", 422),
    ],
)
def test_a_bad_move_is_a_problem_and_moves_nothing(body: bytes, status: int) -> None:
    local = LocalClock(START, elapsed=Elapsed())
    answer_status, headers, answer = clock_route(local)("POST", {}, body)
    assert answer_status == status
    assert headers["Content-Type"] == "application/problem+json"
    assert local.now() == START
    assert b"someday" not in answer  # the input is never echoed


def test_the_clock_route_is_no_api_of_the_cdk_app() -> None:
    """The route is the local gateway's own: the synthesized template's APIs (api_definition.json, which
    tests/infra/test_api_definition.py keeps equal to it) have no such base path nor resource."""
    definition = api_definition.load()
    assert PATH.startswith("/local/")
    assert all(api.prefix != "local" for api in definition.apis)
    assert not [m.resource for api in definition.apis for m in api.methods if "clock" in m.resource]


def test_a_bad_clock_setting_stops_the_local_stack_before_it_starts(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RESPITE_CLOCK_START", "next monday")
    assert local_main(["--port", "0"]) == 2
    assert "RESPITE_CLOCK_START is not an ISO-8601 time" in capsys.readouterr().err
