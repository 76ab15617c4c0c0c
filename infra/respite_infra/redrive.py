"""Redrive what a stream consumer gave up on, from what remains (docs/runbook.md, Failure queues).

A DynamoDB stream's on-failure message carries coordinates only (stream ARN, shard, first and
last sequence numbers), and the stream keeps its records 24 h. So:

    python -m respite_infra.redrive stream --stage prod [--queue dossier-events-failed] [--dry-run]

within the 24 h: reads each on-failure message's records back from the stream, invokes the
function that failed them (the message's `requestContext.functionArn`) with them, as its
event-source mapping would (only the event names its mapping lets through), and deletes the
message once the function reports no failure. A message whose records are gone is left alone.

    python -m respite_infra.redrive erasures --stage prod [--dry-run]

any time: every dossier whose erasure was asked for (consent withdrawn, or marked by the retention
sweeper) and is not done (a finished erasure deletes the dossier's meta item) is sent to the
erasure consumer again as the change that asks for it; the cascade is idempotent and resumable.

    python -m respite_infra.redrive record --stage prod --function notifications-dossier-events \\
        --event INSERT --pk DOSSIER#... --sk MSG#...

any time: one item of the dossier table, as it is now, as a change of `--event` to `--function`
(for example a message whose outbox delivery or feed item was lost: its INSERT again; the feed's
items and the outbox's deliveries are keyed by the change, so a repeated one adds nothing).

Lambda is invoked synchronously (RequestResponse) with the credentials of the caller, who needs
sqs:ReceiveMessage/DeleteMessage on the queue, dynamodb:Scan/GetItem and the stream's read
actions, and lambda:InvokeFunction. Output names counts and dossier ids only, never content.
"""

import argparse
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import boto3

from respite_core.resources import QueueName, TableName, physical_name
from respite_infra.catalogue import CATALOGUE, ERASE_DOSSIERS, Catalogue

# What a function answers: its payload (a consumer's `batchItemFailures`), or raises on a function error.
type Invoke = Callable[[str, Mapping[str, Any]], Mapping[str, Any]]

ERASURE_REQUESTED = "erasure_requested_at"  # respite_retention.erasure: the sweeper's mark
WITHDRAWN = "withdrawn"
_MAX_READS = 100  # GetRecords calls per batch before giving up on reaching its last sequence number


class FunctionFailed(RuntimeError):
    """The invoked function raised, or reported records it failed."""


def lambda_invoke(session: boto3.Session) -> Invoke:
    client = session.client("lambda")

    def invoke(function_name: str, event: Mapping[str, Any]) -> Mapping[str, Any]:
        answer = client.invoke(
            FunctionName=function_name, InvocationType="RequestResponse", Payload=json.dumps(event).encode()
        )
        payload = answer["Payload"].read()
        if answer.get("FunctionError"):
            raise FunctionFailed(f"{function_name}: {answer['FunctionError']}")
        result: Mapping[str, Any] = json.loads(payload) if payload else {}
        return result

    return invoke


def _checked(function_name: str, answer: Mapping[str, Any]) -> None:
    failed = answer.get("batchItemFailures") or []
    if failed:
        raise FunctionFailed(f"{function_name}: {len(failed)} record(s) failed again")


# --- within the stream's 24 h: the records themselves --------------------------------------------


@dataclass(frozen=True)
class FailedBatch:
    """One on-failure message of a DynamoDB stream mapping."""

    function_arn: str
    stream_arn: str
    shard_id: str
    first: str  # sequence numbers, as strings of digits
    last: str

    @classmethod
    def from_message(cls, body: str) -> "FailedBatch":
        message = json.loads(body)
        info = message["DDBStreamBatchInfo"]
        return cls(
            function_arn=message["requestContext"]["functionArn"],
            stream_arn=info["streamArn"],
            shard_id=info["shardId"],
            first=info["startSequenceNumber"],
            last=info["endSequenceNumber"],
        )

    @property
    def function_name(self) -> str:
        # arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]
        return self.function_arn.split(":")[6]


