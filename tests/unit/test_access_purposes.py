"""Purposes bound to roles: who may read a dossier for what (`respite_core.access_log.PURPOSES_OF`)."""

import pytest

from respite_core.access_log import OFFICE_ACTOR, PURPOSES_OF, ActorRole, Purpose, may_claim, usual_purpose
from respite_core.callers import Role


@pytest.mark.parametrize(
    ("role", "purpose"),
    [
        (Role.CASEWORKER, Purpose.CASE_WORK),
        (Role.CASEWORKER, Purpose.CONSENT_PROOF),
        (Role.CASEWORKER, Purpose.CREDITOR_EXCHANGE),  # notices and proposals are the caseworker's
        (Role.CASEWORKER, Purpose.SUBJECT_ACCESS),
        (Role.AGENCY_ADMIN, Purpose.SUPERVISION),
        (Role.AGENCY_ADMIN, Purpose.CONSENT_PROOF),
        (Role.AGENCY_ADMIN, Purpose.CASE_WORK),  # every agency-staff route is the admin's too
        (Role.SUPERVISOR, Purpose.SUPERVISION),
        (Role.SUPERVISOR, Purpose.CONSENT_PROOF),
        (Role.SUPERVISOR, Purpose.SUBJECT_ACCESS),
        (Role.OPERATOR, Purpose.TRANSFER),
        (OFFICE_ACTOR, Purpose.CREDITOR_EXCHANGE),
        (OFFICE_ACTOR, Purpose.CREDITOR_LOOKUP),
    ],
)
def test_a_role_may_claim_the_purposes_of_its_work(role: ActorRole, purpose: Purpose) -> None:
    assert may_claim(role, purpose)


@pytest.mark.parametrize(
    ("role", "purpose"),
    [
        (Role.CASEWORKER, Purpose.TRANSFER),  # the issue: a caseworker read "for a transfer"
        (Role.CASEWORKER, Purpose.SUPERVISION),  # nobody supervises themselves
        (Role.CASEWORKER, Purpose.CREDITOR_LOOKUP),
        (Role.AGENCY_ADMIN, Purpose.TRANSFER),
        (Role.SUPERVISOR, Purpose.CASE_WORK),  # the supervisor reads, never works the dossier
        (Role.SUPERVISOR, Purpose.CREDITOR_EXCHANGE),
        (Role.SUPERVISOR, Purpose.TRANSFER),
        (Role.OPERATOR, Purpose.CASE_WORK),  # the operator reads nobody's data but to move it
        (Role.OPERATOR, Purpose.SUPERVISION),
        (Role.OPERATOR, Purpose.SUBJECT_ACCESS),
        (OFFICE_ACTOR, Purpose.CASE_WORK),
        (OFFICE_ACTOR, Purpose.SUBJECT_ACCESS),
    ],
)
def test_a_role_may_not_claim_another_roles_purpose(role: ActorRole, purpose: Purpose) -> None:
    assert not may_claim(role, purpose)


def test_only_an_operator_may_claim_a_transfer() -> None:
    assert [role for role in PURPOSES_OF if may_claim(role, Purpose.TRANSFER)] == [Role.OPERATOR]


def test_every_role_is_bound_and_its_usual_purpose_is_one_it_may_claim() -> None:
    assert set(PURPOSES_OF) == {*Role, OFFICE_ACTOR}  # a new role must be given its purposes
    for role in PURPOSES_OF:
        assert may_claim(role, usual_purpose(role))


def test_the_usual_purpose_of_a_read_follows_the_role() -> None:
    assert usual_purpose(Role.CASEWORKER) is Purpose.CASE_WORK
    assert usual_purpose(Role.AGENCY_ADMIN) is Purpose.CASE_WORK
    assert usual_purpose(Role.SUPERVISOR) is Purpose.SUPERVISION
    assert usual_purpose(Role.OPERATOR) is Purpose.TRANSFER


def test_every_purpose_is_some_roles_and_none_is_everyones() -> None:
    for purpose in Purpose:
        claimants = [role for role in PURPOSES_OF if may_claim(role, purpose)]
        assert claimants, purpose
        assert len(claimants) < len(PURPOSES_OF), purpose
