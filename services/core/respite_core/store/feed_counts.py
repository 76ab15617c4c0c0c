"""An agency's unread count, changed in the same transaction as the feed item it counts: the
notifications service adds and marks items read; the erasure removes an erased dossier's items."""

from typing import Any

from respite_core import table_keys
from respite_core.store.table import Table, TransactionConflict, write_together


def count_op(table: Table, agency_id: str, by: int) -> dict[str, Any]:
    """The agency's unread count moved by `by` (created at the first item)."""
    counter = table_keys.feed_counter(agency_id)
    return {
        "Update": {
            "TableName": table.physical_name,
            "Key": {"PK": {"S": counter}, "SK": {"S": counter}},
            "UpdateExpression": "ADD unread :by",
            "ExpressionAttributeValues": {":by": {"N": str(by)}},
        }
    }


def remove_item(table: Table, agency_id: str, sk: str) -> None:
    """Delete one feed item; an unread one takes its count with it, so the count never keeps an
    item nobody can read any more. Idempotent: a read or absent item is simply deleted."""
    unread = table.delete_op(table_keys.feed(agency_id), sk, expected={"read": False})
    try:
        write_together([unread, count_op(table, agency_id, -1)])
    except TransactionConflict:
        table.delete(table_keys.feed(agency_id), sk)
