"""Bounces and complaints against moto, delivered as in AWS: the email goes out through SES v2 with its
message tags; SES's event record is published to the configuration set's SNS topic; SNS delivers it to
the events queue; the local stack's queue pump hands it to the consumer as Lambda would. The office's
address is flagged, the caseworker's feed says so, and the next email to that address is withheld."""

import json
from datetime import timedelta
from typing import Any

import boto3
import pytest

from respite_core import aws as aws_clients
from respite_core import table_keys
from respite_core.domain import Message, MessageType
from respite_core.resources import QueueName, TableName, locate
from respite_core.store.data_keys import DataKeys
from respite_core.store.directory import Directory
from respite_core.store.dossier_items import message_item
from respite_core.store.table import Table
from respite_infra.catalogue import CATALOGUE, FLAG_BOUNCES
from respite_infra.local.email import provision_email
from respite_infra.local.handlers import resolve
from respite_infra.local.pumps import SqsPump
from respite_notifications import email as office_email
from respite_notifications.deliveries import OfficeDelivery
from respite_notifications.feed import FeedKind
from respite_notifications.store import FeedStore
from tests.integration.conftest import wait_for
from tests.integration.test_email_retry import NOW, a_notice
from tests.integration.test_email_retry import wired as wired

OFFICE_ADDRESS = "dossiers@vanhove.example"


@pytest.fixture
def email_wired(
    wired: None,
    aws: boto3.Session,
    stage: str,
    monkeypatch: pytest.MonkeyPatch,
) -> dict[str, str]:
    assert CATALOGUE.email is not None
    environment = provision_email(CATALOGUE.email, stage, aws, locate(QueueName.MAIL_EVENTS))
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return environment


def sent_ses_ids(message_id: str) -> str:
    record = Table(TableName.DELIVERIES).get(
        table_keys.email_sent(message_id), table_keys.email_sent(message_id)
    )
    assert record is not None
    assert record["state"] == "sent"
    return str(record["ses_message_id"])


@pytest.fixture
def sent(email_wired: dict[str, str]) -> list[dict[str, Any]]:
    """What the sender asked SES v2 for (moto keeps no tags or set, so they are read off the call)."""
    calls: list[dict[str, Any]] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        calls.append(dict(params))

    aws_clients.ses().meta.events.register("provide-client-params.sesv2.SendEmail", record)
    return calls


def ses_event(kind: str, ses_message_id: str, request: dict[str, Any], address: str) -> dict[str, Any]:
    """The record SES publishes for the configuration set the email was sent through: the email's
    tags come back, each as a list of values."""
    tags = {t["Name"]: [t["Value"]] for t in request["EmailTags"]}
    tags["ses:configuration-set"] = [request["ConfigurationSetName"]]
    mail = {
        "timestamp": "2026-11-20T09:00:00.000Z",
        "source": "Respite <no-reply@respite.example>",
        "messageId": ses_message_id,
        "destination": [address],
        "headersTruncated": False,
        "tags": tags,
    }
    if kind == "Bounce":
        return {
            "eventType": "Bounce",
            "bounce": {
                "bounceType": "Permanent",
                "bounceSubType": "General",
                "bouncedRecipients": [
                    {
                        "emailAddress": address,
                        "action": "failed",
                        "status": "5.1.1",
                        "diagnosticCode": "smtp; 550",
                    }
                ],
                "timestamp": "2026-11-20T09:00:05.000Z",
                "feedbackId": "feedback-1",
            },
            "mail": mail,
        }
    return {
        "eventType": "Complaint",
        "complaint": {
            "complainedRecipients": [{"emailAddress": address}],
            "timestamp": "2026-11-20T09:10:00.000Z",
            "feedbackId": "feedback-2",
            "complaintFeedbackType": "abuse",
        },
        "mail": mail,
    }


def publish_and_pump(environment: dict[str, str], record: dict[str, Any]) -> None:
    """SES → SNS (the configuration set's topic) → SQS → the consumer, through the local stack's pump."""
    boto3.client("sns").publish(TopicArn=environment["RESPITE_SES_EVENTS_TOPIC"], Message=json.dumps(record))
    consumer = next(c for c in CATALOGUE.queue_consumers if c.function == FLAG_BOUNCES)
    pump = SqsPump(
        consumer,
        CATALOGUE.queue(QueueName.MAIL_EVENTS),
        locate(QueueName.MAIL_EVENTS),
        resolve(FLAG_BOUNCES.handler),
        boto3.client("sqs"),
        wait_time_s=1,
    )
    wait_for(pump.poll_once, timeout_s=10)


