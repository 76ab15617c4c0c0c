"""Inbound email (SES receipt rule: S3 action, then this function): a reply by mail lands in its
dossier by itself — or, when it cannot be trusted, in its dossier's quarantine — or nowhere.

The reference token in `reply+<token>@<inbound domain>` names the message and the office; the mail is
linked only when SES's SPF/DKIM verdicts pass and the sender is one of that office's addresses. Then
the new text (quoted history stripped; forwarded messages and digests kept whole) and the accepted
attachments are stored sealed in the dossier, and the agency's feed announces it (from the dossier
table's stream). A mail for a living dossier that fails those checks is quarantined there, sealed
the same way, with its reason (`Refusal`: what happened, e.g. `no_sender`). A mail with no token, or
an unknown, expired or revoked one, or for an erased dossier, is not kept at all (`Dropped`): a
metric and a log line of ids and the reason record it.

Whatever the outcome, the raw MIME is deleted once the mail is processed. Only an exception leaves
it: SES's asynchronous invocation retries, then the on-failure destination keeps the event for an
operator's redrive, and the raw mail waits for that (the bucket's lifecycle deletes it after 7 days).
"""

from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes.ses_event import SESEvent, SESEventRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from respite_core.ids import utc_now
from respite_core.metrics import Metric, count, publishes_metrics
from respite_core.observability import traced
from respite_core.store.data_keys import DataKeyDestroyed
from respite_core.store.directory import Directory
from respite_core.store.reference_tokens import RevokedToken, TokenGone, TokenGrant, UnknownToken, resolve
from respite_notifications.inbound import (
    Dropped,
    InboundMail,
    Refusal,
    Unreadable,
    parse,
    reference_in,
    sender_belongs,
    verdict_refusal,
)
from respite_notifications.mail_store import InboundStore

logger = Logger(service="notifications")


def receive(record: SESEventRecord, now: datetime, store: InboundStore | None = None) -> str:
    """What became of one mail: "linked", "duplicate", "quarantined:<reason>" or "dropped:<reason>".
    Raises (and keeps the raw mail for SES's retry) only when processing failed."""
    store = store or InboundStore()
    ses_id = record.ses.mail.message_id
    outcome = _process(record, now, store)
    store.forget_raw(ses_id)
    return outcome


def _process(record: SESEventRecord, now: datetime, store: InboundStore) -> str:
    ses_id = record.ses.mail.message_id
    grant_or_drop = _grant(list(record.ses.receipt.recipients), now)
    if isinstance(grant_or_drop, Dropped):
        return _dropped(ses_id, grant_or_drop)
    grant = grant_or_drop
    raw = store.raw(ses_id)
    if raw is None:
        return (
            "duplicate"
            if store.kept(grant.dossier_id, ses_id)
            else _dropped(ses_id, Dropped.RAW_MAIL_MISSING)
        )
    mail, refusal = _judge(record, raw, grant)
    try:
        kept = store.keep(grant, store.data_key(grant), mail, ses_id, now, refusal)
    except DataKeyDestroyed:
        return _dropped(ses_id, Dropped.DOSSIER_ERASED, grant)
    if not kept:
        return "duplicate"
    if refusal is not None:
        logger.warning(
            "inbound mail quarantined",
            extra={"ses_message_id": ses_id, "dossier_id": grant.dossier_id, "reason": refusal.value},
        )
        return f"quarantined:{refusal.value}"
    refused = len(mail.refused) if mail else 0
    logger.info("inbound mail linked", extra={"dossier_id": grant.dossier_id, "refused": refused})
    return "linked"


def _grant(recipients: list[str], now: datetime) -> TokenGrant | Dropped:
    """What the recipient's reference token opens, or why the mail has nowhere to go."""
    token = reference_in(recipients)
    if token is None:
        return Dropped.NO_TOKEN
    try:
        return resolve(token, now)
    except UnknownToken:
        return Dropped.TOKEN_UNKNOWN
    except RevokedToken:  # revoked: also what erasing the dossier does to its tokens
        return Dropped.TOKEN_REVOKED
    except TokenGone:
        return Dropped.TOKEN_EXPIRED


def _judge(
    record: SESEventRecord, raw: bytes, grant: TokenGrant
) -> tuple[InboundMail | None, Refusal | None]:
    """The mail as read, and why it may not be linked (None: it may)."""
    try:
        mail = parse(raw)
    except Unreadable as unreadable:
        return None, unreadable.refusal
    receipt = record.ses.receipt
    refusal = verdict_refusal(
        {
            "spf": receipt.spf_verdict.status,
            "dkim": receipt.dkim_verdict.status,
            "spam": receipt.spam_verdict.status,
            "virus": receipt.virus_verdict.status,
        }
    )
    if refusal is not None:
        return mail, refusal
    if not mail.sender:
        return mail, Refusal.NO_SENDER
    office = Directory().office(grant.office_id)
    if office is None or not sender_belongs(mail.sender, office.contact_emails):
        return mail, Refusal.SENDER_NOT_OF_OFFICE
    return mail, None


def _dropped(ses_id: str, reason: Dropped, grant: TokenGrant | None = None) -> str:
    """Nothing of the mail is kept: count it, and say so with ids and the reason only (no address,
    no subject: what the mail says is not ours to keep)."""
    count(Metric.INBOUND_MAIL_DROPPED)
    ids = {"ses_message_id": ses_id} | ({"dossier_id": grant.dossier_id} if grant else {})
    logger.warning("inbound mail dropped", extra=ids | {"reason": reason.value})
    return f"dropped:{reason.value}"


@traced
@logger.inject_lambda_context
@publishes_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, list[str]]:
    now = utc_now()
    return {"outcomes": [receive(record, now) for record in SESEvent(event).records]}
