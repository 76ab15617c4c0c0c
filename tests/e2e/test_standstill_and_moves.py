"""Issue 14, points 7, 8 and 9, on the local stack, as a caseworker and an office see them:

- one standstill per person: registered at another agency, or withdrawn and registered again, the
  person gets what is left of the standstill that runs, not three new months; every office hears its
  last day (inbox, email, link page, webhook) and hears it end (termination: today);
- a closure after notices terminates with the offices at once (inbox, email, webhook), and the
  erasure a retention period later tells them nothing more;
- a transfer: what the old agency sent keeps its name (inbox, email, link page); the dossier's feed
  items move to the new agency, which hears of the move; unread counts stay equal to unread items.
"""

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import requests

from respite_core.calendar import Country, local_date
from respite_core.domain import Language, MessageType
from respite_core.resources import TableName, env_var
from respite_core.wording import MESSAGE_TYPES, long_date
from tests.e2e.conftest import RunningStack, wait_for
from tests.e2e.test_dossiers import OLGA, Client, new_person
from tests.e2e.test_erasure import receipt_of, retention_ends, terminations_to
from tests.e2e.test_erasure_lifecycle import WebhookOffice, closed_at, pumps_busy
from tests.e2e.test_erasure_lifecycle import webhook_office as webhook_office
from tests.e2e.test_inbound_mail import OFFICE_ADDRESS
from tests.e2e.test_link_page import Mail, mails_about
from tests.e2e.test_negotiation import Agency, Office
from tests.e2e.test_slice import ANNA, SANNE

GENT, UTRECHT = "ocmw-gent", "shv-utrecht"


@pytest.fixture(scope="module")
def anna(stack: RunningStack) -> Agency:
    return Agency(stack, ANNA)


@pytest.fixture(scope="module")
def sanne(stack: RunningStack) -> Agency:
    return Agency(stack, SANNE)


@pytest.fixture(scope="module")
def olga(stack: RunningStack) -> Client:
    return Client(stack, OLGA)


@pytest.fixture(scope="module")
def vanhove(stack: RunningStack) -> Office:
    return Office(stack, "vanhove")


def today_at(country: Country) -> date:
    """The agency's calendar day: the platform counts its days, not UTC's."""
    return local_date(datetime.now(UTC), country)


def registered(agency: Agency, person: dict[str, Any]) -> str:
    answer = agency.post("/dossiers", person, **{"Idempotency-Key": uuid.uuid4().hex})
    assert answer.status_code == 201, answer.text
    return str(answer.json()["dossier_id"])


def notify(agency: Agency, dossier_id: str, *office_ids: str) -> dict[str, Any]:
    sent = agency.claims(f"/dossiers/{dossier_id}/notices", {"office_ids": list(office_ids)})
    assert sent.status_code == 201, sent.text
    return dict(sent.json())


def person_key_of(stack: RunningStack, dossier_id: str) -> str:
    """The pseudonymous key of the dossier's person (its registration pointer in the key store)."""
    pointer = f"REGISTERED#{dossier_id}"
    item = stack.aws("dynamodb").get_item(
        TableName=stack.environment[env_var(TableName.KEY_STORE)],
        Key={"PK": {"S": pointer}, "SK": {"S": pointer}},
        ConsistentRead=True,
    )["Item"]
    return str(item["person_key"]["S"])


def standstill_began_earlier(stack: RunningStack, dossier_id: str, ends_on: date) -> None:
    """As if the dossier's first notice had gone out weeks ago: its standstill (and so the person's)
    ends on `ends_on` (there is no clock to move on this branch)."""
    dynamodb = stack.aws("dynamodb")
    dynamodb.update_item(
        TableName=stack.environment[env_var(TableName.DOSSIERS)],
        Key={"PK": {"S": f"DOSSIER#{dossier_id}"}, "SK": {"S": "META"}},
        UpdateExpression="SET standstill_starts_on = :starts, standstill_ends_on = :ends",
        ExpressionAttributeValues={
            ":starts": {"S": (ends_on - timedelta(days=70)).isoformat()},
            ":ends": {"S": ends_on.isoformat()},
        },
    )
    dynamodb.update_item(
        TableName=stack.environment[env_var(TableName.KEY_STORE)],
        Key={"PK": {"S": person_key_of(stack, dossier_id)}, "SK": {"S": "STANDSTILL"}},
        UpdateExpression="SET ends_on = :ends",
        ExpressionAttributeValues={":ends": {"S": ends_on.isoformat()}},
    )


def registered_again(agency: Agency, person: dict[str, Any]) -> str:
    """Registered once the erasure of the withdrawn dossier has removed its registration (409 until
    then, naming the withdrawn dossier)."""
    answers: list[requests.Response] = []

    def attempt() -> bool:
        answers.append(agency.post("/dossiers", person))
        return answers[-1].status_code == 201

    assert wait_for(attempt, timeout_s=30), answers[-1].text
    return str(answers[-1].json()["dossier_id"])


