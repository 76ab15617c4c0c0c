"""Registering a person: consent evidence checked, dossier opened. Pure: no AWS here."""

from dataclasses import dataclass
from datetime import datetime

from respite_consent.consent_texts import UnknownConsentText, consent_text
from respite_consent.models import RegisterDossier
from respite_core.api import Caller
from respite_core.domain import Consent, DebtorIdentity, Dossier


class ConsentNotProven(ValueError):
    """The consent names no text we know: there is nothing to prove it with."""


@dataclass(frozen=True)
class NewDossier:
    dossier: Dossier
    person: DebtorIdentity
    consent: Consent


def open_dossier(request: RegisterDossier, caller: Caller, dossier_id: str, now: datetime) -> NewDossier:
    given = request.consent
    try:
        text = consent_text(given.text_version, given.language)
    except UnknownConsentText as error:
        raise ConsentNotProven(str(error)) from None
    consent = Consent(
        text_version=text.version,
        language=text.language,
        text_sha256=text.sha256,
        channel=given.channel,
        captured_by=caller.user_id,
        captured_at=given.given_at or now,
    )
    if consent.captured_at > now:
        raise ConsentNotProven("consent cannot be given in the future")
    dossier = Dossier(dossier_id=dossier_id, agency_id=caller.agency_id, opened_at=now)
    return NewDossier(dossier=dossier, person=request.person, consent=consent)
