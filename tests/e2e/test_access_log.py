"""The access log read by the agency's admin and its supervisor, purposes bound to roles, and the
subject-access export (GDPR art. 15), over HTTP on the local stack."""

import re
import zlib
from typing import Any

import pytest

from tests.e2e.conftest import RunningStack, wait_for
from tests.e2e.test_dossiers import BRAM, OLGA, Client, access_entries, new_person, register
from tests.e2e.test_negotiation import Office, claim
from tests.e2e.test_slice import ANNA, PROBLEM, SANNE

DORA = "dora@ocmw-gent.example"  # supervisor (data protection officer) at OCMW Gent


@pytest.fixture(scope="module")
def anna(stack: RunningStack) -> Client:
    return Client(stack, ANNA)


@pytest.fixture(scope="module")
def bram(stack: RunningStack) -> Client:
    return Client(stack, BRAM)


@pytest.fixture(scope="module")
def dora(stack: RunningStack) -> Client:
    return Client(stack, DORA)


@pytest.fixture(scope="module")
def sanne(stack: RunningStack) -> Client:
    return Client(stack, SANNE)


def whole_log(reader: Client, dossier_id: str, limit: int) -> tuple[list[dict[str, Any]], int]:
    """Every entry of the dossier's access log, page by page; and how many pages that took."""
    entries: list[dict[str, Any]] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        response = reader.get(f"/dossiers/{dossier_id}/access-log", **params)
        assert response.status_code == 200, response.text
        page = response.json()
        assert page["dossier_id"] == dossier_id
        assert len(page["entries"]) <= limit
        entries += page["entries"]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            return entries, pages


def test_the_admin_and_the_supervisor_read_the_access_log_page_by_page(
    anna: Client, bram: Client, dora: Client
) -> None:
    dossier_id = register(anna, new_person("Logged"))
    for _ in range(3):
        assert anna.get(f"/dossiers/{dossier_id}").status_code == 200
    assert anna.get(f"/dossiers/{dossier_id}/consent").status_code == 200

    entries, pages = whole_log(bram, dossier_id, limit=2)

    assert pages == 3  # five entries, two a page
    assert [e["action"] for e in entries] == [
        "read_consent",
        "read_person",
        "read_person",
        "read_person",
        "registered",
    ]
    assert [e["at"] for e in entries] == sorted((e["at"] for e in entries), reverse=True)
    reads = [e for e in entries if e["action"] == "read_person"]
    assert {(e["actor_role"], e["actor_agency_id"], e["purpose"]) for e in reads} == {
        ("caseworker", "ocmw-gent", "case_work")
    }
    assert entries[0]["purpose"] == "consent_proof"

    # reading the log is itself logged, and the supervisor sees the admin's reads
    logged, _ = whole_log(dora, dossier_id, limit=100)
    log_reads = [e for e in logged if e["action"] == "read_access_log"]
    assert len(log_reads) == 3  # the admin's three pages (the supervisor's own read is logged as served)
    assert {(e["actor_role"], e["purpose"]) for e in log_reads} == {("agency_admin", "supervision")}
    newest = bram.get(f"/dossiers/{dossier_id}/access-log", limit=1).json()["entries"][0]
    assert (newest["action"], newest["actor_role"]) == ("read_access_log", "supervisor")
    assert "Logged" not in str(logged)  # no personal data


def test_a_cursor_from_another_dossiers_log_is_refused(anna: Client, bram: Client) -> None:
    first, second = register(anna), register(anna)
    page = bram.get(f"/dossiers/{first}/access-log", limit=1).json()
    assert page["next_cursor"] is None  # one entry: registered
    assert anna.get(f"/dossiers/{first}").status_code == 200
    cursor = bram.get(f"/dossiers/{first}/access-log", limit=1).json()["next_cursor"]
    assert cursor

    refused = bram.get(f"/dossiers/{second}/access-log", cursor=cursor)
    garbled = bram.get(f"/dossiers/{second}/access-log", cursor="not-a-cursor")

    assert refused.status_code == garbled.status_code == 400
    assert refused.headers["content-type"] == PROBLEM


def test_a_caseworker_or_an_operator_may_not_read_the_access_log(anna: Client, stack: RunningStack) -> None:
    dossier_id = register(anna)
    for reader in (anna, Client(stack, OLGA)):
        response = reader.get(f"/dossiers/{dossier_id}/access-log")
        assert response.status_code == 403
        assert response.headers["content-type"] == PROBLEM


def test_a_purpose_the_role_may_not_claim_is_403_and_nothing_is_read(
    stack: RunningStack, anna: Client, dora: Client
) -> None:
    dossier_id = register(anna, new_person("Purposeful"))
    before = access_entries(stack, dossier_id)

    for purpose in ("transfer", "supervision"):
        refused = anna.get(f"/dossiers/{dossier_id}", purpose=purpose)
        assert refused.status_code == 403, purpose
        assert refused.headers["content-type"] == PROBLEM
        assert refused.json()["type"].endswith("/purpose-not-allowed")
        assert "Purposeful" not in refused.text
    assert dora.get(f"/dossiers/{dossier_id}", purpose="case_work").status_code == 403
    new = [e for e in access_entries(stack, dossier_id) if e not in before]
    # nothing read: each refusal is logged as one, with the purpose claimed
    assert sorted((e["action"]["S"], e["purpose"]["S"], e["detail"]["S"]) for e in new) == [
        ("read_refused", "case_work", "purpose"),
        ("read_refused", "supervision", "purpose"),
        ("read_refused", "transfer", "purpose"),
    ]

    assert anna.get(f"/dossiers/{dossier_id}", purpose="consent_proof").status_code == 200
    supervised = dora.get(f"/dossiers/{dossier_id}")  # the supervisor's usual purpose
    assert supervised.status_code == 200
    assert supervised.json()["person"]["family_name"] == "Purposeful"
    reads = [
        (e["actor_role"]["S"], e["purpose"]["S"])
        for e in access_entries(stack, dossier_id)
        if e["action"]["S"] == "read_person"
    ]
    assert sorted(reads) == [("caseworker", "consent_proof"), ("supervisor", "supervision")]


