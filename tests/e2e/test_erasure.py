"""Erasure on the local stack, end to end: a person with distinctive data goes through a lifecycle
(registration, signed form, a notice, an office's claims), then consent is withdrawn — or the dossier
is closed and its retention runs out (the sweeper), or DynamoDB's TTL deletes it (the backstop).
Afterwards every table (scanned), bucket (every object's bytes), queue and DLQ (peeked) and the
stack's own logs are searched for each personal value: none may be found. What remains is a receipt
without personal data that an operator can read; the ciphertext left in the stream opens no more."""

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from itertools import count
from typing import Any

import pytest
import requests

from respite_core import aws as aws_clients
from respite_core.store.data_keys import DataKeyDestroyed, DataKeys
from tests.e2e.conftest import RunningStack, wait_for
from tests.e2e.test_dossiers import OLGA, PDF, Client, download, upload
from tests.e2e.test_inbound_mail import OFFICE_ADDRESS
from tests.e2e.test_link_page import Mail, mails_about
from tests.e2e.test_negotiation import Agency, Office
from tests.e2e.test_slice import ANNA, PROBLEM, be_national_number, registration

ERASED_WITHIN_S = 30.0
_serial = count(401)


@dataclass(frozen=True)
class Person:
    """Values that appear nowhere else on the stack, so finding one anywhere is a leak."""

    family_name: str
    national_number: str
    street: str
    email: str
    claim_reference: str

    @property
    def markers(self) -> dict[str, str]:
        return {
            "family name": self.family_name,
            "national number": self.national_number,
            "national number (printed)": f"{self.national_number[:2]}.{self.national_number[2:4]}."
            f"{self.national_number[4:6]}-{self.national_number[6:9]}.{self.national_number[9:]}",
            "street": self.street,
            "email": self.email,
            "claim reference": self.claim_reference,
        }


def distinctive_person() -> Person:
    tag = "".join(chr(ord("a") + int(d)) for d in f"{uuid.uuid4().int % 10**8:08d}")
    serial = next(_serial)
    return Person(
        family_name=f"Quintelier{tag}",
        national_number=be_national_number("1969-03-14", serial),
        street=f"Zwijgerstraat{tag}",
        email=f"{tag}.vq@mailbox.example",
        claim_reference=f"VH/2026/{tag.upper()}",
    )


@pytest.fixture(scope="module")
def anna(stack: RunningStack) -> Agency:
    return Agency(stack, ANNA)


@pytest.fixture(scope="module")
def olga(stack: RunningStack) -> Client:
    return Client(stack, OLGA)


