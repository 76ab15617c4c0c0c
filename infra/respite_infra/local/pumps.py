"""The pumps that play Lambda's event-source mappings on this machine.

`SqsPump` is `SqsEventSource(report_batch_item_failures=True)`: it receives a batch, builds the
Lambda SQS event, calls the handler, deletes what succeeded and leaves the rest for another receive;
the queue's own RedrivePolicy moves a message that was received `maxReceiveCount` times to its DLQ
(moto applies it on receive, as SQS does).

`StreamPump` is `DynamoEventSource(report_batch_item_failures=True, bisect_batch_on_error=True,
retry_attempts=N, on_failure=SqsDlq(...))` with the consumer's event filter: it reads the table's
stream shard by shard, in order, and retries, bisects and finally gives up on a record as Lambda
does, sending only the record's coordinates to the on-failure queue.

Nothing here logs personal data: ids, counts and exception types only.
"""

from __future__ import annotations

import base64
import copy
import json
import logging
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from respite_infra.catalogue import Queue, QueueConsumer, StreamConsumer
from respite_infra.local.environment import LOCAL_ACCOUNT
from respite_infra.local.handlers import Handler, LambdaContext
from respite_infra.local.ticker import Ticker
from respite_infra.local.ttl import TtlMarks

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodbstreams import DynamoDBStreamsClient
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import MessageTypeDef

logger = logging.getLogger(__name__)

TTL_USER_IDENTITY = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}
SQS_BATCH_LIMIT = 10  # one ReceiveMessage / DeleteMessageBatch returns / takes at most 10


def batch_item_failures(result: object, identifiers: Sequence[str]) -> set[str]:
    """The identifiers a handler reported as failed, as Lambda reads a partial batch response.

    No response, or an empty `batchItemFailures`, means all succeeded. An entry that is not one of
    the batch's identifiers makes the whole batch a failure, as in Lambda.
    """
    if not isinstance(result, Mapping):
        return set()
    failures = result.get("batchItemFailures")
    if not failures:
        return set()
    known = set(identifiers)
    failed: set[str] = set()
    for failure in failures:
        identifier = failure.get("itemIdentifier") if isinstance(failure, Mapping) else None
        if not isinstance(identifier, str) or identifier not in known:
            return known
        failed.add(identifier)
    return failed


def _arn_account(arn: str) -> str:
    parts = arn.split(":")
    return parts[4] if len(parts) > 4 and parts[4] else LOCAL_ACCOUNT


def _iso(epoch_s: float, *, millis: bool = False) -> str:
    moment = datetime.fromtimestamp(epoch_s, UTC)
    if millis:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# --- SQS ---------------------------------------------------------------------------------------


