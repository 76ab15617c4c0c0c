"""Which idempotency records were written for requests about a dossier, so erasing it deletes them.

A record's id is a hash (`respite_core.idempotency.record_id`) that cannot be traced back to its
dossier, and its stored response may say something about the person; so a request about a dossier
leaves a pointer in the dossier's partition (`SK = IDEMPOTENCY#<record id>`), erased with the rest.
The pointer is written behind the liveness fence, before the record: a record whose pointer the
erasure cannot find is one the caller checks for itself (`respite_core.api.replayable`).
"""

from respite_core import aws, table_keys
from respite_core.resources import TableName, locate
from respite_core.store.fence import write_about
from respite_core.store.items import ENTITY, Entity
from respite_core.store.table import Table

RECORD_KEY = "id"  # Powertools' partition key


def remember(dossier_id: str, record_id: str) -> None:
    """The pointer, while the dossier lives; DataKeyDestroyed (nothing written) once it is erased."""
    pointer = {
        "PK": table_keys.dossier(dossier_id),
        "SK": table_keys.idempotency_record(record_id),
        ENTITY: Entity.IDEMPOTENCY_RECORD,
        "record_id": record_id,
    }
    write_about(dossier_id, [Table(TableName.DOSSIERS).put_op(pointer)])


def forget_pointer(dossier_id: str, record_id: str) -> None:
    """The request stored nothing (it failed, or the dossier is not the caller's): no pointer."""
    Table(TableName.DOSSIERS).delete(table_keys.dossier(dossier_id), table_keys.idempotency_record(record_id))


def forget(record_id: str) -> None:
    """Delete the record itself (nothing happens when it expired and is gone already)."""
    aws.dynamodb().delete_item(TableName=locate(TableName.IDEMPOTENCY), Key={RECORD_KEY: {"S": record_id}})
