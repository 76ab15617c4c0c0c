"""An office answers a notice by replying to its email, on the local stack, the way SES receives mail.

A notice produces an email (read back from moto's SES); the office replies to its Reply-To address
with a PDF attached. The reply reaches the platform as in AWS: the receipt rule's S3 action puts the
raw MIME in the inbound-mail bucket, then its Lambda action invokes the inbound function with the
SES event — locally `POST /local/inbound-mail` plays those two actions (moto never receives mail).
The reply is linked to the same dossier: the caseworker's dossier view shows it with its attachment
(name, type, size, a download link that works; the file sealed at rest) and the feed announces it. A
mail from a stranger, one failing SPF and DKIM or one with a virus is quarantined: kept sealed in the
dossier with its reason, announced in the feed as such, never shown as a reply. Either way the raw
mail is gone from the inbound bucket once processed.
"""

import json
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import requests

from respite_core.resources import BucketName, TableName, env_var
from respite_core.store import documents
from respite_core.store.data_keys import DataKeys
from tests.e2e.conftest import RunningStack, wait_for
from tests.e2e.test_dossiers import download as download_document
from tests.e2e.test_dossiers import stack_env  # noqa: F401 (fixture)
from tests.e2e.test_link_page import PDF, Notice, send_notice
from tests.e2e.test_negotiation import Agency
from tests.e2e.test_slice import ANNA, SANNE

OFFICE_ADDRESS = "dossiers@vanhove.example"


@pytest.fixture(scope="module")
def agency(stack: RunningStack) -> Agency:
    return Agency(stack, ANNA)


def reply_to(notice: Notice, body: str, *, sender: str = OFFICE_ADDRESS) -> bytes:
    """The office's mail client answering the email: quoted history below, a PDF attached."""
    original = notice.mail.message
    message = EmailMessage()
    message["From"] = f"Kantoor Van Hove <{sender}>"
    message["To"] = str(original["Reply-To"])
    message["Subject"] = f"Re: {original['Subject']}"
    message["In-Reply-To"] = "<original@respite.example>"
    quoted = "\n".join(f"> {line}" for line in notice.mail.text.splitlines()[:5])
    message.set_content(f"{body}\n\nOp 20 nov. 2026 schreef Respite:\n{quoted}\n")
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="afrekening VH-2026.pdf")
    return message.as_bytes()


def raw_mails(stack: RunningStack) -> list[str]:
    """What is left in the inbound bucket (SES's S3 action writes there)."""
    listed = stack.aws("s3").list_objects_v2(Bucket=stack.environment[env_var(BucketName.INBOUND_MAIL)])
    return [o["Key"] for o in listed.get("Contents", [])]


def kept_mails(stack: RunningStack, dossier_id: str) -> list[dict[str, Any]]:
    items = stack.table_items(env_var(TableName.DOSSIERS))
    return [i for i in items if i["PK"]["S"] == f"DOSSIER#{dossier_id}" and i["SK"]["S"].startswith("MAIL#")]


def in_feed(stack: RunningStack, agency: Agency, dossier_id: str, kind: str) -> list[dict[str, Any]]:
    items = agency.session.get(f"{stack.base_url}/notifications/feed", timeout=10).json()["items"]
    return [i for i in items if i["dossier_id"] == dossier_id and i["kind"] == kind]


def arrive(stack: RunningStack, raw: bytes, **verdicts: str) -> dict[str, Any]:
    headers = {"Content-Type": "message/rfc822"} | {f"X-Ses-{k.title()}": v for k, v in verdicts.items()}
    answer = requests.post(f"{stack.base_url}/local/inbound-mail", data=raw, headers=headers, timeout=30)
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


