"""The erasure cascade: everything about one dossier, everywhere, then a receipt.

1. destroy the data key (crypto-shredding: every copy not yet deleted is unreadable from here on),
   having read with it, just before, each office's own file references for its termination;
2. find everything: the dossier's partition, what it points to (its person's registrations and
   their pointer in the key store, reference tokens, per-message delivery records, idempotency
   records), the items of other partitions that name it (the agency's feed and claim receipts, the
   offices' inboxes and webhook deliveries, its access log), its documents and raw inbound mail;
3. file the receipt with those counts (or find the one an interrupted run filed);
4. queue a `termination` (ids, and the office's own references) for each office the agency wrote to
   and had not yet sent one;
5. delete the objects, then the items elsewhere, then the partition (with the registrations'
   pointer), its meta item last;
6. search again, and delete what arrived meanwhile (an upload to the incoming prefix, say: the fence
   keeps items from being written once the key is gone, but not S3 objects), until nothing is left;
7. mark the receipt complete, at the time the last store was found clean.

Every step is idempotent and the meta item goes last, so a run that crashes anywhere completes when
the stream record is redelivered; a run for an erased dossier finds nothing and changes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from respite_core import table_keys
from respite_core.erasure import ErasureReceipt
from respite_core.ids import utc_now
from respite_core.resources import TableName
from respite_core.store.dossier_partition import DossierItems
from respite_core.store.erasure_receipts import ErasureReceipts, receipt_subject
from respite_retention.erasure import (
    ErasureRequest,
    ItemKey,
    ObjectKey,
    agencies_involved,
    derived_keys,
    offices_of,
    offices_to_tell,
    partition_keys,
    partitions_to_search,
    raw_mail_keys,
    registration_pointer,
    terminations,
)
from respite_retention.store import ErasureStore


@dataclass(frozen=True)
class Found:
    partition: list[ItemKey]
    elsewhere: list[ItemKey]
    objects: list[ObjectKey]
    offices: list[str]  # every office the agency wrote to: each knows the debt help ended
    to_tell: list[str]  # those of them not sent a termination before: told of the erasure

    @property
    def nothing(self) -> bool:
        return not (self.partition or self.elsewhere or self.objects)


def find(request: ErasureRequest, store: ErasureStore) -> Found:
    items = store.partition(request.dossier_id)
    meta = DossierItems(items).meta
    agency_id = str(meta["agency_id"]) if meta else request.agency_id
    offices = sorted(set(offices_of(items)) | {str(i["office_id"]) for i in items if i.get("office_id")})
    elsewhere = store.existing(derived_keys(items))
    person = store.registered_person(request.dossier_id)
    if person is not None:  # the person's registrations, at whichever agency the dossier is now
        elsewhere += store.items_about(TableName.KEY_STORE, person, request.dossier_id)
    agencies = agencies_involved(store.access_entries(request.dossier_id), agency_id)
    for table, pk in partitions_to_search(request.dossier_id, agencies=agencies, offices=offices):
        elsewhere += store.items_about(table, pk, request.dossier_id)
    objects = store.documents(request.dossier_id) + store.existing_objects(raw_mail_keys(items))
    pointer = registration_pointer(request.dossier_id) if person is not None else None
    return Found(
        partition_keys(items, pointer), elsewhere, objects, offices_of(items), offices_to_tell(items)
    )


# How often the cascade searches again for what arrived while it deleted before it gives up (and the
# stream redelivers the record: the retry finishes the job).
CLEAN_PASSES = 3


class ErasureIncomplete(Exception):
    """Something about the dossier was still found after every pass: the run fails and is retried."""


def erase(
    request: ErasureRequest,
    clock: Callable[[], datetime] = utc_now,
    store: ErasureStore | None = None,
    receipts: ErasureReceipts | None = None,
) -> ErasureReceipt:
    """Erase the dossier of `request`; returns its receipt (the earlier one if it was erased)."""
    store, receipts = store or ErasureStore(), receipts or ErasureReceipts()
    # read just before the key goes (a rerun after it went tells the offices without them)
    references = store.office_references(request.dossier_id)
    store.destroy_data_key(request.dossier_id)
    found = find(request, store)
    subject = receipt_subject(request.dossier_id)
    if found.nothing:
        earlier = receipts.find_subject(subject)
        if earlier is not None and earlier.complete:
            return earlier  # erased before: nothing to do, nothing written
    receipt = receipts.begin(
        ErasureReceipt(
            subject=subject,
            reason=request.reason,
            requested_at=request.requested_at,
            started_at=clock(),
            items=len(found.partition) + len(found.elsewhere),
            objects=len(found.objects),
            offices_told=len(found.offices),
        )
    )
    store.tell_offices(terminations(request, found.to_tell), references)
    for _ in range(CLEAN_PASSES):
        _delete(store, found)
        found = find(request, store)
        if found.nothing:
            return receipt if receipt.complete else receipts.complete(receipt, clock())
    raise ErasureIncomplete(subject)


def _delete(store: ErasureStore, found: Found) -> None:
    store.delete_objects(found.objects)
    store.delete_items(found.elsewhere)
    _delete_partition(store, found.partition)


def _delete_partition(store: ErasureStore, keys: list[ItemKey]) -> None:
    """The meta item alone and last: what tells a redelivered run where the rest was."""
    meta = [k for k in keys if k.sk == table_keys.DOSSIER_META]
    store.delete_items([k for k in keys if k.sk != table_keys.DOSSIER_META])
    for key in meta:
        store.delete_item(key)
