"""Documents people upload (signed consent forms, budget calculations, attachments) in the
document bucket, every one sealed with its dossier's data key: destroying the key shreds each
document and every copy of it.

The bucket has three prefixes per dossier:

- `dossiers/<dossier_id>/...`: the documents, sealed (`store_sealed`, `read_sealed`);
- `incoming/<dossier_id>/...`: what a presigned upload put there (S3 cannot seal it), until the
  upload is confirmed (`confirm_upload`: checked, sealed into its place, deleted) — or at most a
  day (the bucket's lifecycle);
- `outgoing/<dossier_id>/<random>`: a decrypted copy for one presigned download (a presigned GET
  cannot open our seal), at most a day.

Erasure deletes all three (`dossier_prefixes`)."""

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from respite_core import aws
from respite_core.resources import BucketName, locate
from respite_core.store.data_keys import DataKey, DataKeyDestroyed, DataKeys

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
# What a browser may post inline, in the form itself, through API Gateway to Lambda: Lambda takes at
# most 6 MB per synchronous request (API Gateway itself 10 MB), and a binary body reaches it in
# base64 (4/3 larger), so a form with a 4 MB file fits and one with 5 MB does not. Larger files go
# to S3 directly (`presigned_upload`).
MAX_INLINE_BYTES = 4 * 1024 * 1024
UPLOAD_EXPIRES = timedelta(minutes=15)
DOWNLOAD_EXPIRES = timedelta(minutes=5)

DOCUMENTS_PREFIX = "dossiers/"
INCOMING_PREFIX = "incoming/"  # presigned uploads not yet confirmed (lifecycle: 1 day)
OUTGOING_PREFIX = "outgoing/"  # decrypted copies behind a presigned download (lifecycle: 1 day)


class DocumentType(StrEnum):
    PDF = "application/pdf"
    JPEG = "image/jpeg"
    PNG = "image/png"


_SIGNATURES = {
    DocumentType.PDF: b"%PDF-",
    DocumentType.PNG: b"\x89PNG\r\n\x1a\n",
    DocumentType.JPEG: b"\xff\xd8\xff",
}


class InvalidDocument(ValueError):
    """Nothing arrived, or what arrived is not what was declared; the object is deleted."""


@dataclass(frozen=True)
class Document:
    key: str
    content_type: DocumentType
    size_bytes: int
    sha256: str


def document_key(*parts: str) -> str:
    """`dossiers/<dossier_id>/<kind>/<upload_id>`: every document of a dossier under one prefix."""
    return "".join((DOCUMENTS_PREFIX, "/".join(parts)))


def incoming_key(key: str) -> str:
    """Where a presigned upload for the document `key` lands: `incoming/<dossier_id>/...`, never
    under `dossiers/` (an upload used after the erasure must not land among the documents)."""
    if not key.startswith(DOCUMENTS_PREFIX):
        raise ValueError("not a document key")
    return INCOMING_PREFIX + key.removeprefix(DOCUMENTS_PREFIX)


def outgoing_key(dossier_id: str) -> str:
    """A fresh `outgoing/<dossier_id>/<random>`: one decrypted copy for one download."""
    return f"{OUTGOING_PREFIX}{dossier_id}/{secrets.token_hex(16)}"


def dossier_prefixes(dossier_id: str) -> tuple[str, str, str]:
    """Every prefix that holds objects of the dossier: what erasure lists and deletes."""
    return (
        f"{DOCUMENTS_PREFIX}{dossier_id}/",
        f"{INCOMING_PREFIX}{dossier_id}/",
        f"{OUTGOING_PREFIX}{dossier_id}/",
    )


_DOCUMENT_ID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")  # a ULID, as `new_id` makes them


def reply_document_key(dossier_id: str, message_id: str, document_id: str) -> str:
    """Where a document an office sends with its reply to `message_id` lives (inline or uploaded)."""
    return document_key(dossier_id, "replies", message_id, document_id)


