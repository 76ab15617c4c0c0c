"""Fuzzing: schemathesis generates requests for every operation of `docs/openapi.json` (valid ones and,
in negative mode, invalid ones) and sends them to the local stack.

Every example is sent as the operation's own kind of caller (a caseworker of agency A, OCMW Gent, or
an office system, Van Hove) and once as the other kind; an operation on a dossier is sent once more
with the path pointing at agency B's dossier (Utrecht), and once at A's own (so that generated bodies
reach the logic behind the tenancy check). Every response must hold:

- no 5xx;
- every error (4xx) is `application/problem+json`;
- no body contains a marker of agency B's dossier: B's person (name, number) and the claim an office
  filed in it. Neither A nor Van Hove was ever told of that dossier.

Profiles: `make test` runs a few examples per operation (`RESPITE_FUZZ_EXAMPLES`, default 4, the
whole file well under a minute); `make fuzz` runs 100 per operation and schemathesis' coverage phase.
"""

import json
import os
import random
import socket
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.e2e.conftest import RunningStack, wait_for
from tests.e2e.test_dossiers import OLGA
from tests.e2e.test_slice import ANNA, EXAMPLE, PROBLEM, SANNE

pytestmark = pytest.mark.e2e

OPENAPI = Path(__file__).parents[2] / "docs" / "openapi.json"
EXAMPLES = int(os.environ.get("RESPITE_FUZZ_EXAMPLES", "4"))
FULL = os.environ.get("RESPITE_FUZZ_PROFILE", "") == "full"
CONFORMANCE = os.environ.get("RESPITE_FUZZ_CONFORMANCE", "") == "1"

schema = schemathesis.openapi.from_path(
    OPENAPI,
    config=schemathesis.Config.from_dict(
        {
            "generation": {"mode": "all"},  # valid and invalid requests
            "phases": {
                "examples": {"enabled": True},
                "coverage": {"enabled": FULL},  # boundaries and every missing/invalid part: many cases
                "stateful": {"enabled": False},
            },
        }
    ),
)

# operations after which a dossier takes no more work (withdrawn and erased, closed, transferred, ended)
ENDS_A_DOSSIER = ("/consent/withdrawal", "/closure", "/transfer", "/termination", "/settlement")
# an office's own endpoint and secret: fuzzed as an office of their own, so that the demo offices'
# secrets and endpoints stay what the rest of the session's tests know
OWN_SETTINGS = ("/claims/webhook", "/claims/webhook/secrets")

# agency B's markers: none of them may ever reach agency A's caseworker or an office not notified
B_FAMILY_NAME = "Zwaluwstaartmarker"
B_GIVEN_NAMES = "Quirijntje"
B_OFFICE_REFERENCE = "LEAKMARK-WBN-7731"
B_CREDITOR = "Vitensmarker Waterleiding"


# what every operation answered, per caller (written to test-artifacts/fuzz/statuses.json): shows
# how deep the generated requests got (a run of only 4xx would prove little)
STATUSES: defaultdict[str, Counter[str]] = defaultdict(Counter)
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts" / "fuzz"


@pytest.fixture(scope="module", autouse=True)
def statuses() -> Iterator[None]:
    yield
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    summary = {operation: dict(sorted(counts.items())) for operation, counts in sorted(STATUSES.items())}
    (ARTIFACTS / "statuses.json").write_text(json.dumps(summary, indent=2) + "\n")


# fresh people: not the global `random`, which Hypothesis seeds alike for every example
_fresh = random.SystemRandom()


def bsn() -> str:
    """A random valid Dutch BSN (the 11-test), so that reruns against one stack never collide."""
    while True:
        digits = [_fresh.randint(0, 9) for _ in range(8)]
        total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        last = total % 11
        if last < 10 and digits[0] != 0:
            return "".join(map(str, digits)) + str(last)


@dataclass
class World:
    stack: RunningStack
    base_url: str
    caseworker: str  # agency A's caseworker's id token
    office: str  # Van Hove's access token
    settings_office: str  # the access token of an office registered for the fuzzing of OWN_SETTINGS
    a_dossier: str
    a_message: str
    b_dossier: str
    b_message: str
    markers: tuple[str, ...]

    def fresh_dossier(self) -> str:
        """A new dossier of agency A's, for an operation that ends or erases the one it is given."""
        body = EXAMPLE | {"person": fuzz_person_a()}
        return str(post(self.stack, self.caseworker, "/consent/dossiers", body)["dossier_id"])


def office_token(stack: RunningStack, office_id: str) -> str:
    return stack.office_token(office_id)


