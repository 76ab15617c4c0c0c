from datetime import UTC, date, datetime, timedelta, timezone
from itertools import product
from typing import Any

import pytest
from pydantic import ValidationError

from respite_core.domain import (
    ANSWERS,
    DIRECTIONS,
    REPLY_RULES,
    Country,
    Direction,
    Message,
    MessageType,
    NoCooperationReason,
    ReplyNotAllowed,
    ack_due_on,
    check_reply,
    reply_due_on,
)

M = MessageType

# From the catalogue in DESIGN.md, written out apart from the code.
EXPECTED_ANSWERS: dict[MessageType, set[MessageType]] = {
    M.NOTICE: {M.NOTICE_ACK, M.NO_COOPERATION, M.OBJECTION, M.NOT_IN_NEED},
    M.BALANCE_REQUEST: {M.BALANCE_REPLY, M.BALANCE_REPLY_PREAPPROVED, M.NO_COOPERATION},
    M.PROPOSAL: {M.PROPOSAL_ACCEPT, M.PROPOSAL_REJECT},
    M.RECONSIDERATION: {M.PROPOSAL_ACCEPT, M.PROPOSAL_REJECT},
    M.STATUS_REQUEST: {M.STATUS_REPORT},
    M.SETTLEMENT_AGREED: set(),
    M.TERMINATION: set(),
}
FROM_AGENCY = set(EXPECTED_ANSWERS)
FROM_OFFICE = set(MessageType) - FROM_AGENCY


def test_the_catalogue_has_every_type_of_the_design() -> None:
    assert {message_type.value for message_type in MessageType} == {
        "notice", "notice_ack", "no_cooperation", "objection", "not_in_need", "balance_request",
        "balance_reply", "balance_reply_preapproved", "proposal", "reconsideration", "proposal_accept",
        "proposal_reject", "settlement_agreed", "termination", "status_request", "status_report",
    }  # fmt: skip


def test_answers_table_matches_the_catalogue() -> None:
    assert set(ANSWERS) == set(MessageType)
    for message_type in MessageType:
        assert ANSWERS[message_type] == EXPECTED_ANSWERS.get(message_type, set())


def test_directions() -> None:
    assert {t for t, d in DIRECTIONS.items() if d is Direction.AGENCY_TO_OFFICE} == FROM_AGENCY
    assert {t for t, d in DIRECTIONS.items() if d is Direction.OFFICE_TO_AGENCY} == FROM_OFFICE
    answering = set().union(*ANSWERS.values())
    assert answering == FROM_OFFICE  # every office message answers something, and only office messages do


@pytest.mark.parametrize(("request_type", "reply_type"), list(product(MessageType, MessageType)))
def test_check_reply_over_every_pair(request_type: MessageType, reply_type: MessageType) -> None:
    if reply_type in EXPECTED_ANSWERS.get(request_type, set()):
        check_reply(request_type, reply_type)
    else:
        with pytest.raises(ReplyNotAllowed) as caught:
            check_reply(request_type, reply_type)
        assert request_type.value in str(caught.value)
        assert reply_type.value in str(caught.value)


@pytest.mark.parametrize(
    ("request_type", "reply_type"),
    [
        (M.NOTICE, M.PROPOSAL_ACCEPT),
        (M.BALANCE_REQUEST, M.OBJECTION),
        (M.PROPOSAL, M.NO_COOPERATION),
        (M.STATUS_REQUEST, M.BALANCE_REPLY),
        (M.SETTLEMENT_AGREED, M.STATUS_REPORT),
        (M.TERMINATION, M.NOTICE_ACK),
        (M.PROPOSAL_REJECT, M.RECONSIDERATION),
    ],
)
def test_named_forbidden_replies(request_type: MessageType, reply_type: MessageType) -> None:
    with pytest.raises(ReplyNotAllowed, match=f"'{reply_type.value}' cannot answer '{request_type.value}'"):
        check_reply(request_type, reply_type)


def test_reply_rules() -> None:
    for message_type in MessageType:
        rule = REPLY_RULES[message_type]
        assert rule.ack_within_working_days == 5
        expected = 10 if EXPECTED_ANSWERS.get(message_type) else None
        assert rule.reply_within_working_days == expected


