"""An erased dossier's termination reaches the office it was notified of, against moto: the erasure
cascade queues it, the local stack's pumps hand it to the consumer as Lambda would, and the office
gets one email (read back from moto's SES) and one signed webhook (a real HTTP receiver on 127.0.0.1,
verified with `standardwebhooks`) — nothing of the person in either, nothing twice when the
termination is delivered again, and nothing kept that names the person."""

import email
import email.policy
import json
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import boto3
import pytest

from respite_core import aws as aws_clients
from respite_core.domain import Agency, Office
from respite_core.erasure import TERMINATION_RECORDS_KEPT
from respite_core.ids import utc_now
from respite_core.resources import QueueName, TableName, locate
from respite_core.ssrf import ALLOW_LOOPBACK_VARIABLE
from respite_core.store.directory import ContactFlag, Directory
from respite_core.store.items import from_dynamo
from respite_core.store.pseudonyms import pseudonym_key
from respite_infra.catalogue import CALL_WEBHOOKS, CATALOGUE, TELL_OFFICES_OF_ERASURE, Function
from respite_infra.local.handlers import resolve
from respite_infra.local.moto_process import MotoServer, sent_mail
from respite_infra.local.provision import provision, verify_email_identities
from respite_infra.local.pumps import SqsPump
from respite_notifications.webhooks import schedule
from respite_retention.cascade import erase
from tests.integration.conftest import wait_for
from tests.integration.test_erasure import CLAIM_REFERENCE, MARKERS, NOW, a_dossier
from tests.integration.test_webhooks import Receiver
from tests.integration.test_webhooks import receiver as receiver

SENDER = "Respite <no-reply@respite.example>"
DASH = "\N{EN DASH}"  # the subject's separator
AGENCY_CONTACT = "team@ocmw-gent.example"
OFFICE_ADDRESS = "dossiers@vanhove.example"


@pytest.fixture
def office(
    aws: boto3.Session, stage: str, monkeypatch: pytest.MonkeyPatch, receiver: tuple[Receiver, str]
) -> Iterator[Receiver]:
    """A stage of its own; Gent, and Van Hove with a webhook endpoint (the receiver) and its secret."""
    for name, value in provision(CATALOGUE, stage, aws).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("RESPITE_EMAIL_SENDER", SENDER)
    monkeypatch.setenv(ALLOW_LOOPBACK_VARIABLE, "1")  # the receiver listens on 127.0.0.1, as locally
    monkeypatch.setenv(schedule.TIME_SCALE_VARIABLE, "0.00001")
    monkeypatch.setenv("POWERTOOLS_LOG_LEVEL", "WARNING")
    verify_email_identities(aws, SENDER)
    aws_clients.forget_clients()
    pseudonym_key.cache_clear()
    state, url = receiver
    directory = Directory()
    directory.put_agency(
        Agency.model_validate(
            {
                "agency_id": "ocmw-gent",
                "name": "OCMW Gent",
                "kind": "ocmw",
                "country": "BE",
                "language": "nl",
                "contact_email": AGENCY_CONTACT,
            }
        )
    )
    directory.put_office(
        Office.model_validate(
            {
                "office_id": "vanhove",
                "name": "Gerechtsdeurwaarders Van Hove",
                "kind": "bailiff",
                "country": "BE",
                "registration_number": "0403170701",
                "language": "fr",
                "contact_emails": [OFFICE_ADDRESS],
                "webhook_url": url,
            }
        )
    )
    state.secrets = {"current": directory.add_webhook_secret("vanhove", utc_now()).secret}
    yield state
    aws_clients.forget_clients()
    pseudonym_key.cache_clear()


def pump_for(function: Function, queue: QueueName) -> Callable[[], int]:
    consumer = next(c for c in CATALOGUE.queue_consumers if c.function == function)
    pump = SqsPump(
        consumer,
        CATALOGUE.queue(queue),
        locate(queue),
        resolve(function.handler),
        aws_clients.sqs(),
        retry_delay_s=0,
        wait_time_s=0,
    )
    return pump.poll_once


def drain(*polls: Callable[[], int]) -> None:
    """Play the event-source mappings until no queue has anything left for its consumer."""
    wait_for(lambda: sum(poll() for poll in polls) == 0 and sum(poll() for poll in polls) == 0)


