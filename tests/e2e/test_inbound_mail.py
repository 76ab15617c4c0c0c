"""An office answers a notice by replying to its email, on the local stack, the way SES receives mail.

A notice produces an email (read back from moto's SES); the office replies to its Reply-To address
with a PDF attached. The reply reaches the platform as in AWS: the receipt rule's S3 action puts the
raw MIME in the inbound-mail bucket, then its Lambda action invokes the inbound function with the
SES event — locally `POST /local/inbound-mail` plays those two actions (moto never receives mail).
The reply is linked to the same dossier: the caseworker's dossier view shows it with its attachment
(name, type, size, a download link that works) and the feed announces it. A mail from a stranger,
or one failing SPF and DKIM, is quarantined.
"""

from email.message import EmailMessage
from typing import Any

import pytest
import requests

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

    def mail_in_feed() -> list[dict[str, Any]]:
        items = agency.session.get(f"{stack.base_url}/notifications/feed", timeout=10).json()["items"]
        return [i for i in items if i["dossier_id"] == notice.dossier_id and i["kind"] == "mail_received"]

    [fed] = wait_for(mail_in_feed, timeout_s=20)
    assert (fed["office_id"], fed["message_id"]) == ("vanhove", notice.message_id)
    assert "Mailreply" not in str(fed)  # the feed names no person

    # another agency's caseworker cannot see the dossier, nor therefore its documents
    other = Agency(stack, SANNE)
    assert other.get(f"/dossiers/{notice.dossier_id}").status_code == 404


@pytest.mark.usefixtures("stack_env")
@pytest.mark.parametrize(
    ("case", "outcome"),
    [
        ("a stranger's address", "quarantined:sender_not_of_office"),
        ("SPF and DKIM failing", "quarantined:authentication_failed"),
        ("a virus", "quarantined:authentication_failed"),
    ],
)
def test_an_untrusted_reply_is_quarantined_not_linked(
    stack: RunningStack, agency: Agency, case: str, outcome: str
) -> None:
    notice = send_notice(stack, agency, "vanhove", OFFICE_ADDRESS, family_name="Quarantined")
    sender = "clerk@attacker.example" if case == "a stranger's address" else OFFICE_ADDRESS
    verdicts = {
        "SPF and DKIM failing": {"spf": "FAIL", "dkim": "FAIL"},
        "a virus": {"virus": "FAIL"},
    }.get(case, {})

    arrived = arrive(stack, reply_to(notice, "Zie bijlage.", sender=sender), **verdicts)

    assert arrived["outcomes"] == [outcome]
    assert agency.get(f"/dossiers/{notice.dossier_id}").json()["mails"] == []


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
