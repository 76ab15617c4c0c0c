"""A send that SES refuses leaves no live token behind, and the retry sends one email with a fresh one."""

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import boto3
import pytest

from respite_core import aws as aws_clients
from respite_core import table_keys
from respite_core.domain import Agency, Message, MessageType, Office
from respite_core.resources import TableName
from respite_core.store import reference_tokens
from respite_core.store.data_keys import DataKeys
from respite_core.store.directory import Directory
from respite_core.store.dossier_items import message_item
from respite_core.store.table import Table, write_together
from respite_infra.catalogue import CATALOGUE
from respite_infra.local.provision import provision, verify_email_identities
from respite_notifications import email as office_email
from respite_notifications.deliveries import OfficeDelivery

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
SENDER = "Respite <no-reply@respite.example>"
PERSON = json.dumps(
    {
        "national_number": {"country": "BE", "number": "85073003328"},
        "given_names": "Jan",
        "family_name": "Peeters",
        "birth_date": "1985-07-30",
        "address": {
            "country": "BE",
            "street": "Veldstraat",
            "number": "12",
            "postal_code": "9000",
            "city": "Gent",
        },
    }
)


@pytest.fixture
def wired(aws: boto3.Session, stage: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in provision(CATALOGUE, stage, aws).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("RESPITE_EMAIL_SENDER", SENDER)
    verify_email_identities(aws, SENDER)
    aws_clients.forget_clients()
    directory = Directory()
    directory.put_agency(
        Agency.model_validate(
            {
                "agency_id": "ocmw-gent",
                "name": "OCMW Gent",
                "kind": "ocmw",
                "country": "BE",
                "language": "nl",
                "contact_email": "team@ocmw-gent.example",
            }
        )
    )
    directory.put_office(
        Office.model_validate(
            {
                "office_id": "vanhove",
                "name": "Van Hove",
                "kind": "bailiff",
                "country": "BE",
                "registration_number": "0403170701",
                "language": "nl",
                "contact_emails": ["dossiers@vanhove.example"],
            }
        )
    )
    yield
    aws_clients.forget_clients()


def a_notice() -> OfficeDelivery:
    keys, dossiers = DataKeys(), Table(TableName.DOSSIERS)
    key = keys.generate("RETRY")
    notice = Message(
        message_id="RETRYN",
        conversation_id="RETRY-vanhove",
        dossier_id="RETRY",
        sender="ocmw-gent",
        receiver="vanhove",
        type=MessageType.NOTICE,
        created_at=NOW,
    )
    write_together(
        [
            keys.store_op(key),
            dossiers.put_op(
                {
                    "PK": table_keys.dossier("RETRY"),
                    "SK": table_keys.DOSSIER_META,
                    "entity": "dossier",
                    "dossier_id": "RETRY",
                    "agency_id": "ocmw-gent",
                    "state": "notified",
                    "opened_at": "2026-11-01T00:00:00.000000Z",
                }
            ),
            dossiers.put_op(
                {
                    "PK": table_keys.dossier("RETRY"),
                    "SK": table_keys.DOSSIER_PERSON,
                    "entity": "person",
                    "person": key.seal("person", PERSON),
                }
            ),
            dossiers.put_op(message_item(notice, key, agency_id="ocmw-gent", office_id="vanhove")),
        ]
    )
    return OfficeDelivery(
        dossier_id="RETRY",
        message_id="RETRYN",
        office_id="vanhove",
        agency_id="ocmw-gent",
        message_type=MessageType.NOTICE,
        created_at=NOW,
    )


@pytest.mark.usefixtures("wired")
def test_a_refused_send_revokes_its_token_and_the_retry_sends_once(monkeypatch: pytest.MonkeyPatch) -> None:
    delivery = a_notice()
    monkeypatch.setenv("RESPITE_EMAIL_SENDER", "Respite <no-reply@unverified.example>")  # SES refuses it

    with pytest.raises(Exception, match="MessageRejected"):
        office_email.deliver(delivery)

    [unsent] = reference_tokens.tokens_of_dossier("RETRY")
    deliveries = Table(TableName.DELIVERIES)
    assert (
        deliveries.get(table_keys.email_sent("RETRYN"), table_keys.email_sent("RETRYN")) is None
    )  # claim given up

    monkeypatch.setenv("RESPITE_EMAIL_SENDER", SENDER)
    office_email.deliver(delivery)  # the outbox's retry
    office_email.deliver(delivery)  # and a redelivery of it: nothing more

    hashes = reference_tokens.tokens_of_dossier("RETRY")
    assert len(hashes) == 2
    [fresh] = [h for h in hashes if h != unsent]
    unsent_item = deliveries.get(table_keys.reference_token(unsent), table_keys.reference_token(unsent))
    fresh_item = deliveries.get(table_keys.reference_token(fresh), table_keys.reference_token(fresh))
    assert unsent_item is not None
    assert unsent_item["revoked"] is True  # the token nobody received opens nothing
    assert fresh_item is not None
    assert fresh_item["revoked"] is False
    sent = deliveries.get(table_keys.email_sent("RETRYN"), table_keys.email_sent("RETRYN"))
    assert sent is not None
