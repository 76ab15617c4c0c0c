"""Documents against moto: sealed with the dossier's data key (no plaintext in the bucket, nothing
opens once the key is destroyed); a presigned upload lands under `incoming/` only, its confirmation
seals it into place and deletes it; a download is a plain copy under `outgoing/` that only a living
dossier gets; erasure finds the dossier's objects under all three prefixes."""

import base64
import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime

import boto3
import pytest
import requests
from cryptography.exceptions import InvalidTag

from respite_core import aws as aws_clients
from respite_core.erasure import ErasureReason
from respite_core.resources import BucketName, locate
from respite_core.store import documents
from respite_core.store.data_keys import DataKey, DataKeyDestroyed, DataKeys
from respite_core.store.documents import DocumentType, InvalidDocument
from respite_core.store.table import write_together
from respite_infra.catalogue import CATALOGUE
from respite_infra.local.provision import provision
from respite_retention.cascade import erase
from respite_retention.erasure import ErasureRequest

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
PDF = b"%PDF-1.7\n% signed by Wannes Vermeulen-Quintelier\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n Vermeulen-Quintelier"
MARKER = b"Vermeulen-Quintelier"


@pytest.fixture
def wired(aws: boto3.Session, stage: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in provision(CATALOGUE, stage, aws).items():
        monkeypatch.setenv(name, value)
    aws_clients.forget_clients()
    yield
    aws_clients.forget_clients()


def a_dossier_key(dossier_id: str) -> DataKey:
    keys = DataKeys()
    key = keys.generate(dossier_id)
    write_together([keys.store_op(key)])
    return key


def objects() -> dict[str, bytes]:
    s3, bucket = aws_clients.s3(), locate(BucketName.DOCUMENTS)
    listed = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {o["Key"]: s3.get_object(Bucket=bucket, Key=o["Key"])["Body"].read() for o in listed}


def post(form: dict[str, object], data: bytes, content_type: str = "application/pdf") -> int:
    """What a browser does with the presigned form (the file goes last)."""
    fields = dict(form["fields"])  # type: ignore[call-overload]
    files = {"file": ("form", data, content_type)}
    return requests.post(str(form["url"]), data=fields, files=files, timeout=15).status_code


@pytest.mark.usefixtures("wired")
def test_a_stored_document_is_ciphertext_that_nothing_opens_once_the_key_is_destroyed() -> None:
    key = a_dossier_key("D-SEAL")
    where = documents.document_key("D-SEAL", "consent-form", "U1")

    stored = documents.store_sealed(where, DocumentType.PDF, PDF, key)

    assert stored.sha256 == hashlib.sha256(PDF).hexdigest()
    assert documents.read_sealed(where, key) == (DocumentType.PDF, PDF)
    assert MARKER not in objects()[where]  # not even with the bucket's own KMS key
    DataKeys().destroy("D-SEAL")
    with pytest.raises(DataKeyDestroyed):
        DataKeys().open("D-SEAL")
    with pytest.raises(InvalidTag):  # a new key of the same dossier opens nothing either
        a_dossier_key("D-SEAL").open_bytes(where, objects()[where])


@pytest.mark.usefixtures("wired")
def test_a_presigned_upload_lands_in_incoming_and_its_confirmation_seals_it_into_place() -> None:
    key = a_dossier_key("D-UP")
    where = documents.document_key("D-UP", "consent-form", "U1")

    assert post(documents.presigned_upload(where, DocumentType.PDF), PDF) in (200, 201, 204)

    assert list(objects()) == ["incoming/D-UP/consent-form/U1"]
    confirmed = documents.confirm_upload(where, key)
    assert (confirmed.key, confirmed.size_bytes) == (where, len(PDF))
    assert list(objects()) == [where]  # the incoming copy is gone
    assert documents.read_sealed(where, key) == (DocumentType.PDF, PDF)
    assert MARKER not in objects()[where]


@pytest.mark.usefixtures("wired")
def test_the_upload_policy_takes_only_the_incoming_key() -> None:
    """What S3 enforces (moto does not check a POST policy): the signed policy's conditions."""
    where = documents.document_key("D-POLICY", "consent-form", "U1")

    form = documents.presigned_upload(where, DocumentType.PDF)

    policy = json.loads(base64.b64decode(form["fields"]["policy"]))
    assert {"key": "incoming/D-POLICY/consent-form/U1"} in policy["conditions"]
    assert ["content-length-range", 1, documents.MAX_DOCUMENT_BYTES] in policy["conditions"]
    assert {"Content-Type": "application/pdf"} in policy["conditions"]
    assert form["fields"]["key"] == "incoming/D-POLICY/consent-form/U1"


@pytest.mark.usefixtures("wired")
def test_an_upload_that_is_not_what_it_claims_is_deleted_and_nothing_is_sealed() -> None:
    key = a_dossier_key("D-BAD")
    where = documents.document_key("D-BAD", "consent-form", "U1")
    assert post(documents.presigned_upload(where, DocumentType.PDF), PNG) in (200, 201, 204)

    with pytest.raises(InvalidDocument, match="does not match"):
        documents.confirm_upload(where, key)
    with pytest.raises(InvalidDocument, match="nothing was uploaded"):
        documents.confirm_upload(where, key)
    assert objects() == {}


@pytest.mark.usefixtures("wired")
def test_a_download_is_a_plain_copy_under_outgoing_with_the_uploaded_bytes() -> None:
    key = a_dossier_key("D-DOWN")
    where = documents.document_key("D-DOWN", "replies", "M1", "A1")
    documents.store_sealed(where, DocumentType.PDF, PDF, key)

    url = documents.download_url(where, key, "afrekening.pdf")

    got = requests.get(url, timeout=10)
    assert got.content == PDF
    assert got.headers["Content-Type"] == "application/pdf"
    assert 'filename="afrekening.pdf"' in got.headers["Content-Disposition"]
    copies = [k for k in objects() if k != where]
    assert len(copies) == 1
    assert copies[0].startswith("outgoing/D-DOWN/")


@pytest.mark.usefixtures("wired")
def test_a_download_racing_the_erasure_leaves_no_copy() -> None:
    """The key was opened before the erasure destroyed it (and before it listed the objects): the
    copy made with it must not outlive the erasure."""
    key = a_dossier_key("D-RACE")
    where = documents.document_key("D-RACE", "replies", "M1", "A1")
    documents.store_sealed(where, DocumentType.PDF, PDF, key)
    DataKeys().destroy("D-RACE")

    with pytest.raises(DataKeyDestroyed):
        documents.download_url(where, key, "afrekening.pdf")

    assert list(objects()) == [where]  # no copy under outgoing/, and the document is ciphertext


@pytest.mark.usefixtures("wired")
def test_an_upload_after_the_erasure_is_found_by_erasing_again() -> None:
    """A form issued before the erasure, used after it: the file lands under `incoming/` only, where
    a confirmation would delete it, the lifecycle after a day, and an erasure run finds it."""
    key = a_dossier_key("D-LATE")
    documents.store_sealed(documents.document_key("D-LATE", "consent-form", "U0"), DocumentType.PDF, PDF, key)
    form = documents.presigned_upload(
        documents.document_key("D-LATE", "consent-form", "U1"), DocumentType.PDF
    )
    documents.download_url(documents.document_key("D-LATE", "consent-form", "U0"), key, "form.pdf")
    request = ErasureRequest("D-LATE", "ocmw-gent", ErasureReason.CONSENT_WITHDRAWN, NOW)
    erase(request, lambda: NOW)
    assert objects() == {}  # the document and its download copy

    assert post(form, PDF) in (200, 201, 204)

    assert list(objects()) == ["incoming/D-LATE/consent-form/U1"]
    erase(request, lambda: NOW)
    assert objects() == {}


@pytest.mark.usefixtures("wired")
def test_a_document_confirmed_before_is_found_sealed_and_an_unknown_one_is_not() -> None:
    """A budget PDF named by a second proposal: its upload is gone, the sealed document answers."""
    key = a_dossier_key("D-AGAIN")
    where = documents.document_key("D-AGAIN", "budget", "B1")
    assert documents.sealed_document(where, key) is None
    assert post(documents.presigned_upload(where, DocumentType.PDF), PDF) in (200, 201, 204)
    first = documents.confirm_upload(where, key, frozenset({DocumentType.PDF}))

    assert documents.sealed_document(where, key) == first


def test_only_a_document_key_has_an_incoming_place() -> None:
    assert documents.incoming_key("dossiers/D1/budget/B1") == "incoming/D1/budget/B1"
    with pytest.raises(ValueError, match="not a document key"):
        documents.incoming_key("outgoing/D1/x")
    assert documents.dossier_prefixes("D1") == ("dossiers/D1/", "incoming/D1/", "outgoing/D1/")
