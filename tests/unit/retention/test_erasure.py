"""Which changes ask for an erasure, what goes besides the partition and in which order, who is
told, and what the sweeper takes: the retention service's decisions, without AWS."""

from datetime import UTC, datetime, timedelta

import pytest

from respite_core import table_keys
from respite_core.domain import Claim, CreditorClass, Message, MessageType, Title, TitleKind
from respite_core.erasure import TTL_BACKSTOP, ErasureReason, scheduled_erasure
from respite_core.resources import BucketName, TableName
from respite_core.store.dossier_items import office_references
from respite_retention.erasure import (
    ERASURE_REQUESTED,
    TTL_PRINCIPAL,
    ErasureRequest,
    ItemKey,
    ObjectKey,
    agencies_involved,
    derived_keys,
    due_for_erasure,
    erasure_requested,
    offices_of,
    offices_to_tell,
    partition_keys,
    raw_mail_keys,
    registration_pointer,
    terminations,
)

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
META = {
    "PK": "DOSSIER#D1",
    "SK": "META",
    "entity": "dossier",
    "dossier_id": "D1",
    "agency_id": "ocmw-gent",
}


def test_withdrawal_asks_for_erasure_once() -> None:
    new = META | {"state": "withdrawn", "withdrawn_at": "2026-11-20T09:00:00.000000Z"}

    request = erasure_requested("MODIFY", META | {"state": "notified"}, new, None)

    assert request == ErasureRequest("D1", "ocmw-gent", ErasureReason.CONSENT_WITHDRAWN, NOW)
    # a later change of a withdrawn dossier (e.g. the sweeper's) is not a second withdrawal
    assert erasure_requested("MODIFY", new, new | {"x": 1}, None) is None


def test_the_sweepers_mark_asks_for_erasure_at_the_retention_deadline() -> None:
    closed = META | {"state": "closed", "retention_ends_at": "2026-11-20T09:00:00.000000Z"}

    request = erasure_requested("MODIFY", closed, closed | {ERASURE_REQUESTED: "2026-11-20T09:04:00Z"}, None)

    assert request is not None
    assert (request.reason, request.requested_at) == (ErasureReason.RETENTION_ENDED, NOW)


def test_only_a_ttl_deletion_of_a_dossier_asks_for_erasure_among_removes() -> None:
    expired = META | {"state": "closed", "expires_at": int(NOW.timestamp())}

    by_ttl = erasure_requested("REMOVE", expired, None, TTL_PRINCIPAL)

    assert by_ttl is not None
    assert by_ttl.reason is ErasureReason.TTL_EXPIRED
    assert by_ttl.requested_at == NOW
    assert erasure_requested("REMOVE", expired, None, None) is None  # the erasure's own deletes
    assert erasure_requested("REMOVE", {"entity": "claim"}, None, TTL_PRINCIPAL) is None
    assert erasure_requested("INSERT", None, META | {"state": "withdrawn"}, None) is None


@pytest.mark.parametrize("entity", ["claim", "message", "mail"])
def test_changes_of_other_items_ask_for_nothing(entity: str) -> None:
    assert (
        erasure_requested("MODIFY", {"entity": entity}, {"entity": entity, "state": "withdrawn"}, None)
        is None
    )


def test_the_meta_item_is_deleted_last() -> None:
    partition = [META, {"PK": "DOSSIER#D1", "SK": "PERSON"}, {"PK": "DOSSIER#D1", "SK": "CLAIM#x#y"}]

    keys = partition_keys(partition)

    assert keys[-1] == ItemKey(TableName.DOSSIERS, "DOSSIER#D1", "META")
    assert len(keys) == 3


def test_the_registrations_pointer_goes_with_the_partition_before_the_meta_item() -> None:
    partition = [META, {"PK": "DOSSIER#D1", "SK": "PERSON"}]

    keys = partition_keys(partition, registration_pointer("D1"))

    assert keys[-1] == ItemKey(TableName.DOSSIERS, "DOSSIER#D1", "META")
    assert ItemKey(TableName.KEY_STORE, "REGISTERED#D1", "REGISTERED#D1") in keys[:-1]


def test_what_the_partition_points_to_elsewhere() -> None:
    partition = [
        META,
        {"PK": "DOSSIER#D1", "SK": "TOKEN#h1", "entity": "reference_token"},
        {
            "PK": "DOSSIER#D1",
            "SK": "IDEMPOTENCY#http#r1",
            "entity": "idempotency_record",
            "record_id": "http#r1",
        },
        {
            "PK": "DOSSIER#D1",
            "SK": "MSG#m1",
            "entity": "message",
            "message_id": "m1",
            "sender": "ocmw-gent",
            "agency_id": "ocmw-gent",
            "receiver": "vanhove",
        },
        {  # an office's reply: nothing was delivered to the office for it
            "PK": "DOSSIER#D1",
            "SK": "MSG#m2",
            "entity": "message",
            "message_id": "m2",
            "sender": "vanhove",
            "agency_id": "ocmw-gent",
            "receiver": "ocmw-gent",
        },
    ]

    keys = derived_keys(partition)

    assert sorted(keys) == sorted(
        [
            ItemKey(TableName.DELIVERIES, "TOKEN#h1", "TOKEN#h1"),
            ItemKey(TableName.IDEMPOTENCY, "http#r1", None),
            ItemKey(TableName.DELIVERIES, "EMAIL#m1", "EMAIL#m1"),
            ItemKey(TableName.DELIVERIES, "TOKENFOR#m1#vanhove", "TOKENFOR#m1#vanhove"),
        ]
    )
    assert offices_of(partition) == ["vanhove"]


