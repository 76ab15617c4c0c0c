"""The plan calculator: worked examples checked by hand, then the invariants for any input (hypothesis)."""

from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from respite_claims.plan import (
    BuyOut,
    Debt,
    InstalmentPlan,
    PlanSettings,
    buy_out,
    instalment_plan,
)
from respite_core.domain import Claim, CreditorClass

PREF = CreditorClass.PREFERENTIAL
ORD = CreditorClass.ORDINARY


def debt(claim_id: str, outstanding: int, creditor_class: CreditorClass = ORD, office: str = "") -> Debt:
    return Debt(claim_id, office or f"office-{claim_id}", creditor_class, outstanding)


def amounts(plan: InstalmentPlan | BuyOut) -> list[int]:
    return [part.amount for part in plan.parts]


def schedule(first: int, first_months: int, then: int, months: int = 36) -> tuple[int, ...]:
    return (first,) * first_months + (then,) * (months - first_months)


# --- worked examples --------------------------------------------------------------------------------------


def test_three_ordinary_claims_share_the_capacity_pro_rata() -> None:
    # 100.00 €/month x 36 = 3,600.00 € available < 6,000.00 € owed; pro rata 1:2:3 of 3,600.00 € is
    # 600.00 / 1,200.00 / 1,800.00 € (exact, no rounding needed).
    plan = instalment_plan(10_000, [debt("a", 100_000), debt("b", 200_000), debt("c", 300_000)])
    assert plan.available == 360_000
    assert plan.total_outstanding == 600_000
    assert not plan.covers_all
    assert amounts(plan) == [60_000, 120_000, 180_000]
    assert plan.total_paid == 360_000
    assert plan.surplus == 0
    assert plan.unpaid == 240_000
    a, b, c = (part.monthly for part in plan.parts)
    # 60,000 / 36 = 1,666 r 24: 16.67 € in 24 months, 16.66 € in 12 (24 x 1,667 + 12 x 1,666 = 60,000).
    assert a == schedule(1_667, 24, 1_666)
    # 120,000 / 36 = 3,333 r 12: the 12 larger months follow on from a's run, months 25..36.
    assert b == schedule(3_333, 24, 3_334)
    # 180,000 / 36 = 5,000 exactly.
    assert c == (5_000,) * 36
    # Months 1..24: 16.67 + 33.33 + 50.00; months 25..36: 16.66 + 33.34 + 50.00 - always 100.00 €.
    assert plan.monthly_totals == (10_000,) * 36
    assert plan.by_class == {PREF: 0, ORD: 360_000}


def test_preferential_euros_count_double_by_default() -> None:
    # 50.00 €/month x 36 = 1,800.00 €. P = 1,000.00 € preferential, O = 2,000.00 + 3,000.00 € ordinary.
    # Weighted 2P : O = 2,000 : 5,000, so preferential gets 1,800 x 2/7 = 514.2857 €, ordinary 1,285.7143 €:
    # floors 51,428 + 128,571 cents, the one cent left goes to the larger remainder (.57 > .43): 51,429.
    # Ordinary 128,571 split 2:3 = 51,428.4 / 77,142.6: floors 51,428 + 77,142, the cent to .6: 77,143.
    plan = instalment_plan(
        5_000, [debt("p", 100_000, PREF, "fisc"), debt("o1", 200_000, office="bank"), debt("o2", 300_000)]
    )
    assert amounts(plan) == [51_429, 51_428, 77_143]
    assert plan.by_class == {PREF: 51_429, ORD: 128_571}
    assert plan.by_office == {"fisc": 51_429, "bank": 51_428, "office-o2": 77_143}
    p, o1, o2 = (part.monthly for part in plan.parts)
    # 51,429 = 36 x 1,428 + 21: months 1..21 larger.
    assert p == schedule(1_429, 21, 1_428)
    # 51,428 = 36 x 1,428 + 20: the run starts at month 22 and wraps: months 22..36 and 1..5.
    assert o1 == (1_429,) * 5 + (1_428,) * 16 + (1_429,) * 15
    # 77,143 = 36 x 2,142 + 31: the run starts at month 6 (after 1..5) and covers 6..36.
    assert o2 == schedule(2_142, 5, 2_143)
    # e.g. month 1: 14.29 + 14.29 + 21.42; month 6: 14.29 + 14.28 + 21.43; month 22: 14.28 + 14.29 + 21.43.
    assert plan.monthly_totals == (5_000,) * 36


