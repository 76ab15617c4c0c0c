"""`GET /claims/dossiers/{id}/proposals?kind=...`: the plan a proposal would send, computed by the same
calculation, with nothing stored or sent.

In-process (the consent and claims APIs as API Gateway invokes them, against moto), as
`test_withdrawn_dossier.py`: the preview's figures are compared with what `POST .../proposals` then
stores for the same body, as the negotiation reads it back.
"""

from typing import Any
from urllib.parse import urlencode

import pytest

from respite_core.resources import TableName
from tests.e2e.test_slice import EXAMPLE
from tests.faults.conftest import CASEWORKER, Stage, stage_env
from tests.faults.harness import message_for, scan

__all__ = ["stage_env"]  # the fixture this module uses

CLAIMS = {
    "vanhove": [
        {"office_reference": "VH/1", "principal_creditor": "Stad Gent", "principal": 120_001},
        {
            "office_reference": "VH/2",
            "principal_creditor": "FOD Financiën",
            "creditor_class": "preferential",
            "principal": 45_677,
            "costs": 990,
        },
    ],
    "lambert": [{"office_reference": "L-77", "principal_creditor": "SWDE", "principal": 81_243}],
}


def answered_dossier(stage: Stage) -> str:
    """A dossier whose two offices answered its notices with claims of both classes."""
    apis = stage.apis
    dossier_id = str(apis.ok("POST", "/consent/dossiers", EXAMPLE)["dossier_id"])
    apis.ok("POST", f"/claims/dossiers/{dossier_id}/notices", {"office_ids": list(CLAIMS)})
    for office_id, claims in CLAIMS.items():
        notice = message_for(stage, office_id, dossier_id, "notice")
        path = f"/claims/dossiers/{dossier_id}/messages/{notice}/replies"
        apis.ok("POST", path, {"type": "notice_ack", "claims": claims}, claims=stage.offices[office_id])
    return dossier_id


def previewed(
    stage: Stage, dossier_id: str, figures: dict[str, Any], claims: dict[str, str] = CASEWORKER
) -> tuple[int, Any]:
    """The preview of a proposal with these figures (the proposal's body, as the query)."""
    return stage.apis.call(
        "GET", f"/claims/dossiers/{dossier_id}/proposals?{urlencode(figures)}", claims=claims
    )


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "instalments", "monthly_capacity": 4_321},  # does not cover everything: pro rata per class
        {"kind": "instalments", "monthly_capacity": 900_000},  # covers everything
        {"kind": "buy_out", "percentage_bp": 3_333},
    ],
)
def test_the_preview_is_what_the_proposal_then_stores_and_it_stores_nothing(
    stage_env: Stage, body: dict[str, Any]
) -> None:
    apis = stage_env.apis
    dossier_id = answered_dossier(stage_env)
    before = scan(stage_env, TableName.DOSSIERS)

    status, preview = previewed(stage_env, dossier_id, body)

    assert status == 200, preview
    assert scan(stage_env, TableName.DOSSIERS) == before  # nothing stored, nothing sent
    apis.ok("POST", f"/claims/dossiers/{dossier_id}/proposals", body)
    stored = apis.ok("GET", f"/claims/dossiers/{dossier_id}/negotiation")
    assert preview["parts"] == stored["parts"]
    assert (preview["total_offered"], preview["total_outstanding"]) == (
        stored["total_offered"],
        stored["total_outstanding"],
    )
    for office_id in CLAIMS:  # and each office's message carries its part of the preview
        proposal = message_for(stage_env, office_id, dossier_id, "proposal")
        inbox = apis.ok("GET", "/claims/inbox", claims=stage_env.offices[office_id])
        carried = next(m["body"] for m in inbox["messages"] if m["message_id"] == proposal)
        part = next(p for p in preview["parts"] if p["office_id"] == office_id)
        assert (carried["offered"], carried.get("monthly")) == (part["offered"], part["monthly"])


def test_the_preview_splits_per_class_to_the_cent(stage_env: Stage) -> None:
    dossier_id = answered_dossier(stage_env)
    body = {"kind": "instalments", "monthly_capacity": 4_321}

    status, preview = previewed(stage_env, dossier_id, body)
    assert status == 200, preview

    assert preview["months"] == 36
    classes = {c["creditor_class"]: c for c in preview["classes"]}
    assert set(classes) == {"preferential", "ordinary"}
    assert classes["preferential"]["outstanding"] == 45_677 + 990
    assert sum(c["offered"] for c in classes.values()) == preview["total_offered"] == 4_321 * 36
    for month in range(36):  # every month the capacity, split over the classes and over the offices
        assert sum(c["monthly"][month] for c in classes.values()) == 4_321
        assert sum(p["monthly"][month] for p in preview["parts"]) == 4_321
    assert preview["vtlb_required"] == []


def test_the_preview_is_refused_as_the_proposal_is(stage_env: Stage) -> None:
    apis = stage_env.apis
    dossier_id = str(apis.ok("POST", "/consent/dossiers", EXAMPLE)["dossier_id"])
    body = {"kind": "instalments", "monthly_capacity": 10_000}

    status, problem = previewed(stage_env, dossier_id, body)  # no claims yet: no plan
    assert (status, problem["type"]) == (422, "https://respite.example/problems/no-plan")
    status, problem = previewed(stage_env, dossier_id, {"kind": "instalments", "monthly_capacity": "1,5"})
    assert (status, problem["type"]) == (422, "https://respite.example/problems/validation")
    status, _ = previewed(stage_env, f"{dossier_id}x", body)
    assert status == 404
    for office in stage_env.offices.values():  # an office's system may not preview
        status, _ = previewed(stage_env, dossier_id, body, claims=office)
        assert status in (401, 403)
    apis.ok("POST", f"/consent/dossiers/{dossier_id}/consent/withdrawal")
    status, problem = previewed(stage_env, dossier_id, body)
    assert (status, problem["type"]) == (410, "https://respite.example/problems/erased")
