from datetime import UTC, date, datetime, timedelta, timezone
from itertools import product

import pytest
from pydantic import ValidationError

from respite_core.domain import (
    TRANSITIONS,
    Dossier,
    DossierEvent,
    DossierState,
    IllegalTransition,
    next_state,
    standstill_ends_on,
)

S, E = DossierState, DossierEvent

# Written out by hand, apart from the code: every legal move. Anything else must be refused.
LEGAL: dict[tuple[DossierState, DossierEvent], DossierState] = {
    (S.AWAITING_SIGNED_FORM, E.SIGNED_FORM_ADDED): S.REGISTERED,
    (S.AWAITING_SIGNED_FORM, E.CLOSED): S.CLOSED,
    (S.AWAITING_SIGNED_FORM, E.CONSENT_WITHDRAWN): S.WITHDRAWN,
    (S.AWAITING_SIGNED_FORM, E.TRANSFERRED): S.AWAITING_SIGNED_FORM,
    (S.REGISTERED, E.NOTICES_SENT): S.NOTIFIED,
    (S.NOTIFIED, E.NOTICES_SENT): S.NOTIFIED,
    (S.NEGOTIATING, E.NOTICES_SENT): S.NEGOTIATING,
    (S.NOTIFIED, E.PROPOSAL_SENT): S.NEGOTIATING,
    (S.NEGOTIATING, E.PROPOSAL_SENT): S.NEGOTIATING,
    (S.NEGOTIATING, E.RECONSIDERATION_SENT): S.NEGOTIATING,
    (S.NEGOTIATING, E.SETTLEMENT_AGREED): S.SETTLED,
    (S.NOTIFIED, E.TERMINATED): S.TERMINATED,
    (S.NEGOTIATING, E.TERMINATED): S.TERMINATED,
    (S.SETTLED, E.TERMINATED): S.TERMINATED,
    (S.REGISTERED, E.CLOSED): S.CLOSED,
    (S.NOTIFIED, E.CLOSED): S.CLOSED,
    (S.NEGOTIATING, E.CLOSED): S.CLOSED,
    (S.SETTLED, E.CLOSED): S.CLOSED,
    (S.TERMINATED, E.CLOSED): S.CLOSED,
    (S.REGISTERED, E.CONSENT_WITHDRAWN): S.WITHDRAWN,
    (S.NOTIFIED, E.CONSENT_WITHDRAWN): S.WITHDRAWN,
    (S.NEGOTIATING, E.CONSENT_WITHDRAWN): S.WITHDRAWN,
    (S.SETTLED, E.CONSENT_WITHDRAWN): S.WITHDRAWN,
    (S.TERMINATED, E.CONSENT_WITHDRAWN): S.WITHDRAWN,
    (S.CLOSED, E.CONSENT_WITHDRAWN): S.WITHDRAWN,
    (S.CLOSED, E.ERASED): S.ERASED,
    (S.WITHDRAWN, E.ERASED): S.ERASED,
    (S.REGISTERED, E.TRANSFERRED): S.REGISTERED,
    (S.NOTIFIED, E.TRANSFERRED): S.NOTIFIED,
    (S.NEGOTIATING, E.TRANSFERRED): S.NEGOTIATING,
    (S.SETTLED, E.TRANSFERRED): S.SETTLED,
}

ALL_PAIRS = list(product(DossierState, DossierEvent))
ILLEGAL = [pair for pair in ALL_PAIRS if pair not in LEGAL]


def test_the_table_is_exactly_the_legal_moves() -> None:
    assert dict(TRANSITIONS) == LEGAL


@pytest.mark.parametrize(("state", "event"), list(LEGAL))
def test_every_legal_transition(state: DossierState, event: DossierEvent) -> None:
    assert next_state(state, event) is LEGAL[(state, event)]


@pytest.mark.parametrize(("state", "event"), ILLEGAL)
def test_every_illegal_transition_is_refused_by_name(state: DossierState, event: DossierEvent) -> None:
    with pytest.raises(IllegalTransition) as caught:
        next_state(state, event)
    assert caught.value.state is state
    assert caught.value.event is event
    assert state.value in str(caught.value)
    assert event.value in str(caught.value)


def test_cross_product_is_covered() -> None:
    assert len(LEGAL) + len(ILLEGAL) == len(DossierState) * len(DossierEvent)
    assert len(ILLEGAL) > 0


def test_nothing_leaves_erased() -> None:
    assert [event for event in DossierEvent if (S.ERASED, event) in TRANSITIONS] == []


def test_every_state_but_erased_can_reach_erased() -> None:
    reachable = {S.ERASED}
    changed = True
    while changed:
        before = len(reachable)
        reachable |= {state for (state, _), target in TRANSITIONS.items() if target in reachable}
        changed = len(reachable) != before
    assert reachable == set(DossierState)


