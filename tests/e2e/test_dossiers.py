"""The agency's side over HTTP on the local stack: register, read, list, close, withdraw, transfer,
the consent proof and its signed form, the status overview — with tenancy, roles and idempotency."""

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from respite_core import aws as aws_clients
from respite_core.store.data_keys import DataKeyDestroyed, DataKeys
from tests.e2e.conftest import RunningStack, wait_for
from tests.e2e.test_slice import ANNA, PROBLEM, SANNE, be_national_number, registration

OLGA = "olga@respite.example"  # operator
BRAM = "bram@ocmw-gent.example"  # agency admin at OCMW Gent
PDF = b"%PDF-1.7\n% signed consent form\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

_serial = iter(range(400, 999))


class Client:
    """A caseworker's (or operator's) front end."""

    def __init__(self, stack: RunningStack, username: str) -> None:
        self.base = f"{stack.base_url}/consent"
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {stack.sign_in(username)}"

    def post(self, path: str, body: Any = None, **headers: str) -> requests.Response:
        return self.session.post(
            f"{self.base}{path}", json=body if body is not None else {}, headers=headers, timeout=15
        )

    def get(self, path: str, **params: Any) -> requests.Response:
        return self.session.get(f"{self.base}{path}", params=params, timeout=15)


@pytest.fixture(scope="module")
def anna(stack: RunningStack) -> Client:
    return Client(stack, ANNA)


@pytest.fixture(scope="module")
def sanne(stack: RunningStack) -> Client:
    return Client(stack, SANNE)


@pytest.fixture(scope="module")
def olga(stack: RunningStack) -> Client:
    return Client(stack, OLGA)


def new_person(family_name: str | None = None) -> dict[str, Any]:
    serial = next(_serial)
    born = f"1971-05-{1 + serial % 28:02d}"
    return registration(be_national_number(born, serial), family_name or f"Family{serial}", born)


def register(client: Client, body: dict[str, Any] | None = None, **headers: str) -> str:
    response = client.post("/dossiers", body or new_person(), **headers)
    assert response.status_code == 201, response.text
    return str(response.json()["dossier_id"])


