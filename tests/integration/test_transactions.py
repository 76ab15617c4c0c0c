"""The local stack's moto keeps DynamoDB transactions all-or-nothing, stream included."""

import threading
from typing import Any

import boto3
import pytest

from respite_core.resources import TableName, env_var
from respite_infra.catalogue import Catalogue, Table
from respite_infra.local.provision import provision

TABLE = Table(TableName.DOSSIERS, owner="test", purpose="test", personal_data=True, stream=True)
CATALOGUE = Catalogue(tables=(TABLE,), queues=(), buckets=(), keys=(), secrets=(), apis=())


def put(table: str, pk: str, *, unless_exists: bool = False) -> Any:
    operation: dict[str, Any] = {"TableName": table, "Item": {"PK": {"S": pk}, "SK": {"S": "META"}}}
    if unless_exists:
        operation["ConditionExpression"] = "attribute_not_exists(PK)"
    return {"Put": operation}


def stream_keys(aws: boto3.Session, table: str) -> list[str]:
    dynamodb, streams = aws.client("dynamodb"), aws.client("dynamodbstreams")
    arn = dynamodb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    records = streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
    return [r["dynamodb"]["Keys"]["PK"]["S"] for r in records]


def test_a_cancelled_transaction_writes_no_item_and_no_stream_record(aws: boto3.Session, stage: str) -> None:
    table = provision(CATALOGUE, stage, aws)[env_var(TableName.DOSSIERS)]
    dynamodb = aws.client("dynamodb")
    dynamodb.put_item(TableName=table, Item={"PK": {"S": "TAKEN"}, "SK": {"S": "META"}})

    with pytest.raises(dynamodb.exceptions.TransactionCanceledException) as cancelled:
        dynamodb.transact_write_items(
            TransactItems=[put(table, "FIRST"), put(table, "SECOND"), put(table, "TAKEN", unless_exists=True)]
        )

    reasons = [r["Code"] for r in cancelled.value.response["CancellationReasons"]]
    assert reasons == ["None", "None", "ConditionalCheckFailed"]
    assert sorted(i["PK"]["S"] for i in dynamodb.scan(TableName=table)["Items"]) == ["TAKEN"]
    assert stream_keys(aws, table) == ["TAKEN"]


def test_a_transaction_whose_conditions_hold_writes_everything(aws: boto3.Session, stage: str) -> None:
    table = provision(CATALOGUE, stage, aws)[env_var(TableName.DOSSIERS)]
    dynamodb = aws.client("dynamodb")

    dynamodb.transact_write_items(TransactItems=[put(table, "A"), put(table, "B", unless_exists=True)])

    assert sorted(i["PK"]["S"] for i in dynamodb.scan(TableName=table)["Items"]) == ["A", "B"]
    assert sorted(stream_keys(aws, table)) == ["A", "B"]


def test_a_reader_never_sees_a_write_of_a_cancelled_transaction(aws: boto3.Session, stage: str) -> None:
    """What the stream pump does all day: read while others write. moto alone fails this."""

    table = provision(CATALOGUE, stage, aws)[env_var(TableName.DOSSIERS)]
    dynamodb = aws.client("dynamodb")
    dynamodb.put_item(TableName=table, Item={"PK": {"S": "TAKEN"}, "SK": {"S": "META"}})
    seen: set[str] = set()
    done = threading.Event()

    def read_continuously() -> None:
        reader = aws.client("dynamodb")
        while not done.is_set():
            seen.update(i["PK"]["S"] for i in reader.scan(TableName=table)["Items"])

    thread = threading.Thread(target=read_continuously)
    thread.start()
    try:
        for attempt in range(30):
            doomed = [put(table, f"PHANTOM-{attempt}-{n}") for n in range(40)]
            doomed.append(put(table, "TAKEN", unless_exists=True))
            with pytest.raises(dynamodb.exceptions.TransactionCanceledException):
                dynamodb.transact_write_items(TransactItems=doomed)
    finally:
        done.set()
        thread.join()

    assert seen == {"TAKEN"}


def test_a_write_failing_half_way_leaves_nothing_behind(aws: boto3.Session, stage: str) -> None:
    table = provision(CATALOGUE, stage, aws)[env_var(TableName.DOSSIERS)]
    dynamodb = aws.client("dynamodb")
    dynamodb.put_item(TableName=table, Item={"PK": {"S": "KEPT"}, "SK": {"S": "META"}, "n": {"N": "1"}})
    overwrite: Any = {
        "Put": {"TableName": table, "Item": {"PK": {"S": "KEPT"}, "SK": {"S": "META"}, "n": {"N": "2"}}}
    }
    malformed: Any = {
        "Update": {
            "TableName": table,
            "Key": {"PK": {"S": "OTHER"}, "SK": {"S": "META"}},
            "UpdateExpression": "SET total = total + :one",  # `total` does not exist yet: a validation error
            "ExpressionAttributeValues": {":one": {"N": "1"}},
        }
    }

    with pytest.raises(dynamodb.exceptions.ClientError):
        dynamodb.transact_write_items(TransactItems=[put(table, "NEW"), overwrite, malformed])

    items = {i["PK"]["S"]: i for i in dynamodb.scan(TableName=table)["Items"]}
    assert set(items) == {"KEPT"}
    assert items["KEPT"]["n"] == {"N": "1"}