def test_a_capped_preferential_class_is_paid_in_full_and_the_overflow_goes_to_ordinary() -> None:
    # 100.00 €/month x 36 = 3,600.00 €; weighted preferential share 3,600 x 2/7 = 1,028.57 € > its 1,000.00 €
    # outstanding: preferential gets 1,000.00 €, ordinary the other 2,600.00 €, split 2:3 = 1,040 / 1,560.
    plan = instalment_plan(10_000, [debt("p", 100_000, PREF), debt("o1", 200_000), debt("o2", 300_000)])
    assert amounts(plan) == [100_000, 104_000, 156_000]
    assert plan.parts[0].unpaid == 0


def test_weight_one_is_plain_pro_rata_over_all_claims() -> None:
    # 3,600.00 € over 1,000 / 2,000 / 3,000 € regardless of class: 600 / 1,200 / 1,800 €.
    plan = instalment_plan(
        10_000,
        [debt("p", 100_000, PREF), debt("o1", 200_000), debt("o2", 300_000)],
        PlanSettings(preferential_weight=1),
    )
    assert amounts(plan) == [60_000, 120_000, 180_000]


def test_strict_priority_pays_preferential_claims_in_full_first() -> None:
    strict = PlanSettings(preferential_weight=None)
    # 3,600.00 € available, 1,500.00 € preferential: paid in full.
    # Ordinary gets the other 2,100.00 €, split 2:3 = 840 / 1,260.
    plan = instalment_plan(
        10_000,
        [debt("p1", 100_000, PREF), debt("o1", 200_000), debt("p2", 50_000, PREF), debt("o2", 300_000)],
        strict,
    )
    assert amounts(plan) == [100_000, 84_000, 50_000, 126_000]
    assert plan.by_class == {PREF: 150_000, ORD: 210_000}
    # 20.00 €/month x 36 = 720.00 € < 1,500.00 € preferential: all of it to them (2:1 = 480 / 240), none
    # to ordinary.
    plan = instalment_plan(
        2_000,
        [debt("p1", 100_000, PREF), debt("o1", 200_000), debt("p2", 50_000, PREF), debt("o2", 300_000)],
        strict,
    )
    assert amounts(plan) == [48_000, 0, 24_000, 0]
    assert plan.parts[1].monthly == (0,) * 36


def test_when_the_capacity_covers_everything_each_claim_is_paid_in_full() -> None:
    # 3,600.00 € available, 1,500.01 € owed: each claim paid in full, 2,099.99 € of the capacity unused.
    plan = instalment_plan(10_000, [debt("p", 100_000, PREF), debt("o", 50_001)])
    assert plan.covers_all
    assert amounts(plan) == [100_000, 50_001]
    assert plan.total_paid == plan.total_outstanding == 150_001
    assert plan.surplus == 209_999
    assert plan.unpaid == 0
    p, o = (part.monthly for part in plan.parts)
    # 100,000 = 36 x 2,777 + 28: months 1..28 larger. 50,001 = 36 x 1,388 + 33: months 29..36 then 1..25.
    assert p == schedule(2_778, 28, 2_777)
    assert o == (1_389,) * 25 + (1_388,) * 3 + (1_389,) * 8
    # 150,001 = 36 x 4,166 + 25: 41.67 € in months 1..25, 41.66 € after; never above the 100.00 € capacity.
    assert plan.monthly_totals == schedule(4_167, 25, 4_166)


