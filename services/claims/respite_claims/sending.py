"""What an agency sends its dossier's offices: notices, balance and status requests, and every other
step of the exchange (`send_step`), and the upload of a budget PDF that proposals carry.

A step is one transaction: the dossier's new state, one message per office with its inbox pointer
and the access-log entry (`ClaimsStore.send`). Each function takes the caller and the parsed request
and answers the model the API returns, or raises the `Problem` it answers with.
"""

from collections.abc import Callable, Sequence
from typing import Any

from respite_claims import exchange
from respite_claims.access import agency_dossier, offices_named, the_agency
from respite_claims.models import (
    MAX_OFFICES_PER_STEP,
    DocumentUpload,
    MessagesSent,
    SendToOffices,
    SentMessage,
    ToOffices,
)
from respite_claims.store import ChangedMeanwhile, ClaimsStore, DossierDates, DossierRecord
from respite_claims.store import Outgoing as StoredMessage
from respite_core.access_log import Action, Purpose, entry
from respite_core.api import Problem
from respite_core.calendar import Country
from respite_core.callers import Caller
from respite_core.domain import IllegalTransition, MessageType, ack_due_on
from respite_core.ids import new_id, utc_now
from respite_core.store import documents

type BodyFor = Callable[[str], dict[str, Any]]


def send_step(
    who: Caller,
    record: DossierRecord,
    kind: MessageType,
    office_ids: Sequence[str],
    body_for: BodyFor = lambda office_id: {},
    store: ClaimsStore | None = None,
) -> MessagesSent:
    """One message of `kind` to each office, the dossier's step and its log entry, in one transaction."""
    if len(office_ids) > MAX_OFFICES_PER_STEP:  # e.g. every office notified, over several steps
        raise Problem(
            422,
            f"At most {MAX_OFFICES_PER_STEP} offices in one step: name them in turns.",
            kind="too-many-offices",
        )
    store = store or ClaimsStore()
    dossier_id = record.dossier.dossier_id
    agency, now = the_agency(record.dossier), utc_now()
    first_notice = kind is MessageType.NOTICE and record.dossier.standstill_starts_on is None
    persons_end = store.persons_standstill_ends_on(dossier_id) if first_notice else None
    try:
        outgoing = exchange.send(
            kind,
            record.dossier,
            agency,
            office_ids,
            now,
            new_id,
            body_for,
            persons_standstill_ends_on=persons_end,
        )
    except IllegalTransition as error:
        raise Problem(409, str(error), kind="illegal-transition") from None
    except exchange.NotNow as error:
        raise Problem(409, str(error), kind="not-now") from None
    messages = [*record.messages, *outgoing.messages]
    dates = DossierDates(
        exchange.next_deadline(outgoing.dossier, messages), exchange.standstill_warning_on(outgoing.dossier)
    )
    country = Country(agency.country)
    stored = [StoredMessage(m, ack_due_on(m.type, now.date(), country)) for m in outgoing.messages]
    detail = f"{kind.value} to {len(stored)} offices"
    log = entry(who, dossier_id, Action.SENT_TO_OFFICES, Purpose.CREDITOR_EXCHANGE, at=now, detail=detail)
    try:
        store.send(record.dossier, outgoing.dossier, stored, record, dates, log)
    except ChangedMeanwhile:
        raise Problem(409, "The dossier changed meanwhile. Read it again.") from None
    after = outgoing.dossier
    return MessagesSent(
        dossier_id=dossier_id,
        state=after.state,
        standstill_ends_on=after.standstill_ends_on,
        messages=[
            SentMessage(
                message_id=m.message_id, office_id=m.receiver, type=m.type, reply_due_on=m.reply_due_on
            )
            for m in outgoing.messages
        ],
    )


def notified_or_named(record: DossierRecord, office_ids: Sequence[str]) -> list[str]:
    notified = exchange.notified_offices(record.messages)
    if not office_ids:
        return notified
    strangers = sorted(set(office_ids) - set(notified))
    if strangers:
        raise Problem(422, f"These offices were not notified: {', '.join(strangers)}.", kind="not-notified")
    return list(dict.fromkeys(office_ids))


def send_notices(who: Caller, dossier_id: str, wanted: ToOffices) -> MessagesSent:
    """A `notice` to each named office not notified yet; the first one starts the standstill."""
    offices_named(wanted.office_ids)
    store = ClaimsStore()
    record = agency_dossier(who, dossier_id, store)
    try:
        fresh = exchange.not_yet_notified(wanted.office_ids, record.messages)
    except exchange.NotNow as error:
        raise Problem(409, str(error), kind="already-notified") from None
    return send_step(
        who, record, MessageType.NOTICE, fresh, lambda office_id: {"standstill": "requested"}, store
    )


def ask_offices(who: Caller, dossier_id: str, kind: MessageType, wanted: SendToOffices) -> MessagesSent:
    """A request of `kind` (balance, status) to each named office, or to every notified office."""
    store = ClaimsStore()
    record = agency_dossier(who, dossier_id, store)
    return send_step(who, record, kind, notified_or_named(record, wanted.office_ids), store=store)


def budget_key(dossier_id: str, document_id: str) -> str:
    return documents.budget_document_key(dossier_id, document_id)


def budget_upload(who: Caller, dossier_id: str) -> DocumentUpload:
    """A presigned upload for a budget PDF of one of the agency's dossiers."""
    agency_dossier(who, dossier_id, ClaimsStore())
    document_id = new_id()
    post = documents.presigned_upload(budget_key(dossier_id, document_id), documents.DocumentType.PDF)
    return DocumentUpload(
        url=post["url"],
        fields=post["fields"],
        document_id=document_id,
        max_bytes=documents.MAX_DOCUMENT_BYTES,
    )
