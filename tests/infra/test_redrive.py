"""`python -m respite_infra.redrive` against moto: a stream batch the erasure consumer gave up on is
redriven from its on-failure message while the stream holds its records, and from the table's
current state after that; the real erasure consumer then erases the dossier. Lambda's invoke is the
one thing not run by AWS here: the consumer's handler is called with the event Lambda would get."""

import json
from collections.abc import Mapping
from typing import Any

import boto3
import pytest

from respite_core import aws as aws_clients
from respite_core import table_keys
from respite_core.resources import QueueName, TableName, locate
from respite_core.store.erasure_receipts import ErasureReceipts
from respite_core.store.table import Table
from respite_infra.catalogue import ERASE_DOSSIERS
from respite_infra.redrive import (
    FailedBatch,
    lambda_name,
    redrive_erasures,
    redrive_record,
    redrive_stream_failures,
)
from tests.integration import conftest as integration
from tests.integration import test_erasure as erasure
from tests.integration.test_erasure import a_dossier, erasure_consumer

# the integration suite's moto server, stage and wiring (its conftest does not reach this directory)
moto_server, aws, stage, wired = integration.moto_server, integration.aws, integration.stage, erasure.wired

pytestmark = pytest.mark.usefixtures("wired")
FUNCTION_ARN_PREFIX = "arn:aws:lambda:eu-west-1:123456789012:function:"


class ErasureFunction:
    """`respite-<stage>-retention-erasure` as Lambda runs it: the real handler, the event as given."""

    def __init__(self, stage: str) -> None:
        self.name = lambda_name(stage, ERASE_DOSSIERS.name)
        self.events: list[Mapping[str, Any]] = []

    def __call__(self, function_name: str, event: Mapping[str, Any]) -> Mapping[str, Any]:
        assert function_name == self.name
        self.events.append(event)
        answer: Mapping[str, Any] = erasure_consumer(*event["Records"])
        return answer


def meta(dossier_id: str) -> dict[str, Any] | None:
    return Table(TableName.DOSSIERS).get(table_keys.dossier(dossier_id), table_keys.DOSSIER_META)


def withdraw(dossier_id: str) -> None:
    aws_clients.dynamodb().update_item(
        TableName=locate(TableName.DOSSIERS),
        Key={"PK": {"S": table_keys.dossier(dossier_id)}, "SK": {"S": table_keys.DOSSIER_META}},
        UpdateExpression="SET #state = :withdrawn",
        ExpressionAttributeNames={"#state": "state"},
        ExpressionAttributeValues={":withdrawn": {"S": "withdrawn"}},
    )


def on_failure_message(stage: str, first: str, last: str) -> str:
    """What Lambda puts in the mapping's on-failure queue: coordinates, no record."""
    dynamodb = aws_clients.dynamodb()
    stream_arn = dynamodb.describe_table(TableName=locate(TableName.DOSSIERS))["Table"]["LatestStreamArn"]
    streams = boto3.client("dynamodbstreams")
    (shard,) = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]
    return json.dumps(
        {
            "requestContext": {
                "requestId": "r-1",
                "functionArn": f"{FUNCTION_ARN_PREFIX}{lambda_name(stage, ERASE_DOSSIERS.name)}",
                "condition": "RetryAttemptsExhausted",
                "approximateInvokeCount": 3,
            },
            "responseContext": {
                "statusCode": 200,
                "executedVersion": "$LATEST",
                "functionError": "Unhandled",
            },
            "version": "1.0",
            "timestamp": "2026-12-04T10:00:00.000Z",
            "DDBStreamBatchInfo": {
                "shardId": shard["ShardId"],
                "startSequenceNumber": first,
                "endSequenceNumber": last,
                "approximateArrivalOfFirstRecord": "2026-12-04T09:59:00Z",
                "approximateArrivalOfLastRecord": "2026-12-04T09:59:00Z",
                "batchSize": 1,
                "streamArn": stream_arn,
            },
        }
    )


