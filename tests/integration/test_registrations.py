"""The person's registration — the keyed hash of their national number, naming their dossier at an
agency — lives in the key store only (issue 13, "The lookup pseudonym's residual minimised").

The pseudonym key outlives every erasure, so a registration in the dossier table's stream (24 h)
or its backups (35 days) would tell, with a national number, who was in debt help long after the
erasure. In the key store (no stream, a one-day backup window) it is written with the dossier, moved
by a transfer, read by the lookup and deleted by the erasure. In process, against moto: the APIs as
API Gateway invokes them (`tests/faults/conftest.py`) and the erasure cascade's own functions.
"""

import json
from typing import Any

from respite_core import aws as aws_clients
from respite_core.erasure import ErasureReason
from respite_core.ids import utc_now
from respite_core.resources import TableName
from respite_core.store.directory import Directory
from respite_core.store.registrations import Registrations, person_key
from respite_retention.cascade import erase, find
from respite_retention.erasure import ErasureRequest, ItemKey, registration_pointer
from respite_retention.store import ErasureStore
from tests.e2e.test_slice import EXAMPLE, PROBLEM
from tests.faults.conftest import Stage, stage_env
from tests.faults.harness import scan
from tests.integration.test_erased_dossier import OPERATOR, UTRECHT, stream_images

__all__ = ["stage_env"]  # the fixture this module uses

NUMBER = EXAMPLE["person"]["national_number"]  # BE 85.07.30-033.28
COMPACT = "85073003328"


def registrations(stage: Stage, person: str) -> dict[str, str]:
    """The person's registrations in the key store: agency key → dossier id."""
    return {
        key[1]: str(item["dossier_id"]["S"])
        for key, item in scan(stage, TableName.KEY_STORE).items()
        if key[0] == person
    }


def pointer_of(stage: Stage, dossier_id: str) -> str | None:
    pointer = f"REGISTERED#{dossier_id}"
    item = scan(stage, TableName.KEY_STORE).get((pointer, pointer))
    return None if item is None else str(item["person_key"]["S"])


def dossier_table_copies(stage: Stage) -> str:
    """Every item of the dossier table and every record its stream carried, as text."""
    items = list(scan(stage, TableName.DOSSIERS).values())
    return json.dumps([items, stream_images(stage, TableName.DOSSIERS)], default=str)


def agencies_found(stage: Stage) -> list[str]:
    answer = stage.apis.ok("POST", "/claims/lookup", {"national_number": NUMBER}, stage.offices["vanhove"])
    assert answer["in_debt_help"] is bool(answer["agencies"])
    return sorted(a["name"] for a in answer["agencies"])


def name_of(agency_id: str) -> str:
    agency = Directory().agency(agency_id)
    assert agency is not None
    return agency.name


def test_the_registration_is_in_the_key_store_and_nowhere_in_the_dossier_table_or_its_stream(
    stage_env: Stage,
) -> None:
    dossier_id = str(stage_env.apis.ok("POST", "/consent/dossiers", EXAMPLE)["dossier_id"])

    person = person_key("BE", COMPACT)
    assert registrations(stage_env, person) == {"AGENCY#ocmw-gent": dossier_id}
    assert pointer_of(stage_env, dossier_id) == person
    copies = dossier_table_copies(stage_env)
    assert dossier_id in copies  # the search finds what is there: the dossier's own items
    for form in (person, person.removeprefix("PERSON#"), "PERSON#", COMPACT, NUMBER["number"]):
        assert form not in copies, form
    # and the key store has no stream: no record of its changes is kept anywhere
    described = aws_clients.dynamodb().describe_table(TableName=stage_env.table(TableName.KEY_STORE))
    assert not described["Table"].get("StreamSpecification", {}).get("StreamEnabled", False)


def test_a_second_registration_at_the_same_agency_is_refused_and_writes_nothing(stage_env: Stage) -> None:
    apis = stage_env.apis
    first = str(apis.ok("POST", "/consent/dossiers", EXAMPLE)["dossier_id"])
    before = {table: scan(stage_env, table) for table in (TableName.DOSSIERS, TableName.KEY_STORE)}

    status, headers, problem = apis.raw("POST", "/consent/dossiers", EXAMPLE)

    assert status == 409, problem
    assert headers["Content-Type"].startswith(PROBLEM)
    assert problem["dossier_id"] == first
    assert {table: scan(stage_env, table) for table in before} == before
    # at another agency the same person may have a dossier: a registration of its own
    at_utrecht = str(apis.ok("POST", "/consent/dossiers", EXAMPLE, UTRECHT)["dossier_id"])
    assert registrations(stage_env, person_key("BE", COMPACT)) == {
        "AGENCY#ocmw-gent": first,
        "AGENCY#shv-utrecht": at_utrecht,
    }