def _lambda_message_attribute(value: Mapping[str, Any]) -> dict[str, Any]:
    """SQS's `{"DataType", "StringValue" | "BinaryValue"}` in Lambda's lower-camel shape."""
    converted: dict[str, Any] = {}
    if "StringValue" in value:
        converted["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        converted["binaryValue"] = base64.b64encode(value["BinaryValue"]).decode()
    converted["stringListValues"] = list(value.get("StringListValues", []))
    converted["binaryListValues"] = [base64.b64encode(v).decode() for v in value.get("BinaryListValues", [])]
    converted["dataType"] = value["DataType"]
    return converted


class SqsPump:
    """Receives from one queue and invokes one consumer, as an SQS event-source mapping does.

    A message the handler fails (it raised, or reported the message in `batchItemFailures`) is
    not deleted; its visibility is set to `retry_delay_s` (rounded up to whole seconds) so that the
    retry comes soon instead of after the queue's full visibility timeout.
    """

    def __init__(
        self,
        consumer: QueueConsumer,
        queue: Queue,
        queue_url: str,
        handler: Handler,
        sqs_client: SQSClient,
        *,
        retry_delay_s: float = 1.0,
        wait_time_s: int = 1,
        idle_s: float = 0.1,
    ) -> None:
        self.consumer = consumer
        self.queue = queue
        self.queue_url = queue_url
        self._handler = handler
        self._sqs = sqs_client
        self._retry_visibility_s = max(0, math.ceil(retry_delay_s))
        self._wait_time_s = wait_time_s
        self._region = sqs_client.meta.region_name
        self._queue_arn: str | None = None
        self._ticker = Ticker(
            f"sqs-pump-{consumer.function.name}", self.poll_once, idle_s, again_while_busy=True
        )

    @property
    def queue_arn(self) -> str:
        if self._queue_arn is None:
            attributes = self._sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["QueueArn"])
            self._queue_arn = attributes["Attributes"]["QueueArn"]
        return self._queue_arn

    def poll_once(self) -> int:
        """One receive and, if it brought messages, one invocation. Returns the number of messages."""
        response = self._sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=max(1, min(self.consumer.batch_size, SQS_BATCH_LIMIT)),
            WaitTimeSeconds=self._wait_time_s,
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        messages = response.get("Messages", [])
        if not messages:
            return 0
        event = {"Records": [self.lambda_record(message) for message in messages]}
        identifiers = [message["MessageId"] for message in messages]
        context = LambdaContext.for_function(
            self.consumer.function, region=self._region, account=_arn_account(self.queue_arn)
        )
        try:
            result = self._handler(event, context)
        except Exception as error:
            logger.warning(
                "%s: handler raised %s; %d messages left for retry",
                self.consumer.function.name,
                type(error).__name__,
                len(messages),
            )
            failed = set(identifiers)
        else:
            failed = batch_item_failures(result, identifiers)
            if failed:
                logger.info(
                    "%s: %d of %d messages failed, left for retry",
                    self.consumer.function.name,
                    len(failed),
                    len(messages),
                )
        self._delete([m for m in messages if m["MessageId"] not in failed])
        self._retry_soon([m for m in messages if m["MessageId"] in failed])
        return len(messages)

    def lambda_record(self, message: MessageTypeDef) -> dict[str, Any]:
        record: dict[str, Any] = {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message.get("Body", ""),
            "attributes": dict(message.get("Attributes", {})),
            "messageAttributes": {
                name: _lambda_message_attribute(value)
                for name, value in message.get("MessageAttributes", {}).items()
            },
            "md5OfBody": message.get("MD5OfBody", ""),
            "eventSource": "aws:sqs",
            "eventSourceARN": self.queue_arn,
            "awsRegion": self._region,
        }
        if "MD5OfMessageAttributes" in message:
            record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
        return record

    def _delete(self, messages: Sequence[MessageTypeDef]) -> None:
        for start in range(0, len(messages), SQS_BATCH_LIMIT):
            chunk = messages[start : start + SQS_BATCH_LIMIT]
            response = self._sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(chunk)],
            )
            if response.get("Failed"):
                logger.warning("%s: %d deletes failed", self.consumer.function.name, len(response["Failed"]))

    def _retry_soon(self, messages: Sequence[MessageTypeDef]) -> None:
        for start in range(0, len(messages), SQS_BATCH_LIMIT):
            chunk = messages[start : start + SQS_BATCH_LIMIT]
            response = self._sqs.change_message_visibility_batch(
                QueueUrl=self.queue_url,
                Entries=[
                    {
                        "Id": str(i),
                        "ReceiptHandle": m["ReceiptHandle"],
                        "VisibilityTimeout": self._retry_visibility_s,
                    }
                    for i, m in enumerate(chunk)
                ],
            )
            if response.get("Failed"):
                logger.warning(
                    "%s: %d visibility changes failed", self.consumer.function.name, len(response["Failed"])
                )

    @property
    def name(self) -> str:
        """The consumer function's name."""
        return self.consumer.function.name

    def start(self) -> None:
        self._ticker.start()

    def stop(self) -> None:
        self._ticker.stop()

    def is_running(self) -> bool:
        return self._ticker.is_running()


