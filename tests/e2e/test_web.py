"""The caseworker's web app (web/, built by `make web`, served at / by the local gateway) in Debian's
headless Chromium, driven by Playwright (never a downloaded browser).

A dossier is registered and answered over the API (two offices: claims, and a refusal); then, in the
browser, a caseworker signs in, finds it in the list and opens it: the person, the claims and totals,
and each answer's content. Every screen is shot in NL, FR and EN under `test-artifacts/web/` and
checked with axe-core (0 serious or critical violations); the language choice survives a reload; the
dossier is usable at a phone's width; no request breaks the content security policy.
"""

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import requests

from tests.e2e.conftest import RunningStack, wait_for
from tests.e2e.test_dossiers import PDF, access_entries, new_person, register
from tests.e2e.test_link_page import answer_url, form_post, mails_about
from tests.e2e.test_negotiation import Agency, Office, claim
from tests.e2e.test_slice import ANNA
from tests.e2e.web import LANGUAGES, Screens, app_browser, sign_in

SIGN_IN = {"nl": "Aanmelden", "fr": "Se connecter", "en": "Sign in"}
DOSSIERS = "Dossiers"  # the same word in all three
CREDITORS = {"nl": "Schuldeisers", "fr": "Créanciers", "en": "Creditors"}
NO_COOPERATION = {"nl": "Geen medewerking", "fr": "Pas de coopération", "en": "No cooperation"}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def answered(stack: RunningStack) -> dict[str, str]:
    """A dossier of Anna's agency, notified to two offices: Van Hove answered with claims, Lambert refused."""
    agency = Agency(stack, ANNA)
    body = new_person("Webtest")
    dossier_id = register(agency, body)
    sent = agency.claims(f"/dossiers/{dossier_id}/notices", {"office_ids": ["vanhove", "lambert"]})
    assert sent.status_code == 201, sent.text
    vanhove, lambert = Office(stack, "vanhove"), Office(stack, "lambert")
    reply = {
        "type": "notice_ack",
        "file_references": ["VH/2026/0815"],
        "claims": [claim("VH-1", 120_000, interest=4_550, costs=9_875, paid=20_000), claim("VH-2", 35_050)],
    }
    answer = vanhove.reply(dossier_id, vanhove.message(dossier_id, "notice")["message_id"], reply)
    assert answer.status_code == 201, answer.text
    refusal = {"type": "no_cooperation", "reason": "unknown_person"}
    refused = lambert.reply(dossier_id, lambert.message(dossier_id, "notice")["message_id"], refusal)
    assert refused.status_code == 201, refused.text
    return {
        "dossier_id": dossier_id,
        "reference": "GENT-WEB-0001",
        "family_name": body["person"]["family_name"],
    }


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with app_browser() as context:
        yield context