def test_another_agency_gets_the_same_404_as_for_any_foreign_dossier(
    sanne: Client, bram: Client, dora: Client
) -> None:
    dossier_id = register(sanne)  # at Utrecht
    foreign = bram.get(f"/dossiers/{dossier_id}")
    assert foreign.status_code == 404

    for reader in (bram, dora):
        for path in ("access-log", "subject-access", "subject-access.pdf"):
            response = reader.get(f"/dossiers/{dossier_id}/{path}")
            assert response.status_code == 404, path
            assert response.json()["detail"] == foreign.json()["detail"]


def pdf_text(pdf: bytes) -> str:
    """The text of the PDF's (deflated) content streams, as the built-in Helvetica writes it."""
    # a deflated stream may itself end in a CR byte: keep it (the writer ends a stream with "\n"), and
    # let the decompressor leave whatever follows the deflate data
    streams = re.findall(rb"stream\r?\n(.*?)\nendstream", pdf, re.DOTALL)
    text = []
    for stream in streams:
        try:
            text.append(zlib.decompressobj().decompress(stream).decode("windows-1252", errors="replace"))
        except zlib.error:
            continue
    return "\n".join(text)


def test_the_subject_access_export_holds_the_person_claims_and_messages(
    stack: RunningStack, anna: Client, dora: Client
) -> None:
    dossier_id = register(anna, new_person("Exported"))
    sent = anna.session.post(
        f"{stack.base_url}/claims/dossiers/{dossier_id}/notices", json={"office_ids": ["vanhove"]}, timeout=15
    )
    assert sent.status_code == 201, sent.text
    vanhove = Office(stack, "vanhove")
    notice = vanhove.message(dossier_id, "notice")
    answer = {"type": "notice_ack", "file_references": ["VH/2026/77"], "claims": [claim("VH-77", 43_210)]}
    assert vanhove.reply(dossier_id, notice["message_id"], answer).status_code == 201
    assert wait_for(lambda: anna.get(f"/dossiers/{dossier_id}").json()["creditors"])

    response = dora.get(f"/dossiers/{dossier_id}/subject-access")

    assert response.status_code == 200, response.text
    held = response.json()
    assert held["person"]["family_name"] == "Exported"
    assert held["agency_id"] == "ocmw-gent"
    assert held["consent"]["text_version"] == "v1"
    [creditor] = held["creditors"]
    assert creditor["office_id"] == "vanhove"
    assert [(c["office_reference"], c["amounts"]["principal"]) for c in creditor["claims"]] == [
        ("VH-77", 43_210)
    ]
    assert [m["type"] for m in held["messages"]] == ["notice", "notice_ack"]
    reply = held["messages"][1]
    assert reply["direction"] == "office_to_agency"
    assert reply["body"]["file_references"] == ["VH/2026/77"]  # the message's contents
    assert [o["office_id"] for o in held["offices_told"]] == ["vanhove"]
    assert held["access_log"][-1]["action"] == "subject_access_export"
    assert held["access_log"][-1]["actor_role"] == "supervisor"
    assert {e["action"] for e in held["access_log"]} >= {"registered", "sent_to_offices", "read_person"}

    # the same as a PDF, in the person's language (Dutch: they consented in Dutch) or as asked
    pdf = anna.session.get(
        f"{anna.base}/dossiers/{dossier_id}/subject-access.pdf",
        headers={"Accept": "application/pdf"},
        timeout=30,
    )
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    text = pdf_text(pdf.content)
    assert "Inzage in uw gegevens" in text
    assert "Exported" in text
    assert "VH/2026/77" in text
    french = anna.session.get(
        f"{anna.base}/dossiers/{dossier_id}/subject-access.pdf",
        params={"lang": "fr"},
        headers={"Accept": "application/pdf"},
        timeout=30,
    )
    assert "Accès à vos données" in pdf_text(french.content)

    exports = [e for e in access_entries(stack, dossier_id) if e["action"]["S"] == "subject_access_export"]
    assert len(exports) == 3
    assert {e["purpose"]["S"] for e in exports} == {"subject_access"}


def test_a_bad_language_is_a_422_and_nothing_is_logged(stack: RunningStack, anna: Client) -> None:
    dossier_id = register(anna)
    before = access_entries(stack, dossier_id)

    response = anna.get(f"/dossiers/{dossier_id}/subject-access.pdf", lang="de")

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert access_entries(stack, dossier_id) == before


def test_after_withdrawal_there_is_no_export(stack: RunningStack, anna: Client) -> None:
    dossier_id = register(anna, new_person("Withdrawn"))
    assert anna.post(f"/dossiers/{dossier_id}/consent/withdrawal").status_code == 200

    for path in ("subject-access", "subject-access.pdf"):
        response = anna.get(f"/dossiers/{dossier_id}/{path}")
        assert response.status_code in (404, 410), path  # 410 until the retention service erased it
        assert response.headers["content-type"] == PROBLEM
        assert "Withdrawn" not in response.text
    exports = [e for e in access_entries(stack, dossier_id) if e["action"]["S"] == "subject_access_export"]
    assert exports == []
