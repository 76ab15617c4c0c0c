"""Who is calling, from the verified token's claims: without Chalice, as a consumer reads it."""

import pytest

from respite_core.callers import (
    OFFICE_READ,
    OFFICE_WRITE,
    Caller,
    NotAuthenticated,
    OfficeCaller,
    Role,
    ScopeMissing,
    caseworker_from,
    office_from,
)

ID_CLAIMS = {"token_use": "id", "sub": "u-1", "custom:agency_id": "agency-1", "custom:role": "caseworker"}
OFFICE_CLAIMS = {"token_use": "access", "sub": "client-1", "client_id": "client-1", "scope": OFFICE_READ}


def test_a_caseworkers_id_token_names_the_caseworker() -> None:
    assert caseworker_from(ID_CLAIMS) == Caller(user_id="u-1", agency_id="agency-1", role=Role.CASEWORKER)


@pytest.mark.parametrize(
    "claims",
    [
        {},
        {**ID_CLAIMS, "token_use": "access"},
        {**ID_CLAIMS, "custom:role": "mayor"},
        {k: v for k, v in ID_CLAIMS.items() if k != "custom:agency_id"},
        OFFICE_CLAIMS,
    ],
)
def test_anything_else_is_not_a_caseworker(claims: dict[str, str]) -> None:
    with pytest.raises(NotAuthenticated):
        caseworker_from(claims)


def test_an_office_token_names_its_client_and_scopes() -> None:
    assert office_from(OFFICE_CLAIMS, scope=OFFICE_READ) == OfficeCaller("client-1", frozenset({OFFICE_READ}))


def test_an_office_token_without_the_scope_is_refused_for_that_scope() -> None:
    with pytest.raises(ScopeMissing) as refused:
        office_from(OFFICE_CLAIMS, scope=OFFICE_WRITE)
    assert refused.value.scope == OFFICE_WRITE


@pytest.mark.parametrize(
    "claims",
    [ID_CLAIMS, {**OFFICE_CLAIMS, "sub": "a-user"}, {**OFFICE_CLAIMS, "client_id": ""}],
)
def test_a_users_token_is_not_an_office_system(claims: dict[str, str]) -> None:
    with pytest.raises(NotAuthenticated):
        office_from(claims)
