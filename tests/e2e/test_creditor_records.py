"""What the agency records about one creditor, over HTTP on the local stack (issue 14, points 4, 6):

- a utility creditor's meter readings: required for the settlement (422 naming the utility, nothing
  written), recorded by the caseworker, shown in the dossier view, carried to that office with its
  settlement only, sealed in the table and erased with the dossier;
- an office's objection marks that creditor's standstill `objected` (time, sealed reason) in the
  negotiation and the dossier view, until the caseworker resolves it.
"""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.e2e.conftest import RunningStack, wait_for
from tests.e2e.test_dossiers import OLGA, new_person, register
from tests.e2e.test_negotiation import Agency, Office, claim
from tests.e2e.test_slice import ANNA, PROBLEM

EAN = "541448820044556677"  # an 18-digit EAN, as on a Belgian energy bill


@pytest.fixture(scope="module")
def agency(stack: RunningStack) -> Agency:
    return Agency(stack, ANNA)


def register_office(stack: RunningStack, **flags: Any) -> Office:
    """An office an operator registers, with its system's client (as an office would get it)."""
    body = office_body(**flags)
    office_id = str(body["office_id"])
    created = Agency(stack, OLGA).claims("/offices", {"office": body})
    assert created.status_code == 201, created.text
    stack.office_clients.append({"office_id": office_id, **created.json()})
    return Office(stack, office_id)


def office_body(**flags: Any) -> dict[str, Any]:
    """A new office's directory entry, with a fresh id."""
    office_id = f"office-{uuid.uuid4().hex[:8]}"
    return {
        "office_id": office_id,
        "name": "Energie Zuid",
        "kind": "creditor",
        "country": "BE",
        "registration_number": "0451234595",
        "language": "nl",
        "contact_emails": [f"incasso@{office_id}.example"],
    } | flags


def notified(agency: Agency, offices: list[Office], family_name: str | None = None) -> str:
    dossier_id = register(agency, new_person(family_name))
    sent = agency.claims(f"/dossiers/{dossier_id}/notices", {"office_ids": [o.office_id for o in offices]})
    assert sent.status_code == 201, sent.text
    return dossier_id


def dossier_items(stack: RunningStack, dossier_id: str) -> list[dict[str, Any]]:
    return [i for i in stack.table_items("RESPITE_TABLE_DOSSIERS") if i["PK"]["S"] == f"DOSSIER#{dossier_id}"]


def readings(read_on: str, office_id: str) -> dict[str, Any]:
    return {
        "office_id": office_id,
        "readings": [
            {
                "kind": "electricity",
                "meter_id": EAN,
                "tariff": "day",
                "reading": "12345.6",
                "read_on": read_on,
            },
            {"kind": "gas", "meter_id": "G-778899", "reading": "4321.125", "read_on": read_on},
        ],
    }


def test_a_settlement_needs_every_utility_creditors_meter_readings_and_carries_them(
    stack: RunningStack, agency: Agency
) -> None:
    utility, bailiff = register_office(stack, utility=True), Office(stack, "vanhove")
    dossier_id = notified(agency, [utility, bailiff])
    for office, reference in ((utility, "EZ-1"), (bailiff, "VH-1")):
        notice = office.message(dossier_id, "notice")
        answer = {"type": "notice_ack", "claims": [claim(reference, 100_000)]}
        assert office.reply(dossier_id, notice["message_id"], answer).status_code == 201
    proposed = agency.claims(f"/dossiers/{dossier_id}/proposals", {"kind": "buy_out", "percentage_bp": 5000})
    assert proposed.status_code == 201, proposed.text
    for office in (utility, bailiff):
        proposal = office.message(dossier_id, "proposal")
        assert (
            office.reply(dossier_id, proposal["message_id"], {"type": "proposal_accept"}).status_code == 201
        )
    negotiation = agency.claims_get(f"/dossiers/{dossier_id}/negotiation").json()
    assert negotiation["meter_readings_missing"] == [utility.office_id]

    # every creditor agreed, but the utility has no readings: refused, and nothing is written
    before = dossier_items(stack, dossier_id)
    refused = agency.claims(f"/dossiers/{dossier_id}/settlement")
    assert refused.status_code == 422, refused.text
    assert refused.headers["Content-Type"] == PROBLEM
    assert refused.json()["type"].endswith("/meter-readings-required")
    assert refused.json()["offices"] == [utility.office_id]
    assert dossier_items(stack, dossier_id) == before

    # readings only for a utility, of the last year, not of a day to come
    today = datetime.now(UTC).date()
    path = f"/dossiers/{dossier_id}/meter-readings"
    not_utility = agency.claims(path, readings(today.isoformat(), bailiff.office_id))
    assert not_utility.status_code == 422
    assert not_utility.json()["type"].endswith("/not-a-utility")
    future = agency.claims(path, readings((today + timedelta(days=3)).isoformat(), utility.office_id))
    assert future.status_code == 422
    old = agency.claims(path, readings((today - timedelta(days=400)).isoformat(), utility.office_id))
    assert old.status_code == 422
    bad_meter = agency.claims(
        path,
        {
            "office_id": utility.office_id,
            "readings": [
                {"kind": "water", "meter_id": "W\u202e1", "reading": "1", "read_on": today.isoformat()}
            ],
        },
    )
    assert bad_meter.status_code == 422
    assert dossier_items(stack, dossier_id) == before

    read_on = (today - timedelta(days=1)).isoformat()
    recorded = agency.claims(path, readings(read_on, utility.office_id))
    assert recorded.status_code == 201, recorded.text
    assert [r["meter_id"] for r in recorded.json()["readings"]] == [EAN, "G-778899"]

    # shown in the dossier view; sealed in the table
    view = agency.get(f"/dossiers/{dossier_id}").json()
    [shown] = view["meter_readings"]
    assert shown["office_id"] == utility.office_id
    assert {(r["kind"], r["meter_id"], r["reading"], r["read_on"]) for r in shown["readings"]} == {
        ("electricity", EAN, "12345.6", read_on),
        ("gas", "G-778899", "4321.125", read_on),
    }
    assert EAN not in str(dossier_items(stack, dossier_id))
    export = agency.get(f"/dossiers/{dossier_id}/subject-access")  # the person's data (GDPR art. 15)
    assert export.status_code == 200, export.text
    assert [r["office_id"] for r in export.json()["meter_readings"]] == [utility.office_id]
    assert agency.claims_get(f"/dossiers/{dossier_id}/negotiation").json()["meter_readings_missing"] == []

    # the settlement goes out; the utility's carries its readings, the bailiff's none
    settled = agency.claims(f"/dossiers/{dossier_id}/settlement")
    assert settled.status_code == 201, settled.text
    to_utility = utility.message(dossier_id, "settlement_agreed")
    assert [(r["meter_id"], r["unit"]) for r in to_utility["body"]["meter_readings"]] == [
        (EAN, "kWh"),
        ("G-778899", "m3"),
    ]
    assert "meter_readings" not in bailiff.message(dossier_id, "settlement_agreed")["body"]


