"""Inbound email as SES delivers it — the raw MIME in S3, then the receipt event — linked into its
dossier when it can be trusted, quarantined there (sealed, with its reason) when not, and kept
nowhere when it has no living dossier to go to. The raw MIME never outlives its processing."""

import json
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
from respite_core.erasure import ErasureReason
from respite_core.resources import BucketName, TableName, env_var
from respite_core.store import documents
from respite_core.store.data_keys import DataKeyDestroyed, DataKeys
from respite_core.store.directory import Directory
from respite_core.store.reference_tokens import issue, resolve, revoke, token_hash
from respite_core.store.table import Table, write_together
from respite_infra.catalogue import CATALOGUE, RECEIVE_MAIL
from respite_infra.local.handlers import LambdaContext
from respite_infra.local.provision import provision
from respite_notifications.consumers.inbound_mail import handler, receive
from respite_notifications.inbound import parse
from respite_notifications.mail_store import RAW_PREFIX, InboundStore
from respite_retention.cascade import erase
from respite_retention.erasure import ErasureRequest

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
    subject: str = "Re: Kennisgeving schuldbemiddeling",
    attachments: tuple[tuple[bytes, str], ...] = (),
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = f"reply+{token}@inbound.respite.example"
    message["Subject"] = subject
    message.set_content(body)
    for data, content_type in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=f"file.{subtype}")
    return message.as_bytes()


def to_reference(token: str) -> str:
    return f"reply+{token}@inbound.respite.example"


