"""What erasing a dossier means, as pure functions: which change of the dossier table asks for it,
what must go besides the dossier's own partition, which offices are told, and in which order.

The store reads and deletes; these decide. Nothing here touches AWS.
"""

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from respite_core import table_keys
from respite_core.domain import DossierState, MessageType
from respite_core.erasure import ErasureReason
from respite_core.ids import parse_iso, utc_now
from respite_core.resources import BucketName, TableName
from respite_core.store.dossier_partition import DossierItems
from respite_core.store.items import ENTITY, EXPIRES_AT, Entity, Item

TTL_PRINCIPAL = "dynamodb.amazonaws.com"  # the userIdentity of a REMOVE that DynamoDB's TTL made
ERASURE_REQUESTED = "erasure_requested_at"  # set on a closed dossier's meta item by the sweeper
MAIL_PREFIX = "MAIL#"  # a kept inbound mail (linked or quarantined) in the partition: SK MAIL#<SES id>
INBOUND_RAW_PREFIX = "inbound/"  # where SES puts each raw mail in the inbound bucket

type Image = Mapping[str, Any]


@dataclass(frozen=True)
class ErasureRequest:
    """Erase this dossier, for this reason. Carries what the meta item said, for when it is gone."""

    dossier_id: str
    agency_id: str
    reason: ErasureReason
    requested_at: datetime


def erasure_requested(
    event_name: str, old: Image | None, new: Image | None, principal_id: str | None
) -> ErasureRequest | None:
    """The erasure a change of the dossier table asks for, if any:

    - consent withdrawn (the meta item becomes `withdrawn`);
    - a closed dossier's retention ended (the sweeper set `erasure_requested_at`);
    - DynamoDB's TTL deleted a meta item (REMOVE by `dynamodb.amazonaws.com`): the backstop.

    Every other change, including the REMOVEs the erasure itself makes, asks for nothing.
    """
    if event_name == "MODIFY" and new and new.get(ENTITY) == Entity.DOSSIER:
        before = old or {}
        if new.get("state") == DossierState.WITHDRAWN and before.get("state") != DossierState.WITHDRAWN:
            return _request(new, ErasureReason.CONSENT_WITHDRAWN, str(new.get("withdrawn_at") or ""))
        if ERASURE_REQUESTED in new and ERASURE_REQUESTED not in before:
            return _request(new, ErasureReason.RETENTION_ENDED, str(new.get("retention_ends_at") or ""))
        return None
    if event_name == "REMOVE" and principal_id == TTL_PRINCIPAL and old and old.get(ENTITY) == Entity.DOSSIER:
        expired = datetime.fromtimestamp(int(old.get(EXPIRES_AT, 0)), UTC)
        return _request(old, ErasureReason.TTL_EXPIRED, expired.isoformat())
    return None


def _request(meta: Image, reason: ErasureReason, requested_at: str) -> ErasureRequest:
    return ErasureRequest(
        dossier_id=str(meta["dossier_id"]),
        agency_id=str(meta["agency_id"]),
        reason=reason,
        requested_at=parse_iso(requested_at) if requested_at else utc_now(),
    )


# --- what goes -------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class ItemKey:
    table: TableName
    pk: str
    sk: str | None  # None for a table keyed by its partition key only (the idempotency table)


@dataclass(frozen=True, order=True)
class ObjectKey:
    bucket: BucketName
    key: str


def offices_of(partition: Iterable[Item]) -> list[str]:
    """The offices the agency sent anything to (a notice first): they are told of the erasure."""
    return sorted(
        {
            str(item["receiver"])
            for item in DossierItems(partition).message_items
            if item.get("sender") == item.get("agency_id") and item.get("receiver")
        }
    )


def offices_to_tell(partition: Iterable[Item]) -> list[str]:
    """The offices told of the erasure: those the agency wrote to, but for those it sent a
    `termination` already (at the debt help's termination, or with the closure): told once."""
    items = DossierItems(partition)
    terminated = {str(i["receiver"]) for i in items.message_items if i.get("type") == MessageType.TERMINATION}
    return [office for office in offices_of(items.items) if office not in terminated]


def derived_keys(partition: Iterable[Item]) -> list[ItemKey]:
    """What the partition points to in other places: the reference tokens and the per-message
    records of the deliveries table, the idempotency records."""
    keys: list[ItemKey] = []
    for item in partition:
        entity, sk = item.get(ENTITY), str(item["SK"])
        if entity == Entity.REFERENCE_TOKEN:
            keys.append(ItemKey(TableName.DELIVERIES, sk, sk))  # TOKEN#<hash>, the same key there
        elif entity == Entity.IDEMPOTENCY_RECORD:
            keys.append(ItemKey(TableName.IDEMPOTENCY, str(item["record_id"]), None))
        elif entity == Entity.MESSAGE and item.get("sender") == item.get("agency_id"):
            message_id, office_id = str(item["message_id"]), str(item["receiver"])
            for key in (table_keys.email_sent(message_id), table_keys.token_for(message_id, office_id)):
                keys.append(ItemKey(TableName.DELIVERIES, key, key))
    return keys


