"""The pumps play Lambda's event-source mappings: SQS with partial batch responses and redrive to the
DLQ, DynamoDB streams with filtering, partial batch responses, bisection and bounded retries."""

import base64
import json
import time
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.parser.models import (
    DynamoDBStreamLambdaOnFailureDestinationModel,
    DynamoDBStreamModel,
    SqsModel,
)

from respite_core.resources import QueueName, TableName, env_var
from respite_infra.catalogue import (
    Catalogue,
    Function,
    Queue,
    QueueConsumer,
    StreamConsumer,
    Table,
)
from respite_infra.local.provision import provision
from respite_infra.local.pumps import SqsPump, StreamPump
from respite_infra.local.ttl import TtlMarks
from tests.integration.conftest import wait_for

CONSUMER = Function(
    name="test-consumer", service="test", handler="tests.integration.test_pumps.handler", uses=()
)
QUEUE = Queue(
    QueueName.DOSSIER_EVENTS_FAILED,
    owner="test",
    purpose="test",
    max_receive_count=3,
    visibility_timeout_s=30,
)
TABLE = Table(TableName.DOSSIERS, owner="test", purpose="test", personal_data=True, stream=True)

type Event = dict[str, Any]


def provisioned(aws: boto3.Session, stage: str, *, table: bool = False) -> dict[str, str]:
    catalogue = Catalogue(
        tables=(TABLE,) if table else (), queues=(QUEUE,), buckets=(), keys=(), secrets=(), apis=()
    )
    return provision(catalogue, stage, aws)


def queue_is_empty(aws: boto3.Session, url: str) -> bool:
    attributes = aws.client("sqs").get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return (
        attributes["ApproximateNumberOfMessages"]
        == attributes["ApproximateNumberOfMessagesNotVisible"]
        == "0"
    )


def receive_all(aws: boto3.Session, url: str) -> list[dict[str, Any]]:
    messages = aws.client("sqs").receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0, MessageAttributeNames=["All"]
    )
    return [dict(message) for message in messages.get("Messages", [])]


# --- SQS ---------------------------------------------------------------------------------------


def test_one_poison_message_goes_to_the_dlq_and_the_other_nine_are_processed_exactly_once(
    aws: boto3.Session, stage: str
) -> None:
    url = provisioned(aws, stage)[env_var(QUEUE.name)]
    sqs = aws.client("sqs")
    dlq_url = sqs.get_queue_url(QueueName=f"respite-{stage}-{QUEUE.dlq_name}")["QueueUrl"]
    bodies = [json.dumps({"n": n, "poison": n == 6}) for n in range(10)]
    sent = sqs.send_message_batch(
        QueueUrl=url, Entries=[{"Id": str(n), "MessageBody": body} for n, body in enumerate(bodies)]
    )["Successful"]
    poison_id = next(entry["MessageId"] for entry in sent if entry["Id"] == "6")

    processed: list[str] = []
    poison_attempts: list[str] = []
    processor = BatchProcessor(event_type=EventType.SQS)

    def record_handler(record: SQSRecord) -> None:
        if json.loads(record.body)["poison"]:
            poison_attempts.append(record.message_id)
            raise ValueError("poison")
        processed.append(record.message_id)

    def handler(event: Event, context: Any) -> Any:
        return process_partial_response(
            event=event, record_handler=record_handler, processor=processor, context=context
        )

    pump = SqsPump(
        QueueConsumer(CONSUMER, QUEUE.name, batch_size=10),
        QUEUE,
        url,
        handler,
        sqs,
        retry_delay_s=0,
        wait_time_s=0,
        idle_s=0.02,
    )
    pump.start()
    try:
        dead = wait_for(lambda: receive_all(aws, dlq_url))
        wait_for(lambda: queue_is_empty(aws, url))
    finally:
        pump.stop()

    assert [message["Body"] for message in dead] == [bodies[6]]
    assert [message["MessageId"] for message in dead] == [poison_id]
    assert poison_attempts == [poison_id] * QUEUE.max_receive_count
    assert sorted(processed) == sorted(entry["MessageId"] for entry in sent if entry["Id"] != "6")
    assert len(processed) == 9  # each exactly once