def registered_office(stack: RunningStack) -> str:
    """An office an operator registers now; its system's access token."""
    office_id = f"fuzz-{uuid.uuid4().hex[:8]}"
    office = {
        "office_id": office_id,
        "name": "Incasso Fuzz",
        "kind": "creditor",
        "country": "BE",
        "registration_number": "0451234595",
        "language": "nl",
        "contact_emails": [f"incasso@{office_id}.example"],
    }
    credentials = post(stack, stack.sign_in(OLGA), "/claims/offices", {"office": office})
    stack.office_clients.append({"office_id": office_id, **credentials})
    return office_token(stack, office_id)


def post(stack: RunningStack, token: str, path: str, body: Any) -> dict[str, Any]:
    """A call that must succeed (`body` None: no body)."""
    response = requests.post(
        f"{stack.base_url}{path}", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    assert response.status_code in (200, 201, 202), response.text
    return dict(response.json())


def inbox_message(stack: RunningStack, token: str, dossier_id: str) -> str:
    def probe() -> str | None:
        response = requests.get(
            f"{stack.base_url}/claims/inbox",
            params={"limit": 100},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        found = [m["message_id"] for m in response.json()["messages"] if m["dossier_id"] == dossier_id]
        return found[0] if found else None

    message_id = wait_for(probe)
    assert message_id, f"no message for {dossier_id} in the inbox"
    return str(message_id)


@pytest.fixture(scope="module")
def world(stack: RunningStack) -> World:
    """Agency A's dossier notified to Van Hove; agency B's dossier, with the markers, notified to the
    Dutch water company, which filed a claim in it."""
    anna, sanne = stack.sign_in(ANNA), stack.sign_in(SANNE)
    vanhove, water = office_token(stack, "vanhove"), office_token(stack, "waterbedrijf-noord")

    a_dossier = post(stack, anna, "/consent/dossiers", EXAMPLE | {"person": fuzz_person_a()})["dossier_id"]
    post(stack, anna, f"/claims/dossiers/{a_dossier}/notices", {"office_ids": ["vanhove"]})
    a_message = inbox_message(stack, vanhove, a_dossier)

    number = bsn()
    b_person = {
        "national_number": {"country": "NL", "number": number},
        "given_names": B_GIVEN_NAMES,
        "family_name": B_FAMILY_NAME,
        "birth_date": "1979-02-14",
        "address": {
            "country": "NL",
            "street": "Oudegracht",
            "number": "231",
            "postal_code": "3511 NK",
            "city": "Utrecht",
        },
    }
    b_dossier = post(stack, sanne, "/consent/dossiers", EXAMPLE | {"person": b_person})["dossier_id"]
    post(stack, sanne, f"/claims/dossiers/{b_dossier}/notices", {"office_ids": ["waterbedrijf-noord"]})
    b_message = inbox_message(stack, water, b_dossier)
    post(
        stack,
        water,
        f"/claims/dossiers/{b_dossier}/messages/{b_message}/replies",
        {
            "type": "notice_ack",
            "claims": [
                {
                    "office_reference": B_OFFICE_REFERENCE,
                    "principal_creditor": B_CREDITOR,
                    "principal": 41_337,
                }
            ],
        },
    )
    return World(
        stack=stack,
        base_url=stack.base_url,
        caseworker=anna,
        office=vanhove,
        settings_office=registered_office(stack),
        a_dossier=a_dossier,
        a_message=a_message,
        b_dossier=b_dossier,
        b_message=b_message,
        markers=(B_FAMILY_NAME, B_GIVEN_NAMES, B_OFFICE_REFERENCE, B_CREDITOR, number),
    )


def fuzz_person_a() -> dict[str, Any]:
    """A person for agency A: a random valid Belgian national number (born 1950-1999), so that neither
    reruns against one stack nor many registrations in one run collide."""
    born = date(1950, 1, 1) + timedelta(days=_fresh.randrange(365 * 50))
    serial = _fresh.randint(1, 997)
    digits = f"{born:%y%m%d}{serial:03d}"
    person = dict(EXAMPLE["person"])
    person["national_number"] = {"country": "BE", "number": digits + f"{97 - int(digits) % 97:02d}"}
    person["family_name"] = f"Fuzz{uuid.uuid4().hex[:6]}"
    person["birth_date"] = born.isoformat()
    return person


def is_office_operation(case: schemathesis.Case[Any]) -> bool:
    security = case.operation.definition.raw.get("security") or []
    return any("officeClient" in requirement for requirement in security)


def check(world: World, case: schemathesis.Case[Any], response: schemathesis.Response, who: str) -> None:
    where = f"{case.method} {response.request.url} as {who}"
    body = (response.content or b"").decode("utf-8", errors="replace")
    assert response.status_code < 500, f"{where}: {response.status_code} {body[:500]}"
    if response.status_code >= 400:
        content_type = ",".join(response.headers.get("content-type", []))
        assert content_type.startswith(PROBLEM), f"{where}: {response.status_code} as {content_type!r}"
    for marker in world.markers:
        assert marker not in body, f"{where}: agency B's {marker!r} leaked ({response.status_code})"
    sent = str(response.request.url or "") + str(response.request.body or "")
    for identifier in (world.b_dossier, world.b_message):  # B's ids: only ever echoed, never told
        assert identifier in sent or identifier not in body, f"{where}: agency B's id {identifier} leaked"
    STATUSES[f"{case.method} {case.path} as {who.split(' on ')[0]}"][str(response.status_code)] += 1


def send(world: World, case: schemathesis.Case[Any], token: str | None, **path: str) -> schemathesis.Response:
    original = dict(case.path_parameters or {})
    try:
        if path:
            case.path_parameters = original | {k: v for k, v in path.items() if k in original}
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return case.call(base_url=world.base_url, headers=headers, timeout=30, allow_redirects=False)
    finally:
        case.path_parameters = original


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not FULL,  # the bounded profile is the same run every time
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation(case: schemathesis.Case[Any], world: World) -> None:
    own, other = (
        (world.office, world.caseworker) if is_office_operation(case) else (world.caseworker, world.office)
    )
    if case.path in OWN_SETTINGS:
        own = world.settings_office
    own_name, other_name = (
        ("office", "caseworker A") if is_office_operation(case) else ("caseworker A", "office")
    )

    response = send(world, case, own)
    check(world, case, response, own_name)
    if CONFORMANCE:  # schemathesis' own checks: documented status codes, content types, response schemas
        # (not "schema-valid data is accepted": check digits, cursors and office ids are checked beyond
        # what a JSON schema can say, and answered 400/422 by design)
        case.validate_response(response, excluded_checks=[positive_data_acceptance])
    check(world, case, send(world, case, other), other_name)
    if "dossier_id" in (case.path_parameters or {}):
        b_ids = {"dossier_id": world.b_dossier, "message_id": world.b_message}
        check(world, case, send(world, case, own, **b_ids), f"{own_name} on B's dossier")
        a_ids = {"dossier_id": world.a_dossier, "message_id": world.a_message}
        if case.path.endswith(ENDS_A_DOSSIER):  # on a dossier of its own: A's must stay open for the rest
            a_ids["dossier_id"] = world.fresh_dossier()
        check(world, case, send(world, case, own, **a_ids), f"{own_name} on A's dossier")


# --- what the fuzzing found, kept as regressions ----------------------------------------------------
# (the claims API on a dossier whose consent was withdrawn: tests/integration/test_withdrawn_dossier.py,
# in-process, where no erasure consumer races the test)


def test_methods_and_requests_the_gateway_cannot_serve_are_problems_not_html(stack: RunningStack) -> None:
    """Found by fuzzing: TRACE (http.server has no handler for it) was a 501 with an HTML page.

    API Gateway has no method for TRACE, CONNECT or an invented one on a resource, so it answers its
    MISSING_AUTHENTICATION_TOKEN gateway response (our APIs define it as a 404 problem, without `Allow`:
    API Gateway cannot add one) before any function runs; the local gateway does the same."""
    for method in ("TRACE", "CONNECT", "BREW"):
        refused = requests.request(method, f"{stack.base_url}/consent/dossiers", timeout=10)
        assert refused.status_code == 404, (method, refused.status_code, refused.text)
        assert refused.headers["Content-Type"].startswith(PROBLEM)
        assert refused.json()["detail"] == "There is no such resource or method."

    host, port = stack.base_url.removeprefix("http://").split(":")

    def raw(request: bytes) -> str:
        with socket.create_connection((host, int(port)), timeout=10) as connection:
            connection.sendall(request)
            return connection.makefile("rb").read().decode("latin-1")

    # no request line at all: an HTTP/0.9 answer (a body, no status line), still a problem
    answer = raw(b"NOT A REQUEST LINE AT ALL\r\n\r\n")
    assert json.loads(answer)["status"] == 400
    assert "NOT A REQUEST" not in answer  # the request is never echoed
    # an HTTP/1.1 request with more headers than http.server takes: 431, as problem+json
    answer = raw(b"GET /consent/dossiers HTTP/1.1\r\nHost: x\r\n" + b"X-Many: yes\r\n" * 150 + b"\r\n")
    head, _, body = answer.partition("\r\n\r\n")
    assert head.startswith("HTTP/1.1 431"), head
    assert f"Content-Type: {PROBLEM}" in head
    assert json.loads(body)["status"] == 431
