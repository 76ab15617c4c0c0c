"""Claims and messages as items of their dossier's partition, shared by every service that reads them.

Their personal parts are sealed with the dossier's data key, like the person: an office's file
reference, the principal creditor's name and the title of a claim; the body of a message. Amounts,
classes, types, dates and ids stay readable for totals, deadlines and lists. After crypto-shredding,
what remains in any copy says how much was owed, not by whom or to whom.
"""

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from respite_core import table_keys
from respite_core.domain import Claim, CreditorClass, DebtorIdentity, Message
from respite_core.ids import to_iso
from respite_core.store.data_keys import DataKey
from respite_core.store.items import ENTITY, PERSON_FIELD, Entity, Item, fields_of

_CLAIM_SEALED = ("office_reference", "principal_creditor", "title")


def claim_id_for(dossier_id: str, office_id: str, office_reference: str, key: bytes) -> str:
    """The claim's id, from what identifies it: the office's file reference in this dossier.

    Keyed (the pseudonym key), so neither the id nor the item's key reveal the reference; the same
    reference always gives the same id, so an upload repeated is an update, never a duplicate.
    """
    message = f"{dossier_id}|{office_id}|{office_reference.strip()}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def claim_item(claim: Claim, data_key: DataKey, *, agency_id: str, received_at: datetime) -> Item:
    fields = claim.model_dump(mode="json", exclude={"outstanding"})
    sealed = {name: fields.pop(name) for name in _CLAIM_SEALED}
    return {
        "PK": table_keys.dossier(claim.dossier_id),
        "SK": table_keys.claim(claim.office_id, claim.claim_id),
        ENTITY: Entity.CLAIM,
        "agency_id": agency_id,
        "received_at": to_iso(received_at),
        "sealed": data_key.seal(f"claim:{claim.claim_id}", json.dumps(sealed)),
        **fields,
    }


def claim_from_item(item: Item, data_key: DataKey) -> Claim:
    opened = json.loads(data_key.open(f"claim:{item['claim_id']}", str(item["sealed"])))
    return Claim.model_validate({**fields_of(item, Claim), **opened})


def message_item(message: Message, data_key: DataKey, *, agency_id: str, office_id: str) -> Item:
    fields = message.model_dump(mode="json", exclude={"body"}, exclude_none=True)
    item: Item = {
        "PK": table_keys.dossier(message.dossier_id),
        "SK": table_keys.message(message.message_id),
        ENTITY: Entity.MESSAGE,
        "agency_id": agency_id,  # who is told about it (feed, deadlines) without reading the dossier
        "office_id": office_id,  # the office on the other side, whichever way it travels
        **fields,
    }
    if message.body:
        item["sealed_body"] = data_key.seal(f"message:{message.message_id}", json.dumps(message.body))
    ends = message.body.get("standstill_ends_on")
    if isinstance(ends, str):  # a date, nothing of the person: readable, so the webhook can say it
        item["standstill_ends_on"] = ends
    documents = document_ids(message)
    if documents:  # ids only, readable without the key: the webhook names the documents to fetch
        item["document_ids"] = documents
    if message.reply_due_on is not None:
        item |= pending_reply_keys(message)
    return item


def document_ids(message: Message) -> list[str]:
    """The documents a request carries to its office (a proposal's budget calculation PDF)."""
    budget = message.body.get("budget_document")
    return [str(budget["document_id"])] if isinstance(budget, dict) and budget.get("document_id") else []


def pending_reply_keys(message: Message) -> Item:
    assert message.reply_due_on is not None
    return {
        "GSI2PK": table_keys.REPLY_DUE,
        "GSI2SK": table_keys.deadline(
            message.reply_due_on.isoformat(), message.dossier_id, message.message_id
        ),
    }


