"""Bounces and complaints of the email sent to offices, as pure decisions (no AWS).

Each email is sent through the SES configuration set with message tags that name what it was about
(`message_tags`: dossier, message, office and agency ids — never an address or a name). SES
publishes a Bounce or Complaint event of the set to an SNS topic, which a queue subscribes to; the
event carries those tags back (`mail.tags`), so the consumer finds the dossier without any personal
data and without a lookup by address.

- A *permanent* bounce or a complaint flags the office's address(es) it names (`addresses_to_flag`);
  a transient bounce (a full mailbox, a greylisting server) flags nothing, SES retried it already.
- The agency's feed hears of it (`feed_item_for`), naming the dossier and the office only.
- Email to a flagged address is not sent (`deliverable`); the feed says so (`withheld_item`).
"""

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from respite_core.ids import parse_iso, to_iso
from respite_notifications.feed import FeedItem, FeedKind, OfficeName

TAG_NAMES = ("dossier_id", "message_id", "office_id", "agency_id")
# SES: a tag's name and value hold only ASCII letters, digits, `_` and `-`, at most 256 characters.
_TAG_VALUE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class MailEventKind(StrEnum):
    BOUNCE = "Bounce"
    COMPLAINT = "Complaint"


class FlagReason(StrEnum):
    BOUNCED = "bounced"
    COMPLAINED = "complained"


@dataclass(frozen=True)
class AboutMessage:
    """What one email was about: ids only (the email's SES message tags)."""

    dossier_id: str
    message_id: str
    office_id: str
    agency_id: str


@dataclass(frozen=True)
class MailEvent:
    kind: MailEventKind
    ses_message_id: str
    happened_at: datetime
    permanent: bool  # a permanent bounce, or any complaint
    addresses: tuple[str, ...] = field(repr=False)  # the recipients it names, lower case
    about: AboutMessage | None  # None: not an email of ours (no tags)


class NotAMailEvent(ValueError):
    """The queue's message is neither an SES event record nor an SNS notification carrying one."""


def message_tags(about: AboutMessage) -> list[dict[str, str]]:
    """SES v2 `EmailTags` for one email; an id SES would refuse as a tag value is left out."""
    values = {name: getattr(about, name) for name in TAG_NAMES}
    return [{"Name": name, "Value": value} for name, value in values.items() if _TAG_VALUE.fullmatch(value)]


def mail_event_from(body: str) -> MailEvent | None:
    """The bounce or complaint in one queue message: the SNS notification (as SNS delivers to SQS
    without raw message delivery) or the bare SES event record. None for other event types (a
    Delivery, a Send: the configuration set publishes only bounces and complaints, but a wider set
    must not break this consumer)."""
    record = _record(body)
    event_type = record.get("eventType") or record.get("notificationType")
    if event_type not in (MailEventKind.BOUNCE, MailEventKind.COMPLAINT):
        return None
    mail = _mapping(record.get("mail"))
    ses_message_id = str(mail.get("messageId") or "")
    if not ses_message_id:
        raise NotAMailEvent("the event names no SES message")
    kind = MailEventKind(event_type)
    if kind is MailEventKind.BOUNCE:
        detail = _mapping(record.get("bounce"))
        recipients = detail.get("bouncedRecipients") or []
        permanent = detail.get("bounceType") == "Permanent"
    else:
        detail = _mapping(record.get("complaint"))
        recipients = detail.get("complainedRecipients") or []
        permanent = True
    addresses = tuple(
        str(r["emailAddress"]).strip().lower()
        for r in recipients
        if isinstance(r, Mapping) and r.get("emailAddress")
    )
    when = detail.get("timestamp") or mail.get("timestamp")
    return MailEvent(
        kind=kind,
        ses_message_id=ses_message_id,
        happened_at=parse_iso(str(when)),
        permanent=permanent,
        addresses=addresses,
        about=_about(_mapping(mail.get("tags"))),
    )


