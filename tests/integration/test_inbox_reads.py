"""An office's inbox page reads what it shows and no more: one Query of the inbox, one batch read of
the dossiers' meta, person and message items (never a dossier's claims, of which a dossier may hold
thousands), and each dossier's data key once, however many of its messages are on the page."""

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from respite_core import aws, clock, table_keys
from tests.e2e.test_dossiers import new_person
from tests.faults.conftest import Stage, stage_env

__all__ = ["stage_env"]  # the fixture this module uses


class Calls:
    """The AWS calls made on the services' own clients, by service and operation, with their params."""

    def __init__(self) -> None:
        self.made: list[tuple[str, dict[str, Any]]] = []
        for client in (aws.dynamodb(), aws.kms()):
            client.meta.events.register("provide-client-params.*.*", self._remember)

    def _remember(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        self.made.append((f"{model.service_model.service_name}:{model.name}", dict(params)))

    def count(self) -> Counter[str]:
        return Counter(name for name, _ in self.made)


@pytest.fixture
def calls(stage_env: Stage) -> Iterator[Calls]:
    recorder = Calls()
    yield recorder
    for client in (aws.dynamodb(), aws.kms()):
        client.meta.events.unregister("provide-client-params.*.*", recorder._remember)


def claims(n: int) -> list[dict[str, Any]]:
    return [
        {"office_reference": f"LB/{i}", "principal_creditor": "Stad Gent", "principal": 1_000 + i}
        for i in range(n)
    ]


def test_an_inbox_page_reads_no_claims_and_opens_each_dossiers_key_once(
    stage_env: Stage, calls: Calls
) -> None:
    apis = stage_env.apis
    dossiers = [str(apis.ok("POST", "/consent/dossiers", new_person())["dossier_id"]) for _ in range(3)]
    for dossier_id in dossiers:
        sent = apis.ok(
            "POST", f"/claims/dossiers/{dossier_id}/notices", {"office_ids": ["vanhove", "lambert"]}
        )
        lambert = next(m["message_id"] for m in sent["messages"] if m["office_id"] == "lambert")
        reply = {"type": "notice_ack", "claims": claims(50)}
        apis.ok(
            "POST",
            f"/claims/dossiers/{dossier_id}/messages/{lambert}/replies",
            reply,
            stage_env.offices["lambert"],
        )
    # a second message to vanhove in the first dossier: two of its messages on the page
    apis.ok("POST", f"/claims/dossiers/{dossiers[0]}/status-requests", {"office_ids": ["vanhove"]})

    calls.made.clear()
    page = apis.ok("GET", "/claims/inbox?limit=100", claims=stage_env.offices["vanhove"])
    shown = [m for m in page["messages"] if m["dossier_id"] in dossiers]
    assert len(shown) == 4
    made = calls.count()
    (inbox_query,) = [params for name, params in calls.made if name == "dynamodb:Query"]
    assert {"S": table_keys.inbox("vanhove")} in inbox_query["ExpressionAttributeValues"].values()
    assert made["dynamodb:BatchGetItem"] == 1  # the dossiers' meta, person and messages: no claims
    assert made["kms:Decrypt"] == len(dossiers)  # one data key a dossier, for its two messages too
    agency_reads = [p for name, p in calls.made if name == "dynamodb:GetItem" and "AGENCY#" in str(p["Key"])]
    assert len(agency_reads) == 1  # the sending agency, once a page


def test_the_inbox_says_what_is_overdue_by_the_platforms_date(stage_env: Stage) -> None:
    apis = stage_env.apis
    dossier_id = str(apis.ok("POST", "/consent/dossiers", new_person())["dossier_id"])
    apis.ok("POST", f"/claims/dossiers/{dossier_id}/notices", {"office_ids": ["vanhove"]})
    moved = clock.LocalClock(clock.real_now())
    clock.install(moved)
    try:

        def shown() -> dict[str, Any]:
            page = apis.ok("GET", "/claims/inbox?limit=100", claims=stage_env.offices["vanhove"])
            return next(m for m in page["messages"] if m["dossier_id"] == dossier_id)

        fresh = shown()
        assert (fresh["ack_overdue"], fresh["reply_overdue"]) == (False, False)
        moved.advance(timedelta(days=40))  # past both deadlines (working days), whatever today is
        late = shown()
        assert (late["ack_overdue"], late["reply_overdue"]) == (True, True)
        assert late["ack_due_on"] == fresh["ack_due_on"]
    finally:
        clock.install(None)


def test_an_acknowledged_message_waits_among_the_acknowledged_until_its_answer(stage_env: Stage) -> None:
    apis, vanhove = stage_env.apis, stage_env.offices["vanhove"]
    dossier_id = str(apis.ok("POST", "/consent/dossiers", new_person())["dossier_id"])
    sent = apis.ok("POST", f"/claims/dossiers/{dossier_id}/notices", {"office_ids": ["vanhove"]})
    notice = sent["messages"][0]["message_id"]

    def listed(query: str = "") -> dict[str, Any]:
        page = apis.ok("GET", f"/claims/inbox?limit=100{query}", claims=vanhove)
        return {m["message_id"]: m for m in page["messages"] if m["dossier_id"] == dossier_id}

    assert listed()[notice]["acknowledged_at"] is None
    first = apis.ok(
        "POST", f"/claims/dossiers/{dossier_id}/messages/{notice}/acknowledgement", claims=vanhove
    )
    again = apis.ok(
        "POST", f"/claims/dossiers/{dossier_id}/messages/{notice}/acknowledgement", claims=vanhove
    )
    assert again["acknowledged_at"] == first["acknowledged_at"]  # the first one counts
    assert listed() == {}  # the inbox of unacknowledged messages, as office systems read it
    waiting = listed("&acknowledged=true")[notice]
    assert waiting["acknowledged_at"] == first["acknowledged_at"]
    assert waiting["ack_overdue"] is False

    reply = {"type": "no_cooperation", "reason": "unknown_person"}
    apis.ok("POST", f"/claims/dossiers/{dossier_id}/messages/{notice}/replies", reply, vanhove)
    assert listed("&acknowledged=true") == {}  # answered: gone from both
