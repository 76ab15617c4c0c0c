"""Where consolidation reads claim amounts and writes totals and receipts (no data key needed: only
its existence, the liveness fence on both writes)."""

from contextlib import suppress
from datetime import datetime

from respite_core import table_keys
from respite_core.ids import to_iso
from respite_core.resources import TableName
from respite_core.store.claims_intake import CLAIMS_VERSION, claims_version_key, intake_key
from respite_core.store.dossier_items import StoredAmounts
from respite_core.store.dossier_partition import DossierItems
from respite_core.store.fence import write_about
from respite_core.store.items import ENTITY, Entity
from respite_core.store.table import Table, TransactionConflict
from respite_core.totals import Totals

TOTALS = "totals"  # the attribute of the dossier's summary item that holds its consolidated totals
TOTALS_VERSION = "totals_version"  # the claims version those totals were computed from


class TotalsStore:
    def __init__(self) -> None:
        self._dossiers = Table(TableName.DOSSIERS)

    def claims_version(self, dossier_id: str) -> int:
        """How many intakes have written the dossier's claims (read before the claims themselves)."""
        item = self._dossiers.get(*claims_version_key(dossier_id))
        return int(item[CLAIMS_VERSION]) if item else 0

    def claim_amounts(self, dossier_id: str) -> list[StoredAmounts] | None:
        """The amounts of every claim of the dossier; None when the dossier is gone (erased)."""
        items = DossierItems(self._dossiers.query_partition(table_keys.dossier(dossier_id)))
        return None if items.meta is None else items.claim_amounts()

    def save(self, dossier_id: str, totals: Totals, version: int) -> bool:
        """The totals of the claims as of `version` on the dossier's summary item, in one update, and
        only while the dossier lives and holds no totals of a newer version: False (nothing written)
        when it does. DataKeyDestroyed once its data key is gone (the erasure has begun), a
        TransactionConflict when the item is gone (retried, to find the dossier gone)."""
        update = self._dossiers.update_op(
            table_keys.dossier(dossier_id),
            table_keys.DOSSIER_META,
            changes={
                TOTALS: totals.model_dump(mode="json"),
                "total_outstanding": totals.overall.outstanding,  # the agency's lists sort and show these
                "claims_count": totals.claims,
            },
            version=(TOTALS_VERSION, version),
        )
        try:
            write_about(dossier_id, [update])
        except TransactionConflict:
            meta = self._dossiers.get(table_keys.dossier(dossier_id), table_keys.DOSSIER_META)
            if meta is not None and int(meta.get(TOTALS_VERSION, 0)) > version:
                return False  # a consolidation that read later has written already
            raise
        return True

    def receipt(self, agency_id: str, dossier_id: str, intake_id: str, received: int, at: datetime) -> None:
        """One receipt per intake: its key is the intake's time and id, so a redelivery writes nothing.
        Behind the fence (it names the dossier): DataKeyDestroyed once the dossier is erased."""
        item = {
            "PK": table_keys.claim_receipts(agency_id),
            "SK": table_keys.receipt(to_iso(at), intake_id),
            ENTITY: Entity.RECEIPT,
            "dossier_id": dossier_id,
            "intake_id": intake_id,
            "count": received,
        }
        with suppress(TransactionConflict):  # written before: a redelivered intake
            write_about(dossier_id, [self._dossiers.put_op(item, unless_exists=True)])

    def intake_done(self, dossier_id: str, intake_id: str) -> None:
        """The intake's item goes once its claims are consolidated (gone already: a redelivery). A
        delete needs no fence: it cannot bring back what an erasure removed."""
        self._dossiers.delete(*intake_key(dossier_id, intake_id))
