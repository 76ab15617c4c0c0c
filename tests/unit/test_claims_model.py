import json
from datetime import date, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from respite_claims.models import ClaimInput, ProposeSettlement, Reply
from respite_core.calendar import add_months
from respite_core.domain import Claim, CreditorClass, Enforcement, Title, TitleKind
from respite_core.ids import utc_now
from respite_core.money import MAX_CENTS
from respite_core.store.items import from_dynamo, to_dynamo
from respite_core.totals import amounts_of


def claim_fields(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "claim_id": "01JCLA1M",
        "dossier_id": "01JD0SS1ER",
        "office_id": "office-42",
        "office_reference": "2025/0815",
        "principal": 120_000,
        "interest": 4_550,
        "costs": 9_875,
        "paid": 20_000,
        "title": {"kind": "judgment", "description": "Vredegerecht Gent, 3 March 2025"},
        "creditor_class": "ordinary",
        "principal_creditor": "Water-link",
    }
    fields.update(changes)
    return fields


def test_a_valid_claim_computes_what_is_outstanding() -> None:
    claim = Claim.model_validate(claim_fields())
    assert claim.total == 134_425
    assert claim.outstanding == 114_425
    assert claim.currency == "EUR"
    assert claim.title == Title(kind=TitleKind.JUDGMENT, description="Vredegerecht Gent, 3 March 2025")
    assert claim.creditor_class is CreditorClass.ORDINARY
    assert claim.enforcement.continues_during_standstill is False


def test_fully_paid_claim_has_nothing_outstanding() -> None:
    assert Claim.model_validate(claim_fields(paid=134_425)).outstanding == 0


AMOUNT_FIELDS = ["principal", "interest", "costs", "paid"]


@pytest.mark.parametrize("field", AMOUNT_FIELDS)
@pytest.mark.parametrize("bad", [-1, 100.0, 99.5, True, False, "100", None, "1.00"])
def test_amounts_must_be_non_negative_int_cents(field: str, bad: object) -> None:
    with pytest.raises(ValidationError) as caught:
        Claim.model_validate(claim_fields(**{field: bad}))
    assert [error["loc"] for error in caught.value.errors()] == [(field,)]


@pytest.mark.parametrize("field", AMOUNT_FIELDS)
@pytest.mark.parametrize("too_large", [MAX_CENTS + 1, 10**18, 10**40])
def test_amounts_are_bounded_as_in_csv(field: str, too_large: int) -> None:
    at_most = claim_fields(**{name: MAX_CENTS for name in AMOUNT_FIELDS})
    assert Claim.model_validate(at_most).outstanding == 2 * MAX_CENTS
    with pytest.raises(ValidationError) as caught:
        Claim.model_validate(claim_fields(**{field: too_large}))
    assert [error["loc"] for error in caught.value.errors()] == [(field,)]


@pytest.mark.parametrize("field", AMOUNT_FIELDS)
def test_amounts_reject_floats_in_json_too(field: str) -> None:
    claim = Claim.model_validate(claim_fields())
    text = claim.model_dump_json().replace(f'"{field}":{getattr(claim, field)}', f'"{field}":1.0')
    with pytest.raises(ValidationError):
        Claim.model_validate_json(text)


def test_paid_more_than_owed_is_rejected() -> None:
    with pytest.raises(ValidationError, match="paid exceeds"):
        Claim.model_validate(claim_fields(paid=134_426))


@pytest.mark.parametrize("currency", ["USD", "eur", "€", ""])
def test_only_euros(currency: str) -> None:
    with pytest.raises(ValidationError):
        Claim.model_validate(claim_fields(currency=currency))
    assert Claim.model_validate(claim_fields(currency="EUR")).currency == "EUR"


def test_dump_and_load_round_trip_including_the_computed_outstanding() -> None:
    claim = Claim.model_validate(claim_fields())
    dumped = claim.model_dump()
    assert dumped["outstanding"] == 114_425
    assert Claim.model_validate(dumped) == claim
    assert Claim.model_validate_json(claim.model_dump_json()) == claim


@pytest.mark.parametrize("outstanding", [114_424, 114_425.0, "114425", None])
def test_a_given_outstanding_must_agree_with_the_amounts(outstanding: object) -> None:
    with pytest.raises(ValidationError, match="outstanding must equal"):
        Claim.model_validate(claim_fields(outstanding=outstanding))