def test_a_shorter_plan_and_an_exactly_sufficient_capacity() -> None:
    # 12 months x 10.00 € = 120.00 € = exactly what is owed: every claim in full, nothing to spare.
    plan = instalment_plan(1_000, [debt("a", 7_000), debt("b", 5_000, PREF)], PlanSettings(months=12))
    assert amounts(plan) == [7_000, 5_000]
    assert plan.surplus == 0
    assert len(plan.parts[0].monthly) == 12
    assert plan.monthly_totals == (1_000,) * 12


def test_no_debts_gives_a_plan_without_parts() -> None:
    plan = instalment_plan(10_000, [])
    assert plan.parts == ()
    assert plan.total_paid == plan.total_outstanding == 0
    assert plan.available == 360_000
    assert plan.monthly_totals == (0,) * 36
    assert plan.by_office == {}
    assert plan.by_class == {PREF: 0, ORD: 0}


def test_nothing_outstanding_gives_zero_parts() -> None:
    plan = instalment_plan(10_000, [debt("a", 0), debt("b", 0, PREF)])
    assert amounts(plan) == [0, 0]
    assert plan.parts[0].monthly == (0,) * 36
    assert buy_out(5_000, [debt("a", 0), debt("b", 0)]).offered_total == 0


def test_zero_capacity_pays_nothing() -> None:
    plan = instalment_plan(0, [debt("a", 500), debt("b", 700, PREF)])
    assert amounts(plan) == [0, 0]
    assert plan.monthly_totals == (0,) * 36


def test_tiny_parts_are_staggered_so_no_month_exceeds_the_capacity() -> None:
    # 0.01 €/month x 36 = 0.36 € over 36 equal claims: 0.01 € each. Each claim pays its cent in its own
    # month; paying every cent in month 1 would ask 0.36 € of a debtor who has 0.01 € a month.
    plan = instalment_plan(1, [debt(f"c{i}", 1_000) for i in range(36)])
    assert amounts(plan) == [1] * 36
    assert [part.monthly.index(1) for part in plan.parts] == list(range(36))
    assert plan.monthly_totals == (1,) * 36


def test_offices_with_several_claims_are_summed() -> None:
    plan = instalment_plan(
        10_000,
        [debt("a", 100_000, office="x"), debt("b", 200_000, office="y"), debt("c", 300_000, office="x")],
    )
    assert plan.by_office == {"x": 240_000, "y": 120_000}


def test_buy_out_of_35_percent_sums_exactly() -> None:
    # 35 % of 10.01 / 20.02 / 30.03 € = 3.5035 / 7.007 / 10.5105 €; of the 60.06 € total 21.021 € -> 21.02 €.
    # Floors 350 + 700 + 1,051 = 2,101 cents; the missing cent goes to the largest remainder (.7): 701.
    offer = buy_out(3_500, [debt("a", 1_001), debt("b", 2_002), debt("c", 3_003, PREF)])
    assert offer.total_outstanding == 6_006
    assert offer.offered_total == 2_102
    assert amounts(offer) == [350, 701, 1_051]
    assert offer.by_class == {PREF: 1_051, ORD: 1_051}


def test_buy_out_parts_are_their_exact_percentage_rounded_down_or_up() -> None:
    # 66.42 % of 0.01 € and 0.47 € = 0.006642 and 0.312174 €; total 0.318816 € -> 0.31 € offered.
    # Rounding the exact percentages gives 0 + 31 cents. (Splitting 31 cents pro rata 1:47 would give
    # 0.6458 / 30.354 -> 1 + 30 cents, and 30 is 1.2 cents below the second claim's exact 31.2174.)
    offer = buy_out(6_642, [debt("a", 1), debt("b", 47)])
    assert offer.offered_total == 31
    assert amounts(offer) == [0, 31]


def test_buy_out_ties_go_to_the_debt_listed_first() -> None:
    # 50 % of three claims of 0.01 €: 0.015 € -> 0.01 € offered; the three remainders tie, the first wins.
    assert amounts(buy_out(5_000, [debt("a", 1), debt("b", 1), debt("c", 1)])) == [1, 0, 0]


def test_buy_out_of_everything_is_every_outstanding() -> None:
    assert amounts(buy_out(10_000, [debt("a", 12_345), debt("b", 1)])) == [12_345, 1]
    assert amounts(buy_out(1, [debt("a", 12_345), debt("b", 1)])) == [1, 0]  # 1.2345 -> 1 cent