@pytest.mark.usefixtures("stack_env")
def test_a_reply_by_mail_with_an_attachment_lands_in_its_dossier_and_the_feed(
    stack: RunningStack, agency: Agency
) -> None:
    notice = send_notice(stack, agency, "vanhove", OFFICE_ADDRESS, family_name="Mailreply")

    arrived = arrive(stack, reply_to(notice, "Wij hebben geen lopend dossier meer voor deze persoon."))

    assert arrived["outcomes"] == ["linked"]
    assert f"inbound/{arrived['message_id']}" not in raw_mails(stack)  # gone once linked
    view = agency.get(f"/dossiers/{notice.dossier_id}").json()
    [mail] = view["mails"]
    assert (mail["office_id"], mail["in_reply_to"]) == ("vanhove", notice.message_id)
    assert mail["body"] == "Wij hebben geen lopend dossier meer voor deze persoon."  # history stripped
    assert mail["subject"].startswith("Re: ")
    [attachment] = mail["attachments"]
    assert (attachment["name"], attachment["content_type"], attachment["size_bytes"]) == (
        "afrekening VH-2026.pdf",
        "application/pdf",
        len(PDF),
    )
    download = download_document(agency, notice.dossier_id, attachment["document_id"])
    assert download.status_code == 200
    assert download.content == PDF
    assert "afrekening VH-2026.pdf" in download.headers["Content-Disposition"]
    # at rest the file is sealed with the dossier's data key: destroying the key shreds it
    [kept] = kept_mails(stack, notice.dossier_id)
    stored_key = kept["attachments"]["L"][0]["M"]["key"]["S"]
    at_rest = stack.aws("s3").get_object(
        Bucket=stack.environment[env_var(BucketName.DOCUMENTS)], Key=stored_key
    )
    assert PDF not in at_rest["Body"].read()
    assert documents.read_sealed(stored_key, DataKeys().open(notice.dossier_id))[1] == PDF

    [fed] = wait_for(lambda: in_feed(stack, agency, notice.dossier_id, "mail_received"), timeout_s=20)
    assert (fed["office_id"], fed["message_id"]) == ("vanhove", notice.message_id)
    assert "Mailreply" not in str(fed)  # the feed names no person

    # another agency's caseworker cannot see the dossier, nor therefore its documents
    other = Agency(stack, SANNE)
    assert other.get(f"/dossiers/{notice.dossier_id}").status_code == 404


@pytest.mark.usefixtures("stack_env")
@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("a stranger's address", "sender_not_of_office"),
        ("SPF and DKIM failing", "spf_and_dkim_failed"),
        ("a virus", "virus_found"),
    ],
)
def test_an_untrusted_reply_is_quarantined_sealed_in_its_dossier_not_linked(
    stack: RunningStack, agency: Agency, case: str, reason: str
) -> None:
    notice = send_notice(stack, agency, "vanhove", OFFICE_ADDRESS, family_name="Quarantined")
    sender = "clerk@attacker.example" if case == "a stranger's address" else OFFICE_ADDRESS
    verdicts = {
        "SPF and DKIM failing": {"spf": "FAIL", "dkim": "FAIL"},
        "a virus": {"virus": "FAIL"},
    }.get(case, {})

    arrived = arrive(stack, reply_to(notice, "Zie bijlage.", sender=sender), **verdicts)

    assert arrived["outcomes"] == [f"quarantined:{reason}"]
    assert f"inbound/{arrived['message_id']}" not in raw_mails(stack)  # processed: the raw mail is gone
    assert agency.get(f"/dossiers/{notice.dossier_id}").json()["mails"] == []  # never shown as a reply
    [kept] = kept_mails(stack, notice.dossier_id)
    assert (kept["entity"]["S"], kept["reason"]["S"]) == ("quarantined_mail", reason)
    assert "attacker" not in json.dumps(kept)  # what it says is sealed with the dossier's key
    # the caseworker hears that a mail came for the request, and why it was not linked
    [fed] = wait_for(lambda: in_feed(stack, agency, notice.dossier_id, "mail_quarantined"), timeout_s=20)
    assert (fed["office_id"], fed["message_id"], fed["reason"]) == ("vanhove", notice.message_id, reason)


