"""Nothing about an erased dossier is written, logged, or kept in clear (issue 13, "Erasure leaves nothing").

In process, against moto: the consent, claims and notifications APIs as API Gateway invokes them
(`tests/faults/conftest.py`), and the consumers' own functions. The erasure destroys the dossier's
data key first and only then searches for what to delete; the tests destroy the key and leave
every item in place, which is that window held open: whatever is written in it would outlive the
erasure. Every write path must write nothing then, every read must log nothing, and no free text
a person typed about the dossier is in any item or stream record in clear.
"""

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from respite_claims.consumers import consolidation
from respite_claims.totals_store import TotalsStore
from respite_core import table_keys
from respite_core.access_log import Action, Purpose, office_entry
from respite_core.domain import MessageType
from respite_core.erasure import ErasureReason
from respite_core.ids import utc_now
from respite_core.resources import TableName, UserPoolName, env_var
from respite_core.store import idempotency_records, reference_tokens
from respite_core.store.access_log import AccessLog
from respite_core.store.data_keys import DataKeyDestroyed, DataKeys
from respite_core.store.directory import Directory
from respite_core.totals import totals_of
from respite_infra.local.gateway import authorizer_claims
from respite_infra.local.identity import create_caseworker_pool
from respite_notifications.deliveries import OfficeDelivery
from respite_notifications.email import sender as email_sender
from respite_notifications.feed import FeedItem, FeedKind
from respite_notifications.store import FeedStore
from respite_notifications.webhooks import service as webhooks
from respite_notifications.webhooks.signing import signature_headers
from respite_notifications.webhooks.store import EventKind, Job, WebhookStore
from respite_retention.cascade import erase
from respite_retention.erasure import ErasureRequest
from tests.e2e.test_slice import EXAMPLE
from tests.faults.conftest import CASEWORKER, Stage, stage_env
from tests.faults.harness import scan

__all__ = ["stage_env"]  # the fixture this module uses

# every table that holds items about a dossier
ABOUT_DOSSIERS = (
    TableName.DOSSIERS,
    TableName.ACCESS_LOG,
    TableName.FEED,
    TableName.DELIVERIES,
    TableName.IDEMPOTENCY,
)
OPERATOR = authorizer_claims(
    {"sub": "olga", "token_use": "id", "custom:agency_id": "respite", "custom:role": "operator"}
)
UTRECHT = authorizer_claims(
    {"sub": "sanne", "token_use": "id", "custom:agency_id": "shv-utrecht", "custom:role": "caseworker"}
)
WEBHOOK_URL = "https://hooks.vanhove.example/respite"


def state(stage: Stage) -> dict[TableName, Any]:
    """Every item of the tables about dossiers, but the lookups' rate counters and unmatched lookups
    (about an office: they name no dossier)."""
    return {
        table: {
            key: item
            for key, item in scan(stage, table).items()
            if not key[0].startswith(("rate#", "LOOKUPS#"))
        }
        for table in ABOUT_DOSSIERS
    }


def notified(stage: Stage) -> tuple[str, str]:
    """A registered dossier with a notice to vanhove: its id and the notice's."""
    apis = stage.apis
    dossier_id = str(apis.ok("POST", "/consent/dossiers", EXAMPLE)["dossier_id"])
    sent = apis.ok("POST", f"/claims/dossiers/{dossier_id}/notices", {"office_ids": ["vanhove"]})
    return dossier_id, str(sent["messages"][0]["message_id"])


def access_entries(stage: Stage, dossier_id: str) -> list[dict[str, Any]]:
    return [
        item for key, item in scan(stage, TableName.ACCESS_LOG).items() if key[0] == f"ACCESS#{dossier_id}"
    ]


def action_of(item: dict[str, Any]) -> str:
    return str(item["action"]["S"])