@pytest.fixture
def stack_env(stack: RunningStack, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This test process becomes a "function" of the running stack (to try every code path itself)."""
    for name, value in stack.environment.items():
        monkeypatch.setenv(name, value)
    aws_clients.forget_clients()
    yield
    aws_clients.forget_clients()


def access_entries(stack: RunningStack, dossier_id: str) -> list[dict[str, Any]]:
    items = stack.table_items("RESPITE_TABLE_ACCESS_LOG")
    return [i for i in items if i["PK"]["S"] == f"ACCESS#{dossier_id}"]


# --- reading ------------------------------------------------------------------------------------


def test_a_dossier_is_read_whole_and_the_read_is_logged(stack: RunningStack, anna: Client) -> None:
    body = new_person("Readable")
    dossier_id = register(anna, body)

    response = anna.get(f"/dossiers/{dossier_id}")

    assert response.status_code == 200, response.text
    dossier = response.json()
    assert dossier["person"]["family_name"] == "Readable"
    assert dossier["person"]["national_number"]["number"] == body["person"]["national_number"]["number"]
    assert dossier["consent"]["text_version"] == "v1"
    assert dossier["state"] == "registered"
    assert dossier["creditors"] == []
    assert dossier["totals"]["outstanding"] == 0
    assert dossier["pending_replies"] == []
    reads = [e for e in access_entries(stack, dossier_id) if e["action"]["S"] == "read_person"]
    assert len(reads) == 1
    assert reads[0]["purpose"]["S"] == "case_work"
    assert reads[0]["actor_agency_id"]["S"] == "ocmw-gent"
    assert "Readable" not in json.dumps(stack.table_items("RESPITE_TABLE_ACCESS_LOG"))


def test_the_purpose_of_a_read_is_logged_and_checked(stack: RunningStack, anna: Client) -> None:
    dossier_id = register(anna)
    assert anna.get(f"/dossiers/{dossier_id}", purpose="consent_proof").status_code == 200
    assert anna.get(f"/dossiers/{dossier_id}", purpose="curiosity").status_code == 422
    assert anna.get(f"/dossiers/{dossier_id}", purpose="supervision").status_code == 403  # not her role's
    purposes = [
        e["purpose"]["S"] for e in access_entries(stack, dossier_id) if e["action"]["S"] == "read_person"
    ]
    assert purposes == ["consent_proof"]


def test_the_consent_proof_names_text_hash_channel_and_who(stack: RunningStack, anna: Client) -> None:
    dossier_id = register(anna)

    proof = anna.get(f"/dossiers/{dossier_id}/consent")

    assert proof.status_code == 200
    record = proof.json()
    assert record["text_version"] == "v1"
    assert record["language"] == "nl"
    assert len(record["text_sha256"]) == 64
    assert record["channel"] == "in_person"
    assert record["captured_by"]
    assert record["withdrawn_at"] is None
    assert [
        e["purpose"]["S"] for e in access_entries(stack, dossier_id) if e["action"]["S"] == "read_consent"
    ] == ["consent_proof"]


def test_listing_pages_through_the_agencys_dossiers_newest_first(sanne: Client) -> None:
    mine = [register(sanne, {**new_person(), "agency_reference": f"LIST-{n}"}) for n in range(3)]

    seen: list[str] = []
    references: dict[str, str | None] = {}
    cursor: str | None = None
    for _ in range(50):
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = sanne.get("/dossiers", **params)
        assert page.status_code == 200, page.text
        assert len(page.json()["dossiers"]) <= 2
        seen += [d["dossier_id"] for d in page.json()["dossiers"]]
        references |= {d["dossier_id"]: d["agency_reference"] for d in page.json()["dossiers"]}
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen))  # no dossier twice
    assert [d for d in seen if d in mine] == list(reversed(mine))  # newest first
    assert [references[d] for d in mine] == ["LIST-0", "LIST-1", "LIST-2"]  # the agency's own file numbers
    assert sanne.get(f"/dossiers/{mine[0]}").json()["agency_reference"] == "LIST-0"
    assert "person" not in json.dumps(page.json())  # no personal data in lists


def test_listing_filters_by_state(anna: Client) -> None:
    open_one, closed_one = register(anna), register(anna)
    assert anna.post(f"/dossiers/{closed_one}/closure", {"reason": "plan completed"}).status_code == 200

    closed = {d["dossier_id"] for d in anna.get("/dossiers", state="closed", limit=100).json()["dossiers"]}
    registered = {
        d["dossier_id"] for d in anna.get("/dossiers", state="registered", limit=100).json()["dossiers"]
    }

    assert closed_one in closed
    assert open_one not in closed
    assert open_one in registered
    assert anna.get("/dossiers", state="dormant").status_code == 422
    assert anna.get("/dossiers", deadline_within_days=-1).status_code == 422


def test_a_cursor_of_another_agency_is_refused(anna: Client, sanne: Client) -> None:
    for _ in range(2):
        register(sanne)
    cursor = sanne.get("/dossiers", limit=1).json()["next_cursor"]
    assert cursor

    response = anna.get("/dossiers", cursor=cursor)

    assert response.status_code == 400
    assert response.headers["Content-Type"] == PROBLEM
    assert anna.get("/dossiers", cursor="not-base64!").status_code == 400


# --- tenancy and roles --------------------------------------------------------------------------


def test_another_agencys_dossier_does_not_exist_for_you(anna: Client, sanne: Client) -> None:
    dossier_id = register(anna)
    attempts = {
        "read": sanne.get(f"/dossiers/{dossier_id}"),
        "consent": sanne.get(f"/dossiers/{dossier_id}/consent"),
        "close": sanne.post(f"/dossiers/{dossier_id}/closure", {"reason": "not mine"}),
        "withdraw": sanne.post(f"/dossiers/{dossier_id}/consent/withdrawal"),
        "form-upload": sanne.post(
            f"/dossiers/{dossier_id}/consent/form-upload", {"content_type": "application/pdf"}
        ),
        "form": sanne.post(f"/dossiers/{dossier_id}/consent/form", {"upload_id": "X1"}),
    }
    unknown = sanne.get(f"/dossiers/{uuid.uuid4().hex}")
    for name, response in attempts.items():
        assert response.status_code == 404, (name, response.text)
        assert response.headers["Content-Type"] == PROBLEM
        assert response.json()["detail"] == unknown.json()["detail"]  # indistinguishable from absent
    # and nothing happened to it
    assert anna.get(f"/dossiers/{dossier_id}").json()["state"] == "registered"


def test_a_caseworker_cannot_transfer_and_an_operator_cannot_read(stack: RunningStack, anna: Client) -> None:
    dossier_id = register(anna)
    refused = anna.post(
        f"/dossiers/{dossier_id}/transfer", {"to_agency_id": "shv-utrecht", "reason": "moved"}
    )
    assert refused.status_code == 403
    assert (
        Client(stack, BRAM)
        .post(f"/dossiers/{dossier_id}/transfer", {"to_agency_id": "shv-utrecht", "reason": "x"})
        .status_code
        == 403
    )
    assert (
        Client(stack, OLGA).get(f"/dossiers/{dossier_id}").status_code == 403
    )  # operators see no personal data


def test_an_operator_transfers_and_the_old_agency_loses_access_at_once(
    stack: RunningStack, anna: Client, sanne: Client, olga: Client
) -> None:
    dossier_id = register(anna)

    moved = olga.post(
        f"/dossiers/{dossier_id}/transfer", {"to_agency_id": "shv-utrecht", "reason": "moved to Utrecht"}
    )

    assert moved.status_code == 200, moved.text
    assert moved.json() == {
        "dossier_id": dossier_id,
        "from_agency_id": "ocmw-gent",
        "to_agency_id": "shv-utrecht",
    }
    assert anna.get(f"/dossiers/{dossier_id}").status_code == 404
    seen = sanne.get(f"/dossiers/{dossier_id}")
    assert seen.status_code == 200
    assert seen.json()["transferred"]["reason"] == "moved to Utrecht"  # kept sealed, shown to the new agency
    assert dossier_id in {d["dossier_id"] for d in sanne.get("/dossiers", limit=100).json()["dossiers"]}
    transfers = [e for e in access_entries(stack, dossier_id) if e["action"]["S"] == "transferred"]
    assert [e["detail"]["S"] for e in transfers] == ["from:ocmw-gent to:shv-utrecht"]


def test_a_transfer_to_an_agency_that_has_the_person_already_is_refused(
    anna: Client, sanne: Client, olga: Client
) -> None:
    person = new_person()
    at_gent, at_utrecht = register(anna, person), register(sanne, person)

    response = olga.post(f"/dossiers/{at_gent}/transfer", {"to_agency_id": "shv-utrecht", "reason": "moved"})

    assert response.status_code == 409
    assert anna.get(f"/dossiers/{at_gent}").status_code == 200  # nothing moved
    assert sanne.get(f"/dossiers/{at_utrecht}").status_code == 200
    assert (
        olga.post(f"/dossiers/{at_gent}/transfer", {"to_agency_id": "nowhere", "reason": "x"}).status_code
        == 422
    )
    assert (
        olga.post(f"/dossiers/{at_gent}/transfer", {"to_agency_id": "ocmw-gent", "reason": "x"}).status_code
        == 422
    )


# --- closing and withdrawing --------------------------------------------------------------------


def test_closing_starts_the_retention_clock(stack: RunningStack, anna: Client) -> None:
    dossier_id = register(anna)

    closed = anna.post(f"/dossiers/{dossier_id}/closure", {"reason": "plan completed"})

    assert closed.status_code == 200, closed.text
    body = closed.json()
    assert body["state"] == "closed"
    from datetime import datetime, timedelta

    retention = datetime.fromisoformat(body["retention_ends_at"]) - datetime.fromisoformat(body["closed_at"])
    assert retention == timedelta(days=30)
    assert anna.post(f"/dossiers/{dossier_id}/closure", {"reason": "again"}).status_code == 409
    assert anna.post(f"/dossiers/{dossier_id}/closure", {}).status_code == 422  # a reason is required
    assert [e["action"]["S"] for e in access_entries(stack, dossier_id)].count("closed") == 1


@pytest.mark.usefixtures("stack_env")
def test_after_withdrawal_no_code_path_can_decrypt_the_person(stack: RunningStack, anna: Client) -> None:
    dossier_id = register(anna, new_person("Withdrawing"))
    assert anna.get(f"/dossiers/{dossier_id}").status_code == 200

    withdrawn = anna.post(f"/dossiers/{dossier_id}/consent/withdrawal")

    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["state"] == "withdrawn"
    gone = anna.get(f"/dossiers/{dossier_id}")
    assert gone.status_code in (404, 410)  # 410 while the retention service erases it, then 404
    assert gone.headers["Content-Type"] == PROBLEM
    # the key store holds no key for it, so nothing can ask KMS to unwrap one ...
    assert all(i["PK"]["S"] != f"KEY#{dossier_id}" for i in stack.table_items("RESPITE_TABLE_KEY_STORE"))
    with pytest.raises(DataKeyDestroyed):
        DataKeys().open(dossier_id)
    # ... whatever sealed copy is left holds nothing readable, and the retention service erases it
    sealed = [
        i for i in stack.table_items("RESPITE_TABLE_DOSSIERS") if i["PK"]["S"] == f"DOSSIER#{dossier_id}"
    ]
    assert "Withdrawing" not in json.dumps(sealed)
    assert wait_for(lambda: anna.get(f"/dossiers/{dossier_id}").status_code == 404, timeout_s=30)
    assert anna.get(f"/dossiers/{dossier_id}/consent").status_code == 404
    assert anna.post(f"/dossiers/{dossier_id}/consent/withdrawal").status_code == 404  # nothing to withdraw


def stream_images(stack: RunningStack, dossier_id: str) -> list[dict[str, Any]]:
    """The dossier's META changes as the table stream carries them to consumers."""
    dynamodb, streams = stack.aws("dynamodb"), stack.aws("dynamodbstreams")
    table = stack.environment["RESPITE_TABLE_DOSSIERS"]
    arn = dynamodb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    records = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        start = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )
        position: str | None = start["ShardIterator"]
        while position:
            page = streams.get_records(ShardIterator=position, Limit=1000)
            for record in page["Records"]:
                keys = record["dynamodb"]["Keys"]
                if keys["PK"]["S"] == f"DOSSIER#{dossier_id}" and keys["SK"]["S"] == "META":
                    records.append(record)
            position = page.get("NextShardIterator") if page["Records"] else None
    return records


