"""The statement of debts: every known debt of the person, by creditor, with each creditor's name,
place and amounts, the totals, and the agency's block — as JSON, as CSV (one row a claim) and as a
PDF, in Dutch, French or English. A pure function of what the dossier holds; the store reads."""

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Final

from respite_consent.dossiers import DossierContents
from respite_consent.models import StatementAgency, StatementCreditor, StatementOfDebts
from respite_consent.printing import Section, amounts_line, postal_lines, printed, when
from respite_consent.subject_access import held_creditors
from respite_core.csv_text import to_csv
from respite_core.domain import Address, Agency, CreditorClass, Language, Office
from respite_core.totals import amounts_of
from respite_core.wording import CREDITOR_CLASSES

_L = Language

WORDS: Final[Mapping[Language, Mapping[str, str]]] = MappingProxyType(
    {
        _L.NL: {
            "title": "Schuldenoverzicht",
            "intro": "Alle bekende schulden van {person} per schuldeiser, "
            "opgemaakt door {agency} op {generated}.",
            "agency": "Schuldhulpverlener",
            "person": "Schuldenaar",
            "national_number": "Rijksregisternummer / BSN",
            "birth_date": "Geboren op",
            "reference": "Dossier",
            "standstill": "Opschorting",
            "creditors": "Schuldeisers en schulden",
            "registration_number": "Ondernemingsnummer / KvK",
            "no_address": "adres onbekend",
            "office_reference": "Dossier van de schuldeiser",
            "principal_creditor": "Opdrachtgever",
            "title_kind": "Titel",
            "principal": "Hoofdsom",
            "interest": "Interest",
            "costs": "Kosten",
            "paid": "Betaald",
            "outstanding": "Openstaand",
            "creditor_total": "Totaal bij deze schuldeiser",
            "totals": "Totaal",
            "none": "Geen schulden bekend.",
            "creditor": "Schuldeiser",
            "address": "Adres",
            "creditor_class": "Rang",
        },
        _L.FR: {
            "title": "Relevé des dettes",
            "intro": "Toutes les dettes connues de {person} par créancier, "
            "établi par {agency} le {generated}.",
            "agency": "Service de médiation de dettes",
            "person": "Débiteur",
            "national_number": "Numéro de registre national / BSN",
            "birth_date": "Né(e) le",
            "reference": "Dossier",
            "standstill": "Suspension",
            "creditors": "Créanciers et dettes",
            "registration_number": "Numéro d'entreprise / KvK",
            "no_address": "adresse inconnue",
            "office_reference": "Dossier du créancier",
            "principal_creditor": "Mandant",
            "title_kind": "Titre",
            "principal": "Principal",
            "interest": "Intérêts",
            "costs": "Frais",
            "paid": "Payé",
            "outstanding": "Solde",
            "creditor_total": "Total chez ce créancier",
            "totals": "Total",
            "none": "Aucune dette connue.",
            "creditor": "Créancier",
            "address": "Adresse",
            "creditor_class": "Rang",
        },
        _L.EN: {
            "title": "Statement of debts",
            "intro": "Every known debt of {person} by creditor, drawn up by {agency} on {generated}.",
            "agency": "Debt counselling agency",
            "person": "Debtor",
            "national_number": "National number / BSN",
            "birth_date": "Born on",
            "reference": "Dossier",
            "standstill": "Standstill",
            "creditors": "Creditors and debts",
            "registration_number": "Company number / KvK",
            "no_address": "address unknown",
            "office_reference": "Creditor's file",
            "principal_creditor": "Principal creditor",
            "title_kind": "Title",
            "principal": "Principal",
            "interest": "Interest",
            "costs": "Costs",
            "paid": "Paid",
            "outstanding": "Outstanding",
            "creditor_total": "Total at this creditor",
            "totals": "Total",
            "none": "No debts known.",
            "creditor": "Creditor",
            "address": "Address",
            "creditor_class": "Class",
        },
    }
)

CSV_COLUMNS: Final = (
    "creditor",
    "registration_number",
    "address",
    "office_reference",
    "principal_creditor",
    "creditor_class",
    "title_kind",
    "principal",
    "interest",
    "costs",
    "paid",
    "outstanding",
)


