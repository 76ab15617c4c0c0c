"""The retention service's data access: find everything about a dossier, delete it, tell the offices.

Reads here include items past `expires_at` (`include_expired`): no read path serves them, but
erasure must still find them. Every delete is idempotent (deleting what is gone is a no-op), so an
interrupted erasure simply runs again.
"""

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from itertools import batched
from typing import Any

from botocore.exceptions import ClientError

from respite_core import aws, table_keys
from respite_core.erasure import references_sealed_about
from respite_core.ids import to_iso
from respite_core.resources import BucketName, QueueName, TableName, locate
from respite_core.store import feed_counts
from respite_core.store.data_keys import DataKeyDestroyed, DataKeys
from respite_core.store.directory import seal_for_office
from respite_core.store.documents import dossier_prefixes
from respite_core.store.dossier_partition import DossierItems
from respite_core.store.idempotency_records import RECORD_KEY
from respite_core.store.items import Item, to_dynamo
from respite_core.store.registrations import Registrations
from respite_core.store.table import Table
from respite_retention.erasure import (
    ERASURE_REQUESTED,
    ItemKey,
    ObjectKey,
    OfficeTermination,
)

BATCH_WRITE_LIMIT = 25  # BatchWriteItem takes at most 25 requests
SQS_BATCH_LIMIT = 10
DELETE_OBJECTS_LIMIT = 1000


