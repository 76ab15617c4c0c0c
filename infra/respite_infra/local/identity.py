"""Cognito on the local stack: the caseworker user pool, its web client, sign-in, and the office
systems' app clients with the OAuth2 token endpoint they get their access tokens from.

moto's Cognito signs tokens with its own published key and serves the pool's JWKS, so the local
gateway verifies tokens exactly as API Gateway's Cognito authorizer does in AWS. moto has no
Cognito domain and so no `/oauth2/token`: `token_endpoint` plays it for the client-credentials
grant, signing with that same published key (which is why this exists only locally).
"""

import base64
import binascii
import contextlib
import functools
import gzip
import hmac
import json
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

import jwt
from botocore.exceptions import BotoCoreError, ClientError

from respite_core.callers import OFFICE_READ, OFFICE_WRITE, office_group
from respite_infra.local.gateway import ExtraRoute, TokenIssuer

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_cognito_idp.literals import ExplicitAuthFlowsTypeType

CUSTOM_ATTRIBUTES = ("agency_id", "role")  # set by administrators only, never by the user
# the deployed web client's (respite_infra.cdk.identity; tests/infra compares the two)
WEB_CLIENT_AUTH_FLOWS: tuple["ExplicitAuthFlowsTypeType", ...] = (
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
)


@dataclass(frozen=True)
class CaseworkerPool:
    pool_id: str
    pool_arn: str
    web_client_id: str
    endpoint: str
    region: str

    @property
    def issuer(self) -> TokenIssuer:
        return TokenIssuer(
            jwks_url=f"{self.endpoint}/{self.pool_id}/.well-known/jwks.json",
            issuer=f"https://cognito-idp.{self.region}.amazonaws.com/{self.pool_id}",
            audiences=(self.web_client_id,),
        )


def create_caseworker_pool(
    cognito: "CognitoIdentityProviderClient", stage: str, endpoint: str, region: str
) -> CaseworkerPool:
    pool = cognito.create_user_pool(
        PoolName=f"respite-{stage}-caseworkers",
        Schema=[{"Name": name, "AttributeDataType": "String", "Mutable": True} for name in CUSTOM_ATTRIBUTES],
        Policies={"PasswordPolicy": {"MinimumLength": 12, "RequireNumbers": True, "RequireSymbols": True}},
        # MFA required with an authenticator app, as in AWS. moto differs in one way the app meets: a
        # user who never set one up signs in without (AWS answers MFA_SETUP), so the demo users need
        # none; a user created with a temporary password is asked to set one up, as in AWS.
        MfaConfiguration="ON",
    )["UserPool"]
    cognito.set_user_pool_mfa_config(
        UserPoolId=pool["Id"], SoftwareTokenMfaConfiguration={"Enabled": True}, MfaConfiguration="ON"
    )
    client = cognito.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName="web",
        ExplicitAuthFlows=list(WEB_CLIENT_AUTH_FLOWS),
        ReadAttributes=["email", *(f"custom:{name}" for name in CUSTOM_ATTRIBUTES)],
        WriteAttributes=["email"],
    )["UserPoolClient"]
    return CaseworkerPool(pool["Id"], pool["Arn"], client["ClientId"], endpoint, region)


@dataclass(frozen=True)
class Caseworker:
    username: str
    password: str
    agency_id: str
    role: str


def add_caseworker(cognito: "CognitoIdentityProviderClient", pool: CaseworkerPool, who: Caseworker) -> None:
    cognito.admin_create_user(
        UserPoolId=pool.pool_id,
        Username=who.username,
        UserAttributes=[
            {"Name": "email", "Value": who.username},
            {"Name": "custom:agency_id", "Value": who.agency_id},
            {"Name": "custom:role", "Value": who.role},
        ],
        MessageAction="SUPPRESS",
    )
    cognito.admin_set_user_password(
        UserPoolId=pool.pool_id, Username=who.username, Password=who.password, Permanent=True
    )


class SecondStepNeeded(Exception):
    """Cognito asks for more than the password (a new password, the authenticator's code): only the
    web app walks those steps."""


