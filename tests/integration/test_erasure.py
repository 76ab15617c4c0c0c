"""The erasure cascade and the retention sweeper against moto: everything about a dossier goes, in
every table and bucket, a receipt without personal data stays; a crash half-way completes on the
next run; erasing twice, or a TTL deletion after the sweeper, changes nothing."""

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from respite_core import aws as aws_clients
from respite_core import idempotency, table_keys
from respite_core.domain import Claim, Message, MessageType
from respite_core.erasure import ErasureReason, scheduled_erasure
from respite_core.ids import to_iso, utc_now
from respite_core.resources import BucketName, QueueName, TableName, locate
from respite_core.store import documents, idempotency_records, reference_tokens
from respite_core.store.data_keys import DataKeys
from respite_core.store.dossier_items import claim_item, inbox_item, message_item
from respite_core.store.erasure_receipts import ErasureReceipts, receipt_subject
from respite_core.store.pseudonyms import pseudonym_key
from respite_core.store.registrations import Registrations
from respite_core.store.table import Table, write_together
from respite_infra.catalogue import CATALOGUE, ERASE_DOSSIERS
from respite_infra.local.handlers import LambdaContext
from respite_infra.local.provision import provision
from respite_retention.cascade import erase
from respite_retention.consumers import dossier_events
from respite_retention.consumers.sweeper import sweep
from respite_retention.erasure import ERASURE_REQUESTED, ErasureRequest

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def ticking(start: datetime) -> Callable[[], datetime]:
    """A clock a second later each time it is read: an erasure takes time, and its receipt says how much."""
    reads = count()
    return lambda: start + timedelta(seconds=next(reads))


PERSON = {"name": "Wannes Vermeulen-Quintelier", "national_number": "85073003328", "street": "Zwijgerstraat"}
CLAIM_REFERENCE = "VH/2026/QX-4471"
PDF = b"%PDF-1.7\n% Wannes Vermeulen-Quintelier signed\n%%EOF\n"
TOLD = (QueueName.OFFICE_TERMINATIONS,)  # the offices' terminations name the dossier (ids only)
MARKERS = ("Vermeulen-Quintelier", "85073003328", "Zwijgerstraat", "QX-4471")


