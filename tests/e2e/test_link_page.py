"""The office's email and its link page on the local stack.

A notice produces an email (read back from moto's SES); the test follows its link in Debian's headless
Chromium (driven by Playwright, never a downloaded browser), fills the form, attaches a PDF and sends
it; the reply is in the dossier and in the agency's feed. Screenshots go to `test-artifacts/`.
Then, over plain HTTP: unknown, expired and revoked links, HTML and script in a reply, a form tampered
to answer another office's request, bad amounts, a second answer, an email with no personal data.

Until the catalogue wires the outbox consumer, a test sends the email itself: it calls
`respite_notifications.email.deliver` in-process against the stack's moto (`stack_env`). Delivery is
once per message, so once the outbox does it too, the call finds the email sent and does nothing.
"""

import base64
import contextlib
import email
import email.policy
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests

from respite_core.ids import new_id, utc_now
from respite_core.store import documents, reference_tokens
from respite_infra.local import moto_process
from respite_notifications import email as office_email
from respite_notifications.deliveries import OfficeDelivery
from respite_notifications.email.store import EmailInProgress
from tests.e2e.browser import chromium
from tests.e2e.conftest import RunningStack, wait_for
from tests.e2e.test_dossiers import (  # noqa: F401 (fixture)
    Client,
    download,
    new_person,
    objects_of,
    register,
    stack_env,
)
from tests.e2e.test_negotiation import Agency
from tests.e2e.test_slice import ANNA, be_national_number, registration

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "link-page"
PDF = b"%PDF-1.7\n% the office's statement of account\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HOSTILE = "<script>alert('x')</script> & <b>bold</b>"
HTML = "text/html; charset=utf-8"
LINK = re.compile(r"https?://[^\s<>\"]+/notifications/r/([a-z2-7]{32})")


@dataclass(frozen=True)
class Mail:
    message: EmailMessage
    raw: str

    @property
    def text(self) -> str:
        part = self.message.get_body(("plain",))
        assert part is not None
        return str(part.get_content())

    @property
    def html(self) -> str:
        part = self.message.get_body(("html",))
        assert part is not None
        return str(part.get_content())

    @property
    def link(self) -> str:
        found = LINK.search(self.text)
        assert found is not None, "the email has no link"
        return found.group(0)

    @property
    def token(self) -> str:
        return self.link.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Notice:
    dossier_id: str
    message_id: str
    office_id: str
    mail: Mail


def deliver(delivery: OfficeDelivery) -> None:
    """Email the message as the outbox does; a no-op when the stack's own outbox sent it already, and
    when it is sending it right now (then the email shows up in moto in a moment all the same)."""
    with contextlib.suppress(EmailInProgress):
        office_email.deliver(delivery)


