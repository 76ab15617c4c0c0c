"""The exchange's pure decisions: what a step sends, how the dossier and its standstill move, which replies
may answer what, what is pending, and where the negotiation stands. No AWS: plain models in, models out."""

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from itertools import count, permutations
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from respite_claims.exchange import (
    NotNow,
    answer,
    next_deadline,
    not_yet_notified,
    notified_offices,
    pending,
    proposal_answers,
    proposal_offer,
    proposal_parts,
    send,
    settlement_blockers,
    standstill_warning_on,
    tally,
    to_claim,
)
from respite_claims.models import ClaimInput, ProposalKind, Reply
from respite_claims.plan import Debt, buy_out, instalment_plan
from respite_core.domain import (
    ANSWERS,
    Agency,
    AgencyKind,
    Claim,
    Country,
    CreditorClass,
    Dossier,
    DossierEvent,
    DossierState,
    Enforcement,
    IllegalTransition,
    Language,
    Message,
    MessageType,
    NoCooperationReason,
    ReplyNotAllowed,
    Title,
    TitleKind,
    conversation_id,
)
from respite_core.ids import utc_now

S = DossierState
M = MessageType

AGENCY_BE = Agency(
    agency_id="ocmw-gent",
    name="OCMW Gent",
    kind=AgencyKind.OCMW,
    country=Country.BE,
    language=Language.NL,
    contact_email="schuld@ocmw-gent.be",
)
AGENCY_NL = Agency(
    agency_id="gemeente-utrecht",
    name="Gemeente Utrecht",
    kind=AgencyKind.SHV,
    country=Country.NL,
    language=Language.NL,
    contact_email="schuldhulp@utrecht.nl",
)
DOSSIER_ID = "dossier-1"
OPENED = datetime(2025, 10, 1, 9, 0, tzinfo=UTC)
# a standstill that started on 15 Jan 2026 and ends three months later
STARTED = date(2026, 1, 15)
ENDS = date(2026, 4, 15)
REQUESTS = (M.NOTICE, M.BALANCE_REQUEST, M.PROPOSAL, M.RECONSIDERATION, M.STATUS_REQUEST)
ANNOUNCEMENTS = (M.SETTLEMENT_AGREED, M.TERMINATION)
NOT_ANSWERABLE = (S.REGISTERED, S.TERMINATED, S.CLOSED, S.WITHDRAWN, S.ERASED)


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def ids(prefix: str = "m") -> Callable[[], str]:
    counter = count(1)
    return lambda: f"{prefix}{next(counter):03d}"


def dossier(
    state: DossierState = S.REGISTERED,
    *,
    starts: date | None = None,
    ends: date | None = None,
    dossier_id: str = DOSSIER_ID,
) -> Dossier:
    fields: dict[str, Any] = {
        "dossier_id": dossier_id,
        "agency_id": AGENCY_BE.agency_id,
        "state": state,
        "opened_at": OPENED,
        "standstill_starts_on": starts,
        "standstill_ends_on": ends,
    }
    if state is S.CLOSED:
        fields["closed_at"] = OPENED + timedelta(days=200)
    if state is S.WITHDRAWN:
        fields["withdrawn_at"] = OPENED + timedelta(days=200)
    return Dossier.model_validate(fields)


NEGOTIATING = dossier(S.NEGOTIATING, starts=date(2026, 1, 5), ends=date(2026, 4, 5))


def in_state(state: DossierState) -> Dossier:
    """A valid dossier in `state`: with the running (or past) standstill once notices went out."""
    if state is S.REGISTERED:
        return dossier(state)
    return dossier(state, starts=STARTED, ends=ENDS)


def request(
    message_id: str,
    kind: MessageType,
    office: str,
    created: datetime,
    due: date | None = None,
    body: dict[str, Any] | None = None,
) -> Message:
    return Message(
        message_id=message_id,
        conversation_id=conversation_id(DOSSIER_ID, office),
        dossier_id=DOSSIER_ID,
        sender=AGENCY_BE.agency_id,
        receiver=office,
        type=kind,
        created_at=created,
        reply_due_on=due,
        body=body or {},
    )


def reply(message_id: str, kind: MessageType, to: Message, created: datetime | None = None) -> Message:
    return Message(
        message_id=message_id,
        conversation_id=to.conversation_id,
        dossier_id=to.dossier_id,
        sender=to.receiver,
        receiver=to.sender,
        type=kind,
        created_at=created or to.created_at + timedelta(days=1),
        in_reply_to=to.message_id,
        body={"reason": NoCooperationReason.UNKNOWN_PERSON.value} if kind is M.NO_COOPERATION else {},
    )


def claim(
    claim_id: str,
    office: str,
    principal: int,
    *,
    paid: int = 0,
    creditor_class: CreditorClass = CreditorClass.ORDINARY,
) -> Claim:
    return Claim(
        claim_id=claim_id,
        dossier_id=DOSSIER_ID,
        office_id=office,
        office_reference=f"ref-{claim_id}",
        principal=principal,
        interest=0,
        costs=0,
        paid=paid,
        title=Title(kind=TitleKind.NONE),
        creditor_class=creditor_class,
        principal_creditor="Some Bank",
    )


# --- notices --------------------------------------------------------------------------------------------


def test_the_first_notice_notifies_the_dossier_and_starts_the_standstill() -> None:
    now = at(date(2026, 1, 15))
    out = send(
        M.NOTICE,
        dossier(),
        AGENCY_BE,
        ["bailiff-a", "bank-b"],
        now,
        ids(),
        lambda office_id: {"standstill": "requested", "to": office_id},
    )

    assert out.dossier.state is S.NOTIFIED
    assert out.dossier.standstill_starts_on == date(2026, 1, 15)
    assert out.dossier.standstill_ends_on == date(2026, 4, 15)
    assert out.dossier.dossier_id == DOSSIER_ID
    assert out.dossier.opened_at == OPENED
    assert [m.receiver for m in out.messages] == ["bailiff-a", "bank-b"]
    assert [m.message_id for m in out.messages] == ["m001", "m002"]
    for message in out.messages:
        assert message.type is M.NOTICE
        assert message.sender == AGENCY_BE.agency_id
        assert message.dossier_id == DOSSIER_ID
        assert message.created_at == now
        assert message.in_reply_to is None
        assert message.conversation_id == f"{DOSSIER_ID}-{message.receiver}"
        # every office hears the standstill's last day with its notice
        assert message.body == {
            "standstill": "requested",
            "to": message.receiver,
            "standstill_ends_on": "2026-04-15",
        }
        # 15 Jan 2026 is a Thursday; ten working days later (no holiday in between) is Thursday 29 Jan
        assert message.reply_due_on == date(2026, 1, 29)


def test_send_leaves_the_dossier_it_was_given_as_it_was() -> None:
    before = dossier()
    send(M.NOTICE, before, AGENCY_BE, ["bailiff-a"], at(date(2026, 1, 15)), ids())
    assert before.state is S.REGISTERED
    assert before.standstill_starts_on is None


@pytest.mark.parametrize(
    ("sent_on", "ends_on"),
    [
        (date(2025, 11, 30), date(2026, 2, 28)),  # no 30 February: clamped to the month's end
        (date(2023, 11, 30), date(2024, 2, 29)),  # leap year
        (date(2026, 3, 31), date(2026, 6, 30)),
        (date(2025, 12, 31), date(2026, 3, 31)),  # over the year's end
        (date(2026, 2, 28), date(2026, 5, 28)),
    ],
)
def test_the_standstill_lasts_three_calendar_months_clamped_to_the_months_end(
    sent_on: date, ends_on: date
) -> None:
    out = send(M.NOTICE, dossier(), AGENCY_BE, ["bailiff-a"], at(sent_on), ids())
    assert out.dossier.standstill_starts_on == sent_on
    assert out.dossier.standstill_ends_on == ends_on


