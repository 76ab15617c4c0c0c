"""Email an office that a dossier it was notified of is erased: once per (dossier, office).

The same once-only record as a message's email (`store.EmailRecords`), under the termination's
record id: no dossier id, no address, no content, expiring after `TERMINATION_RECORDS_KEPT`. The
email names the dossier's id, the office's own references when the termination carries them, the
agency and its contact, and why; nothing of the person, and no link (nothing is left to open). It
goes to the office's addresses that did not bounce or complain, with Reply-To the agency's contact.
"""

from datetime import datetime
from enum import StrEnum

from respite_core import settings
from respite_core.domain import Language
from respite_core.erasure import TERMINATION_RECORDS_KEPT
from respite_core.ids import utc_now
from respite_core.metrics import Metric, count
from respite_core.store.directory import Directory
from respite_notifications.email.compose import TerminationView, mime, render_termination
from respite_notifications.email.sender import OfficeNotFound
from respite_notifications.email.store import EmailRecords, EmailState, send_raw
from respite_notifications.mail_events import AboutMessage, deliverable, message_tags
from respite_notifications.terminations import Termination, record_id


class Emailed(StrEnum):
    SENT = "sent"
    SENT_ALREADY = "sent_already"  # a redelivered termination
    WITHHELD = "withheld"  # every address of the office bounced or complained


def send_termination(termination: Termination, now: datetime | None = None) -> Emailed:
    """Email `termination` to its office, once. Raises to have the queue retry it."""
    now = now or utc_now()
    records, key = EmailRecords(), record_id(termination)
    if not records.claim(key, termination.office_id, now, kept=TERMINATION_RECORDS_KEPT):
        return Emailed.SENT_ALREADY
    try:
        directory = Directory()
        office, agency = directory.office(termination.office_id), directory.agency(termination.agency_id)
        if office is None or agency is None:
            raise OfficeNotFound(f"office {termination.office_id} or agency {termination.agency_id}")
        flagged = [flag.address for flag in directory.contact_flags(termination.office_id)]
        to, _ = deliverable(tuple(office.contact_emails), flagged)
        if not to:
            records.mark(key, EmailState.SKIPPED, now, reason="addresses_flagged")
            return Emailed.WITHHELD
        content = render_termination(
            TerminationView(
                language=Language(office.language),
                agency_name=agency.name,
                agency_contact=str(agency.contact_email),
                office_name=office.name,
                dossier_reference=termination.dossier_id,
                reason=termination.reason,
                # not by email: it is unsigned and stays in mailboxes, and (like every email of the
                # platform) names no file of the person; the office's system gets its references in
                # the signed `dossier.terminated` webhook
            )
        )
        configured = settings.current()
        sender = configured.email_sender
        raw = mime(content, sender=sender, to=to, reply_to=str(agency.contact_email), sent_at=now)
        about = AboutMessage(termination.dossier_id, key, termination.office_id, termination.agency_id)
        ses_id = send_raw(
            sender,
            to,
            raw,
            configured.ses_configuration_set,
            tags=message_tags(about),  # a bounce still flags the address (the feed has no dossier)
        )
    except Exception:
        records.release(key)
        raise
    count(Metric.EMAILS_SENT)
    records.mark(key, EmailState.SENT, now, ses_message_id=ses_id)
    return Emailed.SENT