def test_a_registration_racing_another_is_refused_by_the_registration_items_condition(
    stage_env: Stage,
) -> None:
    """The check before the transaction passed; a concurrent registration of the same person at the
    same agency lands before it commits: the transaction's condition refuses it, nothing is written."""
    person, client = person_key("BE", COMPACT), aws_clients.dynamodb()
    raced: list[str] = []

    def concurrent_registration(**_: Any) -> None:
        if not raced:
            raced.append("D-CONCURRENT")
            client.transact_write_items(
                TransactItems=Registrations().register_ops(person, "ocmw-gent", "D-CONCURRENT")  # type: ignore[arg-type]
            )

    client.meta.events.register("before-call.dynamodb.TransactWriteItems", concurrent_registration)
    try:
        status, _, problem = stage_env.apis.raw("POST", "/consent/dossiers", EXAMPLE)
    finally:
        client.meta.events.unregister("before-call.dynamodb.TransactWriteItems", concurrent_registration)

    assert raced == ["D-CONCURRENT"]
    assert status == 409, problem
    assert problem["dossier_id"] == "D-CONCURRENT"
    assert registrations(stage_env, person) == {"AGENCY#ocmw-gent": "D-CONCURRENT"}
    assert not [key for key in scan(stage_env, TableName.DOSSIERS) if key[0].startswith("DOSSIER#")]


def test_a_transfer_moves_the_registration_and_the_lookup_follows_it(stage_env: Stage) -> None:
    apis = stage_env.apis
    dossier_id = str(apis.ok("POST", "/consent/dossiers", EXAMPLE)["dossier_id"])
    assert agencies_found(stage_env) == [name_of("ocmw-gent")]

    apis.ok(
        "POST",
        f"/consent/dossiers/{dossier_id}/transfer",
        {"to_agency_id": "shv-utrecht", "reason": "moved to Utrecht"},
        OPERATOR,
    )

    person = person_key("BE", COMPACT)
    assert registrations(stage_env, person) == {"AGENCY#shv-utrecht": dossier_id}
    assert pointer_of(stage_env, dossier_id) == person  # the person is the same
    assert agencies_found(stage_env) == [name_of("shv-utrecht")]
    # Gent can register the person anew; the lookup then finds both
    apis.ok("POST", "/consent/dossiers", EXAMPLE)
    assert agencies_found(stage_env) == sorted([name_of("ocmw-gent"), name_of("shv-utrecht")])
    assert person not in dossier_table_copies(stage_env)


def test_erasure_deletes_the_registration_and_its_pointer_and_the_receipt_counts_them(
    stage_env: Stage,
) -> None:
    apis = stage_env.apis
    dossier_id = str(apis.ok("POST", "/consent/dossiers", EXAMPLE)["dossier_id"])
    at_utrecht = str(apis.ok("POST", "/consent/dossiers", EXAMPLE, UTRECHT)["dossier_id"])
    apis.ok("POST", f"/consent/dossiers/{dossier_id}/consent/withdrawal")
    request = ErasureRequest(dossier_id, "ocmw-gent", ErasureReason.CONSENT_WITHDRAWN, utc_now())
    person = person_key("BE", COMPACT)
    found = find(request, ErasureStore())
    assert ItemKey(TableName.KEY_STORE, person, "AGENCY#ocmw-gent") in found.elsewhere
    assert registration_pointer(dossier_id) in found.partition

    receipt = erase(request)

    assert receipt.complete
    assert receipt.items == len(found.partition) + len(found.elsewhere)
    assert registrations(stage_env, person) == {"AGENCY#shv-utrecht": at_utrecht}  # another dossier's
    assert pointer_of(stage_env, dossier_id) is None
    assert all(dossier_id not in key[0] for key in scan(stage_env, TableName.KEY_STORE))
    assert agencies_found(stage_env) == [name_of("shv-utrecht")]