@pytest.mark.parametrize("state", [S.NOTIFIED, S.NEGOTIATING])
def test_a_later_notice_to_another_office_keeps_the_state_and_the_standstill(state: DossierState) -> None:
    before = dossier(state, starts=STARTED, ends=ENDS)
    out = send(M.NOTICE, before, AGENCY_BE, ["late-creditor"], at(date(2026, 2, 20)), ids())
    assert out.dossier.state is state
    assert out.dossier.standstill_starts_on == STARTED
    assert out.dossier.standstill_ends_on == ENDS
    assert [m.receiver for m in out.messages] == ["late-creditor"]


def weekdays_between(start: date, end: date) -> int:
    """Mondays to Fridays after `start` up to and including `end`."""
    return sum((start + timedelta(days=n)).weekday() < 5 for n in range(1, (end - start).days + 1))


@pytest.mark.parametrize(
    ("agency", "sent_on", "due_on", "holidays_skipped"),
    [
        # Wed 1 Apr 2026: Easter Monday (6 Apr) is a BE holiday, Good Friday (3 Apr) is not
        (AGENCY_BE, date(2026, 4, 1), date(2026, 4, 16), 1),
        # in NL both Good Friday and Easter Monday are holidays
        (AGENCY_NL, date(2026, 4, 1), date(2026, 4, 17), 2),
        # Thu 16 Apr 2026: King's Day (Mon 27 Apr) is a NL holiday, not a BE one
        (AGENCY_NL, date(2026, 4, 16), date(2026, 5, 1), 1),
        (AGENCY_BE, date(2026, 4, 16), date(2026, 4, 30), 0),
    ],
)
def test_a_reply_is_due_ten_working_days_later_in_the_agencys_country(
    agency: Agency, sent_on: date, due_on: date, holidays_skipped: int
) -> None:
    out = send(M.NOTICE, dossier(), agency, ["bailiff-a"], at(sent_on), ids())
    assert out.messages[0].reply_due_on == due_on
    assert weekdays_between(sent_on, due_on) == 10 + holidays_skipped


def test_the_due_date_counts_from_the_agencys_day_the_message_is_sent_whatever_the_hour() -> None:
    early = send(M.NOTICE, dossier(), AGENCY_BE, ["a"], at(date(2026, 1, 15), hour=0), ids())
    late = send(
        M.NOTICE, dossier(), AGENCY_BE, ["a"], at(date(2026, 1, 15), hour=22), ids()
    )  # 23:00 in Ghent
    assert early.messages[0].reply_due_on == late.messages[0].reply_due_on == date(2026, 1, 29)
    # 23:30 UTC is already the next day in Belgium: the agency's day counts, not UTC's
    after_midnight = send(
        M.NOTICE, dossier(), AGENCY_BE, ["a"], at(date(2026, 1, 15), hour=23) + timedelta(minutes=30), ids()
    )
    assert after_midnight.messages[0].reply_due_on == date(2026, 1, 30)


def test_one_conversation_per_dossier_and_office() -> None:
    first = send(M.NOTICE, dossier(), AGENCY_BE, ["a", "b"], at(date(2026, 1, 15)), ids("n"))
    later = send(M.BALANCE_REQUEST, first.dossier, AGENCY_BE, ["b", "a"], at(date(2026, 1, 20)), ids("b"))
    other = send(M.NOTICE, dossier(dossier_id="dossier-2"), AGENCY_BE, ["a"], at(date(2026, 1, 15)), ids("o"))

    by_office = {m.receiver: m.conversation_id for m in first.messages}
    assert by_office["a"] != by_office["b"]
    assert {m.receiver: m.conversation_id for m in later.messages} == by_office
    assert other.messages[0].conversation_id not in by_office.values()
    assert conversation_id(DOSSIER_ID, "a") == by_office["a"]


def test_sending_to_no_office_is_refused() -> None:
    with pytest.raises(NotNow, match="no office"):
        send(M.NOTICE, dossier(), AGENCY_BE, [], at(date(2026, 1, 15)), ids())


def test_notified_offices_are_the_receivers_of_notices_once_each_sorted() -> None:
    now = at(date(2026, 1, 15))
    notice_b = request("n1", M.NOTICE, "b", now)
    messages = [
        notice_b,
        request("n2", M.NOTICE, "a", now),
        request("n3", M.NOTICE, "b", now + timedelta(days=3)),
        request("s1", M.STATUS_REQUEST, "c", now),  # not a notice: c was never notified
        reply("r1", M.NOTICE_ACK, notice_b),  # sent by b, to the agency
    ]
    assert notified_offices(messages) == ["a", "b"]
    assert notified_offices([]) == []


def test_an_office_is_not_notified_twice() -> None:
    now = at(date(2026, 1, 15))
    before = [request("n1", M.NOTICE, "b", now), request("n2", M.NOTICE, "d", now)]
    with pytest.raises(NotNow, match=r"already notified: b, d$"):
        not_yet_notified(["a", "d", "c", "b"], before)
    with pytest.raises(NotNow, match=r"already notified: b$") as caught:
        not_yet_notified(["b", "c"], before)
    assert "c" not in str(caught.value)


def test_not_yet_notified_drops_repeats_and_keeps_the_order() -> None:
    now = at(date(2026, 1, 15))
    others = [request("n1", M.NOTICE, "b", now), request("s1", M.BALANCE_REQUEST, "c", now)]
    assert not_yet_notified(["c", "a", "c", "d", "a"], others) == ["c", "a", "d"]
    assert not_yet_notified([], others) == []


# --- the agency's other steps ---------------------------------------------------------------------------

SENDABLE = {
    M.BALANCE_REQUEST: {S.NOTIFIED, S.NEGOTIATING},
    M.STATUS_REQUEST: {S.NOTIFIED, S.NEGOTIATING, S.SETTLED},
}


@pytest.mark.parametrize("state", list(DossierState))
@pytest.mark.parametrize("kind", list(SENDABLE))
def test_a_request_that_changes_nothing_goes_out_only_while_it_makes_sense(
    kind: MessageType, state: DossierState
) -> None:
    before = in_state(state)
    now = at(date(2026, 2, 2))  # a Monday
    if state in SENDABLE[kind]:
        out = send(kind, before, AGENCY_BE, ["a", "b"], now, ids())
        assert out.dossier == before
        assert [(m.type, m.receiver) for m in out.messages] == [(kind, "a"), (kind, "b")]
        assert all(m.reply_due_on == date(2026, 2, 16) for m in out.messages)
    else:
        with pytest.raises(NotNow) as caught:
            send(kind, before, AGENCY_BE, ["a"], now, ids())
        assert kind.value in str(caught.value)
        assert state.value in str(caught.value)


@pytest.mark.parametrize("state", [S.NOTIFIED, S.NEGOTIATING, S.SETTLED])
@pytest.mark.parametrize("kind", [t for t in MessageType if t not in REQUESTS + ANNOUNCEMENTS])
def test_the_agency_cannot_send_an_offices_reply(kind: MessageType, state: DossierState) -> None:
    with pytest.raises(NotNow):
        send(kind, in_state(state), AGENCY_BE, ["a"], at(date(2026, 2, 2)), ids())


