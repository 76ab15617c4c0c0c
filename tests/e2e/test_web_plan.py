"""The caseworker's actions in the web app (issue 15): a payment plan with its live preview, the
negotiation to a settlement, and the dossier's end, in Debian's headless Chromium.

Dossiers are registered and answered over the API; in the browser a caseworker types a plan and sees
its preview change, sends it, and records the settlement once the offices accepted (over the API);
the figures the preview showed are the ones the API stored. On a second dossier the caseworker
withdraws consent through its confirmation (Escape first: nothing happens). Every screen is shot in
NL, FR and EN under `test-artifacts/web/` and checked with axe-core.
"""

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import RunningStack
from tests.e2e.test_dossiers import Client, new_person, register
from tests.e2e.test_negotiation import Agency, Office, claim
from tests.e2e.test_slice import ANNA, SANNE
from tests.e2e.web import LANGUAGES, Screens, app_browser, sign_in

CLAIMS = {
    "vanhove": [claim("VH-P1", 120_001), claim("VH-P2", 45_677, creditor_class="preferential", costs=990)],
    "lambert": [claim("L-P1", 81_243)],
}
BUDGET_PDF = b"%PDF-1.7\n% VTLB budget calculation\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NAMES = {"vanhove": "Gerechtsdeurwaarders Van Hove", "lambert": "Étude Lambert, huissiers de justice"}
OUTSTANDING = 120_001 + 45_677 + 990 + 81_243
ACTIONS = {"nl": "Acties", "fr": "Actions", "en": "Actions"}
CAPACITY = {
    "nl": "Maandelijkse aflossingscapaciteit (€)",
    "fr": "Capacité de remboursement mensuelle (€)",
    "en": "Monthly repayment capacity (€)",
}
NEGOTIATION = {"nl": "Onderhandeling", "fr": "Négociation", "en": "Negotiation"}
TRANSFER = {
    "nl": "Een dossier naar een andere dienst verhuizen",
    "fr": "Transférer un dossier à un autre service",
    "en": "Move a dossier to another agency",
}
WITHDRAW = {"nl": "Toestemming intrekken", "fr": "Retirer le consentement", "en": "Withdraw consent"}
PHONE = {"width": 390, "height": 844}
TIMES, DASH = "\N{MULTIPLICATION SIGN}", "\N{EN DASH}"  # as the app writes a schedule


def euros(cents: int) -> str:
    """An amount as the app shows it in English."""
    return f"€{cents / 100:,.2f}"


@pytest.fixture(scope="module")
def agency(stack: RunningStack) -> Agency:
    return Agency(stack, ANNA)


def answered_dossier(stack: RunningStack, agency: Agency, family_name: str) -> str:
    """A dossier of Anna's agency whose two offices answered its notices with claims of both classes."""
    dossier_id = register(agency, new_person(family_name))
    sent = agency.claims(f"/dossiers/{dossier_id}/notices", {"office_ids": list(CLAIMS)})
    assert sent.status_code == 201, sent.text
    for office_id, claims in CLAIMS.items():
        office = Office(stack, office_id)
        notice = office.message(dossier_id, "notice")["message_id"]
        answer = office.reply(dossier_id, notice, {"type": "notice_ack", "claims": claims})
        assert answer.status_code == 201, answer.text
    return dossier_id


def answer(office: Office, dossier_id: str, request: str, reply: dict[str, Any]) -> None:
    message_id = office.message(dossier_id, request)["message_id"]
    answered = office.reply(dossier_id, message_id, reply)
    assert answered.status_code == 201, answered.text


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with app_browser() as context:
        yield context


def open_dossier(screens: Screens, stack: RunningStack, dossier_id: str, family_name: str) -> None:
    from playwright.sync_api import expect

    sign_in(screens.page, stack.base_url, ANNA, stack.password)
    screens.page.goto(f"{stack.base_url}/dossiers/{dossier_id}")
    expect(screens.page.get_by_role("heading", level=1)).to_contain_text(family_name)