def budget_document_key(dossier_id: str, document_id: str) -> str:
    """Where the budget calculation (VTLB) PDF the agency uploaded for its proposals lives."""
    return document_key(dossier_id, "budget", document_id)


def budget_document_name(document_id: str) -> str:
    """The file name a budget PDF is downloaded under (its id's tail: no name of the person)."""
    return f"budget-calculation-{document_id[-8:].lower()}.pdf"


def is_document_id(text: str) -> bool:
    return bool(_DOCUMENT_ID.fullmatch(text))


# --- in: presigned uploads and their confirmation --------------------------------------------------


def presigned_upload(
    key: str,
    content_type: DocumentType | None,
    expires: timedelta = UPLOAD_EXPIRES,
    *,
    redirect: str | None = None,
) -> dict[str, Any]:
    """A one-time browser/curl POST of the document `key` to its incoming place (`incoming_key`):
    only this type, 1 byte to MAX_DOCUMENT_BYTES, encrypted with KMS. `confirm_upload` then seals it.

    `content_type` None: the form chooses it (a `Content-Type` select; the confirmation checks the
    file against it). `redirect`: where S3 sends the browser after the upload (303, with `key` and
    `bucket` added to the query), so a plain HTML form works without JavaScript."""
    fields = {"x-amz-server-side-encryption": "aws:kms"}
    conditions: list[Any] = [
        {"x-amz-server-side-encryption": "aws:kms"},
        ["content-length-range", 1, MAX_DOCUMENT_BYTES],
    ]
    if content_type is None:
        conditions.append(["starts-with", "$Content-Type", ""])
    else:
        fields["Content-Type"] = content_type.value
        conditions.append({"Content-Type": content_type.value})
    if redirect is not None:
        fields["success_action_redirect"] = redirect
        conditions.append({"success_action_redirect": redirect})
    post = aws.s3().generate_presigned_post(
        Bucket=locate(BucketName.DOCUMENTS),
        Key=incoming_key(key),  # boto3 adds the condition {"key": ...}: the POST cannot go elsewhere
        Fields=fields,
        Conditions=conditions,
        ExpiresIn=int(expires.total_seconds()),
    )
    return {"url": post["url"], "fields": {name: str(value) for name, value in post["fields"].items()}}


def confirm_upload(
    key: str, data_key: DataKey, allowed: frozenset[DocumentType] = frozenset(DocumentType)
) -> Document:
    """The upload for the document `key`, checked (size, declared type, file signature) and sealed
    into `key` with the dossier's data key; the incoming object is deleted either way. InvalidDocument
    when nothing arrived or what arrived is not acceptable. The caller writes the document's record
    through the liveness fence and deletes `key` when that write fails."""
    s3, bucket, incoming = aws.s3(), locate(BucketName.DOCUMENTS), incoming_key(key)
    try:
        got = s3.get_object(Bucket=bucket, Key=incoming)
    except s3.exceptions.NoSuchKey:
        raise InvalidDocument("nothing was uploaded for this upload id") from None
    try:
        data = got["Body"].read(MAX_DOCUMENT_BYTES + 1)  # one byte more tells "too large"
        declared = check(got.get("ContentType", ""), data, allowed)
        return store_sealed(key, declared, data, data_key)
    finally:
        delete(incoming)


def discard_upload(key: str) -> None:
    """Delete what a presigned upload for the document `key` left (its dossier is erased)."""
    delete(incoming_key(key))


# --- checking and sealing ----------------------------------------------------------------------


