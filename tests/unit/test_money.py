from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from respite_core.domain import Language
from respite_core.money import MAX_CENTS, Cents, format_euros, parse_euros, split_pro_rata


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("12", 1200),
        ("12.3", 1230),
        ("12,3", 1230),
        ("12.34", 1234),
        ("12,34", 1234),
        (" 0,05 ", 5),
        ("0", 0),
        ("1234.56", 123456),
        ("007", 700),
    ],
)
def test_parse_euros_accepts_point_or_comma_with_at_most_two_decimals(text: str, cents: int) -> None:
    assert parse_euros(text) == cents


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "12.345",
        "1.234,56",
        "1,234.56",
        "1 234",
        "-1",
        "+1",
        "€12",
        "12€",
        "12.",
        ".5",
        ",5",
        "1e3",
        "12,3a",
        "١٢",
        "12..3",
        "nan",
    ],
)
def test_parse_euros_rejects_anything_else(text: str) -> None:
    with pytest.raises(ValueError, match="not a euro amount"):
        parse_euros(text)


def test_parse_euros_rejects_non_text() -> None:
    with pytest.raises(TypeError):
        parse_euros(12.5)  # type: ignore[arg-type]


@given(st.integers(min_value=0, max_value=10**12))
def test_parse_euros_reads_back_every_amount(cents: int) -> None:
    assert parse_euros(f"{cents // 100}.{cents % 100:02d}") == cents
    assert parse_euros(f"{cents // 100},{cents % 100:02d}") == cents


@pytest.mark.parametrize(
    ("cents", "language", "text"),
    [
        (123456, "nl", "€ 1.234,56"),
        (123456, "fr", "€ 1.234,56"),
        (123456, "en", "€1,234.56"),
        (5, "nl", "€ 0,05"),
        (5, "en", "€0.05"),
        (0, "en", "€0.00"),
        (100_000_000, "nl", "€ 1.000.000,00"),
        (99_999, Language.EN, "€999.99"),
        (100_000, Language.FR, "€ 1.000,00"),
    ],
)
def test_format_euros_per_language(cents: int, language: str, text: str) -> None:
    assert format_euros(cents, language) == text


def test_format_euros_rejects_unknown_language_and_negative_amounts() -> None:
    with pytest.raises(ValueError, match="language"):
        format_euros(100, "de")
    with pytest.raises(ValueError, match="negative"):
        format_euros(-1, "nl")


@pytest.mark.parametrize("bad", [1.0, True, "100", None])
def test_format_euros_rejects_non_int_amounts(bad: object) -> None:
    with pytest.raises(TypeError):
        format_euros(bad, "nl")  # type: ignore[arg-type]


class _Amount(BaseModel):
    amount: Cents


@pytest.mark.parametrize("bad", [1.0, 1.5, True, False, "100", -1])
def test_cents_field_accepts_only_non_negative_ints(bad: object) -> None:
    with pytest.raises(ValidationError):
        _Amount(amount=bad)
    assert _Amount(amount=0).amount == 0


def test_cents_field_is_bounded_at_max_cents() -> None:
    assert MAX_CENTS == 10**15 - 1
    assert _Amount(amount=MAX_CENTS).amount == MAX_CENTS
    assert _Amount.model_validate_json(f'{{"amount": {MAX_CENTS}}}').amount == MAX_CENTS
    for too_large in (MAX_CENTS + 1, 10**18, 10**40):
        with pytest.raises(ValidationError) as caught:
            _Amount.model_validate_json(f'{{"amount": {too_large}}}')
        assert [(e["loc"], e["type"]) for e in caught.value.errors()] == [(("amount",), "less_than_equal")]


def test_cents_field_rejects_float_in_json() -> None:
    with pytest.raises(ValidationError):
        _Amount.model_validate_json('{"amount": 100.0}')
    assert _Amount.model_validate_json('{"amount": 100}').amount == 100


@pytest.mark.parametrize(
    ("total", "weights", "parts"),
    [
        (100, [1, 1, 1], [34, 33, 33]),
        (10, [1, 2], [3, 7]),
        (100, [0, 1, 1], [0, 50, 50]),
        (1, [1, 1, 1], [1, 0, 0]),  # ties go to the lower index
        (2, [1, 1, 1], [1, 1, 0]),
        (2, [1, 3, 3], [0, 1, 1]),
        (0, [5, 7], [0, 0]),
        (0, [0, 0], [0, 0]),
        (0, [], []),
        (999, [1], [999]),
        (100_00, [250_00, 750_00], [25_00, 75_00]),
    ],
)
def test_split_pro_rata_examples(total: int, weights: list[int], parts: list[int]) -> None:
    assert split_pro_rata(total, weights) == parts


def test_split_pro_rata_refuses_a_positive_total_over_no_weight() -> None:
    with pytest.raises(ValueError, match="zero weights"):
        split_pro_rata(5, [0, 0])
    with pytest.raises(ValueError, match="zero weights"):
        split_pro_rata(5, [])


def test_split_pro_rata_refuses_negative_inputs() -> None:
    with pytest.raises(ValueError, match="total"):
        split_pro_rata(-1, [1])
    with pytest.raises(ValueError, match="weights"):
        split_pro_rata(10, [3, -1])


@pytest.mark.parametrize(("total", "weights"), [(10.0, [1]), (True, [1]), (10, [1.5]), (10, [True, 1])])
def test_split_pro_rata_refuses_floats_and_bools(total: object, weights: list[object]) -> None:
    with pytest.raises(TypeError):
        split_pro_rata(total, weights)  # type: ignore[arg-type]


weight_lists = st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=30).filter(any)


@given(st.integers(min_value=0, max_value=10**10), weight_lists)
def test_split_pro_rata_is_exact_non_negative_and_within_a_cent(total: int, weights: list[int]) -> None:
    parts = split_pro_rata(total, weights)
    weight_sum = sum(weights)

    assert len(parts) == len(weights)
    assert sum(parts) == total
    assert all(type(part) is int and part >= 0 for part in parts)
    for part, weight in zip(parts, weights, strict=True):
        assert abs(part - Fraction(total * weight, weight_sum)) < 1
    assert split_pro_rata(total, weights) == parts  # deterministic


@given(st.integers(min_value=0, max_value=10**10), weight_lists)
def test_split_pro_rata_never_gives_a_larger_weight_less(total: int, weights: list[int]) -> None:
    parts = split_pro_rata(total, weights)
    for i, weight_i in enumerate(weights):
        for j, weight_j in enumerate(weights):
            if weight_i > weight_j:
                assert parts[i] >= parts[j]