def stream_sequence_numbers() -> list[tuple[str, str, str]]:
    """(sequence number, event name, PK) of every record the dossier table's stream holds."""
    dynamodb = aws_clients.dynamodb()
    stream_arn = dynamodb.describe_table(TableName=locate(TableName.DOSSIERS))["Table"]["LatestStreamArn"]
    streams = boto3.client("dynamodbstreams")
    (shard,) = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]
    iterator = streams.get_shard_iterator(
        StreamArn=stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records = streams.get_records(ShardIterator=iterator)["Records"]
    return [
        (r["dynamodb"]["SequenceNumber"], r["eventName"], r["dynamodb"]["Keys"]["PK"]["S"]) for r in records
    ]


def test_a_failed_batch_is_redriven_from_the_stream_within_24_hours(stage: str) -> None:
    a_dossier("D-STREAM", state="notified")
    withdraw("D-STREAM")  # the change the consumer failed (say, throttled until its retries ran out)
    (sequence,) = [s for s, event, pk in stream_sequence_numbers() if event == "MODIFY" and "D-STREAM" in pk]
    sqs = aws_clients.sqs()
    failed_queue = locate(QueueName.DOSSIER_EVENTS_FAILED)
    sqs.send_message(QueueUrl=failed_queue, MessageBody=on_failure_message(stage, sequence, sequence))
    assert meta("D-STREAM") is not None
    function = ErasureFunction(stage)

    counts = redrive_stream_failures(boto3.Session(), stage=stage, invoke=function)

    assert counts == {"redriven": 1, "records": 1, "expired": 0, "failed": 0}
    ((record,),) = [event["Records"] for event in function.events]
    assert record["eventName"] == "MODIFY"  # only what the mapping's filter lets through, as Lambda would
    assert meta("D-STREAM") is None
    receipt = ErasureReceipts().find("D-STREAM")
    assert receipt is not None
    assert receipt.complete
    left = sqs.receive_message(QueueUrl=failed_queue, VisibilityTimeout=0).get("Messages", [])
    assert left == []  # the message is done with


def test_a_message_whose_records_are_gone_is_kept_for_the_table_redrive(stage: str) -> None:
    a_dossier("D-GONE", state="notified")
    # coordinates the stream no longer holds (AWS answers TrimmedDataAccessException after 24 h;
    # moto, which never trims, has no record there)
    beyond = str(10**25)
    body = json.loads(on_failure_message(stage, beyond, beyond))
    sqs = aws_clients.sqs()
    sqs.send_message(QueueUrl=locate(QueueName.DOSSIER_EVENTS_FAILED), MessageBody=json.dumps(body))
    function = ErasureFunction(stage)

    counts = redrive_stream_failures(boto3.Session(), stage=stage, invoke=function)

    assert counts["expired"] == 1
    assert function.events == []
    assert FailedBatch.from_message(json.dumps(body)).function_name == function.name


def test_after_24_hours_every_erasure_asked_for_and_not_done_is_redriven_from_the_table(stage: str) -> None:
    a_dossier("D-WITHDRAWN", state="withdrawn")  # its stream record is long gone
    a_dossier("D-MARKED", state="closed")
    Table(TableName.DOSSIERS).update(
        table_keys.dossier("D-MARKED"),
        table_keys.DOSSIER_META,
        changes={"erasure_requested_at": "2026-11-01T00:00:00Z"},
    )
    a_dossier("D-OPEN", state="notified")  # nothing asked: untouched
    function = ErasureFunction(stage)

    assert sorted(redrive_erasures(boto3.Session(), stage=stage, invoke=function, dry_run=True)) == [
        "D-MARKED",
        "D-WITHDRAWN",
    ]
    assert function.events == []  # a dry run sends nothing
    sent = redrive_erasures(boto3.Session(), stage=stage, invoke=function)

    assert sorted(sent) == ["D-MARKED", "D-WITHDRAWN"]
    assert meta("D-WITHDRAWN") is None
    assert meta("D-MARKED") is None
    assert meta("D-OPEN") is not None
    for dossier_id in sent:
        receipt = ErasureReceipts().find(dossier_id)
        assert receipt is not None
        assert receipt.complete
    assert redrive_erasures(boto3.Session(), stage=stage, invoke=function) == []  # done: nothing left


def test_one_item_is_sent_again_as_a_change(stage: str) -> None:
    a_dossier("D-ONE", state="withdrawn")
    function = ErasureFunction(stage)
    pk, sk = table_keys.dossier("D-ONE"), table_keys.DOSSIER_META

    assert redrive_record(
        boto3.Session(),
        stage=stage,
        function=ERASE_DOSSIERS.name,
        event_name="MODIFY",
        pk=pk,
        sk=sk,
        invoke=function,
    )
    assert meta("D-ONE") is None
    assert not redrive_record(
        boto3.Session(),
        stage=stage,
        function=ERASE_DOSSIERS.name,
        event_name="MODIFY",
        pk=pk,
        sk=sk,
        invoke=function,
    )