@pytest.fixture
def wired(aws: boto3.Session, stage: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in provision(CATALOGUE, stage, aws).items():
        monkeypatch.setenv(name, value)
    aws_clients.forget_clients()
    pseudonym_key.cache_clear()
    yield
    aws_clients.forget_clients()
    pseudonym_key.cache_clear()


def a_dossier(dossier_id: str, *, state: str = "withdrawn") -> ErasureRequest:
    """A dossier with something in every store: the person, a claim, a notice to an office and its
    inbox copy, a reference token, a signed form, the access log, a feed item, an idempotency
    record, the person's registration, a raw inbound mail."""
    keys = DataKeys()
    key = keys.generate(dossier_id)
    dossiers = Table(TableName.DOSSIERS)
    dossier_pk = table_keys.dossier(dossier_id)
    person_key = table_keys.person("pseudonym-of-" + dossier_id)
    meta = {
        "PK": dossier_pk,
        "SK": table_keys.DOSSIER_META,
        "entity": "dossier",
        "dossier_id": dossier_id,
        "agency_id": "ocmw-gent",
        "state": state,
        "opened_at": to_iso(NOW - timedelta(days=90)),
    }
    notice = Message(
        message_id=f"{dossier_id}-notice",
        conversation_id=f"{dossier_id}-notice",
        dossier_id=dossier_id,
        sender="ocmw-gent",
        receiver="vanhove",
        type=MessageType.NOTICE,
        created_at=NOW - timedelta(days=80),
        body={"note": PERSON["name"]},
    )
    claim = Claim.model_validate(
        {
            "claim_id": f"{dossier_id}-claim",
            "dossier_id": dossier_id,
            "office_id": "vanhove",
            "office_reference": CLAIM_REFERENCE,
            "principal_creditor": "Stad Gent",
            "principal": 120000,
            "interest": 0,
            "costs": 0,
            "paid": 0,
            "title": {"kind": "none"},
            "creditor_class": "ordinary",
        }
    )
    write_together(
        [
            keys.store_op(key),
            dossiers.put_op(meta),
            dossiers.put_op(
                {
                    "PK": dossier_pk,
                    "SK": "PERSON",
                    "entity": "person",
                    "person": key.seal("person", json.dumps(PERSON)),
                }
            ),
            *Registrations().register_ops(person_key, "ocmw-gent", dossier_id),
            dossiers.put_op(claim_item(claim, key, agency_id="ocmw-gent", received_at=NOW)),
            dossiers.put_op(message_item(notice, key, agency_id="ocmw-gent", office_id="vanhove")),
            dossiers.put_op(inbox_item(notice, "vanhove", "2026-09-01")),
        ]
    )
    reference_tokens.issue_for_message(dossier_id, notice.message_id, "vanhove", NOW - timedelta(days=1))
    documents.store_sealed(
        documents.document_key(dossier_id, "consent-form", "u1"), documents.DocumentType.PDF, PDF, key
    )
    aws_clients.s3().put_object(
        Bucket=locate(BucketName.INBOUND_MAIL),
        Key=f"inbound/{dossier_id}-mail",
        Body=b"From: x\r\n\r\n" + PDF,
    )
    dossiers.put(
        {"PK": dossier_pk, "SK": f"MAIL#{dossier_id}-mail", "entity": "mail", "dossier_id": dossier_id}
    )
    # the dossier was registered at Utrecht, then transferred to Gent: both agencies' feeds name it
    for n, agency in enumerate(("shv-utrecht", "ocmw-gent")):
        Table(TableName.ACCESS_LOG).put(
            {
                "PK": table_keys.access_log(dossier_id),
                "SK": f"2026-11-0{n + 1}#e{n}",
                "dossier_id": dossier_id,
                "actor_agency_id": agency,
                "actor_role": "caseworker",
                "action": "read_person",
            }
        )
        Table(TableName.FEED).put(
            {
                "PK": table_keys.feed(agency),
                "SK": table_keys.feed_item(f"{dossier_id}-{n}"),
                "dossier_id": dossier_id,
                "read": True,
            }
        )
    record = idempotency.record_id(
        "consent:POST:/dossiers/{dossier_id}/closure:ocmw-gent:u1", f"k-{dossier_id}"
    )
    aws_clients.dynamodb().put_item(
        TableName=locate(TableName.IDEMPOTENCY), Item={"id": {"S": record}, "data": {"S": json.dumps(PERSON)}}
    )
    idempotency_records.remember(dossier_id, record)
    return ErasureRequest(dossier_id, "ocmw-gent", ErasureReason.CONSENT_WITHDRAWN, NOW)


def everything(*, but: tuple[QueueName, ...] = ()) -> str:
    """Every item of every table, every object's bytes, every queue's messages (peeked), as text."""
    dynamodb, s3, sqs = aws_clients.dynamodb(), aws_clients.s3(), aws_clients.sqs()
    found: list[Any] = []
    for table in CATALOGUE.tables:
        for page in dynamodb.get_paginator("scan").paginate(TableName=locate(table.name)):
            found += page["Items"]
    for bucket in CATALOGUE.buckets:
        for listing in s3.get_paginator("list_objects_v2").paginate(Bucket=locate(bucket.name)):
            for obj in listing.get("Contents", []):
                found.append(obj["Key"])
                found.append(
                    s3.get_object(Bucket=locate(bucket.name), Key=obj["Key"])["Body"].read().decode("latin-1")
                )
    for queue in CATALOGUE.queues:
        if queue.name in but:
            continue
        url = locate(queue.name)
        for queue_url in (url, url + "-dlq"):
            messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, VisibilityTimeout=0)
            found += [m["Body"] for m in messages.get("Messages", [])]
    return json.dumps(found, default=str)