def rows_of(page: Any, table: str) -> dict[str, list[str]]:
    """A table's rows by their header, each as its cells' texts."""
    region = page.get_by_role("region", name=table, exact=True)
    found = {}
    for row in region.locator("tbody tr").all():
        cells = [c.strip() for c in row.locator("td").all_inner_texts()]
        found[row.locator("th").inner_text().strip()] = cells
    return found


def test_a_caseworker_previews_proposes_and_records_the_settlement(
    stack: RunningStack, agency: Agency, browser: Any
) -> None:
    from playwright.sync_api import expect

    dossier_id = answered_dossier(stack, agency, "Planpreview")
    screens = Screens(browser.new_page())
    page = screens.page
    open_dossier(screens, stack, dossier_id, "Planpreview")
    status = page.locator("#preview ~ p")  # the preview's one-line summary (a live region)

    # the preview follows what is typed: 36 months of the capacity, out of everything outstanding
    capacity = page.get_by_label(CAPACITY["en"])
    capacity.fill("40")
    expect(status).to_have_text(f"Offered: {euros(4_000 * 36)} of {euros(OUTSTANDING)} outstanding.")
    capacity.fill("43,21")
    expect(status).to_have_text(f"Offered: {euros(4_321 * 36)} of {euros(OUTSTANDING)} outstanding.")
    capacity.fill("43,2x")
    expect(page.get_by_text("Enter an amount in euros, for example 250.00.")).to_be_visible()
    capacity.fill("43.21")
    expect(status).to_have_text(f"Offered: {euros(4_321 * 36)} of {euros(OUTSTANDING)} outstanding.")
    per_creditor = page.get_by_role("region", name="Per creditor", exact=True)
    expect(per_creditor.get_by_text(NAMES["vanhove"])).to_be_visible()  # offices by their names
    previewed = rows_of(page, "Per creditor")
    by_class = rows_of(page, "Per creditor class")
    assert set(previewed) == {NAMES[office_id] for office_id in CLAIMS}
    assert set(by_class) == {"Preferential", "Ordinary"}

    for language in LANGUAGES:
        screens.choose(language)
        expect(page.get_by_role("heading", name=ACTIONS[language], exact=True)).to_be_visible()
        expect(page.get_by_label(CAPACITY[language])).to_have_value("43.21")  # kept across languages
        screens.shoot_and_check(f"20-plan-preview-{language}")
    screens.choose("en")

    # at a phone's width nothing runs off the side (the tables scroll in their own region)
    page.set_viewport_size(PHONE)
    screens.shoot_and_check("21-plan-preview-phone-en")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 900})

    # sending asks first, and says what will happen
    page.get_by_role("button", name="Send the proposal").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Each of the 2 creditors receives its part of this plan")
    screens.shoot_and_check("22-plan-confirm-en")
    with page.expect_response(lambda r: r.url.endswith("/proposals") and r.request.method == "POST") as sent:
        dialog.get_by_role("button", name="Send the proposal").click()
    assert sent.value.status == 201
    assert sent.value.request.header_value("idempotency-key")  # a retry would do nothing twice
    expect(dialog).to_be_hidden()

    # the preview's figures are what the API stored and sent
    stored = agency.claims_get(f"/dossiers/{dossier_id}/negotiation").json()
    assert stored["state"] == "negotiating"
    for part in stored["parts"]:
        low, high = min(part["monthly"]), max(part["monthly"])
        monthly = f"36 {TIMES} {euros(low)}" + ("" if low == high else f" {DASH} {euros(high)}")
        assert previewed[NAMES[part["office_id"]]] == [
            euros(part["outstanding"]),
            monthly,
            euros(part["offered"]),
        ]
        office = Office(stack, part["office_id"])
        proposal = office.message(dossier_id, "proposal")
        carried = (proposal["body"]["offered"], proposal["body"]["monthly"])
        assert carried == (part["offered"], part["monthly"])
    assert sum(p["offered"] for p in stored["parts"]) == 4_321 * 36

    # Van Hove accepts, Lambert rejects with its reason: the caseworker reads it and asks Lambert to
    # reconsider; Lambert then accepts, and the caseworker records the settlement
    vanhove, lambert = Office(stack, "vanhove"), Office(stack, "lambert")
    answer(vanhove, dossier_id, "proposal", {"type": "proposal_accept", "comment": "OK"})
    answer(lambert, dossier_id, "proposal", {"type": "proposal_reject", "reason": "Te weinig per maand"})
    page.reload()
    negotiation = page.get_by_role("region", name="Answers per creditor", exact=True)
    expect(negotiation).to_contain_text("Reason: Te weinig per maand")
    expect(negotiation.get_by_text("Rejected", exact=True)).to_have_count(1)
    expect(page.get_by_text(f"Not every creditor accepted yet: {NAMES['lambert']}.")).to_be_visible()
    expect(page.get_by_role("button", name="Record the settlement")).to_be_disabled()
    screens.shoot_and_check("23-negotiation-rejected-en")
    page.get_by_role("button", name="Ask to reconsider").click()
    expect(dialog.get_by_role("checkbox", name=NAMES["lambert"])).to_be_checked()  # the offices that rejected
    expect(dialog.get_by_role("checkbox", name=NAMES["vanhove"])).not_to_be_checked()
    dialog.get_by_label("A word for the offices (optional)").fill("Het budget laat niet meer toe.")
    screens.shoot_and_check("23-reconsider-confirm-en")
    with page.expect_response(lambda r: r.url.endswith("/reconsiderations")) as asked:
        dialog.get_by_role("button", name="Ask to reconsider").click()
    assert asked.value.status == 201
    expect(dialog).to_be_hidden()
    reconsideration = lambert.message(dossier_id, "reconsideration")
    assert reconsideration["body"]["comment"] == "Het budget laat niet meer toe."
    answer(lambert, dossier_id, "reconsideration", {"type": "proposal_accept"})
    page.reload()
    expect(negotiation.get_by_text("Accepted", exact=True)).to_have_count(2)
    for language in LANGUAGES:
        screens.choose(language)
        expect(page.get_by_role("heading", name=NEGOTIATION[language], exact=True)).to_be_visible()
        screens.shoot_and_check(f"23-negotiation-{language}")
    screens.choose("en")

    page.get_by_role("button", name="Record the settlement").click()
    expect(dialog).to_contain_text("the standstill ends today")
    dialog.get_by_role("button", name="Record the settlement").click()
    expect(page.locator(".subtitle .state")).to_have_text("settled")
    assert agency.claims_get(f"/dossiers/{dossier_id}/negotiation").json()["state"] == "settled"
    screens.shoot_and_check("24-settled-en")
    assert screens.problems == []