def test_a_handler_that_raises_leaves_every_message_for_retry(aws: boto3.Session, stage: str) -> None:
    url = provisioned(aws, stage)[env_var(QUEUE.name)]
    sqs = aws.client("sqs")
    for n in range(3):
        sqs.send_message(
            QueueUrl=url,
            MessageBody=f"message {n}",
            MessageAttributes={
                "kind": {"DataType": "String", "StringValue": "test"},
                "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
            },
        )
    consumer = QueueConsumer(CONSUMER, QUEUE.name, batch_size=10)
    failing_events: list[Event] = []

    def failing(event: Event, context: Any) -> None:
        failing_events.append(event)
        raise RuntimeError("downstream unavailable")

    failing_pump = SqsPump(consumer, QUEUE, url, failing, sqs, retry_delay_s=0, wait_time_s=0)
    assert failing_pump.poll_once() == 3
    wait_for(
        lambda: (
            sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])[
                "Attributes"
            ]["ApproximateNumberOfMessages"]
            == "3"
        )
    )

    retried: list[Event] = []
    ok_pump = SqsPump(consumer, QUEUE, url, lambda event, context: retried.append(event), sqs, wait_time_s=0)
    wait_for(lambda: ok_pump.poll_once())
    assert queue_is_empty(aws, url)

    first = failing_events[0]["Records"]
    again = retried[0]["Records"]
    assert {r["messageId"] for r in again} == {r["messageId"] for r in first}
    assert {r["attributes"]["ApproximateReceiveCount"] for r in again} == {"2"}

    # the Lambda SQS event shape
    SqsModel.model_validate(retried[0])
    record = again[0]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    assert (record["eventSource"], record["eventSourceARN"], record["awsRegion"]) == (
        "aws:sqs",
        queue_arn,
        "eu-west-1",
    )
    assert set(record["attributes"]) >= {
        "ApproximateReceiveCount",
        "SentTimestamp",
        "ApproximateFirstReceiveTimestamp",
        "SenderId",
    }
    assert record["messageAttributes"] == {
        "kind": {"stringValue": "test", "stringListValues": [], "binaryListValues": [], "dataType": "String"},
        "blob": {
            "binaryValue": base64.b64encode(b"\x00\x01").decode(),
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": "Binary",
        },
    }
    assert record["body"].startswith("message ")
    assert len(record["md5OfBody"]) == 32


# --- DynamoDB streams --------------------------------------------------------------------------


class Recorder:
    """A stream handler that remembers what it was given, and fails as told."""

    def __init__(self) -> None:
        self.invocations: list[list[str]] = []  # the `n` of each record, per invocation
        self.events: list[Event] = []

    def __call__(self, event: Event, context: Any) -> Any:
        self.events.append(event)
        self.invocations.append([self.n(record) for record in event["Records"]])
        return None

    @staticmethod
    def n(record: dict[str, Any]) -> str:
        return str(record["dynamodb"]["Keys"]["SK"]["S"])

    def delivered(self) -> list[str]:
        return [n for invocation in self.invocations for n in invocation]


def stream_pump(
    aws: boto3.Session,
    environment: dict[str, str],
    handler: Any,
    *,
    batch_size: int = 100,
    retry_attempts: int = 2,
    event_names: tuple[str, ...] = ("INSERT", "MODIFY", "REMOVE"),
    marks: TtlMarks | None = None,
) -> StreamPump:
    consumer = StreamConsumer(
        CONSUMER,
        table=TABLE.name,
        on_failure=QUEUE.name,
        batch_size=batch_size,
        retry_attempts=retry_attempts,
        event_names=event_names,
    )
    return StreamPump(
        consumer,
        environment[env_var(TABLE.name)],
        handler,
        aws.client("dynamodbstreams"),
        aws.client("dynamodb"),
        aws.client("sqs"),
        environment[env_var(QUEUE.name)],
        marks if marks is not None else TtlMarks(),
    )


def put(aws: boto3.Session, table: str, n: int, **attributes: dict[str, Any]) -> None:
    aws.client("dynamodb").put_item(
        TableName=table, Item={"PK": {"S": "DOSSIER#1"}, "SK": {"S": f"{n:02d}"}, **attributes}
    )


def pump_until(pump: StreamPump, condition: Any, timeout_s: float = 10.0) -> None:
    def step() -> bool:
        pump.poll_once()
        return bool(condition())

    wait_for(step, timeout_s=timeout_s, every_s=0.0)


def drain(pump: StreamPump, timeout_s: float = 10.0) -> None:
    """Poll until the pump has nothing left to do (every record handled or given up)."""
    wait_for(lambda: pump.poll_once() == 0, timeout_s=timeout_s, every_s=0.0)


