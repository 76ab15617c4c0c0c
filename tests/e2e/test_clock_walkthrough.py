"""The README's clock walk-through ("Three months in a minute"), run exactly as written against a
stack started as `make run CLOCK_START=2027-01-04T09:00` starts it, and the operator's clock route.

The block is taken from README.md as it stands (the fenced `sh` block after the `walkthrough: clock`
marker) and run by bash with `set -e`; what it prints is checked step by step, in order: the notices,
the office's answer, the missing acknowledgement and the first digest, the overdue alert, the
standstill warning, the standstill's end with that week's digest, closure, erasure and its receipt.
"""

import json
import os
import re
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import requests

from respite_core.ids import parse_iso, to_iso
from tests.e2e.conftest import RunningStack, free_port, launch, stop, wait_until_ready

ROOT = Path(__file__).resolve().parents[2]
MARKER = "<!-- walkthrough: clock"
START = "2027-01-04T09:00"  # a Monday; the README's dates follow from it

# what the walk-through prints, in this order (each a regular expression)
STEPS = [
    ("the clock at its start", r'"now": "2027-01-04T09:\d\d'),
    ("the notices: a standstill of three months", r'"state":"notified","standstill_ends_on":"2027-04-04"'),
    (
        "Lambert's answer in the feed",
        r"Lambert, huissiers de justice acknowledged the notice with 1 claim",
    ),
    ("the clock moved 8 days", r"2027-01-12T09:\d\d"),
    (
        "Van Hove's missing acknowledgement",
        r"Gerechtsdeurwaarders Van Hove has neither acknowledged nor answered the notice",
    ),
    ("the first weekly digest", r"The overview of week 2027-W02 \{.*'dossiers_notified': 1"),
    ("the clock moved 7 days", r"2027-01-19T09:\d\d"),
    ("the overdue alert", r"Gerechtsdeurwaarders Van Hove has not answered the notice due on 2027-01-18"),
    ("the clock moved to March", r"2027-03-22T09:\d\d"),
    ("the standstill warning", r"The standstill ends on 2027-04-04"),
    ("the clock moved past the standstill", r"2027-04-05T09:\d\d"),
    ("the standstill's end", r"standstill 2027-01-04 - 2027-04-04"),
    ("that week's digest counts it", r"The overview of week 2027-W14 \{.*'deadlines_this_week': 2"),
    ("closure: 30 days of retention", r'"state":"closed".*"retention_ends_at":"2027-05-05T09:\d\d'),
    # before the TTL backstop (a day after retention), so that the sweeper's erasure is the one seen
    ("the clock moved past retention", r"2027-05-05T12:\d\d"),
    ("the erasure receipt, both offices told", r'"reason":"retention_ended".*"offices_told":2'),
    ("the erased dossier", r"the dossier: 404"),
]


def walkthrough() -> str:
    """The README's clock walk-through, as written."""
    readme = (ROOT / "README.md").read_text()
    found = re.search(re.escape(MARKER) + r".*?-->\n```sh\n(.*?)\n```", readme, re.DOTALL)
    assert found, "README.md has no clock walk-through"
    return found.group(1)


@pytest.fixture(scope="module")
def clock_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """A stack of its own, as `make run CLOCK_START=2027-01-04T09:00` starts it."""
    ready = tmp_path_factory.mktemp("clock-stack") / "ready.json"
    process = launch(ready, free_port(), "--ttl-every", "1", settings={"RESPITE_CLOCK_START": START})
    try:
        yield RunningStack.described(wait_until_ready(process, ready), process)
    finally:
        stop(process)


@pytest.mark.timeout(900)  # the stack starts first; under load the walk-through takes minutes
def test_the_readme_walks_three_months_in_a_minute(clock_stack: RunningStack) -> None:
    script = walkthrough()
    run = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", script],
        cwd=ROOT,
        env={**os.environ, "B": clock_stack.base_url},  # the reader's shell, at this stack
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    printed = run.stdout
    assert run.returncode == 0, f"the walk-through stopped:\n{printed}\n{run.stderr}"
    position = 0
    for step, expected in STEPS:
        found = re.compile(expected).search(printed, position)
        assert found, f"not printed (after what came before): {step}\n{printed}"
        position = found.end()


def test_only_an_operator_reads_or_moves_the_clock(clock_stack: RunningStack) -> None:
    url = f"{clock_stack.base_url}/local/clock"
    operator = {"Authorization": f"Bearer {clock_stack.sign_in('olga@respite.example')}"}
    caseworker = {"Authorization": f"Bearer {clock_stack.sign_in('anna@ocmw-gent.example')}"}
    office = {"Authorization": f"Bearer {clock_stack.office_token('vanhove')}"}
    before = requests.get(url, headers=operator, timeout=10).json()["now"]

    assert requests.get(url, timeout=10).status_code == 401
    assert requests.post(url, json={"advance": "P1D"}, timeout=10).status_code == 401
    assert requests.post(url, json={"advance": "P1D"}, headers=office, timeout=10).status_code == 401
    refused = requests.post(url, json={"advance": "P1D"}, headers=caseworker, timeout=10)
    assert refused.status_code == 403
    assert refused.headers["Content-Type"] == "application/problem+json"
    bad = requests.post(url, data=b'{"advance": "P1M"}', headers=operator, timeout=10)
    assert bad.status_code == 422, bad.text

    after = requests.get(url, headers=operator, timeout=10).json()
    assert after["now"] < _plus_one_hour(before)  # none of those moved it
    moved = requests.post(url, json={"advance": "P1D"}, headers=operator, timeout=10)
    assert moved.status_code == 200, moved.text
    assert json.loads(moved.text)["now"] > _plus_one_hour(before)


def _plus_one_hour(iso: str) -> str:
    return to_iso(parse_iso(iso) + timedelta(hours=1))
