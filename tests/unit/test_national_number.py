from datetime import date

import pytest
from pydantic import ValidationError

from respite_core.calendar import Country
from respite_core.domain import DomainModel
from respite_core.national_number import InvalidNationalNumber, NationalNumber, parse_national_number


def belgian_number(birth: str, counter: str, *, born_after_2000: bool = False) -> str:
    """A valid rijksregisternummer: check digits are 97 - (first nine digits mod 97), with a '2' in front
    of the nine digits for people born from 2000 on."""
    base = birth + counter
    check = 97 - int(("2" if born_after_2000 else "") + base) % 97
    return f"{base}{check:02d}"


VALID_BE = "85073003328"  # python-stdnum's documented example
VALID_NL = "111222333"


@pytest.mark.parametrize(
    ("country", "raw", "compact"),
    [
        (Country.BE, "85.07.30-033.28", VALID_BE),
        (Country.BE, "85 07 30 033 28", VALID_BE),
        (Country.BE, VALID_BE, VALID_BE),
        (Country.BE, belgian_number("170730", "033", born_after_2000=True), "17073003384"),
        (Country.BE, belgian_number("900101", "002"), belgian_number("900101", "002")),
        ("BE", VALID_BE, VALID_BE),
        (Country.NL, VALID_NL, VALID_NL),
        (Country.NL, "1112.22.333", VALID_NL),
        (Country.NL, "123456782", "123456782"),
        (Country.NL, " 111 222 333 ", VALID_NL),
    ],
)
def test_valid_numbers_are_compacted(country: Country, raw: str, compact: str) -> None:
    number = parse_national_number(country, raw)
    assert number.compact == compact
    assert number.country is Country(country)


@pytest.mark.parametrize(
    ("country", "raw", "reason"),
    [
        (Country.BE, "85073003329", "check digits"),
        (Country.BE, "8507300332", "length"),
        (Country.BE, "850730033281", "length"),
        (Country.BE, "85O73003328", "not a number"),
        (Country.BE, "", "not a number"),
        (Country.BE, belgian_number("851330", "033"), "date of birth"),  # month 13
        (Country.BE, VALID_NL, "length"),
        (Country.NL, "111222334", "check digits"),
        (Country.NL, "1112223333", "length"),
        (Country.NL, "abcdefghi", "not a number"),
        (Country.NL, "000000000", "not a number"),
        (Country.NL, VALID_BE, "length"),
    ],
)
def test_invalid_numbers_are_refused_without_naming_them(country: Country, raw: str, reason: str) -> None:
    with pytest.raises(InvalidNationalNumber, match=reason) as caught:
        parse_national_number(country, raw)
    message = str(caught.value)
    digits = "".join(ch for ch in raw if ch.isdigit())
    assert raw not in message or not raw
    assert digits not in message or not digits
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__ is True


def test_invalid_national_number_is_a_value_error() -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the subclass relation is what is tested
        parse_national_number(Country.NL, "111222334")


def test_unknown_country_is_refused() -> None:
    with pytest.raises(InvalidNationalNumber, match="BE and NL"):
        parse_national_number("FR", VALID_BE)


def test_non_text_input_is_refused() -> None:
    with pytest.raises(InvalidNationalNumber, match="text"):
        parse_national_number(Country.NL, 111222333)  # type: ignore[arg-type]


def test_direct_construction_validates_too() -> None:
    with pytest.raises(InvalidNationalNumber):
        NationalNumber(Country.BE, "85073003329")
    with pytest.raises(InvalidNationalNumber, match="compact"):
        NationalNumber(Country.BE, "85.07.30-033.28")
    assert NationalNumber(Country.BE, VALID_BE) == parse_national_number(Country.BE, VALID_BE)


def test_repr_and_str_mask_the_number() -> None:
    number = parse_national_number(Country.BE, VALID_BE)
    assert repr(number) == "NationalNumber(BE, ***28)"
    assert str(number) == "NationalNumber(BE, ***28)"
    assert f"{number}" == "NationalNumber(BE, ***28)"
    assert VALID_BE not in repr(number)
    assert repr(parse_national_number(Country.NL, VALID_NL)) == "NationalNumber(NL, ***33)"


def test_equal_numbers_hash_alike_and_country_matters() -> None:
    a = parse_national_number(Country.BE, "85.07.30-033.28")
    b = parse_national_number(Country.BE, VALID_BE)
    assert a == b
    assert len({a, b}) == 1
    assert parse_national_number(Country.NL, VALID_NL) != a


def test_number_is_immutable() -> None:
    number = parse_national_number(Country.NL, VALID_NL)
    with pytest.raises(AttributeError):
        number.compact = "123456782"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("raw", "birth_date", "matches"),
    [
        (VALID_BE, date(1985, 7, 30), True),
        (VALID_BE, date(1985, 7, 31), False),
        (VALID_BE, date(1885, 7, 30), False),
        ("17073003384", date(2017, 7, 30), True),
        ("17073003384", date(1917, 7, 30), False),
        (belgian_number("850000", "012"), date(1985, 3, 14), True),  # month and day unknown: year only
        (belgian_number("850000", "012"), date(1986, 3, 14), False),
    ],
)
def test_belgian_number_encodes_the_birth_date(raw: str, birth_date: date, matches: bool) -> None:
    assert parse_national_number(Country.BE, raw).matches_birth_date(birth_date) is matches


def test_a_bsn_encodes_no_birth_date() -> None:
    assert parse_national_number(Country.NL, VALID_NL).matches_birth_date(date(1950, 1, 1)) is True


class _Holder(DomainModel):
    national_number: NationalNumber


def test_pydantic_field_validates_compacts_and_dumps_the_digits() -> None:
    holder = _Holder.model_validate({"national_number": {"country": "BE", "number": "85.07.30-033.28"}})
    assert holder.national_number == parse_national_number(Country.BE, VALID_BE)
    assert holder.model_dump(mode="json") == {"national_number": {"country": "BE", "number": VALID_BE}}
    assert _Holder.model_validate_json(holder.model_dump_json()) == holder
    assert _Holder(national_number=holder.national_number) == holder
    assert VALID_BE not in repr(holder)


@pytest.mark.parametrize(
    "value",
    [
        {"country": "BE", "number": "85073003329"},
        {"country": "NL", "number": "111222334"},
        {"country": "FR", "number": VALID_BE},
        {"country": "BE"},
        VALID_BE,
    ],
)
def test_pydantic_field_rejects_without_echoing_the_number(value: object) -> None:
    with pytest.raises(ValidationError) as caught:
        _Holder.model_validate({"national_number": value})
    text = str(caught.value)
    assert "85073003" not in text
    assert "11122233" not in text


def test_pydantic_field_has_a_json_schema() -> None:
    schema = _Holder.model_json_schema()
    field = schema["properties"]["national_number"]
    assert field["type"] == "object"
    assert set(field["required"]) == {"country", "number"}