def test_stream_pump_delivers_insert_modify_remove_in_order_in_lambda_shape(
    aws: boto3.Session, stage: str
) -> None:
    environment = provisioned(aws, stage, table=True)
    table = environment[env_var(TABLE.name)]
    dynamodb = aws.client("dynamodb")
    before = time.time()
    put(aws, table, 1, state={"S": "open"}, blob={"B": b"\x00\xff"})
    dynamodb.update_item(
        TableName=table,
        Key={"PK": {"S": "DOSSIER#1"}, "SK": {"S": "01"}},
        UpdateExpression="SET #s = :s",
        ExpressionAttributeNames={"#s": "state"},
        ExpressionAttributeValues={":s": {"S": "closed"}},
    )
    dynamodb.delete_item(TableName=table, Key={"PK": {"S": "DOSSIER#1"}, "SK": {"S": "01"}})
    recorder = Recorder()
    pump = stream_pump(aws, environment, recorder)

    pump_until(pump, lambda: len(recorder.delivered()) >= 3)

    records = [record for event in recorder.events for record in event["Records"]]
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    for event in recorder.events:
        DynamoDBStreamModel.model_validate(event)
    stream_arn = dynamodb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    sequence_numbers = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
    assert sequence_numbers == sorted(sequence_numbers)
    for record in records:
        assert record["eventVersion"] == "1.1"
        assert record["eventSource"] == "aws:dynamodb"
        assert record["awsRegion"] == "eu-west-1"
        assert record["eventSourceARN"] == stream_arn
        assert "userIdentity" not in record
        change = record["dynamodb"]
        assert change["Keys"] == {"PK": {"S": "DOSSIER#1"}, "SK": {"S": "01"}}
        assert change["StreamViewType"] == "NEW_AND_OLD_IMAGES"
        assert isinstance(change["ApproximateCreationDateTime"], int)
        assert before - 2 <= change["ApproximateCreationDateTime"] <= time.time() + 1
        assert change["SizeBytes"] > 0
    insert, modify, remove = (r["dynamodb"] for r in records)
    assert "OldImage" not in insert
    assert insert["NewImage"]["blob"] == {"B": base64.b64encode(b"\x00\xff").decode()}  # base64, as in Lambda
    assert (modify["OldImage"]["state"], modify["NewImage"]["state"]) == ({"S": "open"}, {"S": "closed"})
    assert "NewImage" not in remove
    assert remove["OldImage"]["state"] == {"S": "closed"}
    assert DynamoDBRecord(records[1]).dynamodb is not None

    assert pump.poll_once() == 0  # nothing is delivered twice


def test_records_the_event_filter_rejects_are_skipped(aws: boto3.Session, stage: str) -> None:
    environment = provisioned(aws, stage, table=True)
    table = environment[env_var(TABLE.name)]
    put(aws, table, 1, state={"S": "open"})
    put(aws, table, 1, state={"S": "closed"})  # MODIFY
    aws.client("dynamodb").delete_item(TableName=table, Key={"PK": {"S": "DOSSIER#1"}, "SK": {"S": "01"}})
    put(aws, table, 2)
    recorder = Recorder()
    pump = stream_pump(aws, environment, recorder, event_names=("INSERT",))

    pump_until(pump, lambda: recorder.delivered() == ["01", "02"])

    names = [r["eventName"] for event in recorder.events for r in event["Records"]]
    assert names == ["INSERT", "INSERT"]
    assert pump.poll_once() == 0


def raising_on_poison(recorder: Recorder, successes: list[str]) -> Any:
    def handler(event: Event, context: Any) -> None:
        recorder(event, context)
        if any("name" in r["dynamodb"]["NewImage"] for r in event["Records"]):
            raise ValueError("cannot handle this record")
        successes.extend(Recorder.n(r) for r in event["Records"])

    return handler


def reporting_poison(recorder: Recorder, successes: list[str]) -> Any:
    processor = BatchProcessor(event_type=EventType.DynamoDBStreams)

    def record_handler(record: DynamoDBRecord) -> None:
        assert record.dynamodb is not None
        if "name" in record.dynamodb.new_image:
            raise ValueError("cannot handle this record")
        successes.append(str(record.dynamodb.keys["SK"]))

    def handler(event: Event, context: Any) -> Any:
        recorder(event, context)
        return process_partial_response(
            event=event, record_handler=record_handler, processor=processor, context=context
        )

    return handler


