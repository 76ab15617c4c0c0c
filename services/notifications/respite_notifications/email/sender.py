"""Email one agency message to its office: the reference link and the `reply+<token>@…` address.

Once per message: the `EMAIL#<message_id>` record is claimed before anything is sent and marked sent
after (see `store`). The token is issued only by the sender holding the claim, so a redelivered outbox
event never leaves a second live token: when an earlier attempt issued one but failed to send, that
token (which nobody received) is revoked as the new one is issued.

Configuration (environment): `RESPITE_EMAIL_SENDER` (a verified SES identity), `RESPITE_PUBLIC_URL`
(where the link page is served), `RESPITE_INBOUND_DOMAIN` (the domain SES receives replies on) and,
optionally, `RESPITE_SES_CONFIGURATION_SET` (bounce and complaint events).

Each email carries SES message tags naming its dossier, message, office and agency (ids only), which
SES hands back with a bounce or complaint (`respite_notifications.mail_events`). An office address
flagged by such an event gets no further email: when every address is flagged, nothing is sent (the
record says `skipped`, reason `addresses_flagged`) and the agency's feed says so; when some are, the
others get it and the feed says so too.
"""

import logging
from collections.abc import Mapping
from datetime import date, datetime

from pydantic import JsonValue

from respite_core import settings
from respite_core.domain import Language
from respite_core.ids import utc_now
from respite_core.metrics import Metric, count
from respite_core.store import reference_tokens
from respite_core.store.data_keys import DataKeyDestroyed
from respite_core.store.directory import Directory
from respite_notifications.deliveries import OfficeDelivery
from respite_notifications.email.compose import EmailView, mime, render, reply_address
from respite_notifications.email.store import EmailRecords, EmailState, send_raw
from respite_notifications.mail_events import AboutMessage, deliverable, message_tags, withheld_item
from respite_notifications.office_requests import OfficeRequests
from respite_notifications.store import FeedStore, office_name

logger = logging.getLogger(__name__)

LINK_PATH = "/notifications/r/"


def link_for(token: str) -> str:
    return settings.public_url(f"{LINK_PATH}{token}")


def standstill_told(body: Mapping[str, JsonValue]) -> date | None:
    """The standstill's day a message tells its office (`respite_claims.exchange.TELLS_STANDSTILL`)."""
    ends = body.get("standstill_ends_on")
    return date.fromisoformat(ends) if isinstance(ends, str) and ends else None


class OfficeNotFound(LookupError):
    """The request or its office is not there (yet): retried, then dead-lettered."""


def deliver(delivery: OfficeDelivery, now: datetime | None = None) -> None:
    """Email `delivery`'s message to its office, once. Raises to have the outbox retry it."""
    now = now or utc_now()
    records = EmailRecords()
    try:
        if not records.claim(delivery.message_id, delivery.office_id, now, about_dossier=delivery.dossier_id):
            logger.info("email sent already", extra={"message_id": delivery.message_id})
            return
    except DataKeyDestroyed:  # the fence wrote no record: nothing about the dossier outlives it
        logger.info("dossier erased: no email", extra={"message_id": delivery.message_id})
        return
    try:
        request = OfficeRequests().read(delivery.dossier_id, delivery.message_id, delivery.office_id)
    except DataKeyDestroyed:
        records.mark(delivery.message_id, EmailState.SKIPPED, now)
        logger.info("dossier erased: no email", extra={"message_id": delivery.message_id})
        return
    except Exception:
        records.release(delivery.message_id)
        raise
    if request is None:
        records.release(delivery.message_id)
        raise OfficeNotFound(f"message {delivery.message_id} for office {delivery.office_id}")
    about = AboutMessage(
        delivery.dossier_id, delivery.message_id, delivery.office_id, request.dossier.agency_id
    )
    try:
        flagged = [flag.address for flag in Directory().contact_flags(delivery.office_id)]
        to, withheld = deliverable(tuple(request.office.contact_emails), flagged)
        if withheld:  # stamped with the message's time, so a retried delivery adds the same item
            item = withheld_item(
                about, withheld=withheld, sent=len(to), at=delivery.created_at, office_name=office_name
            )
            FeedStore().add(item)
    except Exception:
        records.release(delivery.message_id)
        raise
    if not to:
        records.mark(delivery.message_id, EmailState.SKIPPED, now, reason="addresses_flagged")
        logger.info("email withheld: every address flagged", extra={"message_id": delivery.message_id})
        return

    token = None
    try:
        token = reference_tokens.issue_for_message(
            delivery.dossier_id, delivery.message_id, delivery.office_id, now, replace=True
        )
        if token is None:  # a concurrent issuer replaced it meanwhile: let the retry sort it out
            raise RuntimeError("the reference token changed while issuing it")
        language = Language(request.office.language)
        reply_to = reply_address(token, settings.current().inbound_domain)
        content = render(
            EmailView(
                language=language,
                message_type=request.request.type,
                agency_name=request.agency.name,
                agency_contact=str(request.agency.contact_email),
                office_name=request.office.name,
                dossier_reference=request.dossier.dossier_id,
                reply_due_on=request.request.reply_due_on,
                link=link_for(token),
                link_valid_until=(now + reference_tokens.DEFAULT_VALIDITY).date(),
                reply_to=reply_to,
                standstill_ends_on=standstill_told(request.request.body),
            )
        )
        configured = settings.current()
        raw = mime(content, sender=configured.email_sender, to=to, reply_to=reply_to, sent_at=now)
        ses_id = send_raw(
            configured.email_sender,
            to,
            raw,
            configured.ses_configuration_set,
            tags=message_tags(about),
        )
    except DataKeyDestroyed:  # erased since it was read: the fence issued no token; done with it
        records.mark(delivery.message_id, EmailState.SKIPPED, now)
        logger.info("dossier erased: no email", extra={"message_id": delivery.message_id})
        return
    except Exception:
        if token is not None:
            reference_tokens.revoke(reference_tokens.token_hash(token))  # nobody received it
        records.release(delivery.message_id)
        raise
    count(Metric.EMAILS_SENT)
    records.mark(
        delivery.message_id,
        EmailState.SENT,
        now,
        ses_message_id=ses_id,
        token_hash=reference_tokens.token_hash(token),
    )
    logger.info(
        "email sent",
        extra={
            "message_id": delivery.message_id,
            "office_id": delivery.office_id,
            "language": language.value,
        },
    )
