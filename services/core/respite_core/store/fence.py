"""The liveness fence: nothing about a dossier is written once its data key is destroyed.

Erasure destroys the key first and only then looks for what to delete. A write about the dossier
that carries the key's existence as a condition in its own transaction either commits before the
key goes (and erasure, which searches after, finds and deletes it) or fails (DataKeyDestroyed):
no write can slip in between the search and the end of the erasure and outlive it.

What needs the fence is a write that can create an item (a put, an update that upserts). An update
or delete conditioned on the item's existence (`Table.update_op` always is) cannot bring back what
the erasure deleted; it may still ride in a fenced transaction, but alone it needs none.
"""

from collections.abc import Sequence
from typing import Any

from respite_core import table_keys
from respite_core.resources import TableName
from respite_core.store.data_keys import DataKeyDestroyed
from respite_core.store.table import Table, TransactionConflict, write_together

__all__ = ["DataKeyDestroyed", "alive_op", "is_alive", "write_about"]


def alive_op(dossier_id: str) -> dict[str, Any]:
    """The check, in a transaction, that the dossier's data key still exists."""
    pk = table_keys.data_key(dossier_id)
    return Table(TableName.KEY_STORE).exists_op(pk, pk)


def write_about(dossier_id: str, operations: Sequence[dict[str, Any]], *, token: str | None = None) -> None:
    """Write `operations` all together while the dossier lives, else DataKeyDestroyed and nothing.

    A TransactionConflict's `reasons` index the caller's own `operations` (the fence is not among
    them). At most 99 operations: the fence takes one of DynamoDB's 100."""
    try:
        write_together([alive_op(dossier_id), *operations], token=token)
    except TransactionConflict as conflict:
        if conflict.reasons and conflict.reasons[0] == "ConditionalCheckFailed":
            raise DataKeyDestroyed(dossier_id) from conflict
        raise TransactionConflict(conflict.reasons[1:]) from conflict


def is_alive(dossier_id: str) -> bool:
    """Whether the dossier's data key exists now. For a write no transaction of ours can carry (a
    record Powertools writes): checked after it, a key gone by then means the erasure may have
    searched before the write, so the writer deletes what it wrote itself."""
    pk = table_keys.data_key(dossier_id)
    return Table(TableName.KEY_STORE).get(pk, pk) is not None
