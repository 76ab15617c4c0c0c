"""What happens to a dossier, as pure functions: closing, withdrawal, transfer, the one-dossier view
and the agency's status overview. The store reads and writes; these decide."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from respite_consent.models import (
    AttachmentView,
    ClaimView,
    ConsentRecord,
    CreditorView,
    DossierSummary,
    DossierView,
    MailView,
    MessageContent,
    MessageView,
    PendingReply,
    TransferView,
    facts_of,
)
from respite_core.creditor_records import (
    StandstillObjection,
    UtilityReadings,
    creditor_standstills,
)
from respite_core.domain import (
    Claim,
    CreditorClass,
    DebtorIdentity,
    Dossier,
    DossierEvent,
    Message,
    ended_standstill,
)
from respite_core.overview import running_standstill_end
from respite_core.settings import DEFAULT_RETENTION
from respite_core.totals import amounts_of


def close(
    dossier: Dossier,
    reason: str,
    now: datetime,
    retention: timedelta = DEFAULT_RETENTION,
    *,
    today: date | None = None,
) -> Dossier:
    """Closing starts the retention clock: personal data is erased when it runs out. A standstill
    still running ends `today` (the agency's calendar day; UTC's when not given)."""
    return dossier.apply(
        DossierEvent.CLOSED,
        closed_at=now,
        close_reason=reason,
        retention_ends_at=now + retention,
        **ended_standstill(dossier, today or now.date()),
    )


def withdraw(dossier: Dossier, now: datetime) -> Dossier:
    return dossier.apply(DossierEvent.CONSENT_WITHDRAWN, withdrawn_at=now)


def transfer(dossier: Dossier, to_agency_id: str) -> Dossier:
    if to_agency_id == dossier.agency_id:
        raise ValueError("the dossier is already at that agency")
    return dossier.apply(DossierEvent.TRANSFERRED, agency_id=to_agency_id)


def summary(dossier: Dossier, today: date) -> DossierSummary:
    listed = DossierSummary.model_validate(dossier.model_dump(include=set(DossierSummary.model_fields)))
    due = dossier.next_deadline_on
    return listed.model_copy(update={"overdue": due is not None and due < today})


def is_due_within(dossier: Dossier, today: date, days: int) -> bool:
    horizon = today + timedelta(days=days)
    due = [d for d in (dossier.next_deadline_on, running_standstill_end(dossier)) if d is not None]
    return any(d <= horizon for d in due)


# --- the one-dossier view -----------------------------------------------------------------------


def claim_view(claim: Claim) -> ClaimView:
    return ClaimView(
        claim_id=claim.claim_id,
        office_reference=claim.office_reference,
        creditor_class=claim.creditor_class,
        principal_creditor=claim.principal_creditor,
        amounts=amounts_of([claim]),
        continues_during_standstill=claim.enforcement.continues_during_standstill,
    )


def creditors(claims: Sequence[Claim]) -> list[CreditorView]:
    by_office: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        by_office[claim.office_id].append(claim)
    return [
        CreditorView(
            office_id=office_id,
            claims={
                creditor_class: [claim_view(c) for c in office_claims if c.creditor_class is creditor_class]
                for creditor_class in CreditorClass
                if any(c.creditor_class is creditor_class for c in office_claims)
            },
            totals=amounts_of(office_claims),
        )
        for office_id, office_claims in sorted(by_office.items())
    ]


def pending_replies(messages: Sequence[Message], today: date) -> list[PendingReply]:
    """Requests of the agency that no office message answers yet, with their deadlines."""
    answered = {m.in_reply_to for m in messages if m.in_reply_to}
    pending = [m for m in messages if m.reply_due_on is not None and m.message_id not in answered]
    return [
        PendingReply(
            message_id=m.message_id,
            type=m.type,
            office_id=m.receiver,
            reply_due_on=m.reply_due_on,
            overdue=today > m.reply_due_on,
        )
        for m in sorted(pending, key=lambda m: (m.reply_due_on, m.message_id))
        if m.reply_due_on is not None
    ]


@dataclass(frozen=True)
class StoredAttachment:
    """A document of a reply (`owner_id`: the reply message's id) or of a mail (the mail's id), its
    name opened; `key`: where it is sealed in the document bucket."""

    owner_id: str
    document_id: str
    name: str
    content_type: str
    size_bytes: int
    key: str


@dataclass(frozen=True)
class StoredMail:
    mail_id: str
    office_id: str
    in_reply_to: str
    received_at: datetime
    subject: str
    body: str
    refused_attachments: int


_EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def attachment_name(name: str, document_id: str, content_type: str) -> str:
    """The name the office gave the file, or one made of its id and type when it gave none."""
    return name.strip() or f"attachment-{document_id[-8:].lower()}.{_EXTENSIONS.get(content_type, 'bin')}"


def attachment_views(attachments: Sequence[StoredAttachment], owner_id: str) -> list[AttachmentView]:
    return [
        AttachmentView(
            document_id=a.document_id,
            name=attachment_name(a.name, a.document_id, a.content_type),
            content_type=a.content_type,
            size_bytes=a.size_bytes,
        )
        for a in sorted(attachments, key=lambda a: a.document_id)
        if a.owner_id == owner_id
    ]


def mail_views(mails: Sequence[StoredMail], attachments: Sequence[StoredAttachment]) -> list[MailView]:
    return [
        MailView(
            mail_id=m.mail_id,
            office_id=m.office_id,
            in_reply_to=m.in_reply_to,
            received_at=m.received_at,
            subject=m.subject,
            body=m.body,
            attachments=attachment_views(attachments, m.mail_id),
            refused_attachments=m.refused_attachments,
        )
        for m in sorted(mails, key=lambda m: (m.received_at, m.mail_id))
    ]


def message_view(message: Message, attachments: list[AttachmentView]) -> MessageView:
    """A message as the caseworker reads it: its times and everything it says (opened from its seal)."""
    said = {name: value for name, value in message.body.items() if name in MessageContent.model_fields}
    return MessageView.model_validate(
        message.model_dump(include=set(MessageView.model_fields) - {"body", "attachments"})
        | {"body": MessageContent.model_validate(said), "attachments": attachments}
    )


@dataclass(frozen=True)
class Transfer:
    """The dossier's latest transfer, its reason opened."""

    from_agency_id: str
    at: datetime
    reason: str