def check(
    content_type: str, data: bytes, allowed: frozenset[DocumentType] = frozenset(DocumentType)
) -> DocumentType:
    """The document type of `data` as declared, or InvalidDocument: empty, over 5 MB, a type not
    accepted here, or content whose file signature does not match the declared type."""
    try:
        declared = DocumentType(content_type.split(";", 1)[0].strip().lower())
    except ValueError:
        raise InvalidDocument("only PDF, JPEG and PNG files are accepted") from None
    if declared not in allowed:
        raise InvalidDocument(f"a {declared.value} is not accepted here")
    if not data:
        raise InvalidDocument("the file is empty")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise InvalidDocument("the file is larger than 5 MB")
    if not data.startswith(_SIGNATURES[declared]):
        raise InvalidDocument("the file's content does not match its type")
    return declared


SEALED_CONTENT_TYPE = "application/vnd.respite.sealed"  # what S3 holds; the real type is in the metadata


def store_sealed(key: str, content_type: DocumentType, data: bytes, data_key: DataKey) -> Document:
    """Put `data` at `key` sealed with the dossier's data key (checked by the caller): destroying the
    key makes it, and every copy of it, unreadable. The object's metadata names the real type."""
    aws.s3().put_object(
        Bucket=locate(BucketName.DOCUMENTS),
        Key=key,
        Body=data_key.seal_bytes(key, data),
        ContentType=SEALED_CONTENT_TYPE,
        Metadata={"document-type": content_type.value},
        ServerSideEncryption="aws:kms",
    )
    return Document(
        key=key, content_type=content_type, size_bytes=len(data), sha256=hashlib.sha256(data).hexdigest()
    )


def read_sealed(key: str, data_key: DataKey) -> tuple[DocumentType, bytes]:
    """The document at `key` opened with the dossier's data key: its type and its bytes."""
    got = aws.s3().get_object(Bucket=locate(BucketName.DOCUMENTS), Key=key)
    declared = DocumentType(got.get("Metadata", {}).get("document-type", ""))
    return declared, data_key.open_bytes(key, got["Body"].read())


def sealed_document(key: str, data_key: DataKey) -> Document | None:
    """The document already sealed at `key` (its digest, to refer to it again), or None."""
    s3 = aws.s3()
    try:
        declared, data = read_sealed(key, data_key)
    except s3.exceptions.NoSuchKey:
        return None
    return Document(
        key=key, content_type=declared, size_bytes=len(data), sha256=hashlib.sha256(data).hexdigest()
    )


# --- out: downloads ----------------------------------------------------------------------------


def download_url(key: str, data_key: DataKey, filename: str, expires: timedelta = DOWNLOAD_EXPIRES) -> str:
    """A short-lived GET of the document at `key`, saved under `filename`: opened with the dossier's
    data key, copied in plain under `outgoing/` (a presigned GET cannot open the seal) and signed for
    `expires` (the link expires before it is worth sharing). DataKeyDestroyed when the dossier is
    erased, also when the erasure ran while the copy was being made: the copy is deleted then."""
    declared, data = read_sealed(key, data_key)
    s3, bucket, copy = aws.s3(), locate(BucketName.DOCUMENTS), outgoing_key(data_key.dossier_id)
    s3.put_object(
        Bucket=bucket, Key=copy, Body=data, ContentType=declared.value, ServerSideEncryption="aws:kms"
    )
    # Erasure destroys the key, then lists the dossier's objects: a copy put before the key went is
    # listed (and deleted); one put after it is deleted here.
    if not DataKeys().exists(data_key.dossier_id):
        delete(copy)
        raise DataKeyDestroyed(data_key.dossier_id)
    safe = "".join(c if c.isalnum() or c in "._- " else "_" for c in filename).strip() or "document"
    url: str = s3.generate_presigned_url(
        "get_object",
        Params={
            "Bucket": bucket,
            "Key": copy,
            "ResponseContentType": declared.value,
            "ResponseContentDisposition": f'attachment; filename="{safe}"',
        },
        ExpiresIn=int(expires.total_seconds()),
    )
    return url


def delete(key: str) -> None:
    aws.s3().delete_object(Bucket=locate(BucketName.DOCUMENTS), Key=key)
