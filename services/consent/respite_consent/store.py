"""The consent service's data access: the dossier, the sealed person, the consent, their changes.

Registration is one transaction over the dossier table and the key store: the data key, the
dossier, the sealed person, the consent evidence and the person's registration at this agency
(keyed by the pseudonym, in the key store: `respite_core.store.registrations`) are written together
or not at all. The registration item's condition makes a second registration of the same person at
the same agency fail, without a scan. Nothing in the dossier table names the pseudonym.

Every change of a dossier is one transaction that also appends its access-log entry, guarded by
the state and agency the change was decided on (a concurrent change makes it fail, not overwrite)
and by the liveness fence: once the dossier's data key is destroyed nothing more is written about
it (DataKeyDestroyed). Free text typed about the dossier (the closure's and the transfer's reasons)
is sealed with the dossier's data key like the person, so no item or stream record carries it in
clear.
"""

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from respite_consent.dossiers import StoredAttachment, StoredMail, Transfer
from respite_consent.models import ConsentRecord, SignedForm
from respite_consent.registration import NewDossier
from respite_core import table_keys
from respite_core.access_log import AccessEntry
from respite_core.domain import Dossier, DossierEvent, DossierState, Message
from respite_core.ids import parse_iso, to_iso
from respite_core.resources import TableName
from respite_core.store.access_log import AccessLog
from respite_core.store.data_keys import DataKey, DataKeys
from respite_core.store.documents import document_key
from respite_core.store.dossier_items import attachment_name_field, inbox_item, message_item
from respite_core.store.dossier_partition import DossierItems
from respite_core.store.fence import write_about
from respite_core.store.items import ENTITY, PERSON_FIELD, Entity, Item, model_of
from respite_core.store.listing import Partition, listing
from respite_core.store.registrations import Registrations, person_key
from respite_core.store.table import Table, TransactionConflict, write_together

CLOSE_REASON_FIELD = "close_reason"  # the Dossier field, and the field it is sealed under
SEALED_CLOSE_REASON = "sealed_close_reason"  # the meta item's attribute that holds it
# the latest transfer, on the meta item: from which agency, when, and why (free text, sealed)
TRANSFERRED_FROM = "transferred_from"
TRANSFERRED_AT = "transferred_at"
TRANSFER_REASON_FIELD = "transfer_reason"  # the field the reason is sealed under
SEALED_TRANSFER_REASON = "sealed_transfer_reason"
DOSSIER_INDEX = "GSI1"


@dataclass(frozen=True)
class Outgoing:
    """A message to an office, and the day it must have fetched and acknowledged it."""

    message: Message
    ack_due_on: date


class AlreadyRegistered(Exception):
    def __init__(self, dossier_id: str) -> None:
        super().__init__("the person already has a dossier at this agency")
        self.dossier_id = dossier_id


class ChangedMeanwhile(Exception):
    """The dossier changed between reading and writing (or the target already holds the person)."""


def dossier_item(dossier: Dossier) -> Item:
    return {
        "PK": table_keys.dossier(dossier.dossier_id),
        "SK": table_keys.DOSSIER_META,
        ENTITY: Entity.DOSSIER,
        **_listing_keys(dossier),
        **dossier.model_dump(mode="json", exclude_none=True),
    }


def _listing_keys(dossier: Dossier) -> Item:
    return {
        "GSI1PK": table_keys.agency(dossier.agency_id),
        "GSI1SK": table_keys.agency_dossier_listing(to_iso(dossier.opened_at), dossier.dossier_id),
    }


@dataclass(frozen=True)
class SealedTransfer:
    """The dossier's latest transfer as stored: its reason still sealed."""

    from_agency_id: str
    at: datetime
    sealed_reason: str

    def opened(self, key: DataKey) -> Transfer:
        return Transfer(self.from_agency_id, self.at, key.open(TRANSFER_REASON_FIELD, self.sealed_reason))


