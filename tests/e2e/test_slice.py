"""The thin vertical slice, over HTTP on the local stack: register → stream → feed → visible."""

import copy
import gzip
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import moto
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.e2e.conftest import RunningStack, wait_for

EXAMPLE = json.loads((Path(__file__).parents[2] / "docs/examples/register-dossier.json").read_text())
ANNA = "anna@ocmw-gent.example"
SANNE = "sanne@utrecht.example"
PROBLEM = "application/problem+json"


def registration(national_number: str, family_name: str, birth_date: str) -> dict[str, Any]:
    body: dict[str, Any] = copy.deepcopy(EXAMPLE)
    body["person"]["national_number"]["number"] = national_number
    body["person"]["family_name"] = family_name
    body["person"]["birth_date"] = birth_date
    return body


def be_national_number(born: str, serial: int) -> str:
    """A valid Belgian national number for someone born on `born` (YYYY-MM-DD, before 2000)."""
    digits = born[2:4] + born[5:7] + born[8:10] + f"{serial:03d}"
    return digits + f"{97 - int(digits) % 97:02d}"


def register(
    stack: RunningStack, token: str, body: Any, content_type: str = "application/json"
) -> requests.Response:
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return requests.post(
        f"{stack.base_url}/consent/dossiers",
        data=data,
        headers={"Authorization": f"Bearer {token}", "Content-Type": content_type},
        timeout=10,
    )


def feed(stack: RunningStack, token: str) -> list[dict[str, Any]]:
    response = requests.get(
        f"{stack.base_url}/notifications/feed", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def test_health_reports_every_component(stack: RunningStack) -> None:
    response = requests.get(f"{stack.base_url}/health", timeout=10)
    assert response.status_code == 200
    health = response.json()
    assert health["ok"] is True
    names = set(health["components"])
    assert {"aws", "gateway", "scheduler", "ttl_emulator"} <= names
    assert any(name.startswith("pump:") for name in names)
    assert set(health["components"]["gateway"]["apis"]) == {"consent", "claims", "notifications"}


def test_a_registered_dossier_reaches_the_agency_feed(stack: RunningStack) -> None:
    token = stack.sign_in(ANNA)
    body = registration(be_national_number("1979-03-14", 7), "Vermeulen-Slice", "1979-03-14")

    response = register(stack, token, body)

    assert response.status_code == 201, response.text
    created = response.json()
    assert created["agency_id"] == "ocmw-gent"  # from the token, not the body
    assert created["state"] == "registered"
    assert response.headers["Location"] == f"/consent/dossiers/{created['dossier_id']}"
    items = wait_for(
        lambda: [i for i in feed(stack, token) if i["dossier_id"] == created["dossier_id"]], timeout_s=20
    )
    assert [i["kind"] for i in items] == ["dossier_registered"]
    # another agency's caseworker does not see it
    other = feed(stack, stack.sign_in(SANNE))
    assert all(i["dossier_id"] != created["dossier_id"] for i in other)


def test_personal_data_is_stored_only_sealed_and_hashed(stack: RunningStack) -> None:
    token = stack.sign_in(ANNA)
    number = be_national_number("1968-11-02", 123)
    body = registration(number, "Distinctivename", "1968-11-02")
    assert register(stack, token, body).status_code == 201

    dump = json.dumps(stack.table_items("RESPITE_TABLE_DOSSIERS"))
    assert number not in dump
    assert "Distinctivename" not in dump
    assert "Veldstraat" not in dump
    # the registration is indexed by the national number's keyed hash, in the key store only
    assert all(not i["PK"]["S"].startswith("PERSON#") for i in stack.table_items("RESPITE_TABLE_DOSSIERS"))
    persons = [i for i in stack.table_items("RESPITE_TABLE_KEY_STORE") if i["PK"]["S"].startswith("PERSON#")]
    assert persons
    assert all(len(i["PK"]["S"].removeprefix("PERSON#")) == 64 for i in persons)
    assert number not in json.dumps(stack.table_items("RESPITE_TABLE_KEY_STORE"), default=str)


def test_the_same_person_twice_at_one_agency_is_a_conflict(stack: RunningStack) -> None:
    token = stack.sign_in(ANNA)
    body = registration(be_national_number("1990-01-20", 55), "Twice", "1990-01-20")
    first = register(stack, token, body)
    assert first.status_code == 201

    again = register(stack, token, body)

    assert again.status_code == 409
    assert again.headers["Content-Type"] == PROBLEM
    assert again.json()["dossier_id"] == first.json()["dossier_id"]
    # at another agency the same person may be registered
    assert register(stack, stack.sign_in(SANNE), body).status_code == 201


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b: b["person"]["national_number"].update(number="85.07.30-033.29"), "person.national_number"),
        (lambda b: b.pop("consent"), "consent"),
        (lambda b: b["consent"].update(language="de"), "consent.language"),
        (lambda b: b["person"].update(hobby="chess"), "person.hobby"),
    ],
    ids=["invalid-national-number", "missing-consent", "unknown-language", "unknown-field"],
)
def test_bad_registrations_are_422_problems_and_write_nothing(
    stack: RunningStack, change: Any, field: str
) -> None:
    token = stack.sign_in(ANNA)
    body = registration(be_national_number("1975-06-06", 321), "Rejected", "1975-06-06")
    change(body)
    before = (
        len(stack.table_items("RESPITE_TABLE_DOSSIERS")),
        len(stack.table_items("RESPITE_TABLE_KEY_STORE")),
    )

    response = register(stack, token, body)

    assert response.status_code == 422, response.text
    assert response.headers["Content-Type"] == PROBLEM
    problem = response.json()
    assert problem["status"] == 422
    assert field in [p["name"] for p in problem["invalid_params"]]
    assert "85.07.30" not in response.text  # no personal data echoed
    assert "Rejected" not in response.text
    after = (
        len(stack.table_items("RESPITE_TABLE_DOSSIERS")),
        len(stack.table_items("RESPITE_TABLE_KEY_STORE")),
    )
    assert after == before