def test_withdrawal_puts_the_erasure_event_on_the_stream(stack: RunningStack, anna: Client) -> None:
    """The retention service erases on the dossier's change to `withdrawn`, which the stream carries."""
    dossier_id = register(anna, new_person("Streamed"))

    assert anna.post(f"/dossiers/{dossier_id}/consent/withdrawal").status_code == 200

    changes = [r for r in stream_images(stack, dossier_id) if r["eventName"] == "MODIFY"]
    assert [r["dynamodb"]["NewImage"]["state"]["S"] for r in changes] == ["withdrawn"]
    assert changes[0]["dynamodb"]["OldImage"]["state"]["S"] == "registered"
    assert "Streamed" not in json.dumps(changes, default=str)


# --- idempotency --------------------------------------------------------------------------------


def test_a_retried_registration_registers_once(stack: RunningStack, anna: Client) -> None:
    body, key = new_person(), uuid.uuid4().hex

    first = anna.post("/dossiers", body, **{"Idempotency-Key": key})
    retry = anna.post("/dossiers", body, **{"Idempotency-Key": key})

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    dossier_id = first.json()["dossier_id"]
    metas = [i for i in stack.table_items("RESPITE_TABLE_DOSSIERS") if i["SK"]["S"] == "META"]
    assert [i["dossier_id"]["S"] for i in metas].count(dossier_id) == 1
    other = anna.post("/dossiers", new_person(), **{"Idempotency-Key": key})
    assert other.status_code == 422  # the same key for another request
    assert other.headers["Content-Type"] == PROBLEM
    assert anna.post("/dossiers", new_person(), **{"Idempotency-Key": "x" * 256}).status_code == 400