def delivery_of(dossier_id: str, message_id: str) -> OfficeDelivery:
    return OfficeDelivery(
        dossier_id=dossier_id,
        message_id=message_id,
        office_id="vanhove",
        agency_id="ocmw-gent",
        message_type=MessageType.NOTICE,
        created_at=utc_now(),
    )


def with_webhook_endpoint(office_id: str) -> None:
    directory = Directory()
    office = directory.office(office_id)
    assert office is not None
    directory.put_office(type(office).model_validate(office.model_dump() | {"webhook_url": WEBHOOK_URL}))


# --- writes --------------------------------------------------------------------------------------------


def test_once_the_data_key_is_destroyed_no_write_path_writes_anything(stage_env: Stage) -> None:
    apis, vanhove = stage_env.apis, stage_env.offices["vanhove"]
    dossier_id, notice_id = notified(stage_env)
    token = reference_tokens.issue(dossier_id, notice_id, "vanhove", utc_now())
    secret = Directory().add_webhook_secret("vanhove", utc_now()).secret
    with_webhook_endpoint("vanhove")
    webhooks.deliver(delivery_of(dossier_id, notice_id))  # a delivery, its attempts to come
    webhook_record = WebhookStore().delivery("vanhove", f"msg_{notice_id}")
    assert webhook_record is not None
    DataKeys().destroy(dossier_id)  # the erasure's first step; every item is still there
    before = state(stage_env)

    # the agency's side, each with an Idempotency-Key (its record would name the dossier)
    agency_calls: list[tuple[str, str, Any, dict[str, str]]] = [
        ("POST", f"/consent/dossiers/{dossier_id}/closure", {"reason": "plan completed"}, {}),
        (
            "POST",
            f"/consent/dossiers/{dossier_id}/transfer",
            {"to_agency_id": "shv-utrecht", "reason": "moved"},
            OPERATOR,
        ),
        ("POST", f"/claims/dossiers/{dossier_id}/notices", {"office_ids": ["lambert"]}, {}),
        ("POST", f"/claims/dossiers/{dossier_id}/status-requests", {}, {}),
        ("POST", f"/claims/dossiers/{dossier_id}/termination", {"reason": "stopped"}, {}),
    ]
    for n, (method, path, body, claims) in enumerate(agency_calls):
        status, _, problem = apis.raw(method, path, body, claims or CASEWORKER, {"idempotency-key": f"k{n}"})
        assert status == 410, (path, status, problem)
        assert problem["type"] == "https://respite.example/problems/erased"

    # the office's side: by API, by CSV, by signed callback, by its link; its inbox and a lookup
    base = f"/claims/dossiers/{dossier_id}/messages/{notice_id}"
    status, _, _ = apis.raw(
        "POST", f"{base}/replies", {"type": "notice_ack"}, vanhove, {"idempotency-key": "r1"}
    )
    assert status == 410
    status, _, _ = apis.raw("POST", f"{base}/acknowledgement", None, vanhove)
    assert status == 410
    csv = b"office_reference;principal_creditor;principal\nVH-1;Stad Gent;100,00\n"
    status, _, _ = apis.send("POST", f"{base}/claims.csv", {"content-type": "text/csv"}, csv, vanhove)
    assert status == 410
    body = json.dumps({"type": "notice_ack"})
    signed = signature_headers("msg_late_callback", body, [secret], at=datetime.now(UTC))
    headers = {"content-type": "application/json", **signed}
    status, _, _ = apis.send(
        "POST", f"/claims/callbacks/{dossier_id}/{notice_id}", headers, body.encode(), None
    )
    assert status == 404  # not yet known to be the office: it learns nothing
    form = f"type=notice_ack&message_id={notice_id}".encode()
    form_headers = {"content-type": "application/x-www-form-urlencoded"}
    status, _, _ = apis.send("POST", f"/claims/replies/by-token/{token}", form_headers, form, None)
    assert status == 410
    status, _, _ = apis.send("GET", f"/notifications/r/{token}", {}, None, None)
    assert status == 410
    inbox = apis.ok("GET", "/claims/inbox", claims=vanhove)
    assert notice_id not in {m["message_id"] for m in inbox["messages"]}
    looked_up = apis.ok(
        "POST", "/claims/lookup", {"national_number": EXAMPLE["person"]["national_number"]}, vanhove
    )
    assert looked_up["in_debt_help"] is False

    # the consumers: feed, webhooks, email, reference tokens, totals, the access log, idempotency
    feed_item = FeedItem(
        item_id=f"late~{dossier_id}",
        agency_id="ocmw-gent",
        kind=FeedKind.REPLY_RECEIVED,
        dossier_id=dossier_id,
        happened_at=utc_now(),
    )
    assert FeedStore().add(feed_item) is False
    store, job = WebhookStore(), Job(webhook_id=f"msg_{notice_id}", office_id="vanhove", attempt=1)
    store.record_attempt(job, webhook_record, at=utc_now(), outcome="http_503", status_code=503, ms=12)
    store.add_event(EventKind.DELIVERY_FAILED, webhook_record, at=utc_now())
    late = webhook_record | {"webhook_id": "msg_late", "message_id": "late"}
    assert store.create(late, utc_now()) is False
    assert webhooks.attempt(job) == "cancelled"  # nothing left to tell the office about
    email_sender.deliver(delivery_of(dossier_id, notice_id))  # no email, no record, no token, no retry
    with pytest.raises(DataKeyDestroyed):
        reference_tokens.issue(dossier_id, notice_id, "lambert", utc_now())
    with pytest.raises(DataKeyDestroyed):
        TotalsStore().receipt("ocmw-gent", dossier_id, "late-intake", 1, utc_now())
    change = {
        "dossier_id": dossier_id,
        "agency_id": "ocmw-gent",
        "intake_id": "late",
        "received": 1,
        "received_at": utc_now().isoformat(),
    }
    consolidation.on_message(SQSRecord({"body": json.dumps(change), "messageId": "m1"}))  # acked
    with pytest.raises(DataKeyDestroyed):
        AccessLog().append(
            office_entry(
                "vanhove", "c", dossier_id, Action.READ_BY_OFFICE, Purpose.CREDITOR_EXCHANGE, at=utc_now()
            )
        )
    with pytest.raises(DataKeyDestroyed):
        idempotency_records.remember(dossier_id, "http#late")

    after = state(stage_env)
    delivery_key = (table_keys.webhooks("vanhove"), f"DELIVERY#msg_{notice_id}")
    # the one change: the delivery already there is settled as cancelled (an update, no new item)
    assert after[TableName.DELIVERIES].pop(delivery_key)["status"] == {"S": "cancelled"}
    before[TableName.DELIVERIES].pop(delivery_key)
    assert after == before


