"""One DynamoDB table, read only through `live` (expired items are never served)."""

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from respite_core import aws
from respite_core.clock import epoch_seconds
from respite_core.resources import TableName, locate
from respite_core.store.items import Item, from_dynamo, live, to_dynamo

type Clock = Callable[[], float]

BATCH_GET_LIMIT = 100  # DynamoDB's keys per BatchGetItem
BATCH_GET_ATTEMPTS = 6


class TableBusy(Exception):
    """DynamoDB kept leaving keys of a batch read unprocessed (throttling)."""


class Table:
    def __init__(self, name: TableName, clock: Clock = epoch_seconds) -> None:
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

    def get_many(self, keys: Sequence[tuple[str, str]], *, consistent: bool = True) -> list[Item]:
        """The live items of `keys` that exist, in any order: BatchGetItem, 100 keys a call, keys it
        leaves unprocessed asked again."""
        unique = list(dict.fromkeys(keys))
        found: list[Item] = []
        for start in range(0, len(unique), BATCH_GET_LIMIT):
            wanted: list[dict[str, Any]] = [
                to_dynamo({"PK": pk, "SK": sk}) for pk, sk in unique[start : start + BATCH_GET_LIMIT]
            ]
            for attempt in range(BATCH_GET_ATTEMPTS):
                if not wanted:
                    break
                if attempt:
                    time.sleep(min(0.05 * 2**attempt, 1.0))  # throttled: AWS asks for a back-off
                request: dict[str, Any] = {self.physical_name: {"Keys": wanted, "ConsistentRead": consistent}}
                response: dict[str, Any] = dict(aws.dynamodb().batch_get_item(RequestItems=request))
                found += [from_dynamo(item) for item in response["Responses"].get(self.physical_name, [])]
                unprocessed: dict[str, Any] = response.get("UnprocessedKeys") or {}
                wanted = list(unprocessed.get(self.physical_name, {}).get("Keys", []))
            if wanted:
                raise TableBusy(f"{len(wanted)} keys unread after {BATCH_GET_ATTEMPTS} attempts")
        return live(found, self._now())

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
        include_expired: bool = False,
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
            include_expired=include_expired,
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
        include_expired: bool = False,
    ) -> tuple[list[Item], Item | None]:
        """One page (or, with `follow`, all pages) and the key to continue from.

        `include_expired` is for erasure only: what is past `expires_at` is never served, but it
        must still be found to be deleted."""
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
                found = items if include_expired else live(items, self._now())
                return found, from_dynamo(last) if last else None
            request["ExclusiveStartKey"] = last

    def put(self, item: Item, *, unless_exists: bool = False) -> None:
        request: dict[str, Any] = {"TableName": self.physical_name, "Item": to_dynamo(item)}
        if unless_exists:
            request["ConditionExpression"] = "attribute_not_exists(PK)"
        aws.dynamodb().put_item(**request)

    def update(
        self, pk: str, sk: str, *, changes: Mapping[str, Any], expected: Mapping[str, Any] | None = None
    ) -> None:
        """Change attributes of an existing item (ConditionalCheckFailed if absent or not as expected)."""
        aws.dynamodb().update_item(**self.update_op(pk, sk, changes=changes, expected=expected)["Update"])

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

    def update_op(
        self,
        pk: str,
        sk: str,
        *,
        changes: Mapping[str, Any],
        expected: Mapping[str, Any] | None = None,
        remove: Sequence[str] = (),
        if_absent: Mapping[str, Any] | None = None,
        version: tuple[str, int] | None = None,
    ) -> dict[str, Any]:
        """Set `changes` (a None value removes the attribute) on an existing item whose attributes
        still have the `expected` values: optimistic concurrency for state changes. `if_absent` sets
        attributes only where the item has none yet (the first time counts). `version` (name, n)
        sets it to n unless the item holds a greater one: what a later reader wrote stays."""
        names: dict[str, str] = {}
        values: dict[str, Any] = {}
        sets, removes = [], [*remove]
        for n, (name, value) in enumerate(changes.items()):
            if value is None:
                removes.append(name)
                continue
            names[f"#s{n}"], values[f":s{n}"] = name, value
            sets.append(f"#s{n} = :s{n}")
        for n, (name, value) in enumerate((if_absent or {}).items()):
            names[f"#a{n}"], values[f":a{n}"] = name, value
            sets.append(f"#a{n} = if_not_exists(#a{n}, :a{n})")
        for n, name in enumerate(removes):
            names[f"#r{n}"] = name
        conditions = ["attribute_exists(PK)"]
        for n, (name, value) in enumerate((expected or {}).items()):
            names[f"#e{n}"], values[f":e{n}"] = name, value
            conditions.append(f"#e{n} = :e{n}")
        if version is not None:
            names["#v"], values[":v"] = version
            sets.append("#v = :v")
            conditions.append("(attribute_not_exists(#v) OR #v <= :v)")
        expression = " ".join(
            part
            for part in (
                f"SET {', '.join(sets)}" if sets else "",
                f"REMOVE {', '.join(f'#r{n}' for n in range(len(removes)))}" if removes else "",
            )
            if part
        )
        update: dict[str, Any] = {
            "TableName": self.physical_name,
            "Key": to_dynamo({"PK": pk, "SK": sk}),
            "UpdateExpression": expression,
            "ConditionExpression": " AND ".join(conditions),
            "ExpressionAttributeNames": names,
        }
        if values:
            update["ExpressionAttributeValues"] = to_dynamo(values)
        return {"Update": update}

    def count_op(self, pk: str, sk: str, counter: str, *, also: Mapping[str, Any]) -> dict[str, Any]:
        """Add one to `counter`, making the item on the first count; `also` sets attributes beside it."""
        names = {"#n": counter} | {f"#s{n}": name for n, name in enumerate(also)}
        values = {":zero": 0, ":one": 1} | {f":s{n}": value for n, value in enumerate(also.values())}
        sets = ["#n = if_not_exists(#n, :zero) + :one", *(f"#s{n} = :s{n}" for n in range(len(also)))]
        update = {
            "TableName": self.physical_name,
            "Key": to_dynamo({"PK": pk, "SK": sk}),
            "UpdateExpression": f"SET {', '.join(sets)}",
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": to_dynamo(values),
        }
        return {"Update": update}

    def exists_op(self, pk: str, sk: str) -> dict[str, Any]:
        """A transaction's check, writing nothing, that the item exists."""
        check = {
            "TableName": self.physical_name,
            "Key": to_dynamo({"PK": pk, "SK": sk}),
            "ConditionExpression": "attribute_exists(PK)",
        }
        return {"ConditionCheck": check}

    def delete_op(self, pk: str, sk: str, *, expected: Mapping[str, Any] | None = None) -> dict[str, Any]:
        delete: dict[str, Any] = {"TableName": self.physical_name, "Key": to_dynamo({"PK": pk, "SK": sk})}
        if expected:
            names = {f"#e{n}": name for n, name in enumerate(expected)}
            values = {f":e{n}": value for n, value in enumerate(expected.values())}
            delete["ConditionExpression"] = " AND ".join(f"#e{n} = :e{n}" for n in range(len(expected)))
            delete["ExpressionAttributeNames"] = names
            delete["ExpressionAttributeValues"] = to_dynamo(values)
        return {"Delete": delete}


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