# --- DynamoDB streams --------------------------------------------------------------------------


def _lambda_value(value: Any) -> Any:
    """An attribute value as Lambda's JSON event carries it: binary values in base64."""
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode()
    if isinstance(value, Mapping):
        return {key: _lambda_value(inner) for key, inner in value.items()}
    if isinstance(value, list | tuple | set):
        return [_lambda_value(inner) for inner in value]
    return value


@dataclass
class _Shard:
    shard_id: str
    parent_id: str | None
    iterator: str | None  # None once a closed shard has been read to its end
    last_sequence: str | None = None  # of the last record read (delivered or filtered out)
    pending: list[dict[str, Any]] = field(default_factory=list)  # read, not yet done, in order
    windows: list[int] = field(default_factory=list)  # batch sizes to try next, after a bisection
    failures: int = 0  # failed invocations with pending[0] as the checkpoint


class StreamPump:
    """Reads one table's stream and invokes one consumer, as a DynamoDB event-source mapping does.

    Per shard, in order: a batch of up to `batch_size` records (those the consumer's `event_names`
    filter lets through) is handed to the handler.
    - success: the checkpoint moves past the batch;
    - `batchItemFailures`: the checkpoint moves to the lowest failed record; the next batch starts there;
    - the handler raised: the batch is bisected and the halves tried in turn (not counted as retries);
    - a record that failed `1 + retry_attempts` invocations as the first record of its batch is given
      up: its coordinates (never its content) go to the on-failure queue and the shard moves on.
    Retries come at once (the next poll). The pump reads from TRIM_HORIZON when it starts.
    """

    def __init__(
        self,
        consumer: StreamConsumer,
        table_name: str,
        handler: Handler,
        streams_client: DynamoDBStreamsClient,
        dynamodb_client: DynamoDBClient,
        sqs_client: SQSClient,
        on_failure_queue_url: str,
        ttl_marks: TtlMarks,
        *,
        idle_s: float = 0.1,
        refresh_s: float = 5.0,
    ) -> None:
        self.consumer = consumer
        self.table_name = table_name
        self._handler = handler
        self._streams = streams_client
        self._dynamodb = dynamodb_client
        self._sqs = sqs_client
        self.on_failure_queue_url = on_failure_queue_url
        self._marks = ttl_marks
        self._refresh_s = refresh_s
        self._region = streams_client.meta.region_name
        self._event_names = frozenset(consumer.event_names)
        self._stream_arn: str | None = None
        self._shards: dict[str, _Shard] = {}
        self._finished: set[str] = set()
        self._next_refresh = 0.0
        self._ticker = Ticker(
            f"stream-pump-{consumer.function.name}", self.poll_once, idle_s, again_while_busy=True
        )

    @property
    def stream_arn(self) -> str | None:
        return self._stream_arn

    def poll_once(self) -> int:
        """Read each shard once and invoke the handler at most once per shard.

        Returns the number of records handed to the handler (0: nothing to do).
        """
        self._refresh_shards()
        delivered = 0
        for shard in list(self._shards.values()):
            if shard.parent_id is not None and shard.parent_id in self._shards:
                continue  # a child shard waits until its parent is done
            self._read(shard)
            if shard.pending:
                delivered += self._invoke(shard)
            elif shard.iterator is None:
                self._finished.add(shard.shard_id)
                del self._shards[shard.shard_id]
        return delivered

    # --- shards -----------------------------------------------------------------------------

    def _refresh_shards(self) -> None:
        now = time.monotonic()
        if self._stream_arn is not None and now < self._next_refresh:
            return
        table = self._dynamodb.describe_table(TableName=self.table_name)["Table"]
        stream_arn = table.get("LatestStreamArn")
        if stream_arn is None:
            raise LookupError(f"table {self.table_name} has no stream")
        if stream_arn != self._stream_arn:
            self._stream_arn = stream_arn
            self._shards.clear()
            self._finished.clear()
        start_after: str | None = None
        while True:
            arguments: dict[str, Any] = {"StreamArn": stream_arn}
            if start_after is not None:
                arguments["ExclusiveStartShardId"] = start_after
            description = self._streams.describe_stream(**arguments)["StreamDescription"]
            for shard in description.get("Shards", []):
                shard_id = shard["ShardId"]
                if shard_id not in self._shards and shard_id not in self._finished:
                    iterator = self._streams.get_shard_iterator(
                        StreamArn=stream_arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
                    )["ShardIterator"]
                    self._shards[shard_id] = _Shard(shard_id, shard.get("ParentShardId"), iterator)
            start_after = description.get("LastEvaluatedShardId")
            if not start_after:
                break
        self._next_refresh = now + self._refresh_s

    def _read(self, shard: _Shard) -> None:
        if shard.iterator is None or len(shard.pending) >= self.consumer.batch_size:
            return
        try:
            response = self._streams.get_records(ShardIterator=shard.iterator, Limit=self.consumer.batch_size)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ExpiredIteratorException":
                raise
            shard.iterator = self._fresh_iterator(shard)
            return
        for raw in response.get("Records", []):
            shard.last_sequence = raw["dynamodb"]["SequenceNumber"]
            if raw["eventName"] in self._event_names:  # Lambda's event filter: the rest is skipped
                shard.pending.append(self.lambda_record(raw))
        shard.iterator = response.get("NextShardIterator")

    def _fresh_iterator(self, shard: _Shard) -> str:
        assert self._stream_arn is not None
        if shard.last_sequence is None:
            response = self._streams.get_shard_iterator(
                StreamArn=self._stream_arn, ShardId=shard.shard_id, ShardIteratorType="TRIM_HORIZON"
            )
        else:
            response = self._streams.get_shard_iterator(
                StreamArn=self._stream_arn,
                ShardId=shard.shard_id,
                ShardIteratorType="AFTER_SEQUENCE_NUMBER",
                SequenceNumber=shard.last_sequence,
            )
        return response["ShardIterator"]

    def lambda_record(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """A stream record as Lambda delivers it (moto's says eventVersion 1.0 and us-east-1)."""
        change = raw["dynamodb"]
        created = change.get("ApproximateCreationDateTime")
        dynamodb: dict[str, Any] = {}
        if isinstance(created, datetime):
            dynamodb["ApproximateCreationDateTime"] = int(created.timestamp())
        elif isinstance(created, int | float):
            dynamodb["ApproximateCreationDateTime"] = int(created)
        dynamodb["Keys"] = _lambda_value(change["Keys"])
        for image in ("NewImage", "OldImage"):
            if image in change:
                dynamodb[image] = _lambda_value(change[image])
        dynamodb["SequenceNumber"] = change["SequenceNumber"]
        dynamodb["SizeBytes"] = change.get("SizeBytes", 0)
        dynamodb["StreamViewType"] = change.get("StreamViewType", "NEW_AND_OLD_IMAGES")
        record: dict[str, Any] = {
            "eventID": raw["eventID"],
            "eventName": raw["eventName"],
            "eventVersion": "1.1",
            "eventSource": "aws:dynamodb",
            "awsRegion": self._region,
            "dynamodb": dynamodb,
            "eventSourceARN": self._stream_arn,
        }
        if raw["eventName"] == "REMOVE" and self._marks.claim(
            self.table_name, change["Keys"], change["SequenceNumber"]
        ):
            record["userIdentity"] = dict(TTL_USER_IDENTITY)
        return record

    # --- invocation -------------------------------------------------------------------------

    def _context(self) -> LambdaContext:
        account = _arn_account(self._stream_arn or "")
        return LambdaContext.for_function(self.consumer.function, region=self._region, account=account)

    def _invoke(self, shard: _Shard) -> int:
        size = shard.windows[0] if shard.windows else self.consumer.batch_size
        batch = shard.pending[: max(1, size)]
        context = self._context()
        name = self.consumer.function.name
        try:
            result = self._handler({"Records": copy.deepcopy(batch)}, context)
        except Exception as error:
            logger.warning("%s: handler raised %s on %d records", name, type(error).__name__, len(batch))
            if len(batch) > 1:  # bisect: first half next, then the second
                first = (len(batch) + 1) // 2
                shard.windows[:1] = [first, len(batch) - first]
                return len(batch)
            shard.failures += 1
            if shard.failures > self.consumer.retry_attempts:
                self._give_up(shard, context, function_error="Unhandled")
            return len(batch)

        identifiers = [record["dynamodb"]["SequenceNumber"] for record in batch]
        failed = batch_item_failures(result, identifiers)
        if not failed:
            self._advance(shard, len(batch))
            if shard.windows:
                shard.windows.pop(0)
            return len(batch)

        checkpoint = next(i for i, identifier in enumerate(identifiers) if identifier in failed)
        logger.info("%s: %d of %d records failed; retrying from the first", name, len(failed), len(batch))
        self._advance(shard, checkpoint)
        shard.windows.clear()  # from the checkpoint on, full batches again
        shard.failures += 1
        if shard.failures > self.consumer.retry_attempts:
            self._give_up(shard, context, function_error=None)
        return len(batch)

    @staticmethod
    def _advance(shard: _Shard, count: int) -> None:
        if count > 0:
            del shard.pending[:count]
            shard.failures = 0

    def _give_up(self, shard: _Shard, context: LambdaContext, *, function_error: str | None) -> None:
        record = shard.pending[0]
        message = self.on_failure_message(shard.shard_id, [record], context, shard.failures, function_error)
        self._sqs.send_message(QueueUrl=self.on_failure_queue_url, MessageBody=json.dumps(message))
        logger.warning(
            "%s: gave up stream record %s of shard %s after %d invocations",
            self.consumer.function.name,
            record["dynamodb"]["SequenceNumber"],
            shard.shard_id,
            shard.failures,
        )
        del shard.pending[0]
        shard.failures = 0
        if shard.windows:
            shard.windows.pop(0)

    def on_failure_message(
        self,
        shard_id: str,
        records: Sequence[Mapping[str, Any]],
        context: LambdaContext,
        invoke_count: int,
        function_error: str | None,
    ) -> dict[str, Any]:
        """Lambda's on-failure record for a stream batch: where the records are, not what they say."""
        first, last = records[0]["dynamodb"], records[-1]["dynamodb"]
        response_context: dict[str, Any] = {"statusCode": 200, "executedVersion": "$LATEST"}
        if function_error is not None:
            response_context["functionError"] = function_error
        return {
            "requestContext": {
                "requestId": context.aws_request_id,
                "functionArn": context.invoked_function_arn,
                "condition": "RetryAttemptsExhausted",
                "approximateInvokeCount": invoke_count,
            },
            "responseContext": response_context,
            "version": "1.0",
            "timestamp": _iso(time.time(), millis=True),
            "DDBStreamBatchInfo": {
                "shardId": shard_id,
                "startSequenceNumber": first["SequenceNumber"],
                "endSequenceNumber": last["SequenceNumber"],
                "approximateArrivalOfFirstRecord": _iso(
                    first.get("ApproximateCreationDateTime", time.time())
                ),
                "approximateArrivalOfLastRecord": _iso(last.get("ApproximateCreationDateTime", time.time())),
                "batchSize": len(records),
                "streamArn": self._stream_arn,
            },
        }

    @property
    def name(self) -> str:
        """The consumer function's name."""
        return self.consumer.function.name

    def start(self) -> None:
        self._ticker.start()

    def stop(self) -> None:
        self._ticker.stop()

    def is_running(self) -> bool:
        return self._ticker.is_running()
