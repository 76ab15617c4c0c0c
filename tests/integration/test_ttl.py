"""The TTL emulator deletes expired items as DynamoDB TTL does, and the stream pump delivers those
REMOVEs with the service `userIdentity` that tells a TTL deletion from a normal one."""

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from aws_lambda_powertools.utilities.parser.models import DynamoDBStreamModel

from respite_core import clock
from respite_core.clock import LocalClock
from respite_core.resources import QueueName, TableName, env_var
from respite_infra.catalogue import Catalogue, Function, Queue, StreamConsumer, Table
from respite_infra.local.provision import provision
from respite_infra.local.pumps import StreamPump
from respite_infra.local.ttl import TtlEmulator, TtlMarks, ttl_tables
from tests.integration.conftest import wait_for

TABLE = Table(TableName.DOSSIERS, owner="test", purpose="test", personal_data=True, stream=True)
FAILED = Queue(QueueName.DOSSIER_EVENTS_FAILED, owner="test", purpose="test")
CATALOGUE = Catalogue(tables=(TABLE,), queues=(FAILED,), buckets=(), keys=(), secrets=(), apis=())
CONSUMER = StreamConsumer(
    Function(name="retention-test", service="test", handler="tests.integration.test_ttl.handler", uses=()),
    table=TABLE.name,
    on_failure=FAILED.name,
)
NOW = 1_900_000_000


def key(sk: str) -> dict[str, Any]:
    return {"PK": {"S": "DOSSIER#7"}, "SK": {"S": sk}}


def put(aws: boto3.Session, table: str, sk: str, expires_at: int | None) -> None:
    item = key(sk) | ({"expires_at": {"N": str(expires_at)}} if expires_at is not None else {})
    aws.client("dynamodb").put_item(TableName=table, Item=item)


def exists(aws: boto3.Session, table: str, sk: str) -> bool:
    return "Item" in aws.client("dynamodb").get_item(TableName=table, Key=key(sk), ConsistentRead=True)


def removes_seen_by_a_consumer(
    aws: boto3.Session, environment: dict[str, str], marks: TtlMarks, count: int
) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    pump = StreamPump(
        CONSUMER,
        environment[env_var(TABLE.name)],
        lambda event, context: events.append(event),
        aws.client("dynamodbstreams"),
        aws.client("dynamodb"),
        aws.client("sqs"),
        environment[env_var(FAILED.name)],
        marks,
    )

    def removes() -> list[dict[str, Any]]:
        pump.poll_once()
        found = [r for event in events for r in event["Records"] if r["eventName"] == "REMOVE"]
        return found if len(found) >= count else []

    found = wait_for(removes, every_s=0.0)
    for event in events:
        DynamoDBStreamModel.model_validate(event)
    return found


def test_expired_items_are_deleted_and_their_remove_carries_the_ttl_identity(
    aws: boto3.Session, stage: str
) -> None:
    environment = provision(CATALOGUE, stage, aws)
    table = environment[env_var(TABLE.name)]
    put(aws, table, "expired", NOW - 60)
    put(aws, table, "expires-now", NOW)
    put(aws, table, "later", NOW + 3600)
    put(aws, table, "forever", None)
    put(aws, table, "deleted-by-hand", NOW + 3600)
    aws.client("dynamodb").delete_item(TableName=table, Key=key("deleted-by-hand"))
    marks = TtlMarks()
    emulator = TtlEmulator(ttl_tables(CATALOGUE, stage), aws.client("dynamodb"), marks, clock=lambda: NOW)

    assert emulator.sweep_once() == 2

    assert not exists(aws, table, "expired")
    assert not exists(aws, table, "expires-now")
    assert exists(aws, table, "later")
    assert exists(aws, table, "forever")
    assert emulator.sweep_once() == 0

    removes = removes_seen_by_a_consumer(aws, environment, marks, count=3)
    identities = {r["dynamodb"]["Keys"]["SK"]["S"]: r.get("userIdentity") for r in removes}
    ttl_identity = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}
    assert identities == {"deleted-by-hand": None, "expired": ttl_identity, "expires-now": ttl_identity}
    assert len(marks) == 0  # every mark was consumed by its REMOVE


