"""The access log table: one partition per dossier, entries in time order."""

from collections.abc import Iterator
from contextlib import suppress
from typing import Any

from respite_core import table_keys
from respite_core.access_log import AccessEntry, LookupMiss
from respite_core.ids import to_iso
from respite_core.resources import TableName
from respite_core.store.data_keys import DataKeyDestroyed
from respite_core.store.fence import write_about
from respite_core.store.items import model_of
from respite_core.store.listing import Partition, listing
from respite_core.store.table import Table


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

    def append_refusal(self, entry: AccessEntry) -> None:
        """A refused read of a living dossier; nothing about one erased, or that never was (the fence
        refuses: a refusal must not create a log for a dossier id someone guessed)."""
        with suppress(DataKeyDestroyed):
            self.append(entry)

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
        entries = listing(
            self._table,
            Partition(table_keys.access_log(dossier_id)),
            cursor,
            newest_first=True,
            consistent=True,  # a reader sees the entry of their own read
            page_size=page_size,
        )
        for item, after in entries:
            yield model_of(AccessEntry, item), after