def raw_mail_keys(partition: Iterable[Item]) -> list[ObjectKey]:
    """The raw MIME of each mail kept in the dossier, linked or quarantined: deleted once the mail
    is processed, it is left only when deleting it failed after the mail was kept."""
    return [
        ObjectKey(BucketName.INBOUND_MAIL, INBOUND_RAW_PREFIX + str(item["SK"]).removeprefix(MAIL_PREFIX))
        for item in partition
        if str(item["SK"]).startswith(MAIL_PREFIX)
    ]


def partition_keys(partition: Iterable[Item], pointer: ItemKey | None = None) -> list[ItemKey]:
    """The dossier's own items, its meta item last: until the very end, a redelivered erasure still
    finds the dossier (its agency) and can finish what was left. With them the key store's `pointer`
    to the person's registrations, if it is still there: deleted with the partition, after the
    registrations it points to (those are deleted with what lies elsewhere), so a run interrupted
    before that still finds them."""
    keys = [ItemKey(TableName.DOSSIERS, str(i["PK"]), str(i["SK"])) for i in partition]
    if pointer is not None:
        keys.append(pointer)
    return sorted(keys, key=lambda k: k.sk == table_keys.DOSSIER_META)


def registration_pointer(dossier_id: str) -> ItemKey:
    """The key store's pointer from the dossier to its person's registrations."""
    key = table_keys.registration_of(dossier_id)
    return ItemKey(TableName.KEY_STORE, key, key)


def agencies_involved(access_entries: Iterable[Item], current: str) -> list[str]:
    """The agency the dossier is at and every agency whose staff touched it (a transferred dossier
    left feed items and claim receipts at its earlier agency)."""
    earlier = {str(e["actor_agency_id"]) for e in access_entries if e.get("actor_role") != "office"}
    return sorted(earlier | {current})


def partitions_to_search(
    dossier_id: str, *, agencies: Sequence[str], offices: Sequence[str]
) -> list[tuple[TableName, str]]:
    """Partitions of other owners that hold items about the dossier (found by its `dossier_id`):
    the agencies' feeds and claim receipts, each office's inbox and webhook deliveries, and the
    dossier's access log (last: it names the agencies to search, should a run be interrupted)."""
    return [
        *((TableName.FEED, table_keys.feed(agency)) for agency in agencies),
        *((TableName.DOSSIERS, table_keys.claim_receipts(agency)) for agency in agencies),
        *((TableName.DOSSIERS, table_keys.inbox(office)) for office in offices),
        *((TableName.DELIVERIES, table_keys.webhooks(office)) for office in offices),
        (TableName.ACCESS_LOG, table_keys.access_log(dossier_id)),
    ]


# --- the offices' termination ---------------------------------------------------------------------


class OfficeTermination(BaseModel):
    """What an office hears when a dossier it was notified of is erased: ids and why, nothing else.

    `termination_id` is the same for the same dossier and office, so a repeated erasure (a
    redelivered record) lets the receiving side answer it once.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    termination_id: str
    type: MessageType = MessageType.TERMINATION
    dossier_id: str
    office_id: str
    agency_id: str
    reason: ErasureReason
    # the office's own file references (so it finds its file), sealed for it with the platform's key:
    # the dossier's data key is gone by the time they are sent (`references_about`)
    sealed_references: str | None = None


def terminations(request: ErasureRequest, offices: Iterable[str]) -> list[OfficeTermination]:
    return [
        OfficeTermination(
            termination_id=hashlib.sha256(f"{request.dossier_id}|{office}".encode()).hexdigest()[:32],
            dossier_id=request.dossier_id,
            office_id=office,
            agency_id=request.agency_id,
            reason=request.reason,
        )
        for office in offices
    ]


# --- the sweeper ---------------------------------------------------------------------------------


def due_for_erasure(meta: Image, now: datetime) -> bool:
    """A closed dossier whose retention ended (and that nobody asked to erase yet)."""
    ends = meta.get("retention_ends_at")
    return (
        meta.get("state") == DossierState.CLOSED
        and ends is not None
        and parse_iso(str(ends)) <= now
        and ERASURE_REQUESTED not in meta
    )