def sent_mail(stack: RunningStack) -> list[Mail]:
    """Every email moto's SES took, the raw messages as sent."""
    mails = []
    for raw in moto_process.sent_mail(stack.aws_endpoint):
        message = email.message_from_string(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        mails.append(Mail(message, raw))
    return mails


def mails_about(stack: RunningStack, dossier_id: str, office_email: str) -> list[Mail]:
    return [
        m
        for m in sent_mail(stack)
        if dossier_id in str(m.message["Subject"]) and office_email in str(m.message["To"])
    ]


def send_notice(
    stack: RunningStack, agency: Agency, office_id: str, office_email: str, **person: Any
) -> Notice:
    """A new dossier, a notice to one office, and the email it produces."""
    dossier_id = register(agency, new_person(**person))
    sent = agency.claims(f"/dossiers/{dossier_id}/notices", {"office_ids": [office_id]})
    assert sent.status_code == 201, sent.text
    message = sent.json()["messages"][0]
    deliver(
        OfficeDelivery(
            dossier_id=dossier_id,
            message_id=message["message_id"],
            office_id=office_id,
            agency_id="ocmw-gent",
            message_type="notice",
            created_at=utc_now(),
        )
    )
    mails = wait_for(lambda: mails_about(stack, dossier_id, office_email), timeout_s=10)
    assert len(mails) == 1, "one email per notice"
    return Notice(dossier_id, str(message["message_id"]), office_id, mails[0])


def form_post(
    url: str, fields: dict[str, str], attachment: tuple[str, bytes, str] | None = None
) -> requests.Response:
    """The link page's form as a browser posts it (multipart/form-data), without following the 303."""
    files: dict[str, Any] = {name: (None, value) for name, value in fields.items()}
    if attachment is not None:
        files["attachment"] = attachment
    return requests.post(url, files=files, allow_redirects=False, timeout=15)


def answer_url(stack: RunningStack, token: str) -> str:
    return f"{stack.base_url}/claims/replies/by-token/{token}"


def dossier_items(stack: RunningStack, dossier_id: str) -> list[dict[str, Any]]:
    return [i for i in stack.table_items("RESPITE_TABLE_DOSSIERS") if i["PK"]["S"] == f"DOSSIER#{dossier_id}"]


def replies_in(stack: RunningStack, dossier_id: str) -> list[dict[str, Any]]:
    return [
        i
        for i in dossier_items(stack, dossier_id)
        if i.get("entity", {}).get("S") == "message" and "in_reply_to" in i
    ]


@pytest.fixture(scope="module")
def agency(stack: RunningStack) -> Agency:
    return Agency(stack, ANNA)


# --- the whole path, in a real browser ----------------------------------------------------------------


@pytest.fixture(scope="module")
def browser_page() -> Iterator[Any]:
    """A page with JavaScript off: the link page must work without it (and runs none)."""
    with chromium(javascript=False) as context:
        yield context.new_page()


@pytest.mark.usefixtures("stack_env")
def test_a_notice_email_link_answers_the_request_in_a_browser(
    stack: RunningStack, agency: Agency, browser_page: Any
) -> None:
    notice = send_notice(stack, agency, "vanhove", "dossiers@vanhove.example", family_name="Browsers")
    mail = notice.mail
    assert mail.message["Reply-To"] == f"reply+{mail.token}@inbound.respite.example"
    assert mail.link == f"{stack.base_url}/notifications/r/{mail.token}"
    assert "Kennisgeving" in str(mail.message["Subject"])  # Van Hove reads Dutch
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    page = browser_page
    opened = page.goto(mail.link)
    assert opened is not None
    assert opened.status == 200
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.locator("h1").inner_text() == "Verzoek van OCMW Gent"
    assert "Jan Browsers" in page.locator("#person").inner_text()
    page.screenshot(path=str(ARTIFACTS / "01-request.png"), full_page=True)

    # every control is found by its label, as a screen reader would
    page.get_by_label("Ontvangstbevestiging").check()
    page.get_by_label("Uw dossiernummers (één per regel)").fill("VH/2026/0815")
    first = page.get_by_role("group", name="Vordering 1")
    first.get_by_label("Uw referentie").fill("VH/2026/77")
    first.get_by_label("Opdrachtgever").fill("Stad Gent")
    first.get_by_label("Hoofdsom (€)").fill("1234,56")
    first.get_by_label("Interesten (€)").fill("12.5")
    page.get_by_label("Opmerking").fill(HOSTILE)
    page.get_by_label("Bijlage (PDF, JPEG of PNG, hoogstens 5 MB)").set_input_files(
        files=[{"name": "afrekening.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.screenshot(path=str(ARTIFACTS / "02-filled.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Antwoord versturen").click()

    assert page.url == f"{mail.link}/done?lang=nl"
    assert "Dank u" in page.locator("#thanks").inner_text()
    assert page.locator("#answered-comment").inner_text() == HOSTILE  # shown as text, never run
    assert "VH/2026/77" in page.locator("#answered-claims").inner_text()
    assert page.get_by_role("button").count() == 0  # answered: no form any more
    page.screenshot(path=str(ARTIFACTS / "03-answered.png"), full_page=True)
    assert (ARTIFACTS / "03-answered.png").stat().st_size > 0

    # the same effect as the API: the claim in the dossier, the reply in the feed
    def vanhove_claims() -> list[dict[str, Any]]:
        view = agency.get(f"/dossiers/{notice.dossier_id}").json()
        creditors = {c["office_id"]: c for c in view["creditors"]}
        found: list[dict[str, Any]] = creditors.get("vanhove", {}).get("claims", {}).get("ordinary", [])
        return found

    claims = wait_for(vanhove_claims)
    assert [(c["office_reference"], c["amounts"]["principal"], c["amounts"]["interest"]) for c in claims] == [
        ("VH/2026/77", 123_456, 1_250)
    ]
    assert claims[0]["principal_creditor"] == "Stad Gent"

    def reply_in_feed() -> list[dict[str, Any]]:
        items = agency.session.get(f"{stack.base_url}/notifications/feed", timeout=10).json()["items"]
        return [i for i in items if i["dossier_id"] == notice.dossier_id and i["kind"] == "reply_received"]

    fed = wait_for(reply_in_feed, timeout_s=20)
    assert [(i["office_id"], i["message_type"]) for i in fed] == [("vanhove", "notice_ack")]

    # the attachment: in the document bucket under the dossier, recorded beside the reply
    attachments = [
        i for i in dossier_items(stack, notice.dossier_id) if i["SK"]["S"].startswith("ATTACHMENT#")
    ]
    assert len(attachments) == 1
    key = attachments[0]["key"]["S"]
    assert key.startswith(f"dossiers/{notice.dossier_id}/replies/{notice.message_id}/")
    stored = stack.aws("s3").get_object(Bucket=stack.environment["RESPITE_BUCKET_DOCUMENTS"], Key=key)
    assert b"statement of account" not in stored["Body"].read()  # sealed with the dossier's data key
    assert "afrekening" not in json.dumps(attachments)  # the file name is kept sealed only
    # the caseworker sees it under the reply: its name, type and size, and a link that downloads it
    [reply] = [m for m in agency.get(f"/dossiers/{notice.dossier_id}").json()["messages"] if m["in_reply_to"]]
    [listed] = reply["attachments"]
    assert (listed["name"], listed["content_type"], listed["size_bytes"]) == (
        "afrekening.pdf",
        "application/pdf",
        len(PDF),
    )
    downloaded = download(agency, notice.dossier_id, listed["document_id"])
    assert downloaded.content == PDF
    # the read through the link is in the access log, as the office
    log = [
        i
        for i in stack.table_items("RESPITE_TABLE_ACCESS_LOG")
        if i["PK"]["S"] == f"ACCESS#{notice.dossier_id}"
    ]
    actions = {(i["action"]["S"], i["actor_id"]["S"]) for i in log}
    assert ("read_by_office", "link:vanhove") in actions
    assert ("answered_by_office", "link:vanhove") in actions


@pytest.mark.usefixtures("stack_env")
def test_a_file_over_the_inline_limit_goes_to_s3_first_without_javascript(
    stack: RunningStack, agency: Agency, browser_page: Any
) -> None:
    """The page's second form posts the file straight to S3 (a presigned POST); S3 sends the browser
    back to the page, whose answer then carries the upload's id. No JavaScript anywhere."""
    notice = send_notice(stack, agency, "vanhove", "dossiers@vanhove.example", family_name="Largefile")
    large = PDF + b"%" + b"x" * (documents.MAX_INLINE_BYTES + 200_000) + b"\n%%EOF\n"
    page = browser_page
    page.goto(notice.mail.link)

    assert (
        page.locator("#attachment-limit").inner_text()
        == "Met het antwoord zelf gaat een bijlage tot 4 MB mee."
    )
    page.get_by_label("Bestandstype").select_option("application/pdf")
    page.get_by_label("Bestand (PDF, JPEG of PNG)").set_input_files(
        files=[{"name": "groot.pdf", "mimeType": "application/pdf", "buffer": large}]
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Bestand opladen").click()

    assert page.url.startswith(f"{notice.mail.link}?lang=nl&upload=")  # back from S3, with the id
    assert (
        page.locator("#upload-ready").inner_text() == "Uw bestand is opgeladen en gaat mee met uw antwoord."
    )
    page.get_by_label("Ontvangstbevestiging").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Antwoord versturen").click()
    assert page.url == f"{notice.mail.link}/done?lang=nl"
    page.screenshot(path=str(ARTIFACTS / "04-large-file-answered.png"), full_page=True)

    [reply] = [m for m in agency.get(f"/dossiers/{notice.dossier_id}").json()["messages"] if m["in_reply_to"]]
    [listed] = reply["attachments"]
    assert (listed["content_type"], listed["size_bytes"]) == ("application/pdf", len(large))
    assert download(agency, notice.dossier_id, listed["document_id"]).content == large
    assert not [
        k for k in objects_of(stack, notice.dossier_id) if k.startswith("incoming/")
    ]  # sealed in place


@pytest.mark.usefixtures("stack_env")
def test_an_inline_file_over_the_limit_and_a_foreign_upload_id_are_refused(
    stack: RunningStack, agency: Agency
) -> None:
    notice = send_notice(stack, agency, "lambert", "etude@lambert.example", family_name="Limits")
    url = answer_url(stack, notice.mail.token)
    large = PDF + b"%" + b"x" * (documents.MAX_INLINE_BYTES + 10) + b"\n%%EOF\n"

    inline = form_post(url, {"type": "notice_ack"}, ("groot.pdf", large, "application/pdf"))
    unknown = form_post(url, {"type": "notice_ack", "upload_id": new_id()})  # nothing uploaded there
    crafted = form_post(url, {"type": "notice_ack", "upload_id": "../../other-dossier/x"})

    assert inline.status_code == 422
    assert "plus de 4 Mo" in inline.text
    assert unknown.status_code == 422
    assert crafted.status_code == 422
    assert replies_in(stack, notice.dossier_id) == []


@pytest.mark.usefixtures("stack_env")
def test_an_attachment_downloads_for_the_agency_until_the_erasure_and_a_late_upload_stays_apart(
    stack: RunningStack, agency: Agency
) -> None:
    """The bucket holds the attachment sealed; the agency downloads it from a copy made for it; after
    the withdrawal neither a new link nor the old one works. A large file sent after the erasure with
    the page's form (issued before it) lands under `incoming/` only, and the next erasure run takes it."""
    from respite_core.erasure import ErasureReason
    from respite_core.store.erasure_receipts import ErasureReceipts, receipt_subject
    from respite_retention.cascade import erase
    from respite_retention.erasure import ErasureRequest

    notice = send_notice(stack, agency, "vanhove", "dossiers@vanhove.example", family_name="Downloads")
    dossier_id, upload_id = notice.dossier_id, new_id()
    late = documents.presigned_upload(
        documents.reply_document_key(dossier_id, notice.message_id, upload_id),
        None,
        redirect=f"{notice.mail.link}?upload={upload_id}",
    )  # the second form of the page, as it renders it now
    answered = form_post(
        answer_url(stack, notice.mail.token),
        {"type": "notice_ack"},
        ("afrekening.pdf", PDF, "application/pdf"),
    )
    assert answered.status_code == 303, answered.text
    [reply] = [m for m in agency.get(f"/dossiers/{dossier_id}").json()["messages"] if m["in_reply_to"]]
    [listed] = reply["attachments"]

    link = agency.get(f"/dossiers/{dossier_id}/documents/{listed['document_id']}")

    assert link.status_code == 200, link.text
    assert link.json()["name"] == "afrekening.pdf"
    old_url = link.json()["download_url"]
    assert requests.get(old_url, timeout=10).content == PDF
    in_clear = [k for k, data in objects_of(stack, dossier_id).items() if b"statement of account" in data]
    assert len(in_clear) == 1
    assert in_clear[0].startswith(f"outgoing/{dossier_id}/")  # the download's copy, and nothing else
    unknown = agency.get(f"/dossiers/{dossier_id}/documents/{new_id()}")
    assert unknown.status_code == 404

    assert agency.post(f"/dossiers/{dossier_id}/consent/withdrawal").status_code == 200
    refused = agency.get(f"/dossiers/{dossier_id}/documents/{listed['document_id']}")
    assert refused.status_code in (404, 410)
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert wait_for(lambda: agency.get(f"/dossiers/{dossier_id}").status_code == 404, timeout_s=30)
    # the erasure's last clean passes run after the view says 404: the late upload comes after them
    receipts, subject = ErasureReceipts(), receipt_subject(dossier_id)
    assert wait_for(
        lambda: (done := receipts.find_subject(subject)) is not None and done.complete, timeout_s=30
    )
    # its copy went with the dossier (S3 says 403 for a missing key to who may not list the bucket)
    assert requests.get(old_url, timeout=10).status_code in (403, 404)
    assert objects_of(stack, dossier_id) == {}

    posted = requests.post(
        late["url"],
        data={**late["fields"], "Content-Type": "application/pdf"},
        files={"file": ("groot.pdf", PDF, "application/pdf")},
        allow_redirects=False,
        timeout=15,
    )

    assert posted.status_code == 303, posted.text
    assert list(objects_of(stack, dossier_id)) == [
        f"incoming/{dossier_id}/replies/{notice.message_id}/{upload_id}"
    ]
    answer = form_post(answer_url(stack, notice.mail.token), {"type": "notice_ack", "upload_id": upload_id})
    assert answer.status_code in (404, 410)  # the link opens nothing any more
    assert replies_in(stack, dossier_id) == []
    erase(ErasureRequest(dossier_id, "ocmw-gent", ErasureReason.CONSENT_WITHDRAWN, utc_now()))
    assert objects_of(stack, dossier_id) == {}


# --- the email ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def public_office(stack: RunningStack) -> dict[str, str]:
    """An office flagged `public` that reads English, registered by an operator."""
    office_id = f"public-{uuid.uuid4().hex[:8]}"
    operator = Client(stack, "olga@respite.example")
    office = {
        "office_id": office_id,
        "name": "Public Collections <Agency>",
        "kind": "creditor",
        "country": "BE",
        "registration_number": "0403170701",
        "language": "en",
        "contact_emails": [f"claims@{office_id}.example"],
        "public": True,
    }
    created = operator.session.post(f"{stack.base_url}/claims/offices", json={"office": office}, timeout=15)
    assert created.status_code == 201, created.text
    return {"office_id": office_id, "email": f"claims@{office_id}.example"}


def everything_a_mail_says(mail: Mail) -> str:
    """The raw MIME as sent, and the same decoded every way a reader would: each header (encoded
    words), each part's payload (quoted-printable, base64)."""
    readings = [mail.raw, *(str(value) for _, value in mail.message.items())]
    for part in mail.message.walk():
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            readings.append(payload.decode(part.get_content_charset() or "utf-8", errors="replace"))
    return "\n".join(readings).casefold()


@pytest.mark.usefixtures("stack_env")
def test_the_email_carries_nothing_of_the_person_the_page_shows_them_and_the_number_to_public_offices_only(
    stack: RunningStack, agency: Agency, public_office: dict[str, str]
) -> None:
    tag = "".join(chr(ord("a") + int(d)) for d in f"{uuid.uuid4().int % 10**6:06d}")
    born = (
        "1938-02-17"  # a year no generated text of the mail holds (its dates are the link's and the reply's)
    )
    number = be_national_number(born, 400 + uuid.uuid4().int % 500)
    person = registration(number, f"Zwanepoel{tag}", born)
    person["person"]["given_names"] = "Quirijnzoon"  # no generated text can contain it
    street = person["person"]["address"]["street"]
    dossier_id = register(agency, person)
    sent = agency.claims(
        f"/dossiers/{dossier_id}/notices", {"office_ids": [public_office["office_id"], "lambert"]}
    )
    assert sent.status_code == 201, sent.text
    for message in sent.json()["messages"]:
        deliver(
            OfficeDelivery(
                dossier_id=dossier_id,
                message_id=message["message_id"],
                office_id=message["office_id"],
                agency_id="ocmw-gent",
                message_type="notice",
                created_at=utc_now(),
            )
        )
    public_mail = wait_for(lambda: mails_about(stack, dossier_id, public_office["email"]))[0]
    french_mail = wait_for(lambda: mails_about(stack, dossier_id, "etude@lambert.example"))[0]

    assert "Notice of debt help" in str(public_mail.message["Subject"])  # English
    assert "Notification de médiation de dettes" in str(french_mail.message["Subject"])  # French
    printed = f"{number[:2]}.{number[2:4]}.{number[4:6]}-{number[6:9]}.{number[9:]}"
    values = (f"Zwanepoel{tag}", "Quirijnzoon", "Q. Zwanepoel", "1938", number, printed, number[:6], street)
    for mail in (public_mail, french_mail):
        said = everything_a_mail_says(mail)
        for value in values:
            for form in (value, quote(value), base64.b64encode(value.encode()).decode()):
                assert form.casefold() not in said, value
        # what it does carry: the reference, the agency and the link
        assert dossier_id in mail.text
        assert "OCMW Gent" in mail.text
        assert "/notifications/r/" in mail.text
    public_page = requests.get(public_mail.link, timeout=10)
    assert f"Zwanepoel{tag}" in public_page.text  # the page shows the person to whoever holds the link
    assert number in public_page.text  # a `public` office gets the number, as in its inbox
    lambert_page = requests.get(french_mail.link, timeout=10)
    assert lambert_page.status_code == 200
    assert '<html lang="fr">' in lambert_page.text
    assert f"Zwanepoel{tag}" in lambert_page.text
    assert number not in lambert_page.text
    assert "&lt;Agency&gt;" not in lambert_page.text  # another office's name is nowhere on Lambert's page


@pytest.mark.usefixtures("stack_env")
def test_a_redelivered_notice_sends_no_second_email_and_leaves_one_token(
    stack: RunningStack, agency: Agency
) -> None:
    notice = send_notice(stack, agency, "lambert", "etude@lambert.example")
    delivery = OfficeDelivery(
        dossier_id=notice.dossier_id,
        message_id=notice.message_id,
        office_id="lambert",
        agency_id="ocmw-gent",
        message_type="notice",
        created_at=utc_now(),
    )

    office_email.deliver(delivery)
    office_email.deliver(delivery)

    assert len(mails_about(stack, notice.dossier_id, "etude@lambert.example")) == 1
    assert reference_tokens.resolve(notice.mail.token, utc_now()).message_id == notice.message_id
    pointers = [i for i in dossier_items(stack, notice.dossier_id) if i["SK"]["S"].startswith("TOKEN#")]
    assert len(pointers) == 1


# --- links that open nothing --------------------------------------------------------------------------


def assert_reveals_nothing(response: requests.Response, status: int) -> None:
    assert response.status_code == status
    assert response.headers["Content-Type"] == HTML
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    for word in ("OCMW", "Gent", "Van Hove", "Lambert", "Family", "form"):
        assert word not in response.text
    assert 'lang="nl"' in response.text
    assert 'lang="fr"' in response.text
    assert 'lang="en"' in response.text


def test_an_unknown_link_is_a_404_page_that_reveals_nothing(stack: RunningStack) -> None:
    for token in (reference_tokens.new_token(), "not-a-token", "x" * 300):
        assert_reveals_nothing(requests.get(f"{stack.base_url}/notifications/r/{token}", timeout=10), 404)
        assert_reveals_nothing(form_post(answer_url(stack, token), {"type": "notice_ack"}), 404)
    assert "not valid" in requests.get(f"{stack.base_url}/notifications/r/nope", timeout=10).text


@pytest.mark.usefixtures("stack_env")
def test_expired_and_revoked_links_are_410_pages_that_reveal_nothing(
    stack: RunningStack, agency: Agency
) -> None:
    notice = send_notice(stack, agency, "vanhove", "dossiers@vanhove.example")
    yesterday = utc_now() - timedelta(days=2)
    expired = reference_tokens.issue(
        notice.dossier_id, notice.message_id, "vanhove", yesterday, valid_for=timedelta(days=1)
    )
    revoked = notice.mail.token
    assert requests.get(notice.mail.link, timeout=10).status_code == 200
    reference_tokens.revoke(reference_tokens.token_hash(revoked))

    for token in (expired, revoked):
        page = requests.get(f"{stack.base_url}/notifications/r/{token}", timeout=10)
        assert_reveals_nothing(page, 410)
        assert "no longer valid" in page.text
        assert_reveals_nothing(form_post(answer_url(stack, token), {"type": "notice_ack"}), 410)
    assert replies_in(stack, notice.dossier_id) == []


# --- bad input through the form -----------------------------------------------------------------------


@pytest.mark.usefixtures("stack_env")
def test_html_and_script_in_a_reply_are_shown_escaped(stack: RunningStack, agency: Agency) -> None:
    notice = send_notice(stack, agency, "vanhove", "dossiers@vanhove.example")
    image = '<img src=x onerror="alert(1)">'

    sent = form_post(
        answer_url(stack, notice.mail.token),
        {
            "type": "notice_ack",
            "message_id": notice.message_id,
            "file_references": f"{image}\nVH-2",
            "claims-0-office_reference": image,
            "claims-0-principal_creditor": HOSTILE,
            "claims-0-creditor_class": "ordinary",
            "claims-0-principal": "10",
            "comment": HOSTILE,
        },
    )

    assert sent.status_code == 303, sent.text
    assert sent.headers["Location"] == f"/notifications/r/{notice.mail.token}/done"
    page = requests.get(f"{notice.mail.link}/done", timeout=10)
    assert page.status_code == 200
    assert "<script" not in page.text.lower()
    assert "<img" not in page.text.lower()
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page.text
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in page.text
    assert "script-src" not in page.headers["Content-Security-Policy"]  # default-src 'none': no script runs
    # the caseworker's JSON has it as the text it is
    view = agency.get(f"/dossiers/{notice.dossier_id}").json()
    references = [c["office_reference"] for cs in view["creditors"] for c in cs["claims"]["ordinary"]]
    assert references == [image]


@pytest.mark.usefixtures("stack_env")
def test_a_form_tampered_to_answer_another_request_is_refused(stack: RunningStack, agency: Agency) -> None:
    dossier_id = register(agency, new_person())
    sent = agency.claims(f"/dossiers/{dossier_id}/notices", {"office_ids": ["vanhove", "lambert"]})
    assert sent.status_code == 201, sent.text
    messages = {m["office_id"]: m["message_id"] for m in sent.json()["messages"]}
    vanhove_token = reference_tokens.issue(dossier_id, messages["vanhove"], "vanhove", utc_now())

    # the token opens Van Hove's request, and only that one
    page = requests.get(f"{stack.base_url}/notifications/r/{vanhove_token}", timeout=10)
    assert f'name="message_id" value="{messages["vanhove"]}"' in page.text
    assert messages["lambert"] not in page.text
    assert "Lambert" not in page.text
    tampered = form_post(
        answer_url(stack, vanhove_token), {"type": "notice_ack", "message_id": messages["lambert"]}
    )

    assert tampered.status_code == 403
    assert tampered.headers["Content-Type"] == HTML
    assert "Deze link opent dat verzoek niet." in tampered.text
    assert replies_in(stack, dossier_id) == []  # neither request is answered
    honest = form_post(
        answer_url(stack, vanhove_token), {"type": "notice_ack", "message_id": messages["vanhove"]}
    )
    assert honest.status_code == 303
    [reply] = replies_in(stack, dossier_id)
    assert reply["in_reply_to"]["S"] == messages["vanhove"]
    assert reply["sender"]["S"] == "vanhove"  # the office the token names, whatever the form says


@pytest.mark.usefixtures("stack_env")
def test_bad_fields_are_listed_on_a_422_page_and_nothing_is_stored(
    stack: RunningStack, agency: Agency
) -> None:
    notice = send_notice(stack, agency, "lambert", "etude@lambert.example")
    url = answer_url(stack, notice.mail.token)

    bad = form_post(
        url,
        {
            "type": "notice_ack",
            "claims-0-office_reference": "L-1",
            "claims-0-principal_creditor": "SWDE",
            "claims-0-principal": "1.234,56",
            "claims-1-principal": "10",
        },
    )
    no_reason = form_post(url, {"type": "no_cooperation"})
    wrong_type = form_post(url, {"type": "proposal_accept"})
    bad_file = form_post(
        url, {"type": "notice_ack"}, ("virus.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    )

    assert bad.status_code == 422
    assert bad.headers["Content-Type"] == HTML
    assert '<html lang="fr">' in bad.text  # Lambert reads French
    assert "Créance 1 - Principal (€)" in bad.text
    assert "Créance 2 - Votre référence : " not in bad.text  # the colon is the template's, not a value
    assert "Créance 2 - Votre référence: Obligatoire." in bad.text
    assert "Créance 2 - Mandant: Obligatoire." in bad.text
    assert "1.234,56" not in bad.text  # values are never echoed
    assert no_reason.status_code == 422
    assert "Indiquez un motif" in no_reason.text
    assert wrong_type.status_code == 422
    assert "Ce type de réponse ne correspond pas à cette demande." in wrong_type.text
    assert bad_file.status_code == 422
    assert "La pièce jointe n'est pas un PDF" in bad_file.text.replace("&#39;", "'")
    assert replies_in(stack, notice.dossier_id) == []
    assert not [i for i in dossier_items(stack, notice.dossier_id) if i["SK"]["S"].startswith("CLAIM#")]

    first = form_post(url, {"type": "no_cooperation", "reason": "unknown_person"})
    second = form_post(url, {"type": "notice_ack"})
    assert first.status_code == 303
    assert second.status_code == 409
    assert "Il a déjà été répondu à cette demande." in second.text.replace("&#39;", "'")
    assert len(replies_in(stack, notice.dossier_id)) == 1


@pytest.mark.usefixtures("stack_env")
def test_a_proposals_budget_pdf_downloads_from_the_link_page_for_its_office_only(
    stack: RunningStack, agency: Agency
) -> None:
    notice = send_notice(
        stack, agency, "waterbedrijf-noord", "incasso@wbnoord.example", family_name="Budgeted"
    )
    dossier_id = notice.dossier_id
    claims = {"type": "notice_ack", "claims-0-office_reference": "W-B1", "claims-0-principal_creditor": "WBN"}
    answered = form_post(answer_url(stack, notice.mail.token), claims | {"claims-0-principal": "400,00"})
    assert answered.status_code == 303, answered.text
    grant = agency.claims(f"/dossiers/{dossier_id}/documents", {"content_type": "application/pdf"}).json()
    budget = b"%PDF-1.7\n% the household budget\n%%EOF\n"
    posted = requests.post(
        grant["url"], data=grant["fields"], files={"file": ("b.pdf", budget, "application/pdf")}, timeout=15
    )
    assert posted.status_code in (200, 201, 204)
    proposed = agency.claims(
        f"/dossiers/{dossier_id}/proposals",
        {"kind": "buy_out", "percentage_bp": 5_000, "budget_document_id": grant["document_id"]},
    )
    assert proposed.status_code == 201, proposed.text
    proposal_id = proposed.json()["messages"][0]["message_id"]
    deliver(
        OfficeDelivery(
            dossier_id=dossier_id,
            message_id=proposal_id,
            office_id="waterbedrijf-noord",
            agency_id="ocmw-gent",
            message_type="proposal",
            created_at=utc_now(),
        )
    )
    mail = wait_for(
        lambda: next(
            (
                m
                for m in mails_about(stack, dossier_id, "incasso@wbnoord.example")
                if m.token != notice.mail.token
            ),
            None,
        ),
        timeout_s=10,
    )

    page = requests.get(f"{mail.link}?lang=en", timeout=15)

    assert page.status_code == 200
    href = f"/notifications/r/{mail.token}/documents/{grant['document_id']}"
    assert f'href="{stack.base_url}{href}"' in page.text or f'href="{href}"' in page.text
    assert "Download (PDF, 1 KB)" in page.text
    downloaded = requests.get(f"{stack.base_url}{href}", timeout=15)  # 303 to a link signed for minutes
    assert downloaded.status_code == 200
    assert downloaded.content == budget
    # the notice's link opens no document, nor does an id the proposal does not carry
    assert (
        requests.get(
            f"{stack.base_url}/notifications/r/{notice.mail.token}/documents/{grant['document_id']}",
            timeout=15,
        ).status_code
        == 404
    )
    assert (
        requests.get(
            f"{stack.base_url}/notifications/r/{mail.token}/documents/{new_id()}", timeout=15
        ).status_code
        == 404
    )