def test_consolidation_after_the_key_is_destroyed_writes_no_receipt(stage_env: Stage) -> None:
    dossier_id, _ = notified(stage_env)
    amounts = TotalsStore().claim_amounts(dossier_id)
    assert amounts is not None
    assert totals_of(amounts).claims == 0
    DataKeys().destroy(dossier_id)
    receipts = table_keys.claim_receipts("ocmw-gent")
    change = {
        "dossier_id": dossier_id,
        "agency_id": "ocmw-gent",
        "intake_id": "i1",
        "received": 2,
        "received_at": utc_now().isoformat(),
    }
    consolidation.on_message(SQSRecord({"body": json.dumps(change), "messageId": "m1"}))
    assert not [key for key in scan(stage_env, TableName.DOSSIERS) if key[0] == receipts]


def test_an_intake_not_yet_consolidated_goes_with_the_erasure(stage_env: Stage) -> None:
    """A reply's intake item (written with its claims) erased before its consolidation ran: nothing
    of it stays, and the consolidation that comes late writes no totals, receipt or intake back."""
    dossier_id, notice_id = notified(stage_env)
    claims = [{"office_reference": "VH/1", "principal_creditor": "Stad Gent", "principal": 12_000}]
    stage_env.apis.ok(
        "POST",
        f"/claims/dossiers/{dossier_id}/messages/{notice_id}/replies",
        {"type": "notice_ack", "claims": claims},
        stage_env.offices["vanhove"],
    )
    [intake] = [i for k, i in scan(stage_env, TableName.DOSSIERS).items() if k[1].startswith("INTAKE#")]
    assert set(intake) == {
        "PK",
        "SK",
        "entity",
        "dossier_id",
        "agency_id",
        "intake_id",
        "received",
        "received_at",
        "expires_at",
    }  # ids, a count and times: no personal data
    erase_now(stage_env, dossier_id, "ocmw-gent")
    left = state(stage_env)
    assert not [k for k in left[TableName.DOSSIERS] if k[0] == table_keys.dossier(dossier_id)]

    change = {k: str(v.get("S") or v.get("N")) for k, v in intake.items() if k in CLAIMS_INTAKE_FIELDS}
    consolidation.on_message(SQSRecord({"body": json.dumps(change), "messageId": "m1"}))
    assert state(stage_env) == left


