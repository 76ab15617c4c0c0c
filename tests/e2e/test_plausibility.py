"""Implausible input is refused over HTTP on the local stack, and nothing of it is written (issue 14,
point 16): birth dates more than 120 years ago, consent dated long before its registration, public
sale dates more than five years from today, names with a NUL, a bidi override or nothing visible, a
claims CSV with no valid row (which used to answer the request with `accepted: 0` and leave the office
unable to reply), and an erasure day that is not an ISO date (`?on=0` read as 1970-01-01).

Every date is relative to the platform's clock (`respite_core.ids.utc_now`), so no test depends on the
day it runs."""

import copy
from datetime import timedelta
from typing import Any

import pytest
import requests

from respite_core.calendar import add_months
from respite_core.ids import utc_now
from tests.e2e.conftest import RunningStack, wait_for
from tests.e2e.test_dossiers import OLGA, Client, new_person, register
from tests.e2e.test_erasure_lifecycle import pumps_busy
from tests.e2e.test_negotiation import CSV_HEADER, Agency, Office, claim, claims_of, dossier_items
from tests.e2e.test_slice import ANNA, PROBLEM

DUTCH_NUMBER = {"country": "NL", "number": "111222333"}  # a BSN encodes no birth date


@pytest.fixture(scope="module")
def agency(stack: RunningStack) -> Agency:
    return Agency(stack, ANNA)


@pytest.fixture(scope="module")
def offices(stack: RunningStack) -> dict[str, Office]:
    return {office_id: Office(stack, office_id) for office_id in ("vanhove", "lambert")}


def refused(response: requests.Response) -> dict[str, Any]:
    assert response.status_code == 422, response.text
    assert response.headers["Content-Type"] == PROBLEM
    problem: dict[str, Any] = response.json()
    return problem


def person_with(**person: Any) -> dict[str, Any]:
    body = copy.deepcopy(new_person())
    body["person"] |= person
    return body


def dossier_count(stack: RunningStack) -> int:
    return sum(1 for i in stack.table_items("RESPITE_TABLE_DOSSIERS") if i["SK"]["S"] == "META")


@pytest.mark.parametrize(
    "birth_date",
    [
        "0001-01-01",
        "1850-06-01",
        (add_months(utc_now().date(), -12 * 120) - timedelta(days=1)).isoformat(),  # a day too early
        (utc_now().date() + timedelta(days=1)).isoformat(),
    ],
)
def test_a_birth_date_outside_the_last_120_years_is_refused(
    stack: RunningStack, agency: Agency, birth_date: str
) -> None:
    before = dossier_count(stack)

    problem = refused(
        agency.post("/dossiers", person_with(national_number=DUTCH_NUMBER, birth_date=birth_date))
    )

    assert [p["name"] for p in problem["invalid_params"]] == ["person"]
    assert dossier_count(stack) == before  # nothing half-written


def test_the_oldest_plausible_birth_date_is_taken(agency: Agency) -> None:
    oldest = add_months(utc_now().date(), -12 * 120).isoformat()
    register(agency, person_with(national_number=DUTCH_NUMBER, birth_date=oldest))


@pytest.mark.parametrize(
    ("field", "name"),
    [
        ("family_name", "Peeters\x00"),  # a NUL
        ("family_name", "\u202esreteeP"),  # a right-to-left override: shown as "Peeters"
        ("given_names", "\u200b\u200c\u200d"),  # only zero-width characters
        ("given_names", "Jan\nPieter"),  # a line break
    ],
)
def test_a_name_with_control_or_bidi_characters_or_nothing_visible_is_refused(
    stack: RunningStack, agency: Agency, field: str, name: str
) -> None:
    before = dossier_count(stack)

    problem = refused(agency.post("/dossiers", person_with(**{field: name})))

    assert [p["name"] for p in problem["invalid_params"]] == [f"person.{field}"]
    assert name not in str(problem)
    assert dossier_count(stack) == before


def test_consent_given_in_1900_is_refused(stack: RunningStack, agency: Agency) -> None:
    body = new_person()
    body["consent"]["given_at"] = "1900-01-01T10:00:00Z"
    before = dossier_count(stack)

    refused(agency.post("/dossiers", body))

    assert dossier_count(stack) == before


@pytest.fixture
def notice(agency: Agency) -> dict[str, Any]:
    """A dossier notified to Lambert: its notice's id, waiting for a reply."""
    dossier_id = register(agency, new_person())
    sent = agency.claims(f"/dossiers/{dossier_id}/notices", {"office_ids": ["lambert"]})
    assert sent.status_code == 201, sent.text
    return {"dossier_id": dossier_id, "message_id": sent.json()["messages"][0]["message_id"]}


def sale_dates() -> list[str]:
    today = utc_now().date()
    return ["0001-01-01", "9999-12-31", (add_months(today, 60) + timedelta(days=1)).isoformat()]


