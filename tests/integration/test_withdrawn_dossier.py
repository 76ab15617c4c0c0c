"""The claims API on a dossier whose consent was withdrawn: 410 problem+json, never a 500.

Found by fuzzing (`tests/e2e/test_fuzz.py`): every claims operation on such a dossier failed with a
500, because its data key is destroyed. Tested in-process (the consent and claims APIs as API Gateway
invokes them, against moto) because on the local stack the erasure consumer soon deletes the dossier
and the answer becomes a 404: here no consumer runs, so the withdrawn-but-not-yet-erased window is
the whole test.
"""

from typing import Any

from respite_core.resources import TableName
from tests.e2e.test_slice import EXAMPLE, PROBLEM
from tests.faults.conftest import Stage, stage_env
from tests.faults.harness import scan

__all__ = ["stage_env"]  # the fixture this module uses


def test_every_claims_operation_on_a_withdrawn_dossier_is_410_and_writes_nothing(stage_env: Stage) -> None:
    apis = stage_env.apis
    dossier_id = apis.ok("POST", "/consent/dossiers", EXAMPLE)["dossier_id"]
    sent = apis.ok("POST", f"/claims/dossiers/{dossier_id}/notices", {"office_ids": ["vanhove"]})
    message_id = sent["messages"][0]["message_id"]
    apis.ok("POST", f"/consent/dossiers/{dossier_id}/consent/withdrawal")
    before = scan(stage_env, TableName.DOSSIERS)

    calls: list[tuple[str, str, Any]] = [
        ("POST", "notices", {"office_ids": ["lambert"]}),
        ("POST", "balance-requests", {}),
        ("POST", "status-requests", {}),
        ("POST", "documents", {}),
        ("POST", "proposals", {"kind": "instalments", "monthly_capacity": 25_000}),
        ("POST", "reconsiderations", {}),
        ("POST", "settlement", None),
        ("POST", "termination", {"reason": "consent withdrawn"}),
        ("GET", "negotiation", None),
    ]
    for method, path, body in calls:
        status, headers, problem = apis.raw(method, f"/claims/dossiers/{dossier_id}/{path}", body)
        assert status == 410, (path, status, problem)
        assert headers["Content-Type"].startswith(PROBLEM)
        assert problem["type"] == "https://respite.example/problems/erased"

    # the office's signed callback is not yet known to come from the office: it learns nothing
    status, headers, problem = apis.raw("POST", f"/claims/callbacks/{dossier_id}/{message_id}", {})
    assert status == 404, problem
    assert headers["Content-Type"].startswith(PROBLEM)

    assert scan(stage_env, TableName.DOSSIERS) == before  # and nothing was written
