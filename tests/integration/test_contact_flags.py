"""Operators see which office addresses bounced or complained, and let email go to one again."""

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from chalice.config import Config

from respite_core import aws as aws_clients
from respite_core.api import Api
from respite_core.domain import Office
from respite_core.store.directory import ContactFlag, Directory
from respite_infra.catalogue import CATALOGUE
from respite_infra.local.gateway import ApiGateway, authorizer_claims
from respite_infra.local.provision import provision
from respite_notifications import contact_admin

AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
OPERATOR = authorizer_claims(
    {"sub": "olga", "token_use": "id", "custom:agency_id": "respite-operations", "custom:role": "operator"}
)
CASEWORKER = authorizer_claims(
    {"sub": "anna", "token_use": "id", "custom:agency_id": "ocmw-gent", "custom:role": "caseworker"}
)


@pytest.fixture
def admin(aws: boto3.Session, stage: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[ApiGateway]:
    for name, value in provision(CATALOGUE, stage, aws).items():
        monkeypatch.setenv(name, value)
    aws_clients.forget_clients()
    Directory().put_office(
        Office.model_validate(
            {
                "office_id": "vanhove",
                "name": "Van Hove",
                "kind": "bailiff",
                "country": "BE",
                "registration_number": "0403170701",
                "language": "nl",
                "contact_emails": ["dossiers@vanhove.example", "info@vanhove.example"],
            }
        )
    )
    api = Api("notifications", title="test", description="the operators' contact-flag routes")
    contact_admin.register(api)
    yield ApiGateway(api.app, Config.create(chalice_stage="local"))
    aws_clients.forget_clients()


def call(gateway: ApiGateway, method: str, path: str, body: Any = None, claims: Any = OPERATOR) -> Any:
    raw = json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None)
    headers = {"Content-Type": "application/json"} if method == "POST" else {}
    status, response_headers, answer = gateway.invoke(method, path, headers, raw, claims)
    return status, response_headers, json.loads(answer)


def test_an_operator_sees_the_flags_and_lets_email_go_to_an_address_again(admin: ApiGateway) -> None:
    directory = Directory()
    directory.flag_contact("vanhove", ContactFlag("dossiers@vanhove.example", "bounced", AT))
    directory.flag_contact("vanhove", ContactFlag("info@vanhove.example", "complained", AT))

    status, _, listed = call(admin, "GET", "/offices/vanhove/contact-flags")
    assert status == 200
    assert [(f["address"], f["reason"]) for f in listed["flags"]] == [
        ("dossiers@vanhove.example", "bounced"),
        ("info@vanhove.example", "complained"),
    ]

    for _ in range(2):  # removing it again changes nothing
        status, _, after = call(
            admin, "POST", "/offices/vanhove/contact-flags/removal", {"address": "Dossiers@VanHove.example"}
        )
        assert status == 200
        assert [f["address"] for f in after["flags"]] == ["info@vanhove.example"]
    assert [f.address for f in directory.contact_flags("vanhove")] == ["info@vanhove.example"]


def test_bad_requests_are_problems(admin: ApiGateway) -> None:
    not_an_address = call(admin, "POST", "/offices/vanhove/contact-flags/removal", {"address": "nope"})
    unknown_office = call(admin, "GET", "/offices/nobody/contact-flags")
    caseworker = call(admin, "GET", "/offices/vanhove/contact-flags", claims=CASEWORKER)

    for (status, headers, problem), expected in (
        (not_an_address, 422),
        (unknown_office, 404),
        (caseworker, 403),
    ):
        assert status == expected
        assert headers["Content-Type"] == "application/problem+json"
        assert problem["status"] == expected
    assert "nope" not in json.dumps(not_an_address[2])  # the input is not echoed
