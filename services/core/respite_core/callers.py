"""Who is calling: a caseworker (an id token) or an office's system (a client-credentials access token).

API Gateway's Cognito authorizer verifies the token and passes its claims (all strings); this module
turns them into a caller, without Chalice, so the stream and queue consumers that record who did
something (the access log) need no HTTP edge. `respite_core.api` answers 401/403 when it fails.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    CASEWORKER = "caseworker"
    AGENCY_ADMIN = "agency_admin"
    # an agency's supervisor or data protection officer: reviews the dossiers and who read them,
    # answers the person's requests for access; changes nothing
    SUPERVISOR = "supervisor"
    OPERATOR = "operator"


@dataclass(frozen=True)
class Caller:
    """Who is calling, from the verified token's claims; the agency never comes from the body."""

    user_id: str
    agency_id: str
    role: Role


ID_TOKEN, ACCESS_TOKEN = "id", "access"  # the `token_use` claim of Cognito's tokens

OFFICE_READ = "respite/office.read"
OFFICE_WRITE = "respite/office.write"


@dataclass(frozen=True)
class OfficeCaller:
    """An office's system calling with an OAuth2 client-credentials access token: its app client and
    the scopes granted. Which office that is, is the directory's answer for `office_client_id`."""

    office_client_id: str
    scopes: frozenset[str]


class NotAuthenticated(ValueError):
    """The claims are not those of the token the operation requires (401)."""


class ScopeMissing(ValueError):
    """The office's token lacks the scope the operation requires (403)."""

    def __init__(self, scope: str) -> None:
        super().__init__(scope)
        self.scope = scope


def caseworker_from(claims: Mapping[str, Any]) -> Caller:
    """The caseworker whose id token carried `claims`; NotAuthenticated for any other token."""
    try:
        if claims["token_use"] != ID_TOKEN:
            raise NotAuthenticated("not an id token")
        return Caller(
            user_id=str(claims["sub"]),
            agency_id=str(claims["custom:agency_id"]),
            role=Role(claims["custom:role"]),
        )
    except (KeyError, ValueError):
        raise NotAuthenticated("not a caseworker's id token") from None


def office_from(claims: Mapping[str, Any], *, scope: str | None = None) -> OfficeCaller:
    """The office system whose access token carried `claims`: NotAuthenticated unless it is an
    office's client-credentials token, ScopeMissing when it lacks `scope`."""
    client_id = str(claims.get("client_id") or "")
    # a client-credentials token's subject is the client itself; a user's access token has the user's
    if claims.get("token_use") != ACCESS_TOKEN or not client_id or claims.get("sub") != client_id:
        raise NotAuthenticated("not an office system's access token")
    who = OfficeCaller(office_client_id=client_id, scopes=frozenset(str(claims.get("scope") or "").split()))
    if scope is not None and scope not in who.scopes:
        raise ScopeMissing(scope)
    return who
