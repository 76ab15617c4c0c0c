"""The caseworker's actions in the web app (web/, served at / by the local gateway), in Debian's headless
Chromium driven by Playwright: registration with the consent text in the person's language and the
signed paper form uploaded by the browser straight to S3 (the bucket's CORS as deployed), notices to
offices picked by name, a status request, the feed with its unread count, the statement of debts, and
the access log for an agency admin. What the browser did is checked over the API: the offices have the
messages, an office answers, the caseworker sees it. Every screen is shot in NL, FR and EN under
`test-artifacts/web/` and checked with axe-core.
"""

import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.e2e.conftest import RunningStack, wait_for
from tests.e2e.test_dossiers import BRAM, PDF, Client
from tests.e2e.test_negotiation import Office, claim
from tests.e2e.test_slice import ANNA, be_national_number, registration
from tests.e2e.web import LANGUAGES, Screens, app_browser, sign_in

PHONE = {"width": 390, "height": 844}
REGISTRATION = {
    "nl": "Nieuw dossier registreren",
    "fr": "Enregistrer un nouveau dossier",
    "en": "Register a new dossier",
}
MESSAGES = {"nl": "Aanmeldingen en vragen", "fr": "Notifications et demandes", "en": "Notices and requests"}
FEED = {"nl": "Meldingen", "fr": "Fil d\u2019activité", "en": "Feed"}  # a typographic apostrophe
STATEMENT = {"nl": "Schuldenoverzicht", "fr": "Relevé des dettes", "en": "Statement of debts"}
ACCESS_LOG = {"nl": "Toegangslogboek", "fr": "Journal des accès", "en": "Access log"}
VAN_HOVE = "Gerechtsdeurwaarders Van Hove"
LAMBERT = "Étude Lambert, huissiers de justice"
BORN = "1979-03-14"
PERSON = {
    "Given names": "Marie",
    "Family name": "Webregistratie",
    "Date of birth": BORN,
    "National number / BSN": be_national_number(BORN, 321),
    "Street": "Kouter",
    "House number": "5",
    "Postal code": "9000",
    "City": "Gent",
    "Your file number (optional)": "GENT-WEB-0002",
}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with app_browser() as context:
        yield context


def api(stack: RunningStack, username: str, path: str) -> Any:
    response = requests.get(
        f"{stack.base_url}{path}", headers={"Authorization": f"Bearer {stack.sign_in(username)}"}, timeout=15
    )
    assert response.status_code == 200, response.text
    return response.json()


def shoot_in_every_language(screens: Screens, name: str, visible: dict[str, str]) -> None:
    """The screen in NL, FR and EN (each with its own words showing), shot and checked; English after."""
    from playwright.sync_api import expect

    for language in LANGUAGES:
        screens.choose(language)
        expect(screens.page.get_by_text(visible[language], exact=True).first).to_be_visible()
        screens.shoot_and_check(f"{name}-{language}")
    screens.choose("en")


