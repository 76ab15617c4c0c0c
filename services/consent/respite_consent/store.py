"""The consent service's items in the dossier table: the dossier, the sealed person, the consent.

Registration is one transaction over the dossier table and the key store: the data key, the
dossier, the sealed person, the consent evidence and the person's registration at this agency
(keyed by the pseudonym) are written together or not at all. The registration item's condition
makes a second registration of the same person at the same agency fail, without a scan.
"""

from respite_consent.registration import NewDossier
from respite_core import table_keys
from respite_core.domain import Dossier
from respite_core.ids import to_iso
from respite_core.resources import TableName
from respite_core.store.data_keys import DataKeys
from respite_core.store.items import Item
from respite_core.store.pseudonyms import pseudonym, pseudonym_key
from respite_core.store.table import Table, TransactionConflict, write_together

PERSON_FIELD = "person"


class AlreadyRegistered(Exception):
    def __init__(self, dossier_id: str) -> None:
        super().__init__("the person already has a dossier at this agency")
        self.dossier_id = dossier_id


def dossier_item(dossier: Dossier) -> Item:
    opened = to_iso(dossier.opened_at)
    return {
        "PK": table_keys.dossier(dossier.dossier_id),
        "SK": table_keys.DOSSIER_META,
        "kind": "dossier",
        "GSI1PK": table_keys.agency(dossier.agency_id),
        "GSI1SK": table_keys.agency_dossier_listing(opened, dossier.dossier_id),
        **dossier.model_dump(mode="json", exclude_none=True),
    }


class DossierStore:
    def __init__(self) -> None:
        self._dossiers = Table(TableName.DOSSIERS)
        self._keys = DataKeys()

    def register(self, new: NewDossier) -> None:
        dossier = new.dossier
        dossier_pk = table_keys.dossier(dossier.dossier_id)
        person_pk = self.person_key(new)
        self._refuse_second_registration(person_pk, dossier.agency_id)  # the transaction re-checks it
        key = self._keys.generate(dossier.dossier_id)
        sealed_person = key.seal(PERSON_FIELD, new.person.model_dump_json())
        operations = [
            self._keys.store_op(key),
            self._dossiers.put_op(dossier_item(dossier), unless_exists=True),
            self._dossiers.put_op(
                {
                    "PK": dossier_pk,
                    "SK": table_keys.DOSSIER_PERSON,
                    "kind": "person",
                    PERSON_FIELD: sealed_person,
                }
            ),
            self._dossiers.put_op(
                {
                    "PK": dossier_pk,
                    "SK": table_keys.DOSSIER_CONSENT,
                    "kind": "consent",
                    **new.consent.model_dump(mode="json"),
                }
            ),
            self._dossiers.put_op(
                {
                    "PK": person_pk,
                    "SK": table_keys.agency(dossier.agency_id),
                    "kind": "registration",
                    "dossier_id": dossier.dossier_id,
                },
                unless_exists=True,
            ),
        ]
        try:
            write_together(operations)
        except TransactionConflict as conflict:
            if conflict.reasons[-1] == "ConditionalCheckFailed":  # registered concurrently
                self._refuse_second_registration(person_pk, dossier.agency_id)
            raise

    def _refuse_second_registration(self, person_pk: str, agency_id: str) -> None:
        existing = self._dossiers.get(person_pk, table_keys.agency(agency_id))
        if existing is not None:
            raise AlreadyRegistered(existing["dossier_id"])

    def person_key(self, new: NewDossier) -> str:
        number = new.person.national_number
        return table_keys.person(pseudonym(number.country.value, number.compact, pseudonym_key()))

    def dossier(self, dossier_id: str) -> Dossier | None:
        item = self._dossiers.get(table_keys.dossier(dossier_id), table_keys.DOSSIER_META)
        return None if item is None else Dossier.model_validate(_fields_of(item, Dossier))


def _fields_of(item: Item, model: type[Dossier]) -> Item:
    return {name: value for name, value in item.items() if name in model.model_fields}
