"""DynamoDB's time to live, which moto does not run: delete expired items, and mark their REMOVEs.

In AWS, TTL deletes an item some time after its TTL attribute (epoch seconds) has passed, and the
REMOVE record on the stream carries `userIdentity` {type Service, principalId dynamodb.amazonaws.com}.
moto never expires items and its stream records carry no `userIdentity`. The `TtlEmulator` scans the
TTL-enabled tables, marks each expired item's key in `TtlMarks`, then deletes the item on the
condition that it is still expired; the stream pump asks `TtlMarks` about every REMOVE and adds the
`userIdentity` to the ones that were TTL deletions.
"""

from __future__ import annotations

import base64
import logging
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from botocore.exceptions import ClientError

from respite_core.clock import epoch_seconds
from respite_core.resources import physical_name
from respite_infra.catalogue import Catalogue
from respite_infra.local.ticker import Ticker

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

logger = logging.getLogger(__name__)

type FrozenKey = tuple[tuple[str, str, str], ...]


def freeze_key(keys: Mapping[str, Mapping[str, Any]]) -> FrozenKey:
    """A hashable form of an item key in DynamoDB JSON (`{"PK": {"S": "a"}}`), whatever the client
    gave for binary values (bytes or base64)."""
    frozen: list[tuple[str, str, str]] = []
    for name, value in keys.items():
        ((kind, raw),) = value.items()
        text = base64.b64encode(raw).decode() if isinstance(raw, bytes | bytearray) else str(raw)
        frozen.append((name, kind, text))
    return tuple(sorted(frozen))


class TtlMarks:
    """Keys of items the emulator is deleting because they expired, per table. Thread-safe.

    A mark is consumed by the first REMOVE of that key read from the stream; the answer is kept per
    stream record (sequence number), so every consumer of the same stream gets the same answer.
    """

    def __init__(self, remembered_records: int = 10_000) -> None:
        self._lock = threading.Lock()
        self._marks: Counter[tuple[str, FrozenKey]] = Counter()
        self._answers: OrderedDict[tuple[str, str], bool] = OrderedDict()
        self._remembered = remembered_records

    def mark(self, table_name: str, keys: Mapping[str, Mapping[str, Any]]) -> None:
        with self._lock:
            self._marks[(table_name, freeze_key(keys))] += 1

    def unmark(self, table_name: str, keys: Mapping[str, Mapping[str, Any]]) -> None:
        entry = (table_name, freeze_key(keys))
        with self._lock:
            self._marks[entry] -= 1
            if self._marks[entry] <= 0:
                del self._marks[entry]

    def is_marked(self, table_name: str, keys: Mapping[str, Mapping[str, Any]]) -> bool:
        with self._lock:
            return self._marks[(table_name, freeze_key(keys))] > 0

    def claim(self, table_name: str, keys: Mapping[str, Mapping[str, Any]], sequence_number: str) -> bool:
        """Was the REMOVE record `sequence_number` of this key a TTL deletion? Consumes the mark."""
        answer_key = (table_name, sequence_number)
        with self._lock:
            if answer_key in self._answers:
                return self._answers[answer_key]
            entry = (table_name, freeze_key(keys))
            marked = self._marks[entry] > 0
            if marked:
                self._marks[entry] -= 1
                if self._marks[entry] <= 0:
                    del self._marks[entry]
            self._answers[answer_key] = marked
            while len(self._answers) > self._remembered:
                self._answers.popitem(last=False)
            return marked

    def __len__(self) -> int:
        with self._lock:
            return sum(self._marks.values())


class TtlTable(NamedTuple):
    table_name: str
    key_attributes: tuple[str, ...]
    ttl_attribute: str


def ttl_tables(catalogue: Catalogue, stage: str) -> list[TtlTable]:
    """The catalogue's TTL-enabled tables, by physical name."""
    return [
        TtlTable(
            physical_name(stage, table.name),
            tuple(key for key in (table.partition_key, table.sort_key) if key),
            table.ttl_attribute,
        )
        for table in catalogue.tables
        if table.ttl_attribute is not None
    ]


class TtlEmulator:
    """Deletes items whose TTL attribute (epoch seconds) is at or before now, as DynamoDB TTL would; now is
    the platform's clock (`respite_core.clock`), which the local stack can move."""

    def __init__(
        self,
        tables: Iterable[tuple[str, Iterable[str], str]],
        dynamodb_client: DynamoDBClient,
        marks: TtlMarks,
        clock: Callable[[], float] = epoch_seconds,
    ) -> None:
        self._tables = [TtlTable(name, tuple(keys), ttl) for name, keys, ttl in tables]
        self._dynamodb = dynamodb_client
        self._marks = marks
        self._clock = clock
        self._streams: dict[str, bool] = {}  # table name -> has a stream
        self._ticker: Ticker | None = None

    def sweep_once(self) -> int:
        """Delete every expired item of every table; return how many were deleted."""
        now = int(self._clock())
        return sum(self._sweep_table(table, now) for table in self._tables)

    def _sweep_table(self, table: TtlTable, now: int) -> int:
        names = {f"#k{i}": key for i, key in enumerate(table.key_attributes)} | {"#ttl": table.ttl_attribute}
        expired = {":now": {"N": str(now)}}
        deleted = 0
        paginator = self._dynamodb.get_paginator("scan")
        pages = paginator.paginate(
            TableName=table.table_name,
            FilterExpression="#ttl <= :now",
            ProjectionExpression=", ".join(names),
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=expired,
            ConsistentRead=True,
        )
        for page in pages:
            for item in page.get("Items", []):
                keys = {key: item[key] for key in table.key_attributes}
                if self._expire(table, keys, now):
                    deleted += 1
        if deleted:
            logger.info("ttl: %d expired items deleted from %s", deleted, table.table_name)
        return deleted

    def _streamed(self, table: TtlTable) -> bool:
        """Marks are only for tables with a stream: nothing would ever consume the others'."""
        if table.table_name not in self._streams:
            description = self._dynamodb.describe_table(TableName=table.table_name)["Table"]
            enabled = description.get("StreamSpecification", {}).get("StreamEnabled", False)
            self._streams[table.table_name] = bool(enabled)
        return self._streams[table.table_name]

    def _expire(self, table: TtlTable, keys: dict[str, Any], now: int) -> bool:
        if not self._streamed(table):
            return self._delete_if_expired(table, keys, now)
        self._marks.mark(table.table_name, keys)
        try:
            deleted = self._delete_if_expired(table, keys, now)
        except BaseException:
            self._marks.unmark(table.table_name, keys)
            raise
        if not deleted:
            self._marks.unmark(table.table_name, keys)
        return deleted

    def _delete_if_expired(self, table: TtlTable, keys: dict[str, Any], now: int) -> bool:
        try:
            self._dynamodb.delete_item(
                TableName=table.table_name,
                Key=keys,
                ConditionExpression="#ttl <= :now",  # the expiry may have been extended since the scan
                ExpressionAttributeNames={"#ttl": table.ttl_attribute},
                ExpressionAttributeValues={":now": {"N": str(now)}},
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def start(self, every_s: float = 5.0) -> None:
        if self._ticker is None:
            self._ticker = Ticker("ttl-emulator", self.sweep_once, every_s, again_while_busy=False)
        self._ticker.start()

    def stop(self) -> None:
        if self._ticker is not None:
            self._ticker.stop()

    def is_running(self) -> bool:
        return self._ticker is not None and self._ticker.is_running()
