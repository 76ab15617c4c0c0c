"""Issue 13's acceptance on the local stack: a whole lifecycle with fresh personal values, then erasure,
then every store searched for each value in every encoding.

Two people go through the same lifecycle: registration with a signed consent form; notices to four
offices (one with a webhook endpoint); replies by API, by CSV, by the link page's form with an
attachment, by signed callback, by a linked email reply, and a quarantined email (a stranger's
address); a buy-out proposal with a budget PDF, a rejection and a reconsideration, each saying why
in words that name the person. Then one withdraws consent — while an office keeps uploading claims
and the caseworker keeps reading (the races), with a consent-form upload issued before and used
after the erasure, and replies after it — and the other's dossier is closed and its retention runs
out (retention 0: the deadline is its closure, the sweeper erases it; `test_erasure.retention_ends`).

Once each erasure receipt is complete, every table (items and stream records, read from
TRIM_HORIZON over every shard), every object of every bucket, every queue and DLQ (peeked), every
email SES sent, every webhook an office received and the stack's log are searched for each value:
exact, lower case, URL-encoded, base64 (the value's and the windows of any text that contains it),
the national number with and without punctuation. Nothing may be found but the residual the record
of processing names: the late upload under `incoming/`, which expires within a day (and goes at once
when someone confirms it).
"""

import base64
import json
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
import requests

from respite_core.erasure import TERMINATION_RECORDS_KEPT
from tests.e2e.conftest import RunningStack, wait_for
from tests.e2e.test_dossiers import OLGA, PDF, Client, access_entries, download, upload
from tests.e2e.test_erasure import (
    ERASED_WITHIN_S,
    Person,
    answer_by_mail,
    distinctive_person,
    every_object,
    every_queue,
    every_table,
    items_naming,
    receipt_of,
    retention_ends,
    the_logs,
)
from tests.e2e.test_inbound_mail import OFFICE_ADDRESS, kept_mails
from tests.e2e.test_inbound_mail_erasure import mail_naming, receive
from tests.e2e.test_link_page import answer_url, everything_a_mail_says, form_post, mails_about, sent_mail
from tests.e2e.test_negotiation import CSV_HEADER, Agency, Office, claim
from tests.e2e.test_slice import ANNA, PROBLEM, registration
from tests.integration.test_webhooks import Receiver, serving

BORN = "1969-03-14"
OFFICES = ("vanhove", "lambert", "waterbedrijf-noord")
DOCUMENTS_BUCKET = "RESPITE_BUCKET_DOCUMENTS"
SETTLED_WITHIN_S = 30.0


# --- what is searched for, and how ---------------------------------------------------------------------