def _sealed_transfer(meta: Item) -> SealedTransfer | None:
    if SEALED_TRANSFER_REASON not in meta:
        return None
    return SealedTransfer(
        from_agency_id=str(meta[TRANSFERRED_FROM]),
        at=parse_iso(str(meta[TRANSFERRED_AT])),
        sealed_reason=str(meta[SEALED_TRANSFER_REASON]),
    )


@dataclass(frozen=True)
class DossierPartition:
    """Every live item of one dossier, from one Query."""

    dossier: Dossier
    sealed_person: str | None
    consent: ConsentRecord | None
    claim_items: Sequence[Item]  # sealed in parts: open with the dossier's data key
    message_items: Sequence[Item]
    attachment_items: Sequence[Item] = ()  # documents offices attached to replies (API, link page)
    mail_items: Sequence[Item] = ()  # offices' answers by email (sealed), with their documents
    sealed_close_reason: str | None = None
    transfer: SealedTransfer | None = None  # the latest transfer, if any
    creditor_items: Sequence[Item] = ()  # meter readings and standstill objections, sealed in parts


def opened_dossier(partition: DossierPartition, key: DataKey) -> Dossier:
    """The dossier with its sealed free text (the closure's reason) opened with its data key."""
    if partition.sealed_close_reason is None:
        return partition.dossier
    reason = key.open(CLOSE_REASON_FIELD, partition.sealed_close_reason)
    return partition.dossier.model_copy(update={CLOSE_REASON_FIELD: reason})


def reply_documents(
    partition: DossierPartition, key: DataKey
) -> tuple[list[StoredMail], list[StoredAttachment]]:
    """The mails and every attachment of the dossier (replies' and mails'), names opened with the
    dossier's key."""
    attachments = []
    for item in partition.attachment_items:
        document_id = str(item["document_id"])
        sealed = str(item.get("sealed_name") or "")
        name = key.open(attachment_name_field(document_id), sealed) if sealed else ""
        attachments.append(_stored(item, str(item["message_id"]), document_id, name))
    mails = []
    for item in partition.mail_items:
        mail_id = str(item["SK"]).removeprefix("MAIL#")
        opened = json.loads(key.open(f"mail:{mail_id}", str(item["sealed"])))
        names = list(opened.get("attachment_names") or [])
        for n, document in enumerate(item.get("attachments") or []):
            name = str(names[n]) if n < len(names) else ""
            attachments.append(_stored(document, mail_id, f"{mail_id}-{n}", name))
        mails.append(
            StoredMail(
                mail_id=mail_id,
                office_id=str(item["office_id"]),
                in_reply_to=str(item["in_reply_to"]),
                received_at=parse_iso(str(item["received_at"])),
                subject=str(opened.get("subject", "")),
                body=str(opened.get("body", "")),
                refused_attachments=len(item.get("refused_attachments") or []),
            )
        )
    return mails, attachments


def _stored(item: Mapping[str, Any], owner_id: str, document_id: str, name: str) -> StoredAttachment:
    return StoredAttachment(
        owner_id=owner_id,
        document_id=document_id,
        name=name,
        content_type=str(item["content_type"]),
        size_bytes=int(item["size_bytes"]),
        key=str(item["key"]),
    )