def sign_in(
    cognito: "CognitoIdentityProviderClient", pool: CaseworkerPool, username: str, password: str
) -> dict[str, Any]:
    """The tokens the web app gets from Cognito for a password alone; raises NotAuthorizedException on
    a wrong password, SecondStepNeeded when Cognito challenges."""
    answer = cognito.initiate_auth(
        ClientId=pool.web_client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    if "AuthenticationResult" not in answer:
        raise SecondStepNeeded(answer.get("ChallengeName", ""))
    result = answer["AuthenticationResult"]
    # both tokens, as InitiateAuth answers: caseworkers call with the id token, people at an office
    # with the access token (office routes take access tokens only)
    return {
        "id_token": result["IdToken"],
        "access_token": result["AccessToken"],
        "expires_in": result["ExpiresIn"],
        "token_type": "Bearer",
    }


@dataclass(frozen=True)
class OfficeUser:
    """A person at an office: a user of the same pool, in the office's group (no agency, no role)."""

    username: str
    password: str
    office_id: str


def add_office_group(cognito: "CognitoIdentityProviderClient", pool_id: str, office_id: str) -> None:
    """The office's group, as registering the office creates it (`respite_claims.store.OfficeAccounts`)."""
    with contextlib.suppress(cognito.exceptions.GroupExistsException):
        cognito.create_group(UserPoolId=pool_id, GroupName=office_group(office_id))


def add_office_user(cognito: "CognitoIdentityProviderClient", pool: CaseworkerPool, who: OfficeUser) -> None:
    """What ops do in AWS: admin-create-user, then admin-add-user-to-group."""
    cognito.admin_create_user(
        UserPoolId=pool.pool_id,
        Username=who.username,
        UserAttributes=[{"Name": "email", "Value": who.username}],
        MessageAction="SUPPRESS",
    )
    cognito.admin_set_user_password(
        UserPoolId=pool.pool_id, Username=who.username, Password=who.password, Permanent=True
    )
    add_office_group(cognito, pool.pool_id, who.office_id)
    cognito.admin_add_user_to_group(
        UserPoolId=pool.pool_id, Username=who.username, GroupName=office_group(who.office_id)
    )


OFFICE_SCOPES = (OFFICE_READ, OFFICE_WRITE)


def add_office_client(
    cognito: "CognitoIdentityProviderClient", pool: CaseworkerPool, office_id: str
) -> tuple[str, str]:
    """An OAuth2 client-credentials app client for one office system: (client id, client secret)."""
    try:
        cognito.describe_resource_server(UserPoolId=pool.pool_id, Identifier="respite")
    except cognito.exceptions.ResourceNotFoundException:
        cognito.create_resource_server(
            UserPoolId=pool.pool_id,
            Identifier="respite",
            Name="Respite office API",
            Scopes=[
                {"ScopeName": "office.read", "ScopeDescription": "fetch the office inbox"},
                {"ScopeName": "office.write", "ScopeDescription": "answer requests, upload claims"},
            ],
        )
    client = cognito.create_user_pool_client(
        UserPoolId=pool.pool_id,
        ClientName=f"office-{office_id}",
        GenerateSecret=True,
        AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthScopes=list(OFFICE_SCOPES),
        AllowedOAuthFlowsUserPoolClient=True,
    )["UserPoolClient"]
    return client["ClientId"], client["ClientSecret"]


ACCESS_TOKEN_TTL_S = 3600  # Cognito's default access token validity
CLIENT_CREDENTIALS = "client_credentials"


@functools.cache
def moto_signing_key() -> Any:
    """The private key moto's Cognito signs every token with (kid "dummy"); its public half is the
    JWKS moto serves for every pool. Published in the moto package: never a key for AWS."""
    packed = (resources.files("moto") / "cognitoidp/resources/jwks-private.json.gz").read_bytes()
    return jwt.PyJWK(json.loads(gzip.decompress(packed))).key


class OfficeClients:
    """Which app clients of the pool are office systems: a secret and the client-credentials flow.

    Asks Cognito about a client id it does not know yet (an office added at runtime) and remembers
    the offices it found; an unknown or non-office client is asked about again next time.
    """

    def __init__(self, cognito: "CognitoIdentityProviderClient", pool_id: str) -> None:
        self._cognito = cognito
        self._pool_id = pool_id
        self._known: set[str] = set()
        self._lock = threading.Lock()

    def __call__(self, client_id: str) -> bool:
        with self._lock:
            if client_id in self._known:
                return True
        client = describe_client(self._cognito, self._pool_id, client_id)
        if client is None or not is_office_client(client):
            return False
        with self._lock:
            self._known.add(client_id)
        return True


def describe_client(
    cognito: "CognitoIdentityProviderClient", pool_id: str, client_id: str
) -> Mapping[str, Any] | None:
    """The app client (with its secret), or None when the pool has no such client."""
    if not client_id:
        return None
    try:
        return cognito.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)["UserPoolClient"]
    except cognito.exceptions.ResourceNotFoundException:
        return None
    except (ClientError, BotoCoreError):  # e.g. an id longer than Cognito allows
        return None


def is_office_client(client: Mapping[str, Any]) -> bool:
    return (
        bool(client.get("ClientSecret"))
        and bool(client.get("AllowedOAuthFlowsUserPoolClient"))
        and CLIENT_CREDENTIALS in client.get("AllowedOAuthFlows", [])
    )


class OAuthError(Exception):
    """An error of the token endpoint, as RFC 6749 §5.2 and Cognito answer it."""

    def __init__(self, error: str, status: int = 400) -> None:
        super().__init__(error)
        self.error = error
        self.status = status


