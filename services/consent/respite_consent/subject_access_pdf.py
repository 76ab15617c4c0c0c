"""The subject-access export as a PDF in the person's language (Dutch, French or English): what the
agency prints or sends the person. Everything of the JSON export, laid out as text; documents are
listed, not included.

fpdf2's built-in Helvetica needs no font file (nothing to bundle, nothing fetched at run time). It
covers Windows-1252 — the letters of Dutch, French, English and most of western Europe, and the euro
sign; a letter outside it (a "ș", an "ł") is printed without its accent, so the JSON export stays
the exact record.
"""

import json
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

from respite_consent.models import SubjectAccessExport
from respite_core.domain import Direction, Language, MessageType
from respite_core.money import format_euros
from respite_core.totals import Amounts
from respite_core.wording import MESSAGE_TYPES, long_date

if TYPE_CHECKING:
    from fpdf import FPDF

ENCODING = "windows-1252"
_L = Language

WORDS: Final[Mapping[Language, Mapping[str, str]]] = MappingProxyType(
    {
        _L.NL: {
            "title": "Inzage in uw gegevens",
            "intro": (
                "{agency} houdt via Respite de volgende gegevens over u bij voor uw schuldhulpverlening "
                "(dossier {dossier}). U hebt het recht deze gegevens in te zien (AVG, artikel 15), ze te "
                "laten verbeteren en ze te laten wissen: trekt u uw toestemming in, dan worden ze gewist. "
                "Opgemaakt op {generated}."
            ),
            "dossier": "Uw dossier",
            "state": "Stand",
            "opened_at": "Geopend op",
            "agency_reference": "Referentie van de dienst",
            "standstill": "Opschorting",
            "closed_at": "Afgesloten op",
            "close_reason": "Reden",
            "retention_ends_at": "Gegevens gewist op",
            "person": "Uw persoonsgegevens",
            "family_name": "Familienaam",
            "given_names": "Voornamen",
            "national_number": "Rijksregisternummer / BSN",
            "birth_date": "Geboortedatum",
            "address": "Adres",
            "consent": "Uw toestemming",
            "text_version": "Versie van de tekst",
            "language": "Taal",
            "channel": "Gegeven",
            "captured_by": "Opgenomen door",
            "captured_at": "Op",
            "signed_form": "Ondertekend formulier",
            "withdrawn_at": "Ingetrokken op",
            "creditors": "Uw schulden per schuldeiser",
            "office_reference": "Dossier van de schuldeiser",
            "principal_creditor": "Opdrachtgever",
            "title_kind": "Titel",
            "principal": "Hoofdsom",
            "interest": "Interest",
            "costs": "Kosten",
            "paid": "Betaald",
            "outstanding": "Openstaand",
            "total": "Totaal",
            "offices_told": "Schuldeisers die op de hoogte zijn gebracht",
            "first_told_at": "eerst op",
            "messages_sent": "berichten",
            "messages": "Berichten met de schuldeisers",
            "to_office": "aan",
            "from_office": "van",
            "mails": "E-mails van schuldeisers",
            "documents": "Documenten (niet bijgevoegd: vraag ze bij de dienst)",
            "access_log": "Wie uw dossier inzag of wijzigde",
            "none": "geen",
        },
        _L.FR: {
            "title": "Accès à vos données",
            "intro": (
                "{agency} conserve via Respite les données suivantes à votre sujet pour votre médiation "
                "de dettes (dossier {dossier}). Vous avez le droit d'y accéder (RGPD, article 15), de les "
                "faire rectifier et de les faire effacer : si vous retirez votre consentement, elles sont "
                "effacées. Établi le {generated}."
            ),
            "dossier": "Votre dossier",
            "state": "État",
            "opened_at": "Ouvert le",
            "agency_reference": "Référence du service",
            "standstill": "Suspension",
            "closed_at": "Clôturé le",
            "close_reason": "Motif",
            "retention_ends_at": "Données effacées le",
            "person": "Vos données personnelles",
            "family_name": "Nom",
            "given_names": "Prénoms",
            "national_number": "Numéro de registre national / BSN",
            "birth_date": "Date de naissance",
            "address": "Adresse",
            "consent": "Votre consentement",
            "text_version": "Version du texte",
            "language": "Langue",
            "channel": "Donné",
            "captured_by": "Recueilli par",
            "captured_at": "Le",
            "signed_form": "Formulaire signé",
            "withdrawn_at": "Retiré le",
            "creditors": "Vos dettes par créancier",
            "office_reference": "Dossier du créancier",
            "principal_creditor": "Mandant",
            "title_kind": "Titre",
            "principal": "Principal",
            "interest": "Intérêts",
            "costs": "Frais",
            "paid": "Payé",
            "outstanding": "Solde",
            "total": "Total",
            "offices_told": "Créanciers informés",
            "first_told_at": "d'abord le",
            "messages_sent": "messages",
            "messages": "Messages avec les créanciers",
            "to_office": "à",
            "from_office": "de",
            "mails": "E-mails des créanciers",
            "documents": "Documents (non joints : demandez-les au service)",
            "access_log": "Qui a consulté ou modifié votre dossier",
            "none": "aucun",
        },
        _L.EN: {
            "title": "Your data: subject access",
            "intro": (
                "{agency} keeps the following data about you in Respite for your debt help (dossier "
                "{dossier}). You have the right to access it (GDPR, article 15), to have it corrected "
                "and to have it erased: if you withdraw your consent, it is erased. Made on {generated}."
            ),
            "dossier": "Your dossier",
            "state": "State",
            "opened_at": "Opened on",
            "agency_reference": "The agency's reference",
            "standstill": "Standstill",
            "closed_at": "Closed on",
            "close_reason": "Reason",
            "retention_ends_at": "Data erased on",
            "person": "Your personal data",
            "family_name": "Family name",
            "given_names": "Given names",
            "national_number": "National number / BSN",
            "birth_date": "Date of birth",
            "address": "Address",
            "consent": "Your consent",
            "text_version": "Text version",
            "language": "Language",
            "channel": "Given",
            "captured_by": "Taken by",
            "captured_at": "On",
            "signed_form": "Signed form",
            "withdrawn_at": "Withdrawn on",
            "creditors": "Your debts by creditor",
            "office_reference": "The creditor's file",
            "principal_creditor": "Principal",
            "title_kind": "Title",
            "principal": "Principal",
            "interest": "Interest",
            "costs": "Costs",
            "paid": "Paid",
            "outstanding": "Outstanding",
            "total": "Total",
            "offices_told": "Creditors told",
            "first_told_at": "first on",
            "messages_sent": "messages",
            "messages": "Messages with the creditors",
            "to_office": "to",
            "from_office": "from",
            "mails": "Emails from creditors",
            "documents": "Documents (not included: ask the agency for them)",
            "access_log": "Who read or changed your dossier",
            "none": "none",
        },
    }
)