def statement_of_debts(
    contents: DossierContents,
    *,
    agency: Agency | None,
    offices: Mapping[str, Office],
    language: Language,
    now: datetime,
) -> StatementOfDebts:
    """The statement from the dossier's contents and the directory's entries of its creditors."""
    dossier = contents.dossier
    names = {office_id: office.name for office_id, office in offices.items()}
    creditors = []
    for held in held_creditors(contents.claims, names):
        office = offices.get(held.office_id)
        creditors.append(
            StatementCreditor(
                **dict(held),
                kind=office.kind if office else None,
                registration_number=office.registration_number if office else None,
                postal_address=office.postal_address if office else None,
            )
        )
    return StatementOfDebts(
        generated_at=now,
        language=language,
        dossier_id=dossier.dossier_id,
        agency_reference=dossier.agency_reference,
        agency=StatementAgency(
            agency_id=dossier.agency_id,
            name=agency.name if agency else dossier.agency_id,
            postal_address=agency.postal_address if agency else None,
            contact_email=str(agency.contact_email) if agency else None,
        ),
        person=contents.person,
        standstill_starts_on=dossier.standstill_starts_on,
        standstill_ends_on=dossier.standstill_ends_on,
        creditors=creditors,
        by_class={k: amounts_of(c for c in contents.claims if c.creditor_class is k) for k in CreditorClass},
        totals=amounts_of(contents.claims),
    )


# --- as CSV ---------------------------------------------------------------------------------------------


def plain_euros(cents: int, language: Language) -> str:
    """An amount a spreadsheet reads as a number: "1234,56" in nl and fr, "1234.56" in en."""
    text = f"{cents // 100}.{cents % 100:02d}"
    return text if language is Language.EN else text.replace(".", ",")


def one_line(address: Address | None) -> str:
    return ", ".join(postal_lines(address))


def as_csv(statement: StatementOfDebts) -> str:
    """One row a claim, its creditor's name and place on each (what a court's or a municipality's form
    asks per debt); the header in the statement's language."""
    language = statement.language
    w, classes = WORDS[language], CREDITOR_CLASSES[language]
    rows = [
        [
            creditor.office_name,
            creditor.registration_number or "",
            one_line(creditor.postal_address),
            claim.office_reference,
            claim.principal_creditor,
            classes[claim.creditor_class],
            claim.title.kind.value,
            *(
                plain_euros(getattr(claim.amounts, name), language)
                for name in ("principal", "interest", "costs", "paid", "outstanding")
            ),
        ]
        for creditor in statement.creditors
        for claim in creditor.claims
    ]
    return to_csv([w[column] for column in CSV_COLUMNS], rows)


# --- as a PDF -------------------------------------------------------------------------------------------


def sections(statement: StatementOfDebts) -> list[Section]:
    """The document as headed sections of lines, before any layout (what the tests read)."""
    language = statement.language
    w, classes = WORDS[language], CREDITOR_CLASSES[language]
    person = statement.person
    agency_lines = [statement.agency.name, *postal_lines(statement.agency.postal_address)]
    if statement.agency.contact_email:
        agency_lines.append(statement.agency.contact_email)
    reference = statement.agency_reference or statement.dossier_id
    agency_lines.append(f"{w['reference']}: {reference}")
    person_lines = [
        f"{person.given_names} {person.family_name}",
        f"{w['national_number']}: {person.national_number.printed} ({person.national_number.country.value})",
        f"{w['birth_date']}: {when(person.birth_date, language)}",
        *postal_lines(person.address),
    ]
    if statement.standstill_starts_on and statement.standstill_ends_on:
        starts, ends = (
            when(statement.standstill_starts_on, language),
            when(statement.standstill_ends_on, language),
        )
        person_lines.append(f"{w['standstill']}: {starts} - {ends}")
    creditor_lines: list[str] = []
    for creditor in statement.creditors:
        place = one_line(creditor.postal_address) or w["no_address"]
        number = (
            f", {w['registration_number']} {creditor.registration_number}"
            if creditor.registration_number
            else ""
        )
        creditor_lines.append(f"{creditor.office_name} - {place}{number}")
        for claim in creditor.claims:
            creditor_lines.append(
                f"  {w['office_reference']} {claim.office_reference}, {w['principal_creditor']} "
                f"{claim.principal_creditor}, {classes[claim.creditor_class]}, {w['title_kind']} "
                f"{claim.title.kind.value}"
            )
            creditor_lines.append(f"  {amounts_line(claim.amounts, w, language)}")
        creditor_lines.append(f"  {w['creditor_total']}: {amounts_line(creditor.totals, w, language)}")
    total_lines = [
        *(f"{classes[k]}: {amounts_line(amounts, w, language)}" for k, amounts in statement.by_class.items()),
        f"{w['totals']}: {amounts_line(statement.totals, w, language)}",
    ]
    return [
        (w["agency"], agency_lines),
        (w["person"], person_lines),
        (w["creditors"], creditor_lines or [w["none"]]),
        (w["totals"], total_lines),
    ]


def as_pdf(statement: StatementOfDebts) -> bytes:
    language = statement.language
    w = WORDS[language]
    person = f"{statement.person.given_names} {statement.person.family_name}"
    generated = when(statement.generated_at.date(), language)
    intro = w["intro"].format(person=person, agency=statement.agency.name, generated=generated)
    return printed(w["title"], [intro], sections(statement))
