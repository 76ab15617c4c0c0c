"""The consent receipt: what the person is handed when they consent (and when they withdraw), as JSON
and as a PDF in their language, laid out as the subject-access export is. Pure: no AWS here.

It names nobody (no name, no number): the person keeps it, and it proves what they agreed to by the
text's version and SHA-256 — the same hash the consent evidence records."""

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from respite_consent.consent_texts import consent_text
from respite_consent.models import ConsentReceipt, ConsentRecord
from respite_consent.printing import printed, when
from respite_core.domain import ConsentChannel, Dossier, DossierState, Language

_L = Language

WORDS: Final[Mapping[Language, Mapping[str, str]]] = MappingProxyType(
    {
        _L.NL: {
            "title": "Bewijs van uw toestemming",
            "intro": (
                "U hebt {agency} toestemming gegeven om uw schulden via Respite met uw schuldeisers te "
                "regelen (dossier {dossier}, geregistreerd op {registered}). U kunt die toestemming op elk "
                "moment intrekken bij {agency}; uw gegevens worden dan gewist."
            ),
            "consent": "Uw toestemming",
            "text_version": "Versie van de tekst",
            "language": "Taal",
            "channel": "Gegeven",
            "given_at": "Op",
            "signed_form": "Ondertekend formulier",
            "awaited": "nog niet ontvangen: geen enkele schuldeiser wordt ingelicht tot het er is",
            "withdrawn_at": "Ingetrokken op",
            "text": "De tekst waarmee u instemde",
            ConsentChannel.IN_PERSON: "persoonlijk",
            ConsentChannel.SIGNED_PAPER_FORM: "op een ondertekend papieren formulier",
        },
        _L.FR: {
            "title": "Preuve de votre consentement",
            "intro": (
                "Vous avez autorisé {agency} à régler vos dettes avec vos créanciers par Respite (dossier "
                "{dossier}, enregistré le {registered}). Vous pouvez retirer ce consentement à tout moment "
                "auprès de {agency} ; vos données sont alors effacées."
            ),
            "consent": "Votre consentement",
            "text_version": "Version du texte",
            "language": "Langue",
            "channel": "Donné",
            "given_at": "Le",
            "signed_form": "Formulaire signé",
            "awaited": "pas encore reçu : aucun créancier n'est informé avant qu'il le soit",
            "withdrawn_at": "Retiré le",
            "text": "Le texte auquel vous avez consenti",
            ConsentChannel.IN_PERSON: "en personne",
            ConsentChannel.SIGNED_PAPER_FORM: "sur un formulaire papier signé",
        },
        _L.EN: {
            "title": "Receipt of your consent",
            "intro": (
                "You allowed {agency} to settle your debts with your creditors through Respite (dossier "
                "{dossier}, registered on {registered}). You can withdraw this consent at any time by "
                "telling {agency}; your data is then erased."
            ),
            "consent": "Your consent",
            "text_version": "Version of the text",
            "language": "Language",
            "channel": "Given",
            "given_at": "On",
            "signed_form": "Signed form",
            "awaited": "not received yet: no creditor is told until it is",
            "withdrawn_at": "Withdrawn on",
            "text": "The text you agreed to",
            ConsentChannel.IN_PERSON: "in person",
            ConsentChannel.SIGNED_PAPER_FORM: "on a signed paper form",
        },
    }
)


def receipt_path(dossier_id: str) -> str:
    return f"/consent/dossiers/{dossier_id}/consent/receipt.pdf"


def receipt(dossier: Dossier, consent: ConsentRecord, agency_name: str) -> ConsentReceipt:
    """The receipt of the dossier's consent as it stands (a withdrawal included)."""
    text = consent_text(consent.text_version, consent.language)
    return ConsentReceipt(
        dossier_id=dossier.dossier_id,
        agency_id=dossier.agency_id,
        agency_name=agency_name,
        text_version=consent.text_version,
        language=consent.language,
        text_sha256=consent.text_sha256,
        text=text.text,
        channel=consent.channel,
        given_at=consent.captured_at,
        registered_at=dossier.opened_at,
        awaiting_signed_form=dossier.state is DossierState.AWAITING_SIGNED_FORM,
        signed_form_added_at=consent.signed_form.added_at if consent.signed_form else None,
        withdrawn_at=consent.withdrawn_at or dossier.withdrawn_at,
        pdf=receipt_path(dossier.dossier_id),
    )


def sections(receipt: ConsentReceipt, language: Language) -> list[tuple[str, list[str]]]:
    """The receipt as headed sections of lines, before any layout (what the tests read)."""
    w = WORDS[language]
    lines = [
        f"{w['text_version']}: {receipt.text_version} ({receipt.language.value})",
        f"SHA-256: {receipt.text_sha256}",
        f"{w['channel']}: {w[receipt.channel]}",
        f"{w['given_at']}: {when(receipt.given_at, language)}",
    ]
    if receipt.signed_form_added_at is not None:
        lines.append(f"{w['signed_form']}: {when(receipt.signed_form_added_at, language)}")
    elif receipt.awaiting_signed_form:
        lines.append(f"{w['signed_form']}: {w['awaited']}")
    if receipt.withdrawn_at is not None:
        lines.append(f"{w['withdrawn_at']}: {when(receipt.withdrawn_at, language)}")
    return [(w["consent"], lines), (w["text"], receipt.text.splitlines())]


def render(receipt: ConsentReceipt, language: Language) -> bytes:
    w = WORDS[language]
    intro = w["intro"].format(
        agency=receipt.agency_name,
        dossier=receipt.dossier_id,
        registered=when(receipt.registered_at, language),
    )
    return printed(w["title"], [intro], sections(receipt, language))
