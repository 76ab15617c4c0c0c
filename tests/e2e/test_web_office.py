"""The office portal of the web app in Debian's headless Chromium: a person at an office (a Cognito user
in the group `office-vanhove`) signs in on the same screen as caseworkers and works the office's inbox.

Over the API, Anna's agency notifies three dossiers to Van Hove (one also to Lambert). In the browser,
Van Hove's desk sees them in the inbox and downloads it as CSV; answers the first with claims (a title, a
garnishment, a public sale: the API's validation error is shown beside its field first); answers the
second with a CSV file (a file with no valid row first: its rows listed); acknowledges the third. A
proposal is read, its budget PDF downloaded, and accepted. Over the API the caseworker's dossier view
then holds those claims. A person added to a newly registered office's group sets its webhook and makes
a new secret (Van Hove's own stay as they are: the e2e stack is shared). A caseworker in a second
browser context gets no portal, and a caseworker's access token is refused on every office route; an
office's person sees only the office's own messages. Every screen is shot in NL, FR and EN under
`test-artifacts/web/` and checked with axe-core; the screens fit a phone's width.
"""

import json
import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
import requests

from respite_infra.local.seed import OFFICE_USERS
from tests.e2e.conftest import RunningStack
from tests.e2e.test_creditor_records import register_office
from tests.e2e.test_dossiers import new_person, register
from tests.e2e.test_negotiation import Agency, Office, claim
from tests.e2e.test_slice import ANNA
from tests.e2e.web import LANGUAGES, Screens, app_browser, sign_in

DESK = next(user.username for user in OFFICE_USERS if user.office_id == "vanhove")
INBOX = {"nl": "Inbox", "fr": "Boîte de réception", "en": "Inbox"}
ANSWER = {"nl": "Antwoorden", "fr": "Répondre", "en": "Answer"}
WEBHOOK = "Webhook"  # the same word in all three
PHONE = {"width": 390, "height": 844}
CSV = "office_reference;principal_creditor;principal;costs\r\nVH-CSV-1;Proximus;812,40;50,00\r\n"


def tokens_of(stack: RunningStack, username: str) -> dict[str, str]:
    signed_in = requests.post(
        f"{stack.base_url}/local/sign-in",
        json={"username": username, "password": stack.password},
        timeout=10,
    )
    assert signed_in.status_code == 200, signed_in.text
    return dict(signed_in.json())


def in_inbox(page: Any, family_name: str, more: str = "Show more") -> Any:
    """The inbox's link to a message about `family_name`, paging on ("Show more") until it shows: the
    e2e stack is shared, so an office's inbox may hold other tests' messages (oldest first)."""
    link = page.get_by_role("link", name=family_name)
    page.get_by_role("heading", level=1).wait_for()
    page.get_by_text("Loading…").wait_for(state="detached")
    while link.count() == 0 and page.get_by_role("button", name=more).count() > 0:
        page.get_by_role("button", name=more).click()
        page.wait_for_timeout(300)
    return link


@pytest.fixture(scope="module")
def notified(stack: RunningStack) -> dict[str, dict[str, str]]:
    """Three dossiers of Anna's agency notified to Van Hove; the first also to Lambert."""
    agency = Agency(stack, ANNA)
    dossiers: dict[str, dict[str, str]] = {}
    for name, offices in (
        ("claims", ["vanhove", "lambert"]),
        ("csv", ["vanhove"]),
        ("acknowledge", ["vanhove"]),
    ):
        body = new_person(f"Portal{name.capitalize()}")
        dossier_id = register(agency, body)
        sent = agency.claims(f"/dossiers/{dossier_id}/notices", {"office_ids": offices})
        assert sent.status_code == 201, sent.text
        by_office = {m["office_id"]: m["message_id"] for m in sent.json()["messages"]}
        dossiers[name] = {"dossier_id": dossier_id, "family_name": body["person"]["family_name"], **by_office}
    return dossiers


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with app_browser() as context:
        yield context