def test_a_retried_withdrawal_answers_as_the_first(anna: Client) -> None:
    dossier_id, key = register(anna), uuid.uuid4().hex
    first = anna.post(f"/dossiers/{dossier_id}/consent/withdrawal", **{"Idempotency-Key": key})
    retry = anna.post(f"/dossiers/{dossier_id}/consent/withdrawal", **{"Idempotency-Key": key})
    assert first.status_code == 200
    # the answer is replayed until the erasure (which takes the stored answer with it) has run
    assert (retry.status_code, retry.json()) == (200, first.json()) or retry.status_code == 404


# --- the signed consent form ----------------------------------------------------------------------


def upload(client: Client, dossier_id: str, content: bytes, declared: str = "application/pdf") -> str:
    grant = client.post(f"/dossiers/{dossier_id}/consent/form-upload", {"content_type": declared})
    assert grant.status_code == 201, grant.text
    form = grant.json()
    posted = requests.post(
        form["url"], data=form["fields"], files={"file": ("form", content, declared)}, timeout=15
    )
    assert posted.status_code in (200, 201, 204), posted.text
    return str(form["upload_id"])


def download(client: Client, dossier_id: str, document_id: str) -> requests.Response:
    """A document as the caseworker's front end gets it: a link from the API, then S3 itself."""
    link = client.get(f"/dossiers/{dossier_id}/documents/{document_id}")
    assert link.status_code == 200, link.text
    return requests.get(link.json()["download_url"], timeout=30)