@pytest.mark.parametrize("state", [S.NOTIFIED, S.NEGOTIATING])
def test_a_proposal_starts_or_continues_the_negotiation(state: DossierState) -> None:
    out = send(
        M.PROPOSAL,
        in_state(state),
        AGENCY_BE,
        ["a", "b"],
        at(date(2026, 2, 2)),
        ids(),
        lambda office_id: {"offered": 100 if office_id == "a" else 200},
    )
    assert out.dossier.state is S.NEGOTIATING
    assert (out.dossier.standstill_starts_on, out.dossier.standstill_ends_on) == (STARTED, ENDS)
    assert [m.body for m in out.messages] == [{"offered": 100}, {"offered": 200}]
    assert all(m.reply_due_on == date(2026, 2, 16) for m in out.messages)


def test_a_reconsideration_keeps_the_negotiation_going() -> None:
    out = send(M.RECONSIDERATION, in_state(S.NEGOTIATING), AGENCY_BE, ["b"], at(date(2026, 2, 9)), ids())
    assert out.dossier.state is S.NEGOTIATING
    assert out.dossier.standstill_ends_on == ENDS
    assert out.messages[0].type is M.RECONSIDERATION
    assert out.messages[0].reply_due_on == date(2026, 2, 23)


def test_a_settlement_ends_a_running_standstill_today() -> None:
    today = date(2026, 3, 2)
    out = send(M.SETTLEMENT_AGREED, in_state(S.NEGOTIATING), AGENCY_BE, ["a", "b"], at(today), ids())
    assert out.dossier.state is S.SETTLED
    assert out.dossier.standstill_starts_on == STARTED
    assert out.dossier.standstill_ends_on == today
    assert [m.type for m in out.messages] == [M.SETTLEMENT_AGREED] * 2
    assert all(m.reply_due_on is None for m in out.messages)  # an announcement expects no reply


@pytest.mark.parametrize("today", [ENDS, ENDS + timedelta(days=1), date(2026, 6, 30)])
def test_a_settlement_after_the_standstill_ended_leaves_its_end_as_it_was(today: date) -> None:
    out = send(M.SETTLEMENT_AGREED, in_state(S.NEGOTIATING), AGENCY_BE, ["a"], at(today), ids())
    assert out.dossier.state is S.SETTLED
    assert out.dossier.standstill_ends_on == ENDS


@pytest.mark.parametrize("state", [S.NOTIFIED, S.NEGOTIATING, S.SETTLED])
def test_a_termination_terminates(state: DossierState) -> None:
    out = send(
        M.TERMINATION,
        in_state(state),
        AGENCY_BE,
        ["a"],
        at(date(2026, 3, 2)),
        ids(),
        lambda office_id: {"reason": "moved abroad"},
    )
    assert out.dossier.state is S.TERMINATED
    assert out.messages[0].type is M.TERMINATION
    assert out.messages[0].reply_due_on is None
    # the debt help ends, and the standstill with it: each office hears that it ended today
    assert out.dossier.standstill_ends_on == date(2026, 3, 2)
    assert out.messages[0].body == {"reason": "moved abroad", "standstill_ends_on": "2026-03-02"}


def test_a_first_notice_ends_with_the_persons_standstill_that_runs_already() -> None:
    """One standstill per person: registered again (at another agency, or after a withdrawal), the
    person gets what is left of the running one, not three new months."""
    today, running_until = date(2026, 3, 2), date(2026, 4, 15)
    out = send(
        M.NOTICE, dossier(), AGENCY_BE, ["a"], at(today), ids(), persons_standstill_ends_on=running_until
    )
    assert (out.dossier.standstill_starts_on, out.dossier.standstill_ends_on) == (today, running_until)
    assert out.messages[0].body["standstill_ends_on"] == "2026-04-15"


@pytest.mark.parametrize("ended_on", [date(2026, 3, 1), date(2025, 12, 24)])
def test_a_standstill_that_has_ended_does_not_shorten_a_new_one(ended_on: date) -> None:
    today = date(2026, 3, 2)
    out = send(M.NOTICE, dossier(), AGENCY_BE, ["a"], at(today), ids(), persons_standstill_ends_on=ended_on)
    assert out.dossier.standstill_ends_on == date(2026, 6, 2)


def test_a_later_notice_keeps_the_standstill_it_has() -> None:
    out = send(
        M.NOTICE,
        in_state(S.NOTIFIED),
        AGENCY_BE,
        ["b"],
        at(date(2026, 3, 2)),
        ids(),
        persons_standstill_ends_on=date(2026, 3, 20),
    )
    assert out.dossier.standstill_ends_on == ENDS
    assert out.messages[0].body["standstill_ends_on"] == ENDS.isoformat()


@pytest.mark.parametrize(
    ("state", "kind", "event"),
    [
        (S.REGISTERED, M.PROPOSAL, DossierEvent.PROPOSAL_SENT),
        (S.REGISTERED, M.RECONSIDERATION, DossierEvent.RECONSIDERATION_SENT),
        (S.REGISTERED, M.SETTLEMENT_AGREED, DossierEvent.SETTLEMENT_AGREED),
        (S.REGISTERED, M.TERMINATION, DossierEvent.TERMINATED),
        (S.NOTIFIED, M.RECONSIDERATION, DossierEvent.RECONSIDERATION_SENT),
        (S.NOTIFIED, M.SETTLEMENT_AGREED, DossierEvent.SETTLEMENT_AGREED),
        (S.SETTLED, M.NOTICE, DossierEvent.NOTICES_SENT),
        (S.SETTLED, M.PROPOSAL, DossierEvent.PROPOSAL_SENT),
        (S.SETTLED, M.SETTLEMENT_AGREED, DossierEvent.SETTLEMENT_AGREED),
        (S.TERMINATED, M.NOTICE, DossierEvent.NOTICES_SENT),
        (S.TERMINATED, M.TERMINATION, DossierEvent.TERMINATED),
        (S.CLOSED, M.NOTICE, DossierEvent.NOTICES_SENT),
        (S.CLOSED, M.PROPOSAL, DossierEvent.PROPOSAL_SENT),
        (S.WITHDRAWN, M.TERMINATION, DossierEvent.TERMINATED),
        (S.ERASED, M.NOTICE, DossierEvent.NOTICES_SENT),
    ],
)
def test_a_step_the_state_machine_forbids_is_an_illegal_transition(
    state: DossierState, kind: MessageType, event: DossierEvent
) -> None:
    with pytest.raises(IllegalTransition) as caught:
        send(kind, in_state(state), AGENCY_BE, ["a"], at(date(2026, 3, 2)), ids())
    assert caught.value.state is state
    assert caught.value.event is event


# --- the office answers ---------------------------------------------------------------------------------

ALLOWED = [(req, rep) for req in REQUESTS for rep in sorted(ANSWERS[req])]


@pytest.mark.parametrize(("request_type", "reply_type"), ALLOWED)
def test_an_allowed_reply_becomes_a_message_from_the_office_to_the_agency(
    request_type: MessageType, reply_type: MessageType
) -> None:
    asked = request("q1", request_type, "bank-b", at(date(2026, 2, 2)), date(2026, 2, 16))
    now = at(date(2026, 2, 5), hour=14)
    reason = NoCooperationReason.RECENT_ATTEMPT if reply_type is M.NO_COOPERATION else None
    message = answer(
        asked, Reply(type=reply_type, reason=reason), in_state(S.NEGOTIATING), "bank-b", now, "r1"
    )

    assert message.message_id == "r1"
    assert message.type is reply_type
    assert message.sender == "bank-b"
    assert message.receiver == AGENCY_BE.agency_id
    assert message.in_reply_to == "q1"
    assert message.conversation_id == asked.conversation_id
    assert message.dossier_id == DOSSIER_ID
    assert message.created_at == now
    assert message.reply_due_on is None
    expected_body = {"reason": "recent_attempt"} if reason else {}
    assert message.body == expected_body