def test_a_caseworker_registers_a_person_notifies_offices_and_follows_the_answers(
    stack: RunningStack, browser: Any
) -> None:
    from playwright.sync_api import expect

    screens = Screens(browser.new_page())
    page = screens.page
    sign_in(page, stack.base_url, ANNA, stack.password)

    # the registration opens from the list; its heading takes the focus
    page.get_by_role("link", name="New dossier").click()
    expect(page).to_have_url(f"{stack.base_url}/dossiers/new")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(REGISTRATION["en"])
    expect(heading).to_be_focused()
    shoot_in_every_language(screens, "10-registration", REGISTRATION)

    for label, value in PERSON.items():
        page.get_by_label(label, exact=True).first.fill(value)
    # the person reads French: the consent text is the API's French one, whatever the app's language
    french = api(stack, ANNA, "/consent/consent-texts/v1?lang=fr")
    page.get_by_label("The person's language").select_option("fr")
    consent = page.get_by_role("region", name=re.compile("Consent text"))
    expect(consent).to_have_text(french["text"])
    assert consent.get_attribute("lang") == "fr"
    page.get_by_label("The person has read this text and agrees to it").check()
    page.get_by_label("on a signed paper form").check()
    page.get_by_label("Signed form", exact=True).set_input_files(
        {"name": "signed-form.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    screens.shoot_and_check("11-registration-filled-en")

    # the API's complaint shows next to its field (the reference is shown in lists: no '#')
    reference = page.get_by_label("Your file number (optional)")
    reference.fill("GENT#WEB")
    register = page.get_by_role("button", name="Register")
    register.click()
    expect(page.get_by_role("alert")).to_contain_text("Correct the fields marked below.")
    expect(reference).to_have_attribute("aria-invalid", "true")
    expect(reference).to_be_focused()  # the keyboard starts at the field to correct
    expect(page.locator("#reg-agencyReference-error")).to_be_visible()
    screens.shoot_and_check("11-registration-problem-en")
    # the browser reports the refused request itself: expected here, and the only report so far
    assert [p for p in screens.problems if "status of 422" not in p] == []
    screens.problems.clear()
    reference.fill(PERSON["Your file number (optional)"])

    register.dblclick()  # a double click registers once (one Idempotency-Key for one request)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Webregistratie", timeout=20_000)
    dossier_id = page.url.rsplit("/", 1)[1]

    # over the API: one dossier for the person, registered (the signed form is in), consent in French
    listed = api(stack, ANNA, "/consent/dossiers?limit=100")["dossiers"]
    assert [d["dossier_id"] for d in listed if d.get("agency_reference") == "GENT-WEB-0002"] == [dossier_id]
    evidence = api(stack, ANNA, f"/consent/dossiers/{dossier_id}/consent")
    assert evidence["language"] == "fr"
    assert evidence["signed_form"]["content_type"] == "application/pdf", evidence
    assert api(stack, ANNA, f"/consent/dossiers/{dossier_id}")["state"] == "registered"

    # notices to two offices, picked by name (the search keeps what was picked)
    expect(page.get_by_role("heading", name=MESSAGES["en"])).to_be_visible()
    search = page.get_by_label("Search a creditor")
    search.fill("van hove")
    page.get_by_label(VAN_HOVE).check()
    search.fill("etude")  # no accent, no capital
    expect(page.get_by_label(VAN_HOVE)).to_have_count(0)
    page.get_by_label(LAMBERT).check()
    search.fill("")
    shoot_in_every_language(screens, "12-dossier-notices", MESSAGES)
    page.get_by_role("button", name="Send notice").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(f"A notice goes to {VAN_HOVE} and {LAMBERT}.")
    screens.shoot_and_check("13-confirm-notices-en")
    dialog.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("status")).to_have_text(re.compile(r"^Sent to "))
    expect(page.get_by_label(VAN_HOVE).first).to_be_disabled()  # already notified now

    # a status request to Van Hove
    page.get_by_role("group", name="Follow-up").get_by_label(VAN_HOVE).check()
    page.get_by_role("button", name="Request status").click()
    expect(page.get_by_role("dialog")).to_contain_text(f"A status request goes to {VAN_HOVE}.")
    page.get_by_role("dialog").get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("status")).to_have_text(f"Sent to {VAN_HOVE}.")

    # the offices have the messages; Van Hove answers its notice with claims
    vanhove, lambert = Office(stack, "vanhove"), Office(stack, "lambert")
    notice = vanhove.message(dossier_id, "notice")
    assert lambert.message(dossier_id, "notice")
    assert vanhove.message(dossier_id, "status_request")
    reply = {
        "type": "notice_ack",
        "file_references": ["VH/2026/0999"],
        "claims": [claim("VH-WEB-1", 150_000, interest=1_234), claim("VH-WEB-2", 20_050)],
    }
    answered = vanhove.reply(dossier_id, notice["message_id"], reply)
    assert answered.status_code == 201, answered.text

    # the feed shows the answer, with the unread count in the header; marking it read lowers the count
    def answer_in_feed() -> Any:
        feed = api(stack, ANNA, "/notifications/feed?limit=200")
        replies = [i for i in feed["items"] if i["kind"] == "reply_received"]
        return next((i for i in replies if i["dossier_id"] == dossier_id), None)

    item = wait_for(answer_in_feed, timeout_s=30)
    assert not item["read"]
    page.get_by_role("link", name=re.compile(r"^Feed")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(FEED["en"])
    expect(page.get_by_role("heading", level=1)).to_be_focused()
    unread = api(stack, ANNA, "/notifications/feed?limit=1")["unread"]
    badge = page.locator("header .feed-link .count")
    expect(badge).to_have_text(str(unread))
    expect(page.get_by_text(f"{unread} unread", exact=True).first).to_be_attached()
    shoot_in_every_language(screens, "14-feed", FEED)

    answer = page.locator("ul.feed > li", has=page.get_by_role("link", name=re.compile(dossier_id))).filter(
        has_text="Reply received"
    )
    expect(answer).to_have_count(1)
    answer.get_by_role("button", name=re.compile("^Mark as read")).click()
    if unread > 1:
        expect(badge).to_have_text(str(unread - 1))
    else:
        expect(badge).to_have_count(0)  # nothing unread: no badge
    expect(page.get_by_text(f"{unread - 1} unread", exact=True).first).to_be_attached()
    assert api(stack, ANNA, "/notifications/feed?limit=1")["unread"] == unread - 1
    assert answer_in_feed()["read"]

    # the item opens its dossier: the creditor by name, the statement of debts with the claims
    answer.get_by_role("link", name=re.compile(dossier_id)).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Webregistratie")
    expect(page.get_by_role("heading", name=VAN_HOVE, level=3)).to_be_visible()
    page.get_by_role("button", name="Show the statement of debts").click()
    statement = page.get_by_role("region", name=re.compile("^Statement of debts: "))
    expect(statement).to_contain_text("VH-WEB-1")
    for expected in ("VH-WEB-2", "€1,500.00", "€200.50", VAN_HOVE):
        expect(statement).to_contain_text(expected)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download as CSV").click()
    assert "VH-WEB-1" in download.value.path().read_text(encoding="utf-8-sig")
    with page.expect_download() as printable:
        page.get_by_role("button", name="Download as PDF").click()
    assert printable.value.path().read_bytes().startswith(b"%PDF")
    shoot_in_every_language(screens, "15-dossier-statement", STATEMENT)
    # a caseworker has no access log to see
    expect(page.get_by_role("heading", name=ACCESS_LOG["en"])).to_have_count(0)

    # at a phone's width nothing runs off the side
    page.set_viewport_size(PHONE)
    screens.shoot_and_check("16-dossier-phone-en")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.goto(f"{stack.base_url}/dossiers/new")
    expect(page.get_by_role("heading", level=1)).to_have_text(REGISTRATION["en"])
    expect(page.get_by_role("region", name=re.compile("Consent text"))).to_be_visible()
    screens.shoot_and_check("17-registration-phone-en")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    assert screens.problems == []  # nothing refused by the content security policy, no script failed

    # the agency admin, in a tab of their own (the session is the tab's), reads who read the dossier
    admin = Screens(browser.new_page())
    sign_in(admin.page, stack.base_url, BRAM, stack.password)
    admin.page.goto(f"{stack.base_url}/dossiers/{dossier_id}")
    admin.page.get_by_role("button", name="Show the access log").click()
    log = admin.page.get_by_role("region", name=re.compile("^Access log: "))
    expect(log).to_contain_text("registered")
    expect(log).to_contain_text("sent to creditors")
    shoot_in_every_language(admin, "18-access-log", ACCESS_LOG)
    assert admin.problems == []


def test_the_documents_bucket_answers_the_sites_origin_only(stack: RunningStack) -> None:
    """A presigned upload from another origin is stored by S3 but unreadable to its page (no CORS
    headers); from the site's origin the answer carries them, as the bucket's CORS rule says."""
    anna = Client(stack, ANNA)
    body = registration(be_national_number(BORN, 322), "Origin", BORN)
    body["consent"]["channel"] = "signed_paper_form"
    registered = anna.post("/dossiers", body)
    assert registered.status_code == 201, registered.text
    dossier_id = registered.json()["dossier_id"]

    def upload(origin: str) -> requests.Response:
        form = anna.post(f"/dossiers/{dossier_id}/consent/form-upload", {"content_type": "application/pdf"})
        assert form.status_code == 201, form.text
        presigned = form.json()
        files = {"file": ("form.pdf", PDF, "application/pdf")}
        return requests.post(
            presigned["url"], data=presigned["fields"], files=files, headers={"Origin": origin}, timeout=15
        )

    foreign = upload("https://elsewhere.example")
    assert foreign.status_code == 204
    assert "Access-Control-Allow-Origin" not in foreign.headers
    site = upload(stack.base_url)
    assert site.status_code == 204
    assert site.headers["Access-Control-Allow-Origin"] == stack.base_url