def read_batch(streams: Any, batch: FailedBatch) -> list[dict[str, Any]] | None:
    """The batch's records as Lambda delivers them, or None when the stream no longer holds them."""
    try:
        iterator = streams.get_shard_iterator(
            StreamArn=batch.stream_arn,
            ShardId=batch.shard_id,
            ShardIteratorType="AT_SEQUENCE_NUMBER",
            SequenceNumber=batch.first,
        )["ShardIterator"]
    except streams.exceptions.TrimmedDataAccessException:
        return None
    except streams.exceptions.ResourceNotFoundException:
        return None
    records: list[dict[str, Any]] = []
    for _ in range(_MAX_READS):
        page = streams.get_records(ShardIterator=iterator)
        for record in page.get("Records", []):
            if int(record["dynamodb"]["SequenceNumber"]) > int(batch.last):
                return records
            records.append(_as_lambda_delivers(record, batch.stream_arn))
        if records and int(records[-1]["dynamodb"]["SequenceNumber"]) >= int(batch.last):
            return records
        iterator = page.get("NextShardIterator")
        if not iterator:
            break
    return records or None


def _as_lambda_delivers(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    """A GetRecords record as a Lambda event record: the source ARN, the creation time in epoch seconds."""
    change = dict(record["dynamodb"])
    created = change.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        change["ApproximateCreationDateTime"] = int(created.timestamp())
    return {**record, "dynamodb": change, "eventSourceARN": stream_arn}


def lambda_name(stage: str, function: str) -> str:
    """`respite-<stage>-<function>`: the Lambda function's name (infra/respite_infra/cdk)."""
    return f"respite-{stage}-{function}"


def _event_names(catalogue: Catalogue, name: str, stage: str) -> frozenset[str] | None:
    for consumer in catalogue.stream_consumers:
        if lambda_name(stage, consumer.function.name) == name:
            return frozenset(consumer.event_names)
    return None


def redrive_stream_failures(
    session: boto3.Session,
    *,
    stage: str,
    queue: QueueName = QueueName.DOSSIER_EVENTS_FAILED,
    invoke: Invoke | None = None,
    catalogue: Catalogue = CATALOGUE,
    dry_run: bool = False,
) -> dict[str, int]:
    """Redrive every on-failure message of `queue` whose records the stream still holds."""
    sqs, streams = session.client("sqs"), session.client("dynamodbstreams")
    invoke = invoke or lambda_invoke(session)
    url = sqs.get_queue_url(QueueName=physical_name(stage, queue))["QueueUrl"]
    counts = {"redriven": 0, "records": 0, "expired": 0, "failed": 0}
    seen: set[str] = set()
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=60)
        fresh = [m for m in messages.get("Messages", []) if m["MessageId"] not in seen]
        if not fresh:
            return counts
        for message in fresh:
            seen.add(message["MessageId"])
            batch = FailedBatch.from_message(message["Body"])
            records = read_batch(streams, batch)
            if records is None:
                counts["expired"] += 1  # past the 24 h: `erasures` / `record` redrive from the table
                continue
            names = _event_names(catalogue, batch.function_name, stage)
            delivered = [r for r in records if names is None or r.get("eventName") in names]
            if dry_run:
                counts["records"] += len(delivered)
                continue
            try:
                if delivered:
                    _checked(batch.function_name, invoke(batch.function_name, {"Records": delivered}))
            except FunctionFailed:
                counts["failed"] += 1
                continue
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            counts["redriven"] += 1
            counts["records"] += len(delivered)


# --- any time: from the table's current state ----------------------------------------------------