@pytest.mark.parametrize("state", [S.NOTIFIED, S.NEGOTIATING, S.SETTLED])
def test_replies_are_taken_while_the_dossier_runs(state: DossierState) -> None:
    asked = request("q1", M.STATUS_REQUEST, "a", at(date(2026, 2, 2)))
    message = answer(asked, Reply(type=M.STATUS_REPORT), in_state(state), "a", at(date(2026, 2, 3)), "r1")
    assert message.type is M.STATUS_REPORT


@pytest.mark.parametrize(
    ("request_type", "reply_type"),
    [
        (M.NOTICE, M.PROPOSAL_ACCEPT),
        (M.NOTICE, M.BALANCE_REPLY),
        (M.BALANCE_REQUEST, M.NOTICE_ACK),
        (M.BALANCE_REQUEST, M.OBJECTION),
        (M.PROPOSAL, M.NO_COOPERATION),
        (M.PROPOSAL, M.BALANCE_REPLY_PREAPPROVED),
        (M.RECONSIDERATION, M.STATUS_REPORT),
        (M.STATUS_REQUEST, M.PROPOSAL_ACCEPT),
        (M.SETTLEMENT_AGREED, M.STATUS_REPORT),
        (M.TERMINATION, M.NOTICE_ACK),
    ],
)
def test_a_reply_the_catalogue_forbids_is_refused(request_type: MessageType, reply_type: MessageType) -> None:
    asked = request("q1", request_type, "a", at(date(2026, 2, 2)))
    reason = NoCooperationReason.UNKNOWN_PERSON if reply_type is M.NO_COOPERATION else None
    with pytest.raises(ReplyNotAllowed) as caught:
        answer(
            asked, Reply(type=reply_type, reason=reason), in_state(S.SETTLED), "a", at(date(2026, 2, 3)), "r"
        )
    assert caught.value.request_type is request_type
    assert caught.value.reply_type is reply_type


@pytest.mark.parametrize("state", NOT_ANSWERABLE)
def test_a_dossier_that_no_longer_runs_takes_no_replies(state: DossierState) -> None:
    asked = request("q1", M.NOTICE, "a", at(date(2026, 2, 2)))
    with pytest.raises(NotNow, match=state.value):
        answer(asked, Reply(type=M.NOTICE_ACK), in_state(state), "a", at(date(2026, 2, 3)), "r1")


@pytest.mark.parametrize("reason", list(NoCooperationReason))
def test_no_cooperation_carries_its_reason(reason: NoCooperationReason) -> None:
    asked = request("q1", M.NOTICE, "a", at(date(2026, 2, 2)))
    message = answer(
        asked,
        Reply(type=M.NO_COOPERATION, reason=reason),
        in_state(S.NOTIFIED),
        "a",
        at(date(2026, 2, 3)),
        "r1",
    )
    assert message.body == {"reason": reason.value}


def test_no_cooperation_without_a_reason_is_refused_as_a_reply_not_a_crash() -> None:
    # The catalogue requires the reason. Either the Reply refuses it at the door (a 422 from parse_body),
    # or `answer` refuses it as its docstring promises (ReplyNotAllowed / NotNow, which the API maps to
    # 422 / 409) - not with the Message model's ValidationError, which the API turns into a 500.
    try:
        without_reason = Reply(type=M.NO_COOPERATION)
    except ValidationError:
        return
    asked = request("q1", M.NOTICE, "a", at(date(2026, 2, 2)))
    with pytest.raises((ReplyNotAllowed, NotNow)):
        answer(asked, without_reason, in_state(S.NOTIFIED), "a", at(date(2026, 2, 3)), "r1")


def test_file_references_and_comment_go_into_the_body() -> None:
    asked = request("q1", M.NOTICE, "a", at(date(2026, 2, 2)))
    given_reply = Reply(
        type=M.NOTICE_ACK, file_references=[" DOS-1 ", "DOS-2"], comment="  two files, one debtor  "
    )
    message = answer(asked, given_reply, in_state(S.NOTIFIED), "a", at(date(2026, 2, 3)), "r1")
    assert message.body == {"file_references": ["DOS-1", "DOS-2"], "comment": "two files, one debtor"}


def test_an_objection_with_only_a_comment() -> None:
    asked = request("q1", M.NOTICE, "a", at(date(2026, 2, 2)))
    given_reply = Reply(type=M.OBJECTION, comment="the principal objects")
    message = answer(asked, given_reply, in_state(S.NOTIFIED), "a", at(date(2026, 2, 3)), "r1")
    assert message.body == {"comment": "the principal objects"}


# --- claims ---------------------------------------------------------------------------------------------

SALE_ON = utc_now().date() + timedelta(days=30)  # an office reports a sale within five years of today


@pytest.mark.parametrize(
    ("sale_on", "garnishment", "continues"),
    [
        (None, False, False),
        (None, True, True),
        (SALE_ON, False, True),
        (SALE_ON, True, True),
    ],
)
def test_a_claim_input_becomes_a_claim_field_by_field(
    sale_on: date | None, garnishment: bool, continues: bool
) -> None:
    given_claim = ClaimInput(
        office_reference="DOS-2026-001",
        principal_creditor="Fluvius",
        creditor_class=CreditorClass.PREFERENTIAL,
        principal=120_000,
        interest=3_450,
        costs=8_010,
        paid=10_000,
        title_kind=TitleKind.JUDGMENT,
        title_description="Vredegerecht Gent, 12/03/2025",
        public_sale_announced_on=sale_on,
        garnishment_laid=garnishment,
    )
    made = to_claim(given_claim, DOSSIER_ID, "bailiff-a", "claim-1")

    assert made == Claim(
        claim_id="claim-1",
        dossier_id=DOSSIER_ID,
        office_id="bailiff-a",
        office_reference="DOS-2026-001",
        principal=120_000,
        interest=3_450,
        costs=8_010,
        paid=10_000,
        title=Title(kind=TitleKind.JUDGMENT, description="Vredegerecht Gent, 12/03/2025"),
        creditor_class=CreditorClass.PREFERENTIAL,
        principal_creditor="Fluvius",
        enforcement=Enforcement(public_sale_announced_on=sale_on, garnishment_laid=garnishment),
    )
    assert made.currency == "EUR"
    assert made.outstanding == 120_000 + 3_450 + 8_010 - 10_000
    assert made.enforcement.continues_during_standstill is continues


def test_a_claim_input_with_the_defaults() -> None:
    made = to_claim(
        ClaimInput(office_reference="R1", principal_creditor="Bank", principal=5_000), DOSSIER_ID, "b", "c1"
    )
    assert (made.interest, made.costs, made.paid, made.outstanding) == (0, 0, 0, 5_000)
    assert made.creditor_class is CreditorClass.ORDINARY
    assert made.title == Title(kind=TitleKind.NONE, description="")
    assert made.enforcement == Enforcement()
    assert not made.enforcement.continues_during_standstill