def test_every_consumer_of_the_stream_sees_the_same_ttl_identity(aws: boto3.Session, stage: str) -> None:
    environment = provision(CATALOGUE, stage, aws)
    table = environment[env_var(TABLE.name)]
    put(aws, table, "expired", NOW - 1)
    marks = TtlMarks()
    TtlEmulator(ttl_tables(CATALOGUE, stage), aws.client("dynamodb"), marks, clock=lambda: NOW).sweep_once()

    first = removes_seen_by_a_consumer(aws, environment, marks, count=1)
    second = removes_seen_by_a_consumer(aws, environment, marks, count=1)

    assert (
        first[0]["userIdentity"]
        == second[0]["userIdentity"]
        == {
            "type": "Service",
            "principalId": "dynamodb.amazonaws.com",
        }
    )


class ExtendsExpiryBeforeDelete:
    """A DynamoDB client on which someone extends the item's expiry between the scan and the delete."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def delete_item(self, **arguments: Any) -> Any:
        self._client.update_item(
            TableName=arguments["TableName"],
            Key=arguments["Key"],
            UpdateExpression="SET expires_at = :later",
            ExpressionAttributeValues={":later": {"N": str(NOW + 86_400)}},
        )
        return self._client.delete_item(**arguments)


def test_an_item_whose_expiry_was_extended_meanwhile_is_kept(aws: boto3.Session, stage: str) -> None:
    environment = provision(CATALOGUE, stage, aws)
    table = environment[env_var(TABLE.name)]
    put(aws, table, "renewed", NOW - 60)
    marks = TtlMarks()
    client: Any = ExtendsExpiryBeforeDelete(aws.client("dynamodb"))
    emulator = TtlEmulator(ttl_tables(CATALOGUE, stage), client, marks, clock=lambda: NOW)

    assert emulator.sweep_once() == 0

    assert exists(aws, table, "renewed")
    assert len(marks) == 0


def test_the_running_emulator_expires_items_in_the_background(aws: boto3.Session, stage: str) -> None:
    environment = provision(CATALOGUE, stage, aws)
    table = environment[env_var(TABLE.name)]
    put(aws, table, "soon", int(time.time()) + 1)
    put(aws, table, "later", int(time.time()) + 3600)
    emulator = TtlEmulator(ttl_tables(CATALOGUE, stage), aws.client("dynamodb"), TtlMarks())

    emulator.start(every_s=0.05)
    try:
        wait_for(lambda: not exists(aws, table, "soon"), timeout_s=5)
    finally:
        emulator.stop()

    assert exists(aws, table, "later")


def test_on_a_moved_clock_what_expired_by_it_goes(aws: boto3.Session, stage: str) -> None:
    environment = provision(CATALOGUE, stage, aws)
    table = environment[env_var(TABLE.name)]
    put(aws, table, "in-a-month", NOW + 30 * 86_400)
    put(aws, table, "in-a-year", NOW + 365 * 86_400)
    local = LocalClock(datetime.fromtimestamp(NOW, UTC))
    emulator = TtlEmulator(ttl_tables(CATALOGUE, stage), aws.client("dynamodb"), TtlMarks())
    clock.install(local)
    try:
        assert emulator.sweep_once() == 0
        local.advance(timedelta(days=31))  # an operator moves the local stack's clock
        assert emulator.sweep_once() == 1
    finally:
        clock.install(None)
    assert not exists(aws, table, "in-a-month")
    assert exists(aws, table, "in-a-year")


def test_a_table_without_a_stream_is_expired_without_leaving_marks(aws: boto3.Session, stage: str) -> None:
    unstreamed = Table(TableName.FEED, owner="test", purpose="test", personal_data=False)
    catalogue = Catalogue(tables=(unstreamed,), queues=(), buckets=(), keys=(), secrets=(), apis=())
    table = provision(catalogue, stage, aws)[env_var(unstreamed.name)]
    put(aws, table, "expired", NOW - 1)
    marks = TtlMarks()

    assert (
        TtlEmulator(
            ttl_tables(catalogue, stage), aws.client("dynamodb"), marks, clock=lambda: NOW
        ).sweep_once()
        == 1
    )

    assert not exists(aws, table, "expired")
    assert len(marks) == 0
