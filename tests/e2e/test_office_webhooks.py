"""An office's webhook, over HTTP on the local stack (issue 14, point 15): the office sets and changes
its own URL and rotates its own secret (office.write), every URL is checked against the SSRF rules
when it is set (at registration too), caseworkers never see an office's URL, and `dossier.terminated`
hands the office back its own file references."""

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import RunningStack, wait_for
from tests.e2e.test_creditor_records import notified, office_body, register_office
from tests.e2e.test_dossiers import OLGA
from tests.e2e.test_negotiation import Agency, Office, claim
from tests.e2e.test_slice import ANNA, PROBLEM
from tests.integration.test_webhooks import Receiver, serving

UNSAFE = [
    "https://user:secret@hooks.example.com/respite",  # credentials in the URL
    "http://169.254.169.254/latest/meta-data/",  # the instance metadata service
    "https://10.1.2.3/hooks",  # a private address
]


@pytest.fixture(scope="module")
def agency(stack: RunningStack) -> Agency:
    return Agency(stack, ANNA)


@pytest.fixture(scope="module")
def operator(stack: RunningStack) -> Agency:
    return Agency(stack, OLGA)


@pytest.fixture(scope="module")
def receiver() -> Iterator[tuple[Receiver, str]]:
    state = Receiver()
    with serving(state) as url:
        yield state, url


def own(office: Office, path: str = "") -> Any:
    return office.session.get(f"{office.base}/webhook{path}", timeout=15)


@pytest.mark.parametrize("url", UNSAFE, ids=["credentials", "metadata", "private"])
def test_an_operator_cannot_register_an_office_with_an_unsafe_webhook_url(operator: Agency, url: str) -> None:
    body = office_body(webhook_url=url)
    office_id = body["office_id"]
    refused = operator.claims("/offices", {"office": body})
    assert refused.status_code == 422, refused.text
    assert refused.headers["Content-Type"] == PROBLEM
    assert refused.json()["type"].endswith("/unsafe-webhook-url")
    assert "secret" not in refused.text  # the URL (and its credentials) are not echoed
    assert office_id not in {o["office_id"] for o in operator.claims_get("/offices").json()["offices"]}


def test_an_office_sets_changes_and_removes_its_own_webhook_url(
    stack: RunningStack, agency: Agency, operator: Agency, receiver: tuple[Receiver, str]
) -> None:
    state, url = receiver
    office = register_office(stack)
    assert own(office).json().get("webhook_url") is None

    set_ = office.post("/webhook", {"webhook_url": url})
    assert set_.status_code == 200, set_.text
    assert set_.json()["webhook_url"] == url
    assert own(office).json()["webhook_url"] == url

    for unsafe in UNSAFE:
        refused = office.post("/webhook", {"webhook_url": unsafe})
        assert refused.status_code == 422, refused.text
        assert refused.json()["type"].endswith("/unsafe-webhook-url")
    assert own(office).json()["webhook_url"] == url  # unchanged

    # the webhooks go there, signed with the office's secret
    credentials = next(c for c in stack.office_clients if c["office_id"] == office.office_id)
    state.secrets["first"] = credentials["webhook_secret"]
    dossier_id = notified(agency, [office])
    assert wait_for(lambda: bodies(state, dossier_id, "message.created"), timeout_s=30)

    # caseworkers never see an office's URL; operators do
    for entry in agency.claims_get("/offices").json()["offices"]:
        assert "webhook_url" not in entry, entry["office_id"]
    listed = {o["office_id"]: o for o in operator.claims_get("/offices").json()["offices"]}
    assert listed[office.office_id]["webhook_url"] == url

    # the office rotates its own secret: the previous one stays valid for the overlap
    rotated = office.post("/webhook/secrets", None, **{"Idempotency-Key": uuid.uuid4().hex})
    assert rotated.status_code == 201, rotated.text
    assert rotated.json()["webhook_secret"].startswith("whsec_")
    assert rotated.json()["previous_valid_until"] is not None

    removed = office.post("/webhook", {"webhook_url": None})
    assert removed.status_code == 200
    assert own(office).json().get("webhook_url") is None


def test_an_office_system_with_only_the_read_scope_cannot_change_its_webhook(stack: RunningStack) -> None:
    office = register_office(stack)
    credentials = next(c for c in stack.office_clients if c["office_id"] == office.office_id)
    token = office.session.post(
        f"{stack.base_url}/oauth2/token",
        data={"grant_type": "client_credentials", "scope": "respite/office.read"},
        auth=(credentials["client_id"], credentials["client_secret"]),
        timeout=10,
    ).json()["access_token"]
    office.session.headers["Authorization"] = f"Bearer {token}"
    assert own(office).status_code == 200
    assert office.post("/webhook", {"webhook_url": None}).status_code in (401, 403)


def test_the_termination_at_closure_hands_the_office_its_own_references(
    stack: RunningStack, agency: Agency, receiver: tuple[Receiver, str]
) -> None:
    state, url = receiver
    office = register_office(stack, webhook_url=url)  # by an operator, as before this issue
    credentials = next(c for c in stack.office_clients if c["office_id"] == office.office_id)
    state.secrets[office.office_id] = credentials["webhook_secret"]
    dossier_id = notified(agency, [office])
    notice = office.message(dossier_id, "notice")
    answer = {"type": "notice_ack", "file_references": ["HK/2026/0077"], "claims": [claim("HK-1", 10_000)]}
    assert office.reply(dossier_id, notice["message_id"], answer).status_code == 201

    closed = agency.post(f"/dossiers/{dossier_id}/closure", {"reason": "plan completed"})
    assert closed.status_code == 200, closed.text

    [created] = wait_for(lambda: terminations_created(state, dossier_id), timeout_s=90)
    termination = office.message(dossier_id, "termination")
    assert created["data"]["message_id"] == termination["message_id"]
    assert termination["body"]["office_references"] == ["HK/2026/0077", "HK-1"]


def terminations_created(state: Receiver, dossier_id: str) -> list[dict[str, Any]]:
    created = bodies(state, dossier_id, "message.created")
    return [b for b in created if b["data"].get("message_type") == "termination"]


def bodies(state: Receiver, dossier_id: str, event: str) -> list[dict[str, Any]]:
    with state.lock:
        found = [r.body for r in state.received if r.body is not None and r.verified_by]
    return [b for b in found if b["type"] == event and b["data"]["dossier_id"] == dossier_id]


def test_caseworkers_never_see_an_offices_webhook_url_operators_do(
    stack: RunningStack, agency: Agency, operator: Agency, receiver: tuple[Receiver, str]
) -> None:
    _, url = receiver
    office = register_office(stack, webhook_url=url)  # registered by an operator with its endpoint

    as_caseworker = {o["office_id"]: o for o in agency.claims_get("/offices").json()["offices"]}
    as_operator = {o["office_id"]: o for o in operator.claims_get("/offices").json()["offices"]}

    assert office.office_id in as_caseworker
    assert all("webhook_url" not in o for o in as_caseworker.values())
    assert url.split("/")[2] not in json.dumps(as_caseworker)
    assert as_operator[office.office_id]["webhook_url"] == url
