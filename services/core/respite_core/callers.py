"""Who is calling: a caseworker (an id token), an office's system (a client-credentials access token)
or a person at an office (a user's access token, in the Cognito group `office-<office_id>`).

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
# the one scope of a user's access token from InitiateAuth; office routes accept it beside theirs
USER_SCOPE = "aws.cognito.signin.user.admin"
OFFICE_GROUP_PREFIX = "office-"


def office_group(office_id: str) -> str:
    """The Cognito group of the people at an office."""
    return f"{OFFICE_GROUP_PREFIX}{office_id}"


@dataclass(frozen=True)
class OfficeCaller:
    """An office calling: its system with an OAuth2 client-credentials access token (which office that
    is, is the directory's answer for `office_client_id`), or a person at the office with their own
    access token (`office_id` from their group, `user_id` their subject; both scopes)."""

    office_client_id: str
    scopes: frozenset[str]
    office_id: str | None = None
    user_id: str | None = None

    @property
    def actor_id(self) -> str:
        """Who acted, for the access log and idempotency: the person, else the office's system."""
        return self.user_id or self.office_client_id


class NotAuthenticated(ValueError):
    """The claims are not those of the token the operation requires (401)."""


class NotAtAnOffice(ValueError):
    """A user's valid access token, but the user is in no office's group, or in several (403)."""


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
    """The office whose access token carried `claims`: its system's client-credentials token, or the
    token of a user in exactly one office group. NotAuthenticated for any other token (an id token);
    NotAtAnOffice for a user in no office group or in several; ScopeMissing
    when a system's token lacks `scope`."""
    client_id = str(claims.get("client_id") or "")
    subject = str(claims.get("sub") or "")
    if claims.get("token_use") != ACCESS_TOKEN or not client_id or not subject:
        raise NotAuthenticated("not an access token")
    if subject == client_id:  # a client-credentials token's subject is the client itself
        granted = frozenset(str(claims.get("scope") or "").split())
        who = OfficeCaller(office_client_id=client_id, scopes=granted)
    else:
        who = _office_user(claims, client_id, subject)
    if scope is not None and scope not in who.scopes:
        raise ScopeMissing(scope)
    return who


def _office_user(claims: Mapping[str, Any], client_id: str, subject: str) -> OfficeCaller:
    """A person at an office: exactly one `office-<id>` group; the group grants read and write."""
    offices = [
        group.removeprefix(OFFICE_GROUP_PREFIX)
        for group in groups_of(claims)
        if group.startswith(OFFICE_GROUP_PREFIX) and len(group) > len(OFFICE_GROUP_PREFIX)
    ]
    if len(offices) != 1:  # no office (a caseworker), or more than one: which would it be?
        raise NotAtAnOffice("not a user of one office")
    return OfficeCaller(
        office_client_id=client_id,
        scopes=frozenset({OFFICE_READ, OFFICE_WRITE}),
        office_id=offices[0],
        user_id=subject,
    )


def groups_of(claims: Mapping[str, Any]) -> list[str]:
    """The token's `cognito:groups`: a list in the token itself; a REST API's Cognito authorizer
    passes every claim as a string, a list as its items joined by commas ("a,b"), and an HTTP API's
    JWT authorizer as "[a b]": all three are read."""
    groups = claims.get("cognito:groups")
    if isinstance(groups, list | tuple):
        return [str(group) for group in groups]
    text = str(groups or "").strip().removeprefix("[").removesuffix("]")
    return [group for group in text.replace(",", " ").split() if group]
