"""The dossier's pure logic: the one-dossier view, state changes, deadlines, the overview."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from respite_consent import dossiers
from respite_consent.models import CloseDossier, ConsentRecord, TransferDossier
from respite_core.domain import (
    Claim,
    CreditorClass,
    DebtorIdentity,
    Dossier,
    DossierState,
    IllegalTransition,
    Message,
    MessageType,
)
from respite_core.overview import overview as status_overview

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
TODAY = NOW.date()


def dossier(**changes: Any) -> Dossier:
    return Dossier.model_validate(
        {"dossier_id": "D1", "agency_id": "ocmw-gent", "opened_at": NOW - timedelta(days=40)} | changes
    )


def claim(
    claim_id: str, office_id: str, creditor_class: str, principal: int, paid: int = 0, **extra: Any
) -> Claim:
    return Claim.model_validate(
        {
            "claim_id": claim_id,
            "dossier_id": "D1",
            "office_id": office_id,
            "office_reference": f"REF-{claim_id}",
            "principal": principal,
            "interest": 100,
            "costs": 50,
            "paid": paid,
            "title": {"kind": "none"},
            "creditor_class": creditor_class,
            "principal_creditor": "A creditor",
        }
        | extra
    )


def message(
    message_id: str, type: MessageType, *, sender: str, receiver: str, created: datetime, **extra: Any
) -> Message:
    return Message.model_validate(
        {
            "message_id": message_id,
            "conversation_id": "C1",
            "dossier_id": "D1",
            "sender": sender,
            "receiver": receiver,
            "type": type,
            "created_at": created,
        }
        | extra
    )


PERSON = DebtorIdentity.model_validate(
    {
        "national_number": {"country": "BE", "number": "85.07.30-033.28"},
        "given_names": "Jan",
        "family_name": "Peeters",
        "birth_date": "1985-07-30",
        "address": {
            "country": "BE",
            "street": "Veldstraat",
            "number": "12",
            "postal_code": "9000",
            "city": "Gent",
        },
    }
)
CONSENT = ConsentRecord.model_validate(
    {
        "text_version": "v1",
        "language": "nl",
        "text_sha256": "a" * 64,
        "channel": "in_person",
        "captured_by": "u-anna",
        "captured_at": NOW - timedelta(days=40),
    }
)


def test_claims_are_grouped_by_creditor_and_class_with_totals_to_the_cent() -> None:
    claims = [
        claim("A1", "vanhove", "ordinary", 10_000, paid=1_000),
        claim("A2", "vanhove", "preferential", 5_000),
        claim("B1", "lambert", "ordinary", 20_001),
    ]
    contents = dossiers.DossierContents(dossier(), PERSON, CONSENT, claims, [])

    view = dossiers.view(contents, TODAY)

    assert [c.office_id for c in view.creditors] == ["lambert", "vanhove"]
    vanhove = view.creditors[1]
    assert sorted(vanhove.claims) == [CreditorClass.ORDINARY, CreditorClass.PREFERENTIAL]
    assert [c.claim_id for c in vanhove.claims[CreditorClass.PREFERENTIAL]] == ["A2"]
    assert vanhove.totals.outstanding == (10_000 + 150 - 1_000) + (5_000 + 150)
    assert view.totals.principal == 35_001
    assert view.totals.outstanding == 35_001 + 3 * 150 - 1_000
    assert view.totals_by_class[CreditorClass.PREFERENTIAL].outstanding == 5_150
    assert (
        view.totals_by_class[CreditorClass.ORDINARY].outstanding
        + view.totals_by_class[CreditorClass.PREFERENTIAL].outstanding
        == view.totals.outstanding
    )


def test_a_claim_with_a_laid_garnishment_says_it_continues_during_the_standstill() -> None:
    garnished = claim("G1", "vanhove", "ordinary", 1_000, enforcement={"garnishment_laid": True})
    contents = dossiers.DossierContents(
        dossier(), PERSON, CONSENT, [garnished, claim("N1", "vanhove", "ordinary", 5)], []
    )

    views = dossiers.view(contents, TODAY).creditors[0].claims[CreditorClass.ORDINARY]

    assert {v.claim_id: v.continues_during_standstill for v in views} == {"G1": True, "N1": False}


def test_pending_replies_are_the_unanswered_requests_with_their_deadlines() -> None:
    sent = NOW - timedelta(days=20)
    messages = [
        message(
            "M1",
            MessageType.NOTICE,
            sender="ocmw-gent",
            receiver="vanhove",
            created=sent,
            reply_due_on=TODAY - timedelta(days=2),
        ),
        message(
            "M2",
            MessageType.NOTICE,
            sender="ocmw-gent",
            receiver="lambert",
            created=sent,
            reply_due_on=TODAY + timedelta(days=3),
        ),
        message(
            "R1",
            MessageType.NOTICE_ACK,
            sender="lambert",
            receiver="ocmw-gent",
            created=NOW,
            in_reply_to="M2",
        ),
        message(
            "M3",
            MessageType.BALANCE_REQUEST,
            sender="ocmw-gent",
            receiver="lambert",
            created=NOW,
            reply_due_on=TODAY + timedelta(days=14),
        ),
    ]
    contents = dossiers.DossierContents(dossier(), PERSON, CONSENT, [], messages)

    view = dossiers.view(contents, TODAY)

    assert [(p.message_id, p.office_id, p.overdue) for p in view.pending_replies] == [
        ("M1", "vanhove", True),
        ("M3", "lambert", False),
    ]
    assert [m.message_id for m in view.messages] == ["M1", "M2", "M3", "R1"]  # in time order


def test_the_view_shows_what_every_message_says_and_when_it_was_fetched_acknowledged_answered() -> None:
    sent, fetched, answered = NOW - timedelta(days=9), NOW - timedelta(days=8), NOW - timedelta(days=2)
    budget = {"document_id": "B1", "sha256": "b" * 64, "size_bytes": 2048}
    messages = [
        message(
            "P1",
            MessageType.PROPOSAL,
            sender="ocmw-gent",
            receiver="vanhove",
            created=sent,
            reply_due_on=TODAY + timedelta(days=5),
            fetched_at=fetched,
            acknowledged_at=answered,
            answered_at=answered,
            body={
                "kind": "buy_out",
                "office_id": "vanhove",
                "claim_ids": ["A1"],
                "outstanding": 10_000,
                "offered": 3_500,
                "budget_document": budget,
            },
        ),
        message(
            "R1",
            MessageType.PROPOSAL_REJECT,
            sender="vanhove",
            receiver="ocmw-gent",
            created=answered,
            in_reply_to="P1",
            body={"reason": "35 % is too little.", "comment": "We accept 60 %.", "file_references": ["VH/1"]},
        ),
        message(
            "R0",
            MessageType.NOTICE_ACK,
            sender="vanhove",
            receiver="ocmw-gent",
            created=sent - timedelta(days=3),
            in_reply_to="N1",
            claims_received=3,
        ),
    ]
    contents = dossiers.DossierContents(dossier(), PERSON, CONSENT, [], messages)

    shown = {m.message_id: m for m in dossiers.view(contents, TODAY).messages}

    proposal, rejection = shown["P1"], shown["R1"]
    assert (proposal.fetched_at, proposal.acknowledged_at, proposal.answered_at) == (
        fetched,
        answered,
        answered,
    )
    assert (proposal.body.kind, proposal.body.offered, proposal.body.claim_ids) == ("buy_out", 3_500, ["A1"])
    assert proposal.body.budget_document is not None
    assert proposal.body.budget_document.document_id == "B1"
    assert (rejection.body.reason, rejection.body.comment) == ("35 % is too little.", "We accept 60 %.")
    assert rejection.body.file_references == ["VH/1"]
    assert shown["R0"].claims_received == 3


def test_closing_sets_the_retention_deadline() -> None:
    closed = dossiers.close(dossier(), "plan completed", NOW, timedelta(days=30))
    assert closed.state is DossierState.CLOSED
    assert closed.closed_at == NOW
    assert closed.retention_ends_at == NOW + timedelta(days=30)
    with pytest.raises(IllegalTransition):
        dossiers.close(closed, "again", NOW)


def test_withdrawal_is_possible_until_erasure_and_only_once() -> None:
    withdrawn = dossiers.withdraw(dossier(state="notified"), NOW)
    assert withdrawn.state is DossierState.WITHDRAWN
    assert withdrawn.withdrawn_at == NOW
    with pytest.raises(IllegalTransition):
        dossiers.withdraw(withdrawn, NOW)


def test_a_transfer_moves_the_dossier_but_not_to_where_it_is() -> None:
    moved = dossiers.transfer(dossier(state="negotiating"), "shv-utrecht")
    assert moved.agency_id == "shv-utrecht"
    assert moved.state is DossierState.NEGOTIATING
    with pytest.raises(ValueError, match="already"):
        dossiers.transfer(dossier(), "ocmw-gent")
    closed = dossiers.close(dossier(), "done", NOW)
    with pytest.raises(IllegalTransition):
        dossiers.transfer(closed, "shv-utrecht")


@pytest.mark.parametrize(
    ("changes", "days", "due"),
    [
        ({}, 365, False),
        ({"next_deadline_on": TODAY + timedelta(days=5)}, 5, True),
        ({"next_deadline_on": TODAY + timedelta(days=6)}, 5, False),
        (
            {
                "state": "notified",
                "standstill_starts_on": TODAY - timedelta(days=80),
                "standstill_ends_on": TODAY + timedelta(days=4),
            },
            7,
            True,
        ),
        # a standstill that ended with a settlement is no deadline
        (
            {
                "state": "settled",
                "standstill_starts_on": TODAY - timedelta(days=80),
                "standstill_ends_on": TODAY + timedelta(days=4),
            },
            7,
            False,
        ),
    ],
)
def test_deadlines_within_n_days(changes: dict[str, Any], days: int, due: bool) -> None:
    assert dossiers.is_due_within(dossier(**changes), TODAY, days) is due


def test_the_overview_counts_states_and_lists_this_weeks_deadlines() -> None:
    agency = [
        dossier(dossier_id="D1"),
        dossier(dossier_id="D2", next_deadline_on=TODAY + timedelta(days=2), agency_reference="2026/17"),
        dossier(
            dossier_id="D3",
            state="notified",
            standstill_starts_on=TODAY - timedelta(days=85),
            standstill_ends_on=TODAY + timedelta(days=6),
        ),
        dossier(dossier_id="D4", next_deadline_on=TODAY + timedelta(days=30)),
    ]

    overview = status_overview("ocmw-gent", agency, 12, NOW - timedelta(days=7), NOW)

    assert overview.dossiers_by_state[DossierState.REGISTERED] == 3
    assert overview.dossiers_by_state[DossierState.NOTIFIED] == 1
    assert overview.dossiers_by_state[DossierState.ERASED] == 0
    assert overview.claims_received_since == 12
    assert [(d.dossier_id, d.kind, d.due_on) for d in overview.deadlines_this_week] == [
        ("D2", "reply", TODAY + timedelta(days=2)),
        ("D3", "standstill_ends", TODAY + timedelta(days=6)),
    ]
    assert overview.deadlines_this_week[0].agency_reference == "2026/17"


def test_a_summary_carries_no_personal_data() -> None:
    fields = set(dossiers.summary(dossier(agency_reference="2026/17"), date(2027, 1, 4)).model_dump())
    assert fields == {
        "dossier_id",
        "state",
        "opened_at",
        "agency_reference",
        "standstill_ends_on",
        "next_deadline_on",
        "overdue",
        "closed_at",
    }


def test_a_reply_is_overdue_in_the_list_once_its_day_has_passed_by_the_platforms_date() -> None:
    due = dossier().model_copy(update={"next_deadline_on": date(2027, 3, 5)})
    assert dossiers.summary(due, date(2027, 3, 6)).overdue
    assert not dossiers.summary(due, date(2027, 3, 5)).overdue  # due today is not yet late
    assert not dossiers.summary(dossier(), date(2030, 1, 1)).overdue  # nothing awaited


@pytest.mark.parametrize("reason", ["moved\nabroad", "\u202edevom", "\u200b"])
def test_a_closure_or_transfer_reason_is_one_readable_line_as_the_dossier_keeps_it(reason: str) -> None:
    """Refused where it is asked for (a 422), not when the closed dossier is built from it (a 500)."""
    for request in (CloseDossier, TransferDossier):
        with pytest.raises(ValidationError):
            request.model_validate({"reason": reason, "to_agency_id": "utrecht"})
    with pytest.raises(ValidationError):
        dossiers.close(dossier(), reason, datetime(2026, 11, 16, tzinfo=UTC))
    closed = dossiers.close(dossier(), "moved abroad", datetime(2026, 11, 16, tzinfo=UTC))
    assert closed.close_reason == "moved abroad"