def objects_of(stack: RunningStack, dossier_id: str) -> dict[str, bytes]:
    """Every object of the document bucket whose key names the dossier, with its bytes."""
    s3, bucket = stack.aws("s3"), stack.environment["RESPITE_BUCKET_DOCUMENTS"]
    listed = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    found = {}
    for key in (k for k in listed if dossier_id in k):
        try:
            found[key] = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        except s3.exceptions.NoSuchKey:
            continue  # deleted between the listing and the read (an erasure's clean pass runs meanwhile)
    return found


@pytest.mark.usefixtures("stack_env")
def test_a_signed_form_is_added_to_the_consent_evidence_sealed_with_the_dossiers_key(
    stack: RunningStack, anna: Client
) -> None:
    import hashlib

    from respite_core.store import documents

    dossier_id = register(anna)
    upload_id = upload(anna, dossier_id, PDF)
    assert list(objects_of(stack, dossier_id)) == [f"incoming/{dossier_id}/consent-form/{upload_id}"]

    confirmed = anna.post(f"/dossiers/{dossier_id}/consent/form", {"upload_id": upload_id})

    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert anna.get(f"/dossiers/{dossier_id}/consent").json()["signed_form"]["size_bytes"] == len(PDF)
    key = f"dossiers/{dossier_id}/consent-form/{upload_id}"
    stored = objects_of(stack, dossier_id)
    assert list(stored) == [key]  # sealed into place; the upload is gone
    assert b"signed consent form" not in stored[key]
    assert documents.read_sealed(key, DataKeys().open(dossier_id))[1] == PDF

    assert anna.post(f"/dossiers/{dossier_id}/consent/withdrawal").status_code == 200
    with pytest.raises(DataKeyDestroyed):
        DataKeys().open(dossier_id)
    assert wait_for(lambda: not objects_of(stack, dossier_id), timeout_s=30)


def test_an_upload_used_after_the_erasure_stays_apart_and_its_confirmation_removes_it(
    stack: RunningStack, anna: Client
) -> None:
    """The form was issued before the withdrawal, the file sent after the erasure: S3 takes it (the
    form is still valid), but only into the incoming prefix, and confirming it deletes it."""
    dossier_id = register(anna)
    grant = anna.post(f"/dossiers/{dossier_id}/consent/form-upload", {"content_type": "application/pdf"})
    assert grant.status_code == 201, grant.text
    form = grant.json()
    assert anna.post(f"/dossiers/{dossier_id}/consent/withdrawal").status_code == 200
    assert wait_for(lambda: anna.get(f"/dossiers/{dossier_id}").status_code == 404, timeout_s=30)

    posted = requests.post(
        form["url"], data=form["fields"], files={"file": ("form", PDF, "application/pdf")}, timeout=15
    )

    assert posted.status_code == 204, posted.text
    assert list(objects_of(stack, dossier_id)) == [f"incoming/{dossier_id}/consent-form/{form['upload_id']}"]
    confirmed = anna.post(f"/dossiers/{dossier_id}/consent/form", {"upload_id": form["upload_id"]})
    assert confirmed.status_code == 404
    assert confirmed.headers["Content-Type"] == PROBLEM
    assert objects_of(stack, dossier_id) == {}