def change_of(item: Mapping[str, Any], *, event_name: str, stream_arn: str, sequence: str) -> dict[str, Any]:
    """A stream record saying that `item` (DynamoDB JSON, as it is now) changed by `event_name`.

    No OldImage: the consumers then take every attribute of the item as new, which is what asks
    for an erasure (withdrawn, or the sweeper's mark) or for a message's delivery (INSERT)."""
    return {
        "eventID": f"redrive-{sequence}",
        "eventName": event_name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "eventSourceARN": stream_arn,
        "dynamodb": {
            "Keys": {"PK": item["PK"], "SK": item["SK"]},
            "NewImage": dict(item),
            "SequenceNumber": sequence,
            "SizeBytes": len(json.dumps(item)),
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
    }


def unfinished_erasures(dynamodb: Any, table_name: str) -> Iterator[dict[str, Any]]:
    """Each dossier meta item whose erasure was asked for: it would be gone had the erasure finished."""
    pages = dynamodb.get_paginator("scan").paginate(
        TableName=table_name,
        FilterExpression="#entity = :dossier AND (#state = :withdrawn OR attribute_exists(#marked))",
        ExpressionAttributeNames={"#entity": "entity", "#state": "state", "#marked": ERASURE_REQUESTED},
        ExpressionAttributeValues={":dossier": {"S": "dossier"}, ":withdrawn": {"S": WITHDRAWN}},
    )
    for page in pages:
        yield from page.get("Items", [])


def redrive_erasures(
    session: boto3.Session,
    *,
    stage: str,
    invoke: Invoke | None = None,
    catalogue: Catalogue = CATALOGUE,
    dry_run: bool = False,
) -> list[str]:
    """Send every unfinished erasure to the erasure consumer again; the dossier ids sent."""
    dynamodb = session.client("dynamodb")
    invoke = invoke or lambda_invoke(session)
    table_name = physical_name(stage, TableName.DOSSIERS)
    stream_arn = dynamodb.describe_table(TableName=table_name)["Table"].get("LatestStreamArn", "")
    consumer = next(c for c in catalogue.stream_consumers if c.function.name == ERASE_DOSSIERS.name)
    function_name = lambda_name(stage, consumer.function.name)
    items = list(unfinished_erasures(dynamodb, table_name))
    sent: list[str] = []
    for start in range(0, len(items), consumer.batch_size):
        batch = items[start : start + consumer.batch_size]
        records = [
            change_of(item, event_name="MODIFY", stream_arn=stream_arn, sequence=str(start + n))
            for n, item in enumerate(batch)
        ]
        if not dry_run:
            _checked(function_name, invoke(function_name, {"Records": records}))
        sent += [item["dossier_id"]["S"] for item in batch]
    return sent


def redrive_record(
    session: boto3.Session,
    *,
    stage: str,
    function: str,
    event_name: str,
    pk: str,
    sk: str,
    invoke: Invoke | None = None,
) -> bool:
    """Send one item of the dossier table, as it is now, to `function` as a change; False if it is gone."""
    dynamodb = session.client("dynamodb")
    invoke = invoke or lambda_invoke(session)
    table_name = physical_name(stage, TableName.DOSSIERS)
    item = dynamodb.get_item(TableName=table_name, Key={"PK": {"S": pk}, "SK": {"S": sk}}).get("Item")
    if item is None:
        return False
    stream_arn = dynamodb.describe_table(TableName=table_name)["Table"].get("LatestStreamArn", "")
    function_name = lambda_name(stage, function)
    record = change_of(item, event_name=event_name, stream_arn=stream_arn, sequence="0")
    _checked(function_name, invoke(function_name, {"Records": [record]}))
    return True


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m respite_infra.redrive", description=__doc__.split("\n\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    stream = commands.add_parser("stream", help="within 24 h: the failed batches' records, from the stream")
    stream.add_argument("--queue", default=QueueName.DOSSIER_EVENTS_FAILED.value)
    erasures = commands.add_parser("erasures", help="any time: every erasure asked for and not done")
    record = commands.add_parser("record", help="any time: one item of the dossier table, as a change")
    record.add_argument("--function", required=True, help="e.g. notifications-dossier-events")
    record.add_argument("--event", required=True, choices=("INSERT", "MODIFY"))
    record.add_argument("--pk", required=True)
    record.add_argument("--sk", required=True)
    for command in (stream, erasures, record):
        command.add_argument("--stage", required=True)
        command.add_argument("--region", default=None)
    for command in (stream, erasures):
        command.add_argument("--dry-run", action="store_true", help="say what would be sent, send nothing")
    args = parser.parse_args(argv)
    session = boto3.Session(region_name=args.region)
    if args.command == "stream":
        counts = redrive_stream_failures(
            session, stage=args.stage, queue=QueueName(args.queue), dry_run=args.dry_run
        )
        print(json.dumps(counts))
    elif args.command == "erasures":
        sent = redrive_erasures(session, stage=args.stage, dry_run=args.dry_run)
        print(json.dumps({"dry_run": args.dry_run, "dossiers": sent}))
    else:
        found = redrive_record(
            session, stage=args.stage, function=args.function, event_name=args.event, pk=args.pk, sk=args.sk
        )
        print(json.dumps({"sent": found}))


if __name__ == "__main__":
    main()