def test_an_office_user_works_the_inbox_in_the_portal(
    stack: RunningStack, browser: Any, notified: dict[str, dict[str, str]]
) -> None:
    from playwright.sync_api import expect

    screens = Screens(browser.new_page())
    page = screens.page
    sign_in(page, stack.base_url, DESK, stack.password)
    expect(page.get_by_role("heading", level=1)).to_have_text(INBOX["en"])
    assert page.url == f"{stack.base_url}/office"

    first = notified["claims"]
    for name in ("acknowledge", "csv", "claims"):  # the newest last
        expect(in_inbox(page, notified[name]["family_name"])).to_be_visible()
    link = page.get_by_role("link", name=first["family_name"])
    for language in LANGUAGES:
        screens.choose(language)
        expect(page.get_by_role("heading", level=1)).to_have_text(INBOX[language])
        screens.shoot_and_check(f"10-office-inbox-{language}")

    # the inbox as CSV: one row per message
    screens.choose("en")
    with page.expect_download() as downloaded:
        page.get_by_role("button", name="Download the inbox as CSV").click()
    inbox_csv = open(downloaded.value.path(), encoding="utf-8").read()  # noqa: SIM115
    assert first["dossier_id"] in inbox_csv  # every page of it, under one header row
    assert inbox_csv.count("message_id") == 1

    # a notice: the request, the person as far as the office may see, the answer form
    link.click()
    expect(page).to_have_url(f"{stack.base_url}/office/messages/{first['dossier_id']}/{first['vanhove']}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Notice")
    expect(page.get_by_text(first["family_name"])).to_be_visible()
    for language in LANGUAGES:
        screens.choose(language)
        expect(page.get_by_role("heading", name=ANSWER[language], exact=True)).to_be_visible()
        screens.shoot_and_check(f"11-office-message-{language}")
    screens.choose("en")

    # two claims: the whole claim model; the API's own validation comes back beside the field
    page.locator("#claims-0-office_reference").fill("VH-WEB-1")
    page.locator("#claims-0-principal_creditor").fill("Stad Gent")
    page.locator("#claims-0-principal").fill("1.200,00")
    page.locator("#claims-0-interest").fill("45,50")
    page.locator("#claims-0-costs").fill("98,75")
    page.locator("#claims-0-title_kind").select_option("judgment")
    page.locator("#claims-0-title_description").fill("Vonnis vrederechter Gent 2025/123")
    page.get_by_label("Garnishment laid").check()
    page.get_by_role("button", name="Add a claim").click()
    page.locator("#claims-1-office_reference").fill("VH-WEB-2")
    page.locator("#claims-1-principal_creditor").fill("De Lijn")
    page.locator("#claims-1-creditor_class").select_option("preferential")
    page.locator("#claims-1-principal").fill("350,5")
    page.locator("#claims-1-public_sale_announced_on").fill("2099-01-01")  # beyond five years: refused
    page.get_by_role("button", name="Send the answer").click()
    error = page.locator("#claims-1-public_sale_announced_on-error")
    expect(error).to_be_visible()
    expect(page.locator("#claims-1-public_sale_announced_on")).to_have_attribute("aria-invalid", "true")
    screens.shoot_and_check("12-office-answer-invalid-en")
    sale = date.today() + timedelta(days=40)
    page.locator("#claims-1-public_sale_announced_on").fill(sale.isoformat())
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_role("status")).to_have_text("Answer sent. The message has left your inbox.")
    expect(page.get_by_role("heading", level=1)).to_have_text(INBOX["en"])
    expect(page.get_by_role("link", name=first["family_name"])).to_have_count(0)

    # the second: answered with a CSV file
    second = notified["csv"]
    in_inbox(page, second["family_name"]).click()
    bad = "office_reference;principal_creditor;principal\r\nVH-BAD;Proximus;twelve\r\n"
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": bad.encode()}]
    )
    page.get_by_role("button", name="Upload").click()
    rejected = page.get_by_role("alert").filter(has_text="Rows rejected:")
    expect(rejected).to_contain_text("line 2, principal")  # no valid row: nothing answered
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "claims.csv", "mimeType": "text/csv", "buffer": CSV.encode()}]
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("status")).to_have_text("Claims stored: 1")
    expect(page.get_by_role("link", name=second["family_name"])).to_have_count(0)

    # the third: acknowledged, at a phone's width (nothing runs off the side)
    third = notified["acknowledge"]
    page.set_viewport_size(PHONE)
    screens.choose("nl")
    screens.shoot_and_check("13-office-inbox-phone-nl")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    in_inbox(page, third["family_name"], more="Meer tonen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aanmelding")
    screens.shoot_and_check("14-office-message-phone-nl")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("button", name="Bevestigen", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Bevestigd.")
    # acknowledged, it waits for its answer in the list, marked so (the API's own inbox drops it)
    acknowledged = page.locator("li", has=page.get_by_role("link", name=third["family_name"]))
    expect(acknowledged).to_contain_text("Bevestigd ")
    acknowledged.get_by_role("link").click()
    expect(page.get_by_role("button", name="Bevestigen", exact=True)).to_have_count(0)
    expect(page.get_by_text(re.compile(r"^Bevestigd \d"))).to_be_visible()
    page.get_by_role("link", name="Terug naar de inbox").click()
    page.set_viewport_size({"width": 1280, "height": 900})

    # nothing refused by the content security policy, no script failed; the browser reports the one
    # refused answer (422) too, which was expected
    assert [p for p in screens.problems if "status of 422" not in p] == []

    # over the API: the caseworker's dossier holds the claims answered in the portal
    anna = {"Authorization": f"Bearer {stack.sign_in(ANNA)}"}
    view = requests.get(f"{stack.base_url}/consent/dossiers/{first['dossier_id']}", headers=anna, timeout=10)
    assert view.status_code == 200, view.text
    claims = {c["office_reference"]: c for c in claims_in(view.json())}
    assert set(claims) == {"VH-WEB-1", "VH-WEB-2"}
    assert claims["VH-WEB-1"]["amounts"]["principal"] == 120_000
    assert claims["VH-WEB-1"]["continues_during_standstill"] is True  # the garnishment
    assert claims["VH-WEB-2"]["creditor_class"] == "preferential"
    assert claims["VH-WEB-2"]["amounts"]["principal"] == 35_050
    csv_url = f"{stack.base_url}/consent/dossiers/{second['dossier_id']}"
    csv_view = requests.get(csv_url, headers=anna, timeout=10)
    assert {c["office_reference"] for c in claims_in(csv_view.json())} == {"VH-CSV-1"}


def test_an_office_user_reads_a_proposal_downloads_its_budget_and_accepts(
    stack: RunningStack, browser: Any
) -> None:
    from playwright.sync_api import expect

    agency, vanhove = Agency(stack, ANNA), Office(stack, "vanhove")
    body = new_person("PortalProposal")
    dossier_id = register(agency, body)
    sent = agency.claims(f"/dossiers/{dossier_id}/notices", {"office_ids": ["vanhove"]})
    notice = sent.json()["messages"][0]["message_id"]
    acked = vanhove.reply(dossier_id, notice, {"type": "notice_ack", "claims": [claim("VH-P-1", 80_000)]})
    assert acked.status_code == 201, acked.text
    budget = agency.upload_budget(dossier_id)
    proposed = agency.claims(
        f"/dossiers/{dossier_id}/proposals",
        {"kind": "buy_out", "percentage_bp": 3_500, "budget_document_id": budget},
    )
    assert proposed.status_code == 201, proposed.text

    screens = Screens(browser.new_page())
    page = screens.page
    sign_in(page, stack.base_url, DESK, stack.password)
    in_inbox(page, body["person"]["family_name"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Proposal")
    expect(page.get_by_text("€280.00")).to_be_visible()  # 35 % of 800.00 €
    with page.expect_popup() as popup:
        page.get_by_role("button", name=re.compile(r"^Download budget-calculation-.*\.pdf$")).click()
    popup.value.close()
    budget = page.get_by_role("link", name=re.compile(r"^budget-calculation-.*\.pdf$"))
    expect(budget).to_be_visible()
    downloaded = requests.get(str(budget.get_attribute("href")), timeout=10)
    assert downloaded.content.startswith(b"%PDF")
    for language in LANGUAGES:
        screens.choose(language)
        screens.shoot_and_check(f"16-office-proposal-{language}")
    screens.choose("en")
    page.reload()  # the message's own link opens it again (the portal finds it in the inbox)
    expect(page.get_by_role("heading", level=1)).to_have_text("Proposal")
    page.get_by_label("Answer with").select_option("proposal_accept")
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_role("status")).to_have_text("Answer sent. The message has left your inbox.")
    assert screens.problems == []

    negotiation = agency.claims_get(f"/dossiers/{dossier_id}/negotiation")
    assert "proposal_accept" in negotiation.text


def test_a_person_added_to_a_new_offices_group_manages_its_webhook(stack: RunningStack, browser: Any) -> None:
    """An office an operator registers comes with its group; ops add a person to it (as the README says
    for AWS), who signs in to the portal and sets the office's webhook and makes a new secret."""
    from playwright.sync_api import expect

    system = register_office(stack)
    group = f"office-{system.office_id}"
    cognito = stack.aws("cognito-idp")
    pool_id = stack.environment["RESPITE_USER_POOL_CASEWORKERS"].rsplit("/", 1)[1]
    assert cognito.get_group(UserPoolId=pool_id, GroupName=group)["Group"]["GroupName"] == group
    person = f"desk@{system.office_id}.example"
    cognito.admin_create_user(
        UserPoolId=pool_id,
        Username=person,
        UserAttributes=[{"Name": "email", "Value": person}],
        MessageAction="SUPPRESS",
    )
    cognito.admin_set_user_password(
        UserPoolId=pool_id, Username=person, Password=stack.password, Permanent=True
    )
    cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=person, GroupName=group)

    with browser.browser.new_context() as context:
        screens = Screens(context.new_page())
        page = screens.page
        sign_in(page, stack.base_url, person, stack.password)
        expect(page.get_by_role("heading", level=1)).to_have_text(INBOX["en"])
        expect(page.get_by_text("No messages waiting.")).to_be_visible()

        # the webhook: its URL (the API's refusal beside the field), and a new secret shown once
        page.get_by_role("link", name=WEBHOOK).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(WEBHOOK)
        url = page.get_by_label("Webhook URL")
        url.fill("ftp://files.office.example/hook")
        page.get_by_role("button", name="Save").click()
        expect(url).to_have_attribute("aria-invalid", "true")
        url.fill("http://127.0.0.1:9/hook")  # loopback: allowed on the local stack only
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("status")).to_have_text("Saved.")
        page.get_by_role("button", name="Make a new secret").click()
        secret = page.get_by_label("Your new secret")
        expect(secret).to_be_visible()
        assert secret.input_value().startswith("whsec_")
        for language in LANGUAGES:
            screens.choose(language)
            screens.shoot_and_check(f"15-office-webhook-{language}")
        page.set_viewport_size(PHONE)
        screens.shoot_and_check("15-office-webhook-phone-en")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert [p for p in screens.problems if "status of 422" not in p] == []

    # the office's system sees what its person set
    answer = system.session.get(f"{system.base}/webhook", timeout=10).json()
    assert answer["webhook_url"] == "http://127.0.0.1:9/hook"


