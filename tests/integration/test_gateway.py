"""The local gateway as API Gateway: made from an API definition, matching resources, authorizing per
method against moto's Cognito, building the REST proxy event, its limits, and Lambda's one request at a
time per environment. The function is a plain handler that answers with the event it got."""

import base64
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from respite_infra.local import api_definition
from respite_infra.local.gateway import Gateway, TokenVerifier
from respite_infra.local.identity import Caseworker as CaseworkerAccount
from respite_infra.local.identity import (
    CaseworkerPool,
    OfficeClients,
    add_caseworker,
    add_office_client,
    create_caseworker_pool,
    issue_office_token,
    sign_in,
)
from respite_infra.local.moto_process import MotoServer

REGION = "eu-west-1"
READ = "respite/office.read"
PASSWORD = "Respite-test-2026!"


def method(
    verb: str, resource: str, scopes: list[str] | None = None, *, public: bool = False
) -> dict[str, Any]:
    return {
        "resource": resource,
        "http_method": verb,
        "authorization": "NONE" if public else "COGNITO_USER_POOLS",
        "authorizer": None if public else "caseworkers",
        "scopes": scopes or [],
        "integration": "AWS_PROXY",
    }


def problem(status: int, detail: str) -> dict[str, Any]:
    body = {"type": "about:blank", "title": "t", "status": status, "detail": detail}
    return {
        "status": status,
        "headers": {"Content-Type": "application/problem+json"},
        "body": json.dumps(body),
    }


DEFINITION = {
    "stage": "v1",
    "payload_limit_bytes": 64 * 1024,
    "integration_timeout_ms": 29000,
    "waf": {"body_limit_bytes": 1024, "large_bodies_allowed": "^/api/uploads/[^/]+$"},
    "apis": [
        {
            "prefix": "api",
            "function": "api-function",
            "binary_media_types": ["application/pdf", "image/*"],
            "cors": None,
            "gateway_responses": {
                "UNAUTHORIZED": problem(401, "unauthorized"),
                "MISSING_AUTHENTICATION_TOKEN": problem(404, "There is no such resource or method."),
                "REQUEST_TOO_LARGE": problem(413, "too large"),
                "INTEGRATION_TIMEOUT": problem(504, "timeout"),
                "WAF_FILTERED": problem(403, "waf"),
            },
            "methods": [
                method("GET", "/items", public=True),
                method("GET", "/items/{item_id}", public=True),
                method("GET", "/items/special", public=True),
                method("POST", "/items/{item_id}/read", public=True),
                method("POST", "/uploads/{name}", public=True),
                method("POST", "/echo", public=True),
                method("GET", "/mine"),
                method("GET", "/inbox", [READ]),
                method("GET", "/slow", public=True),
                method("GET", "/broken", public=True),
            ],
        }
    ],
}


def echo(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """A Lambda function answering with what it got (and `/slow` sleeping, `/broken` failing)."""
    if event["resource"] == "/slow":
        time.sleep(float((event["queryStringParameters"] or {}).get("s", "1")))
    if event["resource"] == "/broken":
        return {"no": "statusCode"}
    if event["path"].endswith("/pdf"):
        return {
            "statusCode": 200,
            "headers": {"Content-Type": "application/pdf"},
            "body": base64.b64encode(b"%PDF").decode(),
            "isBase64Encoded": True,
        }
    answer = {
        "event": event,
        "function": context.function_name,
        "remaining": context.get_remaining_time_in_millis(),
    }
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "multiValueHeaders": {"X-Many": ["a", "b"]},
        "body": json.dumps(answer),
    }


@pytest.fixture(scope="module")
def pool(moto_server: MotoServer, aws: boto3.Session) -> tuple[Any, CaseworkerPool]:
    cognito = aws.client("cognito-idp")
    user_pool = create_caseworker_pool(cognito, "gw", moto_server.endpoint, REGION)
    add_caseworker(cognito, user_pool, CaseworkerAccount("c@agency.example", PASSWORD, "a", "caseworker"))
    return cognito, user_pool


@pytest.fixture(scope="module")
def gateway(pool: tuple[Any, CaseworkerPool]) -> Iterator[Gateway]:
    cognito, user_pool = pool
    verifier = TokenVerifier(user_pool.issuer, OfficeClients(cognito, user_pool.pool_id))
    gateway = Gateway([], verifier, port=0, definition=api_definition.parse(DEFINITION), concurrency=1)
    gateway.mount("api", lambda _: echo)
    yield gateway
    gateway.stop()


def call(
    gateway: Gateway, verb: str, path: str, body: bytes = b"", **headers: str
) -> tuple[int, dict[str, str], Any]:
    status, answered, raw = gateway.dispatch(verb, path, headers, body)
    try:
        return status, answered, json.loads(raw)
    except ValueError:
        return status, answered, raw


