"""Debian's Chromium, headless, driven by Playwright (never a downloaded browser), for the browser tests."""

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextlib.contextmanager
def chromium(*, javascript: bool) -> Iterator[Any]:
    """A browser context with a fresh profile (removed after), 1100 x 900."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: `make browser` installs it")
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="respite-chromium-")
    # Chromium's network service crashes under libfaketime: a run at another date (`make test-at`)
    # leaves the browser on the machine's real clock (the pages' dates come from the server).
    real_clock: dict[str, str | float | bool] = {
        k: v for k, v in os.environ.items() if k != "LD_PRELOAD" and not k.startswith("FAKETIME")
    }
    try:
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                profile,
                executable_path=str(CHROMIUM),
                headless=True,
                args=ARGS,
                viewport={"width": 1100, "height": 900},
                java_script_enabled=javascript,
                env=real_clock,
            )
            try:
                yield context
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