def mails_about(moto_server: MotoServer, dossier_id: str) -> list[EmailMessage]:
    """The emails moto's SES took whose subject names the dossier (the server is shared)."""
    found = []
    for raw in sent_mail(moto_server.endpoint):
        message = email.message_from_string(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        if dossier_id in str(message["Subject"]):
            found.append(message)
    return found


def text_of(message: EmailMessage) -> str:
    return "\n".join(part.get_content() for part in message.walk() if part.get_content_maintype() == "text")


def terminations_queued() -> list[str]:
    messages = aws_clients.sqs().receive_message(
        QueueUrl=locate(QueueName.OFFICE_TERMINATIONS), MaxNumberOfMessages=10, VisibilityTimeout=0
    )
    return [m["Body"] for m in messages.get("Messages", [])]


def deliveries_table() -> list[dict[str, Any]]:
    pages = aws_clients.dynamodb().get_paginator("scan").paginate(TableName=locate(TableName.DELIVERIES))
    return [from_dynamo(item) for page in pages for item in page["Items"]]


def test_an_erasure_tells_the_notified_office_once_by_email_and_signed_webhook(
    moto_server: MotoServer, office: Receiver
) -> None:
    dossier_id = f"D-TERM-{uuid.uuid4().hex[:8]}"
    erase(a_dossier(dossier_id), lambda: NOW)
    [queued] = terminations_queued()
    terminations = pump_for(TELL_OFFICES_OF_ERASURE, QueueName.OFFICE_TERMINATIONS)
    webhooks = pump_for(CALL_WEBHOOKS, QueueName.WEBHOOK_DELIVERIES)

    drain(terminations, webhooks)

    [mail] = mails_about(moto_server, dossier_id)
    assert mail["To"] == OFFICE_ADDRESS
    assert mail["Reply-To"] == AGENCY_CONTACT
    assert mail["Subject"] == f"Fin de la médiation de dettes {DASH} OCMW Gent {DASH} dossier {dossier_id}"
    body = text_of(mail)
    assert "la personne a retiré son consentement" in body
    assert "/notifications/r/" not in body
    assert all(marker not in mail.as_string() for marker in MARKERS)

    [webhook] = office.delivered()
    assert webhook.verified_by == {"current"}
    assert webhook.body is not None
    assert webhook.body["type"] == "dossier.terminated"
    assert webhook.body["data"] == {
        "office_id": "vanhove",
        "agency_id": "ocmw-gent",
        "dossier_id": dossier_id,
        "termination_id": json.loads(queued)["termination_id"],
        "message_type": "termination",
        "reason": "consent_withdrawn",
        # its own claim's reference, opened from the seal it travelled and was kept in (the dossier's
        # data key was still there when the erasure began: see the unit tests for a withdrawal's)
        "office_references": [CLAIM_REFERENCE],
    }
    assert "QX-4471" not in queued  # sealed on the queue, as in the deliveries table (below)
    assert webhook.webhook_id == f"term_{json.loads(queued)['termination_id']}"

    # the termination delivered again (SQS is at least once; a crashed cascade queues it again)
    aws_clients.sqs().send_message(QueueUrl=locate(QueueName.OFFICE_TERMINATIONS), MessageBody=queued)
    drain(terminations, webhooks)
    assert len(mails_about(moto_server, dossier_id)) == 1
    assert len(office.received) == 1

    # what is kept of it: nothing of the person, the email's record not even the dossier id, and
    # everything expires once the termination can no longer come back
    kept = deliveries_table()
    assert kept
    assert all(marker not in json.dumps(kept, default=str) for marker in MARKERS)
    [emailed] = [item for item in kept if item.get("entity") == "email"]
    assert dossier_id not in json.dumps(emailed, default=str)
    assert emailed["state"] == "sent"
    latest = int((utc_now() + TERMINATION_RECORDS_KEPT + timedelta(minutes=1)).timestamp())
    delivery = [item for item in kept if item.get("entity") == "webhook_delivery"]
    assert [d["status"] for d in delivery] == ["delivered"]
    assert all(int(item["expires_at"]) <= latest for item in [emailed, *delivery])


def test_an_office_whose_every_address_bounced_gets_the_webhook_only(
    moto_server: MotoServer, office: Receiver
) -> None:
    Directory().flag_contact("vanhove", ContactFlag(OFFICE_ADDRESS, "bounced", NOW))
    dossier_id = f"D-TERM-{uuid.uuid4().hex[:8]}"
    erase(a_dossier(dossier_id), lambda: NOW)

    drain(
        pump_for(TELL_OFFICES_OF_ERASURE, QueueName.OFFICE_TERMINATIONS),
        pump_for(CALL_WEBHOOKS, QueueName.WEBHOOK_DELIVERIES),
    )

    assert mails_about(moto_server, dossier_id) == []
    assert len(office.delivered()) == 1
