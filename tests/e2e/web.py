"""What every browser test of the web app (web/, served at / by the local gateway) shares: the browser,
one page's screens (shot under `test-artifacts/web/` and checked with axe-core), and signing in."""

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]

from respite_infra.local.site import BUILT_SITE
from tests.e2e.browser import chromium

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
LANGUAGES = ("nl", "fr", "en")
BLOCKING = ("serious", "critical")


@contextlib.contextmanager
def app_browser() -> Iterator[Any]:
    """Chromium with JavaScript on (the app is a script); each `new_context()` is a second person."""
    if not (BUILT_SITE / "index.html").is_file():
        pytest.fail("the web front end is not built: `make web` builds it")
    with chromium(javascript=True) as context:
        yield context


class Screens:
    """One page of the app: shoots and checks each screen, and records what the console reported."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.axe = Axe()
        self.problems: list[str] = []  # the policy's refusals and uncaught script errors
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(str(error)))
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def _console(self, message: Any) -> None:
        # Cognito refusing a password or a code is an error status the browser reports too: expected
        refused_sign_in = "status of 400" in message.text and self._at_cognito(
            message.location.get("url", "")
        )
        if message.type == "error" and not refused_sign_in:
            self.problems.append(message.text)

    def _at_cognito(self, url: str) -> bool:
        config = self.page.evaluate("fetch('/config.json').then((r) => r.json())")
        return bool(url) and url.rstrip("/") == str(config["cognito_endpoint"]).rstrip("/")

    def choose(self, language: str) -> None:
        self.page.locator("header select").select_option(language)
        assert self.page.evaluate("document.documentElement.lang") == language

    def shoot_and_check(self, name: str) -> None:
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        results = self.axe.run(self.page).response
        assert results["testEngine"]["name"] == "axe-core"  # it ran
        violations = results["violations"]
        blocking = [(v["id"], v["impact"], len(v["nodes"])) for v in violations if v["impact"] in BLOCKING]
        assert blocking == [], f"{name}: axe-core found {blocking}"

    def heading(self) -> str:
        heading = self.page.get_by_role("heading", level=1)
        heading.wait_for()
        return str(heading.inner_text())


def sign_in(page: Any, base_url: str, username: str, password: str) -> None:
    """Open the app and sign in (in English) the way a person does; returns once the first screen shows."""
    from playwright.sync_api import expect

    page.goto(f"{base_url}/")
    page.locator("header select").select_option("en")
    page.get_by_label("Email address").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
