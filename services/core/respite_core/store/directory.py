"""The directory: agencies and offices, each one item (`AGENCY#<id>` / `OFFICE#<id>`, `PROFILE`)."""

from respite_core import table_keys
from respite_core.domain import Agency, Office
from respite_core.resources import TableName
from respite_core.store.items import ENTITY
from respite_core.store.table import Table


class Directory:
    def __init__(self) -> None:
        self._table = Table(TableName.DIRECTORY)

    def put_agency(self, agency: Agency) -> None:
        self._table.put(
            {"PK": table_keys.agency(agency.agency_id), "SK": table_keys.directory_entry(), ENTITY: "agency"}
            | agency.model_dump(mode="json", exclude_none=True)
        )

    def put_office(self, office: Office) -> None:
        self._table.put(
            {"PK": table_keys.office(office.office_id), "SK": table_keys.directory_entry(), ENTITY: "office"}
            | office.model_dump(mode="json", exclude_none=True)
        )

    def agency(self, agency_id: str) -> Agency | None:
        item = self._table.get(table_keys.agency(agency_id), table_keys.directory_entry())
        return None if item is None else Agency.model_validate(_without_keys(item))

    def office(self, office_id: str) -> Office | None:
        item = self._table.get(table_keys.office(office_id), table_keys.directory_entry())
        return None if item is None else Office.model_validate(_without_keys(item))


def _without_keys(item: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in item.items() if k not in ("PK", "SK", ENTITY)}
