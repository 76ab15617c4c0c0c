"""The local stack's stand-in for SES receiving: which recipients a mail reaches, and the event the
inbound function gets (read back with Powertools' SES event class, as the handler reads it)."""

from datetime import UTC, datetime
from email.message import EmailMessage

from aws_lambda_powertools.utilities.data_classes.ses_event import SESEvent

from respite_infra.local.email import local_recipients, receipt_event

DOMAIN = "inbound.respite.example"
AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def raw(to: str, cc: str = "") -> bytes:
    message = EmailMessage()
    message["From"] = "Kantoor Van Hove <dossiers@vanhove.example>"
    message["To"] = to
    if cc:
        message["Cc"] = cc
    message["Subject"] = "Re: Kennisgeving"
    message.set_content("Zie bijlage.")
    return message.as_bytes()


def test_only_recipients_on_the_inbound_domain_are_received() -> None:
    mail = raw(
        "Respite <reply+abc@inbound.respite.example>, boss@vanhove.example", cc="x@INBOUND.respite.example"
    )

    assert local_recipients(mail, [], DOMAIN) == [
        "reply+abc@inbound.respite.example",
        "x@INBOUND.respite.example",
    ]
    assert local_recipients(mail, ["reply+given@inbound.respite.example"], DOMAIN) == [
        "reply+given@inbound.respite.example"
    ]
    assert local_recipients(raw("someone@elsewhere.example"), [], DOMAIN) == []


def test_the_receipt_event_is_the_one_ses_passes_its_lambda_action() -> None:
    verdicts = {"spf": "FAIL", "dkim": "PASS", "spam": "PASS", "virus": "PASS"}
    mail = raw("reply+abc@inbound.respite.example")

    event = receipt_event(
        "msg-1", mail, ["reply+abc@inbound.respite.example"], verdicts, function="inbound", at=AT
    )

    [record] = list(SESEvent(event).records)
    assert record.ses.mail.message_id == "msg-1"
    assert record.ses.mail.source == "dossiers@vanhove.example"
    assert list(record.ses.receipt.recipients) == ["reply+abc@inbound.respite.example"]
    assert (record.ses.receipt.spf_verdict.status, record.ses.receipt.dkim_verdict.status) == ("FAIL", "PASS")
    assert record.ses.receipt.dmarc_verdict.status == "PASS"  # one aligned pass is enough
    assert record.ses.receipt.action.invocation_type == "Event"
    assert record.ses.receipt.action.function_arn.endswith(":function:inbound")
    assert record.ses.mail.timestamp == "2026-11-20T09:00:00.000Z"
