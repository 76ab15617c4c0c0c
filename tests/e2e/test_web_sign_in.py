"""Signing in as a new user meets it in AWS: created by an administrator with a temporary password, the
caseworker chooses a password, sets up an authenticator app and is in; the next sign-in asks for the
app's code. The browser calls Cognito itself (moto's, at the endpoint `/config.json` names), which
checks the password policy and every code (the local moto is told to check codes), so a wrong one is
refused here as in AWS. Every step is shot and checked in NL, FR and EN.
"""

import base64
import time
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests
from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor.totp import TOTP

from tests.e2e.conftest import RunningStack
from tests.e2e.web import LANGUAGES, Screens, app_browser

TEMPORARY = "Temporary-Pass-1"
CHOSEN = "Chosen-Pass-2026!"
TITLES = {
    "new_password": {
        "nl": "Kies uw wachtwoord",
        "fr": "Choisissez votre mot de passe",
        "en": "Choose your password",
    },
    "enrol": {
        "nl": "Stel uw authenticator-app in",
        "fr": "Configurez votre application d'authentification",
        "en": "Set up your authenticator app",
    },
    "code": {
        "nl": "Code uit uw authenticator-app",
        "fr": "Code de votre application d'authentification",
        "en": "Code from your authenticator app",
    },
}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with app_browser() as context:
        yield context


@pytest.fixture
def new_caseworker(stack: RunningStack) -> str:
    """A caseworker of Anna's agency as an administrator creates one in AWS: a temporary password."""
    config = requests.get(f"{stack.base_url}/config.json", timeout=10).json()
    cognito = boto3.client(
        "cognito-idp",
        endpoint_url=stack.aws_endpoint,
        region_name=config["user_pool_id"].split("_")[0],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    username = f"new-{uuid.uuid4().hex[:8]}@ocmw-gent.example"
    cognito.admin_create_user(
        UserPoolId=config["user_pool_id"],
        Username=username,
        TemporaryPassword=TEMPORARY,
        UserAttributes=[
            {"Name": "email", "Value": username},
            {"Name": "custom:agency_id", "Value": "ocmw-gent"},
            {"Name": "custom:role", "Value": "caseworker"},
        ],
        MessageAction="SUPPRESS",
    )
    return username


def authenticator_code(secret: str) -> str:
    """What an authenticator app shows now for `secret` (RFC 6238: SHA-1, six digits, 30 s)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8), casefold=True)
    totp = TOTP(key, 6, SHA1(), 30, enforce_key_length=False)  # noqa: S303 - what the apps compute
    return totp.generate(time.time()).decode()


def test_a_new_caseworker_chooses_a_password_sets_up_an_authenticator_and_signs_in_with_its_code(
    stack: RunningStack, browser: Any, new_caseworker: str
) -> None:
    from playwright.sync_api import expect

    screens = Screens(browser.new_page())
    page = screens.page
    page.goto(f"{stack.base_url}/")
    screens.choose("en")
    page.get_by_label("Email address").fill(new_caseworker)
    page.get_by_label("Password").fill(TEMPORARY)
    page.get_by_role("button", name="Sign in").click()

    # the temporary password: a new one, twice, that the pool's policy accepts
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(TITLES["new_password"]["en"])
    expect(heading).to_be_focused()
    for language in LANGUAGES:
        screens.choose(language)
        expect(heading).to_have_text(TITLES["new_password"][language])
        screens.shoot_and_check(f"sign-in-new-password-{language}")
    screens.choose("en")
    page.get_by_label("New password", exact=True).fill(CHOSEN)
    page.get_by_label("New password again").fill(CHOSEN + "x")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_have_text("The two passwords differ.")
    no_symbol = "Nosymbolhere2026"
    page.get_by_label("New password", exact=True).fill(no_symbol)
    page.get_by_label("New password again").fill(no_symbol)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_have_text("This password does not meet the rules above.")
    page.get_by_label("New password", exact=True).fill(CHOSEN)
    page.get_by_label("New password again").fill(CHOSEN)
    page.get_by_role("button", name="Continue").click()

    # the authenticator: its key shown, a wrong code refused, the app's code lets the caseworker in
    expect(heading).to_have_text(TITLES["enrol"]["en"])
    secret = page.locator("code.authenticator-key").inner_text().replace(" ", "")
    assert (
        page.get_by_role("link", name="Open in an authenticator app on this device")
        .get_attribute("href")
        .startswith("otpauth://totp/")
    )
    for language in LANGUAGES:
        screens.choose(language)
        expect(heading).to_have_text(TITLES["enrol"][language])
        screens.shoot_and_check(f"sign-in-authenticator-{language}")
    screens.choose("en")
    wrong = "000000" if authenticator_code(secret) != "000000" else "111111"
    page.get_by_label("Code").fill(wrong)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("That code is wrong")
    page.get_by_label("Code").fill(authenticator_code(secret))
    page.get_by_role("button", name="Continue").click()
    expect(heading).to_have_text("Dossiers")
    expect(page.get_by_text(new_caseworker)).to_be_visible()

    # the next sign-in: the password, then the app's code
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Email address").fill(new_caseworker)
    page.get_by_label("Password").fill(CHOSEN)
    page.get_by_role("button", name="Sign in").click()
    expect(heading).to_have_text(TITLES["code"]["en"])
    for language in LANGUAGES:
        screens.choose(language)
        expect(heading).to_have_text(TITLES["code"][language])
        screens.shoot_and_check(f"sign-in-code-{language}")
    screens.choose("en")
    page.get_by_label("Code").fill(wrong)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("That code is wrong")
    page.get_by_label("Code").fill(authenticator_code(secret))
    page.get_by_role("button", name="Continue").click()
    expect(heading).to_have_text("Dossiers")

    # curl's stand-in cannot answer a code: it says so instead of handing out a token
    refused = requests.post(
        f"{stack.base_url}/local/sign-in", json={"username": new_caseworker, "password": CHOSEN}, timeout=10
    )
    assert refused.status_code == 401
    assert "authenticator" in refused.json()["detail"]
    assert screens.problems == []
