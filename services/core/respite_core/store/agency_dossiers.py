"""An agency's dossiers and claim receipts, as the status overview and the weekly digest read them."""

from datetime import datetime

from respite_core import table_keys
from respite_core.domain import Dossier
from respite_core.ids import to_iso
from respite_core.resources import TableName
from respite_core.store.items import model_of
from respite_core.store.table import Table

AGENCY_INDEX = "GSI1"


class AgencyDossiers:
    def __init__(self) -> None:
        self._dossiers = Table(TableName.DOSSIERS)

    def all(self, agency_id: str) -> list[Dossier]:
        items = self._dossiers.query(
            "GSI1PK = :agency", {":agency": table_keys.agency(agency_id)}, index=AGENCY_INDEX
        )
        return [model_of(Dossier, i) for i in items]

    def claims_received(self, agency_id: str, since: datetime) -> int:
        """Claims received or updated since `since`: the consolidation consumer's receipts, summed."""
        receipts = self._dossiers.query(
            "PK = :pk AND SK >= :since",
            {":pk": table_keys.claim_receipts(agency_id), ":since": to_iso(since)},
        )
        return sum(int(receipt.get("count", 1)) for receipt in receipts)
