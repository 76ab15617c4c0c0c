"""The lifecycle benchmark's cost model and targets: DynamoDB request units by AWS's rules, prices
applied to counts, and the issue's targets judged from the calls (bench/lifecycle.py)."""

from collections import Counter
from typing import Any

import pytest
from lifecycle import Operation, Prices, cost, read_units, target, write_units
from support import AwsCall

KB = 1024


def item(size: int) -> dict[str, Any]:
    """An item of about `size` bytes, as DynamoDB sizes it (names and values)."""
    return {"PK": {"S": "DOSSIER#1"}, "SK": {"S": "CLAIM#1"}, "b": {"S": "x" * (size - 21)}}


def call(
    name: str, params: dict[str, Any] | None = None, answer: dict[str, Any] | None = None, thread: str = "api"
) -> AwsCall:
    return AwsCall(f"dynamodb:{name}", params or {}, answer or {}, thread)


@pytest.mark.parametrize(
    ("made", "units"),
    [
        (call("PutItem", {"Item": item(KB)}), 1),
        (call("PutItem", {"Item": item(KB + 1)}), 2),
        (call("UpdateItem", {"Key": {}}), 1),
        (
            call(
                "BatchWriteItem",
                {
                    "RequestItems": {
                        "t": [{"PutRequest": {"Item": item(3 * KB)}}, {"DeleteRequest": {"Key": {}}}]
                    }
                },
            ),
            3 + 1,
        ),
        (
            call(
                "TransactWriteItems",
                {"TransactItems": [{"Put": {"Item": item(2 * KB)}}, {"Update": {}}, {"Delete": {}}]},
            ),
            2 * (2 + 1 + 1),
        ),
        (call("Query"), 0),
    ],
    ids=["put-1kb", "put-just-over-1kb", "update", "batch", "transaction-doubles", "a-read"],
)
def test_write_units_follow_aws_rules(made: AwsCall, units: int) -> None:
    assert write_units(made) == units


def test_read_units_count_4kb_steps_and_halve_eventual_reads() -> None:
    ten_kb = {"Items": [item(KB)] * 10}
    assert read_units(call("Query", {"ConsistentRead": True}, ten_kb)) == 3
    assert read_units(call("Query", {}, ten_kb)) == 1.5
    assert read_units(call("GetItem", {}, {})) == 0.5  # a miss still costs the minimum
    assert read_units(call("PutItem", {"Item": item(KB)})) == 0


def test_cost_prices_each_count() -> None:
    prices = Prices(
        dynamodb_write_unit=1.0, api_gateway_rest_request=10.0, lambda_request=100.0, kms_request=1000.0
    )
    operation = Operation(
        "one",
        calls=[call("PutItem", {"Item": item(KB)}), AwsCall("kms:Decrypt", {}, {}, "api")],
        api_requests=2,
        invocations=Counter({"notifications-outbox": 1}),
    )
    lines = cost([operation], memory_mb=1024, prices=prices).lines
    assert lines["DynamoDB write units"] == (1, 1.0)
    assert lines["API Gateway requests"] == (2, 20.0)
    assert lines["Lambda invocations"] == (3, 300.0)  # two API requests and one consumer run
    assert lines["KMS requests"] == (1, 1000.0)


def dossiers(name: str, params: dict[str, Any] | None = None, thread: str = "api") -> AwsCall:
    return call(name, {"TableName": "respite-dev-dossiers"} | (params or {}), thread=thread)


def test_a_dossier_view_is_one_query_beside_its_key() -> None:
    key = call("GetItem", {"TableName": "respite-dev-key-store"})
    assert target(Operation("dossier view", [dossiers("Query"), key])).endswith(": met")
    assert target(Operation("dossier view", [dossiers("Query"), dossiers("GetItem"), key])).endswith(
        "NOT met"
    )


def claims_batch(n: int) -> AwsCall:
    puts = [{"PutRequest": {"Item": {"SK": {"S": f"CLAIM#vh#{k}"}}}} for k in range(n)]
    return dossiers("BatchWriteItem", {"RequestItems": {"respite-dev-dossiers": puts}})


def test_claim_intake_is_batches_and_one_aggregate_update() -> None:
    meta = dossiers("UpdateItem", {"Key": {"SK": {"S": "META"}}}, thread="sqs-pump-x")
    totals = dossiers("PutItem", {"Item": {"SK": {"S": "TOTALS"}}}, thread="sqs-pump-x")
    reply = dossiers("TransactWriteItems", {"TransactItems": [{"Put": {"Item": {"SK": {"S": "MSG#1"}}}}]})
    feed = dossiers("TransactWriteItems", thread="stream-pump-feed")  # a consumer's, not the intake's
    batches = [claims_batch(25)] * 4
    upload = "claim intake, 100 claims by CSV upload"

    assert target(Operation(upload, [*batches, reply, meta, feed])).endswith("(4 + 1): met")
    assert target(Operation(upload, [*batches, meta, totals])).endswith("NOT met")
    assert target(Operation(upload, [*batches, claims_batch(1), meta])).endswith("NOT met")
