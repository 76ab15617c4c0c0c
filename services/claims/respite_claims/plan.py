"""The plan calculator: an instalment plan over the debtor's monthly capacity, or a buy-out percentage.

Pure functions over integer cents; no floats anywhere. Every rounding is largest-remainder, so the parts
always add up to the whole, and every tie goes to the debt listed first (deterministic).

Instalment plan (`instalment_plan`)
-----------------------------------
``available = monthly_capacity * months``; ``T`` is the total outstanding, ``P`` the preferential and
``O`` the ordinary outstanding.

1. If ``available >= T`` every debt gets its outstanding in full; the rest of the capacity is not needed
   (``total_paid == T``, ``surplus == available - T``).
2. Otherwise the whole of ``available`` is paid, first split between the two creditor classes:

   * weight ``w`` (an int >= 1, default 2): a preferential euro counts ``w`` times an ordinary euro.
     The preferential class's exact share is ``available * w*P / (w*P + O)``, the ordinary class's
     ``available * O / (w*P + O)``; the two are rounded with `split_pro_rata` (so each is within one cent of
     its exact share and they add up to ``available``). A class whose exact share exceeds its outstanding
     is *capped*: it gets its outstanding in full and the overflow goes to the other class. (With
     ``w >= 1`` only the preferential class can be capped, since ``available < P + O <= w*P + O``.)
   * weight ``None`` (strict priority): the preferential class gets ``min(available, P)``, the ordinary
     class the rest.

3. Within each class the class's amount is split pro rata to the debts' outstanding with `split_pro_rata`.
   A part is never above its debt's outstanding (a class never gets more than its outstanding).
4. Each debt's part is spread over the months: ``q, r = divmod(part, months)``; the debt pays ``q + 1`` in
   ``r`` months and ``q`` in the others. The ``r`` larger months form a run that starts where the previous
   debt's run ended (cyclically, debts in the order given; the first debt starts in month 1), so the extra
   cents are staggered over the months instead of all falling in month 1. That keeps every month's total
   within the capacity: the monthly totals differ by at most one cent, the larger ones first, and they
   equal ``monthly_capacity`` in every month when the capacity does not cover everything.

Buy-out (`buy_out`)
-------------------
One percentage ``bp`` (basis points, 1..10000) of every claim. The offered total is
``floor(T * bp / 10000)``. Each debt gets its exact percentage ``outstanding * bp / 10000`` rounded down,
and the cents still missing to reach the offered total go one each to the debts with the largest
remainders (largest-remainder on the exact percentages). So the parts add up to the offered total exactly
and each part is its exact percentage rounded down or up: strictly within one cent of it.
(Splitting the rounded total pro rata to outstanding instead would not guarantee that: 66.42 % of 0.01 and
0.47 € offers 0.31 €, which `split_pro_rata` would divide as 0.01 + 0.30 against exact 0.0066 + 0.3122.)
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Self

from respite_core.domain import Claim, CreditorClass
from respite_core.money import split_pro_rata

__all__ = [
    "BASIS_POINTS",
    "BuyOut",
    "BuyOutPart",
    "Debt",
    "InstalmentPlan",
    "PlanPart",
    "PlanSettings",
    "buy_out",
    "instalment_plan",
]

BASIS_POINTS: Final = 10_000  # 100 %

_CLASSES: Final = (CreditorClass.PREFERENTIAL, CreditorClass.ORDINARY)


def _require_int(value: object, name: str) -> int:
    # bool is a subclass of int; a True amount is always a bug. Floats are never money.
    if type(value) is not int:
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    return value


def _require_id(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    if not value:
        raise ValueError(f"{name} must not be empty")
    return value


@dataclass(frozen=True, slots=True)
class Debt:
    """One claim as the calculator sees it: who holds it, its class and what is still owed (cents)."""

    claim_id: str
    office_id: str
    creditor_class: CreditorClass
    outstanding: int

    def __post_init__(self) -> None:
        _require_id(self.claim_id, "claim_id")
        _require_id(self.office_id, "office_id")
        if not isinstance(self.creditor_class, CreditorClass):
            raise TypeError("creditor_class must be a CreditorClass")
        if _require_int(self.outstanding, "outstanding") < 0:
            raise ValueError("outstanding must not be negative")

    @classmethod
    def from_claim(cls, claim: Claim) -> Self:
        return cls(claim.claim_id, claim.office_id, claim.creditor_class, claim.outstanding)


@dataclass(frozen=True, slots=True)
class PlanSettings:
    """How an instalment plan is computed.

    `months`: the plan's length (>= 1), 36 by default.
    `preferential_weight`: when the capacity does not cover every claim, how many times a preferential
    euro outstanding counts against an ordinary one in splitting the available amount between the two
    classes: the preferential class gets ``available * w*P / (w*P + O)`` (rounded largest-remainder), capped
    at its outstanding ``P`` with the overflow going to the ordinary class. An int >= 1 (1 = no preference,
    plain pro rata over all claims' outstanding); 2 by default. None means strict priority: the
    preferential claims are paid in full before the ordinary claims get anything.
    """

    months: int = 36
    preferential_weight: int | None = 2

    def __post_init__(self) -> None:
        if _require_int(self.months, "months") < 1:
            raise ValueError("months must be at least 1")
        weight = self.preferential_weight
        if weight is not None and _require_int(weight, "preferential_weight") < 1:
            raise ValueError("preferential_weight must be at least 1 (or None for strict priority)")


@dataclass(frozen=True, slots=True)
class PlanPart:
    """What one debt gets under the plan: `amount` in total, `monthly` month by month (cents)."""

    claim_id: str
    office_id: str
    creditor_class: CreditorClass
    outstanding: int
    amount: int
    monthly: tuple[int, ...]

    @property
    def unpaid(self) -> int:
        """What the plan leaves of this debt."""
        return self.outstanding - self.amount


@dataclass(frozen=True, slots=True)
class InstalmentPlan:
    """The result of `instalment_plan`. `parts` is in the order the debts were given."""

    monthly_capacity: int
    months: int
    preferential_weight: int | None
    available: int  # monthly_capacity * months
    total_outstanding: int
    total_paid: int  # min(available, total_outstanding)
    parts: tuple[PlanPart, ...]
    monthly_totals: tuple[int, ...]  # what the debtor pays each month, over all debts
    by_office: dict[str, int]  # total paid per office, offices in order of first appearance
    by_class: dict[CreditorClass, int]  # total paid per creditor class, both classes always present

    @property
    def covers_all(self) -> bool:
        """Whether the capacity pays every debt in full."""
        return self.available >= self.total_outstanding

    @property
    def surplus(self) -> int:
        """The part of the available amount the plan does not need."""
        return self.available - self.total_paid

    @property
    def unpaid(self) -> int:
        """What the plan leaves unpaid over all debts."""
        return self.total_outstanding - self.total_paid


@dataclass(frozen=True, slots=True)
class BuyOutPart:
    claim_id: str
    office_id: str
    creditor_class: CreditorClass
    outstanding: int
    amount: int


@dataclass(frozen=True, slots=True)
class BuyOut:
    """The result of `buy_out`. `parts` is in the order the debts were given."""

    percentage_bp: int
    total_outstanding: int
    offered_total: int  # floor(total_outstanding * percentage_bp / 10000)
    parts: tuple[BuyOutPart, ...]
    by_office: dict[str, int]
    by_class: dict[CreditorClass, int]


def _check_debts(debts: Sequence[Debt]) -> tuple[Debt, ...]:
    checked = tuple(debts)
    seen: set[str] = set()
    for debt in checked:
        if not isinstance(debt, Debt):
            raise TypeError(f"debts must be Debt instances, not {type(debt).__name__}")
        if debt.claim_id in seen:
            raise ValueError(f"claim {debt.claim_id!r} appears more than once")
        seen.add(debt.claim_id)
    return checked


def _class_amounts(available: int, debts: Sequence[Debt], weight: int | None) -> dict[CreditorClass, int]:
    """Split `available` (< the total outstanding) between the two classes, as the module docstring says."""
    preferential = sum(d.outstanding for d in debts if d.creditor_class is CreditorClass.PREFERENTIAL)
    ordinary = sum(d.outstanding for d in debts if d.creditor_class is CreditorClass.ORDINARY)
    if weight is None:
        to_preferential = min(available, preferential)
    else:
        # Only the preferential class can be capped: with weight >= 1 the ordinary class's exact share,
        # available * O / (w*P + O), is below O because available < P + O <= w*P + O.
        weighted, _ = split_pro_rata(available, [weight * preferential, ordinary])
        to_preferential = min(weighted, preferential)
    return {
        CreditorClass.PREFERENTIAL: to_preferential,
        CreditorClass.ORDINARY: available - to_preferential,
    }


def _stagger(amounts: Sequence[int], months: int) -> list[tuple[int, ...]]:
    """Spread each amount over `months`, the extra cents of successive amounts in consecutive months."""
    schedules: list[tuple[int, ...]] = []
    start = 0
    for amount in amounts:
        base, extra = divmod(amount, months)
        larger = {(start + offset) % months for offset in range(extra)}
        schedules.append(tuple(base + 1 if month in larger else base for month in range(months)))
        start = (start + extra) % months
    return schedules


def _by_office(offices: Sequence[str], amounts: Sequence[int]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for office, amount in zip(offices, amounts, strict=True):
        totals[office] = totals.get(office, 0) + amount
    return totals


def _by_class(classes: Sequence[CreditorClass], amounts: Sequence[int]) -> dict[CreditorClass, int]:
    totals = dict.fromkeys(_CLASSES, 0)
    for creditor_class, amount in zip(classes, amounts, strict=True):
        totals[creditor_class] += amount
    return totals


def instalment_plan(
    monthly_capacity: int, debts: Sequence[Debt], settings: PlanSettings | None = None
) -> InstalmentPlan:
    """Spread `monthly_capacity` cents a month over the debts for `settings.months` months.

    The rules are in the module docstring. Raises TypeError for a capacity that is not an int (bools and
    floats included) or debts that are not `Debt`s, ValueError for a negative capacity or a claim id given
    twice. No debts gives a plan without parts; debts with nothing outstanding get 0.
    """
    capacity = _require_int(monthly_capacity, "monthly_capacity")
    if capacity < 0:
        raise ValueError("monthly_capacity must not be negative")
    settings = PlanSettings() if settings is None else settings
    if not isinstance(settings, PlanSettings):
        raise TypeError("settings must be PlanSettings")
    checked = _check_debts(debts)

    available = capacity * settings.months
    total_outstanding = sum(debt.outstanding for debt in checked)
    amounts = [debt.outstanding for debt in checked]
    if available < total_outstanding:
        per_class = _class_amounts(available, checked, settings.preferential_weight)
        for creditor_class in _CLASSES:
            indexes = [i for i, debt in enumerate(checked) if debt.creditor_class is creditor_class]
            shares = split_pro_rata(per_class[creditor_class], [checked[i].outstanding for i in indexes])
            for index, share in zip(indexes, shares, strict=True):
                amounts[index] = share

    schedules = _stagger(amounts, settings.months)
    parts = tuple(
        PlanPart(debt.claim_id, debt.office_id, debt.creditor_class, debt.outstanding, amount, schedule)
        for debt, amount, schedule in zip(checked, amounts, schedules, strict=True)
    )
    monthly_totals = tuple(sum(column) for column in zip(*schedules, strict=True)) if schedules else ()
    return InstalmentPlan(
        monthly_capacity=capacity,
        months=settings.months,
        preferential_weight=settings.preferential_weight,
        available=available,
        total_outstanding=total_outstanding,
        total_paid=sum(amounts),
        parts=parts,
        monthly_totals=monthly_totals or (0,) * settings.months,
        by_office=_by_office([debt.office_id for debt in checked], amounts),
        by_class=_by_class([debt.creditor_class for debt in checked], amounts),
    )


def buy_out(percentage_bp: int, debts: Sequence[Debt]) -> BuyOut:
    """Offer `percentage_bp` basis points (1..10000) of every debt, as the module docstring says.

    Raises TypeError for a percentage that is not an int or debts that are not `Debt`s, ValueError for a
    percentage outside 1..10000 or a claim id given twice.
    """
    bp = _require_int(percentage_bp, "percentage_bp")
    if not 1 <= bp <= BASIS_POINTS:
        raise ValueError("percentage_bp must be between 1 and 10000")
    checked = _check_debts(debts)

    total_outstanding = sum(debt.outstanding for debt in checked)
    offered_total = total_outstanding * bp // BASIS_POINTS
    floors_and_remainders = [divmod(debt.outstanding * bp, BASIS_POINTS) for debt in checked]
    amounts = [floor for floor, _ in floors_and_remainders]
    # The missing cents are fewer than the debts (the remainders are each < 1 cent); one each to the largest
    # remainders, the earlier debt first on a tie (sorted() is stable).
    missing = offered_total - sum(amounts)
    by_remainder = sorted(range(len(checked)), key=lambda i: -floors_and_remainders[i][1])
    for index in by_remainder[:missing]:
        amounts[index] += 1

    return BuyOut(
        percentage_bp=bp,
        total_outstanding=total_outstanding,
        offered_total=offered_total,
        parts=tuple(
            BuyOutPart(debt.claim_id, debt.office_id, debt.creditor_class, debt.outstanding, amount)
            for debt, amount in zip(checked, amounts, strict=True)
        ),
        by_office=_by_office([debt.office_id for debt in checked], amounts),
        by_class=_by_class([debt.creditor_class for debt in checked], amounts),
    )
