"""Inbound email (SES receipt rule: S3 action, then this function): a reply by mail lands in its
dossier by itself — or, when it cannot be trusted, nowhere.

The reference token in `reply+<token>@<inbound domain>` names the message and the office; the mail is
linked only when SES's SPF/DKIM verdicts pass and the sender is one of that office's addresses. Then
the new text (quoted history stripped) and the accepted attachments are stored sealed in the dossier,
the raw mail is deleted, and the agency's feed announces it (from the dossier table's stream). An
unknown, expired or revoked token, failing verdicts or a stranger's address: quarantined, logged
without personal data, never a crash.
"""

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes.ses_event import SESEvent, SESEventRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from respite_core.observability import traced
from respite_core.store.directory import Directory
from respite_core.store.reference_tokens import TokenGone, UnknownToken, resolve
from respite_notifications.inbound import Unreadable, parse, reference_in, sender_belongs, verdicts_pass
from respite_notifications.mail_store import InboundStore

logger = Logger(service="notifications")


def receive(record: SESEventRecord, now: datetime, store: InboundStore | None = None) -> str:
    """What became of one mail: "linked", "duplicate" or "quarantined:<reason>"."""
    store = store or InboundStore()
    ses_id = record.ses.mail.message_id
    receipt = record.ses.receipt

    def quarantined(reason: str, office_id: str | None = None) -> str:
        store.quarantine(ses_id, reason, office_id, now)
        logger.warning("inbound mail quarantined", extra={"ses_message_id": ses_id, "reason": reason})
        return f"quarantined:{reason}"

    token = reference_in(list(receipt.recipients))
    if token is None:
        return quarantined("no_reference")
    try:
        grant = resolve(token, now)
    except UnknownToken:
        return quarantined("unknown_reference")
    except TokenGone:
        return quarantined("expired_or_revoked_reference")
    raw = store.raw(ses_id)
    if raw is None:
        return quarantined("raw_mail_missing", grant.office_id)
    try:
        mail = parse(raw)
    except Unreadable:
        return quarantined("unreadable_or_too_large", grant.office_id)
    verdicts = {
        "spf": receipt.spf_verdict.status,
        "dkim": receipt.dkim_verdict.status,
        "spam": receipt.spam_verdict.status,
        "virus": receipt.virus_verdict.status,
    }
    if not verdicts_pass(verdicts):
        return quarantined("authentication_failed", grant.office_id)
    office = Directory().office(grant.office_id)
    if office is None or not sender_belongs(mail.sender, office.contact_emails):
        return quarantined("sender_not_of_office", grant.office_id)
    linked = store.link(grant, mail, ses_id, now)
    store.forget_raw(ses_id)
    logger.info("inbound mail linked", extra={"dossier_id": grant.dossier_id, "refused": len(mail.refused)})
    return "linked" if linked else "duplicate"


@traced
@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, list[str]]:
    now = datetime.now(UTC)
    return {"outcomes": [receive(record, now) for record in SESEvent(event).records]}
