"""Documents people upload (signed consent forms, budget calculations, attachments) in the
document bucket: presigned uploads that only take the declared type and size, encrypted with KMS,
and an inspection that checks what really arrived before anyone relies on it."""

import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from respite_core import aws
from respite_core.resources import BucketName, locate
from respite_core.store.data_keys import DataKey

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
# What a browser may post inline, in the form itself, through API Gateway to Lambda: Lambda takes at
# most 6 MB per synchronous request (API Gateway itself 10 MB), and a binary body reaches it in
# base64 (4/3 larger), so a form with a 4 MB file fits and one with 5 MB does not. Larger files go
# to S3 directly (`presigned_upload`).
MAX_INLINE_BYTES = 4 * 1024 * 1024
UPLOAD_EXPIRES = timedelta(minutes=15)


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
    """`dossiers/<dossier_id>/<kind>/<upload_id>`: every object of a dossier under one prefix (erasure)."""
    return "/".join(("dossiers", *parts))


_DOCUMENT_ID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")  # a ULID, as `new_id` makes them


def reply_document_key(dossier_id: str, message_id: str, document_id: str) -> str:
    """Where a document an office sends with its reply to `message_id` lives (inline or uploaded)."""
    return document_key(dossier_id, "replies", message_id, document_id)


def is_document_id(text: str) -> bool:
    return bool(_DOCUMENT_ID.fullmatch(text))


def presigned_upload(
    key: str,
    content_type: DocumentType | None,
    expires: timedelta = UPLOAD_EXPIRES,
    *,
    redirect: str | None = None,
) -> dict[str, Any]:
    """A one-time browser/curl POST: only this type, 1 byte to MAX_DOCUMENT_BYTES, encrypted with KMS.

    `content_type` None: the form chooses it (a `Content-Type` select; `inspect` checks the file
    against it afterwards). `redirect`: where S3 sends the browser after the upload (303, with
    `key` and `bucket` added to the query), so a plain HTML form works without JavaScript."""
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
        Key=key,
        Fields=fields,
        Conditions=conditions,
        ExpiresIn=int(expires.total_seconds()),
    )
    return {"url": post["url"], "fields": {name: str(value) for name, value in post["fields"].items()}}


DOWNLOAD_EXPIRES = timedelta(minutes=5)


def presigned_download(
    key: str, filename: str, content_type: str, expires: timedelta = DOWNLOAD_EXPIRES
) -> str:
    """A short-lived GET of one document, saved under `filename` (whoever may see the dossier view
    may fetch its documents; the link expires before it is worth sharing)."""
    safe = "".join(c if c.isalnum() or c in "._- " else "_" for c in filename).strip() or "document"
    url: str = aws.s3().generate_presigned_url(
        "get_object",
        Params={
            "Bucket": locate(BucketName.DOCUMENTS),
            "Key": key,
            "ResponseContentType": content_type,
            "ResponseContentDisposition": f'attachment; filename="{safe}"',
        },
        ExpiresIn=int(expires.total_seconds()),
    )
    return url


def inspect(key: str, allowed: frozenset[DocumentType] = frozenset(DocumentType)) -> Document:
    """What was uploaded at `key`: its size, declared type and a matching file signature, or
    InvalidDocument (and the object is gone)."""
    s3, bucket = aws.s3(), locate(BucketName.DOCUMENTS)
    try:
        head = s3.head_object(Bucket=bucket, Key=key)
    except s3.exceptions.ClientError:
        raise InvalidDocument("nothing was uploaded for this upload id") from None
    try:
        declared = DocumentType(head.get("ContentType", ""))
        if declared not in allowed:
            raise InvalidDocument(f"a {declared.value} is not accepted here")
        if head["ContentLength"] > MAX_DOCUMENT_BYTES:
            raise InvalidDocument("the file is larger than 5 MB")
        data = s3.get_object(Bucket=bucket, Key=key)["Body"].read(MAX_DOCUMENT_BYTES + 1)
        if not data.startswith(_SIGNATURES[declared]):
            raise InvalidDocument("the file's content does not match its type")
    except ValueError as error:  # InvalidDocument, or a content type we do not know
        s3.delete_object(Bucket=bucket, Key=key)
        raise InvalidDocument(
            str(error) if isinstance(error, InvalidDocument) else "type not accepted"
        ) from None
    return Document(
        key=key, content_type=declared, size_bytes=len(data), sha256=hashlib.sha256(data).hexdigest()
    )


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


def store(key: str, content_type: str, data: bytes) -> Document:
    """Check `data` (see `check`) and put it at `key`, encrypted with KMS (server-side upload)."""
    declared = check(content_type, data)
    aws.s3().put_object(
        Bucket=locate(BucketName.DOCUMENTS),
        Key=key,
        Body=data,
        ContentType=declared.value,
        ServerSideEncryption="aws:kms",
    )
    return Document(
        key=key, content_type=declared, size_bytes=len(data), sha256=hashlib.sha256(data).hexdigest()
    )


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


def delete(key: str) -> None:
    aws.s3().delete_object(Bucket=locate(BucketName.DOCUMENTS), Key=key)
