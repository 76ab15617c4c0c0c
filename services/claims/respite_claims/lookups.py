"""Is this person in debt help? An office's lookup by national number: yes or no, and the agencies'
names and contact addresses, nothing else.

Rate-limited per office over a sliding hour; every lookup is logged without the number: a match in
the access log of each dossier found, a miss in the office's own log.
"""

import math
from datetime import timedelta

from respite_claims.models import Lookup, LookupAnswer
from respite_claims.store import ClaimsStore
from respite_core import settings
from respite_core.access_log import Action, Purpose, lookup_miss, office_entry
from respite_core.api import Problem
from respite_core.domain import DossierState, Office
from respite_core.ids import utc_now
from respite_core.store.data_keys import DataKeyDestroyed
from respite_core.store.directory import Directory

OPEN_STATES = {DossierState.REGISTERED, DossierState.NOTIFIED, DossierState.NEGOTIATING, DossierState.SETTLED}


def look_up(office: Office, client_id: str, wanted: Lookup) -> LookupAnswer:
    """The agencies at which the person has an open dossier (429 with `Retry-After` past the limit)."""
    store, now, per_hour = ClaimsStore(), utc_now(), settings.current().lookups_per_hour
    wait = store.take_rate(f"lookup#{office.office_id}", per_hour, timedelta(hours=1), now)
    if wait is not None:
        raise Problem(
            429,
            f"At most {per_hour} lookups an hour.",
            kind="rate-limited",
            headers={"Retry-After": str(max(1, math.ceil(wait.total_seconds())))},
        )
    number = wanted.national_number
    agencies = []
    directory = Directory()
    for registration in store.registrations(number.country.value, number.compact):
        dossier = store.dossier_summary(str(registration["dossier_id"]))
        if dossier is None or dossier.state not in OPEN_STATES:
            continue
        try:
            store.log(
                office_entry(
                    office.office_id,
                    client_id,
                    dossier.dossier_id,
                    Action.LOOKED_UP,
                    Purpose.CREDITOR_LOOKUP,
                    at=now,
                )
            )
        except DataKeyDestroyed:
            continue  # consent withdrawn: the person is no longer in debt help here
        agency = directory.agency(dossier.agency_id)
        if agency is not None:
            agencies.append({"name": agency.name, "contact_email": agency.contact_email})
    if not agencies:
        store.log_lookup_miss(lookup_miss(office.office_id, client_id, at=now))
    return LookupAnswer(in_debt_help=bool(agencies), agencies=agencies)
