"""A dossier's partition as every service reads it: its items (one Query) by kind, each kind decoded
in one place. What is sealed opens only with the dossier's data key (DataKeyDestroyed once erased);
ids, kinds, amounts and dates read without it."""

from collections.abc import Iterable
from functools import cached_property

from respite_core.creditor_records import StandstillObjection, UtilityReadings
from respite_core.domain import Claim, DebtorIdentity, Dossier, Message
from respite_core.store.creditor_items import objections_of, readings_of
from respite_core.store.data_keys import DataKey
from respite_core.store.dossier_items import (
    StoredAmounts,
    claim_from_item,
    message_from_item,
    office_references,
    person_from_item,
)
from respite_core.store.items import ENTITY, Entity, Item, model_of


class DossierItems:
    """The items of one dossier's partition, by kind (in the order the Query returned them)."""

    def __init__(self, items: Iterable[Item]) -> None:
        self.items = list(items)
        self._by_kind: dict[str, list[Item]] = {}
        for item in self.items:
            self._by_kind.setdefault(str(item.get(ENTITY)), []).append(item)

    def of(self, *kinds: Entity) -> list[Item]:
        return [item for kind in kinds for item in self._by_kind.get(kind, [])]

    # --- readable without the data key -----------------------------------------------------------

    @property
    def meta(self) -> Item | None:
        """The dossier's meta item: None when there is no dossier (never was, or erased)."""
        return next(iter(self.of(Entity.DOSSIER)), None)

    @cached_property
    def dossier(self) -> Dossier | None:
        return None if self.meta is None else model_of(Dossier, self.meta)

    @property
    def person_item(self) -> Item | None:
        return next(iter(self.of(Entity.PERSON)), None)

    @property
    def message_items(self) -> list[Item]:
        return self.of(Entity.MESSAGE)

    @property
    def claim_items(self) -> list[Item]:
        return self.of(Entity.CLAIM)

    @property
    def attachment_items(self) -> list[Item]:
        return self.of(Entity.ATTACHMENT)

    @property
    def mail_items(self) -> list[Item]:
        """The offices' mails linked to the requests they answer."""
        return self.of(Entity.MAIL)

    @property
    def creditor_items(self) -> list[Item]:
        """The creditors' records: meter readings, standstill objections."""
        return self.of(Entity.METER_READINGS, Entity.STANDSTILL_OBJECTION)

    def message_item(self, message_id: str) -> Item | None:
        return next((i for i in self.message_items if i.get("message_id") == message_id), None)

    def reply_item(self, message_id: str) -> Item | None:
        """The office's reply to the message, if it replied."""
        return next((i for i in self.message_items if i.get("in_reply_to") == message_id), None)

    def answers(self, message_id: str) -> bool:
        """Whether a reply or a linked mail of the office answers the message."""
        return any(i.get("in_reply_to") == message_id for i in self.of(Entity.MESSAGE, Entity.MAIL))

    def claim_amounts(self) -> list[StoredAmounts]:
        return [StoredAmounts.of(i) for i in self.claim_items]

    # --- opened with the data key ------------------------------------------------------------------

    def person(self, data_key: DataKey) -> DebtorIdentity:
        """The dossier's person; LookupError when the partition has none."""
        if self.person_item is None:
            raise LookupError("the partition holds no person")
        return person_from_item(self.person_item, data_key)

    def messages(self, data_key: DataKey) -> list[Message]:
        return [message_from_item(i, data_key) for i in self.message_items]

    def claims(self, data_key: DataKey) -> list[Claim]:
        return [claim_from_item(i, data_key) for i in self.claim_items]

    def meter_readings(self, data_key: DataKey) -> list[UtilityReadings]:
        return readings_of(self.creditor_items, data_key)

    def objections(self, data_key: DataKey) -> list[StandstillObjection]:
        return objections_of(self.creditor_items, data_key)

    def office_references(self, data_key: DataKey) -> dict[str, tuple[str, ...]]:
        """Each office's own references for the dossier (`dossier_items.office_references`)."""
        return office_references(self.messages(data_key), self.claims(data_key))
