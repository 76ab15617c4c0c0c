"""The access log table: one partition per dossier, entries in time order."""

import base64
import binascii
import json
from collections.abc import Iterator
from typing import Any

from respite_core import table_keys
from respite_core.access_log import AccessEntry, LookupMiss
from respite_core.ids import to_iso
from respite_core.resources import TableName
from respite_core.store.fence import write_about
from respite_core.store.items import Item, model_of
from respite_core.store.table import Table


class InvalidCursor(ValueError):
    pass


class AccessLog:
    def __init__(self) -> None:
        self._table = Table(TableName.ACCESS_LOG)

    def _item(self, entry: AccessEntry) -> dict[str, Any]:
        return {
            "PK": table_keys.access_log(entry.dossier_id),
            "SK": table_keys.access_entry(to_iso(entry.at), entry.entry_id),
            **entry.model_dump(mode="json", exclude_none=True),
        }

    def append(self, entry: AccessEntry) -> None:
        """The entry alone, while its dossier lives; DataKeyDestroyed (and nothing written) once its
        data key is gone: an entry written while the erasure runs would outlive it."""
        write_about(entry.dossier_id, [self.append_op(entry)])

    def append_op(self, entry: AccessEntry) -> dict[str, Any]:
        """The entry as part of a transaction with the change it records (`write_about`, so the
        fence guards the entry too; only registration, which creates the key, writes it without)."""
        return self._table.put_op(self._item(entry), unless_exists=True)

    def append_lookup_miss(self, miss: LookupMiss) -> None:
        """A lookup that matched no dossier, in its office's partition: about no dossier, so outside
        the fence, and kept as erasure receipts are (it holds no personal data)."""
        self._table.put(
            {
                "PK": table_keys.office_lookups(miss.office_id),
                "SK": table_keys.access_entry(to_iso(miss.at), miss.entry_id),
                **miss.model_dump(mode="json"),
            },
            unless_exists=True,
        )

    def lookup_misses(self, office_id: str) -> list[LookupMiss]:
        """An office's lookups that matched nobody, oldest first."""
        items = self._table.query_partition(table_keys.office_lookups(office_id))
        return [model_of(LookupMiss, i) for i in items]

    def entries(self, dossier_id: str) -> list[AccessEntry]:
        items = self._table.query_partition(table_keys.access_log(dossier_id))
        return [model_of(AccessEntry, i) for i in items]

    def newest_first(
        self, dossier_id: str, cursor: str | None, page_size: int = 50
    ) -> Iterator[tuple[AccessEntry, str]]:
        """The dossier's entries, newest first, each with the cursor that continues after it.

        Cursors are opaque, and bound to the dossier: one from another dossier's log is refused
        (`InvalidCursor`), so a cursor never pages through a log its reader was not let into.
        """
        partition = table_keys.access_log(dossier_id)
        start: Item | None = _decode_cursor(cursor, partition) if cursor else None
        while True:
            items, last = self._table.query_page(
                "PK = :pk",
                {":pk": partition},
                consistent=True,  # a reader sees the entry of their own read
                forward=False,
                limit=page_size,
                start_key=start,
            )
            for item in items:
                yield model_of(AccessEntry, item), _encode_cursor({"PK": item["PK"], "SK": item["SK"]})
            if last is None:
                return
            start = last


def _encode_cursor(position: Item) -> str:
    return base64.urlsafe_b64encode(json.dumps(position, sort_keys=True).encode()).decode()


def _decode_cursor(cursor: str, partition: str) -> Item:
    try:
        position = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidCursor("the cursor is not one this API gave out") from None
    if (
        not isinstance(position, dict)
        or set(position) != {"PK", "SK"}
        or not all(isinstance(v, str) for v in position.values())
    ):
        raise InvalidCursor("the cursor is not one this API gave out")
    if position["PK"] != partition:
        raise InvalidCursor("the cursor belongs to another dossier's log")
    return dict(position)
