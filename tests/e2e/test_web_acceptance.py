"""Issue 15's acceptance, both sides in the browser: a caseworker registers a person and sends notices; in
a second browser context the offices' people answer, one request with claims and the other with a CSV;
the caseworker sees the answers and the totals and proposes a plan; the offices accept in the portal;
the caseworker records the settlement. Nothing of the exchange goes over the API but checks.
"""

import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from respite_infra.local.seed import OFFICE_USERS
from tests.e2e.conftest import RunningStack, wait_for
from tests.e2e.test_dossiers import PDF
from tests.e2e.test_slice import ANNA, be_national_number
from tests.e2e.web import Screens, app_browser, sign_in

VAN_HOVE = "Gerechtsdeurwaarders Van Hove"
LAMBERT = "Étude Lambert, huissiers de justice"
DESKS = {user.office_id: user.username for user in OFFICE_USERS}
BORN = "1983-11-02"
FAMILY = "Tweezijdig"
PERSON = {
    "Given names": "Lotte",
    "Family name": FAMILY,
    "Date of birth": BORN,
    "National number / BSN": be_national_number(BORN, 915),
    "Street": "Veldstraat",
    "House number": "12",
    "Postal code": "9000",
    "City": "Gent",
}
# Lambert's answer, as its software exports it (amounts in euros, a decimal comma)
LAMBERT_CSV = "office_reference;principal_creditor;principal;costs\r\nLB-ACC-1;Proximus;300,00;25,50\r\n"
OUTSTANDING = 180_000 + 30_000 + 2_550  # Van Hove's claim, then Lambert's principal and costs
ANSWER_SENT = "Answer sent. The message has left your inbox."
CAPACITY = "50"  # euros a month: 36 x 50.00 offered


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with app_browser() as context:
        yield context


def api(stack: RunningStack, path: str) -> Any:
    headers = {"Authorization": f"Bearer {stack.sign_in(ANNA)}"}
    response = requests.get(f"{stack.base_url}{path}", headers=headers, timeout=15)
    assert response.status_code == 200, response.text
    return response.json()


def open_in_inbox(page: Any, family_name: str) -> None:
    """The message about `family_name` in the office's inbox (paging on: the e2e stack is shared)."""
    from playwright.sync_api import expect

    link = page.get_by_role("link", name=family_name)
    expect(page.get_by_role("heading", level=1)).to_have_text("Inbox")
    page.get_by_text("Loading…").wait_for(state="detached")
    while link.count() == 0 and page.get_by_role("button", name="Show more").count() > 0:
        page.get_by_role("button", name="Show more").click()
        page.wait_for_timeout(300)
    link.click()


def euros(cents: int) -> str:
    return f"€{cents / 100:,.2f}"


