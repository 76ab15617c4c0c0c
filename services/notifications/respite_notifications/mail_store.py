"""Where inbound mail is read (the raw MIME SES stored) and where it goes: linked into its dossier
(sealed with the dossier's data key, its attachments too), or quarantined (a
record of why, with no content; the raw mail expires with the bucket's lifecycle)."""

import json
from datetime import datetime

from botocore.exceptions import ClientError

from respite_core import aws, table_keys
from respite_core.ids import to_iso
from respite_core.resources import BucketName, TableName, locate
from respite_core.store import documents
from respite_core.store.data_keys import DataKeys
from respite_core.store.items import ENTITY
from respite_core.store.reference_tokens import TokenGrant
from respite_core.store.table import Table
from respite_notifications.inbound import InboundMail

RAW_PREFIX = "inbound/"  # where the SES receipt rule's S3 action puts each mail, under its message id


class InboundStore:
    def raw(self, ses_message_id: str) -> bytes | None:
        s3 = aws.s3()
        try:
            found = s3.get_object(Bucket=locate(BucketName.INBOUND_MAIL), Key=RAW_PREFIX + ses_message_id)
        except s3.exceptions.NoSuchKey:
            return None
        return found["Body"].read()

    def forget_raw(self, ses_message_id: str) -> None:
        aws.s3().delete_object(Bucket=locate(BucketName.INBOUND_MAIL), Key=RAW_PREFIX + ses_message_id)

    def link(self, grant: TokenGrant, mail: InboundMail, ses_message_id: str, received_at: datetime) -> bool:
        """The mail in its dossier, once (False when this SES message was linked before)."""
        key = DataKeys().open(grant.dossier_id)
        stored = [
            documents.store_sealed(
                documents.document_key(grant.dossier_id, "mail", ses_message_id, str(n)),
                documents.check(a.content_type, a.data),
                a.data,
                key,
            )
            for n, a in enumerate(mail.attachments)
        ]
        opened = {
            "subject": mail.subject,
            "body": mail.body,
            "attachment_names": [a.filename for a in mail.attachments],  # may name the person: sealed
        }
        sealed = key.seal(f"mail:{ses_message_id}", json.dumps(opened))
        item = {
            "PK": table_keys.dossier(grant.dossier_id),
            "SK": f"MAIL#{ses_message_id}",
            ENTITY: "mail",
            "dossier_id": grant.dossier_id,
            "in_reply_to": grant.message_id,
            "office_id": grant.office_id,
            "agency_id": self._agency_of(grant.dossier_id),
            "received_at": to_iso(received_at),
            "sealed": sealed,
            "attachments": [
                {
                    "key": d.key,
                    "content_type": d.content_type.value,
                    "size_bytes": d.size_bytes,
                    "sha256": d.sha256,
                }
                for d in stored
            ],
            "refused_attachments": [
                {"content_type": r.content_type, "size_bytes": r.size_bytes, "reason": r.reason}
                for r in mail.refused
            ],
        }
        try:
            Table(TableName.DOSSIERS).put(item, unless_exists=True)
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def quarantine(self, ses_message_id: str, reason: str, office_id: str | None, at: datetime) -> None:
        """Why a mail was not linked; no sender, subject or body (the raw mail expires in its bucket)."""
        key = f"QUARANTINE#{ses_message_id}"
        record = {"PK": key, "SK": key, ENTITY: "quarantine", "reason": reason, "at": to_iso(at)}
        Table(TableName.DELIVERIES).put(record | ({"office_id": office_id} if office_id else {}))

    def _agency_of(self, dossier_id: str) -> str:
        meta = Table(TableName.DOSSIERS).get(table_keys.dossier(dossier_id), table_keys.DOSSIER_META)
        return str(meta["agency_id"]) if meta else ""