# --- pending requests and the next deadline -------------------------------------------------------------


def test_answered_requests_are_no_longer_pending() -> None:
    day = at(date(2026, 2, 2))
    notice_a = request("n-a", M.NOTICE, "a", day, date(2026, 2, 16))
    notice_b = request("n-b", M.NOTICE, "b", day, date(2026, 2, 16))
    balance_a = request("b-a", M.BALANCE_REQUEST, "a", day + timedelta(days=2), date(2026, 2, 18))
    messages = [
        notice_a,
        notice_b,
        reply("r-a", M.NOTICE_ACK, notice_a),
        balance_a,
        request("t-a", M.TERMINATION, "a", day + timedelta(days=3)),
    ]
    assert [m.message_id for m in pending(messages)] == ["n-b", "b-a"]
    assert next_deadline(NEGOTIATING, messages) == date(2026, 2, 16)
    assert next_deadline(NEGOTIATING, [*messages, reply("r-b", M.NO_COOPERATION, notice_b)]) == date(
        2026, 2, 18
    )


def test_announcements_and_replies_are_never_pending() -> None:
    day = at(date(2026, 2, 2))
    notice = request("n1", M.NOTICE, "a", day, date(2026, 2, 16))
    messages = [
        request("s1", M.SETTLEMENT_AGREED, "a", day),
        request("t1", M.TERMINATION, "b", day),
        reply("r1", M.NOTICE_ACK, notice),
    ]
    assert pending(messages) == []
    assert next_deadline(NEGOTIATING, messages) is None


def test_the_earliest_due_date_wins_whatever_the_order() -> None:
    day = at(date(2026, 2, 2))
    messages = [
        request("p1", M.PROPOSAL, "a", day, date(2026, 3, 2)),
        request("s1", M.STATUS_REQUEST, "b", day, date(2026, 2, 20)),
        request("n1", M.NOTICE, "c", day, date(2026, 2, 25)),
    ]
    for order in permutations(messages):
        assert next_deadline(NEGOTIATING, list(order)) == date(2026, 2, 20)


def test_nothing_pending_means_no_deadline() -> None:
    assert pending([]) == []
    assert next_deadline(NEGOTIATING, []) is None
    # a request without a due date is pending, but sets no deadline
    undated = request("n1", M.NOTICE, "a", at(date(2026, 2, 2)))
    assert pending([undated]) == [undated]
    assert next_deadline(NEGOTIATING, [undated]) is None


def test_messages_sent_by_send_feed_the_next_deadline() -> None:
    first = send(M.NOTICE, dossier(), AGENCY_BE, ["a", "b"], at(date(2026, 4, 1)), ids("n"))
    assert next_deadline(NEGOTIATING, first.messages) == date(2026, 4, 16)
    acks = [
        answer(m, Reply(type=M.NOTICE_ACK), first.dossier, m.receiver, at(date(2026, 4, 2)), f"r{i}")
        for i, m in enumerate(first.messages)
    ]
    acked = [*first.messages, *acks]
    assert pending(acked) == []
    balance = send(M.BALANCE_REQUEST, first.dossier, AGENCY_BE, ["a"], at(date(2026, 4, 7)), ids("b"))
    assert next_deadline(NEGOTIATING, [*acked, *balance.messages]) == date(2026, 4, 21)


@st.composite
def exchanges(draw: st.DrawFn) -> tuple[list[Message], date | None, set[str]]:
    """Random requests and announcements, some answered, shuffled; with the expected deadline and pending."""
    day = at(date(2026, 1, 5))
    messages: list[Message] = []
    expected_due: list[date] = []
    unanswered: set[str] = set()
    for i in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(REQUESTS + ANNOUNCEMENTS))
        office = draw(st.sampled_from(["a", "b", "c"]))
        due = (
            None if kind in ANNOUNCEMENTS else draw(st.none() | st.dates(date(2026, 1, 6), date(2026, 6, 30)))
        )
        sent = request(f"q{i}", kind, office, day + timedelta(hours=i), due)
        messages.append(sent)
        expects_reply = bool(ANSWERS[kind])
        if expects_reply and draw(st.booleans()):
            messages.append(reply(f"r{i}", draw(st.sampled_from(sorted(ANSWERS[kind]))), sent))
        elif expects_reply:
            unanswered.add(sent.message_id)
            if due is not None:
                expected_due.append(due)
    shuffled = draw(st.permutations(messages))
    return list(shuffled), min(expected_due, default=None), unanswered


@settings(max_examples=60, deadline=None)
@given(exchanges())
def test_next_deadline_is_the_earliest_due_date_of_the_unanswered_requests(
    case: tuple[list[Message], date | None, set[str]],
) -> None:
    messages, expected, unanswered = case
    assert next_deadline(NEGOTIATING, messages) == expected
    still = pending(messages)
    assert {m.message_id for m in still} == unanswered
    assert [m for m in messages if m.message_id in unanswered] == still  # in the order given


# --- the standstill warning -----------------------------------------------------------------------------


@pytest.mark.parametrize("state", [S.NOTIFIED, S.NEGOTIATING])
@pytest.mark.parametrize(
    ("starts", "ends", "warn_on"),
    [
        (STARTED, ENDS, date(2026, 4, 1)),
        (date(2025, 12, 5), date(2026, 3, 5), date(2026, 2, 19)),  # back over a month's end
        (date(2025, 10, 10), date(2026, 1, 10), date(2025, 12, 27)),  # and a year's
    ],
)
def test_the_caseworker_is_warned_two_weeks_before_the_standstill_ends(
    state: DossierState, starts: date, ends: date, warn_on: date
) -> None:
    assert standstill_warning_on(dossier(state, starts=starts, ends=ends)) == warn_on


def test_the_warning_follows_the_first_notice() -> None:
    out = send(M.NOTICE, dossier(), AGENCY_BE, ["a"], at(date(2025, 11, 30)), ids())
    assert standstill_warning_on(out.dossier) == date(2026, 2, 14)  # 28 Feb 2026 - 14 days


@pytest.mark.parametrize("state", [s for s in DossierState if s not in (S.NOTIFIED, S.NEGOTIATING)])
def test_no_warning_once_the_standstill_no_longer_runs(state: DossierState) -> None:
    assert standstill_warning_on(in_state(state)) is None


def test_no_warning_after_a_settlement() -> None:
    out = send(M.SETTLEMENT_AGREED, in_state(S.NEGOTIATING), AGENCY_BE, ["a"], at(date(2026, 3, 2)), ids())
    assert standstill_warning_on(out.dossier) is None


@pytest.mark.parametrize("state", [S.NOTIFIED, S.NEGOTIATING])
def test_no_warning_without_a_standstill(state: DossierState) -> None:
    assert standstill_warning_on(dossier(state)) is None
    assert standstill_warning_on(dossier(state, starts=STARTED)) is None  # started, end unknown


# --- what a proposal offers -----------------------------------------------------------------------------