def stored_counts(stack: RunningStack) -> tuple[int, int, int]:
    tables = ("RESPITE_TABLE_DOSSIERS", "RESPITE_TABLE_KEY_STORE", "RESPITE_TABLE_ACCESS_LOG")
    dossiers, keys, log = (len(stack.table_items(table)) for table in tables)
    return dossiers, keys, log


def test_unknown_consent_version_is_a_422(stack: RunningStack) -> None:
    body = registration(be_national_number("1975-06-07", 322), "Unknownversion", "1975-06-07")
    body["consent"]["text_version"] = "v99"
    before = stored_counts(stack)

    response = register(stack, stack.sign_in(ANNA), body)

    assert response.status_code == 422
    assert response.json()["type"].endswith("/consent-not-proven")
    assert stored_counts(stack) == before


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [("{not json", "application/json", 400), ("<person/>", "application/xml", 415)],
    ids=["malformed-json", "wrong-content-type"],
)
def test_unreadable_bodies_are_problems(
    stack: RunningStack, data: str, content_type: str, status: int
) -> None:
    before = stored_counts(stack)
    response = register(stack, stack.sign_in(ANNA), data, content_type)
    assert response.status_code == status
    assert response.headers["Content-Type"] == PROBLEM
    assert stored_counts(stack) == before


def signed_by_moto(claims: dict[str, Any]) -> str:
    """A token signed with the key moto's Cognito signs with (published in the moto package)."""
    jwks = json.loads(
        gzip.decompress(
            (Path(moto.__file__).parent / "cognitoidp/resources/jwks-private.json.gz").read_bytes()
        )
    )
    key = jwt.PyJWK(jwks).key
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "dummy"})


def signed_by_someone_else(claims: dict[str, Any]) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "dummy"})


def test_the_token_checks_are_real(stack: RunningStack) -> None:
    genuine = jwt.decode(stack.sign_in(ANNA), options={"verify_signature": False})
    body = registration(be_national_number("1982-02-02", 11), "Authorized", "1982-02-02")
    # the moto-signed copy of a genuine token passes, so the failures below are about what they change
    assert register(stack, signed_by_moto(genuine), body).status_code == 201


def test_requests_without_a_valid_token_are_401(stack: RunningStack) -> None:
    genuine = jwt.decode(stack.sign_in(ANNA), options={"verify_signature": False})
    expired = {**genuine, "exp": int((datetime.now(UTC) - timedelta(minutes=5)).timestamp())}
    other_client = {**genuine, "aud": "some-other-app-client"}
    access_token = {**genuine, "token_use": "access"}
    body = registration(be_national_number("1982-02-03", 12), "Unauthorized", "1982-02-03")
    tokens = {
        "none": "",
        "garbage": "not-a-jwt",
        "forged": signed_by_someone_else(genuine),
        "expired": signed_by_moto(expired),
        "other-audience": signed_by_moto(other_client),
        "access-token": signed_by_moto(access_token),
    }
    for name, token in tokens.items():
        response = register(stack, token, body)
        assert response.status_code == 401, (name, response.text)
        assert response.headers["Content-Type"] == PROBLEM


@pytest.mark.parametrize("api", ["consent", "claims", "notifications"])
def test_each_api_serves_its_document_and_a_page_without_a_token(stack: RunningStack, api: str) -> None:
    document = requests.get(f"{stack.base_url}/{api}/openapi.json", timeout=10)
    page = requests.get(f"{stack.base_url}/{api}/docs", timeout=10)

    assert document.status_code == 200
    assert document.json()["openapi"].startswith("3.1")
    checked_in = json.loads((Path(__file__).parents[2] / "docs/openapi.json").read_text())
    assert set(document.json()["paths"]) == {p for p in checked_in["paths"] if p.startswith(f"/{api}/")}
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert "<script" not in page.text
    for path in document.json()["paths"]:
        assert path.rsplit("/", 1)[-1].split("{")[0] in page.text