def receipt_event(ses_id: str, recipient: str, verdicts: dict[str, str] = PASS) -> dict[str, Any]:
    """The event SES's Lambda action passes for one mail."""
    return {
        "Records": [
            {
                "eventSource": "aws:ses",
                "eventVersion": "1.0",
                "ses": {
                    "mail": {
                        "timestamp": NOW.isoformat(),
                        "source": "dossiers@vanhove.example",
                        "messageId": ses_id,
                        "destination": [recipient],
                        "headersTruncated": False,
                        "headers": [],
                        "commonHeaders": {},
                    },
                    "receipt": {
                        "timestamp": NOW.isoformat(),
                        "processingTimeMillis": 10,
                        "recipients": [recipient],
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


def stored_raw(environment: dict[str, str], ses_id: str, raw: bytes) -> None:
    """What SES's S3 action does before it invokes the function."""
    aws_clients.s3().put_object(
        Bucket=environment[env_var(BucketName.INBOUND_MAIL)], Key=RAW_PREFIX + ses_id, Body=raw
    )


def arrive(
    environment: dict[str, str],
    ses_id: str,
    raw: bytes,
    token: str,
    verdicts: dict[str, str] = PASS,
    *,
    recipient: str | None = None,
) -> str:
    """What SES does: store the raw mail in S3, then invoke the handler with the receipt event."""
    stored_raw(environment, ses_id, raw)
    [record] = list(SESEvent(receipt_event(ses_id, recipient or to_reference(token), verdicts)).records)
    return receive(record, NOW)


def dossier_items(dossier_id: str) -> list[dict[str, Any]]:
    return Table(TableName.DOSSIERS).query_partition(table_keys.dossier(dossier_id))


def raw_mails(environment: dict[str, str]) -> list[str]:
    s3 = aws_clients.s3()
    listed = s3.list_objects_v2(Bucket=environment[env_var(BucketName.INBOUND_MAIL)])
    return [o["Key"] for o in listed.get("Contents", [])]


def everything(stage: str) -> str:
    """Every item of every table and every object (key and bytes) of every bucket of the stage."""
    dynamodb, s3 = aws_clients.dynamodb(), aws_clients.s3()
    found: list[str] = []
    for table in dynamodb.list_tables()["TableNames"]:
        if stage in table:
            for scanned in dynamodb.get_paginator("scan").paginate(TableName=table):
                found.append(json.dumps(scanned["Items"], default=str))
    for bucket in (b["Name"] for b in s3.list_buckets()["Buckets"] if stage in b["Name"]):
        for listed in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for obj in listed.get("Contents", []):
                found += [
                    obj["Key"],
                    s3.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read().decode("latin-1"),
                ]
    return "\n".join(found)


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
    assert (mail["SK"], mail["in_reply_to"]) == ("MAIL#ses-1", "MAIL1-notice")
    assert "Distinctive" not in str(mail)  # sealed with the dossier's key
    key = DataKeys().open("MAIL1")
    opened = json.loads(key.open("mail:ses-1", mail["sealed"]))
    assert opened["body"] == "Wij kennen Distinctive Peeters."  # the quoted history is gone
    assert (opened["sender"], opened["subject"]) == (
        "dossiers@vanhove.example",
        "Re: Kennisgeving schuldbemiddeling",
    )
    [attachment] = mail["attachments"]
    assert attachment["key"].startswith("dossiers/MAIL1/mail/ses-1/")
    at_rest = aws_clients.s3().get_object(Bucket=wired[env_var(BucketName.DOCUMENTS)], Key=attachment["key"])
    assert PDF not in at_rest["Body"].read()  # sealed: destroying the key shreds it
    assert documents.read_sealed(attachment["key"], key) == (documents.DocumentType.PDF, PDF)
    assert raw_mails(wired) == []  # the raw mail is deleted once linked
    assert arrive(wired, "ses-1", raw, token) == "duplicate"  # SES delivering it again links it once
    assert raw_mails(wired) == []
    [record] = list(SESEvent(receipt_event("ses-1", to_reference(token))).records)
    assert receive(record, NOW) == "duplicate"  # redelivered after its raw mail is gone


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("failing SPF and DKIM", "spf_and_dkim_failed"),
        ("a stranger's address", "sender_not_of_office"),
        ("spam", "spam_found"),
        ("a virus", "virus_found"),
        ("no From address", "no_sender"),
        ("oversized", "too_large"),
    ],
)
def test_an_untrusted_mail_for_a_living_dossier_is_quarantined_sealed_in_it(
    wired: dict[str, str], case: str, reason: str
) -> None:
    token = dossier_with_token("MAIL2")
    sender = {
        "a stranger's address": "stranger.distinctive@elsewhere.example",
        "no From address": "",  # an empty From: nobody to check against the office's addresses
    }.get(case, "dossiers@vanhove.example")
    body = (
        "x" * (11 * 1024 * 1024) if case == "oversized" else "Distinctive Peeters woont in de Zwijgerstraat."
    )
    raw = mime(token, body, sender=sender, attachments=((PDF, "application/pdf"),))
    verdicts = PASS | {
        "failing SPF and DKIM": {"spf": "FAIL", "dkim": "FAIL"},
        "spam": {"spam": "FAIL"},
        "a virus": {"virus": "FAIL"},
    }.get(case, {})

    outcome = arrive(wired, "ses-2", raw, token, verdicts)

    assert outcome == f"quarantined:{reason}"
    items = dossier_items("MAIL2")
    assert not [i for i in items if i.get("entity") == "mail"]  # not linked: no view, no feed shows it
    [kept] = [i for i in items if i.get("entity") == "quarantined_mail"]
    assert (kept["SK"], kept["reason"], kept["office_id"]) == ("MAIL#ses-2", reason, "vanhove")
    assert "Distinctive" not in str(items)
    assert "stranger" not in str(items)
    assert raw_mails(wired) == []  # processed: the raw mail is gone
    if case == "oversized":
        assert "sealed" not in kept  # nothing of it could be read
        return
    opened = json.loads(DataKeys().open("MAIL2").open("mail:ses-2", kept["sealed"]))
    assert opened["body"] == "Distinctive Peeters woont in de Zwijgerstraat."
    assert opened["sender"] == sender
    if case == "a virus":  # nothing of an infected mail's files is kept
        assert kept["attachments"] == []
        assert [r["reason"] for r in kept["refused_attachments"]] == ["virus_found"]
    else:
        [attachment] = kept["attachments"]
        assert attachment["key"].startswith("dossiers/MAIL2/mail/ses-2/")


def test_a_forbidden_attachment_is_refused_and_the_mail_still_linked(wired: dict[str, str]) -> None:
    token = dossier_with_token("MAIL3")
    raw = mime(token, "Factuur in bijlage.", attachments=((b"MZ\x90\x00", "application/x-msdownload"),))

    assert arrive(wired, "ses-3", raw, token) == "linked"

    [mail] = [i for i in dossier_items("MAIL3") if i.get("entity") == "mail"]
    assert mail["attachments"] == []
    assert [r["reason"] for r in mail["refused_attachments"]] == ["only PDF, JPEG and PNG files are accepted"]


def erasure_of(dossier_id: str) -> ErasureRequest:
    return ErasureRequest(dossier_id, "ocmw-gent", ErasureReason.CONSENT_WITHDRAWN, NOW)


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("no token", "no_token"),
        ("an unknown token", "token_unknown"),
        ("a revoked token", "token_revoked"),
        ("a reply after the erasure", "token_unknown"),  # the erasure deleted the dossier's tokens
        ("a reply while the erasure runs", "dossier_erased"),  # the key is gone, the token not yet
    ],
)
def test_a_mail_with_no_living_dossier_is_kept_nowhere(
    wired: dict[str, str], stage: str, case: str, reason: str
) -> None:
    token = dossier_with_token("MAIL4")
    recipient = to_reference(token)
    if case == "no token":
        recipient = "someone@inbound.respite.example"
    elif case == "an unknown token":
        recipient = to_reference("a" * 32)
    elif case == "a revoked token":
        revoke(token_hash(token))
    elif case == "a reply after the erasure":
        erase(erasure_of("MAIL4"), lambda: NOW)
    elif case == "a reply while the erasure runs":
        DataKeys().destroy("MAIL4")
    raw = mime(
        token,
        "Distinctive Peeters, rijksregister 69031440123.",
        sender="distinctive.sender@vanhove.example",
        subject="Distinctive subject",
        attachments=((PDF.replace(b"%%EOF", b"Distinctive attachment %%EOF"), "application/pdf"),),
    )

    outcome = arrive(wired, "ses-4-dropped", raw, token, recipient=recipient)

    assert outcome == f"dropped:{reason}"
    stored = everything(stage)
    for value in ("Distinctive", "distinctive.sender", "69031440123", "ses-4-dropped"):
        assert value not in stored, value
    assert raw_mails(wired) == []
    assert not [i for i in dossier_items("MAIL4") if str(i["SK"]).startswith("MAIL#")]


def test_the_fence_refuses_a_mail_whose_dossier_is_erased_while_it_is_processed(
    wired: dict[str, str], stage: str
) -> None:
    token = dossier_with_token("MAIL5")
    grant, store = resolve(token, NOW), InboundStore()
    data_key = store.data_key(grant)  # opened before the erasure destroys it
    mail = parse(mime(token, "Distinctive late words.", attachments=((PDF, "application/pdf"),)))
    DataKeys().destroy("MAIL5")

    with pytest.raises(DataKeyDestroyed):
        store.keep(grant, data_key, mail, "ses-5", NOW)

    assert not [i for i in dossier_items("MAIL5") if str(i["SK"]).startswith("MAIL#")]
    assert "dossiers/MAIL5/" not in everything(stage)  # the sealed attachment put before is taken back


def test_a_failure_that_ses_retries_leaves_the_raw_mail_for_the_retry(wired: dict[str, str]) -> None:
    token = dossier_with_token("MAIL6")
    s3, documents_bucket = aws_clients.s3(), wired[env_var(BucketName.DOCUMENTS)]
    s3.delete_bucket(Bucket=documents_bucket)  # storing the attachment fails
    raw = mime(token, "Zie bijlage.", attachments=((PDF, "application/pdf"),))

    with pytest.raises(s3.exceptions.NoSuchBucket):
        arrive(wired, "ses-6", raw, token)

    assert raw_mails(wired) == [RAW_PREFIX + "ses-6"]  # SES's retry (or an operator's redrive) reads it
    s3.create_bucket(Bucket=documents_bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    [record] = list(SESEvent(receipt_event("ses-6", to_reference(token))).records)
    assert receive(record, NOW) == "linked"
    assert raw_mails(wired) == []


def test_a_dropped_mail_is_counted_and_logged_with_ids_and_the_reason_only(
    wired: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "respite-test-notifications-inbound-mail")
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "notifications")
    unknown = "b" * 32
    stored_raw(
        wired,
        "ses-7",
        mime(
            unknown,
            "Distinctive words.",
            sender="distinctive.sender@elsewhere.example",
            subject="Distinctive",
        ),
    )

    context = LambdaContext.for_function(RECEIVE_MAIL)  # the local stack's, as Lambda's
    answer = handler(receipt_event("ses-7", to_reference(unknown)), context)  # type: ignore[arg-type]

    assert answer == {"outcomes": ["dropped:token_unknown"]}
    out = capsys.readouterr().out
    [metrics] = [json.loads(line) for line in out.splitlines() if '"_aws"' in line]
    assert metrics["InboundMailDropped"] == [1.0]
    assert metrics["service"] == "notifications"
    [logged] = [vars(r) for r in caplog.records if r.getMessage() == "inbound mail dropped"]
    assert (logged["ses_message_id"], logged["reason"]) == ("ses-7", "token_unknown")
    everything_logged = out + json.dumps([vars(r) for r in caplog.records], default=str)
    for value in ("Distinctive", "distinctive.sender", unknown):
        assert value not in everything_logged
    assert raw_mails(wired) == []


def test_after_the_erasure_nothing_of_a_linked_or_quarantined_mail_remains(
    wired: dict[str, str], stage: str
) -> None:
    token = dossier_with_token("MAIL8")
    attachment = PDF.replace(b"%%EOF", b"Distinctive attachment %%EOF")
    linked = mime(token, "Distinctive linked words.", attachments=((attachment, "application/pdf"),))
    stranger = mime(
        token,
        "Distinctive quarantined words.",
        sender="distinctive.stranger@elsewhere.example",
        attachments=((attachment, "application/pdf"),),
    )
    assert arrive(wired, "ses-8-linked", linked, token) == "linked"
    assert arrive(wired, "ses-8-quarantined", stranger, token) == "quarantined:sender_not_of_office"
    stored_raw(wired, "ses-8-quarantined", stranger)  # as if deleting it had failed after it was kept

    receipt = erase(erasure_of("MAIL8"), lambda: NOW)

    assert receipt.objects == 3  # the two sealed attachments and the raw mail left behind
    stored = everything(stage)
    for value in ("Distinctive", "distinctive.stranger", "ses-8-linked", "ses-8-quarantined", "MAIL8"):
        assert value not in stored, value