@dataclass(frozen=True)
class DossierContents:
    """Everything the dossier partition holds, parsed; the person already opened."""

    dossier: Dossier
    person: DebtorIdentity
    consent: ConsentRecord
    claims: Sequence[Claim]
    messages: Sequence[Message]
    attachments: Sequence[StoredAttachment] = ()
    mails: Sequence[StoredMail] = ()
    transfer: Transfer | None = None
    meter_readings: Sequence[UtilityReadings] = ()
    objections: Sequence[StandstillObjection] = ()


def view(contents: DossierContents, today: date) -> DossierView:
    dossier, claims = contents.dossier, contents.claims
    return DossierView(
        **facts_of(dossier),
        agency_id=dossier.agency_id,
        person=contents.person,
        consent=contents.consent,
        creditors=creditors(claims),
        totals=amounts_of(claims),
        totals_by_class={c: amounts_of(x for x in claims if x.creditor_class is c) for c in CreditorClass},
        pending_replies=pending_replies(contents.messages, today),
        messages=[
            message_view(m, attachment_views(contents.attachments, m.message_id))
            for m in sorted(contents.messages, key=lambda m: (m.created_at, m.message_id))
        ],
        mails=mail_views(contents.mails, contents.attachments),
        transferred=transfer_view(contents.transfer),
        standstill=creditor_standstills(dossier, contents.messages, contents.objections, today),
        meter_readings=sorted(contents.meter_readings, key=lambda r: r.office_id),
    )


def transfer_view(transfer: Transfer | None) -> TransferView | None:
    if transfer is None:
        return None
    return TransferView(
        from_agency_id=transfer.from_agency_id, transferred_at=transfer.at, reason=transfer.reason
    )
