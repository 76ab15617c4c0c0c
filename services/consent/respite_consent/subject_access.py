"""The subject-access export (GDPR art. 15), as a pure function of what the dossier holds: the person,
the consent, the claims by creditor, the messages with their contents, the documents (listed, not
their bytes), the offices told and every access to the dossier. The store reads; this assembles."""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime

from respite_consent.dossiers import DossierContents, StoredAttachment, attachment_name
from respite_consent.models import (
    AccessLogEntry,
    HeldClaim,
    HeldCreditor,
    HeldDocument,
    HeldMail,
    HeldMessage,
    OfficeTold,
    SubjectAccessExport,
    facts_of,
)
from respite_core.access_log import AccessEntry
from respite_core.domain import DIRECTIONS, Claim, Direction, Language, Message
from respite_core.totals import amounts_of

BUDGET_DOCUMENT = "budget_document"  # where a proposal's body names the budget calculation PDF it carries


def access_log_entry(entry: AccessEntry) -> AccessLogEntry:
    return AccessLogEntry.model_validate(entry.model_dump(include=set(AccessLogEntry.model_fields)))


def held_creditors(claims: Sequence[Claim], office_names: Mapping[str, str]) -> list[HeldCreditor]:
    by_office: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        by_office[claim.office_id].append(claim)
    return [
        HeldCreditor(
            office_id=office_id,
            office_name=office_names.get(office_id, office_id),
            claims=[
                HeldClaim(
                    claim_id=c.claim_id,
                    office_reference=c.office_reference,
                    principal_creditor=c.principal_creditor,
                    creditor_class=c.creditor_class,
                    title=c.title,
                    enforcement=c.enforcement,
                    amounts=amounts_of([c]),
                )
                for c in sorted(office_claims, key=lambda c: (c.creditor_class, c.office_reference))
            ],
            totals=amounts_of(office_claims),
        )
        for office_id, office_claims in sorted(by_office.items())
    ]


def office_of(message: Message) -> str:
    """The office on the other side of a message, whichever way it travelled."""
    return message.receiver if DIRECTIONS[message.type] is Direction.AGENCY_TO_OFFICE else message.sender


def held_messages(messages: Sequence[Message]) -> list[HeldMessage]:
    return [
        HeldMessage(
            **m.model_dump(
                include={
                    "message_id",
                    "conversation_id",
                    "type",
                    "created_at",
                    "fetched_at",
                    "acknowledged_at",
                    "reply_due_on",
                    "in_reply_to",
                    "body",
                }
            ),
            direction=DIRECTIONS[m.type],
            office_id=office_of(m),
        )
        for m in sorted(messages, key=lambda m: (m.created_at, m.message_id))
    ]


def offices_told(messages: Sequence[Message], office_names: Mapping[str, str]) -> list[OfficeTold]:
    """The offices the agency wrote to about the person: when first, and how many messages."""
    sent: dict[str, list[Message]] = defaultdict(list)
    for message in messages:
        if DIRECTIONS[message.type] is Direction.AGENCY_TO_OFFICE:
            sent[message.receiver].append(message)
    return [
        OfficeTold(
            office_id=office_id,
            office_name=office_names.get(office_id, office_id),
            first_told_at=min(m.created_at for m in to_office),
            messages_sent=len(to_office),
        )
        for office_id, to_office in sorted(sent.items(), key=lambda kv: min(m.created_at for m in kv[1]))
    ]


def held_documents(contents: DossierContents) -> list[HeldDocument]:
    """The signed consent form, the offices' attachments (to replies and to mails) and the budget
    calculations sent with proposals: each named, typed, sized and dated."""
    created = {m.message_id: m.created_at for m in contents.messages}
    received = {m.mail_id: m.received_at for m in contents.mails}
    found: list[HeldDocument] = []
    form = contents.consent.signed_form
    if form is not None:
        found.append(
            HeldDocument(
                document_id=form.upload_id,
                kind="consent_form",
                name=attachment_name("", form.upload_id, form.content_type),
                content_type=form.content_type,
                size_bytes=form.size_bytes,
                received_at=form.added_at,
            )
        )
    found += [_attachment(a, created, received) for a in contents.attachments]
    for message in contents.messages:
        budget = message.body.get(BUDGET_DOCUMENT)
        if isinstance(budget, dict) and isinstance(budget.get("document_id"), str):
            document_id = str(budget["document_id"])
            size = budget.get("size_bytes")
            found.append(
                HeldDocument(
                    document_id=document_id,
                    kind="budget_calculation",
                    name=f"budget-{document_id[-8:].lower()}.pdf",
                    content_type="application/pdf",
                    size_bytes=size if isinstance(size, int) else 0,
                    received_at=message.created_at,
                )
            )
    unique = {(d.kind, d.document_id): d for d in found}  # one budget PDF goes to many offices
    return sorted(unique.values(), key=lambda d: (d.received_at, d.document_id))


def _attachment(
    attachment: StoredAttachment, created: Mapping[str, datetime], received: Mapping[str, datetime]
) -> HeldDocument:
    by_mail = attachment.owner_id in received
    return HeldDocument(
        document_id=attachment.document_id,
        kind="mail_attachment" if by_mail else "reply_attachment",
        name=attachment_name(attachment.name, attachment.document_id, attachment.content_type),
        content_type=attachment.content_type,
        size_bytes=attachment.size_bytes,
        received_at=(received if by_mail else created)[attachment.owner_id],
    )


def subject_access(
    contents: DossierContents,
    access_log: Sequence[AccessEntry],
    *,
    agency_name: str,
    office_names: Mapping[str, str],
    language: Language,
    now: datetime,
) -> SubjectAccessExport:
    dossier = contents.dossier
    return SubjectAccessExport(
        generated_at=now,
        language=language,
        agency_id=dossier.agency_id,
        agency_name=agency_name,
        **facts_of(dossier),
        person=contents.person,
        consent=contents.consent.model_copy(update={"withdrawn_at": dossier.withdrawn_at}),
        creditors=held_creditors(contents.claims, office_names),
        totals=amounts_of(contents.claims),
        messages=held_messages(contents.messages),
        meter_readings=sorted(contents.meter_readings, key=lambda r: r.office_id),
        mails=[
            HeldMail(
                mail_id=m.mail_id,
                office_id=m.office_id,
                in_reply_to=m.in_reply_to,
                received_at=m.received_at,
                subject=m.subject,
                body=m.body,
                refused_attachments=m.refused_attachments,
            )
            for m in sorted(contents.mails, key=lambda m: (m.received_at, m.mail_id))
        ],
        documents=held_documents(contents),
        offices_told=offices_told(contents.messages, office_names),
        access_log=[access_log_entry(e) for e in sorted(access_log, key=lambda e: (e.at, e.entry_id))],
    )
