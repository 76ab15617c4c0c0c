"""Office systems' authentication without the whole stack: the token endpoint and the verifier
against moto's Cognito, the claims the gateway hands a Chalice app, and `office_caller`."""

import json
import time
from typing import Any

import boto3
import jwt
import pytest
from chalice.app import Chalice, Request, Response
from chalice.config import Config
from cryptography.hazmat.primitives.asymmetric import rsa

from respite_core.api import Problem, caller, office_caller, problem_responses
from respite_core.callers import (
    OFFICE_READ,
    OFFICE_WRITE,
    USER_SCOPE,
    Caller,
    NotAtAnOffice,
    OfficeCaller,
    Role,
    office_from,
)
from respite_infra.local import api_definition
from respite_infra.local.gateway import ApiGateway, Gateway, TokenVerifier, authorizer_claims
from respite_infra.local.identity import Caseworker as CaseworkerAccount
from respite_infra.local.identity import (
    CaseworkerPool,
    OAuthError,
    OfficeClients,
    OfficeUser,
    add_caseworker,
    add_office_client,
    add_office_user,
    create_caseworker_pool,
    issue_office_token,
    sign_in,
    token_endpoint,
)
from respite_infra.local.moto_process import MotoServer

REGION = "eu-west-1"


# --- office_caller / caller on hand-built requests ----------------------------------------------


def request_with(claims: dict[str, Any] | None) -> Request:
    context: dict[str, Any] = {"httpMethod": "GET", "resourcePath": "/inbox", "path": "/inbox"}
    if claims is not None:
        context["authorizer"] = {"claims": claims}
    return Request(
        {
            "multiValueQueryStringParameters": None,
            "headers": {},
            "pathParameters": {},
            "requestContext": context,
            "body": None,
            "stageVariables": {},
        }
    )


OFFICE_CLAIMS = {
    "sub": "office-client-1",
    "client_id": "office-client-1",
    "token_use": "access",
    "scope": f"{OFFICE_READ} {OFFICE_WRITE}",
    "iss": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_pool",
    "version": "2",
}
CASEWORKER_CLAIMS = {
    "sub": "user-1",
    "aud": "web-client",
    "token_use": "id",
    "custom:agency_id": "ocmw-gent",
    "custom:role": "caseworker",
}


def status_of(call: Any) -> int:
    with pytest.raises(Problem) as problem:
        call()
    return problem.value.status


def test_office_caller_reads_an_office_access_token() -> None:
    who = office_caller(request_with(OFFICE_CLAIMS))
    assert who == OfficeCaller("office-client-1", frozenset({OFFICE_READ, OFFICE_WRITE}))
    assert office_caller(request_with(OFFICE_CLAIMS), scope=OFFICE_WRITE) == who


def test_office_caller_needs_the_scope() -> None:
    read_only = {**OFFICE_CLAIMS, "scope": OFFICE_READ}
    assert office_caller(request_with(read_only), scope=OFFICE_READ).scopes == {OFFICE_READ}
    assert status_of(lambda: office_caller(request_with(read_only), scope=OFFICE_WRITE)) == 403


@pytest.mark.parametrize(
    "claims",
    [
        None,
        {},
        CASEWORKER_CLAIMS,
        {**OFFICE_CLAIMS, "token_use": "id"},
        {k: v for k, v in OFFICE_CLAIMS.items() if k != "client_id"},
    ],
    ids=["no-authorizer", "no-claims", "caseworker", "id-token", "no-client-id"],
)
def test_office_caller_refuses_anything_else(claims: dict[str, Any] | None) -> None:
    assert status_of(lambda: office_caller(request_with(claims))) == 401
    assert status_of(lambda: office_caller(None)) == 401


def test_a_users_access_token_outside_one_office_group_is_403() -> None:
    user = {**OFFICE_CLAIMS, "sub": "a-user", "username": "a-user", "scope": USER_SCOPE}
    assert status_of(lambda: office_caller(request_with(user))) == 403  # a caseworker's access token
    both = {**user, "cognito:groups": "office-a,office-b"}
    assert status_of(lambda: office_caller(request_with(both))) == 403
    assert office_caller(request_with({**user, "cognito:groups": "office-a"})).office_id == "a"


def test_caller_is_for_caseworker_id_tokens_only() -> None:
    assert caller(request_with(CASEWORKER_CLAIMS)) == Caller("user-1", "ocmw-gent", Role.CASEWORKER)
    assert status_of(lambda: caller(request_with(OFFICE_CLAIMS))) == 401
    # the same caseworker attributes in an access token are still not a caseworker's id token
    assert status_of(lambda: caller(request_with({**CASEWORKER_CLAIMS, "token_use": "access"}))) == 401