def terminations() -> list[dict[str, Any]]:
    sqs = aws_clients.sqs()
    messages = sqs.receive_message(
        QueueUrl=locate(QueueName.OFFICE_TERMINATIONS), MaxNumberOfMessages=10, VisibilityTimeout=0
    )
    return [json.loads(m["Body"]) for m in messages.get("Messages", [])]


@pytest.mark.usefixtures("wired")
def test_erasure_leaves_nothing_of_the_dossier_anywhere_but_a_receipt() -> None:
    request = a_dossier("D-ERASE-1")
    before = everything()
    # the search finds what is there in clear (the form, a stored response) and the dossier's id
    assert all(marker in before for marker in MARKERS[:3])
    assert "D-ERASE-1" in before

    receipt = erase(request, ticking(NOW))

    after = everything()
    assert "D-ERASE-1" not in everything(but=TOLD).replace(receipt.subject, "")
    assert all(marker not in after for marker in MARKERS)
    assert receipt.complete
    assert receipt.completed_at is not None
    assert receipt.completed_at > receipt.started_at == NOW
    assert receipt.reason is ErasureReason.CONSENT_WITHDRAWN
    # partition: meta, person, claim, notice, token pointer, mail, idempotency pointer, and the key
    # store's pointer to the registration (8); elsewhere: the registration (key store), inbox copy,
    # token, token-for, 2 feed items, 2 log entries, record (9)
    assert (receipt.items, receipt.objects, receipt.offices_told) == (17, 2, 1)
    assert receipt.subject == receipt_subject("D-ERASE-1")
    assert ErasureReceipts().find("D-ERASE-1") == receipt
    assert ErasureReceipts().on(NOW.date()) == [receipt]
    assert terminations() == [
        {
            "termination_id": terminations()[0]["termination_id"],
            "type": "termination",
            "dossier_id": "D-ERASE-1",
            "office_id": "vanhove",
            "agency_id": "ocmw-gent",
            "reason": "consent_withdrawn",
            # the office's own claim reference, sealed for it (the search above finds no marker)
            "sealed_references": terminations()[0]["sealed_references"],
        }
    ]


