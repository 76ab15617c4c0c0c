"""An office's lookup by national number (issue 14, point 14): every lookup logged, a miss too (with
its office, naming nobody); the rate limit a sliding hour, and its 429 says when to come back.

In process against moto (`tests/faults/conftest.py`): the claims API as API Gateway invokes it, and
the rate counter with an injected clock.
"""

from datetime import UTC, datetime, timedelta

from respite_claims.store import ClaimsStore
from respite_core.access_log import Action, Purpose
from respite_core.resources import TableName
from respite_core.store.access_log import AccessLog
from tests.e2e.test_slice import EXAMPLE
from tests.faults.conftest import Stage, stage_env
from tests.faults.harness import scan

__all__ = ["stage_env"]  # the fixture this module uses

HOUR = timedelta(hours=1)
T0 = datetime(2031, 3, 4, 10, 50, tzinfo=UTC)  # ten minutes before a clock hour turns
UNKNOWN = {"national_number": {"country": "NL", "number": "111222333"}}


def test_the_window_slides_over_the_clock_hour(stage_env: Stage) -> None:
    store = ClaimsStore()
    assert [store.take_rate("lookup#a", 3, HOUR, T0 + timedelta(minutes=m)) for m in (0, 5, 9)] == [None] * 3

    # a fixed clock hour would start afresh at 11:00; a sliding one still holds the three uses
    assert store.take_rate("lookup#a", 3, HOUR, T0 + timedelta(minutes=15)) == timedelta(minutes=45)
    assert store.take_rate("lookup#a", 3, HOUR, T0 + timedelta(minutes=59)) == timedelta(minutes=1)
    # the refusals were not counted: once the first use is an hour old, one more gets through
    assert store.take_rate("lookup#a", 3, HOUR, T0 + timedelta(minutes=60, milliseconds=1)) is None
    assert store.take_rate("lookup#a", 3, HOUR, T0 + timedelta(minutes=61)) == timedelta(minutes=4)
    # another subject has its own window
    assert store.take_rate("lookup#b", 3, HOUR, T0 + timedelta(minutes=61)) is None


def test_a_refused_lookup_says_when_to_come_back(stage_env: Stage) -> None:
    vanhove = stage_env.offices["vanhove"]
    statuses = [stage_env.apis.raw("POST", "/claims/lookup", UNKNOWN, vanhove)[0] for _ in range(60)]
    status, headers, problem = stage_env.apis.raw("POST", "/claims/lookup", UNKNOWN, vanhove)

    assert statuses == [200] * 60
    assert status == 429
    assert problem["type"] == "https://respite.example/problems/rate-limited"
    assert headers["Content-Type"] == "application/problem+json"
    # the first of the 60 is at most seconds old: it leaves the window in just under an hour
    assert 3500 <= int(headers["Retry-After"]) <= 3600
    lambert = stage_env.offices["lambert"]
    assert stage_env.apis.raw("POST", "/claims/lookup", UNKNOWN, lambert)[0] == 200  # per office


def test_a_lookup_that_finds_nobody_is_logged_with_the_office_naming_nobody(stage_env: Stage) -> None:
    apis, vanhove = stage_env.apis, stage_env.offices["vanhove"]
    dossier_id = apis.ok("POST", "/consent/dossiers", EXAMPLE)["dossier_id"]
    found = apis.ok(
        "POST", "/claims/lookup", {"national_number": EXAMPLE["person"]["national_number"]}, vanhove
    )
    missed = apis.ok("POST", "/claims/lookup", UNKNOWN, vanhove)

    assert found["in_debt_help"] is True
    assert missed["in_debt_help"] is False
    looked_up = [e for e in AccessLog().entries(dossier_id) if e.action is Action.LOOKED_UP]
    assert len(looked_up) == 1  # the match, in the dossier's log
    misses = AccessLog().lookup_misses("vanhove")
    assert len(misses) == 1  # the miss alone, in the office's
    assert misses[0].actor_id == vanhove["client_id"]
    assert (misses[0].action, misses[0].purpose) == (Action.LOOKED_UP, Purpose.CREDITOR_LOOKUP)
    assert AccessLog().lookup_misses("lambert") == []
    stored = [
        item for key, item in scan(stage_env, TableName.ACCESS_LOG).items() if key[0] == "LOOKUPS#vanhove"
    ]
    assert len(stored) == 1
    assert "111222333" not in str(stored[0])
    assert "dossier_id" not in stored[0]
