"""Who is asking, and what they may reach: an agency's own dossiers, an office's own requests.

Each answers the dossier or request, or raises the `Problem` the API answers with: 404 for a
dossier of another agency or a message of another office (the same as for one that does not
exist), 410 for a dossier whose personal data is erased.
"""

from collections.abc import Sequence

from chalice.app import Request

from respite_claims.store import ClaimsStore, DossierRecord
from respite_core.api import Problem, office_caller
from respite_core.callers import Caller
from respite_core.domain import Agency, Dossier, DossierState, Message, Office
from respite_core.store.data_keys import DataKeyDestroyed
from respite_core.store.directory import Directory

NOT_FOUND = "No dossier with this id at your agency."
NO_MESSAGE = "No such message for your office."


def agency_dossier(who: Caller, dossier_id: str, store: ClaimsStore) -> DossierRecord:
    record = store.dossier(dossier_id)
    if record is None or record.dossier.agency_id != who.agency_id:
        raise Problem(404, NOT_FOUND)
    if record.dossier.state in (DossierState.WITHDRAWN, DossierState.ERASED):  # its data key is destroyed
        raise Problem(410, "Consent was withdrawn: this dossier's personal data is erased.", kind="erased")
    return record


def calling_office(request: Request | None, scope: str) -> tuple[Office, str]:
    """The office calling and who acted for it (the access log's actor): its system, linked to it in
    the directory, or a person in its group."""
    who = office_caller(request, scope=scope)
    directory = Directory()
    office_id = who.office_id or directory.office_of_client(who.office_client_id)
    office = directory.office(office_id) if office_id else None
    if office is None:
        raise Problem(403, "This client is not linked to an office.")
    return office, who.actor_id


def the_agency(dossier: Dossier) -> Agency:
    agency = Directory().agency(dossier.agency_id)
    if agency is None:
        raise Problem(409, "The dossier's agency is not in the directory.")
    return agency


def offices_named(office_ids: Sequence[str]) -> dict[str, Office]:
    directory = Directory()
    found = {office_id: directory.office(office_id) for office_id in dict.fromkeys(office_ids)}
    unknown = sorted(office_id for office_id, office in found.items() if office is None)
    if unknown:
        raise Problem(422, f"Unknown offices: {', '.join(unknown)}.", kind="unknown-office")
    return {office_id: office for office_id, office in found.items() if office is not None}


def office_request(
    office: Office, dossier_id: str, message_id: str, store: ClaimsStore
) -> tuple[DossierRecord, Message]:
    """The request addressed to this office, or 404 — the same for a message of another office."""
    record = store.dossier(dossier_id)
    if record is None:
        raise Problem(404, NO_MESSAGE)
    try:
        request = record.message(message_id)
    except DataKeyDestroyed:
        raise Problem(410, "This dossier's personal data is erased.", kind="erased") from None
    if request is None or request.receiver != office.office_id:
        raise Problem(404, NO_MESSAGE)
    return record, request
