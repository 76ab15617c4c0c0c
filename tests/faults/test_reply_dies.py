"""A reply whose process dies right after its transaction still gets its totals.

The trigger of the consolidation is an item of the reply's own transaction (the intake), which the
dossier table's stream carries to the dossier-events consumer and on to the consolidation: nothing
the API does after the transaction is needed. Had the API asked for the consolidation itself after
writing, the death would leave the totals stale for good, as the office's retry is refused (the
request is answered).

The death is a `BaseException` raised by a botocore `after-call` hook on the APIs' own DynamoDB
client once `TransactWriteItems` succeeded: no handler of the API runs after it.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from respite_core import aws as aws_clients
from respite_core import table_keys
from respite_core.resources import TableName
from tests.e2e.test_slice import EXAMPLE
from tests.faults.conftest import Stage, Taps
from tests.faults.harness import Events, cascade, intakes, message_for, once_in_order, scan

CLAIMS = [
    {"office_reference": "VH/2026/1", "principal_creditor": "Stad Gent", "principal": 120_000},
    {"office_reference": "VH/2026/2", "principal_creditor": "Fluvius", "principal": 8_150, "costs": 990},
]
OUTSTANDING = 120_000 + 8_150 + 990


class ProcessDied(BaseException):
    """The function's process ends here (not an error any handler of it could catch)."""


@contextmanager
def dies_after_its_transaction() -> Iterator[list[str]]:
    """The APIs' process dies as soon as a `TransactWriteItems` succeeded."""
    died: list[str] = []

    def die(http_response: Any, **_: Any) -> None:
        if http_response.status_code == 200:
            died.append("TransactWriteItems")
            raise ProcessDied

    events = aws_clients.dynamodb().meta.events
    events.register("after-call.dynamodb.TransactWriteItems", die)
    try:
        yield died
    finally:
        events.unregister("after-call.dynamodb.TransactWriteItems", die)


def test_a_reply_dying_right_after_its_transaction_still_gets_its_totals(stage_env: Stage) -> None:
    stage, apis = stage_env, stage_env.apis
    taps = Taps(stage)
    dossier_id = str(apis.ok("POST", "/consent/dossiers", EXAMPLE)["dossier_id"])
    apis.ok("POST", f"/claims/dossiers/{dossier_id}/notices", {"office_ids": ["vanhove"]})
    office = stage.offices["vanhove"]
    notice = message_for(stage, "vanhove", dossier_id, "notice")
    replies = f"/claims/dossiers/{dossier_id}/messages/{notice}/replies"
    reply = {"type": "notice_ack", "claims": CLAIMS}

    with dies_after_its_transaction() as died, pytest.raises(ProcessDied):
        apis.call("POST", replies, reply, claims=office)
    assert died == ["TransactWriteItems"]
    assert apis.call("POST", replies, reply, claims=office)[0] == 409  # the retry: answered already

    stream = taps.stream_records()
    assert intakes(stream) == 1  # the trigger was written with the claims
    cascade(taps, Events(stream), once_in_order)

    partition = partition_of(stage, dossier_id)
    meta = partition["META"]
    assert int(meta["total_outstanding"]["N"]) == OUTSTANDING
    assert int(meta["claims_count"]["N"]) == len(CLAIMS)
    assert not [sk for sk in partition if sk.startswith("INTAKE#")]  # consumed: the intake does not stay


def test_an_intake_redelivered_counts_once(stage_env: Stage) -> None:
    """The stream record of an intake delivered again, after it was consolidated and deleted: the
    same totals, one receipt, no intake item written back."""
    stage, apis = stage_env, stage_env.apis
    taps = Taps(stage)
    dossier_id = str(apis.ok("POST", "/consent/dossiers", EXAMPLE)["dossier_id"])
    apis.ok("POST", f"/claims/dossiers/{dossier_id}/notices", {"office_ids": ["vanhove"]})
    notice = message_for(stage, "vanhove", dossier_id, "notice")
    path = f"/claims/dossiers/{dossier_id}/messages/{notice}/replies"
    apis.ok("POST", path, {"type": "notice_ack", "claims": CLAIMS}, claims=stage.offices["vanhove"])
    stream = taps.stream_records()
    cascade(taps, Events(stream), once_in_order)
    first = partition_of(stage, dossier_id)["META"]

    cascade(taps, Events([r for r in stream if intakes([r])]), once_in_order)

    partition = partition_of(stage, dossier_id)
    assert partition["META"]["totals"] == first["totals"]
    assert not [sk for sk in partition if sk.startswith("INTAKE#")]
    receipts = [k for k, item in scan(stage, TableName.DOSSIERS).items() if k[0].startswith("RECEIPTS#")]
    assert len(receipts) == 1


def partition_of(stage: Stage, dossier_id: str) -> dict[str, dict[str, Any]]:
    """The dossier's items by sort key."""
    pk = table_keys.dossier(dossier_id)
    return {key[1]: item for key, item in scan(stage, TableName.DOSSIERS).items() if key[0] == pk}
