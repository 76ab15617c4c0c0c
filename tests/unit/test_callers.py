"""Who is calling, from the verified token's claims: without Chalice, as a consumer reads it."""

import pytest

from respite_core.callers import (
    OFFICE_READ,
    OFFICE_WRITE,
    USER_SCOPE,
    Caller,
    NotAtAnOffice,
    NotAuthenticated,
    OfficeCaller,
    Role,
    ScopeMissing,
    caseworker_from,
    groups_of,
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
    [ID_CLAIMS, {**OFFICE_CLAIMS, "client_id": ""}, {**OFFICE_CLAIMS, "sub": ""}],
)
def test_an_id_token_or_a_token_without_client_or_subject_is_not_an_office(claims: dict[str, str]) -> None:
    with pytest.raises(NotAuthenticated):
        office_from(claims)


# --- a person at an office: a user's access token (InitiateAuth), the office from their group -------

USER_CLAIMS = {
    "token_use": "access",
    "sub": "user-7",
    "client_id": "web-client",
    "scope": USER_SCOPE,
    "cognito:groups": "office-vanhove",  # as API Gateway's REST authorizer passes a list: "a,b"
}


def test_a_user_in_an_office_group_is_that_office_with_read_and_write() -> None:
    who = office_from(USER_CLAIMS, scope=OFFICE_WRITE)
    assert who == OfficeCaller(
        "web-client", frozenset({OFFICE_READ, OFFICE_WRITE}), office_id="vanhove", user_id="user-7"
    )
    assert who.actor_id == "user-7"


@pytest.mark.parametrize(
    "groups", ["office-vanhove", "admins,office-vanhove", "[admins office-vanhove]", ["office-vanhove"]]
)
def test_the_office_group_is_read_from_each_form_of_the_groups_claim(groups: object) -> None:
    assert office_from({**USER_CLAIMS, "cognito:groups": groups}).office_id == "vanhove"


@pytest.mark.parametrize(
    "claims",
    [
        {k: v for k, v in USER_CLAIMS.items() if k != "cognito:groups"},  # a caseworker's access token
        {**USER_CLAIMS, "cognito:groups": "admins"},
        {**USER_CLAIMS, "cognito:groups": "office-"},
        {**USER_CLAIMS, "cognito:groups": "office-vanhove,office-lambert"},  # which office would it be?
    ],
)
def test_a_user_of_no_office_or_of_several_is_refused(claims: dict[str, str]) -> None:
    with pytest.raises(NotAtAnOffice):
        office_from(claims, scope=OFFICE_READ)


def test_an_office_users_id_token_is_not_an_office_caller() -> None:
    with pytest.raises(NotAuthenticated):
        office_from({**USER_CLAIMS, "token_use": "id"})


def test_an_office_system_acts_as_its_client() -> None:
    assert office_from(OFFICE_CLAIMS).actor_id == "client-1"


def test_groups_of_an_absent_claim_are_none() -> None:
    assert groups_of({}) == []