def test_a_caseworker_withdraws_consent_after_confirming_and_escape_cancels(
    stack: RunningStack, agency: Agency, browser: Any
) -> None:
    from playwright.sync_api import expect

    dossier_id = register(agency, new_person("Withdrawing"))
    screens = Screens(browser.new_page())
    page = screens.page
    open_dossier(screens, stack, dossier_id, "Withdrawing")
    dialog = page.get_by_role("dialog")

    for language in LANGUAGES:  # the confirmation says what will happen; Escape cancels it
        screens.choose(language)
        page.get_by_role("button", name=WITHDRAW[language], exact=True).click()
        expect(dialog).to_be_visible()
        assert page.evaluate("document.querySelector('dialog[open]').contains(document.activeElement)")
        page.keyboard.press("Tab")  # the focus stays in the dialog
        assert page.evaluate("document.querySelector('dialog[open]').contains(document.activeElement)")
        screens.shoot_and_check(f"25-withdraw-confirm-{language}")
        page.keyboard.press("Escape")
        expect(dialog).to_be_hidden()
    assert agency.get(f"/dossiers/{dossier_id}").status_code == 200  # nothing happened

    screens.choose("en")
    page.get_by_role("button", name=WITHDRAW["en"], exact=True).click()
    expect(dialog).to_contain_text("Their personal data becomes unreadable at once")
    with page.expect_response(lambda r: r.url.endswith("/consent/withdrawal")) as withdrawn:
        dialog.get_by_role("button", name=WITHDRAW["en"], exact=True).click()
    assert withdrawn.value.status == 200
    assert withdrawn.value.request.header_value("idempotency-key")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossiers")  # back to the list
    assert agency.get(f"/dossiers/{dossier_id}").status_code in (404, 410)  # the person is unreadable
    assert screens.problems == []


