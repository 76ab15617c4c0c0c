"""An office's inbox: its unacknowledged messages, oldest first (as JSON or as CSV), the documents a
request carries, and acknowledging a message.

Each message names the person as far as the office needs to find its file (the national number
only for a public office); every fetch and download is in the dossier's access log with the office
as its reader. Each function takes the calling office and the parsed request and answers the model
the API returns, or raises the `Problem` it answers with.
"""

from datetime import date
from itertools import islice

from respite_claims import csv_intake
from respite_claims.access import office_request, the_agency
from respite_claims.models import (
    Acknowledged,
    InboxMessage,
    InboxPage,
    InboxQuery,
    PersonForOffice,
    RequestDocument,
    RequestDocumentDownload,
)
from respite_claims.sending import budget_key
from respite_claims.store import ChangedMeanwhile, ClaimsStore, DossierRecord
from respite_core import settings
from respite_core.access_log import Action, Purpose, office_entry
from respite_core.api import Problem, erased
from respite_core.domain import Agency, Message, Office
from respite_core.ids import utc_now
from respite_core.store import documents
from respite_core.store.data_keys import DataKeyDestroyed
from respite_core.store.directory import Directory
from respite_core.store.listing import InvalidCursor

INBOX_COLUMNS = (
    "message_id",
    "dossier_id",
    "type",
    "created_at",
    "reply_due_on",
    "ack_due_on",
    "agency",
    "family_name",
    "given_names",
    "birth_date",
    "street",
    "number",
    "postal_code",
    "city",
    "country",
    "national_number",
    "callback_url",
)


def inbox_page(office: Office, client_id: str, wanted: InboxQuery) -> InboxPage:
    """The office's inbox page the query asks for; each message fetched is logged and marked."""
    store, now, directory = ClaimsStore(), utc_now(), Directory()
    try:
        awaiting = store.inbox(office.office_id, wanted.cursor, acknowledged=wanted.acknowledged)
        pointers = list(islice(awaiting, wanted.limit + 1))
    except InvalidCursor as error:
        raise Problem(400, str(error), kind="invalid-cursor") from None
    page, messages = pointers[: wanted.limit], []
    agencies: dict[str, Agency] = {}
    # one batch read for the page; each dossier's data key opened once, however many of its messages
    records = store.dossiers_of_messages([(str(p["dossier_id"]), str(p["message_id"])) for p, _ in page])
    for pointer, _ in page:
        record = records.get(str(pointer["dossier_id"]))
        if record is None:
            continue
        try:
            message = record.message(str(pointer["message_id"]))
            person = person_for(office, record)
        except DataKeyDestroyed:
            continue  # consent withdrawn: nothing to show, the retention service removes the pointer
        if message is None:
            continue
        # the agency that sent it, though the dossier may have moved since
        if message.sender not in agencies:  # read once a page (setdefault would read it every time)
            agencies[message.sender] = directory.agency(message.sender) or the_agency(record.dossier)
        agency = agencies[message.sender]
        try:
            store.log(
                office_entry(
                    office.office_id,
                    client_id,
                    message.dossier_id,
                    Action.READ_BY_OFFICE,
                    Purpose.CREDITOR_EXCHANGE,
                    at=now,
                    detail=message.message_id,
                )
            )
        except DataKeyDestroyed:
            continue  # erased since its key was opened: not logged, so not served
        store.mark_fetched(message.dossier_id, message.message_id, now)
        ack_due_on = date.fromisoformat(str(pointer["ack_due_on"]))
        messages.append(
            InboxMessage(
                message_id=message.message_id,
                conversation_id=message.conversation_id,
                dossier_id=message.dossier_id,
                type=message.type,
                created_at=message.created_at,
                reply_due_on=message.reply_due_on,
                ack_due_on=ack_due_on,
                reply_overdue=message.reply_due_on is not None and message.reply_due_on < now.date(),
                ack_overdue=message.acknowledged_at is None and ack_due_on < now.date(),
                acknowledged_at=message.acknowledged_at,
                agency_id=agency.agency_id,
                agency_name=agency.name,
                agency_language=agency.language,
                person=person,
                body=dict(message.body),
                documents=request_documents(message),
                callback_url=callback_url(message),
            )
        )
    more = len(pointers) > wanted.limit
    return InboxPage(messages=messages, next_cursor=page[-1][1] if more and page else None)