def addresses_to_flag(event: MailEvent, office_addresses: Iterable[str]) -> tuple[str, ...]:
    """The office's own addresses this event condemns: none for a transient bounce, and never an
    address that is not the office's (the event must not flag anyone else's)."""
    if not event.permanent:
        return ()
    own = {a.lower() for a in office_addresses}
    return tuple(sorted({a for a in event.addresses if a in own}))


def flag_reason(event: MailEvent) -> FlagReason:
    return FlagReason.BOUNCED if event.kind is MailEventKind.BOUNCE else FlagReason.COMPLAINED


def feed_item_for(
    event: MailEvent, *, flagged: int, agency_id: str | None, office_name: OfficeName = str
) -> FeedItem | None:
    """The caseworker's alert: which dossier's email to which office bounced or was complained of,
    and how many addresses are now flagged. `agency_id` is the agency the dossier is at now (it may
    have moved since the email was sent; None once it is erased). None when there is nothing to say
    (not our email, a transient bounce, no dossier any more)."""
    if event.about is None or not event.permanent or agency_id is None:
        return None
    kind = FeedKind.EMAIL_BOUNCED if event.kind is MailEventKind.BOUNCE else FeedKind.EMAIL_COMPLAINED
    office = office_name(event.about.office_id)
    headline = (
        f"The email to {office} bounced: {_addresses(flagged)} flagged"
        if kind is FeedKind.EMAIL_BOUNCED
        else f"{office}'s mailbox marked the email as spam: {_addresses(flagged)} flagged"
    )
    return FeedItem(
        item_id=f"{to_iso(event.happened_at)}~{kind.value}~{event.ses_message_id}",
        agency_id=agency_id,
        kind=kind,
        dossier_id=event.about.dossier_id,
        happened_at=event.happened_at,
        office_id=event.about.office_id,
        message_id=event.about.message_id,
        summary={"addresses_flagged": flagged},
        headline=headline,
    )


def _addresses(count: int) -> str:
    return f"{count} address" if count == 1 else f"{count} addresses"


def deliverable(addresses: Sequence[str], flagged: Iterable[str]) -> tuple[tuple[str, ...], int]:
    """The addresses to send to (in the office's order) and how many were withheld as flagged."""
    stop = {a.lower() for a in flagged}
    send_to = tuple(a for a in addresses if a.lower() not in stop)
    return send_to, len(addresses) - len(send_to)


def withheld_item(
    about: AboutMessage, *, withheld: int, sent: int, at: datetime, office_name: OfficeName = str
) -> FeedItem:
    """The caseworker hears that a request's email skipped flagged addresses (`sent` 0: it went to
    nobody, so the office must be reached another way)."""
    return FeedItem(
        item_id=f"{to_iso(at)}~{FeedKind.EMAIL_WITHHELD.value}~{about.message_id}",
        agency_id=about.agency_id,
        kind=FeedKind.EMAIL_WITHHELD,
        dossier_id=about.dossier_id,
        happened_at=at,
        office_id=about.office_id,
        message_id=about.message_id,
        summary={"addresses_withheld": withheld, "addresses_sent": sent},
        headline=(
            f"The email to {office_name(about.office_id)} skipped {_addresses(withheld)} flagged"
            + ("" if sent else ": it went to nobody, reach the office another way")
        ),
    )


def _record(body: str) -> Mapping[str, Any]:
    try:
        parsed = json.loads(body)
    except ValueError:
        raise NotAMailEvent("the message is not JSON") from None
    if not isinstance(parsed, dict):
        raise NotAMailEvent("the message is not a JSON object")
    if parsed.get("Type") == "Notification" and isinstance(parsed.get("Message"), str):
        return _record(parsed["Message"])  # the SNS envelope around SES's record
    return parsed


def _about(tags: Mapping[str, Any]) -> AboutMessage | None:
    """SES publishes each tag as a list of values: `{"dossier_id": ["01J..."]}`."""
    values: dict[str, str] = {}
    for name in TAG_NAMES:
        found = tags.get(name)
        value = found[0] if isinstance(found, list) and found else found
        if not isinstance(value, str) or not value:
            return None
        values[name] = value
    return AboutMessage(**values)


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}
