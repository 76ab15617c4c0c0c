"""Claim uploads by CSV: a pure parser, and the writer of the same dialect for exports.

The format follows the Dutch Schuldenknooppunt's balance-reply CSV: one row per claim, cells separated by
``;`` (what Dutch and Belgian spreadsheets export), UTF-8 with or without a byte order mark, amounts in euros
with a decimal comma or point, dates as ``YYYY-MM-DD``. ``docs/claims-csv.md`` is the documentation offices
read; keep the two in step.

Two kinds of failure:

* the whole file cannot be read (too large, not UTF-8, wrong delimiter, bad header, broken quoting, too
  many rows): `UnreadableUpload`, whose `kind` the API turns into a 4xx problem+json;
* one row is wrong: a `RejectedRow` in the result, and the other rows are unaffected. A row can give several
  `RejectedRow`s, one per problem, so an office can fix them all at once.

Cell values may be personal data, so no message or reason ever repeats one: they name the line, the column
and the rule. The row rules that belong to a claim (lengths, paid not above the total, ...) are the domain's:
each row is validated by building a real `respite_core.domain.Claim` with placeholder ids.

Nothing here does I/O; `parse_claims_csv` takes the request body, `to_csv` returns text.
"""

import csv
import io
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from difflib import get_close_matches
from typing import Any, Final

from pydantic import ValidationError

from respite_core.csv_text import CSV_DIALECT, DELIMITER, restore, to_csv
from respite_core.domain import Claim, CreditorClass, Enforcement, Title, TitleKind, plausible_sale_date
from respite_core.money import CURRENCY, MAX_CENTS, parse_euros

__all__ = [
    "COLUMNS",
    "MAX_AMOUNT_CENTS",
    "MAX_BYTES",
    "MAX_ROWS",
    "REQUIRED_COLUMNS",
    "ClaimRow",
    "ParsedUpload",
    "RejectedRow",
    "UnreadableUpload",
    "parse_answer",
    "parse_claims_csv",
    "to_csv",
]

MAX_BYTES: Final = 10 * 1024 * 1024
MAX_ROWS: Final = 10_000
MAX_AMOUNT_CENTS: Final = MAX_CENTS  # the bound of every amount (`respite_core.money`), as every path has it

COLUMNS: Final = (
    "office_reference",
    "principal_creditor",
    "creditor_class",
    "principal",
    "interest",
    "costs",
    "paid",
    "currency",
    "title_kind",
    "title_description",
    "public_sale_announced_on",
    "garnishment_laid",
)
REQUIRED_COLUMNS: Final = frozenset({"office_reference", "principal_creditor", "principal"})


@dataclass(frozen=True, slots=True)
class ClaimRow:
    """One accepted row: a claim as the office described it, validated by the domain's Claim rules."""

    line: int  # the physical line the row starts on; the header is line 1
    office_reference: str
    principal_creditor: str
    creditor_class: CreditorClass
    principal: int  # EUR cents
    interest: int
    costs: int
    paid: int
    title: Title
    enforcement: Enforcement


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """One problem with one row. `reason` never contains the cell's value (it may be personal data)."""

    line: int
    field: str  # a column name, or "row" when the row as a whole is wrong
    reason: str


@dataclass(frozen=True, slots=True)
class ParsedUpload:
    rows: tuple[ClaimRow, ...]  # in file order
    rejected: tuple[RejectedRow, ...]  # by line, then column order; a line may appear more than once