@pytest.mark.parametrize("style", ["raises", "reports batchItemFailures"])
def test_a_record_that_always_fails_is_given_up_and_only_its_coordinates_reach_the_on_failure_queue(
    aws: boto3.Session, stage: str, style: str
) -> None:
    environment = provisioned(aws, stage, table=True)
    table = environment[env_var(TABLE.name)]
    for n in range(6):
        extra = {"name": {"S": "Jan Janssens"}} if n == 2 else {}
        put(aws, table, n, **extra)
    recorder = Recorder()
    successes: list[str] = []
    build = raising_on_poison if style == "raises" else reporting_poison
    retry_attempts = 2
    pump = stream_pump(
        aws, environment, build(recorder, successes), batch_size=4, retry_attempts=retry_attempts
    )
    failure_queue = environment[env_var(QUEUE.name)]

    pump_until(pump, lambda: {"00", "01", "03", "04", "05"} <= set(successes))
    drain(pump)
    failures = wait_for(lambda: receive_all(aws, failure_queue))

    assert len(failures) == 1
    body = failures[0]["Body"]
    assert "Jan Janssens" not in body
    assert "NewImage" not in body
    failure = DynamoDBStreamLambdaOnFailureDestinationModel.model_validate_json(body)
    poison = next(
        r["dynamodb"]["SequenceNumber"]
        for event in recorder.events
        for r in event["Records"]
        if "name" in r["dynamodb"]["NewImage"]
    )
    stream_arn = aws.client("dynamodb").describe_table(TableName=table)["Table"]["LatestStreamArn"]
    info = failure.ddb_stream_batch_info
    assert (info.start_sequence_number, info.end_sequence_number, info.batch_size) == (poison, poison, 1)
    assert info.stream_arn == stream_arn
    assert info.shard_id.startswith("shardId-")
    assert failure.request_context.condition == "RetryAttemptsExhausted"
    assert failure.request_context.approximate_invoke_count == retry_attempts + 1
    assert failure.request_context.function_arn.endswith(":function:test-consumer")
    assert failure.version == "1.0"
    assert json.loads(body)["DDBStreamBatchInfo"]["batchSize"] == 1

    # the poison record failed 1 + retry_attempts counted invocations; when the handler raises, a
    # batch of several records is bisected instead, which does not count as a retry
    counted = [
        invocation
        for invocation in recorder.invocations
        if "02" in invocation and (style != "raises" or len(invocation) == 1)
    ]
    assert len(counted) == retry_attempts + 1
    # records before the poison one were handled once and, once handled, never delivered again
    # (raising: the first batch, which held them, failed as a whole and was bisected)
    assert successes.count("00") == successes.count("01") == 1
    deliveries_of_00 = sum(invocation.count("00") for invocation in recorder.invocations)
    assert deliveries_of_00 == (2 if style == "raises" else 1)
    if style == "raises":
        assert sorted(successes) == ["00", "01", "03", "04", "05"]  # bisection isolated the poison
    assert receive_all(aws, failure_queue) == []


def test_batch_item_failures_redeliver_from_the_failed_record_only(aws: boto3.Session, stage: str) -> None:
    environment = provisioned(aws, stage, table=True)
    table = environment[env_var(TABLE.name)]
    for n in range(5):
        put(aws, table, n)
    recorder = Recorder()
    processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
    failed_once: set[str] = set()
    processed: list[str] = []

    def record_handler(record: DynamoDBRecord) -> None:
        assert record.dynamodb is not None
        n = str(record.dynamodb.keys["SK"])
        if n == "02" and n not in failed_once:
            failed_once.add(n)
            raise RuntimeError("transient")
        processed.append(n)

    def handler(event: Event, context: Any) -> Any:
        recorder(event, context)
        return process_partial_response(
            event=event, record_handler=record_handler, processor=processor, context=context
        )

    pump = stream_pump(aws, environment, handler, batch_size=10)
    pump_until(pump, lambda: len(recorder.invocations) >= 2)

    assert recorder.invocations == [["00", "01", "02", "03", "04"], ["02", "03", "04"]]
    assert processed.count("00") == processed.count("01") == processed.count("02") == 1
    assert pump.poll_once() == 0
    assert receive_all(aws, environment[env_var(QUEUE.name)]) == []
