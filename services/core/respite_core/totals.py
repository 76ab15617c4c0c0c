"""What a dossier's claims add up to: per creditor, per class, overall — exact to the cent."""

from collections.abc import Iterable
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from respite_core.domain import CreditorClass


class Owed(Protocol):
    """What totals need of a claim: a `Claim`, or its stored amounts (readable without the data key)."""

    @property
    def office_id(self) -> str: ...
    @property
    def creditor_class(self) -> CreditorClass: ...
    @property
    def principal(self) -> int: ...
    @property
    def interest(self) -> int: ...
    @property
    def costs(self) -> int: ...
    @property
    def paid(self) -> int: ...
    @property
    def outstanding(self) -> int: ...


class Amounts(BaseModel):
    model_config = ConfigDict(extra="forbid")

    principal: int = 0
    interest: int = 0
    costs: int = 0
    paid: int = 0
    outstanding: int = 0


class Totals(BaseModel):
    model_config = ConfigDict(extra="forbid")

    overall: Amounts
    by_class: dict[CreditorClass, Amounts]
    by_creditor: dict[str, Amounts]
    claims: int


def amounts_of(claims: Iterable[Owed]) -> Amounts:
    claims = list(claims)
    return Amounts(
        principal=sum(c.principal for c in claims),
        interest=sum(c.interest for c in claims),
        costs=sum(c.costs for c in claims),
        paid=sum(c.paid for c in claims),
        outstanding=sum(c.outstanding for c in claims),
    )


def totals_of(claims: Iterable[Owed]) -> Totals:
    claims = list(claims)
    offices = sorted({c.office_id for c in claims})
    return Totals(
        overall=amounts_of(claims),
        by_class={k: amounts_of(c for c in claims if c.creditor_class is k) for k in CreditorClass},
        by_creditor={o: amounts_of(c for c in claims if c.office_id == o) for o in offices},
        claims=len(claims),
    )
