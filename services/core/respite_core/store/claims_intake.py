"""Claims received and waiting for consolidation: the item that makes the trigger part of the write.

A reply's claims (or an upload's last batch of them) and one intake item are written in one
transaction. The dossier table's stream carries the item's INSERT to the dossier-events consumer,
which asks the claims consolidation to recompute the dossier's totals; the consolidation deletes the
item once done. So a process that dies right after the transaction still gets its totals: what
triggers them was written with the claims, or nothing was.

Consolidations of one dossier may run side by side (Lambda scales out on the queue), each reading
the claims and writing totals: one that read before another's claims arrived could write its older
totals last. So every intake also counts one on the dossier's claims version, in the same
transaction; a consolidation reads the version before the claims and writes totals only over totals
of no newer version (`respite_claims.totals_store`).

The item holds ids, a count and a time, no personal data; it lives in the dossier's partition, so an
erasure takes it with the rest. Its TTL is a backstop for a consolidation that never completes (its
message parked on the dead-letter queue, whose redrive does not need the item).
"""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict

from respite_core import table_keys
from respite_core.ids import parse_iso, to_iso
from respite_core.store.items import ENTITY, EXPIRES_AT, Entity, Item
from respite_core.store.table import Table

KEPT_AT_MOST = timedelta(days=14)  # the consolidation queue's dead-letter retention


class ClaimsIntake(BaseModel):
    """Claims of one reply or upload were stored: the dossier's totals are to be recomputed, and the
    agency's receipt of `received` claims written once (keyed by `intake_id`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dossier_id: str
    agency_id: str
    intake_id: str
    received: int
    received_at: datetime


def intake_key(dossier_id: str, intake_id: str) -> tuple[str, str]:
    return table_keys.dossier(dossier_id), table_keys.claims_intake(intake_id)


def intake_item(intake: ClaimsIntake) -> Item:
    pk, sk = intake_key(intake.dossier_id, intake.intake_id)
    return {
        "PK": pk,
        "SK": sk,
        ENTITY: Entity.CLAIMS_INTAKE,
        "dossier_id": intake.dossier_id,
        "agency_id": intake.agency_id,
        "intake_id": intake.intake_id,
        "received": intake.received,
        "received_at": to_iso(intake.received_at),
        EXPIRES_AT: int((intake.received_at + KEPT_AT_MOST).timestamp()),
    }


CLAIMS_VERSION = "claims_version"  # the attribute of the dossier's claims-version item


def claims_version_key(dossier_id: str) -> tuple[str, str]:
    return table_keys.dossier(dossier_id), table_keys.CLAIMS_VERSION


def intake_ops(table: Table, intake: ClaimsIntake) -> list[dict[str, Any]]:
    """The intake's item and one more on the dossier's claims version: for the claims' transaction."""
    return [
        table.put_op(intake_item(intake)),
        table.count_op(
            *claims_version_key(intake.dossier_id), CLAIMS_VERSION, also={ENTITY: Entity.CLAIMS_VERSION}
        ),
    ]


def intake_in(event_name: str, new: Mapping[str, Any] | None) -> ClaimsIntake | None:
    """The intake a change of the dossier table announces: an intake item written."""
    if event_name != "INSERT" or not new or new.get(ENTITY) != Entity.CLAIMS_INTAKE:
        return None
    return ClaimsIntake(
        dossier_id=str(new["dossier_id"]),
        agency_id=str(new["agency_id"]),
        intake_id=str(new["intake_id"]),
        received=int(new["received"]),
        received_at=parse_iso(str(new["received_at"])),
    )
