"""What the consent API accepts and answers (the stored shapes live in `store`)."""

import re
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from respite_core.access_log import Purpose
from respite_core.domain import (
    AgencyReference,
    ConsentChannel,
    CreditorClass,
    DebtorIdentity,
    DossierState,
    EntityId,
    Language,
    MessageType,
    UtcDatetime,
)
from respite_core.erasure import ErasureReceipt
from respite_core.store.documents import DocumentType
from respite_core.totals import Amounts


class Request(BaseModel):
    """A request body: unknown fields are refused, values never echoed in errors."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- registering --------------------------------------------------------------------------------


class ConsentGiven(Request):
    """The consent the caseworker captured: which text, in which language, how, and when."""

    text_version: str = Field(min_length=1, max_length=20, examples=["v1"])
    language: Language
    channel: ConsentChannel
    given_at: UtcDatetime | None = Field(default=None, description="when the person consented; default: now")


class RegisterDossier(Request):
    """Register a person who asked for debt help, with their consent; opens their dossier."""

    person: DebtorIdentity
    consent: ConsentGiven
    agency_reference: AgencyReference | None = Field(
        default=None, description="the agency's own file number (no names: it is shown in lists)"
    )


class DossierRegistered(Answer):
    dossier_id: str
    agency_id: str
    state: DossierState
    opened_at: datetime


# --- reading ------------------------------------------------------------------------------------


class DossierSummary(Answer):
    """A dossier in a list: no personal data."""

    dossier_id: str
    state: DossierState
    opened_at: datetime
    agency_reference: str | None = None
    standstill_ends_on: date | None = None
    next_deadline_on: date | None = None
    closed_at: datetime | None = None


class DossierPage(Answer):
    dossiers: list[DossierSummary]
    next_cursor: str | None = Field(default=None, description="pass as `cursor` for the next page")


class ListDossiers(Request):
    state: DossierState | None = None
    deadline_within_days: int | None = Field(default=None, ge=0, le=366)
    limit: int = Field(default=25, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=2000)


class ReadDossier(Request):
    purpose: Purpose = Purpose.CASE_WORK


class ClaimView(Answer):
    claim_id: str
    office_reference: str
    creditor_class: CreditorClass
    principal_creditor: str | None = None
    amounts: Amounts
    continues_during_standstill: bool


class CreditorView(Answer):
    office_id: str
    claims: dict[CreditorClass, list[ClaimView]]
    totals: Amounts


class PendingReply(Answer):
    message_id: str
    type: MessageType
    office_id: str
    reply_due_on: date
    overdue: bool


class AttachmentView(Answer):
    """A document an office sent with its reply: its name, type and size. `GET
    /dossiers/{dossier_id}/documents/{document_id}` gives a short-lived link that downloads it."""

    document_id: str
    name: str
    content_type: str
    size_bytes: int


class DocumentDownload(Answer):
    """A link that downloads one document of the dossier, saved under `name`; it expires in minutes
    (each request makes a new one, from the document sealed with the dossier's data key)."""

    document_id: str
    name: str
    content_type: str
    size_bytes: int
    download_url: str
    download_expires_at: datetime


class MessageView(Answer):
    message_id: str
    conversation_id: str
    type: MessageType
    sender: str
    receiver: str
    created_at: datetime
    in_reply_to: str | None = None
    reply_due_on: date | None = None
    attachments: list[AttachmentView] = Field(default_factory=list)


class MailView(Answer):
    """An office's answer by email, linked to the request it answers (its quoted history stripped)."""

    mail_id: str
    office_id: str
    in_reply_to: str
    received_at: datetime
    subject: str
    body: str
    attachments: list[AttachmentView] = Field(default_factory=list)
    refused_attachments: int = Field(0, description="attachments not accepted (type or size)")


class ConsentRecord(Answer):
    """The evidence of consent (GDPR art. 7): which text, how, by whom, when; and its withdrawal."""

    text_version: str
    language: Language
    text_sha256: str
    channel: ConsentChannel
    captured_by: str
    captured_at: datetime
    signed_form: "SignedForm | None" = None
    withdrawn_at: datetime | None = None


class DossierView(Answer):
    dossier_id: str
    agency_id: str
    state: DossierState
    opened_at: datetime
    agency_reference: str | None = None
    standstill_starts_on: date | None = None
    standstill_ends_on: date | None = None
    closed_at: datetime | None = None
    close_reason: str | None = None
    retention_ends_at: datetime | None = None
    person: DebtorIdentity
    consent: ConsentRecord
    creditors: list[CreditorView]
    totals: Amounts
    totals_by_class: dict[CreditorClass, Amounts]
    pending_replies: list[PendingReply]
    messages: list[MessageView]
    mails: list[MailView] = Field(default_factory=list)


# --- changing -----------------------------------------------------------------------------------


class CloseDossier(Request):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)] = Field(
        description="why the dossier closes (no personal data), e.g. 'plan completed', 'moved away'"
    )


class DossierClosed(Answer):
    dossier_id: str
    state: DossierState
    closed_at: datetime
    retention_ends_at: datetime


class ConsentWithdrawn(Answer):
    dossier_id: str
    state: DossierState
    withdrawn_at: datetime
    personal_data: str = "unreadable: the dossier's data key is destroyed; erasure of every copy follows"


class TransferDossier(Request):
    to_agency_id: EntityId
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class DossierTransferred(Answer):
    dossier_id: str
    from_agency_id: str
    to_agency_id: str


# --- the signed consent form ----------------------------------------------------------------------


class RequestFormUpload(Request):
    content_type: DocumentType


class FormUpload(Answer):
    """Upload the file with an HTML form POST to `url` with `fields` and then the file as `file`."""

    url: str
    fields: dict[str, str]
    max_bytes: int
    expires_at: datetime
    upload_id: str


class ConfirmFormUpload(Request):
    upload_id: EntityId


class SignedForm(Answer):
    upload_id: str
    content_type: DocumentType
    size_bytes: int
    sha256: str
    added_at: datetime


# --- the agency's status overview ---------------------------------------------------------------


def _written_as_a_date_time(value: object) -> object:
    """A query's date-time as the document says (ISO 8601), not a number pydantic would read as
    Unix seconds (`?since=0.5`)."""
    if isinstance(value, str) and not re.match(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("must be an ISO 8601 date-time, e.g. 2026-11-16T00:00:00Z")
    return value


class OverviewQuery(Request):
    since: Annotated[UtcDatetime | None, BeforeValidator(_written_as_a_date_time)] = Field(
        default=None, description="claims received since; default: 7 days ago"
    )


# --- erasure receipts (operators) ----------------------------------------------------------------


class ErasuresQuery(Request):
    on: date = Field(description="the day (UTC) the erasures started")


class ErasureList(BaseModel):
    """Erasure receipts: keyed hashes of dossier ids, when, why and how much; no personal data."""

    receipts: list[ErasureReceipt]


ConsentRecord.model_rebuild()
