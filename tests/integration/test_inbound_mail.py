"""Inbound email as SES delivers it — the raw MIME in S3, then the receipt event — linked into its
dossier when it can be trusted, quarantined when not; never a crash."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.data_classes.ses_event import SESEvent

from respite_core import aws as aws_clients
from respite_core import table_keys
from respite_core.domain import Office
from respite_core.resources import BucketName, TableName, env_var
from respite_core.store.data_keys import DataKeys
from respite_core.store.directory import Directory
from respite_core.store.reference_tokens import issue
from respite_core.store.table import Table, write_together
from respite_infra.catalogue import CATALOGUE
from respite_infra.local.provision import provision
from respite_notifications.consumers.inbound_mail import receive
from respite_notifications.mail_store import RAW_PREFIX

# Relative to the real clock: the token store hides a token past its expires_at by the real clock, so a
# fixed date here made every mail "unknown_reference" once that date was the validity period ago.
NOW = datetime.now(UTC).replace(microsecond=0)
PDF = b"%PDF-1.7\n%%EOF\n"
PASS = {"spf": "PASS", "dkim": "PASS", "spam": "PASS", "virus": "PASS"}


@pytest.fixture
def wired(aws: boto3.Session, stage: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    environment = provision(CATALOGUE, stage, aws)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    aws_clients.forget_clients()
    Directory().put_office(
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
    yield environment
    aws_clients.forget_clients()


def dossier_with_token(dossier_id: str) -> str:
    keys = DataKeys()
    key = keys.generate(dossier_id)
    meta = {
        "PK": table_keys.dossier(dossier_id),
        "SK": table_keys.DOSSIER_META,
        "entity": "dossier",
        "dossier_id": dossier_id,
        "agency_id": "ocmw-gent",
        "state": "notified",
    }
    write_together([keys.store_op(key), Table(TableName.DOSSIERS).put_op(meta)])
    return issue(dossier_id, f"{dossier_id}-notice", "vanhove", NOW - timedelta(days=1))


def mime(
    token: str,
    body: str,
    *,
    sender: str = "dossiers@vanhove.example",
    attachments: tuple[tuple[bytes, str], ...] = (),
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = f"reply+{token}@inbound.respite.example"
    message["Subject"] = "Re: Kennisgeving schuldbemiddeling"
    message.set_content(body)
    for data, content_type in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=f"file.{subtype}")
    return message.as_bytes()


def arrive(
    environment: dict[str, str], ses_id: str, raw: bytes, token: str, verdicts: dict[str, str] = PASS
) -> str:
    """What SES does: store the raw mail in S3, then invoke the handler with the receipt event."""
    aws_clients.s3().put_object(
        Bucket=environment[env_var(BucketName.INBOUND_MAIL)], Key=RAW_PREFIX + ses_id, Body=raw
    )
    event: dict[str, Any] = {
        "Records": [
            {
                "eventSource": "aws:ses",
                "eventVersion": "1.0",
                "ses": {
                    "mail": {
                        "timestamp": NOW.isoformat(),
                        "source": "dossiers@vanhove.example",
                        "messageId": ses_id,
                        "destination": [f"reply+{token}@inbound.respite.example"],
                        "headersTruncated": False,
                        "headers": [],
                        "commonHeaders": {},
                    },
                    "receipt": {
                        "timestamp": NOW.isoformat(),
                        "processingTimeMillis": 10,
                        "recipients": [f"reply+{token}@inbound.respite.example"],
                        "spamVerdict": {"status": verdicts["spam"]},
                        "virusVerdict": {"status": verdicts["virus"]},
                        "spfVerdict": {"status": verdicts["spf"]},
                        "dkimVerdict": {"status": verdicts["dkim"]},
                        "dmarcVerdict": {"status": "PASS"},
                        "action": {"type": "Lambda", "functionArn": "arn", "invocationType": "Event"},
                    },
                },
            }
        ]
    }
    [record] = list(SESEvent(event).records)
    return receive(record, NOW)


def dossier_items(dossier_id: str) -> list[dict[str, Any]]:
    return Table(TableName.DOSSIERS).query_partition(table_keys.dossier(dossier_id))


def test_a_reply_by_mail_is_linked_sealed_with_its_attachment(wired: dict[str, str]) -> None:
    token = dossier_with_token("MAIL1")
    raw = mime(
        token,
        "Wij kennen Distinctive Peeters.\n\nOp 12 nov. schreef Respite:\n> oud",
        attachments=((PDF, "application/pdf"),),
    )

    outcome = arrive(wired, "ses-1", raw, token)

    assert outcome == "linked"
    [mail] = [i for i in dossier_items("MAIL1") if i.get("entity") == "mail"]
    assert mail["in_reply_to"] == "MAIL1-notice"
    assert "Distinctive" not in str(mail)  # sealed with the dossier's key
    opened = DataKeys().open("MAIL1").open("mail:ses-1", mail["sealed"])
    assert "Wij kennen Distinctive Peeters." in opened
    assert "oud" not in opened  # the quoted history is gone
    [attachment] = mail["attachments"]
    stored = aws_clients.s3().head_object(Bucket=wired[env_var(BucketName.DOCUMENTS)], Key=attachment["key"])
    assert stored["ServerSideEncryption"] == "aws:kms"
    inbound = (
        aws_clients.s3().list_objects_v2(Bucket=wired[env_var(BucketName.INBOUND_MAIL)]).get("Contents", [])
    )
    assert inbound == []  # the raw mail is deleted once linked
    assert arrive(wired, "ses-1", raw, token) == "duplicate"  # SES delivering it again links it once


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("unknown token", "quarantined:unknown_reference"),
        ("failing verdicts", "quarantined:authentication_failed"),
        ("a stranger's address", "quarantined:sender_not_of_office"),
        ("oversized", "quarantined:unreadable_or_too_large"),
    ],
)
def test_an_untrusted_mail_is_quarantined_not_linked(wired: dict[str, str], case: str, expected: str) -> None:
    token = dossier_with_token("MAIL2")
    raw = mime(token, "Zie bijlage.")
    verdicts = PASS
    used = token
    if case == "unknown token":
        used = "a" * 32
    elif case == "failing verdicts":
        verdicts = PASS | {"spf": "FAIL", "dkim": "FAIL"}
    elif case == "a stranger's address":
        raw = mime(token, "Zie bijlage.", sender="boss@attacker.example")
    elif case == "oversized":
        raw = mime(token, "x" * (11 * 1024 * 1024))

    outcome = arrive(wired, f"ses-{case.replace(' ', '-')}", raw, used, verdicts)

    assert outcome == expected
    assert not [i for i in dossier_items("MAIL2") if i.get("entity") == "mail"]
    quarantine = Table(TableName.DELIVERIES).get(
        f"QUARANTINE#ses-{case.replace(' ', '-')}", f"QUARANTINE#ses-{case.replace(' ', '-')}"
    )
    assert quarantine is not None
    assert quarantine["reason"] == expected.split(":")[1]


def test_a_forbidden_attachment_is_refused_and_the_mail_still_linked(wired: dict[str, str]) -> None:
    token = dossier_with_token("MAIL3")
    raw = mime(token, "Factuur in bijlage.", attachments=((b"MZ\x90\x00", "application/x-msdownload"),))

    assert arrive(wired, "ses-3", raw, token) == "linked"

    [mail] = [i for i in dossier_items("MAIL3") if i.get("entity") == "mail"]
    assert mail["attachments"] == []
    assert [r["reason"] for r in mail["refused_attachments"]] == ["only PDF, JPEG and PNG files are accepted"]