def test_mail_to_no_reference_address_is_not_received(stack: RunningStack) -> None:
    message = EmailMessage()
    message["From"] = OFFICE_ADDRESS
    message["To"] = "someone@elsewhere.example"
    message["Subject"] = "Hallo"
    message.set_content("x")

    answer = requests.post(
        f"{stack.base_url}/local/inbound-mail",
        data=message.as_bytes(),
        headers={"Content-Type": "message/rfc822"},
        timeout=10,
    )

    assert answer.status_code == 400
    assert answer.headers["Content-Type"] == "application/problem+json"


CORPUS = Path(__file__).parents[1] / "mail_corpus"  # CPython's email test corpus (see its README)


def from_office(raw: bytes, sender: str = OFFICE_ADDRESS) -> bytes:
    """A real-world message as the office's system sends it: its From replaced by the office's address,
    everything else (the MIME structure above all) as it was."""
    head, separator, body = raw.replace(b"\r\n", b"\n").partition(b"\n\n")
    kept = [f"From: {sender}".encode()]
    in_from = False
    for line in head.split(b"\n"):
        in_from = line.lower().startswith(b"from:") or (in_from and line[:1] in (b" ", b"\t"))
        if not in_from:
            kept.append(line)
    return b"\n".join(kept) + separator + body


def arrive_at(stack: RunningStack, notice: Notice, raw: bytes) -> dict[str, Any]:
    """A mail sent to the notice's reply address, whatever its own To says (SES's envelope)."""
    recipients = {"X-Ses-Recipients": str(notice.mail.message["Reply-To"])}
    answer = requests.post(
        f"{stack.base_url}/local/inbound-mail",
        data=raw,
        headers={"Content-Type": "message/rfc822"} | recipients,
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    arrived: dict[str, Any] = answer.json()
    return arrived


@pytest.mark.usefixtures("stack_env")
@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("msg_46.txt", "Testing email forwarding with Groupwise 1.2.2010"),  # a forwarded message/rfc822
        ("msg_28.txt", "message 2"),  # a multipart/digest
        ("msg_37.txt", "Blah\n\nBlah\n\nBlah"),  # text/x-one and text/x-two parts
    ],
)
def test_a_real_world_reply_keeps_its_forwarded_digested_and_text_x_text(
    stack: RunningStack, agency: Agency, name: str, said: str
) -> None:
    notice = send_notice(stack, agency, "vanhove", OFFICE_ADDRESS, family_name="Corpus")

    arrived = arrive_at(stack, notice, from_office((CORPUS / name).read_bytes()))

    assert arrived["outcomes"] == ["linked"]
    [mail] = agency.get(f"/dossiers/{notice.dossier_id}").json()["mails"]
    assert said in mail["body"]
    assert mail["refused_attachments"] == 0  # no text part refused as a file


@pytest.mark.usefixtures("stack_env")
def test_a_mail_without_a_from_is_quarantined_as_having_no_sender_with_its_text_kept(
    stack: RunningStack, agency: Agency
) -> None:
    notice = send_notice(stack, agency, "vanhove", OFFICE_ADDRESS, family_name="Nosender")

    # no From: an enclosed message, and nothing else
    arrived = arrive_at(stack, notice, (CORPUS / "msg_11.txt").read_bytes())

    assert arrived["outcomes"] == ["quarantined:no_sender"]
    [kept] = kept_mails(stack, notice.dossier_id)
    assert kept["reason"]["S"] == "no_sender"
    key = DataKeys().open(notice.dossier_id)
    opened = json.loads(key.open(f"mail:{arrived['message_id']}", kept["sealed"]["S"]))
    assert "Here is the body of the message." in opened["body"]  # kept, sealed, for the caseworker to judge
    [fed] = wait_for(lambda: in_feed(stack, agency, notice.dossier_id, "mail_quarantined"), timeout_s=20)
    assert fed["reason"] == "no_sender"