@pytest.mark.parametrize(
    ("message_type", "sent_on", "country", "due"),
    [
        # Thursday before Easter 2025: BE skips Easter Monday and 1 May; NL also Good Friday and 5 May
        (M.NOTICE, date(2025, 4, 17), Country.BE, date(2025, 5, 5)),
        (M.NOTICE, date(2025, 4, 17), Country.NL, date(2025, 5, 6)),
        # over Christmas and New Year
        (M.PROPOSAL, date(2025, 12, 19), Country.BE, date(2026, 1, 6)),
        (M.PROPOSAL, date(2025, 12, 19), Country.NL, date(2026, 1, 7)),
        (M.STATUS_REQUEST, date(2025, 6, 2), Country.BE, date(2025, 6, 17)),
        (M.SETTLEMENT_AGREED, date(2025, 6, 2), Country.BE, None),
        (M.TERMINATION, date(2025, 6, 2), Country.NL, None),
        (M.PROPOSAL_ACCEPT, date(2025, 6, 2), Country.NL, None),
    ],
)
def test_reply_due_on(message_type: MessageType, sent_on: date, country: Country, due: date | None) -> None:
    assert reply_due_on(message_type, sent_on, country) == due


@pytest.mark.parametrize(
    ("sent_on", "country", "due"),
    [
        (date(2025, 4, 17), Country.BE, date(2025, 4, 25)),
        (date(2025, 4, 17), Country.NL, date(2025, 4, 28)),
        (date(2025, 12, 19), Country.BE, date(2025, 12, 29)),
        (date(2025, 12, 19), Country.NL, date(2025, 12, 30)),
    ],
)
def test_fetch_and_ack_due_in_five_working_days(sent_on: date, country: Country, due: date) -> None:
    assert ack_due_on(M.NOTICE, sent_on, country) == due
    assert ack_due_on(M.TERMINATION, sent_on, country) == due


CREATED = datetime(2025, 4, 17, 8, 30, tzinfo=UTC)


def message(**changes: Any) -> Message:
    fields: dict[str, Any] = {
        "message_id": "01JMSG",
        "conversation_id": "01JCONV",
        "dossier_id": "01JD0SS1ER",
        "sender": "ocmw-gent",
        "receiver": "office-42",
        "type": "notice",
        "created_at": CREATED,
    }
    fields.update(changes)
    return Message.model_validate(fields)


def test_a_notice_with_its_deadline() -> None:
    notice = message(reply_due_on=date(2025, 5, 5))
    assert notice.direction is Direction.AGENCY_TO_OFFICE
    assert notice.expects_reply is True
    assert notice.body == {}


def test_reply_needs_what_it_answers() -> None:
    ack = message(type="notice_ack", sender="office-42", receiver="ocmw-gent", in_reply_to="01JMSG")
    assert ack.direction is Direction.OFFICE_TO_AGENCY
    with pytest.raises(ValidationError, match="in_reply_to"):
        message(type="notice_ack")


@pytest.mark.parametrize("reason", list(NoCooperationReason))
def test_no_cooperation_carries_a_known_reason(reason: NoCooperationReason) -> None:
    reply = message(type="no_cooperation", in_reply_to="01JMSG", body={"reason": reason.value})
    assert reply.body["reason"] == reason


@pytest.mark.parametrize("body", [{}, {"reason": "busy"}, {"reason": ["unknown_person"]}, {"reason": None}])
def test_no_cooperation_without_a_known_reason_is_refused(body: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="reason"):
        message(type="no_cooperation", in_reply_to="01JMSG", body=body)


def test_no_reply_deadline_on_announcements() -> None:
    with pytest.raises(ValidationError, match="no reply deadline"):
        message(type="termination", reply_due_on=date(2025, 5, 5))
    assert message(type="termination").reply_due_on is None


def test_fetch_and_ack_times_follow_each_other() -> None:
    fetched = CREATED + timedelta(hours=1)
    acked = message(fetched_at=fetched, acknowledged_at=fetched + timedelta(minutes=1))
    assert acked.acknowledged_at == fetched + timedelta(minutes=1)
    with pytest.raises(ValidationError, match="fetched before"):
        message(fetched_at=CREATED - timedelta(seconds=1))
    with pytest.raises(ValidationError, match="acknowledged before"):
        message(acknowledged_at=fetched)
    with pytest.raises(ValidationError, match="acknowledged before"):
        message(fetched_at=fetched, acknowledged_at=fetched - timedelta(seconds=1))


def test_message_times_are_aware_utc() -> None:
    amsterdam = timezone(timedelta(hours=2))
    created = message(created_at=datetime(2025, 4, 17, 10, 30, tzinfo=amsterdam)).created_at
    assert created == CREATED
    assert created.tzinfo is UTC
    with pytest.raises(ValidationError):
        message(created_at=datetime(2025, 4, 17, 10, 30))  # naive on purpose


def test_unknown_message_type_is_refused() -> None:
    with pytest.raises(ValidationError):
        message(type="reminder")
