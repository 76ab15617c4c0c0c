"""Which changes of the dossier table reach the agency's feed, and as what."""

from datetime import UTC, date, datetime
from typing import Any

from respite_core.domain import DIRECTIONS, Direction, MessageType
from respite_notifications.feed import FeedKind, Move, feed_items_for, transferred

DOSSIER: dict[str, Any] = {
    "entity": "dossier",
    "dossier_id": "D1",
    "agency_id": "ocmw-gent",
    "state": "notified",
    "opened_at": "2026-09-01T08:00:00.000000Z",
    "standstill_starts_on": "2026-09-02",
    "standstill_ends_on": "2026-12-02",
}
REQUEST: dict[str, Any] = {
    "entity": "message",
    "message_id": "M1",
    "conversation_id": "D1-vanhove",
    "dossier_id": "D1",
    "agency_id": "ocmw-gent",
    "office_id": "vanhove",
    "sender": "ocmw-gent",
    "receiver": "vanhove",
    "type": "notice",
    "created_at": "2026-09-02T08:00:00.000000Z",
    "reply_due_on": "2026-09-16",
}
REPLY: dict[str, Any] = REQUEST | {
    "message_id": "R1",
    "sender": "vanhove",
    "receiver": "ocmw-gent",
    "type": "notice_ack",
    "in_reply_to": "M1",
    "received_at": "2026-09-05T10:00:00.000000Z",
}
del REPLY["reply_due_on"]


def test_a_new_dossier_is_announced_once_per_change() -> None:
    first = feed_items_for("INSERT", None, DOSSIER)
    again = feed_items_for("INSERT", None, DOSSIER)
    assert [i.kind for i in first] == [FeedKind.DOSSIER_REGISTERED]
    assert first == again  # a redelivered record writes the same item


def test_a_reply_is_announced_with_its_office_and_type() -> None:
    [item] = feed_items_for("INSERT", None, REPLY)
    assert item.kind is FeedKind.REPLY_RECEIVED
    assert (item.office_id, item.message_type, item.message_id) == ("vanhove", "notice_ack", "R1")


def test_the_agencys_own_requests_are_not_feed_items() -> None:
    assert feed_items_for("INSERT", None, REQUEST) == []


def test_an_overdue_reply_is_announced_when_it_is_marked_and_not_again() -> None:
    marked = REQUEST | {"overdue_on": "2026-09-17"}

    [item] = feed_items_for("MODIFY", REQUEST, marked)

    assert item.kind is FeedKind.REPLY_OVERDUE
    assert item.due_on == date(2026, 9, 16)
    assert feed_items_for("MODIFY", marked, marked | {"fetched_at": "2026-09-18T00:00:00Z"}) == []


def test_a_message_not_acknowledged_in_time_is_announced() -> None:
    [item] = feed_items_for("MODIFY", REQUEST, REQUEST | {"ack_overdue_on": "2026-09-10"})
    assert item.kind is FeedKind.NOT_ACKNOWLEDGED
    assert item.office_id == "vanhove"


def test_a_standstill_about_to_end_is_announced_with_its_end() -> None:
    [item] = feed_items_for("MODIFY", DOSSIER, DOSSIER | {"standstill_warned_on": "2026-11-18"})
    assert item.kind is FeedKind.STANDSTILL_ENDS_SOON
    assert item.due_on == date(2026, 12, 2)


def test_other_changes_and_removals_are_not_feed_items() -> None:
    assert feed_items_for("MODIFY", DOSSIER, DOSSIER | {"state": "negotiating"}) == []
    assert feed_items_for("REMOVE", DOSSIER, None) == []
    assert feed_items_for("INSERT", None, {"entity": "claim", "dossier_id": "D1"}) == []


def test_feed_items_carry_no_personal_data() -> None:
    person_like = {"family_name": "Peeters", "national_number": "85073003328"}
    [item] = feed_items_for("INSERT", None, REPLY | person_like)
    assert "Peeters" not in item.model_dump_json()
    assert "85073003328" not in item.model_dump_json()


def test_a_linked_mail_is_announced_with_the_request_it_answers() -> None:
    mail = {
        "entity": "mail",
        "dossier_id": "D1",
        "agency_id": "ocmw-gent",
        "office_id": "vanhove",
        "in_reply_to": "M1",
        "received_at": "2026-09-05T10:00:00.000000Z",
        "sealed": "v1:...",
    }
    [item] = feed_items_for("INSERT", None, mail)
    assert (item.kind, item.office_id, item.message_id) == (FeedKind.MAIL_RECEIVED, "vanhove", "M1")