def test_unknown_fields_and_changes_are_refused() -> None:
    with pytest.raises(ValidationError, match="Extra inputs"):
        Claim.model_validate(claim_fields(vat=0))
    claim = Claim.model_validate(claim_fields())
    with pytest.raises(ValidationError):
        claim.paid = 0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": {"kind": "promise"}}, "title"),
        ({"creditor_class": "secured"}, "creditor_class"),
        ({"principal_creditor": " "}, "principal_creditor"),
        ({"office_reference": ""}, "office_reference"),
        ({"claim_id": "claim 1"}, "claim_id"),
    ],
)
def test_other_fields_are_validated(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Claim.model_validate(claim_fields(**changes))
    assert caught.value.errors()[0]["loc"][0] == field


@pytest.mark.parametrize(
    ("enforcement", "continues"),
    [
        (Enforcement(), False),
        (Enforcement(garnishment_laid=True), True),
        (Enforcement(public_sale_announced_on=date(2025, 5, 20)), True),
        (Enforcement(public_sale_announced_on=date(2025, 5, 20), garnishment_laid=True), True),
    ],
)
def test_announced_sale_or_laid_garnishment_continues_during_standstill(
    enforcement: Enforcement, continues: bool
) -> None:
    assert enforcement.continues_during_standstill is continues
    claim = Claim.model_validate(claim_fields(enforcement=enforcement.model_dump()))
    assert claim.enforcement.continues_during_standstill is continues


def test_preferential_claim_without_title() -> None:
    claim = Claim.model_validate(
        claim_fields(creditor_class="preferential", title={"kind": "none"}, interest=0, costs=0, paid=0)
    )
    assert claim.creditor_class is CreditorClass.PREFERENTIAL
    assert claim.title.kind is TitleKind.NONE
    assert claim.outstanding == claim.principal


@pytest.mark.parametrize("field", AMOUNT_FIELDS)
@pytest.mark.parametrize(("amount", "allowed"), [(MAX_CENTS, True), (MAX_CENTS + 1, False), (10**40, False)])
def test_a_claim_reported_by_api_callback_or_form_has_the_same_bound(
    field: str, amount: int, allowed: bool
) -> None:
    fields = {"office_reference": "R", "principal_creditor": "P", "principal": MAX_CENTS, field: amount}
    body = json.dumps({"type": "balance_reply", "claims": [fields]})
    if allowed:
        assert getattr(Reply.model_validate_json(body).claims[0], field) == amount
        return
    with pytest.raises(ValidationError) as caught:
        Reply.model_validate_json(body)
    assert [error["loc"] for error in caught.value.errors()] == [("claims", 0, field)]


BOUNDARY = [(MAX_CENTS, True), (MAX_CENTS + 1, False), (10**40, False)]


@pytest.mark.parametrize(("capacity", "allowed"), BOUNDARY)
def test_a_proposals_monthly_capacity_has_the_same_bound(capacity: int, allowed: bool) -> None:
    body = json.dumps({"kind": "instalments", "monthly_capacity": capacity})
    if allowed:
        assert ProposeSettlement.model_validate_json(body).monthly_capacity == capacity
        return
    with pytest.raises(ValidationError) as caught:
        ProposeSettlement.model_validate_json(body)
    assert [error["loc"] for error in caught.value.errors()] == [("monthly_capacity",)]


def test_totals_of_many_claims_at_the_bound_are_exact_and_fit_a_dynamodb_number() -> None:
    at_most = Claim.model_validate(claim_fields(principal=MAX_CENTS, interest=MAX_CENTS, costs=0, paid=0))
    many = 10_000  # far more claims than a dossier holds; each at the bound

    totals = amounts_of([at_most] * many)

    assert totals.outstanding == many * 2 * MAX_CENTS  # no bound on sums: they are exact ints
    stored = from_dynamo(to_dynamo({"totals": totals.model_dump()}))  # DynamoDB's 38 digits
    assert stored["totals"] == totals.model_dump()


def reported_claim(**changes: Any) -> dict[str, Any]:
    return {"office_reference": "VH-1", "principal_creditor": "Stad Gent", "principal": 100} | changes


def test_a_public_sale_is_announced_within_five_years_of_today() -> None:
    today = utc_now().date()
    for plausible in (add_months(today, -60), today, add_months(today, 60)):
        claim = ClaimInput.model_validate(reported_claim(public_sale_announced_on=plausible.isoformat()))
        assert claim.public_sale_announced_on == plausible
    for implausible in ("0001-01-01", "9999-12-31", add_months(today, 60) + timedelta(days=1)):
        with pytest.raises(ValidationError, match="within 5 years of today"):
            ClaimInput.model_validate(reported_claim(public_sale_announced_on=str(implausible)))


def test_a_stored_claim_with_an_old_sale_date_stays_readable() -> None:
    """The window is the office's input's, not the stored claim's: years into a plan it still reads."""
    long_ago = add_months(utc_now().date(), -12 * 8)
    claim = Claim.model_validate(claim_fields(enforcement={"public_sale_announced_on": long_ago}))
    assert claim.enforcement.public_sale_announced_on == long_ago


@pytest.mark.parametrize("field", ["office_reference", "principal_creditor"])
@pytest.mark.parametrize("text", ["VH\x00", "\u202e1-HV", "\u200b"])
def test_an_office_s_references_and_names_are_readable_lines(field: str, text: str) -> None:
    with pytest.raises(ValidationError):
        ClaimInput.model_validate(reported_claim(**{field: text}))
    with pytest.raises(ValidationError):
        Claim.model_validate(claim_fields(**{field: text}))