@pytest.fixture
def stack_env(stack: RunningStack, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This test process becomes a "function" of the running stack (to try to decrypt)."""
    for name, value in stack.environment.items():
        monkeypatch.setenv(name, value)
    aws_clients.forget_clients()
    yield
    aws_clients.forget_clients()


def lifecycle(stack: RunningStack, anna: Agency, person: Person, *, mail: bool = False) -> str:
    """Register with consent and a signed form, notify an office, receive its claims (and, with
    `mail`, the office's answer to the notice's email, with an attachment)."""
    body = registration(person.national_number, person.family_name, "1969-03-14")
    body["person"]["address"]["street"] = person.street
    registered = anna.post("/dossiers", body, **{"Idempotency-Key": uuid.uuid4().hex})
    assert registered.status_code == 201, registered.text
    dossier_id = str(registered.json()["dossier_id"])
    form = PDF.replace(b"signed consent form", f"signed by {person.family_name}".encode())
    confirmed = anna.post(
        f"/dossiers/{dossier_id}/consent/form", {"upload_id": upload(anna, dossier_id, form)}
    )
    assert confirmed.status_code == 200, confirmed.text
    notices = anna.claims(f"/dossiers/{dossier_id}/notices", {"office_ids": ["vanhove"]})
    assert notices.status_code in (200, 201), notices.text
    office = Office(stack, "vanhove")
    notice = wait_for(lambda: _message(office, dossier_id, "notice"))
    assert notice, "the notice never reached the office's inbox"
    claim = {
        "office_reference": person.claim_reference,
        "principal_creditor": "Stad Gent",
        "principal": 120000,
        "title_kind": "judgment",
        "title_description": f"vonnis, contact {person.email}",
    }
    replied = office.reply(dossier_id, notice["message_id"], {"type": "notice_ack", "claims": [claim]})
    assert replied.status_code in (200, 201), replied.text
    if mail:
        answer_by_mail(stack, dossier_id, person)
    view = anna.get(f"/dossiers/{dossier_id}")
    assert view.status_code == 200, view.text
    assert person.family_name in view.text  # the data is really there before it is erased
    assert wait_for(lambda: person.claim_reference in anna.get(f"/dossiers/{dossier_id}").text)
    return dossier_id


def answer_by_mail(stack: RunningStack, dossier_id: str, person: Person) -> None:
    """The office replies to the notice's email (Reply-To with its reference token), a PDF attached;
    SES would store the raw MIME in the inbound bucket and invoke the inbound function."""
    mails = wait_for(lambda: mails_about(stack, dossier_id, OFFICE_ADDRESS), timeout_s=15)
    assert mails, "the notice's email was never sent"
    reply = EmailMessage()
    reply["From"] = f"Kantoor Van Hove <{OFFICE_ADDRESS}>"
    reply["To"] = str(mails[0].message["Reply-To"])
    reply["Subject"] = f"Re: {mails[0].message['Subject']}"
    reply.set_content(f"Dossier {person.family_name}: schrijf naar {person.email}.")
    attachment = PDF.replace(b"signed consent form", f"afrekening {person.family_name}".encode())
    reply.add_attachment(attachment, maintype="application", subtype="pdf", filename="afrekening.pdf")
    arrived = requests.post(
        f"{stack.base_url}/local/inbound-mail",
        data=reply.as_bytes(),
        headers={"Content-Type": "message/rfc822"},
        timeout=30,
    )
    assert arrived.status_code == 200, arrived.text
    assert arrived.json()["outcomes"] == ["linked"]


def _message(office: Office, dossier_id: str, type_: str) -> dict[str, Any] | None:
    return next((m for m in office.messages_of(dossier_id) if m["type"] == type_), None)


# --- searching everything ---------------------------------------------------------------------------


def every_table(stack: RunningStack) -> str:
    dynamodb = stack.aws("dynamodb")
    found: list[Any] = []
    for table in dynamodb.list_tables()["TableNames"]:
        for page in dynamodb.get_paginator("scan").paginate(TableName=table):
            found += page["Items"]
    return json.dumps(found, default=str)


def every_object(stack: RunningStack) -> str:
    s3 = stack.aws("s3")
    found: list[str] = []
    for bucket in s3.list_buckets()["Buckets"]:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket["Name"]):
            for obj in page.get("Contents", []):
                data = s3.get_object(Bucket=bucket["Name"], Key=obj["Key"])["Body"].read()
                found += [obj["Key"], data.decode("latin-1")]
    return "\n".join(found)


def every_queue(stack: RunningStack) -> str:
    """Every message of every queue and DLQ, peeked: each page is hidden for a moment so the next
    receive returns the next ones, then all are made visible again for their consumers."""
    sqs = stack.aws("sqs")
    found: list[str] = []
    for url in sqs.list_queues().get("QueueUrls", []):
        handles: list[str] = []
        while page := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=30).get(
            "Messages", []
        ):
            found += [m["Body"] for m in page]
            handles += [m["ReceiptHandle"] for m in page]
        for start in range(0, len(handles), 10):
            entries = [
                {"Id": str(n), "ReceiptHandle": h, "VisibilityTimeout": 0}
                for n, h in enumerate(handles[start : start + 10])
            ]
            sqs.change_message_visibility_batch(QueueUrl=url, Entries=entries)
    return "\n".join(found)


def the_logs(stack: RunningStack) -> str:
    assert stack.log_path is not None
    return stack.log_path.read_text(encoding="utf-8", errors="replace")


def leaks(stack: RunningStack, person: Person) -> dict[str, list[str]]:
    places = {
        "tables": every_table(stack),
        "buckets": every_object(stack),
        "queues": every_queue(stack),
        "logs": the_logs(stack),
    }
    found = {
        what: [place for place, text in places.items() if value in text]
        for what, value in person.markers.items()
    }
    return {what: where for what, where in found.items() if where}


def items_naming(stack: RunningStack, dossier_id: str) -> list[dict[str, Any]]:
    """Every table item that still names the dossier."""
    items: list[dict[str, Any]] = json.loads(every_table(stack))
    return [item for item in items if dossier_id in json.dumps(item)]


def terminations_to(stack: RunningStack, dossier_id: str) -> list[Mail]:
    """The termination emails Van Hove got about the dossier (the notice's email names it too)."""
    return [
        m
        for m in mails_about(stack, dossier_id, OFFICE_ADDRESS)
        if str(m.message["Subject"]).startswith("Einde van de schuldhulpverlening")
    ]


def receipt_of(olga: Client, dossier_id: str) -> dict[str, Any] | None:
    response = olga.get(f"/erasures/{dossier_id}")
    if response.status_code != 200:
        return None
    body: dict[str, Any] = response.json()
    return body if body.get("completed_at") else None


def erased(stack: RunningStack, olga: Client, dossier_id: str) -> dict[str, Any]:
    receipt = wait_for(lambda: receipt_of(olga, dossier_id), timeout_s=ERASED_WITHIN_S)
    assert receipt, "no complete erasure receipt"
    assert wait_for(lambda: not items_naming(stack, dossier_id), timeout_s=ERASED_WITHIN_S), items_naming(
        stack, dossier_id
    )
    return dict(receipt)


def sealed_copies_in_the_stream(stack: RunningStack, dossier_id: str) -> list[dict[str, Any]]:
    """The residual copies: the table stream still carries the sealed person (24 h in AWS)."""
    dynamodb, streams = stack.aws("dynamodb"), stack.aws("dynamodbstreams")
    arn = dynamodb.describe_table(TableName=stack.environment["RESPITE_TABLE_DOSSIERS"])["Table"][
        "LatestStreamArn"
    ]
    copies = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        position = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        while position:
            page = streams.get_records(ShardIterator=position, Limit=1000)
            for record in page["Records"]:
                image = record["dynamodb"].get("NewImage", {})
                if record["dynamodb"]["Keys"]["PK"]["S"] == f"DOSSIER#{dossier_id}" and "person" in image:
                    copies.append(image)
            position = page.get("NextShardIterator") if page["Records"] else None
    return copies


# --- the three ways a dossier is erased ----------------------------------------------------------------


@pytest.mark.usefixtures("stack_env")
def test_withdrawal_erases_everything_everywhere(stack: RunningStack, anna: Agency, olga: Client) -> None:
    person = distinctive_person()
    dossier_id = lifecycle(stack, anna, person, mail=True)
    [mail] = anna.get(f"/dossiers/{dossier_id}").json()["mails"]
    attachment = download(anna, dossier_id, mail["attachments"][0]["document_id"])
    assert person.family_name.encode() in attachment.content
    wait_for(lambda: not _pumps_busy(stack))
    # the form and the attachment are sealed: the search finds the family name in the download's copy
    assert leaks(stack, person)["family name"] == ["buckets"]

    withdrawn = anna.post(
        f"/dossiers/{dossier_id}/consent/withdrawal", **{"Idempotency-Key": uuid.uuid4().hex}
    )

    assert withdrawn.status_code == 200, withdrawn.text
    unreadable = anna.get(f"/dossiers/{dossier_id}")
    assert unreadable.status_code in (404, 410)  # 410 until the cascade has run, 404 after
    assert unreadable.headers["Content-Type"] == PROBLEM
    receipt = erased(stack, olga, dossier_id)
    assert receipt["reason"] == "consent_withdrawn"
    assert receipt["items"] >= 10
    assert receipt["objects"] >= 3  # the signed form, the mail's attachment, its download copy
    assert receipt["offices_told"] == 1
    assert dossier_id not in json.dumps(receipt)
    assert leaks(stack, person) == {}
    # the office that was notified hears of it: one termination, in its language, naming no one
    [told] = wait_for(lambda: terminations_to(stack, dossier_id), timeout_s=ERASED_WITHIN_S)
    assert "de toestemming ingetrokken" in told.text
    assert all(value not in told.raw + told.text for value in person.markers.values())
    assert "/notifications/r/" not in told.text
    # the ciphertext the stream still carries opens for nobody: the data key is gone
    copies = sealed_copies_in_the_stream(stack, dossier_id)
    assert copies, "the stream keeps the sealed person (a residual copy)"
    assert all(person.family_name not in json.dumps(c) for c in copies)
    with pytest.raises(DataKeyDestroyed):
        DataKeys().open(dossier_id)


def test_closure_erases_when_the_retention_ends_by_the_sweeper(
    stack: RunningStack, anna: Agency, olga: Client
) -> None:
    person = distinctive_person()
    dossier_id = lifecycle(stack, anna, person)
    closed = anna.post(f"/dossiers/{dossier_id}/closure", {"reason": "plan completed"})
    assert closed.status_code == 200, closed.text
    assert anna.get(f"/dossiers/{dossier_id}").status_code == 200  # closed: kept until the deadline
    assert receipt_of(olga, dossier_id) is None

    retention_ends(stack, dossier_id, datetime.now(UTC) - timedelta(seconds=1))  # 30 days pass

    receipt = erased(stack, olga, dossier_id)
    assert receipt["reason"] == "retention_ended"
    assert leaks(stack, person) == {}
    assert anna.get(f"/dossiers/{dossier_id}").status_code == 404


def test_a_ttl_deletion_erases_a_dossier_the_sweeper_did_not(
    stack: RunningStack, anna: Agency, olga: Client
) -> None:
    person = distinctive_person()
    dossier_id = lifecycle(stack, anna, person)
    assert anna.post(f"/dossiers/{dossier_id}/closure", {"reason": "moved abroad"}).status_code == 200

    expires(stack, dossier_id, datetime.now(UTC) - timedelta(seconds=1))  # the backstop's day passes

    receipt = erased(stack, olga, dossier_id)
    assert receipt["reason"] == "ttl_expired"
    assert leaks(stack, person) == {}


def test_an_erased_dossier_answers_404_and_erasing_it_again_changes_nothing(
    stack: RunningStack, anna: Agency, olga: Client
) -> None:
    dossier_id = lifecycle(stack, anna, distinctive_person())
    assert anna.post(f"/dossiers/{dossier_id}/consent/withdrawal").status_code == 200
    receipt = erased(stack, olga, dossier_id)

    assert anna.get(f"/dossiers/{dossier_id}").status_code == 404
    assert anna.get(f"/dossiers/{dossier_id}/consent").status_code == 404
    assert anna.post(f"/dossiers/{dossier_id}/consent/withdrawal").status_code == 404
    assert anna.post(f"/dossiers/{dossier_id}/closure", {"reason": "again"}).status_code == 404
    assert receipt_of(olga, dossier_id) == receipt
    assert not items_naming(stack, dossier_id)
    day = receipt["started_at"][:10]
    listed = olga.get("/erasures", on=day)
    assert listed.status_code == 200
    assert receipt in listed.json()["receipts"]


def test_receipts_are_for_operators_only(stack: RunningStack, anna: Agency) -> None:
    assert anna.get("/erasures/anything").status_code == 403
    assert anna.get("/erasures", on="2026-11-20").status_code == 403
    assert requests.get(f"{stack.base_url}/consent/erasures/anything", timeout=10).status_code == 401


# --- moving time forward on the stack ----------------------------------------------------------------


def retention_ends(stack: RunningStack, dossier_id: str, at: datetime) -> None:
    """As if the retention period had passed: the deadline in the sweeper's index moves to `at`."""
    iso = at.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"
    stack.aws("dynamodb").update_item(
        TableName=stack.environment["RESPITE_TABLE_DOSSIERS"],
        Key={"PK": {"S": f"DOSSIER#{dossier_id}"}, "SK": {"S": "META"}},
        UpdateExpression="SET retention_ends_at = :at, GSI2SK = :due",
        ExpressionAttributeValues={":at": {"S": iso}, ":due": {"S": f"{iso}#{dossier_id}"}},
    )


def expires(stack: RunningStack, dossier_id: str, at: datetime) -> None:
    """As if the TTL backstop's time had come (the sweeper's deadline stays in the future)."""
    stack.aws("dynamodb").update_item(
        TableName=stack.environment["RESPITE_TABLE_DOSSIERS"],
        Key={"PK": {"S": f"DOSSIER#{dossier_id}"}, "SK": {"S": "META"}},
        UpdateExpression="SET expires_at = :at",
        ExpressionAttributeValues={":at": {"N": str(int(at.timestamp()))}},
    )


def _pumps_busy(stack: RunningStack) -> bool:
    """Whether a delivery to offices is still queued (the email of the notice, its webhook)."""
    sqs = stack.aws("sqs")
    for url in sqs.list_queues().get("QueueUrls", []):
        if url.endswith(("notifications-outbox", "webhook-deliveries")):
            attributes = sqs.get_queue_attributes(
                QueueUrl=url,
                AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
            )["Attributes"]
            if any(int(v) for v in attributes.values()):
                return True
    return False
