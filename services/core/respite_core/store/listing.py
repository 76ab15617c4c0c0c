"""Paged listings of one partition with opaque cursors, the one way every API pages.

A cursor is the position after an item (its key attributes, base64url JSON), bound to the partition it
was given out for: one from another partition (another agency's feed, another office's inbox, another
dossier's log) is refused with `InvalidCursor`, so a cursor never pages through what its reader was
not let into.
"""

import base64
import binascii
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from respite_core.store.items import Item
from respite_core.store.table import Table

NOT_OURS = "the cursor is not one this API gave out"


class InvalidCursor(ValueError):
    pass


@dataclass(frozen=True)
class Partition:
    """Where a listing reads: the partition key's attribute and value, and the index (if any)."""

    value: str
    attribute: str = "PK"
    index: str | None = None
    index_sort: str | None = None

    @property
    def position_keys(self) -> Sequence[str]:
        """The attributes that place an item in the listing (the table's key, and the index's)."""
        if self.index is None:
            return ("PK", "SK")
        return ("PK", "SK", self.attribute, self.index_sort or "")


def listing(
    table: Table,
    partition: Partition,
    cursor: str | None,
    *,
    newest_first: bool = False,
    consistent: bool = False,
    page_size: int = 50,
) -> Iterator[tuple[Item, str]]:
    """The partition's items in key order (or reversed), each with the cursor that continues after it."""
    start: Item | None = position_of(cursor, partition) if cursor else None
    while True:
        items, last = table.query_page(
            f"{partition.attribute} = :partition",
            {":partition": partition.value},
            index=partition.index,
            consistent=consistent,
            forward=not newest_first,
            limit=page_size,
            start_key=start,
        )
        for item in items:
            yield item, cursor_after(item, partition)
        if last is None:
            return
        start = last


def cursor_after(item: Item, partition: Partition) -> str:
    position = {name: item[name] for name in partition.position_keys}
    return base64.urlsafe_b64encode(json.dumps(position, sort_keys=True).encode()).decode()


def position_of(cursor: str, partition: Partition) -> Item:
    try:
        position = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidCursor(NOT_OURS) from None
    if (
        not isinstance(position, dict)
        or set(position) != set(partition.position_keys)
        or not all(isinstance(v, str) for v in position.values())
    ):
        raise InvalidCursor(NOT_OURS)
    if position[partition.attribute] != partition.value:
        raise InvalidCursor("the cursor belongs to another listing")
    return dict(position)