CLAIMS_INTAKE_FIELDS = ("dossier_id", "agency_id", "intake_id", "received", "received_at")


# --- reads ---------------------------------------------------------------------------------------------


def test_a_read_after_the_key_is_destroyed_logs_nothing(stage_env: Stage) -> None:
    apis = stage_env.apis
    dossier_id, _ = notified(stage_env)
    apis.ok("GET", f"/consent/dossiers/{dossier_id}")
    logged = access_entries(stage_env, dossier_id)
    assert Action.READ_PERSON in {action_of(e) for e in logged}

    DataKeys().destroy(dossier_id)
    for path in (f"/consent/dossiers/{dossier_id}", f"/consent/dossiers/{dossier_id}/consent"):
        status, _, problem = apis.raw("GET", path)
        assert status == 410, (path, problem)
    status, _, _ = apis.raw("GET", f"/consent/dossiers/{dossier_id}", claims=UTRECHT)  # another agency's
    assert status == 404
    status, _, _ = apis.raw("GET", f"/consent/dossiers/{dossier_id}", claims=OPERATOR)
    assert status == 403

    assert access_entries(stage_env, dossier_id) == logged


def test_a_read_refused_by_tenancy_or_role_is_logged_as_refused_not_as_a_read(stage_env: Stage) -> None:
    apis = stage_env.apis
    dossier_id, _ = notified(stage_env)
    before = access_entries(stage_env, dossier_id)

    status, _, _ = apis.raw("GET", f"/consent/dossiers/{dossier_id}?purpose=case_work", claims=UTRECHT)
    assert status == 404  # as if it did not exist
    status, _, _ = apis.raw("GET", f"/consent/dossiers/{dossier_id}?purpose=supervision", claims=CASEWORKER)
    assert status == 403  # a caseworker may not claim supervision
    status, _, _ = apis.raw("GET", f"/consent/dossiers/{dossier_id}/consent", claims=UTRECHT)
    assert status == 404
    status, _, _ = apis.raw("GET", f"/consent/dossiers/{dossier_id}", claims=OPERATOR)
    assert status == 403

    new = [e for e in access_entries(stage_env, dossier_id) if e not in before]
    assert sorted(
        (action_of(e), e["actor_agency_id"]["S"], e["purpose"]["S"], e["detail"]["S"]) for e in new
    ) == [
        ("read_refused", "ocmw-gent", "supervision", "purpose"),
        ("read_refused", "respite", "case_work", "role"),
        ("read_refused", "shv-utrecht", "case_work", "tenancy"),
        ("read_refused", "shv-utrecht", "consent_proof", "tenancy"),
    ]
    status, _, _ = apis.raw("GET", f"/consent/dossiers/{uuid.uuid4().hex}", claims=UTRECHT)
    assert status == 404  # no such dossier: nothing to log, and nothing is


