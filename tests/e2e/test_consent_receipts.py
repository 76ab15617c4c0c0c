"""The consent texts and the person's consent receipt over HTTP on the local stack (issue 14, points 12
and 13): the routes as the gateway serves them, their hash the one the evidence records, the receipt
as JSON and PDF, and a problem in the caller's language."""

import pytest

from tests.e2e.conftest import RunningStack
from tests.e2e.test_dossiers import Client, new_person
from tests.e2e.test_slice import ANNA, PROBLEM


@pytest.fixture(scope="module")
def anna(stack: RunningStack) -> Client:
    return Client(stack, ANNA)


def test_the_texts_are_served_with_the_hash_the_evidence_records(anna: Client) -> None:
    listed = anna.get("/consent-texts")
    assert listed.status_code == 200, listed.text
    person = new_person()
    person["consent"]["language"] = "fr"
    dossier_id = anna.post("/dossiers", person).json()["dossier_id"]
    evidence = anna.get(f"/dossiers/{dossier_id}/consent").json()

    french = next(t for t in listed.json()["texts"] if (t["version"], t["language"]) == ("v1", "fr"))
    text = anna.session.get(f"{anna.base}/consent-texts/v1", headers={"Accept-Language": "fr-BE, nl;q=0.5"})
    assert text.status_code == 200, text.text
    assert text.headers["Content-Language"] == "fr"
    assert text.json()["sha256"] == french["sha256"] == evidence["text_sha256"]
    assert anna.get("/consent-texts/v1", lang="nl").json()["language"] == "nl"


def test_the_person_gets_a_receipt_as_json_and_as_a_pdf(anna: Client) -> None:
    registered = anna.post("/dossiers", new_person())
    assert registered.status_code == 201, registered.text
    receipt = registered.json()["consent_receipt"]
    dossier_id = registered.json()["dossier_id"]

    again = anna.get(f"/dossiers/{dossier_id}/consent/receipt")
    assert again.status_code == 200, again.text
    assert again.json() == receipt
    pdf = anna.session.get(
        f"{anna.base}/dossiers/{dossier_id}/consent/receipt.pdf",
        headers={"Accept": "application/pdf"},
        timeout=15,
    )
    assert (pdf.status_code, pdf.headers["Content-Type"]) == (200, "application/pdf")
    assert pdf.content.startswith(b"%PDF-")


def test_a_back_dated_consent_is_refused_in_the_callers_language(anna: Client) -> None:
    person = new_person()
    person["consent"]["given_at"] = "2001-05-01T09:00:00Z"
    refused = anna.post("/dossiers", person, **{"Accept-Language": "nl"})
    assert (refused.status_code, refused.headers["Content-Type"]) == (422, PROBLEM)
    assert refused.headers["Content-Language"] == "nl"
    assert refused.json()["detail"] == (
        "toestemming moet binnen 30 dagen nadat ze gegeven is worden geregistreerd"
    )