def person_for(office: Office, record: DossierRecord) -> PersonForOffice:
    person = record.person()
    return PersonForOffice(
        given_names=person.given_names,
        family_name=person.family_name,
        birth_date=person.birth_date,
        address=person.address,
        national_number=person.national_number if office.public else None,
    )


def callback_url(message: Message) -> str:
    return settings.public_url(f"/claims/callbacks/{message.dossier_id}/{message.message_id}")


def document_url(message: Message, document_id: str) -> str:
    return settings.public_url(
        f"/claims/dossiers/{message.dossier_id}/messages/{message.message_id}/documents/{document_id}"
    )


def request_documents(message: Message) -> list[RequestDocument]:
    """The documents a request carries to its office, each with the route that downloads it."""
    budget = message.body.get("budget_document")
    if not isinstance(budget, dict) or not isinstance(budget.get("document_id"), str):
        return []
    document_id = str(budget["document_id"])
    return [
        RequestDocument(
            document_id=document_id,
            name=documents.budget_document_name(document_id),
            content_type=documents.DocumentType.PDF.value,
            size_bytes=int(str(budget.get("size_bytes", 0))),
            sha256=str(budget.get("sha256", "")),
            url=document_url(message, document_id),
        )
    ]


def inbox_csv(page: InboxPage) -> str:
    rows = [
        (
            m.message_id,
            m.dossier_id,
            m.type.value,
            m.created_at.isoformat(),
            str(m.reply_due_on or ""),
            m.ack_due_on.isoformat(),
            m.agency_name,
            m.person.family_name,
            m.person.given_names,
            m.person.birth_date.isoformat(),
            m.person.address.street,
            m.person.address.number,
            m.person.address.postal_code,
            m.person.address.city,
            m.person.address.country.value,
            m.person.national_number.compact if m.person.national_number else "",
            m.callback_url,
        )
        for m in page.messages
    ]
    return csv_intake.to_csv(INBOX_COLUMNS, rows)


def download_document(
    office: Office, client_id: str, dossier_id: str, message_id: str, document_id: str
) -> RequestDocumentDownload:
    """A download of a document the request to this office carries, logged before it is served."""
    store = ClaimsStore()
    record, request = office_request(office, dossier_id, message_id, store)
    found = next((d for d in request_documents(request) if d.document_id == document_id), None)
    if found is None:
        raise Problem(404, "No such document with this message.")
    now = utc_now()
    read = office_entry(
        office.office_id,
        client_id,
        dossier_id,
        Action.READ_BY_OFFICE,
        Purpose.CREDITOR_EXCHANGE,
        at=now,
        detail=f"document:{document_id}",
    )
    try:
        store.log(read)  # before anything is served: an erasure meanwhile refuses the entry
        url = documents.download_url(budget_key(dossier_id, document_id), record.data_key, found.name)
    except DataKeyDestroyed:
        raise erased() from None
    return RequestDocumentDownload(
        document_id=document_id,
        name=found.name,
        content_type=found.content_type,
        size_bytes=found.size_bytes,
        download_url=url,
        download_expires_at=now + documents.DOWNLOAD_EXPIRES,
    )


def acknowledge(office: Office, dossier_id: str, message_id: str) -> Acknowledged:
    """The message leaves the inbox of unacknowledged messages (it stays among the acknowledged ones
    until answered); acknowledging again, or what its answer acknowledged, changes nothing."""
    store = ClaimsStore()
    _, message = office_request(office, dossier_id, message_id, store)
    if message.acknowledged_at is not None:
        return Acknowledged(message_id=message_id, acknowledged_at=message.acknowledged_at)
    now = utc_now()
    try:
        store.acknowledge(office.office_id, message, now)
    except ChangedMeanwhile:
        raise Problem(404, "This message is not in your inbox (acknowledged already?).") from None
    return Acknowledged(message_id=message_id, acknowledged_at=now)
