"""Office systems on the local stack: OAuth2 client credentials at `/oauth2/token`, as the Cognito
domain answers them in AWS (moto has no such endpoint), and their access tokens at the gateway."""

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
import requests

from tests.e2e.conftest import RunningStack
from tests.e2e.test_slice import signed_by_moto, signed_by_someone_else

READ, WRITE = "respite/office.read", "respite/office.write"
PROBLEM = "application/problem+json"


def token_request(stack: RunningStack, data: dict[str, str], **kwargs: Any) -> requests.Response:
    return requests.post(f"{stack.base_url}/oauth2/token", data=data, timeout=10, **kwargs)


def office(stack: RunningStack, index: int = 0) -> tuple[str, str]:
    client = stack.office_clients[index]
    return client["client_id"], client["client_secret"]


def pool_claims(stack: RunningStack, token: str) -> dict[str, Any]:
    """The token's claims, verified against the pool's JWKS as moto serves it."""
    pool_id = stack.environment["RESPITE_USER_POOL_CASEWORKERS"].rsplit("/", 1)[1]
    keys = jwt.PyJWKClient(f"{stack.aws_endpoint}/{pool_id}/.well-known/jwks.json")
    key = keys.get_signing_key_from_jwt(token).key
    claims: dict[str, Any] = jwt.decode(
        token,
        key,
        algorithms=["RS256"],
        issuer=f"https://cognito-idp.eu-west-1.amazonaws.com/{pool_id}",
        options={"require": ["exp", "iat", "sub", "jti"]},
    )
    return claims


def office_token(stack: RunningStack, index: int = 0) -> str:
    response = token_request(stack, {"grant_type": "client_credentials"}, auth=office(stack, index))
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def consent_dossiers(stack: RunningStack, token: str) -> requests.Response:
    return requests.get(
        f"{stack.base_url}/consent/dossiers", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )


def test_a_token_by_http_basic_carries_every_allowed_scope(stack: RunningStack) -> None:
    client_id, secret = office(stack)

    response = token_request(stack, {"grant_type": "client_credentials"}, auth=(client_id, secret))

    assert response.status_code == 200, response.text
    assert response.headers["Cache-Control"] == "no-store"
    answer = response.json()
    assert answer["token_type"] == "Bearer"
    assert answer["expires_in"] == 3600
    claims = pool_claims(stack, answer["access_token"])
    assert jwt.get_unverified_header(answer["access_token"])["kid"] == "dummy"
    assert claims["token_use"] == "access"
    assert claims["client_id"] == claims["sub"] == client_id
    assert set(claims["scope"].split()) == {READ, WRITE}
    assert claims["version"] == 2
    assert claims["exp"] - claims["iat"] == 3600
    assert claims["auth_time"] == claims["iat"]
    assert "aud" not in claims
    assert "username" not in claims


def test_a_token_by_form_fields_with_a_narrower_scope(stack: RunningStack) -> None:
    client_id, secret = office(stack, 1)

    response = token_request(
        stack,
        {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret, "scope": READ},
    )

    assert response.status_code == 200, response.text
    claims = pool_claims(stack, response.json()["access_token"])
    assert claims["scope"] == READ
    assert claims["client_id"] == client_id


def test_each_office_gets_its_own_token(stack: RunningStack) -> None:
    subjects = {pool_claims(stack, office_token(stack, i))["sub"] for i in range(len(stack.office_clients))}
    assert subjects == {c["client_id"] for c in stack.office_clients}


@pytest.mark.parametrize(
    ("credentials", "error", "status"),
    [
        ("wrong-secret", "invalid_client", 401),
        ("unknown-client", "invalid_client", 401),
        ("no-credentials", "invalid_client", 401),
        ("unknown-scope", "invalid_scope", 400),
        ("caseworker-scope", "invalid_scope", 400),
        ("authorization-code", "unsupported_grant_type", 400),
        ("no-grant-type", "invalid_request", 400),
        ("json-body", "invalid_request", 400),
    ],
)
def test_token_errors_are_oauth2_errors(
    stack: RunningStack, credentials: str, error: str, status: int
) -> None:
    client_id, secret = office(stack)
    grant = {"grant_type": "client_credentials"}
    kwargs: dict[str, Any] = {"auth": (client_id, secret)}
    match credentials:
        case "wrong-secret":
            kwargs = {"auth": (client_id, secret + "x")}
        case "unknown-client":
            kwargs = {"auth": ("no-such-client", secret)}
        case "no-credentials":
            kwargs = {}
        case "unknown-scope":
            grant["scope"] = f"{READ} respite/office.admin"
        case "caseworker-scope":
            grant["scope"] = "aws.cognito.signin.user.admin"
        case "authorization-code":
            grant = {"grant_type": "authorization_code", "code": "abc"}
        case "no-grant-type":
            grant = {}
    if credentials == "json-body":
        response = requests.post(f"{stack.base_url}/oauth2/token", json=grant, timeout=10, **kwargs)
    else:
        response = token_request(stack, grant, **kwargs)

    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {"error": error}


