"""The caseworker feed: in-app notifications of what happened to an agency's dossiers.

A feed item names a dossier and what happened, never the person: the feed is shown in lists and
may be read by every caseworker of the agency. Items come from changes on the dossier table's
stream; each item's id is derived from what caused it, so a redelivered change adds nothing.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from respite_core.domain import Dossier, MessageType
from respite_core.ids import parse_iso, to_iso
from respite_core.overview import StatusOverview
from respite_core.store.items import ENTITY, Entity, model_of


class FeedKind(StrEnum):
    DOSSIER_REGISTERED = "dossier_registered"
    REPLY_RECEIVED = "reply_received"  # an office answered a request
    REPLY_OVERDUE = "reply_overdue"  # no answer within 10 working days
    NOT_ACKNOWLEDGED = "not_acknowledged"  # not fetched and acknowledged within 5 working days
    STANDSTILL_ENDS_SOON = "standstill_ends_soon"  # two weeks before the standstill ends
    MAIL_RECEIVED = "mail_received"  # an office answered by email; linked to the request it answers
    MAIL_QUARANTINED = "mail_quarantined"  # a mail for a request was not trusted (`reason`): not linked
    WEEKLY_DIGEST = "weekly_digest"  # the agency's status overview of the week (counts, no names)
    EMAIL_BOUNCED = "email_bounced"  # an office's address bounced the email of a request (now flagged)
    EMAIL_COMPLAINED = "email_complained"  # an office's mailbox marked the email as spam (now flagged)
    EMAIL_WITHHELD = "email_withheld"  # a request's email was not sent to a flagged address
    WEBHOOK_DISABLED = "webhook_disabled"  # the office's endpoint answered 410 Gone: no more webhooks
    WEBHOOK_FAILED = "webhook_failed"  # a request's webhook could not be delivered (retries exhausted)
    DOSSIER_TRANSFERRED = "dossier_transferred"  # an operator moved the dossier here (its items came along)


class FeedItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    item_id: str  # derived from what caused it, so a redelivered event writes the same item
    agency_id: str
    kind: FeedKind
    dossier_id: str
    happened_at: datetime
    read: bool = False
    office_id: str | None = None
    message_id: str | None = None
    message_type: MessageType | None = None
    due_on: date | None = None
    summary: dict[str, int] | None = None  # counts: the weekly digest's; a reply's claims
    reason: str | None = None  # why a mail was quarantined (e.g. sender_not_of_office)
    # what happened, in a sentence for lists: the office's name, the message's type, counts and dates;
    # never the person nor an office's own words (the feed is not sealed: those stay in the dossier)
    headline: str | None = None


type OfficeName = Callable[[str], str]
"""The office's name in the directory, from its id (its id when it is not there)."""
type AgencyName = Callable[[str], str]
"""The agency's name in the directory, from its id (its id when it is not there)."""

_REPLY_HEADLINES: Mapping[MessageType, str] = {
    MessageType.NOTICE_ACK: "{office} acknowledged the notice",
    MessageType.NO_COOPERATION: "{office} will not cooperate",
    MessageType.OBJECTION: "{office} objects to the standstill",
    MessageType.NOT_IN_NEED: "{office} believes no debt help is needed",
    MessageType.BALANCE_REPLY: "{office} sent its balance",
    MessageType.BALANCE_REPLY_PREAPPROVED: "{office} sent its balance and accepts any plan in advance",
    MessageType.PROPOSAL_ACCEPT: "{office} accepted the proposal",
    MessageType.PROPOSAL_REJECT: "{office} rejected the proposal",
    MessageType.STATUS_REPORT: "{office} sent a status report",
}


def _words(message_type: MessageType) -> str:
    return message_type.value.replace("_", " ")


def _claims(count: int) -> str:
    return f"{count} claim" if count == 1 else f"{count} claims"


type Image = Mapping[str, Any]