# --- the gateway's Lambda event: verified claims in requestContext.authorizer ----------------------


def office_app() -> Chalice:
    app = Chalice(app_name="office-test")
    app.register_middleware(problem_responses, "http")

    @app.route("/inbox", methods=["GET"])
    def inbox() -> Response:
        who = office_caller(app.current_request, scope=OFFICE_READ)
        claims = (app.current_request.context if app.current_request else {})["authorizer"]["claims"]
        return Response(
            {"client": who.office_client_id, "scopes": sorted(who.scopes), "claims": claims}, status_code=200
        )

    @app.route("/answers", methods=["POST"])
    def answer() -> Response:
        office_caller(app.current_request, scope=OFFICE_WRITE)
        return Response({"ok": True}, status_code=201)

    @app.route("/open", methods=["GET"])
    def open_route() -> Response:
        context = app.current_request.context if app.current_request else {}
        return Response({"authorizer": context.get("authorizer")}, status_code=200)

    return app


@pytest.fixture(scope="module")
def gateway() -> ApiGateway:
    return ApiGateway(office_app(), Config.create(chalice_stage="local"))


def verified(**changes: Any) -> dict[str, str]:
    now = 1_700_000_000
    return authorizer_claims(
        {**OFFICE_CLAIMS, "version": 2, "iat": now, "auth_time": now, "exp": now + 3600} | changes
    )


def test_the_event_carries_the_claims_as_api_gateway_passes_them(gateway: ApiGateway) -> None:
    status, _, body = gateway.invoke("GET", "/inbox", {}, None, verified())

    assert status == 200, body
    answer = json.loads(body)
    assert answer["client"] == "office-client-1"
    assert answer["scopes"] == [OFFICE_READ, OFFICE_WRITE]
    claims = answer["claims"]
    assert all(isinstance(v, str) for v in claims.values())
    assert claims["exp"] == "Tue Nov 14 23:13:20 UTC 2023"
    assert claims["iat"] == "Tue Nov 14 22:13:20 UTC 2023"
    assert claims["auth_time"] == "1700000000"
    assert claims["version"] == "2"


def test_without_claims_the_app_answers_401(gateway: ApiGateway) -> None:
    status, headers, body = gateway.invoke("GET", "/inbox", {}, None, None)
    assert status == 401
    assert headers["Content-Type"] == "application/problem+json"
    assert json.loads(body)["detail"] == "An office system's access token is required."
    status, _, body = gateway.invoke("GET", "/open", {}, None, None)
    assert (status, json.loads(body)) == (200, {"authorizer": None})


def test_a_missing_scope_is_403(gateway: ApiGateway) -> None:
    status, _, body = gateway.invoke("POST", "/answers", {}, b"", verified(scope=OFFICE_READ))
    assert status == 403
    assert json.loads(body)["type"].endswith("/insufficient-scope")
    assert gateway.invoke("POST", "/answers", {}, b"", verified())[0] == 201


def test_unknown_routes_and_options(gateway: ApiGateway) -> None:
    assert gateway.invoke("GET", "/nowhere", {}, None, verified())[0] == 403
    status, headers, _ = gateway.invoke("OPTIONS", "/inbox", {}, None, None)
    assert status == 200
    assert headers["Access-Control-Allow-Methods"] == "OPTIONS"
    assert gateway.invoke("DELETE", "/inbox", {}, None, verified())[0] == 405


# --- the token endpoint and the verifier against moto's Cognito -----------------------------------


@pytest.fixture
def pool(aws: boto3.Session, moto_server: MotoServer, stage: str) -> tuple[Any, CaseworkerPool]:
    cognito = aws.client("cognito-idp")
    return cognito, create_caseworker_pool(cognito, stage, moto_server.endpoint, REGION)


def test_an_issued_token_verifies_and_a_forged_one_does_not(pool: tuple[Any, CaseworkerPool]) -> None:
    cognito, user_pool = pool
    client_id, secret = add_office_client(cognito, user_pool, "office-1")
    verifier = TokenVerifier(user_pool.issuer, OfficeClients(cognito, user_pool.pool_id))

    token = issue_office_token(cognito, user_pool, client_id, secret, None)["access_token"]

    claims = verifier.verify(token)
    assert claims["client_id"] == claims["sub"] == client_id
    assert claims["token_use"] == "access"
    assert claims["iss"] == user_pool.issuer.issuer
    assert claims["scope"] == f"{OFFICE_READ} {OFFICE_WRITE}"
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims, other_key, algorithm="RS256", headers={"kid": "dummy"})
    with pytest.raises(jwt.PyJWTError):
        verifier.verify(forged)
    # without the office directory no access token passes
    with pytest.raises(jwt.PyJWTError):
        TokenVerifier(user_pool.issuer).verify(token)