def test_meter_readings_are_erased_with_the_dossier(stack: RunningStack, agency: Agency) -> None:
    utility = register_office(stack, utility=True)
    dossier_id = notified(agency, [utility])
    today = datetime.now(UTC).date().isoformat()
    path = f"/dossiers/{dossier_id}/meter-readings"
    assert agency.claims(path, readings(today, utility.office_id)).status_code == 201
    assert any(i["SK"]["S"].startswith("CREDITOR#") for i in dossier_items(stack, dossier_id))

    withdrawn = agency.post(
        f"/dossiers/{dossier_id}/consent/withdrawal", **{"Idempotency-Key": uuid.uuid4().hex}
    )
    assert withdrawn.status_code == 200, withdrawn.text

    assert wait_for(lambda: not dossier_items(stack, dossier_id), timeout_s=60)
    assert agency.claims(path, readings(today, utility.office_id)).status_code in (404, 410)  # gone


def test_an_objection_marks_that_creditors_standstill_until_the_caseworker_resolves_it(
    stack: RunningStack, agency: Agency
) -> None:
    objecting, other = Office(stack, "vanhove"), Office(stack, "lambert")
    dossier_id = notified(agency, [objecting, other])
    notice = objecting.message(dossier_id, "notice")
    why = "De opdrachtgever verzet zich: eerdere regeling niet nagekomen"
    objected = objecting.reply(dossier_id, notice["message_id"], {"type": "objection", "reason": why})
    assert objected.status_code == 201, objected.text

    def standstill(where: str) -> dict[str, dict[str, Any]]:
        if where == "negotiation":
            body = agency.claims_get(f"/dossiers/{dossier_id}/negotiation").json()
        else:
            body = agency.get(f"/dossiers/{dossier_id}").json()
        return {s["office_id"]: s for s in body["standstill"]}

    for where in ("negotiation", "dossier view"):
        by_creditor = standstill(where)
        assert by_creditor["vanhove"]["status"] == "objected", where
        assert by_creditor["vanhove"]["objection_reason"] == why
        assert by_creditor["vanhove"]["objection_message_id"] == objected.json()["message_id"]
        assert by_creditor["vanhove"]["objected_at"] is not None
        assert by_creditor["lambert"]["status"] == "running", where
        assert by_creditor["lambert"]["objected_at"] is None
    assert why not in str(dossier_items(stack, dossier_id))  # sealed

    resolutions = f"/dossiers/{dossier_id}/objection-resolutions"
    note = {"resolution": "Opdrachtgever trekt verzet in na telefonisch overleg"}
    not_objected = agency.claims(resolutions, {"office_id": "lambert"} | note)
    assert not_objected.status_code == 404
    assert not_objected.headers["Content-Type"] == PROBLEM
    resolved = agency.claims(resolutions, {"office_id": "vanhove"} | note)
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["status"] == "running"
    again = agency.claims(resolutions, {"office_id": "vanhove"} | note)
    assert again.status_code == 409

    for where in ("negotiation", "dossier view"):
        after = standstill(where)["vanhove"]
        assert after["status"] == "running", where
        assert after["objection_reason"] == why  # the objection stays on record
        assert after["resolution"] == note["resolution"]
        assert after["resolved_at"] is not None
