"""National numbers: the Belgian rijksregisternummer (`stdnum.be.nn`) and the Dutch BSN (`stdnum.nl.bsn`).

Privacy: the number never appears in an error message, `repr` or `str` (they show "***" and the last two
digits). Only `.compact` gives the digits: use it for the keyed hash and for encrypted storage.
In pydantic models a `NationalNumber` field validates {"country": "BE", "number": "85.07.30-033.28"} and
dumps to {"country": "BE", "number": "85073003328"}. Models holding one should set
``hide_input_in_errors=True`` so pydantic's own error text does not echo the input.
"""

from dataclasses import dataclass
from datetime import date
from types import ModuleType
from typing import Any, Final

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema
from stdnum import exceptions as stdnum_errors
from stdnum.be import nn as be_nn
from stdnum.nl import bsn as nl_bsn

from respite_core.calendar import Country

__all__ = ["InvalidNationalNumber", "NationalNumber", "parse_national_number"]

_VALIDATORS: Final[dict[Country, ModuleType]] = {Country.BE: be_nn, Country.NL: nl_bsn}
_NAMES: Final[dict[Country, str]] = {Country.BE: "Belgian national number", Country.NL: "Dutch BSN"}
_VISIBLE_DIGITS = 2


class InvalidNationalNumber(ValueError):
    """The text is not a valid national number. The message never contains the number."""


def _reason(error: stdnum_errors.ValidationError) -> str:
    match error:
        case stdnum_errors.InvalidLength():
            return "wrong length"
        case stdnum_errors.InvalidChecksum():
            return "wrong check digits"
        case stdnum_errors.InvalidComponent():
            return "impossible date of birth"
        case _:
            return "not a number"


def _validated(country: Country, raw: str) -> str:
    validator = _VALIDATORS[country]
    try:
        compact: str = validator.validate(raw)
    except stdnum_errors.ValidationError as error:
        # `from None`: keep stdnum's exception (and any text it might carry) out of the traceback.
        raise InvalidNationalNumber(f"not a valid {_NAMES[country]}: {_reason(error)}") from None
    return compact


@dataclass(frozen=True, slots=True, repr=False)
class NationalNumber:
    """A validated national number in compact form (digits only). Build it with `parse_national_number`."""

    country: Country
    compact: str

    def __post_init__(self) -> None:
        try:
            country = Country(self.country)
        except ValueError:
            raise InvalidNationalNumber("national numbers are only known for BE and NL") from None
        if not isinstance(self.compact, str) or _validated(country, self.compact) != self.compact:
            raise InvalidNationalNumber(f"{_NAMES[country]} must be given in compact form")
        object.__setattr__(self, "country", country)

    @property
    def masked(self) -> str:
        return "***" + self.compact[-_VISIBLE_DIGITS:]

    @property
    def printed(self) -> str:
        """As it is printed on documents: "85.07.30-033.28" (BE), "1112.22.333" (NL)."""
        module = be_nn if self.country is Country.BE else nl_bsn
        return str(module.format(self.compact))

    def __repr__(self) -> str:
        return f"NationalNumber({self.country.value}, {self.masked})"

    __str__ = __repr__

    def matches_birth_date(self, birth_date: date) -> bool:
        """Whether `birth_date` agrees with the date encoded in a Belgian number.

        Only the known parts are compared (a number may encode an unknown month or day). A Dutch BSN
        encodes no date, so it always matches.
        """
        if self.country is not Country.BE:
            return True
        year = be_nn.get_birth_year(self.compact)
        month = be_nn.get_birth_month(self.compact)
        full_date = be_nn.get_birth_date(self.compact)
        return (
            (year is None or year == birth_date.year)
            and (month is None or month == birth_date.month)
            and (full_date is None or full_date == birth_date)
        )

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        parts = core_schema.typed_dict_schema(
            {
                "country": core_schema.typed_dict_field(handler.generate_schema(Country)),
                "number": core_schema.typed_dict_field(core_schema.str_schema()),
            }
        )
        from_parts = core_schema.no_info_after_validator_function(_from_parts, parts)
        return core_schema.no_info_before_validator_function(
            _to_parts,
            from_parts,
            serialization=core_schema.plain_serializer_function_ser_schema(_to_parts, return_schema=parts),
        )


def parse_national_number(country: Country | str, raw: str) -> NationalNumber:
    """Validate a typed national number ("85.07.30-033.28", "1112.22.333") and keep its digits."""
    try:
        known_country = Country(country)
    except ValueError:
        raise InvalidNationalNumber("national numbers are only known for BE and NL") from None
    if not isinstance(raw, str):
        raise InvalidNationalNumber(f"a {_NAMES[known_country]} must be given as text")
    return NationalNumber(known_country, _validated(known_country, raw))


def _from_parts(parts: dict[str, Any]) -> NationalNumber:
    return parse_national_number(parts["country"], parts["number"])


def _to_parts(value: Any) -> Any:
    # An existing NationalNumber passes through the same path as its stored form.
    if isinstance(value, NationalNumber):
        return {"country": value.country, "number": value.compact}
    return value