def test_the_verifier_still_takes_caseworker_id_tokens_and_refuses_their_access_tokens(
    pool: tuple[Any, CaseworkerPool],
) -> None:
    cognito, user_pool = pool
    add_caseworker(
        cognito, user_pool, CaseworkerAccount("x@agency.example", "Respite-test-2026!", "a", "caseworker")
    )
    verifier = TokenVerifier(user_pool.issuer, OfficeClients(cognito, user_pool.pool_id))
    result = cognito.initiate_auth(
        ClientId=user_pool.web_client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "x@agency.example", "PASSWORD": "Respite-test-2026!"},
    )["AuthenticationResult"]

    assert (
        verifier.verify(sign_in(cognito, user_pool, "x@agency.example", "Respite-test-2026!")["id_token"])[
            "token_use"
        ]
        == "id"
    )
    with pytest.raises(jwt.PyJWTError):  # the web client is no office system
        verifier.verify(result["AccessToken"])


def test_a_user_access_token_carries_what_office_routes_rely_on(pool: tuple[Any, CaseworkerPool]) -> None:
    """moto's InitiateAuth access token as AWS's: `token_use` access, the web client's `client_id`, the
    user's `sub`, the one scope `aws.cognito.signin.user.admin` and the user's groups (a list)."""
    cognito, user_pool = pool
    add_office_user(cognito, user_pool, OfficeUser("desk@office.example", "Respite-test-2026!", "office-5"))
    add_caseworker(
        cognito, user_pool, CaseworkerAccount("y@agency.example", "Respite-test-2026!", "a", "caseworker")
    )
    verifier = TokenVerifier(user_pool.issuer, OfficeClients(cognito, user_pool.pool_id))
    office_scopes = [OFFICE_READ, USER_SCOPE]  # an office route's, as the template gives them

    desk = sign_in(cognito, user_pool, "desk@office.example", "Respite-test-2026!")
    claims = jwt.decode(desk["access_token"], options={"verify_signature": False})
    assert claims["token_use"] == "access"
    assert claims["client_id"] == user_pool.web_client_id != claims["sub"]
    assert claims["scope"] == USER_SCOPE
    assert claims["cognito:groups"] == ["office-office-5"]
    id_claims = jwt.decode(desk["id_token"], options={"verify_signature": False})
    assert id_claims["cognito:groups"] == ["office-office-5"]  # the app picks the portal from it

    passed = authorizer_claims(verifier.for_method(desk["access_token"], office_scopes))
    assert passed["cognito:groups"] == "office-office-5"  # a REST authorizer's list: "a,b"
    assert office_from(passed, scope=OFFICE_WRITE).office_id == "office-5"
    with pytest.raises(jwt.PyJWTError):  # without the user scope on the method, API Gateway says no
        verifier.for_method(desk["access_token"], [OFFICE_READ])
    with pytest.raises(jwt.PyJWTError):  # and an office route never takes an id token
        verifier.for_method(desk["id_token"], office_scopes)

    # a caseworker's access token passes API Gateway (the scope is there) and the app refuses it
    worker = sign_in(cognito, user_pool, "y@agency.example", "Respite-test-2026!")["access_token"]
    worker_claims = authorizer_claims(verifier.for_method(worker, office_scopes))
    assert "cognito:groups" not in worker_claims
    with pytest.raises(NotAtAnOffice):
        office_from(worker_claims, scope=OFFICE_READ)


def test_the_office_directory_learns_new_clients_and_remembers_them(pool: tuple[Any, CaseworkerPool]) -> None:
    cognito, user_pool = pool
    offices = OfficeClients(cognito, user_pool.pool_id)
    assert not offices("no-such-client")
    assert not offices(user_pool.web_client_id)
    client_id, _ = add_office_client(cognito, user_pool, "office-later")
    assert offices(client_id)
    cognito.delete_user_pool_client(UserPoolId=user_pool.pool_id, ClientId=client_id)
    assert offices(client_id)  # remembered: no call to Cognito per request


@pytest.mark.parametrize(
    ("secret", "scope", "error"),
    [
        ("wrong", None, "invalid_client"),
        (None, "respite/office.read respite/other", "invalid_scope"),
        (None, "", None),
        (None, f"{OFFICE_WRITE} {OFFICE_WRITE}", None),
    ],
)
def test_issue_office_token_checks(
    pool: tuple[Any, CaseworkerPool], secret: str | None, scope: str | None, error: str | None
) -> None:
    cognito, user_pool = pool
    client_id, real_secret = add_office_client(cognito, user_pool, "office-2")
    if error is None:
        token = issue_office_token(cognito, user_pool, client_id, secret or real_secret, scope)
        claims = jwt.decode(token["access_token"], options={"verify_signature": False})
        assert claims["scope"] == (scope.split()[0] if scope else f"{OFFICE_READ} {OFFICE_WRITE}")
        assert claims["exp"] - claims["iat"] == 3600
        assert claims["iat"] <= time.time()
        return
    with pytest.raises(OAuthError) as raised:
        issue_office_token(cognito, user_pool, client_id, secret or real_secret, scope)
    assert raised.value.error == error


