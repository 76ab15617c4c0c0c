"""Money: integer euro cents, never floats.

`Cents` is the pydantic field type for a non-negative amount in EUR cents, at most `MAX_CENTS`. It is
strict: pydantic rejects floats, bools, strings and Decimals, so an amount can only enter a model as an
``int``. Every model that carries an amount (a claim by API, by signed callback, by the link page's form or
by CSV; a proposal's monthly capacity) uses it, so one bound holds on every path.
"""

import re
from collections.abc import Sequence
from typing import Annotated, Final

from pydantic import Field

__all__ = ["CURRENCY", "MAX_CENTS", "Cents", "format_euros", "parse_euros", "split_pro_rata"]

CURRENCY: Final = "EUR"

# 9 999 999 999 999.99 euros: far above any real claim, and the sum of a claim's four amounts stays an
# exact integer in a JavaScript number (below 2**53), so front ends never round a cent. It also keeps every
# stored number, and any sum of them a dossier can hold, far inside DynamoDB's 38 significant digits.
MAX_CENTS: Final = 10**15 - 1

Cents = Annotated[int, Field(ge=0, le=MAX_CENTS, strict=True)]

# Whole euros, optionally a '.' or ',' and one or two cent digits. No sign, no thousands separators:
# "1.234" would be ambiguous (1234 euros or 1 euro 23.4?), so three decimals are refused.
_EUROS = re.compile(r"([0-9]+)(?:[.,]([0-9]{1,2}))?", re.ASCII)

# language -> (thousands separator, decimal separator, text between the sign and the digits)
_STYLES: Final[dict[str, tuple[str, str, str]]] = {
    "nl": (".", ",", " "),
    "fr": (".", ",", " "),
    "en": (",", ".", ""),
}


def _require_int(value: object, name: str) -> int:
    # bool is a subclass of int; a True amount is always a bug.
    if type(value) is not int:
        raise TypeError(f"{name} must be an int (cents), not {type(value).__name__}")
    return value


def parse_euros(text: str) -> int:
    """Parse a euro amount typed by a person into cents.

    Rule: digits, then optionally one decimal point or comma followed by one or two digits.
    Surrounding whitespace is ignored. "12" -> 1200, "12.3" -> 1230, "12,34" -> 1234.
    Anything else (signs, currency symbols, thousands separators, three decimals) raises ValueError.
    """
    if not isinstance(text, str):
        raise TypeError(f"amount text must be a str, not {type(text).__name__}")
    match = _EUROS.fullmatch(text.strip())
    if match is None:
        raise ValueError("not a euro amount: use digits with at most two decimals after '.' or ','")
    euros, cents = match.group(1), match.group(2) or "0"
    return int(euros) * 100 + int(cents.ljust(2, "0"))


def format_euros(cents: int, language: str) -> str:
    """Format cents for display: "€ 1.234,56" in nl and fr, "€1,234.56" in en."""
    amount = _require_int(cents, "cents")
    if amount < 0:
        raise ValueError("cents must not be negative")
    try:
        thousands, decimal, gap = _STYLES[language]
    except KeyError:
        raise ValueError(f"no money format for language {language!r}") from None
    euros, rest = divmod(amount, 100)
    grouped = f"{euros:,}".replace(",", thousands)
    return f"€{gap}{grouped}{decimal}{rest:02d}"


def split_pro_rata(total: int, weights: Sequence[int]) -> list[int]:
    """Split `total` cents into parts proportional to `weights`, exact to the cent.

    Largest-remainder rounding: each part is the floor of its exact share, and the cents left over go one
    each to the parts with the largest remainders, the lower index first on a tie. So the parts are
    non-negative, add up to `total` exactly, and each is within one cent of its exact share.
    All-zero weights give all-zero parts when `total` is 0; with a positive total they raise ValueError.
    """
    whole = _require_int(total, "total")
    shares = [_require_int(weight, "weight") for weight in weights]
    if whole < 0:
        raise ValueError("total must not be negative")
    if any(weight < 0 for weight in shares):
        raise ValueError("weights must not be negative")
    weight_sum = sum(shares)
    if weight_sum == 0:
        if whole > 0:
            raise ValueError("cannot split a positive total over zero weights")
        return [0] * len(shares)

    floors_and_remainders = [divmod(whole * weight, weight_sum) for weight in shares]
    parts = [floor for floor, _ in floors_and_remainders]
    leftover = whole - sum(parts)
    # sorted() is stable, so equal remainders keep index order: the deterministic tie-break.
    by_remainder = sorted(range(len(shares)), key=lambda i: -floors_and_remainders[i][1])
    for index in by_remainder[:leftover]:
        parts[index] += 1
    return parts
