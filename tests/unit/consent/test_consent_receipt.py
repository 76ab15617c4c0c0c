"""The consent receipt the person is handed: what it says, in their language. Pure: no AWS."""

from datetime import UTC, datetime, timedelta

from respite_consent.consent_receipt import receipt, render, sections
from respite_consent.consent_texts import consent_text
from respite_consent.models import ConsentRecord, SignedForm
from respite_core.domain import ConsentChannel, Dossier, DossierState, Language
from tests.unit.consent.test_subject_access import pdf_text

NOW = datetime(2031, 2, 3, 9, 30, tzinfo=UTC)


def consent(channel: ConsentChannel = ConsentChannel.IN_PERSON, **changes: object) -> ConsentRecord:
    text = consent_text("v1", Language.FR)
    return ConsentRecord(
        text_version="v1",
        language=Language.FR,
        text_sha256=text.sha256,
        channel=channel,
        captured_by="u-anna",
        captured_at=NOW - timedelta(days=1),
        **changes,
    )


def dossier(state: DossierState = DossierState.REGISTERED) -> Dossier:
    return Dossier(dossier_id="D1", agency_id="ocmw-gent", opened_at=NOW, state=state)


def test_the_receipt_names_the_text_by_version_hash_and_words_and_nobody() -> None:
    made = receipt(dossier(), consent(), "OCMW Gent")
    assert (made.text_version, made.language, made.channel) == ("v1", Language.FR, ConsentChannel.IN_PERSON)
    assert made.text_sha256 == consent_text("v1", Language.FR).sha256
    assert made.text == consent_text("v1", Language.FR).text
    assert (made.given_at, made.registered_at) == (NOW - timedelta(days=1), NOW)
    assert made.awaiting_signed_form is False
    assert made.pdf == "/consent/dossiers/D1/consent/receipt.pdf"
    assert "u-anna" not in made.model_dump_json()  # not even the caseworker's id


def test_a_paper_consent_says_the_form_is_awaited_until_it_is_added() -> None:
    awaiting = receipt(
        dossier(DossierState.AWAITING_SIGNED_FORM), consent(ConsentChannel.SIGNED_PAPER_FORM), "G"
    )
    assert awaiting.awaiting_signed_form is True
    lines = sections(awaiting, Language.NL)[0][1]
    assert (
        "Ondertekend formulier: nog niet ontvangen: geen enkele schuldeiser wordt ingelicht tot het er is"
        in lines
    )
    form = SignedForm(
        upload_id="U1", content_type="application/pdf", size_bytes=10, sha256="0" * 64, added_at=NOW
    )
    added = receipt(dossier(), consent(ConsentChannel.SIGNED_PAPER_FORM, signed_form=form), "G")
    assert (added.awaiting_signed_form, added.signed_form_added_at) == (False, NOW)


def test_the_receipt_reads_in_the_persons_language() -> None:
    made = receipt(dossier(), consent(withdrawn_at=NOW + timedelta(days=2)), "OCMW Gent")
    (fr_heading, fr_lines), (text_heading, text_lines) = sections(made, Language.FR)
    assert fr_heading == "Votre consentement"
    assert "Donné: en personne" in fr_lines
    assert any(line.startswith("Retiré le: ") for line in fr_lines)
    assert text_heading == "Le texte auquel vous avez consenti"
    assert text_lines == consent_text("v1", Language.FR).text.splitlines()
    assert sections(made, Language.EN)[0][0] == "Your consent"


def test_the_receipt_renders_as_a_pdf() -> None:
    pdf = render(receipt(dossier(), consent(), "OCMW Gent"), Language.NL)
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert "Bewijs van uw toestemming" in text
    assert consent_text("v1", Language.FR).sha256 in text