# --- free text ---------------------------------------------------------------------------------------


def stream_images(stage: Stage, table: TableName) -> list[dict[str, Any]]:
    """Every record of the table's stream (keys, old and new images), from the start."""
    client = stage.session.client("dynamodbstreams")
    arn = stage.session.client("dynamodb").describe_table(TableName=stage.table(table))["Table"][
        "LatestStreamArn"
    ]
    records: list[dict[str, Any]] = []
    for shard in client.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator: str | None = client.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        while iterator:
            page = client.get_records(ShardIterator=iterator, Limit=1000)
            records.extend(dict(record) for record in page["Records"])
            iterator = page.get("NextShardIterator") if page["Records"] else None
    return records


def test_free_text_about_the_dossier_is_sealed_in_its_items_and_stream_records(stage_env: Stage) -> None:
    apis, vanhove = stage_env.apis, stage_env.offices["vanhove"]
    said = {  # distinctive: found nowhere unless written in clear
        "objection": "Zyxqwobjection familie Peeters",
        "status": "Zyxqwstatus beslag loopt",
        "transfer": "Zyxqwtransfer verhuisd",
        "termination": "Zyxqwtermination gestopt",
        "closure": "Zyxqwclosure familie Peeters verhuisd",
    }
    dossier_id, notice_id = notified(stage_env)
    base = f"/claims/dossiers/{dossier_id}/messages"
    apis.ok(
        "POST", f"{base}/{notice_id}/replies", {"type": "objection", "comment": said["objection"]}, vanhove
    )
    asked = apis.ok("POST", f"/claims/dossiers/{dossier_id}/status-requests", {})["messages"][0]["message_id"]
    apis.ok("POST", f"{base}/{asked}/replies", {"type": "status_report", "comment": said["status"]}, vanhove)
    apis.ok(
        "POST",
        f"/consent/dossiers/{dossier_id}/transfer",
        {"to_agency_id": "shv-utrecht", "reason": said["transfer"]},
        OPERATOR,
    )
    apis.ok("POST", f"/claims/dossiers/{dossier_id}/termination", {"reason": said["termination"]}, UTRECHT)
    apis.ok("POST", f"/consent/dossiers/{dossier_id}/closure", {"reason": said["closure"]}, UTRECHT)

    shown = apis.ok("GET", f"/consent/dossiers/{dossier_id}", claims=UTRECHT)
    assert shown["close_reason"] == said["closure"]  # opened where it is shown

    items = [list(scan(stage_env, table).values()) for table in (TableName.DOSSIERS, TableName.ACCESS_LOG)]
    meta = erase_now(stage_env, dossier_id, "shv-utrecht")  # the REMOVE records too
    assert {r["eventName"] for r in meta} == {"MODIFY", "REMOVE"}  # among the records searched
    everything = json.dumps([items, stream_images(stage_env, TableName.DOSSIERS)], default=str)
    for what, text in said.items():
        for form in (text, text.lower(), text.split()[0]):
            assert form not in everything, what


def erase_now(stage: Stage, dossier_id: str, agency_id: str) -> list[dict[str, Any]]:
    """Run the erasure cascade; the meta item's stream records (MODIFY and REMOVE) until then."""
    erase(
        ErasureRequest(
            dossier_id=dossier_id,
            agency_id=agency_id,
            reason=ErasureReason.RETENTION_ENDED,
            requested_at=utc_now(),
        ),
    )
    return [
        r
        for r in stream_images(stage, TableName.DOSSIERS)
        if r["dynamodb"]["Keys"] == {"PK": {"S": f"DOSSIER#{dossier_id}"}, "SK": {"S": "META"}}
        and r["eventName"] in ("MODIFY", "REMOVE")
    ]


# --- idempotency and webhook records -------------------------------------------------------------------