def feed_items_for(
    event_name: str,
    old: Image | None,
    new: Image | None,
    office_name: OfficeName = str,
    agency_name: AgencyName = str,
) -> list[FeedItem]:
    """What the agency's caseworkers should hear of one change of the dossier table."""
    if not new:
        return []
    entity = new.get(ENTITY)
    if entity == Entity.DOSSIER:
        return _dossier_items(event_name, old or {}, new, agency_name)
    if entity == Entity.MESSAGE:
        return _message_items(event_name, old or {}, new, office_name)
    if entity in (Entity.MAIL, Entity.QUARANTINED_MAIL) and event_name == "INSERT":
        return [_mail_item(new, office_name)]
    return []


def _mail_item(mail: Image, office_name: OfficeName) -> FeedItem:
    """A mail kept in the dossier: linked, or quarantined (the caseworker hears that one came, and why
    it was not linked; what it says stays sealed)."""
    office = office_name(str(mail["office_id"]))
    about: dict[str, Any] = {
        "office_id": str(mail["office_id"]),
        "message_id": str(mail["in_reply_to"]),
        "headline": f"{office} answered by email",
    }
    kind = FeedKind.MAIL_RECEIVED
    if mail.get(ENTITY) == Entity.QUARANTINED_MAIL:
        kind, about["reason"] = FeedKind.MAIL_QUARANTINED, str(mail["reason"])
        about["headline"] = f"A mail for {office} was not linked ({_words_of(str(mail['reason']))})"
    received = parse_iso(str(mail["received_at"]))
    return _item(kind, str(mail["agency_id"]), str(mail["dossier_id"]), received, **about)


def _words_of(code: str) -> str:
    return code.replace("_", " ")


@dataclass(frozen=True)
class Move:
    """A dossier an operator moved from one agency to another."""

    dossier_id: str
    from_agency_id: str
    to_agency_id: str
    at: datetime


def transferred(event_name: str, old: Image | None, new: Image | None) -> Move | None:
    """The move a change of the dossier table records, if it is one: the meta item's agency changed."""
    if event_name != "MODIFY" or not old or not new or new.get(ENTITY) != Entity.DOSSIER:
        return None
    before, after = str(old.get("agency_id") or ""), str(new.get("agency_id") or "")
    if not before or before == after:
        return None
    at = (
        parse_iso(str(new["transferred_at"]))
        if new.get("transferred_at")
        else parse_iso(str(new["opened_at"]))
    )
    return Move(str(new["dossier_id"]), before, after, at)


def _dossier_items(event_name: str, old: Image, new: Image, agency_name: AgencyName = str) -> list[FeedItem]:
    dossier = model_of(Dossier, new)
    move = transferred(event_name, old, new)
    if move is not None:  # the new agency hears of it; the old one's items about it moved along
        headline = f"Dossier transferred from {agency_name(move.from_agency_id)}" + (
            f" ({dossier.agency_reference})" if dossier.agency_reference else ""
        )
        return [
            _item(
                FeedKind.DOSSIER_TRANSFERRED, move.to_agency_id, move.dossier_id, move.at, headline=headline
            )
        ]
    if event_name == "INSERT":
        opened = dossier.opened_at
        headline = "Dossier registered" + (
            f" ({dossier.agency_reference})" if dossier.agency_reference else ""
        )
        return [
            _item(
                FeedKind.DOSSIER_REGISTERED, dossier.agency_id, dossier.dossier_id, opened, headline=headline
            )
        ]
    if _newly_set(old, new, "standstill_warned_on"):
        marked = date.fromisoformat(str(new["standstill_warned_on"]))
        return [
            _item(
                FeedKind.STANDSTILL_ENDS_SOON,
                dossier.agency_id,
                dossier.dossier_id,
                datetime.combine(marked, time(), tzinfo=UTC),
                due_on=dossier.standstill_ends_on,
                headline=f"The standstill ends on {dossier.standstill_ends_on}",
            )
        ]
    return []