class DossierStore:
    def __init__(self) -> None:
        self._dossiers = Table(TableName.DOSSIERS)
        self._keys = DataKeys()
        self._log = AccessLog()
        self._registrations = Registrations()

    # --- registering ----------------------------------------------------------------------------

    def register(self, new: NewDossier, log: AccessEntry) -> None:
        dossier = new.dossier
        dossier_pk = table_keys.dossier(dossier.dossier_id)
        number = new.person.national_number
        person = person_key(number.country.value, number.compact)
        self._refuse_second_registration(person, dossier.agency_id)  # the transaction re-checks it
        key = self._keys.generate(dossier.dossier_id)
        sealed_person = key.seal(PERSON_FIELD, new.person.model_dump_json())
        operations = [
            self._keys.store_op(key),
            self._dossiers.put_op(dossier_item(dossier), unless_exists=True),
            self._dossiers.put_op(
                {
                    "PK": dossier_pk,
                    "SK": table_keys.DOSSIER_PERSON,
                    ENTITY: Entity.PERSON,
                    PERSON_FIELD: sealed_person,
                }
            ),
            self._dossiers.put_op(
                {"PK": dossier_pk, "SK": table_keys.DOSSIER_CONSENT, ENTITY: Entity.CONSENT}
                | new.consent.model_dump(mode="json")
            ),
            self._log.append_op(log),
            *self._registrations.register_ops(person, dossier.agency_id, dossier.dossier_id),
        ]
        try:
            write_together(operations)
        except TransactionConflict as conflict:
            if conflict.reasons[-1] == "ConditionalCheckFailed":  # registered concurrently
                self._refuse_second_registration(person, dossier.agency_id)
            raise

    def _refuse_second_registration(self, person: str, agency_id: str) -> None:
        existing = self._registrations.dossier_at(person, agency_id)
        if existing is not None:
            raise AlreadyRegistered(existing)

    # --- reading --------------------------------------------------------------------------------

    def dossier(self, dossier_id: str) -> Dossier | None:
        item = self._dossiers.get(table_keys.dossier(dossier_id), table_keys.DOSSIER_META)
        return None if item is None else model_of(Dossier, item)

    def partition(self, dossier_id: str) -> DossierPartition | None:
        """The whole dossier in one Query (strongly consistent: a caseworker sees their own writes)."""
        items = self._dossiers.query_partition(table_keys.dossier(dossier_id))
        read = DossierItems(items)
        meta, person, consent = read.meta, read.person_item, read.of(Entity.CONSENT)
        if meta is None or read.dossier is None:
            return None
        return DossierPartition(
            dossier=read.dossier,
            sealed_person=str(person[PERSON_FIELD]) if person else None,
            consent=model_of(ConsentRecord, consent[0]) if consent else None,
            claim_items=read.claim_items,
            message_items=read.message_items,
            attachment_items=read.attachment_items,
            mail_items=read.mail_items,
            creditor_items=read.creditor_items,
            sealed_close_reason=str(meta[SEALED_CLOSE_REASON]) if SEALED_CLOSE_REASON in meta else None,
            transfer=_sealed_transfer(meta),
        )

    def data_key(self, dossier_id: str) -> DataKey:
        """The dossier's data key; raises DataKeyDestroyed once consent is withdrawn or erased."""
        return self._keys.open(dossier_id)

    def listing(
        self, agency_id: str, cursor: str | None, page_size: int = 50
    ) -> Iterator[tuple[Dossier, str]]:
        """An agency's dossiers, newest first, each with the cursor that continues after it.

        Cursors are opaque, and bound to the agency: one from another listing is refused.
        """
        agency = Partition(table_keys.agency(agency_id), "GSI1PK", DOSSIER_INDEX, "GSI1SK")
        for item, after in listing(self._dossiers, agency, cursor, newest_first=True, page_size=page_size):
            yield model_of(Dossier, item), after

    def log_read(self, entry: AccessEntry) -> None:
        """Logged before the data is served: no entry, no data. Behind the fence: DataKeyDestroyed
        (nothing logged) once the dossier is erased, so open its key first."""
        self._log.append(entry)

    def log_refused(self, entry: AccessEntry) -> None:
        self._log.append_refusal(entry)

    # --- changing -------------------------------------------------------------------------------

    def change(
        self,
        before: Dossier,
        after: Dossier,
        log: AccessEntry,
        *more: dict[str, Any],
        also: Mapping[str, Any] | None = None,
    ) -> None:
        """Write `after` over `before` (only if the dossier is still as read) with its log entry;
        `also`: attributes of the meta item beside the dossier's own (e.g. the erasure's schedule).
        A closure's reason is sealed with the dossier's data key (DataKeyDestroyed when it is gone)."""
        changed = dict(also or {}) | {
            name: value
            for name, value in after.model_dump(mode="json").items()
            if value != before.model_dump(mode="json")[name]
        }
        reason = changed.pop(CLOSE_REASON_FIELD, None)
        if reason is not None:  # free text: it may name the person (a family name was seen in one)
            changed[SEALED_CLOSE_REASON] = self._keys.open(before.dossier_id).seal(CLOSE_REASON_FIELD, reason)
        if after.agency_id != before.agency_id:
            changed |= _listing_keys(after)
        update = self._dossiers.update_op(
            table_keys.dossier(before.dossier_id),
            table_keys.DOSSIER_META,
            changes=changed,
            expected={"state": before.state.value, "agency_id": before.agency_id},
        )
        operations = [update, self._log.append_op(log), *more]
        try:
            if after.state is DossierState.WITHDRAWN:
                # the one change without the fence: its key is destroyed first, and this change is
                # what asks for the erasure, which runs after it and so deletes its log entry too
                write_together(operations)
            else:
                write_about(before.dossier_id, operations)
        except TransactionConflict:
            raise ChangedMeanwhile from None

    def close(
        self,
        before: Dossier,
        after: Dossier,
        log: AccessEntry,
        terminations: Sequence[Outgoing],
        also: Mapping[str, Any],
    ) -> None:
        """The closure and the terminations it sends (each message with its office's inbox pointer,
        the body sealed like every message's), in one transaction."""
        key = self._keys.open(before.dossier_id) if terminations else None
        operations = []
        for sent in terminations:
            message, office_id = sent.message, sent.message.receiver
            assert key is not None
            operations.append(
                self._dossiers.put_op(
                    message_item(message, key, agency_id=after.agency_id, office_id=office_id)
                )
            )
            operations.append(
                self._dossiers.put_op(inbox_item(message, office_id, sent.ack_due_on.isoformat()))
            )
        self.change(before, after, log, *operations, also=also)

    def transfer(self, before: Dossier, after: Dossier, reason: str, log: AccessEntry) -> None:
        """Move the dossier and the person's registration (in the key store) to the new agency in
        one transaction. The transfer's reason is free text: kept on the meta item sealed with the
        dossier's data key, for the new agency (DataKeyDestroyed when the key is gone)."""
        key = self._keys.open(before.dossier_id)
        person = self._registrations.person_of(before.dossier_id)
        if person is None:  # its registration is gone: the dossier is being erased
            raise ChangedMeanwhile
        record = {
            TRANSFERRED_FROM: before.agency_id,
            TRANSFERRED_AT: to_iso(log.at),
            SEALED_TRANSFER_REASON: key.seal(TRANSFER_REASON_FIELD, reason),
        }
        moves = self._registrations.move_ops(person, before.dossier_id, before.agency_id, after.agency_id)
        self.change(before, after, log, *moves, also=record)

    def data_key_exists(self, dossier_id: str) -> bool:
        return self._keys.exists(dossier_id)

    def destroy_data_key(self, dossier_id: str) -> bool:
        """Crypto-shredding: from now on no code path can open the person."""
        return self._keys.destroy(dossier_id)

    # --- the signed consent form ----------------------------------------------------------------

    def attach_form(self, dossier: Dossier, form: SignedForm, log: AccessEntry) -> None:
        """The form's record and its log entry, while the dossier lives (else DataKeyDestroyed); a
        dossier awaiting its signed form is registered by the same transaction (ChangedMeanwhile if
        it changed since it was read)."""
        update = self._dossiers.update_op(
            table_keys.dossier(dossier.dossier_id),
            table_keys.DOSSIER_CONSENT,
            changes={"signed_form": form.model_dump(mode="json")},
        )
        if dossier.state is DossierState.AWAITING_SIGNED_FORM:
            self.change(dossier, dossier.apply(DossierEvent.SIGNED_FORM_ADDED), log, update)
            return
        write_about(dossier.dossier_id, [update, self._log.append_op(log)])


def form_key(dossier_id: str, upload_id: str) -> str:
    return document_key(dossier_id, "consent-form", upload_id)