def mail_of(
    stack: RunningStack, dossier_id: str, message_type: MessageType, to: str = OFFICE_ADDRESS
) -> Mail:
    words = MESSAGE_TYPES[Language.NL][message_type]  # the offices here read Dutch
    found = wait_for(
        lambda: [m for m in mails_about(stack, dossier_id, to) if str(m.message["Subject"]).startswith(words)]
    )
    assert found, f"no {message_type.value} email about {dossier_id} to {to}"
    mail: Mail = found[0]
    return mail


def hooked(office: WebhookOffice, dossier_id: str, message_type: MessageType) -> dict[str, Any]:
    def bodies() -> list[dict[str, Any]]:
        return [
            b["data"]
            for b in office.bodies(dossier_id, "message.created")
            if b["data"]["message_type"] == message_type.value
        ]

    found = wait_for(bodies)
    assert found, f"no {message_type.value} webhook about {dossier_id}"
    return dict(found[0])


# --- 7. one standstill per person, told to every office ---------------------------------------------


def test_a_persons_standstill_is_not_chained_and_every_office_hears_its_end(
    stack: RunningStack,
    anna: Agency,
    sanne: Agency,
    vanhove: Office,
    webhook_office: WebhookOffice,
) -> None:
    person = new_person()
    at_gent = registered(anna, person)
    notify(anna, at_gent, "vanhove")
    # Gent's notice went out weeks ago, as it were: 20 days of the person's standstill are left
    left_until = today_at(Country.BE) + timedelta(days=20)
    standstill_began_earlier(stack, at_gent, left_until)

    # the same person at Utrecht: Van Hove and the hooked office hear of the same standstill
    at_utrecht = registered(sanne, person)
    sent = notify(sanne, at_utrecht, "vanhove", webhook_office.office_id)
    assert sent["standstill_ends_on"] == left_until.isoformat()
    assert sanne.get(f"/dossiers/{at_utrecht}").json()["standstill_ends_on"] == left_until.isoformat()
    notice = vanhove.message(at_utrecht, "notice")
    assert notice["body"]["standstill_ends_on"] == left_until.isoformat()
    in_words = long_date(left_until, Language.NL)
    mail = mail_of(stack, at_utrecht, MessageType.NOTICE)
    assert f"Opschorting van de uitvoering tot en met: {in_words}" in mail.text
    assert in_words in mail.html
    page = requests.get(mail.link, timeout=10)
    assert page.status_code == 200
    assert in_words in page.text
    assert (
        hooked(webhook_office, at_utrecht, MessageType.NOTICE)["standstill_ends_on"] == left_until.isoformat()
    )

    # withdrawn at Gent and registered there again: still the same standstill
    withdrawn = anna.post(f"/dossiers/{at_gent}/consent/withdrawal")
    assert withdrawn.status_code == 200, withdrawn.text
    again = registered_again(anna, person)
    assert notify(anna, again, "lambert")["standstill_ends_on"] == left_until.isoformat()

    # Utrecht ends the debt help: the standstill ends today, for the caseworker and every office
    today = today_at(Country.NL).isoformat()
    ended = sanne.claims(f"/dossiers/{at_utrecht}/termination", {"reason": "verhuisd"})
    assert ended.status_code == 201, ended.text
    assert ended.json()["standstill_ends_on"] == today
    assert sanne.get(f"/dossiers/{at_utrecht}").json()["standstill_ends_on"] == today
    assert vanhove.message(at_utrecht, "termination")["body"]["standstill_ends_on"] == today
    assert hooked(webhook_office, at_utrecht, MessageType.TERMINATION)["standstill_ends_on"] == today
    termination = mail_of(stack, at_utrecht, MessageType.TERMINATION)
    assert f"tot en met: {long_date(date.fromisoformat(today), Language.NL)}" in termination.text


def test_a_first_standstill_runs_three_months_and_a_settlement_or_closure_ends_it(
    anna: Agency, vanhove: Office
) -> None:
    dossier_id = registered(anna, new_person())
    sent = notify(anna, dossier_id, "vanhove")
    today = today_at(Country.BE)
    assert date.fromisoformat(sent["standstill_ends_on"]) > today + timedelta(days=85)
    closed = anna.post(f"/dossiers/{dossier_id}/closure", {"reason": "geen schulden"})
    assert closed.status_code == 200, closed.text
    view = anna.get(f"/dossiers/{dossier_id}").json()
    assert (view["state"], view["standstill_ends_on"]) == ("closed", today.isoformat())


# --- 8. a closure after notices terminates with the offices, once ---------------------------------------


