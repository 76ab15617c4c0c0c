"""The access log: who read or changed which dossier, when, and for which purpose.

Append-only and free of personal data: it names the dossier by id and the actor by their user id
(Cognito `sub`), never a person's name or number. Every read of personal data is logged before the
data is served; every change is logged in the same transaction as the change. Every entry is
written behind the liveness fence (`respite_core.store.fence`): once the dossier's data key is
destroyed nothing more is logged about it, so no entry outlives its erasure.
"""

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict

from respite_core.callers import Caller, Role
from respite_core.ids import new_id


class Purpose(StrEnum):
    CASE_WORK = "case_work"  # the caseworker handles the dossier
    CONSENT_PROOF = "consent_proof"  # the consent is shown as evidence (supervisor, the person, a court)
    SUPERVISION = "supervision"  # an agency admin reviews the caseworker's work
    TRANSFER = "transfer"  # an operator moves the dossier to another agency
    CREDITOR_EXCHANGE = "creditor_exchange"  # requests to and answers from the offices
    CREDITOR_LOOKUP = "creditor_lookup"  # an office asked whether a person is in debt help
    SUBJECT_ACCESS = "subject_access"  # the person's right of access (GDPR art. 15): their export


class Action(StrEnum):
    REGISTERED = "registered"
    READ_PERSON = "read_person"
    READ_REFUSED = "read_refused"  # a read of a living dossier refused by tenancy or role: nothing served
    READ_CONSENT = "read_consent"
    CONSENT_FORM_ADDED = "consent_form_added"
    CLOSED = "closed"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    TRANSFERRED = "transferred"
    SENT_TO_OFFICES = "sent_to_offices"
    READ_BY_OFFICE = "read_by_office"
    ANSWERED_BY_OFFICE = "answered_by_office"
    LOOKED_UP = "looked_up"
    READ_ACCESS_LOG = "read_access_log"
    SUBJECT_ACCESS_EXPORT = "subject_access_export"
    STATEMENT_OF_DEBTS = "statement_of_debts"  # drawn up for the person (a moratorium, a court)
    CREDITOR_RECORDED = "creditor_recorded"  # meter readings for a utility, an objection resolved


OFFICE_ACTOR: Literal["office"] = "office"  # the actor role of an office system (its OAuth2 client)
ActorRole = Role | Literal["office"]  # who an entry names: a person's role, or an office system

_P = Purpose

PURPOSES_OF: Final[Mapping[ActorRole, tuple[Purpose, ...]]] = MappingProxyType(
    {
        # the caseworker works the dossier and exchanges with the offices for it (notices, proposals);
        # shows the consent as evidence; hands the person their export
        Role.CASEWORKER: (_P.CASE_WORK, _P.CONSENT_PROOF, _P.CREDITOR_EXCHANGE, _P.SUBJECT_ACCESS),
        # the agency's admin does the caseworker's work too (every agency-staff route is theirs), and
        # supervises it: the access log is read for supervision
        Role.AGENCY_ADMIN: (
            _P.CASE_WORK,
            _P.SUPERVISION,
            _P.CONSENT_PROOF,
            _P.CREDITOR_EXCHANGE,
            _P.SUBJECT_ACCESS,
        ),
        # the supervisor (DPO) reads, never works the dossier: no case work, no exchange with offices
        Role.SUPERVISOR: (_P.SUPERVISION, _P.CONSENT_PROOF, _P.SUBJECT_ACCESS),
        # the operator moves dossiers between agencies and reads nobody's data for anything else
        Role.OPERATOR: (_P.TRANSFER,),
        # an office system fetches and answers requests, and asks whether a person is in debt help
        OFFICE_ACTOR: (_P.CREDITOR_EXCHANGE, _P.CREDITOR_LOOKUP),
    }
)
"""Which purposes each role may claim (and be logged with); the first is the role's usual one."""


def may_claim(role: ActorRole, purpose: Purpose) -> bool:
    """May someone of `role` access a dossier for `purpose`? A caseworker claiming `transfer` may not."""
    return purpose in PURPOSES_OF.get(role, ())


def usual_purpose(role: ActorRole) -> Purpose:
    """The purpose of a read that names none: the role's first."""
    return PURPOSES_OF[role][0]


class AccessEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    entry_id: str
    dossier_id: str
    at: datetime
    actor_id: str
    actor_agency_id: str
    actor_role: ActorRole
    action: Action
    purpose: Purpose
    detail: str | None = None  # e.g. "to:<agency_id>" for a transfer; never personal data


class LookupMiss(BaseModel):
    """An office's lookup that found nobody in debt help. It has no dossier to be logged with, so it is
    logged with the office: which of its systems asked, and when; never the number (nor its hash) —
    a miss names nobody."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    entry_id: str
    at: datetime
    actor_id: str  # the office system's OAuth2 client id
    office_id: str
    action: Action = Action.LOOKED_UP
    purpose: Purpose = Purpose.CREDITOR_LOOKUP


def lookup_miss(office_id: str, client_id: str, *, at: datetime) -> LookupMiss:
    return LookupMiss(entry_id=new_id(), at=at, actor_id=client_id, office_id=office_id)


def entry(
    caller: Caller,
    dossier_id: str,
    action: Action,
    purpose: Purpose,
    *,
    at: datetime,
    detail: str | None = None,
) -> AccessEntry:
    """A caseworker's (or operator's) access: the actor is the person, at their agency."""
    return _entry(caller.user_id, caller.agency_id, caller.role, dossier_id, action, purpose, at, detail)


def office_entry(
    office_id: str,
    client_id: str,
    dossier_id: str,
    action: Action,
    purpose: Purpose,
    *,
    at: datetime,
    detail: str | None = None,
) -> AccessEntry:
    """An office system's access: the actor is its OAuth2 client, on behalf of the office."""
    return _entry(client_id, office_id, OFFICE_ACTOR, dossier_id, action, purpose, at, detail)


def _entry(
    actor_id: str,
    organisation_id: str,
    role: ActorRole,
    dossier_id: str,
    action: Action,
    purpose: Purpose,
    at: datetime,
    detail: str | None,
) -> AccessEntry:
    return AccessEntry(
        entry_id=new_id(),
        dossier_id=dossier_id,
        at=at,
        actor_id=actor_id,
        actor_agency_id=organisation_id,
        actor_role=role,
        action=action,
        purpose=purpose,
        detail=detail,
    )
