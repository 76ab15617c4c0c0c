"""Free text typed about a dossier is stored only sealed with the dossier's data key (issue 13, "Free
text sealed"): the closure's, the termination's and the transfer's reasons, an office's rejection,
objection (its reason also on the creditor's standstill mark) and other comments, the objection's
resolution, the agency's reconsideration comment.

Each is written through the APIs (in process, against moto), then searched for in every item of the
dossier table and the access log and in every record the dossier table's stream carried: found in
none of them in clear, and found again when the dossier's sealed values are opened with its data key
(so it is kept, sealed, not dropped). The new agency reads the transfer's reason in the dossier view.
"""

import json
from typing import Any

from respite_consent.store import DossierStore, opened_dossier
from respite_core.resources import TableName
from respite_core.store.creditor_items import objections_of
from respite_core.store.data_keys import DataKeys
from respite_core.store.dossier_items import message_from_item
from tests.e2e.test_slice import EXAMPLE
from tests.faults.conftest import Stage, stage_env
from tests.faults.harness import message_for, scan
from tests.integration.test_erased_dossier import OPERATOR, UTRECHT, stream_images

__all__ = ["stage_env"]  # the fixture this module uses

SAID = {  # distinctive: found nowhere unless written
    "office comment": "Qwzvcomment dossier Peeters gekend",
    "objection": "Qwzvobjection familie Peeters betwist",
    "objection reason": "Qwzvobjreason Peeters betaalde eerder niet",
    "objection resolution": "Qwzvresolution Peeters opdrachtgever trekt in",
    "rejection": "Qwzvrejection Peeters kan meer betalen",
    "reconsideration": "Qwzvreconsideration Jan Peeters werkloos",
    "transfer": "Qwzvtransfer Peeters verhuisd naar Utrecht",
    "termination": "Qwzvtermination Peeters stopt",
    "closure": "Qwzvclosure Peeters overleden",
}
CLAIMS = [{"office_reference": "VH/2026/1", "principal_creditor": "Stad Gent", "principal": 120_000}]


def write_every_free_text(stage: Stage) -> str:
    """A dossier through notices, replies, a proposal, a rejection, a reconsideration, a transfer, a
    termination and a closure, each carrying its free text; returns the dossier's id."""
    apis, vanhove, lambert = stage.apis, stage.offices["vanhove"], stage.offices["lambert"]
    dossier_id = str(apis.ok("POST", "/consent/dossiers", EXAMPLE)["dossier_id"])
    claims_api = f"/claims/dossiers/{dossier_id}"
    apis.ok("POST", f"{claims_api}/notices", {"office_ids": ["vanhove", "lambert"]})

    def reply(office: dict[str, str], office_id: str, kind: str, body: dict[str, Any]) -> None:
        message_id = message_for(stage, office_id, dossier_id, kind)
        apis.ok("POST", f"{claims_api}/messages/{message_id}/replies", body, office)

    reply(
        vanhove,
        "vanhove",
        "notice",
        {"type": "notice_ack", "claims": CLAIMS, "comment": SAID["office comment"]},
    )
    objection = {"type": "objection", "reason": SAID["objection reason"], "comment": SAID["objection"]}
    reply(lambert, "lambert", "notice", objection)
    resolution = {"office_id": "lambert", "resolution": SAID["objection resolution"]}
    apis.ok("POST", f"{claims_api}/objection-resolutions", resolution)
    apis.ok("POST", f"{claims_api}/proposals", {"kind": "instalments", "monthly_capacity": 25_000})
    reply(vanhove, "vanhove", "proposal", {"type": "proposal_reject", "comment": SAID["rejection"]})
    apis.ok("POST", f"{claims_api}/reconsiderations", {"comment": SAID["reconsideration"]})
    apis.ok(
        "POST",
        f"/consent/dossiers/{dossier_id}/transfer",
        {"to_agency_id": "shv-utrecht", "reason": SAID["transfer"]},
        OPERATOR,
    )
    apis.ok("POST", f"{claims_api}/termination", {"reason": SAID["termination"]}, UTRECHT)
    apis.ok("POST", f"/consent/dossiers/{dossier_id}/closure", {"reason": SAID["closure"]}, UTRECHT)
    return dossier_id


def opened_free_text(dossier_id: str) -> str:
    """Every sealed value of the dossier that may hold free text, opened with its data key."""
    partition = DossierStore().partition(dossier_id)
    assert partition is not None
    key = DataKeys().open(dossier_id)
    assert partition.transfer is not None
    opened: list[Any] = [
        opened_dossier(partition, key).close_reason,
        partition.transfer.opened(key).reason,
        *(message_from_item(item, key).body for item in partition.message_items),
        *(o.model_dump(mode="json") for o in objections_of(partition.creditor_items, key)),
    ]
    return json.dumps(opened, ensure_ascii=False)


def test_every_free_text_about_a_dossier_is_stored_only_sealed_with_its_data_key(stage_env: Stage) -> None:
    dossier_id = write_every_free_text(stage_env)

    items = [list(scan(stage_env, table).values()) for table in (TableName.DOSSIERS, TableName.ACCESS_LOG)]
    copies = json.dumps([items, stream_images(stage_env, TableName.DOSSIERS)], default=str)
    assert dossier_id in copies  # the search finds what is there in clear
    opened = opened_free_text(dossier_id)
    for what, text in SAID.items():
        for form in (text, text.lower(), text.split()[0]):
            assert form not in copies, what
        assert text in opened, what  # kept: sealed, and it opens with the dossier's key


def test_the_new_agency_reads_the_transfers_reason_and_the_access_log_has_none(stage_env: Stage) -> None:
    apis = stage_env.apis
    dossier_id = str(apis.ok("POST", "/consent/dossiers", EXAMPLE)["dossier_id"])
    before = apis.ok("GET", f"/consent/dossiers/{dossier_id}")
    assert before["transferred"] is None

    apis.ok(
        "POST",
        f"/consent/dossiers/{dossier_id}/transfer",
        {"to_agency_id": "shv-utrecht", "reason": SAID["transfer"]},
        OPERATOR,
    )

    shown = apis.ok("GET", f"/consent/dossiers/{dossier_id}", claims=UTRECHT)
    transferred = shown["transferred"]
    assert (transferred["from_agency_id"], transferred["reason"]) == ("ocmw-gent", SAID["transfer"])
    assert transferred["transferred_at"] >= before["opened_at"]
    log = [item for key, item in scan(stage_env, TableName.ACCESS_LOG).items() if dossier_id in key[0]]
    details = [item["detail"]["S"] for item in log if item["action"]["S"] == "transferred"]
    assert details == ["from:ocmw-gent to:shv-utrecht"]  # where from and to, never why
