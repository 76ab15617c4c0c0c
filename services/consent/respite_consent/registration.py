"""Registering a person: consent evidence checked, dossier opened. Pure: no AWS here."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from respite_consent.consent_texts import UnknownConsentText, consent_text
from respite_consent.models import RegisterDossier
from respite_core.callers import Caller
from respite_core.domain import Consent, ConsentChannel, DebtorIdentity, Dossier, DossierState

CLOCK_SKEW: Final = timedelta(minutes=5)  # a front end's clock a little ahead of ours is not the future
# consent taken at an intake (on paper, say) is registered within days; a month is the plausible limit
LATEST_REGISTRATION: Final = timedelta(days=30)


class ConsentNotProven(ValueError):
    """The consent names no text we know: there is nothing to prove it with."""


class ImplausibleConsentDate(ConsentNotProven):
    """The consent is dated in the future, or long before it is registered: not evidence of anything."""


@dataclass(frozen=True)
class NewDossier:
    dossier: Dossier
    person: DebtorIdentity
    consent: Consent


def open_dossier(request: RegisterDossier, caller: Caller, dossier_id: str, now: datetime) -> NewDossier:
    """The dossier, person and consent evidence to register. Consent on a paper form opens the
    dossier awaiting that form (`awaiting_signed_form`): until it is added nothing goes to offices."""
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
    if consent.captured_at > now + CLOCK_SKEW:
        raise ImplausibleConsentDate("consent cannot be given in the future")
    if consent.captured_at < now - LATEST_REGISTRATION:
        raise ImplausibleConsentDate("consent must be registered within 30 days of being given")
    awaiting = given.channel is ConsentChannel.SIGNED_PAPER_FORM
    state = DossierState.AWAITING_SIGNED_FORM if awaiting else DossierState.REGISTERED
    dossier = Dossier(
        dossier_id=dossier_id,
        agency_id=caller.agency_id,
        opened_at=now,
        state=state,
        agency_reference=request.agency_reference,
    )
    return NewDossier(dossier=dossier, person=request.person, consent=consent)
