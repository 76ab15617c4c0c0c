"""Who is registered where: a person's dossier at each agency, by the keyed hash of their national
number, kept in the key store.

Why the key store: the pseudonym key outlives every erasure, so a registration (pseudonym → dossier)
in a copy that outlives the dossier tells, to whoever has the key and a national number, that the
person was in debt help. The dossier table's stream keeps every change 24 h and its point-in-time
recovery 35 days; the key store has no stream and a one-day recovery window, the same residual as
the destroyed data key itself (docs/record-of-processing.md).

A registration (PK `person(pseudonym)`, SK `agency(agency_id)`, `dossier_id`) comes with a pointer
from its dossier (PK = SK `registration_of(dossier_id)`, `person_key`), written in the same
transaction: a transfer moves the registration, and an erasure finds it, without opening the person.
Its condition makes a second registration of the person at the same agency fail, without a scan.

Beside the registrations, the person's standstill (SK `PERSON_STANDSTILL`, `ends_on`): the last day of
the breathing space their first notice started, whichever agency or dossier it was. A standstill is
the person's, not the dossier's: a later first notice (at another agency, or in a dossier registered
again after a withdrawal) ends on that day, so three months cannot be chained. It names no dossier,
so an erasure leaves it; it expires (`expires_at`) the day after it ends, and reads never serve it
after that: the key store knows of a person's standstill only while it runs.
"""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from respite_core import table_keys
from respite_core.resources import TableName
from respite_core.store.items import ENTITY, EXPIRES_AT, Entity, Item
from respite_core.store.pseudonyms import pseudonym, pseudonym_key
from respite_core.store.table import Table

DOSSIER_ID = "dossier_id"
PERSON_KEY = "person_key"
ENDS_ON = "ends_on"


def person_key(country: str, compact_number: str) -> str:
    """The partition key of a person's registrations: the keyed hash of the national number."""
    return table_keys.person(pseudonym(country, compact_number, pseudonym_key()))


class Registrations:
    def __init__(self) -> None:
        self._table = Table(TableName.KEY_STORE)

    def register_ops(self, person: str, agency_id: str, dossier_id: str) -> list[dict[str, Any]]:
        """The pointer and the registration (last: a conflict on it means "registered already")."""
        pointer = table_keys.registration_of(dossier_id)
        return [
            self._table.put_op(
                {"PK": pointer, "SK": pointer, ENTITY: Entity.REGISTRATION_POINTER, PERSON_KEY: person},
                unless_exists=True,
            ),
            self._registration_op(person, agency_id, dossier_id),
        ]

    def move_ops(
        self, person: str, dossier_id: str, from_agency: str, to_agency: str
    ) -> list[dict[str, Any]]:
        """The registration leaves the old agency (if it is still this dossier's) for the new one
        (unless the person has a dossier there already)."""
        leave = self._table.delete_op(
            person, table_keys.agency(from_agency), expected={DOSSIER_ID: dossier_id}
        )
        return [leave, self._registration_op(person, to_agency, dossier_id)]

    def _registration_op(self, person: str, agency_id: str, dossier_id: str) -> dict[str, Any]:
        item = {
            "PK": person,
            "SK": table_keys.agency(agency_id),
            ENTITY: Entity.REGISTRATION,
            DOSSIER_ID: dossier_id,
        }
        return self._table.put_op(item, unless_exists=True)

    def dossier_at(self, person: str, agency_id: str) -> str | None:
        """The person's dossier at the agency, if they have one."""
        item = self._table.get(person, table_keys.agency(agency_id))
        return None if item is None else str(item[DOSSIER_ID])

    def of_person(self, person: str) -> list[Item]:
        """The person's registrations, one per agency (the lookup)."""
        prefix = table_keys.agency("")
        return [i for i in self._table.query_partition(person) if str(i["SK"]).startswith(prefix)]

    def standstill_ends_on(self, person: str) -> date | None:
        """The last day of the person's standstill, while the key store knows of one."""
        item = self._table.get(person, table_keys.PERSON_STANDSTILL)
        return None if item is None else date.fromisoformat(str(item[ENDS_ON]))

    def standstill_op(self, person: str, ends_on: date) -> dict[str, Any]:
        """The person's standstill ends on `ends_on`: never shortened (a chained notice writes the
        same day again), replaced once the one before has ended."""
        expires = datetime.combine(ends_on + timedelta(days=2), time(), tzinfo=UTC)  # any time zone's day
        item = {
            "PK": person,
            "SK": table_keys.PERSON_STANDSTILL,
            ENTITY: Entity.PERSON_STANDSTILL,
            ENDS_ON: ends_on.isoformat(),
            EXPIRES_AT: int(expires.timestamp()),
        }
        op = self._table.put_op(item)
        op["Put"] |= {
            "ConditionExpression": "attribute_not_exists(PK) OR #ends <= :ends",
            "ExpressionAttributeNames": {"#ends": ENDS_ON},
            "ExpressionAttributeValues": {":ends": {"S": ends_on.isoformat()}},
        }
        return op

    def person_of(self, dossier_id: str) -> str | None:
        """The person key of the dossier's registrations (None: it has none, or they are erased)."""
        pointer = table_keys.registration_of(dossier_id)
        item = self._table.get(pointer, pointer)
        return None if item is None else str(item[PERSON_KEY])