def test_an_instalment_proposal_gives_each_office_the_plans_amount_month_by_month() -> None:
    # 50.00 €/month x 36 = 1,800.00 € against 3,000.00 € owed, all ordinary: pro rata 1:0.5:1.5
    claims = [
        claim("c2", "bank-b", 50_000),
        claim("c1", "bank-b", 100_000),
        claim("c3", "bailiff-a", 150_000),
    ]
    parts = proposal_parts(ProposalKind.INSTALMENTS, claims, monthly_capacity=5_000, percentage_bp=None)

    assert [p.office_id for p in parts] == ["bailiff-a", "bank-b"]
    bailiff, bank = parts
    assert bailiff.claim_ids == ["c3"]
    assert bank.claim_ids == ["c1", "c2"]
    assert (bailiff.outstanding, bank.outstanding) == (150_000, 150_000)
    assert (bailiff.offered, bank.offered) == (90_000, 90_000)
    plan = instalment_plan(5_000, [Debt.from_claim(c) for c in claims])
    assert {p.office_id: p.offered for p in parts} == plan.by_office
    for part in parts:
        assert part.monthly is not None
        assert len(part.monthly) == 36
        assert sum(part.monthly) == part.offered
        assert max(part.monthly) - min(part.monthly) <= len(part.claim_ids)
    # the debtor pays the capacity, no more, every month
    assert [a + b for a, b in zip(bailiff.monthly or [], bank.monthly or [], strict=True)] == [5_000] * 36


def test_a_preferential_claim_weighs_more_in_the_proposal() -> None:
    claims = [
        claim("p", "tax", 100_000, creditor_class=CreditorClass.PREFERENTIAL),
        claim("o", "bank", 100_000),
    ]
    parts = proposal_parts(ProposalKind.INSTALMENTS, claims, monthly_capacity=2_500, percentage_bp=None)
    offered = {p.office_id: p.offered for p in parts}
    # 90,000 available; weighted 2:1 gives the tax office 60,000 and the bank 30,000
    assert offered == {"bank": 30_000, "tax": 60_000}


def test_claims_with_nothing_outstanding_earn_no_share() -> None:
    open_claims = [claim("c1", "bank-b", 100_000), claim("c3", "bailiff-a", 100_000)]
    paid_off = [claim("c2", "bank-b", 40_000, paid=40_000), claim("c4", "paid-c", 70_000, paid=70_000)]
    parts = proposal_parts(
        ProposalKind.INSTALMENTS, [*open_claims, *paid_off], monthly_capacity=5_000, percentage_bp=None
    )
    by_office = {p.office_id: p for p in parts}

    # an office owed nothing more gets no proposal; paid-off claims are not part of one
    assert sorted(by_office) == ["bailiff-a", "bank-b"]
    # the same as if the paid-off claims were not there: 180,000 split evenly over two open claims
    assert by_office["bank-b"].offered == by_office["bailiff-a"].offered == 90_000
    assert by_office["bank-b"].claim_ids == ["c1"]
    assert by_office["bank-b"].outstanding == 100_000
    assert sum(by_office["bank-b"].monthly or []) == 90_000


def test_a_capacity_that_covers_everything_offers_every_outstanding() -> None:
    claims = [claim("c1", "a", 30_000, paid=6_000), claim("c2", "b", 12_000)]
    parts = proposal_parts(ProposalKind.INSTALMENTS, claims, monthly_capacity=100_000, percentage_bp=None)
    assert [(p.office_id, p.offered, p.outstanding) for p in parts] == [
        ("a", 24_000, 24_000),
        ("b", 12_000, 12_000),
    ]
    assert [sum(p.monthly or []) for p in parts] == [24_000, 12_000]