def test_the_idempotency_table_holds_no_secret_and_a_replay_answers_consistently(stage_env: Stage) -> None:
    pool = create_caseworker_pool(
        stage_env.session.client("cognito-idp"), "fence", "http://unused", "eu-west-1"
    )
    env = {env_var(UserPoolName.CASEWORKERS): pool.pool_arn}
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        office_id = f"nieuw-{uuid.uuid4().hex[:6]}"
        office = {
            "office_id": office_id,
            "name": "Gerechtsdeurwaarders Nieuw",
            "kind": "bailiff",
            "country": "BE",
            "registration_number": "0451234595",
            "language": "nl",
            "contact_emails": ["kantoor@nieuw.example"],
        }
        key = {"idempotency-key": "register-nieuw-1"}
        status, _, created = stage_env.apis.raw("POST", "/claims/offices", {"office": office}, OPERATOR, key)
        assert status == 201, created
        secrets = (created["client_secret"], created["webhook_secret"])
        replays = [
            stage_env.apis.raw("POST", "/claims/offices", {"office": office}, OPERATOR, key) for _ in range(2)
        ]
        rotate_key = {"idempotency-key": "rotate-nieuw-1"}
        path = f"/claims/offices/{office_id}/webhook-secrets"
        status, _, rotated = stage_env.apis.raw("POST", path, None, OPERATOR, rotate_key)
        assert status == 201, rotated
        rotated_replay = stage_env.apis.raw("POST", path, None, OPERATOR, rotate_key)

    for status, headers, problem in replays:
        assert status == 409
        assert headers["Content-Type"].startswith("application/problem+json")
        assert problem["type"] == "https://respite.example/problems/secret-shown-once"
        assert (problem["office_id"], problem["client_id"]) == (office_id, created["client_id"])
        assert "client_secret" not in problem
        assert "webhook_secret" not in problem
    assert replays[0] == replays[1]
    status, _, problem = rotated_replay
    assert status == 409
    assert problem["secret_id"] == rotated["secret_id"]
    assert "webhook_secret" not in problem
    stored = json.dumps(list(scan(stage_env, TableName.IDEMPOTENCY).values()))
    assert stored.count("http#") >= 2  # the records are there ...
    for secret in (*secrets, rotated["webhook_secret"]):
        assert secret not in stored  # ... without a secret


def test_a_signed_callbacks_record_and_webhook_attempts_are_erased_with_the_dossier(stage_env: Stage) -> None:
    apis = stage_env.apis
    dossier_id, notice_id = notified(stage_env)
    secret = Directory().add_webhook_secret("vanhove", utc_now()).secret
    body = json.dumps({"type": "notice_ack"})
    signed = signature_headers("msg_callback_1", body, [secret], at=datetime.now(UTC))
    headers = {"content-type": "application/json", **signed}
    path = f"/claims/callbacks/{dossier_id}/{notice_id}"
    status, _, _ = apis.send("POST", path, headers, body.encode(), None)
    assert status == 201
    with_webhook_endpoint("vanhove")
    webhooks.deliver(delivery_of(dossier_id, notice_id))
    record = WebhookStore().delivery("vanhove", f"msg_{notice_id}")
    assert record is not None
    job = Job(webhook_id=f"msg_{notice_id}", office_id="vanhove", attempt=1)
    WebhookStore().record_attempt(job, record, at=utc_now(), outcome="http_503", status_code=503, ms=9)
    WebhookStore().add_event(EventKind.DELIVERY_FAILED, record, at=utc_now())
    assert WebhookStore().attempts("vanhove", f"msg_{notice_id}")
    assert scan(stage_env, TableName.IDEMPOTENCY)

    erase_now(stage_env, dossier_id, "ocmw-gent")

    assert scan(stage_env, TableName.IDEMPOTENCY) == {}
    left = json.dumps(list(scan(stage_env, TableName.DELIVERIES).values()))
    assert dossier_id not in left
    assert notice_id not in left