def test_a_debt_can_be_made_from_a_claim() -> None:
    claim = Claim.model_validate(
        {
            "claim_id": "C1",
            "dossier_id": "D1",
            "office_id": "office-42",
            "office_reference": "2025/0815",
            "principal": 120_000,
            "interest": 4_550,
            "costs": 9_875,
            "paid": 20_000,
            "title": {"kind": "none"},
            "creditor_class": "preferential",
            "principal_creditor": "FOD Financiën",
        }
    )
    assert Debt.from_claim(claim) == Debt("C1", "office-42", PREF, 114_425)


# --- validation -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("capacity", "error"), [(-1, ValueError), (True, TypeError), (100.0, TypeError)])
def test_a_bad_capacity_is_refused(capacity: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match="monthly_capacity"):
        instalment_plan(capacity, [debt("a", 100)])


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"months": 0}, ValueError),
        ({"months": -3}, ValueError),
        ({"months": 36.0}, TypeError),
        ({"months": True}, TypeError),
        ({"preferential_weight": 0}, ValueError),
        ({"preferential_weight": 1.5}, TypeError),
        ({"preferential_weight": True}, TypeError),
    ],
)
def test_bad_settings_are_refused(changes: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        PlanSettings(**changes)


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        (("a", "o", ORD, -1), ValueError),
        (("a", "o", ORD, 10.0), TypeError),
        (("a", "o", ORD, False), TypeError),
        (("a", "o", "ordinary", 10), TypeError),
        (("", "o", ORD, 10), ValueError),
        (("a", "", ORD, 10), ValueError),
        ((1, "o", ORD, 10), TypeError),
    ],
)
def test_bad_debts_are_refused(fields: tuple[Any, ...], error: type[Exception]) -> None:
    with pytest.raises(error):
        Debt(*fields)


def test_a_claim_given_twice_or_a_non_debt_is_refused() -> None:
    with pytest.raises(ValueError, match="more than once"):
        instalment_plan(100, [debt("a", 1), debt("a", 2)])
    with pytest.raises(ValueError, match="more than once"):
        buy_out(100, [debt("a", 1), debt("a", 2)])
    with pytest.raises(TypeError):
        instalment_plan(100, [("a", "o", ORD, 1)])  # type: ignore[list-item]