def test_a_transferred_dossier_is_searched_for_at_every_agency_that_touched_it() -> None:
    entries = [
        {"actor_agency_id": "shv-utrecht", "actor_role": "caseworker"},
        {"actor_agency_id": "vanhove", "actor_role": "office"},  # an office system: no feed of its own
        {"actor_agency_id": "ocmw-gent", "actor_role": "agency_admin"},
    ]

    assert agencies_involved(entries, "ocmw-gent") == ["ocmw-gent", "shv-utrecht"]
    assert agencies_involved([], "ocmw-gent") == ["ocmw-gent"]


def test_a_kept_mail_linked_or_quarantined_points_to_its_raw_mime() -> None:
    mail = {"PK": "DOSSIER#D1", "SK": "MAIL#ses-1", "entity": "mail"}
    quarantined = {"PK": "DOSSIER#D1", "SK": "MAIL#ses-2", "entity": "quarantined_mail"}

    assert raw_mail_keys([META, mail, quarantined]) == [
        ObjectKey(BucketName.INBOUND_MAIL, "inbound/ses-1"),
        ObjectKey(BucketName.INBOUND_MAIL, "inbound/ses-2"),
    ]


def test_terminations_carry_ids_and_the_reason_only_and_are_stable() -> None:
    request = ErasureRequest("D1", "ocmw-gent", ErasureReason.CONSENT_WITHDRAWN, NOW)

    first, again = terminations(request, ["lambert", "vanhove"]), terminations(request, ["vanhove"])

    assert [t.office_id for t in first] == ["lambert", "vanhove"]
    assert set(first[0].model_dump()) == {
        "termination_id",
        "type",
        "dossier_id",
        "office_id",
        "agency_id",
        "reason",
        "sealed_references",
    }
    assert first[0].sealed_references is None  # sealed for its office when it is queued (the store)
    assert first[1].termination_id == again[0].termination_id != first[0].termination_id


def test_each_office_is_told_its_own_references_from_its_replies_and_claims() -> None:
    notice = Message(
        message_id="M1",
        conversation_id="D1-vanhove",
        dossier_id="D1",
        sender="ocmw-gent",
        receiver="vanhove",
        type=MessageType.NOTICE,
        created_at=NOW,
        body={"file_references": ["NOT-AN-OFFICES"]},  # a request's body is the agency's
    )
    ack = notice.model_copy(
        update={
            "message_id": "M2",
            "sender": "vanhove",
            "receiver": "ocmw-gent",
            "type": MessageType.NOTICE_ACK,
            "in_reply_to": "M1",
            "body": {"file_references": ["VH/2026/1", "VH-7"]},
        }
    )
    claim = Claim(
        claim_id="C1",
        dossier_id="D1",
        office_id="vanhove",
        office_reference="VH-7",
        principal=100,
        interest=0,
        costs=0,
        paid=0,
        title=Title(kind=TitleKind.NONE),
        creditor_class=CreditorClass.ORDINARY,
        principal_creditor="Stad Gent",
    )

    references = office_references([notice, ack], [claim])

    assert references == {"vanhove": ("VH/2026/1", "VH-7")}  # in order, once


def test_the_sweeper_takes_closed_dossiers_past_their_deadline_not_yet_marked() -> None:
    closed = META | {"state": "closed", "retention_ends_at": "2026-11-20T09:00:00.000000Z"}

    assert due_for_erasure(closed, NOW)
    assert not due_for_erasure(closed, NOW - timedelta(seconds=1))
    assert not due_for_erasure(closed | {ERASURE_REQUESTED: "x"}, NOW)
    assert not due_for_erasure(closed | {"state": "withdrawn"}, NOW)


def test_a_closed_dossier_is_due_in_the_index_at_its_deadline_and_expires_a_backstop_later() -> None:
    attributes = scheduled_erasure("D1", NOW)

    assert attributes["GSI2PK"] == table_keys.ERASURE_DUE
    assert attributes["GSI2SK"] == "2026-11-20T09:00:00.000000Z#D1"
    assert attributes["expires_at"] == int((NOW + TTL_BACKSTOP).timestamp())


def test_an_office_sent_a_termination_is_not_told_again_at_the_erasure() -> None:
    def sent(message_id: str, office: str, type_: str) -> dict[str, str]:
        return {
            "PK": "DOSSIER#D1",
            "SK": f"MSG#{message_id}",
            "entity": "message",
            "message_id": message_id,
            "agency_id": "ocmw-gent",
            "sender": "ocmw-gent",
            "receiver": office,
            "type": type_,
        }

    partition = [
        META,
        sent("m1", "vanhove", "notice"),
        sent("m2", "lambert", "notice"),
        sent("m3", "vanhove", "termination"),  # the closure's (or the agency's) termination
    ]

    assert offices_of(partition) == ["lambert", "vanhove"]  # both know the debt help ended
    assert offices_to_tell(partition) == ["lambert"]