def second_notice(message_id: str) -> OfficeDelivery:
    key = DataKeys().open("RETRY")
    notice = Message(
        message_id=message_id,
        conversation_id=f"RETRY-vanhove-{message_id}",
        dossier_id="RETRY",
        sender="ocmw-gent",
        receiver="vanhove",
        type=MessageType.BALANCE_REQUEST,
        created_at=NOW + timedelta(days=1),
    )
    Table(TableName.DOSSIERS).put(message_item(notice, key, agency_id="ocmw-gent", office_id="vanhove"))
    return OfficeDelivery(
        dossier_id="RETRY",
        message_id=message_id,
        office_id="vanhove",
        agency_id="ocmw-gent",
        message_type=MessageType.BALANCE_REQUEST,
        created_at=NOW + timedelta(days=1),
    )


def feed_kinds(agency_id: str) -> list[tuple[FeedKind, str, str | None]]:
    return [(item.kind, item.dossier_id, item.message_id) for item, _ in FeedStore().listing(agency_id, None)]


@pytest.mark.parametrize(
    ("kind", "feed_kind"), [("Bounce", FeedKind.EMAIL_BOUNCED), ("Complaint", FeedKind.EMAIL_COMPLAINED)]
)
def test_a_bounce_or_complaint_flags_the_address_alerts_the_caseworker_and_stops_further_email(
    email_wired: dict[str, str], sent: list[dict[str, Any]], kind: str, feed_kind: FeedKind
) -> None:
    delivery = a_notice()
    office_email.deliver(delivery)
    ses_message_id = sent_ses_ids(delivery.message_id)
    [request] = sent
    assert request["ConfigurationSetName"] == email_wired["RESPITE_SES_CONFIGURATION_SET"]
    assert {t["Name"]: t["Value"] for t in request["EmailTags"]} == {
        "dossier_id": "RETRY",
        "message_id": "RETRYN",
        "office_id": "vanhove",
        "agency_id": "ocmw-gent",
    }

    publish_and_pump(email_wired, ses_event(kind, ses_message_id, request, OFFICE_ADDRESS))

    [flag] = Directory().contact_flags("vanhove")
    assert flag.address == OFFICE_ADDRESS
    assert flag.reason == ("bounced" if kind == "Bounce" else "complained")
    assert (feed_kind, "RETRY", "RETRYN") in feed_kinds("ocmw-gent")

    later = second_notice("RETRYB")
    office_email.deliver(later)

    record = Table(TableName.DELIVERIES).get(table_keys.email_sent("RETRYB"), table_keys.email_sent("RETRYB"))
    assert record is not None
    assert (record["state"], record["reason"]) == ("skipped", "addresses_flagged")
    assert len(sent) == 1  # nothing more went to SES
    assert (FeedKind.EMAIL_WITHHELD, "RETRY", "RETRYB") in feed_kinds("ocmw-gent")
    feed_text = json.dumps([i.model_dump(mode="json") for i, _ in FeedStore().listing("ocmw-gent", None)])
    assert "vanhove.example" not in feed_text  # no address in the feed


def test_a_redelivered_event_adds_nothing(email_wired: dict[str, str], sent: list[dict[str, Any]]) -> None:
    delivery = a_notice()
    office_email.deliver(delivery)
    record = ses_event("Bounce", sent_ses_ids(delivery.message_id), sent[0], OFFICE_ADDRESS)

    publish_and_pump(email_wired, record)
    publish_and_pump(email_wired, record)

    assert len(Directory().contact_flags("vanhove")) == 1
    assert [k for k, _, _ in feed_kinds("ocmw-gent")].count(FeedKind.EMAIL_BOUNCED) == 1
    assert FeedStore().unread("ocmw-gent") == 1


def test_a_transient_bounce_flags_nothing(email_wired: dict[str, str], sent: list[dict[str, Any]]) -> None:
    delivery = a_notice()
    office_email.deliver(delivery)
    record = ses_event("Bounce", sent_ses_ids(delivery.message_id), sent[0], OFFICE_ADDRESS)
    record["bounce"]["bounceType"] = "Transient"

    publish_and_pump(email_wired, record)

    assert Directory().contact_flags("vanhove") == []
    assert feed_kinds("ocmw-gent") == []
