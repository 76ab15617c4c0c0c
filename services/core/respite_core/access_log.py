"""The access log: who read or changed which dossier, when, and for which purpose.

Append-only and free of personal data: it names the dossier by id and the actor by their user id
(Cognito `sub`), never a person's name or number. Every read of personal data is logged before the
data is served; every change is logged in the same transaction as the change. Every entry is
written behind the liveness fence (`respite_core.store.fence`): once the dossier's data key is
destroyed nothing more is logged about it, so no entry outlives its erasure.
"""

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict

from respite_core.api import Caller, Role
from respite_core.ids import new_id


class Purpose(StrEnum):
    CASE_WORK = "case_work"  # the caseworker handles the dossier
    CONSENT_PROOF = "consent_proof"  # the consent is shown as evidence (supervisor, the person, a court)
    SUPERVISION = "supervision"  # an agency admin reviews the caseworker's work
    TRANSFER = "transfer"  # an operator moves the dossier to another agency
    CREDITOR_EXCHANGE = "creditor_exchange"  # requests to and answers from the offices
    CREDITOR_LOOKUP = "creditor_lookup"  # an office asked whether a person is in debt help


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


OFFICE_ACTOR: Literal["office"] = "office"  # the actor role of an office system (its OAuth2 client)


class AccessEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    entry_id: str
    dossier_id: str
    at: datetime
    actor_id: str
    actor_agency_id: str
    actor_role: Role | Literal["office"]
    action: Action
    purpose: Purpose
    detail: str | None = None  # e.g. "to:<agency_id>" for a transfer; never personal data


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
    role: Role | Literal["office"],
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