def test_a_literal_resource_beats_a_parameter(gateway: Gateway) -> None:
    _, _, special = call(gateway, "GET", "/api/items/special")
    _, _, other = call(gateway, "GET", "/api/items/other")
    assert (special["event"]["resource"], special["event"]["pathParameters"]) == ("/items/special", None)
    assert (other["event"]["resource"], other["event"]["pathParameters"]) == (
        "/items/{item_id}",
        {"item_id": "other"},
    )
    assert other["event"]["requestContext"]["resourcePath"] == "/items/{item_id}"


def test_path_parameters_are_decoded_and_an_encoded_slash_splits_nothing(gateway: Gateway) -> None:
    status, _, body = call(gateway, "POST", "/api/items/2026-12-04T15%3A39%3A33Z~a%2Fb/read")
    assert status == 200
    event = body["event"]
    assert event["pathParameters"] == {"item_id": "2026-12-04T15:39:33Z~a/b"}
    assert event["path"] == "/api/items/2026-12-04T15:39:33Z~a/b/read"
    assert event["requestContext"]["path"] == "/api/items/2026-12-04T15%3A39%3A33Z~a%2Fb/read"
    assert event["requestContext"]["stage"] == "v1"
    assert body["function"] == "api-function"
    assert 0 < body["remaining"] <= 29000


@pytest.mark.parametrize(
    ("verb", "path"),
    [("GET", "/api/nowhere"), ("DELETE", "/api/items"), ("GET", "/api/items/a/b/c"), ("TRACE", "/api/echo")],
)
def test_an_unknown_resource_or_method_is_the_missing_authentication_token_response(
    gateway: Gateway, verb: str, path: str
) -> None:
    status, headers, body = call(gateway, verb, path)
    assert (status, body["detail"]) == (404, "There is no such resource or method.")
    assert headers["Content-Type"] == "application/problem+json"


def test_an_unknown_base_path_is_forbidden(gateway: Gateway) -> None:
    assert call(gateway, "GET", "/other/items")[:3:2] == (403, {"message": "Forbidden"})


def test_a_public_method_has_no_authorizer_even_with_an_authorization_header(gateway: Gateway) -> None:
    _, _, body = call(gateway, "GET", "/api/items", Authorization="Bearer not-even-a-token")
    assert "authorizer" not in body["event"]["requestContext"]
    assert body["event"]["headers"]["Authorization"] == "Bearer not-even-a-token"


def test_a_secured_method_takes_an_id_token_and_passes_its_claims(
    gateway: Gateway, pool: tuple[Any, CaseworkerPool]
) -> None:
    cognito, user_pool = pool
    token = sign_in(cognito, user_pool, "c@agency.example", PASSWORD)["id_token"]
    status, _, body = call(gateway, "GET", "/api/mine", Authorization=f"Bearer {token}")
    assert status == 200
    claims = body["event"]["requestContext"]["authorizer"]["claims"]
    assert (claims["token_use"], claims["custom:agency_id"]) == ("id", "a")
    assert call(gateway, "GET", "/api/mine")[0] == 401
    assert call(gateway, "GET", "/api/mine", Authorization=f"Bearer {token}x")[0] == 401


def test_a_scoped_method_refuses_an_id_token_and_an_access_token_without_the_scope(
    gateway: Gateway, pool: tuple[Any, CaseworkerPool]
) -> None:
    cognito, user_pool = pool
    client_id, secret = add_office_client(cognito, user_pool, "office-gw")
    id_token = sign_in(cognito, user_pool, "c@agency.example", PASSWORD)["id_token"]
    write_only = issue_office_token(cognito, user_pool, client_id, secret, "respite/office.write")[
        "access_token"
    ]
    read = issue_office_token(cognito, user_pool, client_id, secret, READ)["access_token"]

    assert call(gateway, "GET", "/api/inbox", Authorization=f"Bearer {id_token}")[:3:2] == (
        401,
        {"type": "about:blank", "title": "t", "status": 401, "detail": "unauthorized"},
    )
    assert call(gateway, "GET", "/api/inbox", Authorization=f"Bearer {write_only}")[0] == 401
    status, _, body = call(gateway, "GET", "/api/inbox", Authorization=f"Bearer {read}")
    assert status == 200
    assert body["event"]["requestContext"]["authorizer"]["claims"]["client_id"] == client_id
    # and an access token is no caseworker's id token
    assert call(gateway, "GET", "/api/mine", Authorization=f"Bearer {read}")[0] == 401