def test_a_caseworker_and_two_offices_go_from_registration_to_settlement_in_the_browser(
    stack: RunningStack, browser: Any
) -> None:
    from playwright.sync_api import expect

    caseworker = Screens(browser.new_page())
    page = caseworker.page
    sign_in(page, stack.base_url, ANNA, stack.password)

    # the caseworker registers the person (consent on a signed form, uploaded) and notifies two offices
    page.get_by_role("link", name="New dossier").click()
    for label, value in PERSON.items():
        page.get_by_label(label, exact=True).first.fill(value)
    page.get_by_label("The person has read this text and agrees to it").check()
    page.get_by_label("on a signed paper form").check()
    page.get_by_label("Signed form", exact=True).set_input_files(
        {"name": "signed-form.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(FAMILY, timeout=20_000)
    dossier_id = page.url.rsplit("/", 1)[1]
    for search, office in (("van hove", VAN_HOVE), ("lambert", LAMBERT)):
        page.get_by_label("Search a creditor").fill(search)
        page.get_by_label(office).check()
    page.get_by_label("Search a creditor").fill("")
    page.get_by_role("button", name="Send notice").click()
    page.get_by_role("dialog").get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("status")).to_have_text(re.compile(r"^Sent to "))

    # a second browser context: the offices' people, one after the other
    with browser.browser.new_context() as offices:
        desk = Screens(offices.new_page())
        office_page = desk.page

        # Van Hove answers its notice with a claim
        sign_in(office_page, stack.base_url, DESKS["vanhove"], stack.password)
        open_in_inbox(office_page, FAMILY)
        expect(office_page.get_by_role("heading", level=1)).to_have_text("Notice")
        office_page.locator("#claims-0-office_reference").fill("VH-ACC-1")
        office_page.locator("#claims-0-principal_creditor").fill("Stad Gent")
        office_page.locator("#claims-0-principal").fill("1.800,00")
        office_page.get_by_role("button", name="Send the answer").click()
        expect(office_page.get_by_role("status")).to_have_text(
            "Answer sent. The message has left your inbox."
        )
        office_page.get_by_role("button", name="Sign out").click()

        # Lambert answers its notice with a CSV file
        sign_in(office_page, stack.base_url, DESKS["lambert"], stack.password)
        open_in_inbox(office_page, FAMILY)
        office_page.get_by_label("CSV file").set_input_files(
            files=[{"name": "claims.csv", "mimeType": "text/csv", "buffer": LAMBERT_CSV.encode()}]
        )
        office_page.get_by_role("button", name="Upload").click()
        expect(office_page.get_by_role("status")).to_have_text("Claims stored: 1")
        office_page.get_by_role("button", name="Sign out").click()

        # the caseworker sees both answers and the totals (consolidated asynchronously)
        consolidated = wait_for(
            lambda: api(stack, f"/consent/dossiers/{dossier_id}")["totals"]["outstanding"] == OUTSTANDING,
            timeout_s=60,
        )
        assert consolidated
        page.reload()
        main = page.locator("main")
        for seen in ("VH-ACC-1", "LB-ACC-1", euros(OUTSTANDING), VAN_HOVE, LAMBERT):
            expect(main).to_contain_text(seen)

        # and proposes a plan: 36 months of the capacity, previewed, then sent
        page.get_by_label("Monthly repayment capacity (€)").fill(CAPACITY)
        offered = int(CAPACITY) * 100 * 36
        preview = page.locator("#preview ~ p")
        expect(preview).to_have_text(f"Offered: {euros(offered)} of {euros(OUTSTANDING)} outstanding.")
        page.get_by_role("button", name="Send the proposal").click()
        page.get_by_role("dialog").get_by_role("button", name="Send the proposal").click()
        expect(page.get_by_role("dialog")).to_be_hidden()

        # both offices accept it in the portal
        for office_id in ("vanhove", "lambert"):
            sign_in(office_page, stack.base_url, DESKS[office_id], stack.password)
            open_in_inbox(office_page, FAMILY)
            expect(office_page.get_by_role("heading", level=1)).to_have_text("Proposal")
            office_page.get_by_label("Answer with").select_option("proposal_accept")
            office_page.get_by_role("button", name="Send the answer").click()
            expect(office_page.get_by_role("status")).to_have_text(ANSWER_SENT)
            office_page.get_by_role("button", name="Sign out").click()
        assert desk.problems == []

    # the caseworker records the settlement
    page.reload()
    negotiation = page.get_by_role("region", name="Answers per creditor", exact=True)
    expect(negotiation.get_by_text("Accepted", exact=True)).to_have_count(2)
    page.get_by_role("button", name="Record the settlement").click()
    page.get_by_role("dialog").get_by_role("button", name="Record the settlement").click()
    expect(page.get_by_role("dialog")).to_be_hidden()
    assert api(stack, f"/consent/dossiers/{dossier_id}")["state"] == "settled"
    stored = api(stack, f"/claims/dossiers/{dossier_id}/negotiation")
    assert sum(part["offered"] for part in stored["parts"]) == offered
    assert caseworker.problems == []
