"""The consent, as the person and the caseworker meet it (issue 14, point 12): the texts served by version
and language with the hash the evidence records, a receipt for the person, consent dated implausibly
refused, and consent on a paper form awaiting that form before any office is told.

In process against moto (`tests/faults/conftest.py`): the consent and claims APIs as API Gateway
invokes them.
"""

import copy
from datetime import timedelta
from typing import Any

import requests

from respite_consent.consent_texts import consent_text
from respite_core.access_log import Action
from respite_core.domain import Language
from respite_core.ids import utc_now
from respite_core.resources import TableName
from respite_core.store.access_log import AccessLog
from tests.e2e.test_slice import EXAMPLE, be_national_number
from tests.faults.conftest import Stage, stage_env
from tests.faults.harness import scan

__all__ = ["stage_env"]  # the fixture this module uses

PROBLEM = "application/problem+json"
SIGNED_PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def registration(serial: int = 33, **consent: Any) -> dict[str, Any]:
    """The README's registration, of the person born on its birth date with this `serial`."""
    body: dict[str, Any] = copy.deepcopy(EXAMPLE)
    body["person"]["national_number"]["number"] = be_national_number(body["person"]["birth_date"], serial)
    body["consent"] |= consent
    return body


# --- the texts --------------------------------------------------------------------------------------------


def test_every_text_is_listed_with_the_hash_a_registration_records(stage_env: Stage) -> None:
    apis = stage_env.apis
    listed = apis.ok("GET", "/consent/consent-texts")["texts"]
    dossier_id = apis.ok("POST", "/consent/dossiers", registration(language="fr"))["dossier_id"]
    evidence = apis.ok("GET", f"/consent/dossiers/{dossier_id}/consent")

    assert {(t["version"], t["language"]) for t in listed} == {("v1", lang.value) for lang in Language}
    french = next(t for t in listed if (t["version"], t["language"]) == ("v1", "fr"))
    assert french["current"] is True
    assert french["sha256"] == evidence["text_sha256"]
    served = apis.ok("GET", french["text"])
    assert served["text"] == consent_text("v1", Language.FR).text
    assert served["sha256"] == evidence["text_sha256"]


def test_a_text_comes_in_the_language_asked_for(stage_env: Stage) -> None:
    apis = stage_env.apis
    status, headers, by_header = apis.raw(
        "GET", "/consent/consent-texts/v1", headers={"accept-language": "de, fr-BE;q=0.8, nl;q=0.5"}
    )
    assert status == 200
    assert (by_header["language"], headers["Content-Language"]) == ("fr", "fr")
    _, headers, by_query = apis.raw(
        "GET", "/consent/consent-texts/v1?lang=nl", headers={"accept-language": "fr"}
    )
    assert (by_query["language"], headers["Content-Language"]) == ("nl", "nl")
    assert by_query["sha256"] == consent_text("v1", Language.NL).sha256
    status, headers, _ = apis.raw("GET", "/consent/consent-texts/v9")
    assert (status, headers["Content-Type"]) == (404, PROBLEM)


# --- the receipt ------------------------------------------------------------------------------------------


def test_the_person_gets_a_receipt_at_registration_and_can_be_given_it_again(stage_env: Stage) -> None:
    apis = stage_env.apis
    registered = apis.ok("POST", "/consent/dossiers", EXAMPLE)
    dossier_id, receipt = registered["dossier_id"], registered["consent_receipt"]

    assert receipt["dossier_id"] == dossier_id
    assert receipt["agency_name"] == "OCMW Gent"
    assert (receipt["text_version"], receipt["language"], receipt["channel"]) == ("v1", "nl", "in_person")
    assert receipt["text_sha256"] == consent_text("v1", Language.NL).sha256
    assert receipt["text"] == consent_text("v1", Language.NL).text
    assert receipt["awaiting_signed_form"] is False
    assert receipt["pdf"] == f"/consent/dossiers/{dossier_id}/consent/receipt.pdf"
    assert EXAMPLE["person"]["family_name"] not in str(receipt)  # it names nobody

    assert apis.ok("GET", f"/consent/dossiers/{dossier_id}/consent/receipt") == receipt
    status, headers, pdf = apis.send("GET", receipt["pdf"], {"accept": "application/pdf"}, None)
    assert (status, headers["Content-Type"]) == (200, "application/pdf")
    assert pdf.startswith(b"%PDF")
    reads = [e for e in AccessLog().entries(dossier_id) if e.action is Action.READ_CONSENT]
    assert [e.detail for e in reads] == ["receipt", "receipt"]