def _message_items(event_name: str, old: Image, new: Image, office_name: OfficeName) -> list[FeedItem]:
    agency_id, dossier_id = str(new["agency_id"]), str(new["dossier_id"])
    message_type = MessageType(new["type"])
    about = {
        "office_id": str(new["office_id"]),
        "message_id": str(new["message_id"]),
        "message_type": message_type,
    }
    office = office_name(str(new["office_id"]))
    if event_name == "INSERT" and new.get("in_reply_to"):
        received = parse_iso(str(new.get("received_at") or new["created_at"]))
        claims = int(new.get("claims_received") or 0)
        headline = _REPLY_HEADLINES[message_type].format(office=office) + (
            f" with {_claims(claims)}" if claims else ""
        )
        counts = {"claims": claims} if claims else None
        return [
            _item(
                FeedKind.REPLY_RECEIVED,
                agency_id,
                dossier_id,
                received,
                headline=headline,
                summary=counts,
                **about,
            )
        ]
    items = []
    for attribute, kind in (
        ("overdue_on", FeedKind.REPLY_OVERDUE),
        ("ack_overdue_on", FeedKind.NOT_ACKNOWLEDGED),
    ):
        if _newly_set(old, new, attribute):
            marked = date.fromisoformat(str(new[attribute]))
            when = datetime.combine(marked, time(), tzinfo=UTC)
            due = new.get("reply_due_on") if kind is FeedKind.REPLY_OVERDUE else None
            headline = (
                f"{office} has not answered the {_words(message_type)} due on {due}"
                if kind is FeedKind.REPLY_OVERDUE
                else f"{office} has neither acknowledged nor answered the {_words(message_type)}"
            )
            items.append(
                _item(
                    kind,
                    agency_id,
                    dossier_id,
                    when,
                    due_on=date.fromisoformat(str(due)) if due else None,
                    headline=headline,
                    **about,
                )
            )
    return items


def weekly_digest(overview: StatusOverview) -> FeedItem:
    """The week's overview as one feed item: counts per state, claims received, deadlines coming."""
    week = overview.generated_at.strftime("%G-W%V")  # one digest per agency per ISO week
    summary = {
        f"dossiers_{state.value}": count for state, count in overview.dossiers_by_state.items() if count
    }
    summary |= {
        "claims_received": overview.claims_received_since,
        "deadlines_this_week": len(overview.deadlines_this_week),
    }
    return FeedItem(
        item_id=f"{week}~{FeedKind.WEEKLY_DIGEST.value}~{overview.agency_id}",
        agency_id=overview.agency_id,
        kind=FeedKind.WEEKLY_DIGEST,
        dossier_id="",
        happened_at=overview.generated_at,
        summary=summary,
        headline=f"The overview of week {week}",
    )


def webhook_trouble(
    kind: FeedKind,
    delivery: Mapping[str, Any],
    *,
    agency_id: str,
    at: datetime,
    round_: int,
    office_name: OfficeName = str,
) -> FeedItem:
    """An office's endpoint disabled (410) or a request's webhook given up: the caseworker of the
    dossier it was about hears of it (ids and the message type; no URL, no status text)."""
    webhook_id = str(delivery["webhook_id"])
    message_type = delivery.get("message_type")
    office, about = office_name(str(delivery["office_id"])), _words_of(str(message_type or "message"))
    headline = (
        f"{office}'s webhook endpoint is gone: it gets no more webhooks"
        if kind is FeedKind.WEBHOOK_DISABLED
        else f"The webhook of the {about} to {office} could not be delivered"
    )
    return FeedItem(
        item_id=f"{to_iso(at)}~{kind.value}~{webhook_id}-{round_}",
        agency_id=agency_id,
        kind=kind,
        dossier_id=str(delivery["dossier_id"]),
        happened_at=at,
        office_id=str(delivery["office_id"]),
        message_id=str(delivery["message_id"]),
        message_type=MessageType(message_type) if message_type else None,
        headline=headline,
    )


def _newly_set(old: Image, new: Image, attribute: str) -> bool:
    return attribute in new and attribute not in old


def _item(kind: FeedKind, agency_id: str, dossier_id: str, happened_at: datetime, **about: Any) -> FeedItem:
    cause = about.get("message_id") or dossier_id
    return FeedItem(
        item_id=f"{to_iso(happened_at)}~{kind.value}~{cause}",  # URL-safe: it is a path parameter
        agency_id=agency_id,
        kind=kind,
        dossier_id=dossier_id,
        happened_at=happened_at,
        **about,
    )
