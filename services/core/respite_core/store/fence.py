"""The liveness fence: nothing about a dossier is written once its data key is destroyed.

Erasure destroys the key first and only then looks for what to delete. A write about the dossier
that carries the key's existence as a condition in its own transaction either commits before the
key goes (and erasure, which searches after, finds and deletes it) or fails (DataKeyDestroyed):
no write can slip in between the search and the end of the erasure and outlive it.
"""

from collections.abc import Sequence
from typing import Any

from respite_core import table_keys
from respite_core.resources import TableName
from respite_core.store.data_keys import DataKeyDestroyed
from respite_core.store.table import Table, TransactionConflict, write_together

__all__ = ["DataKeyDestroyed", "alive_op", "write_about"]


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
