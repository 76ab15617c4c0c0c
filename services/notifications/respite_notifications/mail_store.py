"""Where inbound mail is read (the raw MIME SES stored) and where what is kept of it goes: into its
dossier's partition, `SK = MAIL#<SES message id>` — a linked reply (entity `mail`) or a quarantined
one (entity `quarantined_mail`, with its reason) — its text, the headers worth keeping and the
attachments' names sealed with the dossier's data key, the attachments themselves sealed under
`dossiers/<dossier_id>/mail/<SES message id>/<n>`, the item written through the liveness fence.
So erasure, which deletes the partition and the dossier's objects, deletes every kept mail with it,
and nothing is kept of a mail once its dossier is erased.

The raw MIME is deleted as soon as the mail is processed (`forget_raw`); only a failure that SES
retries leaves it, and then the bucket's lifecycle (7 days) is the residual."""

import json
from datetime import datetime
from typing import Any

from respite_core import aws, table_keys
from respite_core.ids import to_iso
from respite_core.resources import BucketName, TableName, locate
from respite_core.store import documents
from respite_core.store.data_keys import DataKey, DataKeyDestroyed, DataKeys
from respite_core.store.fence import write_about
from respite_core.store.items import ENTITY, Entity
from respite_core.store.reference_tokens import TokenGrant
from respite_core.store.table import Table, TransactionConflict
from respite_notifications.inbound import InboundMail, Refusal

RAW_PREFIX = "inbound/"  # where the SES receipt rule's S3 action puts each mail, under its message id
MAIL_PREFIX = "MAIL#"  # the sort key of every kept mail, linked or quarantined (erasure relies on it)


def mail_sk(ses_message_id: str) -> str:
    return MAIL_PREFIX + ses_message_id


def sealed_field(ses_message_id: str) -> str:
    """The field a kept mail's contents are sealed under (the dossier view opens it)."""
    return f"mail:{ses_message_id}"


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

    def kept(self, dossier_id: str, ses_message_id: str) -> bool:
        """Whether this SES message was kept in the dossier before (a redelivery)."""
        return (
            Table(TableName.DOSSIERS).get(table_keys.dossier(dossier_id), mail_sk(ses_message_id)) is not None
        )

    def data_key(self, grant: TokenGrant) -> DataKey:
        """The key of the dossier the mail is for; DataKeyDestroyed once it is erased."""
        return DataKeys().open(grant.dossier_id)

    def keep(
        self,
        grant: TokenGrant,
        data_key: DataKey,
        mail: InboundMail | None,
        ses_message_id: str,
        received_at: datetime,
        refusal: Refusal | None = None,
    ) -> bool:
        """The mail in its dossier, once: linked, or quarantined for `refusal` (`mail` None: nothing
        of it could be read). False when this SES message was kept before. DataKeyDestroyed, and
        nothing kept, when the dossier was erased meanwhile (the fence refuses the write)."""
        item = self._item(grant, ses_message_id, received_at, refusal)
        stored: list[documents.Document] = []
        try:
            if mail is not None:
                keep_attachments = refusal is not Refusal.VIRUS  # nothing of an infected mail's files
                stored = self._attachments(grant.dossier_id, ses_message_id, mail, data_key, keep_attachments)
                item |= self._contents(mail, ses_message_id, data_key, stored, keep_attachments)
            write_about(grant.dossier_id, [Table(TableName.DOSSIERS).put_op(item, unless_exists=True)])
        except DataKeyDestroyed:
            # the erasure may have listed the dossier's objects before these were put: take them back
            for document in stored:
                documents.delete(document.key)
            raise
        except TransactionConflict:
            return False  # kept before: SES delivered it again
        return True

    def _item(
        self, grant: TokenGrant, ses_message_id: str, received_at: datetime, refusal: Refusal | None
    ) -> dict[str, Any]:
        item: dict[str, Any] = {
            "PK": table_keys.dossier(grant.dossier_id),
            "SK": mail_sk(ses_message_id),
            ENTITY: Entity.MAIL if refusal is None else Entity.QUARANTINED_MAIL,
            "dossier_id": grant.dossier_id,
            "in_reply_to": grant.message_id,
            "office_id": grant.office_id,
            "agency_id": self._agency_of(grant.dossier_id),
            "received_at": to_iso(received_at),
        }
        return item if refusal is None else item | {"reason": refusal.value}

    def _attachments(
        self, dossier_id: str, ses_message_id: str, mail: InboundMail, data_key: DataKey, keep: bool
    ) -> list[documents.Document]:
        if not keep:
            return []
        return [
            documents.store_sealed(
                documents.document_key(dossier_id, "mail", ses_message_id, str(n)),
                documents.check(a.content_type, a.data),
                a.data,
                data_key,
            )
            for n, a in enumerate(mail.attachments)
        ]

    def _contents(
        self,
        mail: InboundMail,
        ses_message_id: str,
        data_key: DataKey,
        stored: list[documents.Document],
        kept_attachments: bool,
    ) -> dict[str, Any]:
        opened = {
            "sender": mail.sender,  # a stranger's address, in a quarantined mail: sealed like the rest
            "sent_at": mail.sent_at,
            "subject": mail.subject,
            "body": mail.body,
            "attachment_names": [a.filename for a in mail.attachments] if kept_attachments else [],
        }
        refused = [
            {"content_type": r.content_type, "size_bytes": r.size_bytes, "reason": r.reason}
            for r in mail.refused
        ]
        if not kept_attachments:
            refused += [
                {"content_type": a.content_type, "size_bytes": len(a.data), "reason": Refusal.VIRUS.value}
                for a in mail.attachments
            ]
        return {
            "sealed": data_key.seal(sealed_field(ses_message_id), json.dumps(opened)),
            "attachments": [
                {
                    "key": d.key,
                    "content_type": d.content_type.value,
                    "size_bytes": d.size_bytes,
                    "sha256": d.sha256,
                }
                for d in stored
            ],
            "refused_attachments": refused,
        }

    def _agency_of(self, dossier_id: str) -> str:
        meta = Table(TableName.DOSSIERS).get(table_keys.dossier(dossier_id), table_keys.DOSSIER_META)
        return str(meta["agency_id"]) if meta else ""
