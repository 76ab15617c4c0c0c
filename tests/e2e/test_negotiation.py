"""A whole negotiation over HTTP on the local stack, as the issue describes it:
register → notices to 3 offices → replies (signed callback, CSV, API, no_cooperation) → balance →
instalment proposal → accepts → settlement agreed → standstill ended; totals and plan to the cent."""

import base64
import json
import time
import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
import requests
from standardwebhooks import Webhook

from respite_claims.plan import Debt, instalment_plan
from respite_core.calendar import Country, local_date
from respite_core.domain import CreditorClass
from respite_core.money import MAX_CENTS
from tests.e2e.conftest import RunningStack, wait_for
from tests.e2e.test_dossiers import Client, access_entries, new_person, objects_of, register
from tests.e2e.test_slice import ANNA, PROBLEM

CSV_HEADER = ";".join(
    (
        "office_reference",
        "principal_creditor",
        "creditor_class",
        "principal",
        "interest",
        "costs",
        "paid",
        "title_kind",
        "garnishment_laid",
    )
)


class Office:
    """An office's system: client-credentials token, inbox, replies."""

    def __init__(self, stack: RunningStack, office_id: str) -> None:
        credentials = next(c for c in stack.office_clients if c["office_id"] == office_id)
        self.office_id = office_id
        self.base = f"{stack.base_url}/claims"
        self.webhook_secret = str(credentials["webhook_secret"])
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {stack.office_token(office_id)}"

    def inbox(self, **params: Any) -> requests.Response:
        # a page logs each message fetched: 100 writes, slow on a loaded machine (or under faketime)
        return self.session.get(f"{self.base}/inbox", params=params, timeout=60)

    def messages_of(self, dossier_id: str) -> list[dict[str, Any]]:
        """The dossier's open messages, from every page of the inbox (the shared stack's offices
        acknowledge little, so their inboxes grow past one page)."""
        found: list[dict[str, Any]] = []
        cursor = None
        while True:
            page = self.inbox(limit=100, **({"cursor": cursor} if cursor else {})).json()
            found += [m for m in page["messages"] if m["dossier_id"] == dossier_id]
            cursor = page.get("next_cursor")
            if cursor is None:
                return found

    def message(self, dossier_id: str, type: str) -> dict[str, Any]:
        return next(m for m in self.messages_of(dossier_id) if m["type"] == type)

    def post(self, path: str, body: Any = None, **headers: str) -> requests.Response:
        return self.session.post(f"{self.base}{path}", json=body, headers=headers, timeout=15)

    def reply(self, dossier_id: str, message_id: str, body: dict[str, Any]) -> requests.Response:
        return self.post(f"/dossiers/{dossier_id}/messages/{message_id}/replies", body)

    def upload(
        self, dossier_id: str, message_id: str, csv: str | bytes, content_type: str = "text/csv"
    ) -> requests.Response:
        data = csv.encode() if isinstance(csv, str) else csv
        return self.session.post(
            f"{self.base}/dossiers/{dossier_id}/messages/{message_id}/claims.csv",
            data=data,
            headers={"Content-Type": content_type},
            timeout=60,
        )

    def acknowledge(self, dossier_id: str, message_id: str) -> requests.Response:
        return self.post(f"/dossiers/{dossier_id}/messages/{message_id}/acknowledgement")

    def signed_callback(
        self,
        url: str,
        body: dict[str, Any],
        *,
        webhook_id: str | None = None,
        at: datetime | None = None,
        secret: str | None = None,
    ) -> requests.Response:
        payload = json.dumps(body)
        webhook_id = webhook_id or f"msg_{uuid.uuid4().hex}"
        at = at or datetime.now(UTC)
        signature = Webhook(secret or self.webhook_secret).sign(webhook_id, at, payload)
        headers = {
            "webhook-id": webhook_id,
            "webhook-timestamp": str(int(at.timestamp())),
            "webhook-signature": signature,
            "Content-Type": "application/json",
        }
        return requests.post(url, data=payload, headers=headers, timeout=15)


class Agency(Client):
    def claims(self, path: str, body: Any = None) -> requests.Response:
        return self.session.post(
            f"{self.base.replace('/consent', '/claims')}{path}", json=body or {}, timeout=15
        )

    def claims_get(self, path: str) -> requests.Response:
        return self.session.get(f"{self.base.replace('/consent', '/claims')}{path}", timeout=15)

    def upload_budget(self, dossier_id: str, pdf: bytes = b"%PDF-1.7\n%%EOF\n") -> str:
        """A budget calculation PDF posted to the presigned upload the claims API grants: its id."""
        grant = self.claims(f"/dossiers/{dossier_id}/documents", {"content_type": "application/pdf"}).json()
        posted = requests.post(
            grant["url"],
            data=grant["fields"],
            files={"file": ("vtlb.pdf", pdf, "application/pdf")},
            timeout=15,
        )
        assert posted.status_code in (200, 201, 204)
        return str(grant["document_id"])