def claims_in(view: Any) -> list[dict[str, Any]]:
    """Every claim of a dossier view, wherever it is listed (by creditor)."""
    found: list[dict[str, Any]] = []
    if isinstance(view, dict):
        if "office_reference" in view and "amounts" in view:
            return [view]
        for value in view.values():
            found += claims_in(value)
    elif isinstance(view, list):
        for value in view:
            found += claims_in(value)
    unique = {c["claim_id"]: c for c in found}
    return list(unique.values())


def test_a_caseworker_gets_no_portal(stack: RunningStack, browser: Any) -> None:
    from playwright.sync_api import expect

    with browser.browser.new_context() as context:
        page = context.new_page()
        sign_in(page, stack.base_url, ANNA, stack.password)
        page.goto(f"{stack.base_url}/office")
        expect(page.get_by_role("heading", level=1)).to_have_text("Dossiers")
        expect(page.get_by_role("navigation", name="Office portal")).to_have_count(0)


def office_routes() -> list[tuple[str, str]]:
    """Every office route of the template-derived API definition (those with scopes)."""
    from respite_infra.local.api_definition import DEFAULT

    definition = json.loads(DEFAULT.read_text())
    return [
        (method["http_method"], f"/{api['prefix']}{method['resource']}")
        for api in definition["apis"]
        for method in api["methods"]
        if method["scopes"]
    ]


