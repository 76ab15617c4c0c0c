"""The feed table: one partition per agency, items newest first, and the agency's unread count kept in
the same transaction as every change (so the count never drifts from the items)."""

from collections.abc import Iterator
from functools import lru_cache

from respite_core import aws, table_keys
from respite_core.resources import QueueName, TableName, locate
from respite_core.store.claims_intake import ClaimsIntake
from respite_core.store.directory import Directory
from respite_core.store.feed_counts import count_op
from respite_core.store.fence import DataKeyDestroyed, write_about
from respite_core.store.items import model_of
from respite_core.store.listing import Partition, listing
from respite_core.store.table import Table, TransactionConflict, write_together
from respite_notifications.deliveries import OfficeDelivery
from respite_notifications.feed import FeedItem

MOVE_ATTEMPTS = 3


class Outbox:
    """The queue of deliveries to offices (ids only); a redelivered stream record may put one twice,
    which each channel answers once."""

    def put(self, delivery: OfficeDelivery) -> None:
        aws.sqs().send_message(QueueUrl=locate(QueueName.OUTBOX), MessageBody=delivery.model_dump_json())


class Consolidations:
    """The claims consolidation's queue: an intake's claims were stored (ids and a count), so their
    dossier's totals are recomputed; a redelivered stream record may put one twice, which the
    consolidation recomputes to the same totals."""

    def put(self, intake: ClaimsIntake) -> None:
        queue = locate(QueueName.CLAIMS_CONSOLIDATION)
        aws.sqs().send_message(QueueUrl=queue, MessageBody=intake.model_dump_json())


class FeedStore:
    def __init__(self) -> None:
        self._table = Table(TableName.FEED)

    def add(self, item: FeedItem) -> bool:
        """Store the item once and count it unread; False when it was already there (a redelivery) or
        its dossier is erased: an item about a dossier is written behind the liveness fence, so
        none outlives the erasure (nothing to tell about it then)."""
        put = self._table.put_op(
            {
                "PK": table_keys.feed(item.agency_id),
                "SK": table_keys.feed_item(item.item_id),
                **item.model_dump(mode="json"),
            },
            unless_exists=True,
        )
        operations = [put, count_op(self._table, item.agency_id, +1)]
        try:
            if item.dossier_id:
                write_about(item.dossier_id, operations)
            else:  # the weekly digest: about the agency, no dossier
                write_together(operations)
        except (TransactionConflict, DataKeyDestroyed):
            return False
        return True

    def move_dossier(self, dossier_id: str, from_agency_id: str, to_agency_id: str) -> int:
        """The dossier's items leave the old agency's feed for the new one's, each in one transaction
        with both agencies' unread counts (an unread item is counted where it is, and only there);
        how many moved. Idempotent: a moved item is no longer found where it was."""
        old_feed = table_keys.feed(from_agency_id)
        found = [i for i in self._table.query_partition(old_feed) if i.get("dossier_id") == dossier_id]
        return sum(self._move(dossier_id, str(i["SK"]), from_agency_id, to_agency_id) for i in found)

    def _move(self, dossier_id: str, sk: str, from_agency_id: str, to_agency_id: str) -> bool:
        for _ in range(MOVE_ATTEMPTS):  # marked read between reading and moving it: read it again
            item = self._table.get(table_keys.feed(from_agency_id), sk)
            if item is None:
                return False
            read = bool(item.get("read"))
            operations = [
                self._table.delete_op(str(item["PK"]), sk, expected={"read": read}),
                self._table.put_op(item | {"PK": table_keys.feed(to_agency_id), "agency_id": to_agency_id}),
            ]
            if not read:
                operations += [
                    count_op(self._table, from_agency_id, -1),
                    count_op(self._table, to_agency_id, +1),
                ]
            try:
                write_about(dossier_id, operations)
            except DataKeyDestroyed:
                return False  # erased: the erasure removes the items wherever they are
            except TransactionConflict:
                continue
            return True
        raise RuntimeError("the feed item kept changing while it was moved")  # the record is retried

    def listing(self, agency_id: str, cursor: str | None) -> Iterator[tuple[FeedItem, str]]:
        """The agency's feed, newest first, each item with the cursor that continues after it."""
        for item, after in listing(
            self._table, Partition(table_keys.feed(agency_id)), cursor, newest_first=True
        ):
            yield model_of(FeedItem, item), after

    def unread(self, agency_id: str) -> int:
        counter = table_keys.feed_counter(agency_id)
        item = self._table.get(counter, counter)
        return max(0, int(item["unread"])) if item else 0

    def mark_read(self, agency_id: str, item_id: str) -> bool:
        """True when the item was unread (and the count went down); False when it was read already."""
        mark = self._table.update_op(
            table_keys.feed(agency_id),
            table_keys.feed_item(item_id),
            changes={"read": True},
            expected={"read": False},
        )
        try:
            write_together([mark, count_op(self._table, agency_id, -1)])
        except TransactionConflict:
            if self._table.get(table_keys.feed(agency_id), table_keys.feed_item(item_id)) is None:
                raise KeyError(item_id) from None
            return False
        return True


@lru_cache(maxsize=256)  # a batch names few offices; a renamed office shows its new name after a cold start
def office_name(office_id: str) -> str:
    """The office's name for the feed's headlines (its id when it is not in the directory)."""
    office = Directory().office(office_id)
    return office.name if office is not None else office_id


@lru_cache(maxsize=64)
def agency_name(agency_id: str) -> str:
    """The agency's name for the feed's headlines (its id when it is not in the directory)."""
    agency = Directory().agency(agency_id)
    return agency.name if agency is not None else agency_id


def dossier_agency(dossier_id: str) -> str | None:
    """The agency a dossier is at now (None once it is erased): whose feed hears of it."""
    meta = Table(TableName.DOSSIERS).get(table_keys.dossier(dossier_id), table_keys.DOSSIER_META)
    return str(meta["agency_id"]) if meta else None
