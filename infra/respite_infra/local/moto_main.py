"""moto's server, with DynamoDB transactions made all-or-nothing as they are in AWS.

moto applies a transaction's writes one by one and, when a condition fails, puts back deep copies of
the whole tables. Meanwhile its stream already carries records of writes that never happened (a
pump can read them), and a write of another request to the same tables in between is lost. Here
every condition is checked first, under one lock with the writes, and nothing is applied unless
all hold — the behaviour the platform's "nothing half-written" promise relies on.
"""

import sys
import threading
from typing import Any

from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import TransactionCanceledException
from moto.dynamodb.models import DynamoDBBackend

_transactions = threading.Lock()


def _key_of(backend: DynamoDBBackend, operation: str, request: dict[str, Any]) -> dict[str, Any]:
    if operation != "Put":
        return dict(request["Key"])
    table = backend.get_table(request["TableName"])
    key = {table.hash_key_attr: request["Item"][table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = request["Item"][table.range_key_attr]
    return key


def _failed_conditions(backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> list[Any]:
    """moto's cancellation reasons, one per operation; empty when every condition holds."""
    reasons: list[Any] = []
    for entry in transact_items:
        operation, request = next(iter(entry.items()))
        condition = request.get("ConditionExpression")
        if condition is None:
            reasons.append((None, None, None))
            continue
        current = backend.get_item(request["TableName"], _key_of(backend, operation, request))
        check = get_filter_expression(
            condition, request.get("ExpressionAttributeNames"), request.get("ExpressionAttributeValues")
        )
        if check.expr(current):
            reasons.append((None, None, None))
        else:
            wants_item = request.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
            item = current.to_json()["Attributes"] if wants_item and current is not None else None
            reasons.append(("ConditionalCheckFailed", "The conditional request failed", item))
    return reasons if any(code is not None for code, _, _ in reasons) else []


def make_transactions_atomic() -> None:
    apply_all = DynamoDBBackend.transact_write_items

    def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        with _transactions:
            if len(transact_items) <= 100:  # moto's own checks answer the malformed cases
                failed = _failed_conditions(self, transact_items)
                if failed:
                    raise TransactionCanceledException(failed)
            apply_all(self, transact_items)

    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


def main() -> None:
    make_transactions_atomic()
    from moto.server import main as serve

    serve(sys.argv[1:])


if __name__ == "__main__":
    main()
