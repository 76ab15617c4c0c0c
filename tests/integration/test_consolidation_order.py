"""Consolidations of one dossier side by side (Lambda scales out on the queue): the one that read the
claims before another office's claims arrived must not write its older totals over the newer ones.
The interleaving is played step by step on the in-process stage (moto): read, another reply and its
whole consolidation, then the first one's write."""

import json
from typing import Any

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from respite_claims.consumers import consolidation
from respite_claims.totals_store import TotalsStore
from respite_core import table_keys
from respite_core.resources import TableName
from respite_core.store.table import Table
from respite_core.totals import totals_of
from tests.e2e.test_slice import EXAMPLE
from tests.faults.conftest import Stage, stage_env
from tests.faults.harness import scan

__all__ = ["stage_env"]  # the fixture this module uses

INTAKE_FIELDS = ("dossier_id", "agency_id", "intake_id", "received", "received_at")


def reply_with_a_claim(stage: Stage, dossier_id: str, office_id: str, notice_id: str, principal: int) -> None:
    claim = {"office_reference": f"{office_id}/1", "principal_creditor": "Stad Gent", "principal": principal}
    stage.apis.ok(
        "POST",
        f"/claims/dossiers/{dossier_id}/messages/{notice_id}/replies",
        {"type": "notice_ack", "claims": [claim]},
        stage.offices[office_id],
    )


def intake_message(stage: Stage, dossier_id: str, seen: set[str]) -> SQSRecord:
    """The consolidation's message for the one intake of the dossier not in `seen` (what the
    dossier-events consumer sends)."""
    [(sk, item)] = [
        (k[1], i)
        for k, i in scan(stage, TableName.DOSSIERS).items()
        if k[0] == table_keys.dossier(dossier_id) and k[1].startswith("INTAKE#") and k[1] not in seen
    ]
    seen.add(sk)
    change = {k: str(v.get("S") or v.get("N")) for k, v in item.items() if k in INTAKE_FIELDS}
    return SQSRecord({"body": json.dumps(change), "messageId": sk})


def outstanding(dossier_id: str) -> Any:
    meta = Table(TableName.DOSSIERS).get(table_keys.dossier(dossier_id), table_keys.DOSSIER_META)
    assert meta is not None
    return meta.get("total_outstanding")


def test_a_consolidation_that_read_older_claims_does_not_write_over_newer_totals(stage_env: Stage) -> None:
    apis = stage_env.apis
    dossier_id = str(apis.ok("POST", "/consent/dossiers", EXAMPLE)["dossier_id"])
    sent = apis.ok("POST", f"/claims/dossiers/{dossier_id}/notices", {"office_ids": ["vanhove", "lambert"]})
    notice = {m["office_id"]: m["message_id"] for m in sent["messages"]}
    seen: set[str] = set()

    reply_with_a_claim(stage_env, dossier_id, "vanhove", notice["vanhove"], 12_000)
    first = intake_message(stage_env, dossier_id, seen)
    # the first consolidation reads: one claim, at the version its intake counted
    store = TotalsStore()
    read_version = store.claims_version(dossier_id)
    read_amounts = store.claim_amounts(dossier_id)
    assert read_amounts is not None
    assert len(read_amounts) == 1

    # meanwhile Lambert's claim arrives and its consolidation runs whole
    reply_with_a_claim(stage_env, dossier_id, "lambert", notice["lambert"], 30_000)
    assert store.claims_version(dossier_id) == read_version + 1
    consolidation.on_message(intake_message(stage_env, dossier_id, seen))
    assert outstanding(dossier_id) == 42_000

    # the first one writes last: refused, the newer totals stay
    assert store.save(dossier_id, totals_of(read_amounts), read_version) is False
    assert outstanding(dossier_id) == 42_000
    # and its message, redelivered, reads the claims as they are now
    consolidation.on_message(first)
    assert outstanding(dossier_id) == 42_000