def test_the_route_takes_basic_and_form_credentials(pool: tuple[Any, CaseworkerPool]) -> None:
    import base64

    cognito, user_pool = pool
    client_id, secret = add_office_client(cognito, user_pool, "office-3")
    route = token_endpoint(cognito, user_pool)
    form = {"content-type": "application/x-www-form-urlencoded; charset=utf-8"}
    basic = {**form, "authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}

    by_basic = route("POST", basic, b"grant_type=client_credentials&scope=respite%2Foffice.read")
    by_form = route(
        "POST", form, f"grant_type=client_credentials&client_id={client_id}&client_secret={secret}".encode()
    )
    twice = route("POST", basic, b"grant_type=client_credentials&grant_type=client_credentials")
    other_id = route("POST", basic, b"grant_type=client_credentials&client_id=someone-else")

    assert by_basic[0] == by_form[0] == 200
    assert json.loads(by_basic[2])["token_type"] == "Bearer"
    assert (twice[0], json.loads(twice[2])) == (400, {"error": "invalid_request"})
    assert (other_id[0], json.loads(other_id[2])) == (401, {"error": "invalid_client"})
    assert "WWW-Authenticate" in other_id[1]


def test_through_the_gateway_an_office_token_reaches_the_app_as_claims(
    pool: tuple[Any, CaseworkerPool],
) -> None:
    """The whole local path: token endpoint → HTTP → verification → Lambda event → `office_caller`."""
    import base64

    import requests

    cognito, user_pool = pool
    client_id, secret = add_office_client(cognito, user_pool, "office-4")
    verifier = TokenVerifier(user_pool.issuer, OfficeClients(cognito, user_pool.pool_id))

    def method(verb: str, resource: str, scopes: list[str] | None) -> dict[str, Any]:
        secured = scopes is not None
        return {
            "resource": resource,
            "http_method": verb,
            "authorization": "COGNITO_USER_POOLS" if secured else "NONE",
            "authorizer": "caseworkers" if secured else None,
            "scopes": scopes or [],
            "integration": "AWS_PROXY",
        }

    definition = api_definition.parse(
        {
            "stage": "v1",
            "payload_limit_bytes": 10485760,
            "integration_timeout_ms": 29000,
            "apis": [
                {
                    "prefix": "office",
                    "function": "office-api",
                    "methods": [
                        method("GET", "/inbox", [OFFICE_READ]),
                        method("POST", "/answers", [OFFICE_WRITE]),
                        method("GET", "/open", None),
                    ],
                }
            ],
        }
    )
    gateway = Gateway(
        [],
        verifier,
        port=0,
        extra_routes={"/oauth2/token": token_endpoint(cognito, user_pool)},
        definition=definition,
    )
    app = office_app()
    gateway.mount("office", lambda _: app)
    gateway.start()
    try:
        base = f"http://127.0.0.1:{gateway.port}"
        credentials = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
        issued = requests.post(
            f"{base}/oauth2/token",
            data={"grant_type": "client_credentials", "scope": OFFICE_READ},
            headers={"Authorization": f"Basic {credentials}"},
            timeout=10,
        )
        assert issued.status_code == 200, issued.text
        token = issued.json()["access_token"]

        inbox = requests.get(f"{base}/office/inbox", headers={"Authorization": f"Bearer {token}"}, timeout=10)
        answer = requests.post(
            f"{base}/office/answers", headers={"Authorization": f"Bearer {token}"}, timeout=10
        )
        anonymous = requests.get(f"{base}/office/inbox", timeout=10)
        forged = requests.get(
            f"{base}/office/inbox", headers={"Authorization": f"Bearer {token}x"}, timeout=10
        )
    finally:
        gateway.stop()

    assert inbox.status_code == 200, inbox.text
    assert inbox.json()["client"] == client_id
    assert inbox.json()["scopes"] == [OFFICE_READ]
    assert inbox.json()["claims"]["token_use"] == "access"
    # API Gateway's Cognito authorizer refuses a token without the method's scope, and no token (401,
    # the API's UNAUTHORIZED response: none defined here, so API Gateway's own), before the app runs
    assert (answer.status_code, answer.json()) == (401, {"message": "Unauthorized"})
    assert (anonymous.status_code, anonymous.json()) == (401, {"message": "Unauthorized"})
    assert forged.status_code == 401