def test_the_web_client_gets_no_office_token(stack: RunningStack) -> None:
    genuine = jwt.decode(stack.sign_in("anna@ocmw-gent.example"), options={"verify_signature": False})
    response = token_request(stack, {"grant_type": "client_credentials", "client_id": genuine["aud"]})
    assert response.status_code == 401
    assert response.json() == {"error": "invalid_client"}


def test_a_malformed_basic_header_is_invalid_client(stack: RunningStack) -> None:
    response = token_request(
        stack, {"grant_type": "client_credentials"}, headers={"Authorization": "Basic not-base64!"}
    )
    assert response.status_code == 401
    assert response.json() == {"error": "invalid_client"}
    no_colon = base64.b64encode(office(stack)[0].encode()).decode()
    response = token_request(
        stack, {"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {no_colon}"}
    )
    assert response.status_code == 401


def test_only_post_is_allowed(stack: RunningStack) -> None:
    response = requests.get(f"{stack.base_url}/oauth2/token", timeout=10)
    assert response.status_code == 405
    assert response.json() == {"error": "invalid_request"}


GATEWAY_401 = "A valid token is required."  # the APIs' UNAUTHORIZED gateway response


def office_inbox(stack: RunningStack, token: str) -> requests.Response:
    return requests.get(
        f"{stack.base_url}/claims/inbox", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )


def test_the_gateway_passes_an_office_token_claims_to_the_app(stack: RunningStack) -> None:
    """As API Gateway's Cognito authorizer: a caseworker route (no scopes) takes an id token only, so an
    office's access token is 401 at the gateway; an office route (its scope) passes it, and the app
    finds the office from the claims in `requestContext.authorizer`."""
    token = office_token(stack)

    response = consent_dossiers(stack, token)

    assert response.status_code == 401
    assert response.headers["Content-Type"] == PROBLEM
    assert response.json()["detail"] == GATEWAY_401
    assert office_inbox(stack, token).status_code == 200
    # and a caseworker's id token on the caseworker route works: the claims reach the app
    assert consent_dossiers(stack, stack.sign_in("anna@ocmw-gent.example")).status_code == 200


def test_forged_and_foreign_access_tokens_are_401_at_the_gateway(stack: RunningStack) -> None:
    genuine = pool_claims(stack, office_token(stack))
    now = datetime.now(UTC)
    caseworker = jwt.decode(stack.sign_in("anna@ocmw-gent.example"), options={"verify_signature": False})
    tokens = {
        "forged": signed_by_someone_else(genuine),
        "expired": signed_by_moto({**genuine, "exp": int((now - timedelta(minutes=5)).timestamp())}),
        "unknown-client": signed_by_moto({**genuine, "client_id": "no-such-client", "sub": "no-such-client"}),
        "web-client": signed_by_moto({**genuine, "client_id": caseworker["aud"], "sub": caseworker["aud"]}),
        "other-issuer": signed_by_moto({**genuine, "iss": "https://cognito-idp.eu-west-1.amazonaws.com/x"}),
        "no-client-id": signed_by_moto({k: v for k, v in genuine.items() if k != "client_id"}),
        "refresh-token": signed_by_moto({**genuine, "token_use": "refresh"}),
    }
    for name, token in tokens.items():
        response = office_inbox(stack, token)
        assert response.status_code == 401, (name, response.text)
        assert response.json()["detail"] == GATEWAY_401, name
    # the moto-signed copy of the genuine token passes the gateway and the app
    assert office_inbox(stack, signed_by_moto(genuine)).status_code == 200


def test_an_office_client_created_at_runtime_is_recognised(stack: RunningStack) -> None:
    cognito = stack.aws("cognito-idp")
    pool_id = stack.environment["RESPITE_USER_POOL_CASEWORKERS"].rsplit("/", 1)[1]
    client = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="office-created-later",
        GenerateSecret=True,
        AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthScopes=[READ],
        AllowedOAuthFlowsUserPoolClient=True,
    )["UserPoolClient"]
    response = token_request(
        stack, {"grant_type": "client_credentials"}, auth=(client["ClientId"], client["ClientSecret"])
    )
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    assert pool_claims(stack, token)["scope"] == READ
    # a scope beyond the client's own is refused
    wider = token_request(
        stack,
        {"grant_type": "client_credentials", "scope": WRITE},
        auth=(client["ClientId"], client["ClientSecret"]),
    )
    assert wider.json() == {"error": "invalid_scope"}
    # the gateway accepts the new client's token on an office route (the app: no office linked, 403)
    accepted = office_inbox(stack, token)
    assert accepted.status_code != 401, accepted.text
    assert accepted.headers["Content-Type"] in (PROBLEM, "application/json")


def test_a_client_without_the_grant_is_unauthorized_client(stack: RunningStack) -> None:
    cognito = stack.aws("cognito-idp")
    pool_id = stack.environment["RESPITE_USER_POOL_CASEWORKERS"].rsplit("/", 1)[1]
    client = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="server-side-app", GenerateSecret=True
    )["UserPoolClient"]
    response = token_request(
        stack, {"grant_type": "client_credentials"}, auth=(client["ClientId"], client["ClientSecret"])
    )
    assert response.status_code == 400
    assert response.json() == {"error": "unauthorized_client"}