def test_the_withdrawal_answers_with_the_receipt_of_the_consent_withdrawn(stage_env: Stage) -> None:
    apis = stage_env.apis
    dossier_id = apis.ok("POST", "/consent/dossiers", EXAMPLE)["dossier_id"]
    withdrawn = apis.ok("POST", f"/consent/dossiers/{dossier_id}/consent/withdrawal")
    assert withdrawn["consent_receipt"]["withdrawn_at"] == withdrawn["withdrawn_at"]
    assert withdrawn["consent_receipt"]["text_sha256"] == consent_text("v1", Language.NL).sha256
    status, _, _ = apis.raw("GET", f"/consent/dossiers/{dossier_id}/consent/receipt")
    assert status == 410  # as the consent evidence: nothing read about it any more


# --- when the consent was given -----------------------------------------------------------------------------


def test_consent_back_dated_or_from_the_future_registers_nothing(stage_env: Stage) -> None:
    apis = stage_env.apis
    before = scan(stage_env, TableName.DOSSIERS)
    for given_at in (
        "2001-05-01T09:00:00Z",
        (utc_now() - timedelta(days=31)).isoformat(),
        (utc_now() + timedelta(hours=1)).isoformat(),
    ):
        status, headers, problem = apis.raw("POST", "/consent/dossiers", registration(given_at=given_at))
        assert (status, headers["Content-Type"]) == (422, PROBLEM), given_at
        assert problem["type"] == "https://respite.example/problems/implausible-consent-date"
    assert scan(stage_env, TableName.DOSSIERS) == before
    earlier = (utc_now() - timedelta(days=3)).isoformat()
    assert apis.call("POST", "/consent/dossiers", registration(given_at=earlier))[0] == 201


# --- consent on a signed paper form ------------------------------------------------------------------------


def test_a_paper_consent_waits_for_its_signed_form_before_any_office_is_told(stage_env: Stage) -> None:
    apis = stage_env.apis
    registered = apis.ok("POST", "/consent/dossiers", registration(channel="signed_paper_form"))
    dossier_id = registered["dossier_id"]
    assert registered["state"] == "awaiting_signed_form"
    assert registered["consent_receipt"]["awaiting_signed_form"] is True

    status, _, refused = apis.raw(
        "POST", f"/claims/dossiers/{dossier_id}/notices", {"office_ids": ["vanhove"]}
    )
    assert status == 409
    assert "awaiting_signed_form" in refused["detail"]
    number = registration(channel="signed_paper_form")["person"]["national_number"]
    looked_up = apis.ok("POST", "/claims/lookup", {"national_number": number}, stage_env.offices["vanhove"])
    assert looked_up["in_debt_help"] is False  # nobody is told before the form is there

    grant = apis.ok(
        "POST", f"/consent/dossiers/{dossier_id}/consent/form-upload", {"content_type": "application/pdf"}
    )
    posted = requests.post(
        grant["url"],
        data=grant["fields"],
        files={"file": ("form", SIGNED_PDF, "application/pdf")},
        timeout=15,
    )
    assert posted.status_code in (200, 201, 204), posted.text
    apis.ok("POST", f"/consent/dossiers/{dossier_id}/consent/form", {"upload_id": grant["upload_id"]})

    view = apis.ok("GET", f"/consent/dossiers/{dossier_id}")
    assert view["state"] == "registered"
    receipt = apis.ok("GET", f"/consent/dossiers/{dossier_id}/consent/receipt")
    assert receipt["awaiting_signed_form"] is False
    assert receipt["signed_form_added_at"] is not None
    sent = apis.ok("POST", f"/claims/dossiers/{dossier_id}/notices", {"office_ids": ["vanhove"]})
    assert sent["state"] == "notified"


def test_a_paper_consent_awaiting_its_form_can_still_be_closed_or_withdrawn(stage_env: Stage) -> None:
    apis = stage_env.apis
    closing = apis.ok("POST", "/consent/dossiers", registration(41, channel="signed_paper_form"))[
        "dossier_id"
    ]
    closed = apis.ok("POST", f"/consent/dossiers/{closing}/closure", {"reason": "person did not come back"})
    assert closed["state"] == "closed"
    withdrawing = apis.ok("POST", "/consent/dossiers", registration(42, channel="signed_paper_form"))[
        "dossier_id"
    ]
    assert apis.ok("POST", f"/consent/dossiers/{withdrawing}/consent/withdrawal")["state"] == "withdrawn"