class ErasureStore:
    def destroy_data_key(self, dossier_id: str) -> bool:
        """Crypto-shred first: whatever copy is missed or lags (backups, streams) is unreadable."""
        return DataKeys().destroy(dossier_id)

    def office_references(self, dossier_id: str) -> dict[str, tuple[str, ...]]:
        """Each office's own references for the dossier, opened with its data key while it exists (a
        closed dossier at the end of its retention): the termination hands them back so the office
        finds its file. None once the key is gone (a withdrawal destroys it at once)."""
        try:
            key = DataKeys().open(dossier_id)
        except DataKeyDestroyed:
            return {}
        return DossierItems(self.partition(dossier_id)).office_references(key)

    def partition(self, dossier_id: str) -> list[Item]:
        return Table(TableName.DOSSIERS).query(
            "PK = :pk", {":pk": table_keys.dossier(dossier_id)}, consistent=True, include_expired=True
        )

    def registered_person(self, dossier_id: str) -> str | None:
        """The key of the person's registrations (the key store's pointer), None once it is gone."""
        return Registrations().person_of(dossier_id)

    def access_entries(self, dossier_id: str) -> list[Item]:
        return Table(TableName.ACCESS_LOG).query_partition(table_keys.access_log(dossier_id))

    def items_about(self, table: TableName, pk: str, dossier_id: str) -> list[ItemKey]:
        """Items of another owner's partition that name the dossier."""
        items = Table(table).query("PK = :pk", {":pk": pk}, consistent=True, include_expired=True)
        return [
            ItemKey(table, str(i["PK"]), str(i["SK"])) for i in items if i.get("dossier_id") == dossier_id
        ]

    def existing(self, keys: Iterable[ItemKey]) -> list[ItemKey]:
        """Those of `keys` that are stored (what a derived key points to may be gone already)."""
        return [key for key in keys if self._exists(key)]

    def _exists(self, key: ItemKey) -> bool:
        response = aws.dynamodb().get_item(TableName=locate(key.table), Key=_key(key), ConsistentRead=True)
        return "Item" in response

    def documents(self, dossier_id: str) -> list[ObjectKey]:
        """Every object of the dossier: its sealed documents (consent forms, attachments, mail
        attachments, budgets), uploads not yet confirmed and decrypted download copies."""
        s3, bucket = aws.s3(), locate(BucketName.DOCUMENTS)
        paginator = s3.get_paginator("list_objects_v2")
        return [
            ObjectKey(BucketName.DOCUMENTS, o["Key"])
            for prefix in dossier_prefixes(dossier_id)
            for page in paginator.paginate(Bucket=bucket, Prefix=prefix)
            for o in page.get("Contents", [])
        ]

    def existing_objects(self, objects: Iterable[ObjectKey]) -> list[ObjectKey]:
        s3 = aws.s3()
        found = []
        for obj in objects:
            listed = s3.list_objects_v2(Bucket=locate(obj.bucket), Prefix=obj.key, MaxKeys=1)
            if any(o["Key"] == obj.key for o in listed.get("Contents", [])):
                found.append(obj)
        return found

    # --- deleting ---------------------------------------------------------------------------------

    def delete_items(self, keys: Sequence[ItemKey]) -> None:
        """Delete in batches, in the order given per table (unprocessed requests are retried); a feed
        item one by one, with its agency's unread count."""
        by_table: dict[TableName, list[ItemKey]] = defaultdict(list)
        for key in keys:
            if key.table is TableName.FEED and key.sk is not None:
                feed_counts.remove_item(
                    Table(TableName.FEED), key.pk.removeprefix(table_keys.feed("")), key.sk
                )
            else:
                by_table[key.table].append(key)
        client = aws.dynamodb()
        for table, table_keys_ in by_table.items():
            for chunk in batched(table_keys_, BATCH_WRITE_LIMIT, strict=False):
                requests: dict[str, Any] = {
                    locate(table): [{"DeleteRequest": {"Key": _key(key)}} for key in chunk]
                }
                while requests:
                    response = client.batch_write_item(RequestItems=requests)
                    requests = dict(response.get("UnprocessedItems") or {})

    def delete_item(self, key: ItemKey) -> None:
        aws.dynamodb().delete_item(TableName=locate(key.table), Key=_key(key))

    def delete_objects(self, objects: Sequence[ObjectKey]) -> None:
        s3 = aws.s3()
        by_bucket: dict[BucketName, list[str]] = defaultdict(list)
        for obj in objects:
            by_bucket[obj.bucket].append(obj.key)
        for bucket, keys in by_bucket.items():
            for chunk in batched(keys, DELETE_OBJECTS_LIMIT, strict=False):
                response = s3.delete_objects(
                    Bucket=locate(bucket), Delete={"Objects": [{"Key": k} for k in chunk], "Quiet": True}
                )
                if response.get("Errors"):
                    raise RuntimeError(f"{len(response['Errors'])} objects were not deleted")

    # --- telling the offices ----------------------------------------------------------------------

    def tell_offices(
        self, terminations: Sequence[OfficeTermination], references: Mapping[str, Sequence[str]]
    ) -> None:
        """Queue each termination, with its office's own references sealed for it (nothing readable
        of the dossier is queued: the queue and its DLQ keep messages for days)."""
        terminations = [with_references(t, references.get(t.office_id, ())) for t in terminations]
        sqs, queue = aws.sqs(), locate(QueueName.OFFICE_TERMINATIONS)
        for chunk in batched(terminations, SQS_BATCH_LIMIT, strict=False):
            response = sqs.send_message_batch(
                QueueUrl=queue,
                Entries=[
                    {"Id": str(n), "MessageBody": t.model_dump_json(exclude_none=True)}
                    for n, t in enumerate(chunk)
                ],
            )
            if response.get("Failed"):
                raise RuntimeError(f"{len(response['Failed'])} terminations were not queued")

    # --- the sweeper ------------------------------------------------------------------------------

    def closed_and_due(self, now: datetime) -> list[Item]:
        """Closed dossiers whose retention deadline passed (the sparse deadline index)."""
        return Table(TableName.DOSSIERS).query(
            "GSI2PK = :due AND GSI2SK < :now",
            {":due": table_keys.ERASURE_DUE, ":now": to_iso(now)},
            index=table_keys.DEADLINE_INDEX,
            include_expired=True,
        )

    def request_erasure(self, meta: Item, now: datetime) -> bool:
        """Mark the closed dossier for erasure (the stream then carries the request) and take it out
        of the index; False when it is gone or someone else marked it first."""
        op = Table(TableName.DOSSIERS).update_op(
            str(meta["PK"]),
            str(meta["SK"]),
            changes={ERASURE_REQUESTED: to_iso(now), "GSI2PK": None, "GSI2SK": None},
            expected={"state": "closed"},
        )["Update"]
        op["ConditionExpression"] += f" AND attribute_not_exists({ERASURE_REQUESTED})"
        try:
            aws.dynamodb().update_item(**op)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True


def with_references(termination: OfficeTermination, references: Sequence[str]) -> OfficeTermination:
    if not references:
        return termination
    sealed = seal_for_office(
        termination.office_id,
        json.dumps(list(references)),
        about=references_sealed_about(termination.termination_id),
    )
    return termination.model_copy(update={"sealed_references": sealed})


def _key(key: ItemKey) -> dict[str, Any]:
    if key.sk is None:
        return to_dynamo({RECORD_KEY: key.pk})
    return to_dynamo({"PK": key.pk, "SK": key.sk})