def test_a_binary_media_type_is_base64_and_text_is_text(gateway: Gateway) -> None:
    _, _, pdf = call(gateway, "POST", "/api/echo", b"%PDF-1.7\xff", **{"Content-Type": "application/pdf"})
    _, _, png = call(gateway, "POST", "/api/echo", b"\x89PNG", **{"Content-Type": "image/png"})
    _, _, text = call(
        gateway, "POST", "/api/echo", b'{"a": "\xc3\xa9"}', **{"Content-Type": "application/json"}
    )
    _, _, empty = call(gateway, "POST", "/api/echo")
    assert (pdf["event"]["isBase64Encoded"], base64.b64decode(pdf["event"]["body"])) == (
        True,
        b"%PDF-1.7\xff",
    )
    assert png["event"]["isBase64Encoded"] is True
    assert (text["event"]["isBase64Encoded"], text["event"]["body"]) == (False, '{"a": "é"}')
    assert (empty["event"]["body"], empty["event"]["isBase64Encoded"]) == (None, False)


def test_a_base64_answer_is_decoded_only_for_a_binary_type(gateway: Gateway) -> None:
    status, headers, body = gateway.dispatch("GET", "/api/items/pdf", {}, b"")
    assert (status, headers["Content-Type"], body) == (200, "application/pdf", b"%PDF")


def test_multi_value_headers_and_query(gateway: Gateway) -> None:
    status, headers, raw = gateway.dispatch(
        "GET", "/api/items?tag=a&tag=b%20c&empty=", [("X-Twice", "1"), ("X-Twice", "2")], b""
    )
    event = json.loads(raw)["event"]
    assert status == 200
    assert event["multiValueQueryStringParameters"] == {"tag": ["a", "b c"], "empty": [""]}
    assert event["queryStringParameters"] == {"tag": "b c", "empty": ""}
    assert event["multiValueHeaders"]["X-Twice"] == ["1", "2"]
    assert event["headers"]["X-Twice"] == "2"
    assert headers["X-Many"] == "a, b"
    no_query = json.loads(gateway.dispatch("GET", "/api/items", {}, b"")[2])["event"]
    assert (no_query["queryStringParameters"], no_query["multiValueQueryStringParameters"]) == (None, None)


def test_the_payload_limit_and_the_waf_body_rule(gateway: Gateway) -> None:
    allowed = b"x" * 4096  # over the WAF's 1 KB, on a path it lets through
    assert call(gateway, "POST", "/api/uploads/a", allowed)[0] == 200
    assert call(gateway, "POST", "/api/echo", allowed)[:3:2] == (
        403,
        {"type": "about:blank", "title": "t", "status": 403, "detail": "waf"},
    )
    assert call(gateway, "POST", "/api/uploads/a", b"x" * (64 * 1024 + 1))[0] == 413


def test_the_integration_timeout_answers_504_while_the_function_runs_on(
    gateway: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    function = gateway.function("api")
    monkeypatch.setattr(function, "timeout_s", 0.3)
    started = time.monotonic()
    status, _, body = call(gateway, "GET", "/api/slow?s=1")
    assert (status, body["detail"]) == (504, "timeout")
    assert time.monotonic() - started < 0.9
    # the one environment is still busy with it: the next request waits for it, as Lambda's would
    monkeypatch.setattr(function, "timeout_s", 5)
    assert call(gateway, "GET", "/api/items")[0] == 200
    assert time.monotonic() - started >= 0.9


def test_a_malformed_answer_is_502(gateway: Gateway) -> None:
    assert call(gateway, "GET", "/api/broken")[:3:2] == (502, {"message": "Internal server error"})


def test_one_request_at_a_time_per_environment(pool: tuple[Any, CaseworkerPool]) -> None:
    gateway = Gateway([], None, port=0, definition=api_definition.parse(DEFINITION), concurrency=2)
    made: list[int] = []

    def environment(number: int) -> Any:
        made.append(number)
        return echo

    gateway.mount("api", environment)
    threads = [
        threading.Thread(target=gateway.dispatch, args=("GET", "/api/slow?s=0.2", {}, b"")) for _ in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    gateway.stop()
    function = gateway.function("api")
    assert made == [0, 1]  # two environments, made when needed
    assert function.most_busy == 2


def test_the_checked_in_definition_mounts_every_api_of_the_catalogue() -> None:
    from respite_infra.catalogue import CATALOGUE

    definition = api_definition.load()
    assert {api.prefix for api in definition.apis} == {api.prefix for api in CATALOGUE.apis}
    for api in definition.apis:
        public = {(m.http_method, m.resource) for m in api.methods if m.authorization == api_definition.NONE}
        assert ("GET", "/openapi.json") in public
        assert all(
            m.authorizer == "caseworkers" for m in api.methods if m.authorization != api_definition.NONE
        )
    claims = definition.api("claims")
    assert claims is not None
    assert ("POST", "/callbacks/{dossier_id}/{message_id}") in {
        (m.http_method, m.resource) for m in claims.methods if m.authorization == api_definition.NONE
    }
