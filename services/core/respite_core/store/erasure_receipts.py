"""Erasure receipts in the access log table: one per erased dossier, by the keyed hash of its id,
and a copy in the partition of the day the erasure started, so an operator can list a day's."""

from datetime import date, datetime
from typing import Any

from respite_core import table_keys
from respite_core.erasure import ErasureReceipt
from respite_core.ids import to_iso
from respite_core.resources import TableName
from respite_core.store.items import ENTITY, Entity, Item, model_of
from respite_core.store.pseudonyms import pseudonym, pseudonym_key
from respite_core.store.table import Table, TransactionConflict, write_together


def receipt_subject(dossier_id: str) -> str:
    """The keyed hash a receipt is filed under: the dossier id is never stored with it."""
    return pseudonym("dossier", dossier_id, pseudonym_key())


class ErasureReceipts:
    def __init__(self) -> None:
        self._table = Table(TableName.ACCESS_LOG)

    def begin(self, receipt: ErasureReceipt) -> ErasureReceipt:
        """File the receipt of an erasure that starts now, or return the one filed by an earlier,
        interrupted run (its counts are what there was to erase before anything was deleted)."""
        try:
            write_together([self._table.put_op(item, unless_exists=True) for item in _items(receipt)])
        except TransactionConflict:
            existing = self.find_subject(receipt.subject)
            if existing is None:
                raise
            return existing
        return receipt

    def complete(self, receipt: ErasureReceipt, at: datetime) -> ErasureReceipt:
        done = receipt.model_copy(update={"completed_at": at})
        changes = {"completed_at": to_iso(at)}
        write_together([self._table.update_op(pk, sk, changes=changes) for pk, sk in _keys(receipt)])
        return done

    def find(self, dossier_id: str) -> ErasureReceipt | None:
        return self.find_subject(receipt_subject(dossier_id))

    def find_subject(self, subject: str) -> ErasureReceipt | None:
        key = table_keys.erasure_receipt(subject)
        item = self._table.get(key, table_keys.ERASURE_RECEIPT)
        return None if item is None else _receipt(item)

    def on(self, day: date) -> list[ErasureReceipt]:
        """The erasures started on `day` (UTC), in time order."""
        return [
            _receipt(item) for item in self._table.query_partition(table_keys.erasures_on(day.isoformat()))
        ]


def _keys(receipt: ErasureReceipt) -> list[tuple[str, str]]:
    return [
        (table_keys.erasure_receipt(receipt.subject), table_keys.ERASURE_RECEIPT),
        (
            table_keys.erasures_on(receipt.started_at.date().isoformat()),
            f"{to_iso(receipt.started_at)}#{receipt.subject}",
        ),
    ]


def _items(receipt: ErasureReceipt) -> list[Item]:
    body = receipt.model_dump(mode="json", exclude_none=True)
    return [{"PK": pk, "SK": sk, ENTITY: Entity.ERASURE_RECEIPT, **body} for pk, sk in _keys(receipt)]


def _receipt(item: dict[str, Any]) -> ErasureReceipt:
    return model_of(ErasureReceipt, item)