def test_a_form_whose_content_is_not_its_type_is_refused_and_deleted(
    stack: RunningStack, anna: Client
) -> None:
    dossier_id = register(anna)
    upload_id = upload(anna, dossier_id, PNG, declared="application/pdf")

    refused = anna.post(f"/dossiers/{dossier_id}/consent/form", {"upload_id": upload_id})

    assert refused.status_code == 422
    s3 = stack.aws("s3")
    keys = [
        o["Key"]
        for o in s3.list_objects_v2(Bucket=stack.environment["RESPITE_BUCKET_DOCUMENTS"]).get("Contents", [])
    ]
    assert not any(upload_id in k for k in keys)
    assert anna.get(f"/dossiers/{dossier_id}/consent").json()["signed_form"] is None
    assert (
        anna.post(f"/dossiers/{dossier_id}/consent/form-upload", {"content_type": "text/html"}).status_code
        == 422
    )
    assert (
        anna.post(f"/dossiers/{dossier_id}/consent/form", {"upload_id": "NEVERUPLOADED"}).status_code == 422
    )


# --- the overview ---------------------------------------------------------------------------------


def test_the_overview_counts_the_agencys_dossiers_by_state(anna: Client, sanne: Client) -> None:
    overview = anna.get("/overview").json()
    before = overview["dossiers_by_state"]
    closing = register(anna)
    register(anna)
    anna.post(f"/dossiers/{closing}/closure", {"reason": "done"})

    after = anna.get("/overview")

    assert after.status_code == 200
    counts = after.json()["dossiers_by_state"]
    assert counts["registered"] == before["registered"] + 1
    assert counts["closed"] == before["closed"] + 1
    # registering and closing receive no claims (other tests on the same stack may have)
    assert after.json()["claims_received_since"] == overview["claims_received_since"]
    assert after.json()["agency_id"] == "ocmw-gent"
    assert sanne.get("/overview").json()["agency_id"] == "shv-utrecht"


# --- bad input ------------------------------------------------------------------------------------


def test_an_oversized_body_is_refused_and_writes_nothing(stack: RunningStack, anna: Client) -> None:
    """Over the WAF's body limit on a route that takes no files: the WAF's 403 (WAF_FILTERED), before
    API Gateway or the app (which would answer 413 past its own 256 KB limit)."""
    body = new_person()
    body["agency_reference"] = "A" * 300_000
    before = len(stack.table_items("RESPITE_TABLE_DOSSIERS"))

    response = anna.post("/dossiers", body)

    assert response.status_code == 403
    assert response.headers["Content-Type"] == PROBLEM
    assert len(stack.table_items("RESPITE_TABLE_DOSSIERS")) == before


FRONT_END = "https://app.respite.test"  # one of the origins api_definition.json allows (make api-definition)


def test_a_browser_front_end_of_an_allowed_origin_may_call_and_read_the_answers(stack: RunningStack) -> None:
    preflight = requests.options(
        f"{stack.base_url}/consent/dossiers",
        headers={
            "Origin": FRONT_END,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
        timeout=10,
    )
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == FRONT_END
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]

    token = stack.sign_in(ANNA)
    listing = requests.get(
        f"{stack.base_url}/consent/dossiers",
        headers={"Authorization": f"Bearer {token}", "Origin": FRONT_END},
        timeout=10,
    )
    assert listing.status_code == 200
    assert listing.headers["Access-Control-Allow-Origin"] == FRONT_END
    refused = requests.get(
        f"{stack.base_url}/consent/dossiers/no-such-dossier",
        headers={"Authorization": f"Bearer {token}", "Origin": FRONT_END},
        timeout=10,
    )
    assert refused.status_code == 404  # an error a front end can read too
    assert refused.headers["Access-Control-Allow-Origin"] == FRONT_END

    stranger = requests.get(
        f"{stack.base_url}/consent/dossiers",
        headers={"Authorization": f"Bearer {token}", "Origin": "https://evil.example"},
        timeout=10,
    )
    assert "Access-Control-Allow-Origin" not in stranger.headers