def message_from_item(item: Item, data_key: DataKey) -> Message:
    body: dict[str, Any] = {}
    if "sealed_body" in item:
        body = json.loads(data_key.open(f"message:{item['message_id']}", str(item["sealed_body"])))
    return Message.model_validate({**fields_of(item, Message), "body": body})


def person_from_item(item: Item, data_key: DataKey) -> DebtorIdentity:
    """The person of a dossier, from its sealed `person` item (DataKeyDestroyed once erased)."""
    return DebtorIdentity.model_validate_json(data_key.open(PERSON_FIELD, str(item[PERSON_FIELD])))


def attachment_item(
    *,
    dossier_id: str,
    agency_id: str,
    office_id: str,
    message_id: str,
    in_reply_to: str,
    document_id: str,
    key: str,
    content_type: str,
    size_bytes: int,
    sha256: str,
    received_at: datetime,
    sealed_name: str = "",
) -> Item:
    """A document an office attached to its reply (the object is in the document bucket at `key`).
    Its file name may name the person: only sealed with the dossier's key (`sealed_name`, field
    `attachment_name_field(document_id)`), for the caseworker's dossier view."""
    return {
        "PK": table_keys.dossier(dossier_id),
        "SK": table_keys.attachment(message_id, document_id),
        ENTITY: Entity.ATTACHMENT,
        "dossier_id": dossier_id,
        "agency_id": agency_id,
        "office_id": office_id,
        "message_id": message_id,
        "in_reply_to": in_reply_to,
        "document_id": document_id,
        "key": key,
        "content_type": content_type,
        "size_bytes": size_bytes,
        "sha256": sha256,
        "received_at": to_iso(received_at),
    } | ({"sealed_name": sealed_name} if sealed_name else {})


def attachment_name_field(document_id: str) -> str:
    """The field an attachment's file name is sealed under (bound to its document)."""
    return f"attachment-name:{document_id}"


def inbox_item(message: Message, office_id: str, ack_due_on_iso: str) -> Item:
    """A pointer in the office's inbox: no content, only where the message is and when it is due."""
    return {
        "PK": table_keys.inbox(office_id),
        "SK": table_keys.inbox_entry(to_iso(message.created_at), message.message_id),
        ENTITY: Entity.INBOX,
        "dossier_id": message.dossier_id,
        "message_id": message.message_id,
        "type": message.type.value,
        "ack_due_on": ack_due_on_iso,
        "GSI2PK": table_keys.ACK_DUE,
        "GSI2SK": table_keys.deadline(ack_due_on_iso, message.dossier_id, message.message_id),
    }


@dataclass(frozen=True)
class StoredAmounts:
    """A claim's amounts as stored, readable without the data key (for totals and consolidation)."""

    office_id: str
    creditor_class: CreditorClass
    principal: int
    interest: int
    costs: int
    paid: int

    @property
    def outstanding(self) -> int:
        return self.principal + self.interest + self.costs - self.paid

    @classmethod
    def of(cls, item: Item) -> "StoredAmounts":
        return cls(
            office_id=str(item["office_id"]),
            creditor_class=CreditorClass(item["creditor_class"]),
            principal=int(item["principal"]),
            interest=int(item["interest"]),
            costs=int(item["costs"]),
            paid=int(item["paid"]),
        )


def office_references(messages: Iterable[Message], claims: Iterable[Claim]) -> dict[str, tuple[str, ...]]:
    """Each office's own references for the dossier, from its replies: the file references it gave
    and its claims' references, in the order they came (so that a termination lets it find its file)."""
    found: dict[str, list[str]] = {}
    for message in sorted(messages, key=lambda m: (m.created_at, m.message_id)):
        given = message.body.get("file_references") if message.in_reply_to else None
        if isinstance(given, list):
            found.setdefault(message.sender, []).extend(str(r) for r in given)
    for claim in claims:
        found.setdefault(claim.office_id, []).append(claim.office_reference)
    return {office: tuple(dict.fromkeys(references)) for office, references in found.items()}
