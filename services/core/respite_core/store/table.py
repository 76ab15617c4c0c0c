"""One DynamoDB table, read only through `live` (expired items are never served)."""

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from respite_core import aws
from respite_core.resources import TableName, locate
from respite_core.store.items import Item, from_dynamo, live, to_dynamo

type Clock = Callable[[], float]


class Table:
    def __init__(self, name: TableName, clock: Clock = time.time) -> None:
        self.name = name
        self.physical_name = locate(name)
        self._clock = clock

    def _now(self) -> int:
        return int(self._clock())

    def get(self, pk: str, sk: str, *, consistent: bool = True) -> Item | None:
        response = aws.dynamodb().get_item(
            TableName=self.physical_name, Key=to_dynamo({"PK": pk, "SK": sk}), ConsistentRead=consistent
        )
        found = live([from_dynamo(response["Item"])], self._now()) if "Item" in response else []
        return found[0] if found else None

    def query_partition(self, pk: str, *, consistent: bool = True) -> list[Item]:
        """Every live item of one partition (follows pagination)."""
        return self.query("PK = :pk", {":pk": pk}, consistent=consistent)

    def query(
        self,
        key_condition: str,
        values: Mapping[str, Any],
        *,
        index: str | None = None,
        consistent: bool = False,
        forward: bool = True,
        limit: int | None = None,
        start_key: Mapping[str, Any] | None = None,
    ) -> list[Item]:
        items, _ = self.query_page(
            key_condition,
            values,
            index=index,
            consistent=consistent,
            forward=forward,
            limit=limit,
            start_key=start_key,
            follow=limit is None,
        )
        return items

    def query_page(
        self,
        key_condition: str,
        values: Mapping[str, Any],
        *,
        index: str | None = None,
        consistent: bool = False,
        forward: bool = True,
        limit: int | None = None,
        start_key: Mapping[str, Any] | None = None,
        follow: bool = False,
    ) -> tuple[list[Item], Item | None]:
        """One page (or, with `follow`, all pages) and the key to continue from."""
        request: dict[str, Any] = {
            "TableName": self.physical_name,
            "KeyConditionExpression": key_condition,
            "ExpressionAttributeValues": to_dynamo(values),
            "ScanIndexForward": forward,
        }
        if index:
            request["IndexName"] = index
        else:
            request["ConsistentRead"] = consistent
        if limit:
            request["Limit"] = limit
        if start_key:
            request["ExclusiveStartKey"] = to_dynamo(start_key)
        items: list[Item] = []
        while True:
            response = aws.dynamodb().query(**request)
            items.extend(from_dynamo(raw) for raw in response.get("Items", []))
            last = response.get("LastEvaluatedKey")
            if not (follow and last):
                return live(items, self._now()), from_dynamo(last) if last else None
            request["ExclusiveStartKey"] = last

    def put(self, item: Item, *, unless_exists: bool = False) -> None:
        request: dict[str, Any] = {"TableName": self.physical_name, "Item": to_dynamo(item)}
        if unless_exists:
            request["ConditionExpression"] = "attribute_not_exists(PK)"
        aws.dynamodb().put_item(**request)

    def delete(self, pk: str, sk: str) -> bool:
        """Delete one item; True when it existed."""
        response = aws.dynamodb().delete_item(
            TableName=self.physical_name, Key=to_dynamo({"PK": pk, "SK": sk}), ReturnValues="ALL_OLD"
        )
        return "Attributes" in response

    # --- transactions: built as plain dicts, written all-or-nothing by `write_together`

    def put_op(self, item: Item, *, unless_exists: bool = False) -> dict[str, Any]:
        put: dict[str, Any] = {"TableName": self.physical_name, "Item": to_dynamo(item)}
        if unless_exists:
            put["ConditionExpression"] = "attribute_not_exists(PK)"
        return {"Put": put}


class TransactionConflict(Exception):
    """A condition in a transaction failed: `reasons[i]` is the code for operation i ("None" if fine)."""

    def __init__(self, reasons: Sequence[str]) -> None:
        super().__init__(f"transaction cancelled: {list(reasons)}")
        self.reasons = list(reasons)


def write_together(operations: Sequence[dict[str, Any]], *, token: str | None = None) -> None:
    """All operations or none (TransactWriteItems; up to 100 operations)."""
    client = aws.dynamodb()
    request: dict[str, Any] = {"TransactItems": list(operations)}
    if token:
        request["ClientRequestToken"] = token
    try:
        client.transact_write_items(**request)
    except client.exceptions.TransactionCanceledException as error:
        reasons = [r.get("Code", "None") for r in error.response.get("CancellationReasons", [])]
        raise TransactionConflict(reasons) from error