def test_a_caseworkers_access_token_is_refused_on_every_office_route(
    stack: RunningStack, notified: dict[str, dict[str, str]]
) -> None:
    caseworker = {"Authorization": f"Bearer {tokens_of(stack, ANNA)['access_token']}"}
    desk = {"Authorization": f"Bearer {tokens_of(stack, DESK)['access_token']}"}
    ids = {"dossier_id": notified["claims"]["dossier_id"], "message_id": "m", "document_id": "d"}
    routes = office_routes()
    assert len(routes) >= 10
    for method, path in routes:
        url = stack.base_url + path.format(**ids)
        # each with a body of the type it takes (Chalice checks the type before the view runs)
        if path.endswith(".csv") and method == "POST":
            as_csv = caseworker | {"Content-Type": "text/csv"}
            refused = requests.request(method, url, headers=as_csv, data=CSV, timeout=10)
        else:
            refused = requests.request(method, url, headers=caseworker, json={}, timeout=10)
        assert refused.status_code == 403, (method, path, refused.text)
        assert refused.json()["type"].endswith("/not-an-office-user")
    # the desk's own inbox answers; an id token (the caseworker's app sends one) is not taken at all
    assert requests.get(f"{stack.base_url}/claims/inbox", headers=desk, timeout=10).status_code == 200
    id_token = {"Authorization": f"Bearer {tokens_of(stack, DESK)['id_token']}"}
    assert requests.get(f"{stack.base_url}/claims/inbox", headers=id_token, timeout=10).status_code == 401


def test_an_office_user_sees_only_the_offices_own_messages(
    stack: RunningStack, notified: dict[str, dict[str, str]]
) -> None:
    first = notified["claims"]
    desk = {"Authorization": f"Bearer {tokens_of(stack, DESK)['access_token']}"}
    inbox = requests.get(f"{stack.base_url}/claims/inbox?limit=100", headers=desk, timeout=10).json()
    assert first["lambert"] not in {m["message_id"] for m in inbox["messages"]}
    # Lambert's notice of the same dossier is no message of Van Hove's: 404, as for none at all
    lamberts = f"{stack.base_url}/claims/dossiers/{first['dossier_id']}/messages/{first['lambert']}"
    answered = requests.post(f"{lamberts}/replies", headers=desk, json={"type": "notice_ack"}, timeout=10)
    assert answered.status_code == 404, answered.text
    acknowledged = requests.post(f"{lamberts}/acknowledgement", headers=desk, timeout=10)
    assert acknowledged.status_code == 404
    # and Lambert's own system still finds it unanswered
    assert Office(stack, "lambert").message(first["dossier_id"], "notice")["message_id"] == first["lambert"]