def test_a_buy_out_offers_the_percentage_of_each_office() -> None:
    claims = [claim("c1", "bank-b", 100_001), claim("c2", "bank-b", 33_333), claim("c3", "bailiff-a", 66_667)]
    parts = proposal_parts(ProposalKind.BUY_OUT, claims, monthly_capacity=None, percentage_bp=3_500)

    assert [p.office_id for p in parts] == ["bailiff-a", "bank-b"]
    assert all(p.monthly is None for p in parts)  # paid at once
    total = 100_001 + 33_333 + 66_667
    assert sum(p.offered for p in parts) == total * 3_500 // 10_000
    assert {p.office_id: p.offered for p in parts} == buy_out(
        3_500, [Debt.from_claim(c) for c in claims]
    ).by_office
    bailiff, bank = parts
    assert bailiff.offered in (66_667 * 35 // 100, 66_667 * 35 // 100 + 1)
    assert bank.outstanding == 133_334


def test_a_buy_out_of_a_round_percentage() -> None:
    claims = [claim("c1", "a", 200_000), claim("c2", "b", 100_000, paid=50_000)]
    parts = proposal_parts(ProposalKind.BUY_OUT, claims, monthly_capacity=5_000, percentage_bp=4_000)
    assert [(p.office_id, p.offered) for p in parts] == [("a", 80_000), ("b", 20_000)]


def test_an_instalment_proposal_needs_the_capacity() -> None:
    with pytest.raises(NotNow, match="monthly capacity"):
        proposal_parts(
            ProposalKind.INSTALMENTS, [claim("c1", "a", 100)], monthly_capacity=None, percentage_bp=5_000
        )


def test_a_buy_out_needs_the_percentage() -> None:
    with pytest.raises(NotNow, match="percentage"):
        proposal_parts(
            ProposalKind.BUY_OUT, [claim("c1", "a", 100)], monthly_capacity=5_000, percentage_bp=None
        )


@pytest.mark.parametrize("kind", list(ProposalKind))
@pytest.mark.parametrize(
    "claims", [[], [claim("c1", "a", 10_000, paid=10_000)]], ids=["no claims", "all paid off"]
)
def test_no_plan_without_anything_outstanding(kind: ProposalKind, claims: list[Claim]) -> None:
    with pytest.raises(NotNow, match="no claims"):
        proposal_parts(kind, claims, monthly_capacity=5_000, percentage_bp=5_000)


@st.composite
def claim_sets(draw: st.DrawFn) -> list[Claim]:
    made = []
    for i in range(draw(st.integers(1, 8))):
        principal = draw(st.integers(0, 2_000_000))
        made.append(
            claim(
                f"c{i}",
                draw(st.sampled_from(["a", "b", "c", "d"])),
                principal,
                paid=draw(st.integers(0, principal)),
                creditor_class=draw(st.sampled_from(list(CreditorClass))),
            )
        )
    return made


@settings(max_examples=50, deadline=None)
@given(claim_sets(), st.integers(0, 200_000), st.integers(1, 10_000))
def test_any_proposal_adds_up_to_the_cent(claims: list[Claim], capacity: int, bp: int) -> None:
    open_debts = [Debt.from_claim(c) for c in claims if c.outstanding > 0]
    offices = sorted({c.office_id for c in claims if c.outstanding > 0})
    for kind in ProposalKind:
        if not open_debts:
            with pytest.raises(NotNow):
                proposal_parts(kind, claims, monthly_capacity=capacity, percentage_bp=bp)
            continue
        parts = proposal_parts(kind, claims, monthly_capacity=capacity, percentage_bp=bp)
        assert [p.office_id for p in parts] == offices
        for part in parts:
            mine = [c for c in claims if c.office_id == part.office_id and c.outstanding > 0]
            assert part.claim_ids == sorted(c.claim_id for c in mine)
            assert part.outstanding == sum(c.outstanding for c in mine)
            assert 0 <= part.offered <= part.outstanding
            if part.outstanding == 0:
                assert part.offered == 0
        total = sum(c.outstanding for c in claims)
        if kind is ProposalKind.INSTALMENTS:
            plan = instalment_plan(capacity, open_debts)
            assert {p.office_id: p.offered for p in parts if p.office_id in plan.by_office} == plan.by_office
            assert sum(p.offered for p in parts) == min(capacity * 36, total)
            for part in parts:
                if part.monthly is not None:
                    assert len(part.monthly) == 36
                    assert sum(part.monthly) == part.offered
        else:
            assert sum(p.offered for p in parts) == total * bp // 10_000
            assert all(p.monthly is None for p in parts)


@settings(max_examples=50, deadline=None)
@given(claim_sets(), st.integers(0, 200_000), st.integers(1, 10_000))
def test_the_offer_per_class_adds_up_to_the_offer_per_office(
    claims: list[Claim], capacity: int, bp: int
) -> None:
    open_debts = [Debt.from_claim(c) for c in claims if c.outstanding > 0]
    if not open_debts:
        return
    for kind in ProposalKind:
        offer = proposal_offer(kind, claims, monthly_capacity=capacity, percentage_bp=bp)
        assert offer.parts == proposal_parts(kind, claims, monthly_capacity=capacity, percentage_bp=bp)
        # a class is shown only when it has claims, with what it is owed and offered
        assert {c.creditor_class for c in offer.classes} == {d.creditor_class for d in open_debts}
        for shown in offer.classes:
            mine = [d for d in open_debts if d.creditor_class is shown.creditor_class]
            assert shown.outstanding == sum(d.outstanding for d in mine)
            assert 0 <= shown.offered <= shown.outstanding
        assert sum(c.offered for c in offer.classes) == sum(p.offered for p in offer.parts)
        if kind is ProposalKind.INSTALMENTS:
            assert offer.months == 36
            by_class = instalment_plan(capacity, open_debts).by_class
            assert {c.creditor_class: c.offered for c in offer.classes} == {
                k: v for k, v in by_class.items() if any(d.creditor_class is k for d in open_debts)
            }
            months = [sum(month) for month in zip(*(c.monthly or [] for c in offer.classes), strict=True)]
            assert months == [
                sum(month) for month in zip(*(p.monthly or [] for p in offer.parts), strict=True)
            ]
        else:
            assert offer.months is None
            assert all(c.monthly is None for c in offer.classes)


# --- the tally ------------------------------------------------------------------------------------------

DAY = at(date(2026, 2, 2))


def proposals(
    offices: Sequence[str], created: datetime = DAY, kind: MessageType = M.PROPOSAL
) -> list[Message]:
    prefix = "p" if kind is M.PROPOSAL else "rc"
    stamp = created.strftime("%m%d%H")
    return [request(f"{prefix}{stamp}-{office}", kind, office, created) for office in offices]


def test_each_office_is_counted_by_its_answer_to_the_proposal() -> None:
    to_a, to_b, to_c = proposals(["a", "b", "c"])
    messages = [
        to_a,
        to_b,
        to_c,
        reply("r-a", M.PROPOSAL_ACCEPT, to_a),
        reply("r-b", M.PROPOSAL_REJECT, to_b),
    ]
    counted = tally(messages)
    assert (counted.accepted, counted.rejected, counted.pending, counted.preapproved) == (
        ["a"],
        ["b"],
        ["c"],
        [],
    )
    assert settlement_blockers(messages) == ["b", "c"]


def test_offices_without_a_proposal_are_not_counted() -> None:
    notice = request("n1", M.NOTICE, "z", DAY - timedelta(days=30))
    (to_a,) = proposals(["a"])
    messages = [notice, reply("r-n", M.NOTICE_ACK, notice), to_a, reply("r-a", M.PROPOSAL_ACCEPT, to_a)]
    counted = tally(messages)
    assert (counted.accepted, counted.rejected, counted.pending) == (["a"], [], [])
    assert settlement_blockers(messages) == []


def test_nothing_proposed_counts_nothing() -> None:
    counted = tally([])
    assert (counted.accepted, counted.rejected, counted.pending, counted.preapproved) == ([], [], [], [])
    assert settlement_blockers([]) == []


def preapproving(office: str) -> list[Message]:
    balance = request(f"bal-{office}", M.BALANCE_REQUEST, office, DAY - timedelta(days=20))
    return [balance, reply(f"pre-{office}", M.BALANCE_REPLY_PREAPPROVED, balance)]


def test_an_office_that_accepted_in_advance_counts_as_accepted_until_it_answers() -> None:
    to_a, to_b = proposals(["a", "b"])
    messages = [*preapproving("a"), *preapproving("b"), to_a, to_b, reply("r-b", M.PROPOSAL_REJECT, to_b)]
    counted = tally(messages)
    assert counted.accepted == ["a"]
    assert counted.rejected == ["b"]  # its explicit answer wins over the advance acceptance
    assert counted.pending == []
    assert counted.preapproved == ["a", "b"]
    assert settlement_blockers(messages) == ["b"]


def test_an_advance_acceptance_alone_is_no_proposal() -> None:
    counted = tally(preapproving("a"))
    assert (counted.accepted, counted.pending, counted.preapproved) == ([], [], ["a"])


def test_a_plain_balance_reply_is_no_advance_acceptance() -> None:
    balance = request("bal-a", M.BALANCE_REQUEST, "a", DAY - timedelta(days=20))
    (to_a,) = proposals(["a"])
    counted = tally([balance, reply("r-bal", M.BALANCE_REPLY, balance), to_a])
    assert (counted.accepted, counted.pending, counted.preapproved) == ([], ["a"], [])


def test_the_latest_proposal_or_reconsideration_is_what_counts() -> None:
    first = proposals(["a", "b", "c"])
    answers = [reply(f"r1-{m.receiver}", M.PROPOSAL_REJECT, m) for m in first]
    again = proposals(["a", "b", "c"], DAY + timedelta(days=5), M.RECONSIDERATION)
    a_again, b_again, _ = again
    messages = [
        *first,
        *answers,
        *again,
        reply("r2-a", M.PROPOSAL_ACCEPT, a_again),
        reply("r2-b", M.PROPOSAL_REJECT, b_again),
    ]
    counted = tally(messages)
    # a rejected, was asked to reconsider and accepted; b rejected twice; c has not answered yet
    assert (counted.accepted, counted.rejected, counted.pending) == (["a"], ["b"], ["c"])
    assert settlement_blockers(messages) == ["b", "c"]


def test_a_new_proposal_replaces_an_accepted_one() -> None:
    (first,) = proposals(["a"])
    (second,) = proposals(["a"], DAY + timedelta(days=10))
    messages = [first, reply("r1", M.PROPOSAL_ACCEPT, first), second]
    assert tally(messages).pending == ["a"]
    assert tally([*messages, reply("r2", M.PROPOSAL_ACCEPT, second)]).accepted == ["a"]


def test_the_tally_does_not_depend_on_the_order_of_the_messages() -> None:
    (first,) = proposals(["a"])
    (second,) = proposals(["a"], DAY + timedelta(days=3), M.RECONSIDERATION)
    messages = [first, reply("r1", M.PROPOSAL_REJECT, first), second, reply("r2", M.PROPOSAL_ACCEPT, second)]
    for order in permutations(messages):
        assert tally(list(order)).accepted == ["a"]


def test_two_proposals_at_the_same_moment_are_ordered_by_message_id() -> None:
    early = request("01A", M.PROPOSAL, "a", DAY)
    later = request("01B", M.RECONSIDERATION, "a", DAY)
    messages = [later, early, reply("r", M.PROPOSAL_REJECT, early)]
    assert tally(messages).pending == ["a"]
    assert tally([*messages, reply("r2", M.PROPOSAL_ACCEPT, later)]).accepted == ["a"]


def test_blockers_are_sorted_and_cover_rejections_and_silence() -> None:
    sent = proposals(["zeta", "alpha", "mu", "beta"])
    by = {m.receiver: m for m in sent}
    messages = [
        *sent,
        reply("r-z", M.PROPOSAL_REJECT, by["zeta"]),
        reply("r-b", M.PROPOSAL_ACCEPT, by["beta"]),
    ]
    assert settlement_blockers(messages) == ["alpha", "mu", "zeta"]
    everyone = [
        *messages,
        reply("r-a", M.PROPOSAL_ACCEPT, by["alpha"]),
        reply("r-m", M.PROPOSAL_ACCEPT, by["mu"]),
    ]
    assert settlement_blockers(everyone) == ["zeta"]


VERDICTS = (None, M.PROPOSAL_ACCEPT, M.PROPOSAL_REJECT)
PROPOSAL_KINDS = (M.PROPOSAL, M.RECONSIDERATION)


@st.composite
def negotiations(draw: st.DrawFn) -> tuple[list[Message], dict[str, str]]:
    """Rounds of proposals and reconsiderations per office, some answered, some offices preapproved."""
    messages: list[Message] = []
    expected: dict[str, str] = {}
    for office in draw(st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), unique=True, max_size=5)):
        preapproved = draw(st.booleans())
        if preapproved:
            messages += preapproving(office)
        verdict = None
        rejected_once = False
        for round_no in range(draw(st.integers(1, 4))):
            kind = M.PROPOSAL if round_no == 0 else draw(st.sampled_from(PROPOSAL_KINDS))
            sent = request(
                f"{office}{round_no}",
                kind,
                office,
                DAY + timedelta(days=draw(st.integers(0, 3)) + 4 * round_no),
            )
            messages.append(sent)
            verdict = draw(st.sampled_from(VERDICTS))
            if verdict is not None:
                messages.append(reply(f"{office}{round_no}-r", verdict, sent))
            rejected_once = rejected_once or verdict is M.PROPOSAL_REJECT
        # accepting in advance holds until the office rejects a proposal explicitly
        if verdict is M.PROPOSAL_ACCEPT or (verdict is None and preapproved and not rejected_once):
            expected[office] = "accepted"
        elif verdict is M.PROPOSAL_REJECT:
            expected[office] = "rejected"
        else:
            expected[office] = "pending"
    return list(draw(st.permutations(messages))), expected