@pytest.mark.usefixtures("wired")
def test_a_cascade_that_crashes_half_way_completes_when_run_again() -> None:
    request = a_dossier("D-CRASH")
    client = aws_clients.dynamodb()
    calls = {"n": 0}

    def crash_on_second_batch(**_: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise ConnectionError("the function was killed")

    client.meta.events.register("before-call.dynamodb.BatchWriteItem", crash_on_second_batch)
    try:
        with pytest.raises(ConnectionError):
            erase(request, ticking(NOW))
    finally:
        client.meta.events.unregister("before-call.dynamodb.BatchWriteItem", crash_on_second_batch)
    interrupted = ErasureReceipts().find("D-CRASH")
    assert interrupted is not None
    assert not interrupted.complete
    assert "D-CRASH" in everything(but=TOLD).replace(
        interrupted.subject, ""
    )  # half done: the meta item is left

    receipt = erase(request, ticking(NOW + timedelta(minutes=1)))

    assert receipt.complete
    assert receipt.started_at == NOW
    assert (receipt.items, receipt.objects) == (17, 2)  # counted before anything was deleted
    assert "D-CRASH" not in everything(but=TOLD).replace(receipt.subject, "")


@pytest.mark.usefixtures("wired")
def test_what_arrives_while_the_erasure_deletes_goes_too_before_the_receipt_is_complete() -> None:
    """An upload that lands while the cascade deletes (S3 takes no condition on the data key): the
    cascade searches again, deletes it, and only then completes the receipt."""
    request = a_dossier("D-LATE")
    late = documents.document_key("D-LATE", "consent-form", "late-upload")
    s3 = aws_clients.s3()
    arrivals = {"n": 0}

    def upload_lands(**_: Any) -> None:
        if arrivals["n"] == 0:
            arrivals["n"] += 1
            s3.put_object(Bucket=locate(BucketName.DOCUMENTS), Key=late, Body=PDF)

    client = aws_clients.dynamodb()
    client.meta.events.register("before-call.dynamodb.DeleteItem", upload_lands)
    try:
        receipt = erase(request, ticking(NOW))
    finally:
        client.meta.events.unregister("before-call.dynamodb.DeleteItem", upload_lands)

    assert arrivals["n"] == 1
    assert receipt.complete
    assert "D-LATE" not in everything(but=TOLD).replace(receipt.subject, "")


@pytest.mark.usefixtures("wired")
def test_erasing_an_erased_dossier_changes_nothing() -> None:
    request = a_dossier("D-TWICE")
    first = erase(request, ticking(NOW))
    snapshot = everything()

    again = erase(request, ticking(NOW + timedelta(hours=1)))

    assert again == first
    assert everything() == snapshot


def ttl_remove(dossier_id: str, sequence: str) -> dict[str, Any]:
    """The stream record DynamoDB's TTL writes when it deletes a dossier's meta item."""
    expires = int((NOW + timedelta(days=31)).timestamp())
    image = {
        "PK": {"S": table_keys.dossier(dossier_id)},
        "SK": {"S": table_keys.DOSSIER_META},
        "entity": {"S": "dossier"},
        "dossier_id": {"S": dossier_id},
        "agency_id": {"S": "ocmw-gent"},
        "state": {"S": "closed"},
        "expires_at": {"N": str(expires)},
    }
    return {
        "eventID": sequence,
        "eventName": "REMOVE",
        "eventSource": "aws:dynamodb",
        "eventVersion": "1.1",
        "awsRegion": "eu-west-1",
        "userIdentity": {"type": "Service", "principalId": "dynamodb.amazonaws.com"},
        "dynamodb": {
            "Keys": {"PK": image["PK"], "SK": image["SK"]},
            "OldImage": image,
            "SequenceNumber": sequence,
            "SizeBytes": 100,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
    }


def erasure_consumer(*records: dict[str, Any]) -> Any:
    """The retention consumer, invoked as Lambda would (the local stack's context object)."""
    context = LambdaContext.for_function(ERASE_DOSSIERS)
    return dossier_events.handler({"Records": list(records)}, context)  # type: ignore[arg-type]


@pytest.mark.usefixtures("wired")
def test_the_sweeper_marks_closed_dossiers_past_retention_once_and_a_later_ttl_remove_is_harmless() -> None:
    due = a_dossier("D-DUE", state="closed")
    a_dossier("D-NOT-YET", state="closed")
    dossiers = Table(TableName.DOSSIERS)
    now = utc_now()
    for dossier_id, ends in (("D-DUE", now - timedelta(minutes=1)), ("D-NOT-YET", now + timedelta(days=2))):
        dossiers.update(
            table_keys.dossier(dossier_id),
            table_keys.DOSSIER_META,
            changes={
                "closed_at": to_iso(now - timedelta(days=31)),
                "retention_ends_at": to_iso(ends),
                **scheduled_erasure(dossier_id, ends),
            },
        )

    assert sweep(now) == 1
    assert sweep(now) == 0  # marked once

    marked = dossiers.get(table_keys.dossier("D-DUE"), table_keys.DOSSIER_META)
    assert marked is not None
    assert ERASURE_REQUESTED in marked
    assert "GSI2PK" not in marked
    untouched = dossiers.get(table_keys.dossier("D-NOT-YET"), table_keys.DOSSIER_META)
    assert untouched is not None
    assert ERASURE_REQUESTED not in untouched

    # the mark on the stream asks for the erasure (the consumer, fed the MODIFY)
    modify = ttl_remove("D-DUE", "1") | {"eventName": "MODIFY"}
    del modify["userIdentity"]
    modify["dynamodb"]["OldImage"] = {"PK": {"S": "x"}, "entity": {"S": "dossier"}, "state": {"S": "closed"}}
    modify["dynamodb"]["NewImage"] = {
        **{k: {"S": str(v)} for k, v in marked.items() if isinstance(v, str)},
    }
    assert erasure_consumer(modify) == {"batchItemFailures": []}
    receipt = ErasureReceipts().find("D-DUE")
    assert receipt is not None
    assert receipt.complete
    assert receipt.reason is ErasureReason.RETENTION_ENDED
    snapshot = everything()
    assert due.dossier_id not in everything(but=TOLD).replace(receipt.subject, "")

    # days later, DynamoDB's TTL "deletes" the meta item the sweeper's erasure already deleted
    assert erasure_consumer(ttl_remove("D-DUE", "2")) == {"batchItemFailures": []}
    assert ErasureReceipts().find("D-DUE") == receipt
    assert everything() == snapshot


@pytest.mark.usefixtures("wired")
def test_a_ttl_deletion_of_a_dossier_never_swept_erases_the_rest() -> None:
    a_dossier("D-TTL", state="closed")
    Table(TableName.DOSSIERS).delete(table_keys.dossier("D-TTL"), table_keys.DOSSIER_META)  # what TTL did

    result = erasure_consumer(ttl_remove("D-TTL", "3"))

    assert result == {"batchItemFailures": []}
    receipt = ErasureReceipts().find("D-TTL")
    assert receipt is not None
    assert receipt.reason is ErasureReason.TTL_EXPIRED
    assert receipt.complete
    after = everything()
    assert "D-TTL" not in everything(but=TOLD).replace(receipt.subject, "")
    assert all(marker not in after for marker in MARKERS)


@pytest.mark.usefixtures("wired")
def test_the_pointer_names_the_record_powertools_writes() -> None:
    idempotency.forget_persistence_layers()
    scope, key = "consent:POST:/dossiers/{dossier_id}/closure:ocmw-gent:u1", "retry-me"
    response = idempotency.StoredResponse(200, {}, "{}")

    idempotency.once(scope=scope, key=key, request_fingerprint="f", run=lambda: response)

    stored = aws_clients.dynamodb().get_item(
        TableName=locate(TableName.IDEMPOTENCY), Key={"id": {"S": idempotency.record_id(scope, key)}}
    )
    assert stored["Item"]["status"]["S"] == "COMPLETED"
    idempotency.forget_persistence_layers()


def withdrawal_record(dossier_id: str, sequence: str) -> dict[str, Any]:
    """The stream record of the consent API's change of the dossier to `withdrawn`."""
    new = {
        "PK": {"S": table_keys.dossier(dossier_id)},
        "SK": {"S": table_keys.DOSSIER_META},
        "entity": {"S": "dossier"},
        "dossier_id": {"S": dossier_id},
        "agency_id": {"S": "ocmw-gent"},
        "state": {"S": "withdrawn"},
        "withdrawn_at": {"S": to_iso(NOW)},
    }
    record = ttl_remove(dossier_id, sequence) | {"eventName": "MODIFY"}
    del record["userIdentity"]
    record["dynamodb"] = record["dynamodb"] | {
        "OldImage": new | {"state": {"S": "notified"}},
        "NewImage": new,
    }
    return record


@pytest.mark.usefixtures("wired")
def test_a_crashed_erasure_is_reported_failed_and_the_redelivered_record_completes_it() -> None:
    a_dossier("D-REDELIVERED")
    client = aws_clients.dynamodb()

    def crash(**_: Any) -> None:
        raise ConnectionError("throttled, then the function timed out")

    client.meta.events.register("before-call.dynamodb.BatchWriteItem", crash)
    try:
        with pytest.raises(BatchProcessingError):  # the whole batch failed: the stream redelivers it
            erasure_consumer(withdrawal_record("D-REDELIVERED", "7"))
        failed = erasure_consumer(withdrawal_record("D-REDELIVERED", "7"), withdrawal_record("D-OTHER", "8"))
    finally:
        client.meta.events.unregister("before-call.dynamodb.BatchWriteItem", crash)
    assert failed == {"batchItemFailures": [{"itemIdentifier": "7"}]}  # one record failed alone
    other = ErasureReceipts().find("D-OTHER")  # the other record of the batch: nothing to delete, done
    assert other is not None
    assert other.complete

    again = erasure_consumer(withdrawal_record("D-REDELIVERED", "7"))

    assert again == {"batchItemFailures": []}
    receipt = ErasureReceipts().find("D-REDELIVERED")
    assert receipt is not None
    assert receipt.complete
    assert receipt.completed_at is not None
    assert receipt.completed_at > receipt.started_at
    assert receipt.reason is ErasureReason.CONSENT_WITHDRAWN
    assert "D-REDELIVERED" not in everything(but=TOLD).replace(receipt.subject, "")


@pytest.mark.usefixtures("wired")
def test_a_standstill_warning_read_before_closing_does_not_unschedule_the_erasure() -> None:
    from respite_claims.deadline_store import DeadlineStore

    a_dossier("D-RACE", state="notified")
    dossiers = Table(TableName.DOSSIERS)
    meta_key = (table_keys.dossier("D-RACE"), table_keys.DOSSIER_META)
    dossiers.update(
        *meta_key,
        changes={"GSI2PK": table_keys.STANDSTILL_DUE, "GSI2SK": table_keys.deadline("2026-11-19", "D-RACE")},
    )
    deadlines = DeadlineStore()
    [seen] = [d for d in deadlines.standstills_to_announce(NOW.date()) if d["dossier_id"] == "D-RACE"]
    ends = utc_now() + timedelta(days=30)
    dossiers.update(*meta_key, changes={"state": "closed", **scheduled_erasure("D-RACE", ends)})  # closed now

    assert deadlines.warn_standstill(seen, NOW.date()) is False  # read before closing, marked after

    meta = dossiers.get(*meta_key)
    assert meta is not None
    assert meta["GSI2PK"] == table_keys.ERASURE_DUE  # still due for erasure
    assert "standstill_warned_on" not in meta


@pytest.mark.usefixtures("wired")
def test_the_unread_count_forgets_the_erased_dossiers_items_and_keeps_the_others() -> None:
    from respite_notifications.feed import FeedItem, FeedKind
    from respite_notifications.store import FeedStore

    feed, request = FeedStore(), a_dossier("D-ERASE-UNREAD")
    keys = DataKeys()
    write_together([keys.store_op(keys.generate("D-KEPT"))])  # another dossier of the agency, alive
    unread_before = feed.unread("ocmw-gent")  # a_dossier's own items are read already
    for n, dossier_id in enumerate(("D-ERASE-UNREAD", "D-ERASE-UNREAD", "D-ERASE-UNREAD", "D-KEPT")):
        item = FeedItem(
            item_id=f"unread-{n}",
            agency_id="ocmw-gent",
            kind=FeedKind.REPLY_RECEIVED,
            dossier_id=dossier_id,
            happened_at=NOW,
        )
        assert feed.add(item)
    assert feed.mark_read("ocmw-gent", "unread-0")  # one of the erased dossier's was read
    assert feed.unread("ocmw-gent") == unread_before + 3

    erase(request, ticking(NOW))
    erase(request, ticking(NOW))  # a redelivered erasure counts nothing twice

    assert feed.unread("ocmw-gent") == unread_before + 1
    assert [i.item_id for i, _ in feed.listing("ocmw-gent", None) if i.dossier_id.startswith("D-")] == [
        "unread-3"
    ]