def base64_windows(value: str) -> set[str]:
    """What base64 of ANY text containing `value` contains: wherever the value starts, one of its three
    byte alignments falls on a base64 block boundary, and the blocks made of its bytes alone are there."""
    data = value.encode()
    windows = set()
    for shift in range(3):
        aligned = data[shift:]
        whole = aligned[: len(aligned) // 3 * 3]
        if len(whole) >= 6:  # 8 characters at least: never found by chance
            windows |= {base64.b64encode(whole).decode(), base64.urlsafe_b64encode(whole).decode()}
    return windows


def encodings(value: str) -> set[str]:
    """Every way a store could hold the value: exact, lower case, URL-encoded, base64."""
    found = {value, value.lower(), quote(value, safe=""), quote_plus(value)}
    found |= {base64.b64encode(value.encode()).decode()} | base64_windows(value)
    return found


def national_number_forms(number: str) -> dict[str, str]:
    """The Belgian national number as stores and people write it: digits, printed (YY.MM.DD-SSS.CC),
    and the half-punctuated forms."""
    yy, mm, dd, serial, check = number[:2], number[2:4], number[4:6], number[6:9], number[9:]
    return {
        "national number": number,
        "national number (printed)": f"{yy}.{mm}.{dd}-{serial}.{check}",
        "national number (dashes)": f"{yy}{mm}{dd}-{serial}-{check}",
        "national number (spaced)": f"{yy}{mm}{dd} {serial} {check}",
        "national number (birth date, serial)": f"{yy}{mm}{dd}-{serial}{check}",
    }


def personal_values(person: Person) -> dict[str, str]:
    return {**person.markers, **national_number_forms(person.national_number)}


def test_the_encodings_find_a_value_inside_any_text() -> None:
    """The search is only as good as its encodings: the value at any offset of base64'd or URL-encoded
    text is found, and a value that is not there is not."""
    value = "Quintelierabcdefgh"
    for prefix in ("", "x", "xy", "xyz", "Dossier van "):
        text = f"{prefix}{value} woont in Gent"
        for encoded in (base64.b64encode(text.encode()).decode(), quote(text, safe=""), text.lower()):
            assert any(e in encoded for e in encodings(value)), (prefix, encoded)
    elsewhere = base64.b64encode(b"Dossier van Quintelierzzzzzzzz woont in Gent").decode()
    assert not any(e in elsewhere for e in encodings(value))


# --- every place something could stay ----------------------------------------------------------------


def every_stream_record(stack: RunningStack) -> str:
    """Every record every table's stream still holds (moto keeps them all; AWS 24 h), from TRIM_HORIZON
    over every shard: the old and new images of every write, delete and TTL deletion."""
    dynamodb, streams = stack.aws("dynamodb"), stack.aws("dynamodbstreams")
    records: list[Any] = []
    for table in dynamodb.list_tables()["TableNames"]:
        arn = dynamodb.describe_table(TableName=table)["Table"].get("LatestStreamArn")
        if arn is None:
            continue
        for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
            position = streams.get_shard_iterator(
                StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
            while position:
                page = streams.get_records(ShardIterator=position, Limit=1000)
                records += page["Records"]
                position = page.get("NextShardIterator") if page["Records"] else None
    return json.dumps(records, default=str)


def every_sent_mail(stack: RunningStack) -> str:
    """Every email moto's SES sent, raw and decoded (headers, each part)."""
    return "\n".join(m.raw + "\n" + everything_a_mail_says(m) for m in sent_mail(stack))


def places(stack: RunningStack, receiver: Receiver) -> dict[str, str]:
    with receiver.lock:
        webhooks = json.dumps([(r.headers, r.body) for r in receiver.received], default=str)
    return {
        "tables": every_table(stack),
        "streams": every_stream_record(stack),
        "buckets": every_object(stack),
        "queues": every_queue(stack),
        "sent mail": every_sent_mail(stack),
        "webhooks received": webhooks,
        "log": the_logs(stack),
    }


def found(person: Person, where: dict[str, str]) -> dict[str, list[str]]:
    """For each personal value, the places holding it in some encoding (with the encoding found)."""
    hits: dict[str, list[str]] = {}
    for what, value in personal_values(person).items():
        for place, text in where.items():
            matched = sorted(e for e in encodings(value) if e in text)
            if matched:
                hits.setdefault(what, []).append(f"{place}: {matched[0]!r}")
    return hits


# --- the offices --------------------------------------------------------------------------------------


@dataclass
class WebhookOffice:
    """An office registered by an operator, with an endpoint on this machine that verifies each call."""

    office: Office
    receiver: Receiver

    @property
    def office_id(self) -> str:
        return self.office.office_id

    def bodies(self, dossier_id: str, event: str) -> list[dict[str, Any]]:
        with self.receiver.lock:
            bodies = [r.body for r in self.receiver.received if r.body is not None and r.verified_by]
        return [b for b in bodies if b["type"] == event and b["data"]["dossier_id"] == dossier_id]


@pytest.fixture(scope="module")
def webhook_office(stack: RunningStack) -> Iterator[WebhookOffice]:
    receiver = Receiver()
    with serving(receiver) as url:
        office_id = f"hooked-{uuid.uuid4().hex[:8]}"
        operator = Agency(stack, OLGA)
        body = {
            "office_id": office_id,
            "name": "Incasso Met Haak",
            "kind": "creditor",
            "country": "BE",
            "registration_number": "0451234595",
            "language": "nl",
            "contact_emails": [f"dossiers@{office_id}.example"],
            "webhook_url": url,
        }
        created = operator.claims("/offices", {"office": body})
        assert created.status_code == 201, created.text
        credentials = created.json()
        stack.office_clients.append({"office_id": office_id, **credentials})
        receiver.secrets["current"] = credentials["webhook_secret"]
        yield WebhookOffice(Office(stack, office_id), receiver)


@pytest.fixture(scope="module")
def anna(stack: RunningStack) -> Agency:
    return Agency(stack, ANNA)


@pytest.fixture(scope="module")
def olga(stack: RunningStack) -> Client:
    return Client(stack, OLGA)


# --- the lifecycle -------------------------------------------------------------------------------------


@dataclass
class Lived:
    """A dossier after its lifecycle: what the later steps need."""

    person: Person
    dossier_id: str
    reply_to: str  # Van Hove's reply address (its reference token), from the notice's email
    link: str  # where Van Hove's link page posts its form
    callback: str  # where the office with a webhook posts its signed callbacks
    water_notice: str  # the water company's notice (answered by API)
    csv_notice: str  # Lambert's notice (answered by CSV; answered, so no longer in its inbox)
    late_upload: dict[str, Any] = field(default_factory=dict)  # a consent-form upload issued, not used


def pdf_naming(person: Person, what: str) -> bytes:
    return PDF.replace(b"signed consent form", f"{what} {person.family_name} {person.street}".encode())


def live(stack: RunningStack, anna: Agency, hooked: WebhookOffice, person: Person) -> Lived:
    body = registration(person.national_number, person.family_name, BORN)
    body["person"]["address"]["street"] = person.street
    registered = anna.post("/dossiers", body, **{"Idempotency-Key": uuid.uuid4().hex})
    assert registered.status_code == 201, registered.text
    dossier_id = str(registered.json()["dossier_id"])
    form = {"upload_id": upload(anna, dossier_id, pdf_naming(person, "getekend door"))}
    assert anna.post(f"/dossiers/{dossier_id}/consent/form", form).status_code == 200

    sent = anna.claims(f"/dossiers/{dossier_id}/notices", {"office_ids": [*OFFICES, hooked.office_id]})
    assert sent.status_code == 201, sent.text
    offices = {o: Office(stack, o) for o in OFFICES} | {hooked.office_id: hooked.office}
    notices = {o: wait_for(lambda o=o: _notice(offices[o], dossier_id)) for o in offices}
    assert all(notices.values()), notices
    [mail] = wait_for(lambda: mails_about(stack, dossier_id, OFFICE_ADDRESS), timeout_s=SETTLED_WITHIN_S)
    assert wait_for(lambda: hooked.bodies(dossier_id, "message.created"), timeout_s=SETTLED_WITHIN_S)

    # by API: a claim whose title names the person's email
    by_api = offices["waterbedrijf-noord"].reply(
        dossier_id,
        notices["waterbedrijf-noord"]["message_id"],
        {
            "type": "notice_ack",
            "file_references": [person.claim_reference],
            "claims": [claim(f"{person.claim_reference}-W", 43_210, title_description=person.email)],
        },
    )
    assert by_api.status_code == 201, by_api.text
    # by CSV
    by_csv = offices["lambert"].upload(dossier_id, notices["lambert"]["message_id"], csv_naming(person, 0))
    assert by_csv.status_code == 201, by_csv.text
    # by the link page's form, with an attachment and a comment naming the person
    by_form = form_post(answer_url(stack, mail.token), *form_naming(person))
    assert by_form.status_code == 303, by_form.text
    # by signed callback, from the office with a webhook endpoint
    notice = notices[hooked.office_id]
    callback = notice["callback_url"]
    by_callback = hooked.office.signed_callback(
        callback if callback.startswith("http") else f"{stack.base_url}{callback}", callback_naming(person)
    )
    assert by_callback.status_code == 201, by_callback.text
    # by email: a linked reply with an attachment, and a stranger's mail, quarantined
    answer_by_mail(stack, dossier_id, person)
    stranger = receive(
        stack, mail_naming(person, to=str(mail.message["Reply-To"]), sender="clerk@evil.example")
    )
    assert stranger["outcomes"] == ["quarantined:sender_not_of_office"]
    assert {i["entity"]["S"] for i in kept_mails(stack, dossier_id)} == {"mail", "quarantined_mail"}

    negotiate(stack, anna, offices["lambert"], dossier_id, person)

    # the caseworker reads it all; every reply is there (the search below must have data to miss)
    def complete() -> dict[str, Any] | None:
        view = anna.get(f"/dossiers/{dossier_id}")
        replies = [m for m in view.json().get("messages", []) if m.get("in_reply_to")]
        return view.json() if view.status_code == 200 and len(replies) == 5 else None

    view = wait_for(complete, timeout_s=SETTLED_WITHIN_S)
    assert view, "not every reply reached the dossier"
    assert view["person"]["family_name"] == person.family_name
    [mail_reply] = view["mails"]
    attachment = download(anna, dossier_id, mail_reply["attachments"][0]["document_id"])
    assert person.family_name.encode() in attachment.content
    grant = anna.post(f"/dossiers/{dossier_id}/consent/form-upload", {"content_type": "application/pdf"})
    assert grant.status_code == 201, grant.text
    return Lived(
        person,
        dossier_id,
        reply_to=str(mail.message["Reply-To"]),
        link=answer_url(stack, mail.token),
        callback=callback if callback.startswith("http") else f"{stack.base_url}{callback}",
        water_notice=str(notices["waterbedrijf-noord"]["message_id"]),
        csv_notice=str(notices["lambert"]["message_id"]),
        late_upload=grant.json(),
    )


def negotiate(stack: RunningStack, anna: Agency, lambert: Office, dossier_id: str, person: Person) -> None:
    """A buy-out proposal with a budget PDF naming the person; Lambert rejects it saying why, the
    agency asks it to reconsider, saying why too."""
    grant = anna.claims(f"/dossiers/{dossier_id}/documents", {"content_type": "application/pdf"})
    assert grant.status_code == 201, grant.text
    budget = grant.json()
    posted = requests.post(
        budget["url"],
        data=budget["fields"],
        files={"file": ("vtlb.pdf", pdf_naming(person, "budget van"), "application/pdf")},
        timeout=15,
    )
    assert posted.status_code in (200, 201, 204), posted.text
    proposed = anna.claims(
        f"/dossiers/{dossier_id}/proposals",
        {"kind": "buy_out", "percentage_bp": 3_500, "budget_document_id": budget["document_id"]},
    )
    assert proposed.status_code == 201, proposed.text
    proposal = wait_for(lambda: _message(lambert, dossier_id, "proposal"))
    rejected = lambert.reply(
        dossier_id,
        proposal["message_id"],
        {"type": "proposal_reject", "comment": f"{person.family_name} kan meer betalen, {person.street}"},
    )
    assert rejected.status_code == 201, rejected.text
    again = anna.claims(
        f"/dossiers/{dossier_id}/reconsiderations",
        {"office_ids": ["lambert"], "comment": f"{person.family_name} heeft geen inkomen meer"},
    )
    assert again.status_code == 201, again.text


def form_naming(person: Person) -> tuple[dict[str, str], tuple[str, bytes, str]]:
    """The link page's form, filled in: a claim, a comment naming the person, a PDF that does too."""
    fields = {
        "type": "notice_ack",
        "file_references": person.claim_reference,
        "comment": f"{person.family_name}, {person.street}",
        "claims-0-office_reference": f"{person.claim_reference}-V",
        "claims-0-principal_creditor": "Stad Gent",
        "claims-0-principal": "1234,56",
    }
    return fields, ("afrekening.pdf", pdf_naming(person, "afrekening"), "application/pdf")


def callback_naming(person: Person) -> dict[str, Any]:
    return {
        "type": "no_cooperation",
        "reason": "unknown_person",
        "comment": f"{person.email} {person.street}",
    }


def csv_naming(person: Person, n: int) -> str:
    return "\r\n".join(
        [CSV_HEADER, f"{person.claim_reference}-L{n};{person.street};ordinary;812,40;0;0;0;none;nee"]
    )


def _notice(office: Office, dossier_id: str) -> dict[str, Any] | None:
    return _message(office, dossier_id, "notice")


def _message(office: Office, dossier_id: str, type_: str) -> dict[str, Any] | None:
    return next((m for m in office.messages_of(dossier_id) if m["type"] == type_), None)


# --- the races -----------------------------------------------------------------------------------------


class Race(threading.Thread):
    """Keeps doing one thing until told to stop, recording each answer's status."""

    def __init__(self, attempt: Any) -> None:
        super().__init__(daemon=True)
        self.attempt, self.statuses = attempt, list[int]()
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            self.statuses.append(self.attempt(len(self.statuses)))

    def stop(self) -> list[int]:
        self.stopping.set()
        self.join(timeout=30)
        return self.statuses


def racing_uploads(stack: RunningStack, lived: Lived) -> Race:
    """Lambert uploads claims as CSV again and again (each upload adds its claims to the answer)."""
    lambert = Office(stack, "lambert")

    def upload(n: int) -> int:
        return lambert.upload(lived.dossier_id, lived.csv_notice, csv_naming(lived.person, n + 1)).status_code

    return Race(upload)


def racing_reads(anna: Agency, lived: Lived) -> Race:
    return Race(lambda _: anna.get(f"/dossiers/{lived.dossier_id}").status_code)


# --- the test ------------------------------------------------------------------------------------------


def test_after_withdrawal_and_after_closure_nothing_of_either_person_is_anywhere(
    stack: RunningStack, anna: Agency, olga: Client, webhook_office: WebhookOffice
) -> None:
    withdrawing = live(stack, anna, webhook_office, distinctive_person())
    closing = live(stack, anna, webhook_office, distinctive_person())
    everywhere = places(stack, webhook_office.receiver)
    for place in ("tables", "streams", "buckets", "sent mail", "webhooks received"):
        assert withdrawing.dossier_id in everywhere[place], f"the search does not read the {place}"
    before = found(withdrawing.person, everywhere)
    assert "buckets" in str(before["family name"])  # the search finds what is there: the download's copy

    # withdrawal, raced by an office's uploads and the caseworker's reads; a mail right after it
    uploads, reads = racing_uploads(stack, withdrawing), racing_reads(anna, withdrawing)
    uploads.start()
    reads.start()
    # both have been answered once before the withdrawal (a slow machine may take seconds for one upload)
    assert wait_for(lambda: uploads.statuses and reads.statuses, timeout_s=SETTLED_WITHIN_S)
    withdrawn = anna.post(
        f"/dossiers/{withdrawing.dossier_id}/consent/withdrawal", **{"Idempotency-Key": uuid.uuid4().hex}
    )
    late_read = anna.get(f"/dossiers/{withdrawing.dossier_id}")
    racing_mail = receive(stack, mail_naming(withdrawing.person, to=withdrawing.reply_to))
    racing_form = form_post(withdrawing.link, *form_naming(withdrawing.person))
    # the races go on until the erasure is done: a write it did not see would stay behind
    assert wait_for(lambda: receipt_of(olga, withdrawing.dossier_id), timeout_s=ERASED_WITHIN_S)
    time.sleep(0.5)
    uploaded, read = uploads.stop(), reads.stop()

    assert withdrawn.status_code == 200, withdrawn.text
    assert late_read.status_code in (404, 410)
    assert late_read.headers["Content-Type"] == PROBLEM
    assert racing_mail["outcomes"][0] in ("dropped:dossier_erased", "dropped:token_unknown")
    assert racing_form.status_code in (404, 409, 410)  # Van Hove answered already, or the link is dead
    assert uploaded[0] == 201, uploaded
    assert set(uploaded) <= {201, 404, 409, 410}, uploaded
    assert uploaded[-1] in (404, 410), uploaded
    assert read[0] == 200, read
    assert read[-1] in (404, 410), read
    first_refused = read.index(next(s for s in read if s != 200))
    assert set(read[first_refused:]) <= {404, 410}, read  # once refused, never served again

    # closure with a reason naming the person; its retention runs out at once (retention 0)
    closed = anna.post(
        f"/dossiers/{closing.dossier_id}/closure", {"reason": f"{closing.person.family_name} verhuisd"}
    )
    assert closed.status_code == 200, closed.text
    retention_ends(stack, closing.dossier_id, closed_at(closed.json()))

    for lived, reason in ((withdrawing, "consent_withdrawn"), (closing, "retention_ended")):
        receipt = erased_but_terminations(stack, olga, lived.dossier_id)
        assert receipt["reason"] == reason
        assert receipt["completed_at"] >= receipt["started_at"]
        assert receipt["offices_told"] == len(OFFICES) + 1
        assert (
            receipt["objects"] >= 5
        )  # the form, the budget, the page's, the mail's and the quarantined one's attachments
        assert lived.dossier_id not in json.dumps(receipt)
        if lived is withdrawing:  # the closure told the offices already (test_standstill_and_moves)
            told = wait_for(lambda gone=lived: webhook_office.bodies(gone.dossier_id, "dossier.terminated"))
            assert told, "the office with an endpoint was not told of the erasure"
        assert not access_entries(stack, lived.dossier_id)  # the late read's included

    # the late arrivals: replies by mail, form, callback and API, and the consent form sent with the
    # upload form issued before the withdrawal
    for lived in (withdrawing, closing):
        late_mail = receive(stack, mail_naming(lived.person, to=lived.reply_to))
        assert late_mail["outcomes"] == ["dropped:token_unknown"]
        assert form_post(lived.link, *form_naming(lived.person)).status_code in (404, 410)
        by_callback = webhook_office.office.signed_callback(lived.callback, callback_naming(lived.person))
        assert by_callback.status_code in (404, 410)
        by_api = Office(stack, "waterbedrijf-noord").reply(
            lived.dossier_id, lived.water_notice, {"type": "no_cooperation", "reason": "unknown_person"}
        )
        assert by_api.status_code in (404, 410)
    form = withdrawing.late_upload
    late = requests.post(
        form["url"],
        data=form["fields"],
        files={"file": ("form", pdf_naming(withdrawing.person, "te laat"), "application/pdf")},
        timeout=15,
    )
    assert late.status_code == 204, late.text
    wait_for(lambda: not pumps_busy(stack), timeout_s=SETTLED_WITHIN_S)

    everywhere = places(stack, webhook_office.receiver)
    late_key = f"incoming/{withdrawing.dossier_id}/consent-form/{form['upload_id']}"
    assert found(closing.person, everywhere) == {}
    assert found(withdrawing.person, everywhere | {"buckets": every_object_but(stack, late_key)}) == {}
    # the one residual the record of processing names: the late upload, under a prefix kept a day
    assert found(withdrawing.person, {"buckets": everywhere["buckets"]}), "the late upload is not there?"
    assert expires_within_days(stack, "incoming/") == 1
    confirmed = anna.post(
        f"/dossiers/{withdrawing.dossier_id}/consent/form", {"upload_id": form["upload_id"]}
    )
    assert confirmed.status_code == 404
    assert found(withdrawing.person, {"buckets": every_object(stack)}) == {}  # confirming it deleted it


def erased_but_terminations(stack: RunningStack, olga: Client, dossier_id: str) -> dict[str, Any]:
    """The complete receipt, once no item names the dossier but the records of telling each office
    (ids and the reason; the record of processing's residual, expiring within 18 days)."""
    receipt = wait_for(lambda: receipt_of(olga, dossier_id), timeout_s=ERASED_WITHIN_S)
    assert receipt, "no complete erasure receipt"
    left = wait_for(lambda: not not_termination_records(stack, dossier_id), timeout_s=ERASED_WITHIN_S)
    assert left, not_termination_records(stack, dossier_id)
    kept_until = datetime.now(UTC) + TERMINATION_RECORDS_KEPT + timedelta(minutes=1)
    for item in items_naming(stack, dossier_id):
        assert int(item["expires_at"]["N"]) <= kept_until.timestamp(), item
    return dict(receipt)


def not_termination_records(stack: RunningStack, dossier_id: str) -> list[dict[str, Any]]:
    return [
        item
        for item in items_naming(stack, dossier_id)
        if not item["SK"]["S"].removeprefix("DELIVERY#").removeprefix("ATTEMPT#").startswith("term_")
    ]


# --- helpers of the test -------------------------------------------------------------------------------


def closed_at(answer: dict[str, Any]) -> datetime:
    """The closure's time, as the retention deadline of RESPITE_RETENTION_DAYS=0."""
    return datetime.fromisoformat(str(answer["closed_at"]).replace("Z", "+00:00"))


def every_object_but(stack: RunningStack, key: str) -> str:
    s3 = stack.aws("s3")
    texts: list[str] = []
    for bucket in s3.list_buckets()["Buckets"]:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket["Name"]):
            for obj in page.get("Contents", []):
                if obj["Key"] != key:
                    data = s3.get_object(Bucket=bucket["Name"], Key=obj["Key"])["Body"].read()
                    texts += [obj["Key"], data.decode("latin-1")]
    return "\n".join(texts)


def expires_within_days(stack: RunningStack, prefix: str) -> int:
    rules = stack.aws("s3").get_bucket_lifecycle_configuration(Bucket=stack.environment[DOCUMENTS_BUCKET])
    return min(int(r["Expiration"]["Days"]) for r in rules["Rules"] if r["Filter"].get("Prefix") == prefix)


def pumps_busy(stack: RunningStack) -> bool:
    sqs = stack.aws("sqs")
    for url in sqs.list_queues().get("QueueUrls", []):
        if url.endswith(("-failed", "-dlq")):
            continue
        attributes = sqs.get_queue_attributes(
            QueueUrl=url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        if any(int(v) for v in attributes.values()):
            return True
    return False