class UnreadableUpload(ValueError):
    """The file as a whole cannot be read. `kind` is a stable code for the problem+json answer:

    ``too_large``, ``empty``, ``not_utf8``, ``wrong_delimiter``, ``bad_header``, ``malformed`` (broken
    quoting or a giant cell), ``too_many_rows``; and, for an upload that answers a request,
    ``no_valid_row``. The message is for people and holds no cell values.
    """

    def __init__(
        self,
        kind: str,
        message: str,
        *,
        line: int | None = None,
        columns: tuple[str, ...] = (),
        rejected: tuple["RejectedRow", ...] = (),
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.line = line  # where the problem is, when it is at one place
        self.columns = columns  # for bad_header: the column names at fault (never cell values)
        self.rejected = rejected  # for no_valid_row: every row's problems, to fix them all at once


# --- the upload side ------------------------------------------------------------------------------------


class _CellError(ValueError):
    """A cell breaks a rule; the message is the reason (no value in it)."""


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_YES: Final = frozenset({"yes", "ja", "oui", "true"})
_NO: Final = frozenset({"no", "nee", "non", "false", ""})
_MAX_AMOUNT_TEXT: Final = 20  # longer is never a valid amount; spares int() giant digit strings
_PLACEHOLDER_ID: Final = "csv-upload"
_PLACEHOLDER_TEXT: Final = "placeholder"
_AMOUNT_COLUMNS: Final = ("principal", "interest", "costs", "paid")
_SAFE_COLUMN_NAME = re.compile(r"[a-z0-9_ ./-]{1,60}", re.ASCII)


def _amount(text: str) -> int:
    if text.startswith("-"):
        raise _CellError("must not be negative")
    if len(text) > _MAX_AMOUNT_TEXT:
        raise _CellError("is too large")
    try:
        cents = parse_euros(text)
    except ValueError as error:
        raise _CellError(str(error)) from None
    if cents > MAX_AMOUNT_CENTS:
        raise _CellError("is too large")
    return cents


def _choice[E: (CreditorClass, TitleKind)](text: str, kind: type[E], default: E) -> E:
    if not text:
        return default
    try:
        return kind(text.lower())
    except ValueError:
        raise _CellError("must be one of: " + ", ".join(member.value for member in kind)) from None


def _creditor_class(text: str) -> CreditorClass:
    return _choice(text, CreditorClass, CreditorClass.ORDINARY)


def _title_kind(text: str) -> TitleKind:
    return _choice(text, TitleKind, TitleKind.NONE)


def _optional_amount(text: str) -> int:
    return _amount(text) if text else 0


def _currency(text: str) -> str:
    if text and text.upper() != CURRENCY:
        raise _CellError(f"only {CURRENCY} is accepted")
    return CURRENCY


def _sale_date(text: str) -> date | None:
    if not text:
        return None
    try:
        if not _DATE.fullmatch(text):
            raise ValueError
        day = date.fromisoformat(text)
    except ValueError:
        raise _CellError("is not a date: use YYYY-MM-DD, e.g. 2025-03-31") from None
    try:
        return plausible_sale_date(day)
    except ValueError as error:
        raise _CellError(str(error)) from None


def _yes_no(text: str) -> bool:
    answer = text.lower()
    if answer in _YES:
        return True
    if answer in _NO:
        return False
    raise _CellError("must be yes or no (ja/nee, oui/non and true/false work too), or empty for no")


def _decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = error.object[: error.start].count(b"\n") + 1  # error.object: the bytes after any BOM
        raise UnreadableUpload(
            "not_utf8",
            f"the file is not UTF-8 text (first bad byte on line {line}): save it as 'CSV UTF-8'",
            line=line,
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise UnreadableUpload(
            "not_utf8",
            f"the file contains NUL characters (line {line}); is it UTF-16? Save it as 'CSV UTF-8'",
            line=line,
        )
    return text


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(the physical line a record starts on, its cells) for every record. Blank lines give []."""
    source = io.StringIO(text, newline="")  # universal line splitting, line ends kept for quoted cells
    reader = csv.reader(source, dialect=CSV_DIALECT)
    lines_read = 0
    while True:
        start = lines_read + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise UnreadableUpload("malformed", _csv_problem(str(error), start), line=start) from None
        lines_read = reader.line_num
        yield start, record


def _csv_problem(error: str, line: int) -> str:
    # csv's messages name no cell values, but are terse; say what to fix.
    if "unexpected end of data" in error:
        return f"a quoted cell that starts on line {line} is never closed with a '\"'"
    if "field limit" in error:
        return f"a cell in the row on line {line} is longer than {csv.field_size_limit()} characters"
    if "expected after" in error:
        return (
            f"badly quoted cell in the row on line {line}: a closing '\"' must be followed by ';' or the "
            "line end; write a '\"' inside a quoted cell as '\"\"'"
        )
    return f"the row on line {line} is not valid CSV ({error})"


def _is_blank(record: Sequence[str]) -> bool:
    return all(not cell.strip() for cell in record)


def _columns(header: list[str], line: int) -> tuple[str, ...]:
    """The normalised column names, checked; trailing unnamed columns are dropped."""
    if len(header) == 1 and ("," in header[0] or "\t" in header[0]):
        found = "commas" if "," in header[0] else "tabs"
        raise UnreadableUpload(
            "wrong_delimiter",
            f"the header on line {line} is separated by {found}: separate the columns with ';' (semicolon)",
            line=line,
        )
    names = [cell.strip().lower() for cell in header]
    while names and not names[-1]:
        names.pop()
    if not any(name in COLUMNS for name in names):
        # probably a data row where the header should be: name none of its cells
        raise UnreadableUpload(
            "bad_header",
            f"line {line} must be the header row naming the columns, e.g. " + DELIMITER.join(COLUMNS),
            line=line,
        )
    unnamed = [str(position) for position, name in enumerate(names, start=1) if not name]
    if unnamed:
        raise UnreadableUpload(
            "bad_header", "header column(s) without a name at position " + ", ".join(unnamed), line=line
        )
    unknown = [name for name in names if name not in COLUMNS]
    if unknown:
        shown = tuple(name if _SAFE_COLUMN_NAME.fullmatch(name) else "(unreadable name)" for name in unknown)
        hints = [
            f"'{name}'"
            + "".join(f" (did you mean {match}?)" for match in get_close_matches(name, COLUMNS, 1))
            for name in shown
        ]
        raise UnreadableUpload(
            "bad_header",
            "unknown column(s): " + ", ".join(hints) + "; the columns are: " + ", ".join(COLUMNS),
            line=line,
            columns=shown,
        )
    duplicated = tuple(sorted({name for name in names if names.count(name) > 1}))
    if duplicated:
        raise UnreadableUpload(
            "bad_header", "column(s) named twice: " + ", ".join(duplicated), line=line, columns=duplicated
        )
    missing = tuple(name for name in COLUMNS if name in REQUIRED_COLUMNS and name not in names)
    if missing:
        raise UnreadableUpload(
            "bad_header", "missing required column(s): " + ", ".join(missing), line=line, columns=missing
        )
    return tuple(names)


def _pydantic_field(loc: tuple[int | str, ...]) -> str:
    if loc == ("title", "description"):
        return "title_description"
    if len(loc) == 2 and loc[0] == "enforcement":
        return str(loc[1])
    return "_".join(str(part) for part in loc)


def _pydantic_reason(error: Mapping[str, Any]) -> str:
    context = error.get("ctx") or {}
    if error["type"] == "string_too_short":
        return "is required"
    if error["type"] == "string_too_long":
        return f"is longer than {context['max_length']} characters"
    if error["type"] == "value_error" and "error" in context:
        return str(context["error"])
    return str(error["msg"])  # hide_input_in_errors: pydantic's messages name no input


class _RowParser:
    """Validates rows one by one and remembers the references already seen in this file."""

    def __init__(self, columns: tuple[str, ...]) -> None:
        self.columns = columns
        self.seen_references: set[str] = set()

    def parse(self, line: int, record: list[str]) -> ClaimRow | list[RejectedRow]:
        width = len(self.columns)
        if len(record) < width or not _is_blank(record[width:]):
            return [RejectedRow(line, "row", f"has {len(record)} cells, the header has {width} columns")]
        cells = {name: restore(cell).strip() for name, cell in zip(self.columns, record, strict=False)}
        problems: dict[str, str] = {}

        def cell[T](name: str, convert: Callable[[str], T], default: T) -> T:
            try:
                return convert(cells.get(name, ""))
            except _CellError as error:
                problems[name] = str(error)
                return default

        def required(name: str) -> str:
            if not cells.get(name):
                problems[name] = "is required"
                return _PLACEHOLDER_TEXT
            return cells[name]

        reference = required("office_reference")
        creditor = required("principal_creditor")
        if not cells.get("principal"):
            problems["principal"] = "is required"
        amounts = {name: cell(name, _optional_amount, 0) for name in _AMOUNT_COLUMNS}
        cell("currency", _currency, CURRENCY)
        fields = {
            "claim_id": _PLACEHOLDER_ID,
            "dossier_id": _PLACEHOLDER_ID,
            "office_id": _PLACEHOLDER_ID,
            "office_reference": reference,
            "principal_creditor": creditor,
            "creditor_class": cell("creditor_class", _creditor_class, CreditorClass.ORDINARY),
            **amounts,
            "title": {
                "kind": cell("title_kind", _title_kind, TitleKind.NONE),
                "description": cells.get("title_description", ""),
            },
            "enforcement": {
                "public_sale_announced_on": cell("public_sale_announced_on", _sale_date, None),
                "garnishment_laid": cell("garnishment_laid", _yes_no, False),
            },
        }
        amounts_valid = not any(name in problems for name in _AMOUNT_COLUMNS)
        claim: Claim | None = None
        try:
            claim = Claim.model_validate(fields)
        except ValidationError as invalid:
            for error in invalid.errors(include_url=False, include_input=False):
                loc = tuple(error["loc"])
                if not loc:  # the one claim-wide rule: paid must not exceed the total
                    if amounts_valid:
                        problems.setdefault("paid", _pydantic_reason(error))
                    continue
                problems.setdefault(_pydantic_field(loc), _pydantic_reason(error))

        if "office_reference" not in problems:
            if reference in self.seen_references:
                problems["office_reference"] = "appears twice in this file"
            self.seen_references.add(reference)

        if problems or claim is None:
            order = {name: index for index, name in enumerate(COLUMNS)}
            return [
                RejectedRow(line, name, reason)
                for name, reason in sorted(problems.items(), key=lambda item: order.get(item[0], len(order)))
            ]
        return ClaimRow(
            line=line,
            office_reference=claim.office_reference,
            principal_creditor=claim.principal_creditor,
            creditor_class=claim.creditor_class,
            principal=claim.principal,
            interest=claim.interest,
            costs=claim.costs,
            paid=claim.paid,
            title=claim.title,
            enforcement=claim.enforcement,
        )


def parse_claims_csv(data: bytes) -> ParsedUpload:
    """Parse an uploaded claims CSV (the request body, as bytes).

    Raises UnreadableUpload when the file as a whole cannot be read; otherwise returns the accepted rows and
    the rejected ones (with line, column and reason). A header with no rows is a valid, empty upload.
    Blank rows (all cells empty, as spreadsheets export them) are skipped.
    """
    if len(data) > MAX_BYTES:
        raise UnreadableUpload("too_large", f"the file is larger than {MAX_BYTES // (1024 * 1024)} MiB")
    text = _decode(data)
    records = _records(text)
    first = next(((line, record) for line, record in records if not _is_blank(record)), None)
    if first is None:  # only blank cells, e.g. ';;' or '""'
        raise UnreadableUpload("empty", "the file is empty: it needs a header row and a row per claim")
    header_line, header = first  # the first non-blank record is the header

    rows: list[ClaimRow] = []
    rejected: list[RejectedRow] = []
    row_parser = _RowParser(_columns(header, header_line))
    count = 0
    for line, record in records:
        if _is_blank(record):
            continue
        count += 1
        if count > MAX_ROWS:
            raise UnreadableUpload(
                "too_many_rows", f"the file has more than {MAX_ROWS} rows: split it", line=line
            )
        outcome = row_parser.parse(line, record)
        if isinstance(outcome, ClaimRow):
            rows.append(outcome)
        else:
            rejected.extend(outcome)
    return ParsedUpload(rows=tuple(rows), rejected=tuple(rejected))


def parse_answer(data: bytes) -> ParsedUpload:
    """An upload that answers a request: `parse_claims_csv`, and at least one valid row. A file with
    none (every row rejected, or no row at all) answers nothing: UnreadableUpload `no_valid_row`
    with the rows' problems, so nothing is stored and the office can still reply."""
    parsed = parse_claims_csv(data)
    if not parsed.rows:
        raise UnreadableUpload(
            "no_valid_row",
            "The file has no valid row: nothing is stored and the request is not answered.",
            rejected=parsed.rejected,
        )
    return parsed