def test_a_caseworker_signs_in_finds_the_dossier_and_reads_every_answer(
    stack: RunningStack, browser: Any, answered: dict[str, str]
) -> None:
    from playwright.sync_api import expect

    screens = Screens(browser.new_page())
    page = screens.page
    page.goto(f"{stack.base_url}/")

    for language in LANGUAGES:  # the sign-in screen, in each language
        screens.choose(language)
        expect(page.get_by_role("heading", level=1)).to_have_text(SIGN_IN[language])
        screens.shoot_and_check(f"01-sign-in-{language}")

    # English now: a wrong password is said, then the right one signs in
    page.get_by_label("Email address").fill(ANNA)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Wrong email address or password.")
    page.get_by_label("Password").fill(stack.password)
    page.get_by_label("Password").press("Enter")  # the keyboard submits the form (what `sign_in` does)
    expect(page.get_by_role("heading", level=1)).to_have_text(DOSSIERS)

    link = page.get_by_role("link", name=answered["dossier_id"])
    expect(link).to_be_visible()
    # its replies are in and its standstill ends in three months: no deadline within 7 days
    due_soon = page.get_by_label("Only with a deadline within 7 days")
    with page.expect_response(lambda r: "deadline_within_days" in r.url):
        due_soon.check()
    expect(page.get_by_text("Loading…")).to_have_count(0)  # the filtered list shown, not its loading
    expect(link).to_have_count(0)
    due_soon.uncheck()
    expect(link).to_be_visible()
    for language in LANGUAGES:
        screens.choose(language)
        expect(link).to_be_visible()
        screens.shoot_and_check(f"02-dossiers-{language}")

    link.click()
    expect(page).to_have_url(f"{stack.base_url}/dossiers/{answered['dossier_id']}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(answered["family_name"])
    expect(page.get_by_role("heading", name=CREDITORS["en"])).to_be_visible()
    reads = len(access_entries(stack, answered["dossier_id"]))
    for language in LANGUAGES:
        screens.choose(language)
        expect(page.get_by_role("heading", name=CREDITORS[language])).to_be_visible()
        expect(page.get_by_text(NO_COOPERATION[language], exact=True)).to_be_visible()
        screens.shoot_and_check(f"03-dossier-{language}")

    assert len(access_entries(stack, answered["dossier_id"])) == reads  # another language reads nothing again

    # English last: the claims, their amounts to the cent, and what each answer said
    text = page.locator("main").inner_text()
    for expected in (
        "VH-1",
        "VH-2",
        "€1,200.00",
        "€350.50",
        "VH/2026/0815",
        "the person is not known to this office",
        "Étude Lambert, huissiers de justice",  # offices by their names in the directory
    ):
        assert expected in text, expected

    # a reload keeps the language, the session (this tab) and the screen: the gateway answers the
    # app's document for /dossiers/<id>
    screens.choose("fr")
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_contain_text(answered["family_name"])
    assert page.locator("header select").input_value() == "fr"
    assert page.evaluate("document.documentElement.lang") == "fr"

    # at a phone's width nothing runs off the side of the page
    page.set_viewport_size(PHONE)
    screens.choose("nl")
    screens.shoot_and_check("04-dossier-phone-nl")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # back to the list by the keyboard; the heading of the new screen has the focus
    page.get_by_role("link", name="Alle dossiers").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(DOSSIERS)
    expect(page.get_by_role("heading", level=1)).to_be_focused()
    screens.shoot_and_check("05-dossiers-phone-nl")

    assert screens.problems == []  # nothing refused by the content security policy, no script failed


def test_the_site_and_the_apis_share_the_gateway(stack: RunningStack) -> None:
    import requests

    page = requests.get(f"{stack.base_url}/dossiers/anything", timeout=10)
    assert page.status_code == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "'unsafe-inline'" not in page.headers["Content-Security-Policy"]
    script = next(part.split('"')[0] for part in page.text.split('src="')[1:])
    asset = requests.get(f"{stack.base_url}{script}", timeout=10)
    assert asset.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert "immutable" in asset.headers["Cache-Control"]
    api = requests.get(f"{stack.base_url}/consent/dossiers", timeout=10)
    assert api.status_code == 401  # the API, as before: a token is required
    # the app's configuration: the APIs on this origin, sign-in at moto's Cognito, which the policy allows
    config = requests.get(f"{stack.base_url}/config.json", timeout=10).json()
    assert config["api_url"] == ""
    assert config["cognito_endpoint"].rstrip("/") == stack.aws_endpoint
    assert f"connect-src 'self' {stack.aws_endpoint};" in page.headers["Content-Security-Policy"]


def test_the_caseworker_opens_what_an_office_attached_and_sees_each_creditors_standstill(
    stack: RunningStack, browser: Any
) -> None:
    from playwright.sync_api import expect

    agency = Agency(stack, ANNA)
    dossier_id = register(agency, new_person("Bijlage"))
    sent = agency.claims(f"/dossiers/{dossier_id}/notices", {"office_ids": ["vanhove"]})
    assert sent.status_code == 201, sent.text
    (mail,) = wait_for(lambda: mails_about(stack, dossier_id, "dossiers@vanhove.example"), timeout_s=30)
    attachment = ("afrekening.pdf", PDF, "application/pdf")
    answered = form_post(answer_url(stack, mail.token), {"type": "notice_ack"}, attachment)
    assert answered.status_code == 303, answered.text
    view = agency.get(f"/dossiers/{dossier_id}").json()
    (standstill,) = view["standstill"]

    screens = Screens(browser.new_page())
    page = screens.page
    sign_in(page, stack.base_url, ANNA, stack.password)
    page.goto(f"{stack.base_url}/dossiers/{dossier_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bijlage")

    # the standstill, per creditor: Van Hove's runs until the dossier's end date
    table = page.get_by_role("region", name="Standstill per creditor")
    row = table.get_by_role("row", name=re.compile("Van Hove"))
    expect(row).to_contain_text("running")
    expect(row).to_contain_text(day_in_english(standstill["ends_on"]))

    # the office's attachment opens from its name: the bytes it sent
    # (a new tab goes to the short-lived link, which downloads the file and closes the tab)
    at_store = lambda request: request.url.startswith(stack.aws_endpoint)  # noqa: E731
    with page.context.expect_event("request", at_store) as requested:
        page.get_by_role("button", name="Download afrekening.pdf").click()
    assert requests.get(requested.value.url, timeout=10).content == PDF
    for language in LANGUAGES:
        screens.choose(language)
        screens.shoot_and_check(f"06-dossier-attachment-standstill-{language}")
    assert screens.problems == []


def day_in_english(iso: str) -> str:
    """A date as the app writes it in English (en-GB, medium): 6 Mar 2027."""
    moment = date.fromisoformat(iso)
    return f"{moment.day} {moment.strftime('%b')} {moment.year}"
