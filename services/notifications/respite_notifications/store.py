"""The feed table: one partition per agency, items sorted by when they happened."""

from typing import Any

from respite_core import table_keys
from respite_core.resources import TableName
from respite_core.store.table import Table
from respite_notifications.feed import FeedItem


class FeedStore:
    def __init__(self) -> None:
        self._table = Table(TableName.FEED)

    def add(self, item: FeedItem) -> bool:
        """Store the item once; False when it was already there (a redelivered event)."""
        from botocore.exceptions import ClientError

        try:
            self._table.put(
                {
                    "PK": table_keys.feed(item.agency_id),
                    "SK": table_keys.feed_item(item.item_id),
                    **item.model_dump(mode="json"),
                },
                unless_exists=True,
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def latest(self, agency_id: str, limit: int = 50) -> list[FeedItem]:
        items = self._table.query("PK = :pk", {":pk": table_keys.feed(agency_id)}, forward=False, limit=limit)
        return [FeedItem.model_validate(_fields(item)) for item in items]


def _fields(item: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in item.items() if name in FeedItem.model_fields}
