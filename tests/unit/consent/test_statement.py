"""The statement of debts: by creditor with name and place, totals that add up, CSV and PDF in the
person's language."""

import csv
import io

from respite_consent.statement import as_csv, as_pdf, plain_euros, sections, statement_of_debts
from respite_core.domain import Language
from respite_infra.local.seed import AGENCIES, OFFICES
from tests.unit.consent.test_dossiers import NOW, claim
from tests.unit.consent.test_subject_access import contents

OFFICES_BY_ID = {office.office_id: office for office in OFFICES}


def statement(language: Language = Language.NL):  # type: ignore[no-untyped-def]
    held = contents(
        claims=[
            claim("C1", "vanhove", "ordinary", 120_000),
            claim("C2", "vanhove", "preferential", 30_000, paid=10_000),
            claim("C3", "unknown-office", "ordinary", 5_000),
        ]
    )
    return statement_of_debts(held, agency=AGENCIES[0], offices=OFFICES_BY_ID, language=language, now=NOW)


def test_each_creditor_is_named_with_its_place_and_its_claims_add_up_to_the_totals() -> None:
    found = statement()
    vanhove, unknown = sorted(found.creditors, key=lambda c: c.office_id, reverse=True)
    assert vanhove.office_name == "Gerechtsdeurwaarders Van Hove"
    assert vanhove.postal_address is not None
    assert vanhove.postal_address.city == "Gent"
    assert vanhove.registration_number == "0403170701"
    assert [c.office_reference for c in vanhove.claims] == ["REF-C1", "REF-C2"]
    assert unknown.postal_address is None  # not in the directory: named by its id, no place
    assert found.totals.outstanding == sum(c.totals.outstanding for c in found.creditors)
    assert found.totals.outstanding == (120_000 + 150) + (30_000 + 150 - 10_000) + (5_000 + 150)
    assert sum(a.outstanding for a in found.by_class.values()) == found.totals.outstanding
    assert found.agency.name == "OCMW Gent"
    assert found.agency.postal_address is not None


def test_the_csv_has_a_row_a_claim_in_the_language_with_its_decimal_separator() -> None:
    rows = list(csv.reader(io.StringIO(as_csv(statement(Language.NL))), delimiter=";"))
    assert rows[0][0] == "Schuldeiser"
    assert rows[0][-1] == "Openstaand"
    assert len(rows) == 4
    first = next(row for row in rows if row[3] == "REF-C1")
    assert first[0] == "Gerechtsdeurwaarders Van Hove"
    assert first[2] == "Kortrijksesteenweg 1020, 9051 Gent (BE)"
    assert first[-1] == "1201,50"
    english = list(csv.reader(io.StringIO(as_csv(statement(Language.EN))), delimiter=";"))
    assert english[0][0] == "Creditor"
    assert next(row for row in english if row[3] == "REF-C1")[-1] == "1201.50"
    assert plain_euros(5, Language.FR) == "0,05"


def test_the_pdf_names_the_person_the_creditors_and_the_total_in_french() -> None:
    found = statement(Language.FR)
    headings = [heading for heading, _ in sections(found)]
    assert headings == ["Service de médiation de dettes", "Débiteur", "Créanciers et dettes", "Total"]
    text = "\n".join(line for _, lines in sections(found) for line in lines)
    assert found.person.family_name in text
    assert found.person.national_number.printed in text
    assert "Kortrijksesteenweg 1020" in text
    assert as_pdf(found).startswith(b"%PDF-")
