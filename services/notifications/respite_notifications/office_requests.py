"""Data access: one request of a dossier as its office may see it (for its email and its link page).

One Query of the dossier's partition gives the dossier, the request, its reply if any, the office's
own claims and the reply's attachments; the dossier's data key opens the person and the messages.
A request that is not addressed to the office is None, the same as one that does not exist.
"""

from dataclasses import dataclass, field
from datetime import datetime

from respite_core import table_keys
from respite_core.access_log import Action, Purpose, office_entry
from respite_core.domain import Agency, Claim, DebtorIdentity, Dossier, Message, Office
from respite_core.resources import TableName
from respite_core.store.access_log import AccessLog
from respite_core.store.data_keys import DataKey, DataKeys
from respite_core.store.directory import Directory
from respite_core.store.dossier_items import claim_from_item, message_from_item
from respite_core.store.dossier_partition import DossierItems
from respite_core.store.table import Table


@dataclass(frozen=True)
class Attachment:
    document_id: str
    content_type: str
    size_bytes: int


@dataclass(frozen=True)
class OfficeRequest:
    dossier: Dossier
    request: Message
    agency: Agency
    office: Office
    person: DebtorIdentity = field(repr=False)
    reply: Message | None = None
    claims: tuple[Claim, ...] = field(default=(), repr=False)  # the office's own claims in the dossier
    attachments: tuple[Attachment, ...] = ()  # documents the office attached to its reply


class OfficeRequests:
    def __init__(self) -> None:
        self._dossiers = Table(TableName.DOSSIERS)
        self._keys = DataKeys()
        self._directory = Directory()

    def read(self, dossier_id: str, message_id: str, office_id: str) -> OfficeRequest | None:
        """The request for this office, or None. Raises DataKeyDestroyed once the dossier is erased."""
        items = DossierItems(self._dossiers.query_partition(table_keys.dossier(dossier_id)))
        dossier, raw_request = items.dossier, items.message_item(message_id)
        if dossier is None or raw_request is None or raw_request.get("receiver") != office_id:
            return None
        # the agency that sent the request: a dossier moved since keeps its messages' senders
        agency = self._directory.agency(str(raw_request.get("sender") or dossier.agency_id))
        office = self._directory.office(office_id)
        if agency is None or office is None:
            return None
        key = self._keys.open(dossier_id)
        raw_reply = items.reply_item(message_id)
        reply = message_from_item(raw_reply, key) if raw_reply is not None else None
        claims = tuple(claim_from_item(i, key) for i in items.claim_items if i.get("office_id") == office_id)
        return OfficeRequest(
            dossier=dossier,
            request=message_from_item(raw_request, key),
            agency=agency,
            office=office,
            person=items.person(key),
            reply=reply,
            claims=claims,
            attachments=_attachments(items, reply.message_id) if reply else (),
        )

    def data_key(self, dossier_id: str) -> DataKey:
        """The dossier's data key (DataKeyDestroyed once it is erased): it opens its documents."""
        return self._keys.open(dossier_id)

    def log_read(self, request: OfficeRequest, at: datetime, detail: str | None = None) -> None:
        """The office read the person (or, `detail`, a document) through its link: logged like a read
        of its inbox. Behind the fence: DataKeyDestroyed (nothing logged, so nothing may be shown)
        once the dossier is erased."""
        office_id = request.office.office_id
        AccessLog().append(
            office_entry(
                office_id,
                f"link:{office_id}",
                request.dossier.dossier_id,
                Action.READ_BY_OFFICE,
                Purpose.CREDITOR_EXCHANGE,
                at=at,
                detail=detail or request.request.message_id,
            )
        )


def _attachments(items: DossierItems, reply_id: str) -> tuple[Attachment, ...]:
    prefix = table_keys.attachment(reply_id, "")
    return tuple(
        Attachment(str(i["document_id"]), str(i["content_type"]), int(i["size_bytes"]))
        for i in items.attachment_items
        if str(i["SK"]).startswith(prefix)
    )
