"""A dossier's partition read once, by kind: what each service reads of it, without AWS."""

import os
from datetime import UTC, datetime, timedelta

import pytest

from respite_core import table_keys
from respite_core.domain import DossierState, MessageType
from respite_core.store.data_keys import DataKey
from respite_core.store.dossier_items import attachment_item, claim_item, message_item
from respite_core.store.dossier_partition import DossierItems
from respite_core.store.items import ENTITY, PERSON_FIELD, Entity, Item
from tests.unit.consent.test_dossiers import PERSON, claim, dossier, message

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
KEY = DataKey("D1", os.urandom(32))
NOTICE = message("M1", MessageType.NOTICE, sender="ocmw-gent", receiver="vanhove", created=NOW)
REPLY = message(
    "M2",
    MessageType.NOTICE_ACK,
    sender="vanhove",
    receiver="ocmw-gent",
    created=NOW + timedelta(hours=1),
    in_reply_to="M1",
    body={"file_references": ["VH-7"]},
)
CLAIM = claim("A1", "vanhove", "ordinary", 10_000)


def meta() -> Item:
    fields = dossier(state=DossierState.NOTIFIED).model_dump(mode="json")
    return {"PK": table_keys.dossier("D1"), "SK": table_keys.DOSSIER_META, ENTITY: Entity.DOSSIER, **fields}


def partition(*, with_meta: bool = True) -> DossierItems:
    person: Item = {"PK": "DOSSIER#D1", "SK": "PERSON", ENTITY: Entity.PERSON}
    person[PERSON_FIELD] = KEY.seal(PERSON_FIELD, PERSON.model_dump_json())
    attachment = attachment_item(
        dossier_id="D1",
        agency_id="ocmw-gent",
        office_id="vanhove",
        message_id="M2",
        in_reply_to="M1",
        document_id="DOC1",
        key="documents/D1/DOC1",
        content_type="application/pdf",
        size_bytes=10,
        sha256="0" * 64,
        received_at=NOW,
    )
    items = [
        *([meta()] if with_meta else []),
        person,
        message_item(NOTICE, KEY, agency_id="ocmw-gent", office_id="vanhove"),
        message_item(REPLY, KEY, agency_id="ocmw-gent", office_id="vanhove"),
        claim_item(CLAIM, KEY, agency_id="ocmw-gent", received_at=NOW),
        attachment,
    ]
    return DossierItems(items)


def test_the_stored_kinds_keep_their_values() -> None:
    assert Entity.DOSSIER.value == "dossier"
    assert Entity.QUARANTINED_MAIL.value == "quarantined_mail"
    assert len({kind.value for kind in Entity}) == len(Entity)


def test_each_kind_is_found_once_read() -> None:
    items = partition()
    assert items.dossier is not None
    assert items.dossier.state == DossierState.NOTIFIED
    assert [i["message_id"] for i in items.message_items] == ["M1", "M2"]
    assert [i["claim_id"] for i in items.claim_items] == ["A1"]
    assert [i["document_id"] for i in items.attachment_items] == ["DOC1"]
    assert items.message_item("M2") == items.reply_item("M1")
    assert items.reply_item("M2") is None
    assert items.answers("M1")
    assert not items.answers("M2")
    assert [a.outstanding for a in items.claim_amounts()] == [10_150]


def test_without_its_meta_item_there_is_no_dossier() -> None:
    items = partition(with_meta=False)
    assert items.meta is None
    assert items.dossier is None


def test_what_is_sealed_opens_with_the_data_key() -> None:
    items = partition()
    assert items.person(KEY) == PERSON
    assert items.messages(KEY) == [NOTICE, REPLY]
    assert items.claims(KEY) == [CLAIM]
    assert items.office_references(KEY) == {"vanhove": ("VH-7", "REF-A1")}


def test_a_partition_without_a_person_says_so() -> None:
    with pytest.raises(LookupError):
        DossierItems([meta()]).person(KEY)