def test_an_operator_moves_a_dossier_and_only_an_operator_sees_the_move(
    stack: RunningStack, agency: Agency, browser: Any
) -> None:
    from playwright.sync_api import expect

    dossier_id = register(agency, new_person("Moving"))
    screens = Screens(browser.new_page())
    page = screens.page
    sign_in(page, stack.base_url, "olga@respite.example", stack.password)
    for language in LANGUAGES:
        screens.choose(language)
        expect(page.get_by_role("heading", level=1)).to_have_text(TRANSFER[language])
        screens.shoot_and_check(f"26-transfer-{language}")
    screens.choose("en")
    page.get_by_label("Dossier id").fill(dossier_id)
    page.get_by_label("To agency (id)").fill("shv-utrecht")
    page.get_by_label("Reason (the new agency sees it)").fill("moved to Utrecht")
    page.get_by_role("button", name="Move the dossier").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("The current agency can no longer read it from now on.")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert agency.get(f"/dossiers/{dossier_id}").status_code == 200  # Escape: nothing moved
    page.get_by_role("button", name="Move the dossier").click()
    dialog.get_by_role("button", name="Move the dossier").click()
    expect(page.get_by_role("status")).to_have_text(f"Dossier {dossier_id} was moved to shv-utrecht.")
    assert agency.get(f"/dossiers/{dossier_id}").status_code == 404  # Gent lost it at once
    assert Client(stack, SANNE).get(f"/dossiers/{dossier_id}").status_code == 200
    assert screens.problems == []

    caseworker = Screens(browser.new_page())  # a caseworker's app has no such screen
    sign_in(caseworker.page, stack.base_url, ANNA, stack.password)
    expect(caseworker.page.get_by_role("heading", level=1)).to_have_text("Dossiers")
    expect(caseworker.page.get_by_text(TRANSFER["en"])).to_have_count(0)


def test_a_proposal_to_an_office_that_needs_the_budget_carries_the_pdf_chosen_in_the_form(
    stack: RunningStack, agency: Agency, browser: Any
) -> None:
    from playwright.sync_api import expect

    dossier_id = register(agency, new_person("Planbudget"))
    sent = agency.claims(f"/dossiers/{dossier_id}/notices", {"office_ids": ["waterbedrijf-noord"]})
    assert sent.status_code == 201, sent.text
    water = Office(stack, "waterbedrijf-noord")
    answer(water, dossier_id, "notice", {"type": "notice_ack", "claims": [claim("WB-1", 64_800)]})
    screens = Screens(browser.new_page())
    page = screens.page
    open_dossier(screens, stack, dossier_id, "Planbudget")

    page.get_by_label(CAPACITY["en"]).fill("25")
    expect(
        page.get_by_text("These offices accept a proposal only with the budget calculation")
    ).to_be_visible()
    page.get_by_label("Budget calculation (VTLB), PDF").set_input_files(
        {"name": "vtlb-2027.pdf", "mimeType": "application/pdf", "buffer": BUDGET_PDF}
    )
    screens.shoot_and_check("27-plan-budget-en")
    page.get_by_role("button", name="Send the proposal").click()
    with page.expect_response(
        lambda r: r.url.endswith("/proposals") and r.request.method == "POST"
    ) as sent_now:
        page.get_by_role("dialog").get_by_role("button", name="Send the proposal").click()
    assert sent_now.value.status == 201
    expect(page.get_by_role("dialog")).to_be_hidden()

    # the office's proposal carries the budget the caseworker chose, byte for byte
    proposal = water.message(dossier_id, "proposal")
    (document,) = proposal["documents"]
    assert document["size_bytes"] == len(BUDGET_PDF)
    assert document["sha256"] == hashlib.sha256(BUDGET_PDF).hexdigest()
    assert screens.problems == []