def issue_office_token(
    cognito: "CognitoIdentityProviderClient",
    pool: CaseworkerPool,
    client_id: str,
    client_secret: str,
    scope: str | None,
) -> dict[str, Any]:
    """Cognito's answer to a client-credentials grant: an access token for the app client.

    Raises `OAuthError`: `invalid_client` (401) for an unknown client or a wrong secret,
    `unauthorized_client` when the client may not use the grant, `invalid_scope` for a scope it is
    not allowed. Without `scope`, the token carries every scope the client is allowed.
    """
    client = describe_client(cognito, pool.pool_id, client_id)
    secret = str(client.get("ClientSecret") or "") if client is not None else ""
    if client is None or not secret or not hmac.compare_digest(secret.encode(), client_secret.encode()):
        raise OAuthError("invalid_client", 401)
    if not is_office_client(client):
        raise OAuthError("unauthorized_client")
    allowed = list(client.get("AllowedOAuthScopes", []))
    requested = list(dict.fromkeys(scope.split())) if scope and scope.strip() else allowed
    if not requested or any(s not in allowed for s in requested):
        raise OAuthError("invalid_scope")
    now = int(time.time())  # the real time, not the platform's clock: the gateway checks `exp` against it
    claims = {
        "sub": client_id,
        "token_use": "access",
        "scope": " ".join(requested),
        "auth_time": now,
        "iss": pool.issuer.issuer,
        "exp": now + ACCESS_TOKEN_TTL_S,
        "iat": now,
        "version": 2,
        "jti": str(uuid.uuid4()),
        "client_id": client_id,
    }
    token = jwt.encode(claims, moto_signing_key(), algorithm="RS256", headers={"kid": "dummy", "typ": None})
    return {"access_token": token, "expires_in": ACCESS_TOKEN_TTL_S, "token_type": "Bearer"}


def token_endpoint(cognito: "CognitoIdentityProviderClient", pool: CaseworkerPool) -> ExtraRoute:
    """`POST /oauth2/token` of the pool's Cognito domain, for `grant_type=client_credentials`.

    The body is `application/x-www-form-urlencoded`; the client authenticates with HTTP Basic
    (`client_id:client_secret`) or with `client_id` and `client_secret` fields; `scope` is optional
    (space-separated). Errors are OAuth2's JSON: `{"error": "invalid_client"}` (401),
    `invalid_request`, `unsupported_grant_type`, `unauthorized_client`, `invalid_scope` (400).
    """

    def route(method: str, headers: Mapping[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        if method != "POST":
            return _oauth_error(OAuthError("invalid_request", 405), Allow="POST")
        try:
            content_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
            if content_type != "application/x-www-form-urlencoded":
                raise OAuthError("invalid_request")
            form = _form(body)
            grant_type = form.get("grant_type")
            if not grant_type:
                raise OAuthError("invalid_request")
            if grant_type != CLIENT_CREDENTIALS:
                raise OAuthError("unsupported_grant_type")
            client_id, client_secret = _client_credentials(headers, form)
            tokens = issue_office_token(cognito, pool, client_id, client_secret, form.get("scope"))
        except OAuthError as error:
            return _oauth_error(error)
        return 200, {**NO_STORE, "Content-Type": "application/json"}, json.dumps(tokens).encode()

    return route


NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _form(body: bytes) -> dict[str, str]:
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(body))
    except (UnicodeDecodeError, ValueError):
        raise OAuthError("invalid_request") from None
    if any(len(values) > 1 for values in fields.values()):  # RFC 6749 §3.2: never twice
        raise OAuthError("invalid_request")
    return {name: values[0] for name, values in fields.items()}


def _client_credentials(headers: Mapping[str, str], form: Mapping[str, str]) -> tuple[str, str]:
    """(client id, secret) from HTTP Basic, else from the form; `invalid_client` when missing."""
    authorization = headers.get("authorization", "")
    scheme, _, encoded = authorization.partition(" ")
    if authorization:
        if scheme.lower() != "basic":
            raise OAuthError("invalid_client", 401)
        try:
            client_id, colon, client_secret = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise OAuthError("invalid_client", 401) from None
        if not colon or form.get("client_id", client_id) != client_id:
            raise OAuthError("invalid_client", 401)
        return client_id, client_secret
    if not form.get("client_id") or not form.get("client_secret"):
        raise OAuthError("invalid_client", 401)
    return form["client_id"], form["client_secret"]


def _oauth_error(error: OAuthError, **headers: str) -> tuple[int, dict[str, str], bytes]:
    extra = {"WWW-Authenticate": 'Basic realm="respite"'} if error.status == 401 else {}
    body = json.dumps({"error": error.error}).encode()
    return error.status, {**NO_STORE, **extra, **headers, "Content-Type": "application/json"}, body