def claim(reference: str, principal: int, **extra: Any) -> dict[str, Any]:
    return {"office_reference": reference, "principal_creditor": "Stad Gent", "principal": principal} | extra


@pytest.fixture(scope="module")
def agency(stack: RunningStack) -> Agency:
    return Agency(stack, ANNA)


@pytest.fixture(scope="module")
def offices(stack: RunningStack) -> dict[str, Office]:
    return {office_id: Office(stack, office_id) for office_id in ("vanhove", "lambert", "waterbedrijf-noord")}


def test_a_whole_negotiation(stack: RunningStack, agency: Agency, offices: dict[str, Office]) -> None:
    vanhove, lambert, water = offices["vanhove"], offices["lambert"], offices["waterbedrijf-noord"]
    dossier_id = register(agency, new_person("Negotiating"))

    # notices: the standstill starts
    sent = agency.claims(
        f"/dossiers/{dossier_id}/notices", {"office_ids": ["vanhove", "lambert", "waterbedrijf-noord"]}
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()["state"] == "notified"
    ends = date.fromisoformat(sent.json()["standstill_ends_on"])
    assert 89 <= (ends - date.fromisoformat(agency_today())).days <= 92  # three months
    assert {m["office_id"] for m in sent.json()["messages"]} == {"vanhove", "lambert", "waterbedrijf-noord"}

    # each office finds the notice in its inbox, with the person's name
    notice = vanhove.message(dossier_id, "notice")
    assert notice["person"]["family_name"] == "Negotiating"
    assert notice["person"]["national_number"] is None  # Van Hove is not flagged `public`
    assert vanhove.acknowledge(dossier_id, notice["message_id"]).status_code == 200

    # 1) Van Hove answers by signed callback, with two claims, one under a laid garnishment
    callback = notice["callback_url"]
    url = callback if callback.startswith("http") else f"{stack.base_url}{callback}"
    body = {
        "type": "notice_ack",
        "file_references": ["VH/2026/0815"],
        "claims": [
            claim("VH-1", 120_000, interest=4_550, costs=9_875, paid=20_000, garnishment_laid=True),
            claim("VH-2", 35_050, creditor_class="preferential"),
        ],
    }
    webhook_id = f"msg_{uuid.uuid4().hex}"
    first = vanhove.signed_callback(url, body, webhook_id=webhook_id)
    assert first.status_code == 201, first.text
    replay = vanhove.signed_callback(url, body, webhook_id=webhook_id)
    assert replay.status_code == 201
    assert replay.json() == first.json()  # answered as before, no second effect

    # 2) Lambert uploads its claims as CSV: one row is rejected by line number
    lambert_notice = lambert.message(dossier_id, "notice")
    csv = "\r\n".join(
        [
            CSV_HEADER,
            "L-77;SWDE;ordinary;812,40;12,00;50,00;0;judgment;nee",
            "L-78;SWDE;ordinary;-5;0;0;0;none;nee",
            "L-79;Belfius;ordinary;1500;0;0;250;none;ja",
        ]
    )
    report = lambert.upload(dossier_id, lambert_notice["message_id"], csv)
    assert report.status_code == 201, report.text
    assert report.json()["accepted"] == 2
    assert [(r["line"], r["field"]) for r in report.json()["rejected"]] == [(3, "principal")]
    again = lambert.upload(dossier_id, lambert_notice["message_id"], csv)  # the same file again
    assert again.status_code == 201
    assert again.json()["message_id"] == report.json()["message_id"]

    # 3) the water company does not cooperate (by API)
    water_notice = water.message(dossier_id, "notice")
    refused = water.reply(
        dossier_id, water_notice["message_id"], {"type": "no_cooperation", "reason": "unknown_person"}
    )
    assert refused.status_code == 201, refused.text

    # every reply is in the agency's feed
    def replies_in_feed() -> set[str]:
        feed = agency.session.get(f"{stack.base_url}/notifications/feed", timeout=10).json()["items"]
        found = {
            i["office_id"] for i in feed if i["dossier_id"] == dossier_id and i["kind"] == "reply_received"
        }
        return found if len(found) == 3 else set()

    assert wait_for(replies_in_feed, timeout_s=20) == {"vanhove", "lambert", "waterbedrijf-noord"}

    # balance requests to the offices with claims; Van Hove updates by API, Lambert accepts in advance
    balance = agency.claims(
        f"/dossiers/{dossier_id}/balance-requests", {"office_ids": ["vanhove", "lambert"]}
    )
    assert balance.status_code == 201, balance.text
    vh_balance = vanhove.message(dossier_id, "balance_request")
    updated = vanhove.reply(
        dossier_id,
        vh_balance["message_id"],
        {
            "type": "balance_reply",
            "claims": [
                claim("VH-1", 120_000, interest=4_550, costs=9_875, paid=30_000, garnishment_laid=True)
            ],
        },
    )
    assert updated.status_code == 201, updated.text
    lb_balance = lambert.message(dossier_id, "balance_request")
    assert (
        lambert.reply(dossier_id, lb_balance["message_id"], {"type": "balance_reply_preapproved"}).status_code
        == 201
    )

    # the dossier: claims by creditor and class, totals to the cent
    expected_outstanding = (
        (120_000 + 4_550 + 9_875 - 30_000) + 35_050 + (81_240 + 1_200 + 5_000) + (150_000 - 25_000)
    )
    view = wait_for(lambda: agency.get(f"/dossiers/{dossier_id}").json())
    assert view["totals"]["outstanding"] == expected_outstanding
    creditors = {c["office_id"]: c for c in view["creditors"]}
    assert set(creditors) == {"lambert", "vanhove"}
    assert [c["office_reference"] for c in creditors["vanhove"]["claims"]["preferential"]] == ["VH-2"]
    garnished = next(c for c in creditors["vanhove"]["claims"]["ordinary"] if c["office_reference"] == "VH-1")
    assert garnished["continues_during_standstill"] is True
    assert len(creditors["lambert"]["claims"]["ordinary"]) == 2  # the re-upload duplicated nothing
    # consolidation (the SQS consumer) reaches the same totals
    totals_item = wait_for(
        lambda: consolidated_outstanding(stack, dossier_id) == expected_outstanding, timeout_s=20
    )
    assert totals_item

    # an instalment proposal: 250.00 € a month for 36 months, pro rata per class, exact to the cent
    proposed = agency.claims(
        f"/dossiers/{dossier_id}/proposals", {"kind": "instalments", "monthly_capacity": 25_000}
    )
    assert proposed.status_code == 201, proposed.text
    assert proposed.json()["state"] == "negotiating"
    negotiation = agency.claims_get(f"/dossiers/{dossier_id}/negotiation").json()
    parts = {p["office_id"]: p for p in negotiation["parts"]}
    debts = [
        Debt("VH-1", "vanhove", CreditorClass.ORDINARY, 104_425),
        Debt("VH-2", "vanhove", CreditorClass.PREFERENTIAL, 35_050),
        Debt("L-77", "lambert", CreditorClass.ORDINARY, 87_440),
        Debt("L-79", "lambert", CreditorClass.ORDINARY, 125_000),
    ]
    plan = instalment_plan(25_000, debts)
    assert {o: p["offered"] for o, p in parts.items()} == plan.by_office
    assert negotiation["total_offered"] == min(25_000 * 36, expected_outstanding)
    assert all(sum(p["monthly"]) == p["offered"] for p in parts.values())
    assert negotiation["tally"]["accepted"] == ["lambert"]  # accepted in advance
    assert negotiation["tally"]["pending"] == ["vanhove"]

    # an early settlement is refused while Van Hove has not agreed
    assert agency.claims(f"/dossiers/{dossier_id}/settlement").status_code == 409
    proposal = vanhove.message(dossier_id, "proposal")
    assert proposal["body"]["offered"] == plan.by_office["vanhove"]
    assert vanhove.reply(dossier_id, proposal["message_id"], {"type": "proposal_accept"}).status_code == 201

    before = agency_today()
    settled = agency.claims(f"/dossiers/{dossier_id}/settlement")
    today = {before, agency_today()}  # the request may straddle the agency's midnight
    assert settled.status_code == 201, settled.text
    assert settled.json()["state"] == "settled"
    assert settled.json()["standstill_ends_on"] in today  # the standstill ended on the agency's today
    final = agency.get(f"/dossiers/{dossier_id}").json()
    assert final["state"] == "settled"
    assert final["standstill_ends_on"] == settled.json()["standstill_ends_on"]


def agency_today() -> str:
    """The calendar day at the Belgian test agency: the platform counts its days, not UTC's."""
    return local_date(datetime.now(UTC), Country.BE).isoformat()


def consolidated_outstanding(stack: RunningStack, dossier_id: str) -> int | None:
    for item in stack.table_items("RESPITE_TABLE_DOSSIERS"):
        if item["PK"]["S"] == f"DOSSIER#{dossier_id}" and item["SK"]["S"] == "META" and "totals" in item:
            return int(item["totals"]["M"]["overall"]["M"]["outstanding"]["N"])
    return None


# --- bad input --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def notified(agency: Agency, offices: dict[str, Office]) -> dict[str, Any]:
    """A dossier notified to Van Hove and Lambert, for the bad-input checks."""
    dossier_id = register(agency, new_person())
    sent = agency.claims(f"/dossiers/{dossier_id}/notices", {"office_ids": ["vanhove", "lambert"]})
    assert sent.status_code == 201, sent.text
    by_office = {m["office_id"]: m["message_id"] for m in sent.json()["messages"]}
    return {"dossier_id": dossier_id, "messages": by_office}


def claims_of(stack: RunningStack, dossier_id: str) -> list[dict[str, Any]]:
    return [
        i
        for i in stack.table_items("RESPITE_TABLE_DOSSIERS")
        if i["PK"]["S"] == f"DOSSIER#{dossier_id}" and i["SK"]["S"].startswith("CLAIM#")
    ]


@pytest.mark.parametrize(
    ("bad_claim", "field"),
    [
        ({"principal": -1}, "principal"),
        ({"principal": 12.5}, "principal"),
        ({"principal": "100"}, "principal"),
        ({"paid": 999_999}, "claims.1"),
        ({"currency": "USD"}, "currency"),
        ({"principal": MAX_CENTS + 1}, "principal"),
        ({"costs": 10**18}, "costs"),
        ({"interest": 10**40}, "interest"),
    ],
    ids=[
        "negative",
        "not-an-integer",
        "a-string",
        "paid-more-than-owed",
        "not-euro",
        "above-the-bound",
        "10**18",
        "10**40",
    ],
)
def test_bad_amounts_are_refused_and_nothing_is_stored(
    stack: RunningStack,
    offices: dict[str, Office],
    notified: dict[str, Any],
    bad_claim: dict[str, Any],
    field: str,
) -> None:
    dossier_id = notified["dossier_id"]
    body = {"type": "notice_ack", "claims": [claim("GOOD-1", 100), claim("BAD-1", 100) | bad_claim]}

    response = offices["vanhove"].reply(dossier_id, notified["messages"]["vanhove"], body)

    assert response.status_code == 422, response.text
    assert response.headers["Content-Type"] == PROBLEM
    assert any(field in p["name"] for p in response.json()["invalid_params"])
    assert claims_of(stack, dossier_id) == []  # not even the good one


def dossier_items(stack: RunningStack, dossier_id: str) -> list[dict[str, Any]]:
    return [i for i in stack.table_items("RESPITE_TABLE_DOSSIERS") if dossier_id in i["PK"]["S"]]


@pytest.mark.parametrize("amount", [10**18, 10**40])
def test_amounts_above_the_csv_bound_are_refused_on_every_path_and_nothing_is_written(
    stack: RunningStack,
    agency: Agency,
    offices: dict[str, Office],
    notified: dict[str, Any],
    amount: int,
) -> None:
    dossier_id, messages = notified["dossier_id"], notified["messages"]
    before = dossier_items(stack, dossier_id)
    lambert = offices["lambert"]
    url = f"{stack.base_url}/claims/callbacks/{dossier_id}/{messages['lambert']}"
    body = {"type": "notice_ack", "claims": [claim("BIG-1", amount)]}

    answers = {
        "claims.0.principal": lambert.signed_callback(url, body),
        "monthly_capacity": agency.claims(
            f"/dossiers/{dossier_id}/proposals", {"kind": "instalments", "monthly_capacity": amount}
        ),
    }

    for field, answer in answers.items():
        assert answer.status_code == 422, answer.text
        assert answer.headers["Content-Type"] == PROBLEM
        assert field in [p["name"] for p in answer.json()["invalid_params"]]
        assert str(amount) not in answer.text  # the problem names the field, not the value
    assert dossier_items(stack, dossier_id) == before
    assert lambert.message(dossier_id, "notice")  # still unanswered


def test_a_reply_must_answer_the_right_request_of_the_right_office(
    offices: dict[str, Office], notified: dict[str, Any]
) -> None:
    dossier_id, messages = notified["dossier_id"], notified["messages"]
    vanhove = offices["vanhove"]

    wrong_type = vanhove.reply(dossier_id, messages["vanhove"], {"type": "proposal_accept"})
    others = vanhove.reply(dossier_id, messages["lambert"], {"type": "notice_ack"})
    unknown = vanhove.reply(dossier_id, "01UNKNOWNMESSAGE", {"type": "notice_ack"})

    assert wrong_type.status_code == 422
    assert wrong_type.json()["type"].endswith("/reply-not-allowed")
    assert others.status_code == 404  # another office's message does not exist for you
    assert unknown.status_code == 404
    assert others.json()["detail"] == unknown.json()["detail"]


def test_a_forged_or_stale_callback_is_refused(
    stack: RunningStack, offices: dict[str, Office], notified: dict[str, Any]
) -> None:
    dossier_id, message_id = notified["dossier_id"], notified["messages"]["lambert"]
    url = f"{stack.base_url}/claims/callbacks/{dossier_id}/{message_id}"
    lambert = offices["lambert"]
    forged_secret = "whsec_" + base64.b64encode(b"x" * 32).decode()

    forged = lambert.signed_callback(url, {"type": "not_in_need"}, secret=forged_secret)
    stale = lambert.signed_callback(
        url, {"type": "not_in_need"}, at=datetime.fromtimestamp(time.time() - 600, UTC)
    )
    other_office = offices["vanhove"].signed_callback(url, {"type": "not_in_need"})  # signed, but not Lambert
    unsigned = requests.post(url, json={"type": "not_in_need"}, timeout=10)

    for response in (forged, stale, other_office, unsigned):
        assert response.status_code == 401, response.text
        assert response.headers["Content-Type"] == PROBLEM
    assert lambert.message(dossier_id, "notice")  # still unanswered, still in the inbox


@pytest.mark.parametrize(
    ("data", "status", "kind"),
    [
        (b"reference;creditor\r\nX;Y\r\n", 422, "csv-bad-header"),
        (b"office_reference,principal_creditor,principal\r\nX,Y,1\r\n", 422, "csv-wrong-delimiter"),
        (b"", 400, "csv-empty"),
    ],
    ids=["bad-header", "wrong-delimiter", "empty"],
)
def test_unreadable_csv_files_are_problems(
    stack: RunningStack,
    offices: dict[str, Office],
    notified: dict[str, Any],
    data: bytes,
    status: int,
    kind: str,
) -> None:
    response = offices["lambert"].upload(notified["dossier_id"], notified["messages"]["lambert"], data)
    assert response.status_code == status, response.text
    assert response.json()["type"].endswith(kind)
    assert claims_of(stack, notified["dossier_id"]) == []


def test_a_50_mb_csv_is_refused(offices: dict[str, Office], notified: dict[str, Any]) -> None:
    big = b"office_reference;principal_creditor;principal\r\n" + b"X;Y;1\r\n" * (50 * 1024 * 1024 // 7)
    response = offices["lambert"].upload(notified["dossier_id"], notified["messages"]["lambert"], big)
    assert response.status_code == 413
    assert response.headers["Content-Type"] == PROBLEM


def test_a_closed_dossier_takes_no_replies(
    stack: RunningStack, agency: Agency, offices: dict[str, Office]
) -> None:
    dossier_id = register(agency, new_person())
    sent = agency.claims(f"/dossiers/{dossier_id}/notices", {"office_ids": ["vanhove"]})
    message_id = sent.json()["messages"][0]["message_id"]
    assert agency.post(f"/dossiers/{dossier_id}/closure", {"reason": "moved abroad"}).status_code == 200

    response = offices["vanhove"].reply(dossier_id, message_id, {"type": "notice_ack"})

    assert response.status_code == 409
    assert response.headers["Content-Type"] == PROBLEM


def test_a_budget_pdf_is_required_for_offices_that_ask_for_one(
    stack: RunningStack, agency: Agency, offices: dict[str, Office]
) -> None:
    dossier_id = register(agency, new_person())
    sent = agency.claims(f"/dossiers/{dossier_id}/notices", {"office_ids": ["waterbedrijf-noord"]})
    water_notice = sent.json()["messages"][0]["message_id"]
    ack = offices["waterbedrijf-noord"].reply(
        dossier_id, water_notice, {"type": "notice_ack", "claims": [claim("W-1", 40_000)]}
    )
    assert ack.status_code == 201, ack.text

    without = agency.claims(f"/dossiers/{dossier_id}/proposals", {"kind": "buy_out", "percentage_bp": 3_500})
    assert without.status_code == 422
    assert without.json()["type"].endswith("/vtlb-required")

    budget = agency.upload_budget(dossier_id)
    with_pdf = agency.claims(
        f"/dossiers/{dossier_id}/proposals",
        {"kind": "buy_out", "percentage_bp": 3_500, "budget_document_id": budget},
    )
    assert with_pdf.status_code == 201, with_pdf.text
    proposal = offices["waterbedrijf-noord"].message(dossier_id, "proposal")
    assert proposal["body"]["offered"] == 14_000  # 35 % of 400.00 €
    assert proposal["body"]["budget_document"]["document_id"] == budget
    stored = objects_of(stack, dossier_id)
    assert list(stored) == [f"dossiers/{dossier_id}/budget/{budget}"]  # sealed in place
    assert b"%PDF" not in stored[f"dossiers/{dossier_id}/budget/{budget}"]


def test_a_budget_uploaded_after_the_erasure_is_deleted_by_the_proposal_naming_it(
    stack: RunningStack, agency: Agency
) -> None:
    dossier_id = register(agency, new_person())
    grant = agency.claims(f"/dossiers/{dossier_id}/documents", {"content_type": "application/pdf"}).json()
    assert agency.post(f"/dossiers/{dossier_id}/consent/withdrawal").status_code == 200
    assert wait_for(lambda: agency.get(f"/dossiers/{dossier_id}").status_code == 404, timeout_s=30)

    posted = requests.post(
        grant["url"],
        data=grant["fields"],
        files={"file": ("vtlb.pdf", b"%PDF-1.7\n%%EOF\n", "application/pdf")},
        timeout=15,
    )

    assert posted.status_code == 204
    # it landed (204), where erasure finds it: the erasure's clean pass may already have taken it
    assert set(objects_of(stack, dossier_id)) <= {f"incoming/{dossier_id}/budget/{grant['document_id']}"}
    refused = agency.claims(
        f"/dossiers/{dossier_id}/proposals",
        {"kind": "buy_out", "percentage_bp": 3_500, "budget_document_id": grant["document_id"]},
    )
    assert refused.status_code == 404
    assert refused.headers["Content-Type"] == PROBLEM
    assert objects_of(stack, dossier_id) == {}


def test_the_inbox_pages_and_exports_csv(offices: dict[str, Office], notified: dict[str, Any]) -> None:
    lambert = offices["lambert"]
    first = lambert.inbox(limit=1)
    assert first.status_code == 200
    assert len(first.json()["messages"]) == 1
    csv = lambert.session.get(f"{lambert.base}/inbox.csv", params={"limit": 100}, timeout=15)
    assert csv.status_code == 200
    assert csv.headers["Content-Type"].startswith("text/csv")
    lines = csv.text.strip().splitlines()
    assert lines[0].startswith("message_id;dossier_id;type")
    assert any(notified["dossier_id"] in line for line in lines[1:])
    assert lambert.inbox(format="csv").status_code == 422  # the CSV inbox is its own operation now


def test_a_creditor_may_ask_whether_a_person_is_in_debt_help(
    agency: Agency, offices: dict[str, Office]
) -> None:
    person = new_person()
    register(agency, person)
    number = person["person"]["national_number"]

    yes = offices["vanhove"].post("/lookup", {"national_number": number})
    no = offices["vanhove"].post("/lookup", {"national_number": {"country": "NL", "number": "111222333"}})

    assert yes.status_code == 200, yes.text
    assert yes.json() == {
        "in_debt_help": True,
        "agencies": [{"name": "OCMW Gent", "contact_email": "schuldbemiddeling@ocmw-gent.example"}],
    }
    assert no.json() == {"in_debt_help": False, "agencies": []}


# --- the office directory -----------------------------------------------------------------------------


def register_office(stack: RunningStack, office_id: str) -> dict[str, Any]:
    olga = Agency(stack, "olga@respite.example")
    office = {
        "office_id": office_id,
        "name": "Gerechtsdeurwaarders Nieuw",
        "kind": "bailiff",
        "country": "BE",
        "registration_number": "0451234595",
        "language": "nl",
        "contact_emails": ["kantoor@nieuw.example"],
    }
    created = olga.claims("/offices", {"office": office})
    assert created.status_code == 201, created.text
    return dict(created.json())


def test_an_operator_registers_an_office_whose_system_works_at_once(
    stack: RunningStack, agency: Agency
) -> None:
    office_id = f"nieuw-{uuid.uuid4().hex[:8]}"
    credentials = register_office(stack, office_id)
    assert credentials["webhook_secret"].startswith("whsec_")
    stack.office_clients.append({"office_id": office_id, **credentials})
    nieuw = Office(stack, office_id)

    assert nieuw.inbox().json() == {"messages": [], "next_cursor": None}
    assert office_id in {o["office_id"] for o in agency.claims_get("/offices").json()["offices"]}
    assert agency.claims("/offices", {"office": {"office_id": "x"}}).status_code == 403  # operators only
    again = Agency(stack, "olga@respite.example").claims("/offices", {"office": {**_office_body(office_id)}})
    assert again.status_code == 409


def _office_body(office_id: str) -> dict[str, Any]:
    return {
        "office_id": office_id,
        "name": "Dup",
        "kind": "creditor",
        "country": "NL",
        "registration_number": "12345678",
        "language": "nl",
        "contact_emails": ["a@b.example"],
    }


def test_during_a_rotation_both_secrets_sign_valid_callbacks(stack: RunningStack, agency: Agency) -> None:
    office_id = f"rot-{uuid.uuid4().hex[:8]}"
    credentials = register_office(stack, office_id)
    stack.office_clients.append({"office_id": office_id, **credentials})
    office = Office(stack, office_id)
    old_secret = office.webhook_secret
    dossier_id = register(agency, new_person())
    sent = agency.claims(f"/dossiers/{dossier_id}/notices", {"office_ids": [office_id]})
    notice_id = sent.json()["messages"][0]["message_id"]
    url = f"{stack.base_url}/claims/callbacks/{dossier_id}/{notice_id}"

    rotated = Agency(stack, "olga@respite.example").claims(f"/offices/{office_id}/webhook-secrets")
    assert rotated.status_code == 201, rotated.text
    new_secret = rotated.json()["webhook_secret"]
    assert new_secret != old_secret
    assert rotated.json()["previous_valid_until"] is not None

    # a stale retry signed with the old secret and a fresh one with the new secret both verify
    by_old = office.signed_callback(
        url, {"type": "not_in_need"}, secret=old_secret, webhook_id="msg_rotation_1"
    )
    assert by_old.status_code == 201, by_old.text
    by_new = office.signed_callback(
        url, {"type": "not_in_need"}, secret=new_secret, webhook_id="msg_rotation_1"
    )
    assert by_new.status_code == 201  # the same webhook-id: answered as before
    assert by_new.json() == by_old.json()


def test_lookups_are_rate_limited_per_office(stack: RunningStack) -> None:
    office_id = f"look-{uuid.uuid4().hex[:8]}"
    credentials = register_office(stack, office_id)
    stack.office_clients.append({"office_id": office_id, **credentials})
    office = Office(stack, office_id)
    unknown = {"national_number": {"country": "NL", "number": "111222333"}}

    statuses = [office.post("/lookup", unknown).status_code for _ in range(61)]

    assert statuses[:60] == [200] * 60
    assert statuses[60] == 429
    assert office.post("/lookup", unknown).headers["Content-Type"] == PROBLEM


def test_no_cooperation_needs_its_reason(offices: dict[str, Office], notified: dict[str, Any]) -> None:
    dossier_id, message_id = notified["dossier_id"], notified["messages"]["vanhove"]
    response = offices["vanhove"].reply(dossier_id, message_id, {"type": "no_cooperation"})
    assert response.status_code == 422
    assert response.headers["Content-Type"] == PROBLEM
    ack_with_reason = offices["vanhove"].reply(
        dossier_id, message_id, {"type": "notice_ack", "reason": "unknown_person"}
    )
    assert ack_with_reason.status_code == 422


# --- what the caseworker sees of the answers (issue 14, points 1, 2, 3, 5) ---------------------------------


def upload_budget(agency: Agency, dossier_id: str, pdf: bytes) -> str:
    grant = agency.claims(f"/dossiers/{dossier_id}/documents", {"content_type": "application/pdf"}).json()
    posted = requests.post(
        grant["url"], data=grant["fields"], files={"file": ("vtlb.pdf", pdf, "application/pdf")}, timeout=15
    )
    assert posted.status_code in (200, 201, 204)
    return str(grant["document_id"])


def test_the_caseworker_reads_every_answer_and_the_office_gets_the_budget_pdf(
    stack: RunningStack, agency: Agency, offices: dict[str, Office]
) -> None:
    vanhove, lambert, water = offices["vanhove"], offices["lambert"], offices["waterbedrijf-noord"]
    dossier_id = register(agency, new_person("Answered"))
    sent = agency.claims(
        f"/dossiers/{dossier_id}/notices", {"office_ids": ["vanhove", "lambert", "waterbedrijf-noord"]}
    )
    assert sent.status_code == 201, sent.text
    notices = {m["office_id"]: m["message_id"] for m in sent.json()["messages"]}

    # the offices answer as the README's do: no call to /acknowledgement first
    ack = {
        "type": "notice_ack",
        "file_references": ["VH/2026/0815"],
        "comment": "Two files, one under garnishment.",
        "claims": [claim("VH-A1", 50_000), claim("VH-A2", 20_000)],
    }
    assert vanhove.reply(dossier_id, notices["vanhove"], ack).status_code == 201
    objection = {"type": "objection", "comment": "Our principal objects: a sale is planned."}
    assert lambert.reply(dossier_id, notices["lambert"], objection).status_code == 201
    water_ack = {"type": "notice_ack", "claims": [claim("W-A1", 40_000)]}
    assert water.reply(dossier_id, notices["waterbedrijf-noord"], water_ack).status_code == 201

    view = agency.get(f"/dossiers/{dossier_id}").json()
    by_id = {m["message_id"]: m for m in view["messages"]}
    replies = {m["in_reply_to"]: m for m in view["messages"] if m["in_reply_to"]}
    assert replies[notices["vanhove"]]["body"]["comment"] == "Two files, one under garnishment."
    assert replies[notices["vanhove"]]["body"]["file_references"] == ["VH/2026/0815"]
    assert replies[notices["vanhove"]]["claims_received"] == 2
    assert replies[notices["lambert"]]["body"]["comment"] == "Our principal objects: a sale is planned."
    notice = by_id[notices["vanhove"]]
    assert notice["body"]["standstill"] == "requested"
    # answering acknowledged it: the caseworker sees when; the office's inbox no longer holds it
    assert notice["answered_at"] is not None
    assert notice["acknowledged_at"] == notice["answered_at"]
    assert notice["fetched_at"] is not None
    assert vanhove.messages_of(dossier_id) == []
    late_ack = vanhove.acknowledge(dossier_id, notices["vanhove"])  # acknowledging after it changes nothing
    assert late_ack.status_code == 200, late_ack.text
    assert late_ack.json()["acknowledged_at"] == notice["acknowledged_at"]

    # the feed says who answered what, and nothing of the person or of the office's words
    def headlines() -> dict[str, str]:
        feed = agency.session.get(f"{stack.base_url}/notifications/feed", timeout=10).json()["items"]
        found = {
            i["office_id"]: i["headline"]
            for i in feed
            if i["dossier_id"] == dossier_id and i["kind"] == "reply_received"
        }
        return found if len(found) == 3 else {}

    said = wait_for(headlines, timeout_s=20)
    assert said["vanhove"] == "Gerechtsdeurwaarders Van Hove acknowledged the notice with 2 claims"
    assert said["lambert"] == "Étude Lambert, huissiers de justice objects to the standstill"
    assert not any("Answered" in h or "sale is planned" in h for h in said.values())

    # a balance accepted in advance carries the balance's claims
    balance = agency.claims(f"/dossiers/{dossier_id}/balance-requests", {"office_ids": ["lambert"]})
    assert balance.status_code == 201, balance.text
    preapproved = {"type": "balance_reply_preapproved", "claims": [claim("L-A1", 30_000)]}
    balance_id = balance.json()["messages"][0]["message_id"]
    answered = lambert.reply(dossier_id, balance_id, preapproved)
    assert answered.status_code == 201, answered.text
    assert answered.json()["claims_stored"] == 1
    creditors = wait_for(
        lambda: (
            {c["office_id"] for c in agency.get(f"/dossiers/{dossier_id}").json()["creditors"]} >= {"lambert"}
        )
    )
    assert creditors

    # a buy-out with the budget PDF the water company needs: the office downloads it, no other office can
    pdf = b"%PDF-1.7\n% budget of the Answered household\n%%EOF\n"
    budget_id = upload_budget(agency, dossier_id, pdf)
    proposed = agency.claims(
        f"/dossiers/{dossier_id}/proposals",
        {"kind": "buy_out", "percentage_bp": 3_500, "budget_document_id": budget_id},
    )
    assert proposed.status_code == 201, proposed.text
    proposal = water.message(dossier_id, "proposal")
    [document] = proposal["documents"]
    assert document["document_id"] == budget_id
    assert document["content_type"] == "application/pdf"
    link = water.session.get(document["url"], timeout=15)
    assert link.status_code == 200, link.text
    downloaded = requests.get(link.json()["download_url"], timeout=15)
    assert downloaded.content == pdf
    assert vanhove.session.get(document["url"], timeout=15).status_code == 404  # not addressed to Van Hove
    read = [
        e
        for e in access_entries(stack, dossier_id)
        if e.get("detail", {}).get("S") == f"document:{budget_id}"
    ]
    assert [(e["actor_role"]["S"], e["actor_agency_id"]["S"]) for e in read] == [
        ("office", "waterbedrijf-noord")
    ]

    # Van Hove rejects with its reason; the negotiation and the dossier show it
    vh_proposal = vanhove.message(dossier_id, "proposal")
    rejection = {
        "type": "proposal_reject",
        "reason": "35 % is too little for us.",
        "comment": "We accept 60 %.",
    }
    rejected = vanhove.reply(dossier_id, vh_proposal["message_id"], rejection)
    assert rejected.status_code == 201, rejected.text
    negotiation = agency.claims_get(f"/dossiers/{dossier_id}/negotiation").json()
    assert negotiation["tally"]["rejected"] == ["vanhove"]
    [answer] = [a for a in negotiation["answers"] if a["office_id"] == "vanhove"]
    assert (answer["type"], answer["reason"], answer["comment"]) == (
        "proposal_reject",
        "35 % is too little for us.",
        "We accept 60 %.",
    )
    final = agency.get(f"/dossiers/{dossier_id}").json()
    sent_proposal = next(m for m in final["messages"] if m["message_id"] == vh_proposal["message_id"])
    assert sent_proposal["body"]["kind"] == "buy_out"
    assert sent_proposal["body"]["budget_document"]["document_id"] == budget_id
    the_rejection = next(m for m in final["messages"] if m["in_reply_to"] == vh_proposal["message_id"])
    assert the_rejection["body"]["reason"] == "35 % is too little for us."