def test_illegal_transition_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="'erased'"):
        next_state(S.ERASED, E.CLOSED)


def test_the_table_cannot_be_changed_at_runtime() -> None:
    with pytest.raises(TypeError):
        TRANSITIONS[(S.ERASED, E.CLOSED)] = S.CLOSED  # type: ignore[index]


@pytest.mark.parametrize(
    ("started_on", "ends_on"),
    [
        (date(2025, 11, 30), date(2026, 2, 28)),
        (date(2023, 11, 30), date(2024, 2, 29)),
        (date(2025, 1, 15), date(2025, 4, 15)),
        (date(2025, 10, 31), date(2026, 1, 31)),
        (date(2025, 12, 31), date(2026, 3, 31)),
        (date(2026, 5, 31), date(2026, 8, 31)),
        (date(2026, 6, 30), date(2026, 9, 30)),
        (date(2026, 3, 31), date(2026, 6, 30)),
    ],
)
def test_standstill_lasts_three_calendar_months(started_on: date, ends_on: date) -> None:
    assert standstill_ends_on(started_on) == ends_on


OPENED = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def dossier(**changes: object) -> Dossier:
    fields: dict[str, object] = {"dossier_id": "01JD0SS1ER", "agency_id": "ocmw-gent", "opened_at": OPENED}
    fields.update(changes)
    return Dossier.model_validate(fields)


def test_a_new_dossier_is_registered() -> None:
    assert dossier().state is S.REGISTERED


def test_apply_moves_the_state_and_keeps_the_rest() -> None:
    notified = dossier(standstill_starts_on=date(2025, 3, 4)).apply(E.NOTICES_SENT)
    assert notified.state is S.NOTIFIED
    assert notified.standstill_starts_on == date(2025, 3, 4)
    with pytest.raises(IllegalTransition):
        notified.apply(E.ERASED)


def test_apply_validates_the_result() -> None:
    notified = dossier(state=S.NOTIFIED)
    with pytest.raises(ValidationError, match="closed_at"):
        notified.apply(E.CLOSED)
    closed_at = OPENED + timedelta(days=30)
    closed = notified.apply(E.CLOSED, closed_at=closed_at, close_reason="moved abroad")
    assert (closed.state, closed.closed_at, closed.close_reason) == (S.CLOSED, closed_at, "moved abroad")
    assert notified.state is S.NOTIFIED  # the original is untouched


def test_standstill_end_may_be_early_but_not_past_three_months() -> None:
    start = date(2025, 11, 30)
    assert dossier(standstill_starts_on=start, standstill_ends_on=date(2026, 2, 28)).standstill_ends_on
    assert dossier(standstill_starts_on=start, standstill_ends_on=date(2026, 1, 10)).standstill_ends_on
    with pytest.raises(ValidationError, match="at most 3 months"):
        dossier(standstill_starts_on=start, standstill_ends_on=date(2026, 3, 1))
    with pytest.raises(ValidationError, match="before it starts"):
        dossier(standstill_starts_on=start, standstill_ends_on=date(2025, 11, 29))
    with pytest.raises(ValidationError, match="without a start"):
        dossier(standstill_ends_on=date(2026, 1, 10))


def test_closing_needs_consistent_times() -> None:
    closed_at = OPENED + timedelta(days=90)
    closed = dossier(state=S.CLOSED, closed_at=closed_at, retention_ends_at=closed_at + timedelta(days=365))
    assert closed.closed_at == closed_at
    with pytest.raises(ValidationError, match="closed_at"):
        dossier(state=S.CLOSED)
    with pytest.raises(ValidationError, match="before it was opened"):
        dossier(state=S.CLOSED, closed_at=OPENED - timedelta(seconds=1))
    with pytest.raises(ValidationError, match="retention"):
        dossier(retention_ends_at=closed_at)
    with pytest.raises(ValidationError, match="retention"):
        dossier(state=S.CLOSED, closed_at=closed_at, retention_ends_at=closed_at - timedelta(days=1))


def test_dossier_times_are_aware_and_kept_in_utc() -> None:
    brussels = timezone(timedelta(hours=1))
    opened = dossier(opened_at=datetime(2025, 3, 3, 10, 0, tzinfo=brussels)).opened_at
    assert opened == OPENED
    assert opened.tzinfo is UTC
    with pytest.raises(ValidationError):
        dossier(opened_at=datetime(2025, 3, 3, 10, 0))  # naive on purpose


def test_dossier_is_frozen_and_strict_about_fields() -> None:
    with pytest.raises(ValidationError):
        dossier().state = S.CLOSED  # type: ignore[misc]
    with pytest.raises(ValidationError, match="Extra inputs"):
        dossier(national_number="85073003328")
    with pytest.raises(ValidationError):
        dossier(state="paused")
    with pytest.raises(ValidationError):
        dossier(dossier_id="DOSSIER#1")  # would break table keys