def printable(text: str) -> str:
    """`text` as Helvetica can print it: as it is when Windows-1252 has every letter, else with the
    accents the encoding lacks taken off (and what is left unprintable as "?")."""
    try:
        text.encode(ENCODING)
        return text
    except UnicodeEncodeError:
        pass
    letters = []
    for char in text:
        try:
            char.encode(ENCODING)
            letters.append(char)
        except UnicodeEncodeError:
            bare = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
            letters.append(bare.encode(ENCODING, errors="replace").decode(ENCODING))
    return "".join(letters)


def when(moment: datetime | date | None, language: Language) -> str:
    if moment is None:
        return "-"
    if isinstance(moment, datetime):
        return f"{long_date(moment.date(), language)} {moment:%H:%M} UTC"
    return long_date(moment, language)


def amounts_line(amounts: Amounts, words: Mapping[str, str], language: Language) -> str:
    return ", ".join(
        f"{words[name]} {format_euros(getattr(amounts, name), language.value)}"
        for name in ("principal", "interest", "costs", "paid", "outstanding")
    )


def body_lines(body: Mapping[str, Any]) -> list[str]:
    """A message's contents as `name: value` lines (nested values as compact JSON)."""
    return [f"{name}: {_plain(value)}" for name, value in body.items()]


def _plain(value: object) -> str:
    return (
        str(value) if isinstance(value, str | int | float | bool) else json.dumps(value, ensure_ascii=False)
    )


