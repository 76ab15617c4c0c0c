"""An office's answers: a reply by API, by signed callback or from the link page (`take_reply`, the
one way in for all three), and claims uploaded as CSV.

A reply is checked against the request it answers and stored at once, in one transaction with its
claims and the intake that has them consolidated (`ClaimsStore.reply`). Each function takes the
calling office and the parsed request and answers the model the API returns, or raises the
`Problem` it answers with.
"""

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from hashlib import sha256

from respite_claims import creditors, csv_intake, exchange
from respite_claims.access import NO_MESSAGE, office_request
from respite_claims.models import ClaimInput, IntakeReport, RejectedRowView, Reply, ReplyAccepted
from respite_claims.store import ChangedMeanwhile, ClaimsStore, DossierDates, DossierRecord
from respite_core.access_log import AccessEntry, Action, Purpose, office_entry
from respite_core.api import Problem, erased
from respite_core.domain import Claim, Message, MessageType, Office, ReplyNotAllowed
from respite_core.ids import new_id, utc_now
from respite_core.store.data_keys import DataKeyDestroyed
from respite_core.store.directory import Directory

# the replies that may carry claims: a pre-approved balance states the balance it accepts any plan for
CLAIM_REPLIES = {MessageType.NOTICE_ACK, MessageType.BALANCE_REPLY, MessageType.BALANCE_REPLY_PREAPPROVED}
# what a CSV of claims answers, by the request it is uploaded to
CSV_ANSWERS = {
    MessageType.NOTICE: MessageType.NOTICE_ACK,
    MessageType.BALANCE_REQUEST: MessageType.BALANCE_REPLY,
}
CSV_TYPES = ("text/csv", "application/csv", "application/octet-stream")


def take_reply(
    office: Office, client_id: str, dossier_id: str, message_id: str, reply: Reply
) -> ReplyAccepted:
    """An office's reply by API, signed callback or link page: typed, checked against its request,
    stored at once."""
    store = ClaimsStore()
    record, request = office_request(office, dossier_id, message_id, store)
    if reply.claims and reply.type not in CLAIM_REPLIES:
        raise Problem(422, f"A {reply.type.value} carries no claims.", kind="no-claims-here")
    now = utc_now()
    try:
        message = exchange.answer(request, reply, record.dossier, office.office_id, now, new_id())
    except ReplyNotAllowed as error:
        raise Problem(422, str(error), kind="reply-not-allowed") from None
    except exchange.NotNow as error:
        raise Problem(409, str(error), kind="dossier-closed") from None
    claims = [
        exchange.to_claim(
            c, dossier_id, office.office_id, store.claim_id(dossier_id, office.office_id, c.office_reference)
        )
        for c in reply.claims
    ]
    duplicates = len({c.claim_id for c in claims}) != len(claims)
    if duplicates:
        raise Problem(422, "The same office_reference appears twice.", kind="duplicate-reference")
    dates, log = (
        dates_after(record, message),
        answered_entry(office, client_id, now, message, reply.type.value),
    )
    objection = creditors.objection_of(reply, message)
    try:
        store.reply(record, request, message, claims, dates=dates, now=now, log=log, objection=objection)
    except ChangedMeanwhile:
        raise Problem(409, "This request is answered already.", kind="answered") from None
    except DataKeyDestroyed:  # erased since it was read: the fence wrote nothing
        raise erased() from None
    return ReplyAccepted(
        message_id=message.message_id, in_reply_to=message_id, type=message.type, claims_stored=len(claims)
    )


def as_bytes(body: str | bytes | None) -> bytes:
    """A request's raw body as sent (Chalice gives it as bytes, typed as either)."""
    return body if isinstance(body, bytes) else str(body or "").encode()


def dates_after(record: DossierRecord, answer: Message) -> DossierDates:
    """The dossier's dates once `answer` is in: its next deadline, its standstill's warning day."""
    return DossierDates(
        exchange.next_deadline(record.dossier, [*record.messages, answer]),
        exchange.standstill_warning_on(record.dossier),
    )


def answered_entry(
    office: Office, client_id: str, now: datetime, answer: Message, detail: str
) -> AccessEntry:
    """The access log's entry of an office's answer (`detail`: how it answered)."""
    return office_entry(
        office.office_id,
        client_id,
        answer.dossier_id,
        Action.ANSWERED_BY_OFFICE,
        Purpose.CREDITOR_EXCHANGE,
        at=now,
        detail=detail,
    )


# --- by signed callback ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SignedCallback:
    """A callback whose signature holds: the office it is from, and its `webhook-id` (its replay key)."""

    office: Office
    webhook_id: str

    @property
    def client_id(self) -> str:
        return f"webhook:{self.office.office_id}"

    @property
    def replay_scope(self) -> str:
        return f"claims:callback:{self.office.office_id}"