def test_a_quarantined_mail_is_announced_with_its_reason_and_nothing_it_says() -> None:
    quarantined = {
        "entity": "quarantined_mail",
        "dossier_id": "D1",
        "agency_id": "ocmw-gent",
        "office_id": "vanhove",
        "in_reply_to": "M1",
        "received_at": "2026-09-05T10:00:00.000000Z",
        "reason": "sender_not_of_office",
        "sealed": "v1:Peeters",
    }
    [item] = feed_items_for("INSERT", None, quarantined)
    assert (item.kind, item.office_id, item.message_id, item.reason) == (
        FeedKind.MAIL_QUARANTINED,
        "vanhove",
        "M1",
        "sender_not_of_office",
    )
    assert "Peeters" not in item.model_dump_json()
    assert feed_items_for("MODIFY", quarantined, quarantined) == []


def office_names(office_id: str) -> str:
    return {"vanhove": "Gerechtsdeurwaarders Van Hove"}.get(office_id, office_id)


def test_a_reply_says_what_happened_with_the_offices_name_and_its_claims() -> None:
    [with_claims] = feed_items_for("INSERT", None, REPLY | {"claims_received": 3}, office_names)
    [rejected] = feed_items_for(
        "INSERT", None, REPLY | {"type": "proposal_reject", "sealed_body": "v1:..."}, office_names
    )

    assert with_claims.headline == "Gerechtsdeurwaarders Van Hove acknowledged the notice with 3 claims"
    assert with_claims.summary == {"claims": 3}
    assert rejected.headline == "Gerechtsdeurwaarders Van Hove rejected the proposal"
    assert rejected.summary is None


def test_every_reply_type_has_a_headline() -> None:
    replies = [t for t in MessageType if DIRECTIONS[t] is Direction.OFFICE_TO_AGENCY]
    for reply_type in replies:
        [item] = feed_items_for("INSERT", None, REPLY | {"type": reply_type.value}, office_names)
        assert str(item.headline).startswith("Gerechtsdeurwaarders Van Hove "), reply_type


def test_marks_say_which_office_and_what_it_did_not_do() -> None:
    [overdue] = feed_items_for("MODIFY", REQUEST, REQUEST | {"overdue_on": "2026-09-17"}, office_names)
    [unacknowledged] = feed_items_for(
        "MODIFY", REQUEST, REQUEST | {"ack_overdue_on": "2026-09-10"}, office_names
    )
    assert overdue.headline == "Gerechtsdeurwaarders Van Hove has not answered the notice due on 2026-09-16"
    assert unacknowledged.headline == (
        "Gerechtsdeurwaarders Van Hove has neither acknowledged nor answered the notice"
    )


def test_a_headline_names_neither_the_person_nor_the_offices_words() -> None:
    person_like = {"family_name": "Peeters", "comment": "Peeters owes more", "reason": "Peeters moved"}
    [item] = feed_items_for("INSERT", None, REPLY | person_like, office_names)
    assert "Peeters" not in item.model_dump_json()


def test_a_transfer_is_announced_to_the_new_agency_by_the_old_ones_name() -> None:
    moved = DOSSIER | {"agency_id": "shv-utrecht", "transferred_at": "2026-10-01T09:00:00.000000Z"}
    names = {"ocmw-gent": "OCMW Gent"}.__getitem__

    [item] = feed_items_for("MODIFY", DOSSIER, moved, agency_name=names)

    assert (item.kind, item.agency_id, item.dossier_id) == (FeedKind.DOSSIER_TRANSFERRED, "shv-utrecht", "D1")
    assert item.headline == "Dossier transferred from OCMW Gent"
    assert transferred("MODIFY", DOSSIER, moved) == Move(
        "D1", "ocmw-gent", "shv-utrecht", datetime(2026, 10, 1, 9, tzinfo=UTC)
    )
    assert feed_items_for("MODIFY", DOSSIER, moved, agency_name=names) == [item]  # redelivered: the same


def test_a_change_that_moves_nothing_is_no_transfer() -> None:
    closed = DOSSIER | {"state": "closed", "closed_at": "2026-10-01T09:00:00.000000Z"}
    assert transferred("MODIFY", DOSSIER, closed) is None
    assert transferred("INSERT", None, DOSSIER) is None
    assert transferred("MODIFY", REQUEST, REQUEST | {"agency_id": "shv-utrecht"}) is None