type Words = Mapping[str, str]


def sections(export: SubjectAccessExport, language: Language) -> list[tuple[str, list[str]]]:
    """The document as headed sections of lines, before any layout (what the tests read)."""
    w = WORDS[language]
    return [
        (w["person"], _person_lines(export, w, language)),
        (w["dossier"], _dossier_lines(export, w, language)),
        (w["consent"], _consent_lines(export, w, language)),
        (w["creditors"], _creditor_lines(export, w, language) or [w["none"]]),
        (w["offices_told"], _offices_told_lines(export, w, language) or [w["none"]]),
        (w["messages"], _message_lines(export, w, language) or [w["none"]]),
        (w["mails"], _mail_lines(export, w, language) or [w["none"]]),
        (w["documents"], _document_lines(export, language) or [w["none"]]),
        (w["access_log"], _access_lines(export, language)),
    ]


def _person_lines(export: SubjectAccessExport, w: Words, language: Language) -> list[str]:
    person = export.person.model_dump(mode="json")
    number, address = person["national_number"], person["address"]
    return [
        f"{w['family_name']}: {person['family_name']}",
        f"{w['given_names']}: {person['given_names']}",
        f"{w['national_number']}: {number['number']} ({number['country']})",
        f"{w['birth_date']}: {when(export.person.birth_date, language)}",
        f"{w['address']}: {address['street']} {address['number']}, {address['postal_code']} "
        f"{address['city']} ({address['country']})",
    ]


def _dossier_lines(export: SubjectAccessExport, w: Words, language: Language) -> list[str]:
    lines = [f"{w['state']}: {export.state.value}", f"{w['opened_at']}: {when(export.opened_at, language)}"]
    if export.agency_reference:
        lines.append(f"{w['agency_reference']}: {export.agency_reference}")
    if export.standstill_starts_on:
        starts, ends = when(export.standstill_starts_on, language), when(export.standstill_ends_on, language)
        lines.append(f"{w['standstill']}: {starts} - {ends}")
    if export.closed_at:
        lines.append(f"{w['closed_at']}: {when(export.closed_at, language)}")
    if export.close_reason:
        lines.append(f"{w['close_reason']}: {export.close_reason}")
    if export.retention_ends_at:
        lines.append(f"{w['retention_ends_at']}: {when(export.retention_ends_at, language)}")
    return lines


def _consent_lines(export: SubjectAccessExport, w: Words, language: Language) -> list[str]:
    consent = export.consent
    lines = [
        f"{w['text_version']}: {consent.text_version} ({consent.language.value})",
        f"SHA-256: {consent.text_sha256}",
        f"{w['channel']}: {consent.channel.value}",
        f"{w['captured_by']}: {consent.captured_by}",
        f"{w['captured_at']}: {when(consent.captured_at, language)}",
    ]
    if consent.signed_form:
        form = consent.signed_form
        lines.append(f"{w['signed_form']}: {form.content_type}, {form.size_bytes} B")
    if consent.withdrawn_at:
        lines.append(f"{w['withdrawn_at']}: {when(consent.withdrawn_at, language)}")
    return lines