def test_a_public_sale_date_more_than_five_years_from_today_is_refused_on_every_path(
    stack: RunningStack, offices: dict[str, Office], notice: dict[str, Any]
) -> None:
    lambert, dossier_id, message_id = offices["lambert"], notice["dossier_id"], notice["message_id"]
    for sale_on in sale_dates():
        by_api = lambert.reply(
            dossier_id,
            message_id,
            {"type": "notice_ack", "claims": [claim("L-1", 10_000, public_sale_announced_on=sale_on)]},
        )
        assert [p["name"] for p in refused(by_api)["invalid_params"]] == ["claims.0.public_sale_announced_on"]
        csv = f"{CSV_HEADER};public_sale_announced_on\r\nL-1;SWDE;ordinary;100;0;0;0;none;nee;{sale_on}\r\n"
        by_csv = lambert.upload(dossier_id, message_id, csv)
        assert refused(by_csv)["rejected"] == [
            {"line": 2, "field": "public_sale_announced_on", "reason": "must be within 5 years of today"}
        ]
    assert claims_of(stack, dossier_id) == []
    # a sale four years ahead is plausible
    soon = add_months(utc_now().date(), 48).isoformat()
    taken = lambert.reply(
        dossier_id,
        message_id,
        {"type": "notice_ack", "claims": [claim("L-1", 10_000, public_sale_announced_on=soon)]},
    )
    assert taken.status_code == 201, taken.text


def keys_of(items: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(item["PK"]["S"], item["SK"]["S"]) for item in items}


def settled_keys(stack: RunningStack, dossier_id: str) -> set[tuple[str, str]]:
    """The dossier's item keys once the notice's delivery is done: idle queues, and no change for 1 s.

    Idle queues alone are not enough: the stream pumps carry the notice on between two queues.
    """
    seen: list[set[tuple[str, str]]] = []

    def unchanged() -> bool:
        seen.append(keys_of(dossier_items(stack, dossier_id)))
        return len(seen) > 1 and seen[-1] == seen[-2] and not pumps_busy(stack)

    assert wait_for(unchanged, timeout_s=60, every_s=1.0)
    return seen[-1]


def test_a_csv_with_no_valid_row_answers_nothing_and_the_office_can_still_reply(
    stack: RunningStack, agency: Agency, offices: dict[str, Office], notice: dict[str, Any]
) -> None:
    lambert, dossier_id, message_id = offices["lambert"], notice["dossier_id"], notice["message_id"]
    every_row_invalid = "\r\n".join(
        [CSV_HEADER, "L-1;SWDE;ordinary;-5;0;0;0;none;nee", "L-2;;ordinary;10;0;0;0;none;nee", ""]
    )
    written_before = settled_keys(stack, dossier_id)  # the notice's email (and its token) is out

    problem = refused(lambert.upload(dossier_id, message_id, every_row_invalid))

    assert problem["type"].endswith("/csv-no-valid-row")
    assert problem["rejected"] == [
        {"line": 2, "field": "principal", "reason": "must not be negative"},
        {"line": 3, "field": "principal_creditor", "reason": "is required"},
    ]
    assert keys_of(dossier_items(stack, dossier_id)) == written_before  # no claim, no answer, no log entry
    assert lambert.message(dossier_id, "notice")["message_id"] == message_id  # still in its inbox, open
    header_only = refused(lambert.upload(dossier_id, message_id, CSV_HEADER + "\r\n"))
    assert header_only["type"].endswith("/csv-no-valid-row")
    # the request is still open: the office replies
    replied = lambert.reply(dossier_id, message_id, {"type": "notice_ack", "claims": [claim("L-1", 500)]})
    assert replied.status_code == 201, replied.text
    view = agency.get(f"/dossiers/{dossier_id}").json()
    assert [m["type"] for m in view["messages"] if m.get("in_reply_to") == message_id] == ["notice_ack"]


@pytest.mark.parametrize("on", ["0", "1700000000", "0.5", "16-11-2026", "2026-02-30"])
def test_the_erasures_of_a_day_need_an_iso_date(stack: RunningStack, on: str) -> None:
    olga = Client(stack, OLGA)

    problem = refused(olga.get("/erasures", on=on))

    assert [p["name"] for p in problem["invalid_params"]] == ["on"]


def test_the_erasures_of_a_day_by_its_iso_date(stack: RunningStack) -> None:
    """The day is read as a date: a year ago holds none of this stack's erasures, today only today's.

    Other tests on the shared stack erase dossiers today, so today's list is checked by its dates.
    """
    olga = Client(stack, OLGA)
    today = utc_now().date()

    a_year_ago = olga.get("/erasures", on=(today - timedelta(days=365)).isoformat())
    todays = olga.get("/erasures", on=today.isoformat())

    assert a_year_ago.status_code == 200, a_year_ago.text
    assert a_year_ago.json() == {"receipts": []}
    assert todays.status_code == 200, todays.text
    assert all(r["started_at"].startswith(today.isoformat()) for r in todays.json()["receipts"])