@settings(max_examples=60, deadline=None)
@given(negotiations())
def test_the_tally_counts_each_offices_answer_to_its_latest_proposal(
    case: tuple[list[Message], dict[str, str]],
) -> None:
    messages, expected = case
    counted = tally(messages)
    for verdict, offices in (
        ("accepted", counted.accepted),
        ("rejected", counted.rejected),
        ("pending", counted.pending),
    ):
        assert offices == sorted(o for o, v in expected.items() if v == verdict)
    assert settlement_blockers(messages) == sorted(o for o, v in expected.items() if v != "accepted")


@pytest.mark.parametrize("state", [S.TERMINATED, S.CLOSED, S.WITHDRAWN])
def test_a_dossier_that_takes_no_replies_has_no_next_deadline(state: DossierState) -> None:
    messages = [request("n1", M.NOTICE, "office-a", DAY, due=DAY.date() + timedelta(days=14))]
    assert next_deadline(NEGOTIATING, messages) == DAY.date() + timedelta(days=14)
    assert next_deadline(in_state(state), messages) is None


def test_an_office_named_twice_gets_one_message() -> None:
    sent = send(M.NOTICE, dossier(), AGENCY_BE, ["office-a", "office-a", "office-b"], DAY, ids())
    assert [m.receiver for m in sent.messages] == ["office-a", "office-b"]


def test_an_explicit_rejection_outranks_an_earlier_acceptance_in_advance() -> None:
    (first,) = proposals(["a"])
    (second,) = proposals(["a"], created=DAY + timedelta(days=10), kind=M.RECONSIDERATION)
    in_advance = preapproving("a")
    assert tally([*in_advance, first]).accepted == ["a"]
    history = [*in_advance, first, reply("rj", M.PROPOSAL_REJECT, first), second]
    assert tally(history).pending == ["a"]
    assert settlement_blockers(history) == ["a"]


# --- what an answer says ----------------------------------------------------------------------------


def test_a_rejection_carries_the_offices_reason_and_a_listed_reason_stays_a_listed_one() -> None:
    asked = request("q1", M.PROPOSAL, "bank-b", at(date(2026, 2, 2)), date(2026, 2, 16))
    rejected = Reply.model_validate({"type": "proposal_reject", "reason": "The monthly part is too low."})
    refused = Reply.model_validate({"type": "no_cooperation", "reason": "recent_discharge"})

    message = answer(asked, rejected, NEGOTIATING, "bank-b", at(date(2026, 2, 5)), "r1")

    assert message.body == {"reason": "The monthly part is too low."}
    assert refused.reason is NoCooperationReason.RECENT_DISCHARGE


@pytest.mark.parametrize(
    "body",
    [
        {"type": "no_cooperation", "reason": "we do not want to"},  # not a listed reason
        {"type": "notice_ack", "reason": "unknown_person"},  # a notice_ack gives no reason
        {"type": "proposal_accept", "reason": "fine"},
        {"type": "proposal_reject", "reason": ""},
    ],
)
def test_a_reason_is_taken_only_where_the_catalogue_has_one(body: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Reply.model_validate(body)


def test_a_reply_counts_the_claims_it_brought() -> None:
    asked = request("q1", M.BALANCE_REQUEST, "bank-b", at(date(2026, 2, 2)), date(2026, 2, 16))
    with_claims = Reply.model_validate(
        {
            "type": "balance_reply_preapproved",
            "claims": [{"office_reference": "B-1", "principal_creditor": "Bank B", "principal": 100}],
        }
    )

    by_api = answer(asked, with_claims, NEGOTIATING, "bank-b", at(date(2026, 2, 5)), "r1")
    by_csv = answer(
        asked,
        Reply(type=M.BALANCE_REPLY),
        NEGOTIATING,
        "bank-b",
        at(date(2026, 2, 5)),
        "r2",
        claims_received=7,
    )
    without = answer(asked, Reply(type=M.BALANCE_REPLY), NEGOTIATING, "bank-b", at(date(2026, 2, 5)), "r3")

    assert (by_api.claims_received, by_csv.claims_received, without.claims_received) == (1, 7, None)


def test_the_negotiation_lists_each_answer_to_the_latest_proposal_with_its_words() -> None:
    first = request("p1", M.PROPOSAL, "bank-b", at(date(2026, 2, 2)), date(2026, 2, 16))
    other = request("p2", M.PROPOSAL, "city-c", at(date(2026, 2, 2)), date(2026, 2, 16))
    early = reply("r1", M.PROPOSAL_REJECT, first)
    again = request("p3", M.RECONSIDERATION, "bank-b", at(date(2026, 2, 10)), date(2026, 2, 24))
    rejected = Message.model_validate(
        reply("r2", M.PROPOSAL_REJECT, again).model_dump()
        | {"body": {"reason": "Still too low.", "comment": "Call us."}}
    )
    accepted = reply("r3", M.PROPOSAL_ACCEPT, other)

    answers = proposal_answers([first, other, early, again, rejected, accepted])

    assert [(a.office_id, a.type, a.reason, a.comment) for a in answers] == [
        ("bank-b", M.PROPOSAL_REJECT, "Still too low.", "Call us."),  # the answer to the reconsideration
        ("city-c", M.PROPOSAL_ACCEPT, None, None),
    ]