def _creditor_lines(export: SubjectAccessExport, w: Words, language: Language) -> list[str]:
    lines: list[str] = []
    for creditor in export.creditors:
        lines.append(f"{creditor.office_name} ({creditor.office_id})")
        for claim in creditor.claims:
            title = claim.title.kind.value + (
                f" ({claim.title.description})" if claim.title.description else ""
            )
            lines.append(
                f"  {w['office_reference']} {claim.office_reference}, {w['principal_creditor']} "
                f"{claim.principal_creditor}, {claim.creditor_class.value}, {w['title_kind']} {title}"
            )
            lines.append(f"  {amounts_line(claim.amounts, w, language)}")
    if lines:
        lines.append(f"{w['total']}: {amounts_line(export.totals, w, language)}")
    return lines


def _offices_told_lines(export: SubjectAccessExport, w: Words, language: Language) -> list[str]:
    return [
        f"{o.office_name} ({o.office_id}): {w['first_told_at']} {when(o.first_told_at, language)}, "
        f"{o.messages_sent} {w['messages_sent']}"
        for o in export.offices_told
    ]


def _message_lines(export: SubjectAccessExport, w: Words, language: Language) -> list[str]:
    names: Mapping[MessageType, str] = MESSAGE_TYPES[language]
    lines: list[str] = []
    for m in export.messages:
        way = w["to_office"] if m.direction is Direction.AGENCY_TO_OFFICE else w["from_office"]
        lines.append(f"{when(m.created_at, language)}: {names[m.type]} ({way} {m.office_id})")
        lines += [f"  {line}" for line in body_lines(m.body)]
    return lines


def _mail_lines(export: SubjectAccessExport, w: Words, language: Language) -> list[str]:
    lines: list[str] = []
    for m in export.mails:
        lines.append(f"{when(m.received_at, language)}, {w['from_office']} {m.office_id}: {m.subject}")
        lines += [f"  {line}" for line in m.body.splitlines()]
    return lines


def _document_lines(export: SubjectAccessExport, language: Language) -> list[str]:
    return [
        f"{when(d.received_at, language)}: {d.name} ({d.kind}, {d.content_type}, {d.size_bytes} B)"
        for d in export.documents
    ]


def _access_lines(export: SubjectAccessExport, language: Language) -> list[str]:
    return [
        f"{when(e.at, language)}: {e.actor_id} ({e.actor_role}, {e.actor_agency_id}), "
        f"{e.action.value}, {e.purpose.value}" + (f", {e.detail}" if e.detail else "")
        for e in export.access_log
    ]


def render(export: SubjectAccessExport, language: Language) -> bytes:
    """The PDF: a title, the introduction (who holds the data, the person's rights), the sections."""
    w = WORDS[language]
    generated = when(export.generated_at, language)
    intro = w["intro"].format(agency=export.agency_name, dossier=export.dossier_id, generated=generated)
    return layout(w["title"], intro, sections(export, language))


def layout(title: str, intro: str, headed: list[tuple[str, list[str]]]) -> bytes:
    """A document for a person as a PDF: its title, an introduction, then headed sections of lines
    (the one layout of every PDF the consent service hands out)."""
    from fpdf import FPDF  # imported here: only the PDF routes pay for loading it (and Pillow)

    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = ENCODING
    pdf.set_title(printable(title))
    pdf.set_creator("Respite")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("helvetica", style="B", size=16)
    _paragraph(pdf, title, height=9)
    pdf.set_font("helvetica", size=10)
    _paragraph(pdf, intro, height=5)
    for heading, lines in headed:
        pdf.ln(3)
        pdf.set_font("helvetica", style="B", size=12)
        _paragraph(pdf, heading, height=7)
        pdf.set_font("helvetica", size=9)
        for line in lines:
            _paragraph(pdf, line, height=4.5)
    return bytes(pdf.output())


def _paragraph(pdf: "FPDF", text: str, *, height: float) -> None:
    pdf.multi_cell(0, height, printable(text) or " ", new_x="LMARGIN", new_y="NEXT")