@pytest.mark.parametrize(("bp", "error"), [(0, ValueError), (10_001, ValueError), (35.0, TypeError)])
def test_a_bad_percentage_is_refused(bp: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        buy_out(bp, [debt("a", 100)])


# --- properties -------------------------------------------------------------------------------------------

# Large and small amounts both, so plans that cover everything and plans that do not both come up often.
capacities = st.one_of(st.integers(0, 10**7), st.integers(0, 200))
outstandings = st.one_of(st.integers(0, 10**8), st.integers(0, 5_000))
debt_lists = st.lists(
    st.tuples(st.sampled_from(list(CreditorClass)), outstandings, st.integers(0, 4)), max_size=40
).map(lambda rows: [Debt(f"c{i}", f"o{office}", cls, owed) for i, (cls, owed, office) in enumerate(rows)])
weights = st.sampled_from([None, 1, 2, 3, 5])
months = st.one_of(st.just(36), st.integers(1, 60))


def check_amounts_and_schedules(plan: InstalmentPlan, capacity: int, debts: list[Debt], length: int) -> None:
    available = capacity * length
    total = sum(d.outstanding for d in debts)
    assert plan.available == available
    assert plan.total_outstanding == total
    assert plan.total_paid == sum(amounts(plan)) == min(available, total)
    assert plan.surplus == available - plan.total_paid
    assert [(p.claim_id, p.office_id, p.creditor_class, p.outstanding) for p in plan.parts] == [
        (d.claim_id, d.office_id, d.creditor_class, d.outstanding) for d in debts
    ]
    for part in plan.parts:
        assert 0 <= part.amount <= part.outstanding
        if available >= total:
            assert part.amount == part.outstanding
        # Each schedule: `length` months, adding up to the part, at most one cent apart.
        assert len(part.monthly) == length
        assert sum(part.monthly) == part.amount
        assert max(part.monthly) - min(part.monthly) <= 1
    # What the debtor pays each month never exceeds the capacity, is level to the cent, larger months first,
    # and uses the whole capacity every month when it does not cover everything.
    assert len(plan.monthly_totals) == length
    assert sum(plan.monthly_totals) == plan.total_paid
    assert max(plan.monthly_totals) <= capacity
    assert max(plan.monthly_totals) - min(plan.monthly_totals) <= 1
    assert list(plan.monthly_totals) == sorted(plan.monthly_totals, reverse=True)
    if available < total:
        assert plan.monthly_totals == (capacity,) * length
    # Totals per office and per class add up the parts.
    for office in {d.office_id for d in debts}:
        assert plan.by_office[office] == sum(p.amount for p in plan.parts if p.office_id == office)
    assert set(plan.by_office) == {d.office_id for d in debts}
    for cls in CreditorClass:
        assert plan.by_class[cls] == sum(p.amount for p in plan.parts if p.creditor_class is cls)


def check_class_split(plan: InstalmentPlan, available: int, debts: list[Debt], weight: int | None) -> None:
    owed = {cls: sum(d.outstanding for d in debts if d.creditor_class is cls) for cls in CreditorClass}
    pref, ordinary = plan.by_class[PREF], plan.by_class[ORD]
    if available < owed[PREF] + owed[ORD]:
        if weight is None:
            assert pref == min(available, owed[PREF])
        else:
            weighted = weight * owed[PREF] + owed[ORD]
            exact_pref = Fraction(available * weight * owed[PREF], weighted)
            exact_ord = Fraction(available * owed[ORD], weighted)
            if exact_pref <= owed[PREF] and exact_ord <= owed[ORD]:
                # Neither class capped: the preferential total is within one cent of its weighted share.
                assert abs(pref - exact_pref) < 1
            else:
                # A capped class is paid in full, and the other class gets the rest.
                assert (exact_pref > owed[PREF] and pref == owed[PREF]) or (
                    exact_ord > owed[ORD] and ordinary == owed[ORD]
                )
    # Within a class each part is within one cent of the class's amount pro rata to outstanding.
    for cls, class_amount in plan.by_class.items():
        for part in plan.parts:
            if part.creditor_class is cls and owed[cls]:
                assert abs(part.amount - Fraction(class_amount * part.outstanding, owed[cls])) < 1


# One test for both checks, so hypothesis generates the inputs once (the suite stays fast).
@settings(max_examples=300, deadline=None)
@given(capacities, debt_lists, weights, months)
def test_any_plan_pays_what_is_available_by_class_weight_and_pro_rata(
    capacity: int, debts: list[Debt], weight: int | None, length: int
) -> None:
    plan = instalment_plan(capacity, debts, PlanSettings(months=length, preferential_weight=weight))
    check_amounts_and_schedules(plan, capacity, debts, length)
    check_class_split(plan, capacity * length, debts, weight)


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 10_000), debt_lists)
def test_any_buy_out_offers_the_percentage_to_the_cent(bp: int, debts: list[Debt]) -> None:
    offer = buy_out(bp, debts)
    total = sum(d.outstanding for d in debts)
    assert offer.total_outstanding == total
    assert offer.offered_total == sum(amounts(offer)) == total * bp // 10_000
    assert [p.claim_id for p in offer.parts] == [d.claim_id for d in debts]
    for part in offer.parts:
        assert 0 <= part.amount <= part.outstanding
        assert abs(part.amount - Fraction(part.outstanding * bp, 10_000)) < 1
    for cls in CreditorClass:
        assert offer.by_class[cls] == sum(p.amount for p in offer.parts if p.creditor_class is cls)
    for office in {d.office_id for d in debts}:
        assert offer.by_office[office] == sum(p.amount for p in offer.parts if p.office_id == office)
