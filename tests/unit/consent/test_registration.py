"""Opening a dossier from a registration request: pure logic, no AWS."""

from datetime import UTC, datetime, timedelta

import pytest

from respite_consent.consent_texts import CURRENT_VERSION, consent_text
from respite_consent.models import RegisterDossier
from respite_consent.registration import ConsentNotProven, ImplausibleConsentDate, open_dossier
from respite_core.callers import Caller, Role
from respite_core.domain import DossierState, Language

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
ANNA = Caller(user_id="u-anna", agency_id="ocmw-gent", role=Role.CASEWORKER)


def request(**consent: object) -> RegisterDossier:
    return RegisterDossier.model_validate(
        {
            "person": {
                "national_number": {"country": "BE", "number": "85.07.30-033.28"},
                "given_names": "Jan",
                "family_name": "Peeters",
                "birth_date": "1985-07-30",
                "address": {
                    "country": "BE",
                    "street": "Veldstraat",
                    "number": "12",
                    "postal_code": "9000",
                    "city": "Gent",
                },
            },
            "consent": {"text_version": CURRENT_VERSION, "language": "fr", "channel": "in_person", **consent},
        }
    )


def test_the_dossier_belongs_to_the_callers_agency_and_starts_registered() -> None:
    new = open_dossier(request(), ANNA, "D1", NOW)
    assert new.dossier.agency_id == "ocmw-gent"
    assert new.dossier.state is DossierState.REGISTERED
    assert new.dossier.opened_at == NOW
    assert new.dossier.agency_reference is None


def test_the_agencys_own_file_number_is_kept_on_the_dossier() -> None:
    with_reference = request().model_copy(update={"agency_reference": "2026/0412"})
    new = open_dossier(with_reference, ANNA, "D1", NOW)
    assert new.dossier.agency_reference == "2026/0412"


def test_consent_evidence_names_the_text_its_hash_and_who_captured_it() -> None:
    new = open_dossier(request(), ANNA, "D1", NOW)
    text = consent_text(CURRENT_VERSION, Language.FR)
    assert new.consent.text_sha256 == text.sha256
    assert new.consent.language is Language.FR
    assert new.consent.captured_by == "u-anna"
    assert new.consent.captured_at == NOW


def test_each_language_has_its_own_text_and_hash() -> None:
    hashes = {consent_text(CURRENT_VERSION, language).sha256 for language in Language}
    assert len(hashes) == len(Language)


def test_an_unknown_text_version_is_not_proof() -> None:
    with pytest.raises(ConsentNotProven):
        open_dossier(request(text_version="v0"), ANNA, "D1", NOW)


def test_consent_given_in_the_future_is_not_proof() -> None:
    with pytest.raises(ConsentNotProven):
        open_dossier(request(given_at=(NOW + timedelta(days=1)).isoformat()), ANNA, "D1", NOW)


def test_consent_given_earlier_keeps_its_time() -> None:
    earlier = NOW - timedelta(days=2)
    assert open_dossier(request(given_at=earlier.isoformat()), ANNA, "D1", NOW).consent.captured_at == earlier


@pytest.mark.parametrize(
    "given_at",
    [
        NOW + timedelta(minutes=6),  # beyond any clock skew
        NOW - timedelta(days=30, seconds=1),  # more than 30 days before it is registered
        datetime(2001, 5, 1, tzinfo=UTC),
    ],
)
def test_consent_dated_implausibly_is_not_proof(given_at: datetime) -> None:
    with pytest.raises(ImplausibleConsentDate):
        open_dossier(request(given_at=given_at.isoformat()), ANNA, "D1", NOW)


@pytest.mark.parametrize("given_at", [NOW + timedelta(minutes=4), NOW - timedelta(days=30)])
def test_consent_within_the_clock_skew_and_the_month_is_taken(given_at: datetime) -> None:
    assert (
        open_dossier(request(given_at=given_at.isoformat()), ANNA, "D1", NOW).consent.captured_at == given_at
    )


def test_consent_on_a_paper_form_waits_for_the_signed_form() -> None:
    new = open_dossier(request(channel="signed_paper_form"), ANNA, "D1", NOW)
    assert new.dossier.state is DossierState.AWAITING_SIGNED_FORM