def test_a_closure_after_notices_terminates_with_the_offices_once(
    stack: RunningStack,
    anna: Agency,
    olga: Client,
    vanhove: Office,
    webhook_office: WebhookOffice,
) -> None:
    dossier_id = registered(anna, new_person())
    notify(anna, dossier_id, "vanhove", webhook_office.office_id)

    closed = anna.post(f"/dossiers/{dossier_id}/closure", {"reason": "schuldenvrij"})

    assert closed.status_code == 200, closed.text
    today = today_at(Country.BE).isoformat()
    # at once, not a retention period later: each office has the termination, with why and when
    termination = vanhove.message(dossier_id, "termination")
    assert termination["agency_name"] == "OCMW Gent"
    assert termination["body"] == {
        "reason": "schuldenvrij",
        "standstill_ends_on": today,
        "office_references": [],  # the office never answered, so it has no references of its own
    }
    assert hooked(webhook_office, dossier_id, MessageType.TERMINATION)["standstill_ends_on"] == today
    mail = mail_of(stack, dossier_id, MessageType.TERMINATION)
    assert "schuldenvrij" not in mail.text  # the reason is behind the link, as every message's body
    assert "schuldenvrij" in requests.get(mail.link, timeout=10).text
    view = anna.get(f"/dossiers/{dossier_id}").json()
    assert [m["type"] for m in view["messages"]].count("termination") == 2
    assert view["standstill_ends_on"] == today

    # the retention period ends: the dossier is erased, and nobody is told a second time
    retention_ends(stack, dossier_id, closed_at(closed.json()))
    receipt = wait_for(lambda: receipt_of(olga, dossier_id), timeout_s=30)
    assert receipt, "the closed dossier was not erased"
    assert wait_for(lambda: not pumps_busy(stack), timeout_s=30)  # whatever the erasure queued is done
    assert terminations_to(stack, dossier_id) == []
    assert webhook_office.bodies(dossier_id, "dossier.terminated") == []
    assert receipt["offices_told"] == 2  # both know the debt help ended: told at the closure


# --- 9. a transfer ---------------------------------------------------------------------------------------


def whole_feed(agency: Agency) -> tuple[list[dict[str, Any]], int]:
    """Every item of the agency's feed (all pages) and its unread count."""
    url = agency.base.replace("/consent", "/notifications") + "/feed"
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        page = agency.session.get(
            url, params={"limit": 200} | ({"cursor": cursor} if cursor else {}), timeout=15
        )
        assert page.status_code == 200, page.text
        body = page.json()
        items += body["items"]
        cursor = body.get("next_cursor")
        if not cursor:
            return items, int(body["unread"])


def kinds_of(agency: Agency, dossier_id: str) -> set[str]:
    return {i["kind"] for i in whole_feed(agency)[0] if i["dossier_id"] == dossier_id}


def counted_right(agency: Agency) -> bool:
    items, unread = whole_feed(agency)
    return unread == sum(1 for i in items if not i["read"])


def test_a_transfer_keeps_the_senders_name_and_moves_the_feed(
    stack: RunningStack, anna: Agency, sanne: Agency, olga: Client, vanhove: Office
) -> None:
    dossier_id = registered(anna, new_person())
    notice = notify(anna, dossier_id, "vanhove")["messages"][0]
    acked = vanhove.reply(dossier_id, notice["message_id"], {"type": "notice_ack"})
    assert acked.status_code == 201, acked.text
    assert wait_for(lambda: {"dossier_registered", "reply_received"} <= kinds_of(anna, dossier_id))
    asked = anna.claims(f"/dossiers/{dossier_id}/status-requests", {"office_ids": ["vanhove"]})
    assert asked.status_code == 201, asked.text

    moved = olga.post(f"/dossiers/{dossier_id}/transfer", {"to_agency_id": UTRECHT, "reason": "verhuisd"})

    assert moved.status_code == 200, moved.text
    # what Gent sent just before the move goes out, and stays, under Gent's name
    request = vanhove.message(dossier_id, "status_request")
    assert (request["agency_id"], request["agency_name"]) == (GENT, "OCMW Gent")
    mail = mail_of(stack, dossier_id, MessageType.STATUS_REQUEST)
    assert "OCMW Gent" in mail.text
    assert "Utrecht" not in mail.text
    page = requests.get(mail.link, timeout=10)
    assert "OCMW Gent" in page.text
    # the dossier's feed moved with it, and Utrecht hears of the move
    assert wait_for(lambda: "dossier_transferred" in kinds_of(sanne, dossier_id)), kinds_of(sanne, dossier_id)
    assert kinds_of(sanne, dossier_id) == {"dossier_registered", "reply_received", "dossier_transferred"}
    assert kinds_of(anna, dossier_id) == set()
    transferred = next(
        i
        for i in whole_feed(sanne)[0]
        if i["dossier_id"] == dossier_id and i["kind"] == "dossier_transferred"
    )
    assert transferred["headline"] == "Dossier transferred from OCMW Gent"
    assert not transferred["read"]
    # and each agency's unread count is its unread items
    assert counted_right(anna)
    assert counted_right(sanne)