def signed_callback(
    dossier_id: str, message_id: str, body: str | bytes | None, headers: Mapping[str, str]
) -> SignedCallback:
    """The office the request was sent to, if the callback is signed with one of its webhook secrets
    valid now (401 otherwise); 404 for a request that does not exist or is erased: the caller is not
    yet known to be the office, so it is told no more."""
    from respite_claims import signatures

    record = ClaimsStore().dossier(dossier_id)
    try:
        addressee = record.message(message_id) if record is not None else None
    except DataKeyDestroyed:
        addressee = None
    office = Directory().office(addressee.receiver) if addressee is not None else None
    if office is None:
        raise Problem(404, NO_MESSAGE)
    secrets = [s.secret for s in Directory().webhook_secrets(office.office_id, utc_now())]
    try:
        webhook_id = signatures.verify(as_bytes(body), dict(headers), secrets)
    except signatures.BadSignature as error:
        raise Problem(401, str(error), kind="bad-signature") from None
    return SignedCallback(office, webhook_id)


# --- claims as CSV --------------------------------------------------------------------------------


def upload_claims(
    office: Office,
    client_id: str,
    dossier_id: str,
    message_id: str,
    content_type: str,
    body: str | bytes | None,
) -> IntakeReport:
    """The file's valid rows stored as claims (an office's file reference names a claim: uploading
    again updates, never duplicates); the first upload answers the request."""
    if not content_type.startswith(CSV_TYPES):
        raise Problem(415, "Send the claims as text/csv.")
    raw = as_bytes(body)
    parsed = parsed_csv(raw)
    store = ClaimsStore()
    record, req = office_request(office, dossier_id, message_id, store)
    reply_type = CSV_ANSWERS.get(req.type)
    if reply_type is None:
        raise Problem(422, f"Claims do not answer a {req.type.value}.", kind="reply-not-allowed")
    if record.dossier.state not in exchange.ANSWERABLE_IN:
        raise Problem(
            409, f"the dossier is {record.dossier.state.value}: it takes no replies", kind="dossier-closed"
        )
    claims = [claim_of(row, dossier_id, office.office_id, store) for row in parsed.rows]
    now = utc_now()
    answered = next((m for m in record.messages if m.in_reply_to == message_id), None)
    reply_id = answered.message_id if answered else new_id()
    # each upload its own intake: its receipt counts this file's claims, a repeated one is written once
    store.put_claims(record, claims, now, intake_id=f"{reply_id}-{sha256(raw).hexdigest()[:16]}")
    if answered is None:
        message = exchange.answer(
            req,
            Reply(type=reply_type),
            record.dossier,
            office.office_id,
            now,
            reply_id,
            claims_received=len(claims),
        )
        dates = dates_after(record, message)
        log = answered_entry(office, client_id, now, message, f"{reply_type.value} by csv")
        with contextlib.suppress(ChangedMeanwhile):  # answered meanwhile by a concurrent upload: claims stay
            store.reply(record, req, message, [], dates=dates, now=now, log=log)
    return IntakeReport(
        message_id=reply_id,
        in_reply_to=message_id,
        accepted=len(claims),
        rejected=[RejectedRowView(line=r.line, field=r.field, reason=r.reason) for r in parsed.rejected],
    )


def parsed_csv(raw: bytes) -> csv_intake.ParsedUpload:
    """The file's rows, or the problem naming why it cannot be read (every row's, when none is valid)."""
    try:
        return csv_intake.parse_answer(raw)
    except csv_intake.UnreadableUpload as error:
        status = (
            413
            if error.kind == "too_large"
            else 422
            if error.kind in ("bad_header", "wrong_delimiter", "no_valid_row")
            else 400
        )
        rejected = [
            RejectedRowView(line=r.line, field=r.field, reason=r.reason).model_dump() for r in error.rejected
        ]
        raise Problem(
            status,
            str(error),
            kind=f"csv-{error.kind.replace('_', '-')}",
            extra={"rejected": rejected} if rejected else None,
        ) from None


def claim_of(row: csv_intake.ClaimRow, dossier_id: str, office_id: str, store: ClaimsStore) -> Claim:
    claim = ClaimInput.model_validate(
        {
            "office_reference": row.office_reference,
            "principal_creditor": row.principal_creditor,
            "creditor_class": row.creditor_class,
            "principal": row.principal,
            "interest": row.interest,
            "costs": row.costs,
            "paid": row.paid,
            "title_kind": row.title.kind,
            "title_description": row.title.description,
            "public_sale_announced_on": row.enforcement.public_sale_announced_on,
            "garnishment_laid": row.enforcement.garnishment_laid,
        }
    )
    return exchange.to_claim(
        claim, dossier_id, office_id, store.claim_id(dossier_id, office_id, row.office_reference)
    )
