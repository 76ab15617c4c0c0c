"""CSV as Respite writes and reads it: `;` between cells (what Dutch, Belgian and French spreadsheets
use), minimal quoting, CRLF line ends, UTF-8; every cell a spreadsheet would run as a formula (CSV
injection) is escaped on the way out, and unescaped on the way in."""

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Final

DELIMITER: Final = ";"


class CSV_DIALECT(csv.Dialect):
    delimiter = DELIMITER
    quotechar = '"'
    doublequote = True
    skipinitialspace = False
    lineterminator = "\r\n"
    quoting = csv.QUOTE_MINIMAL
    strict = True  # a broken quote is an error, not a cell that silently swallows the rest of the file


# Leading quotes are part of the pattern so that the escaping is exactly reversible: `restore` removes
# the one quote `to_csv` added.
_FORMULA = re.compile(r"'*[=+\-@\t\r]")
_ESCAPED_FORMULA = re.compile(r"'+[=+\-@\t\r]")


def neutralise(cell: str) -> str:
    if not isinstance(cell, str):
        raise TypeError(f"a CSV cell must be a str, not {type(cell).__name__}")
    return "'" + cell if _FORMULA.match(cell) else cell


def restore(cell: str) -> str:
    return cell[1:] if _ESCAPED_FORMULA.match(cell) else cell


def to_csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """CSV text in Respite's dialect, no BOM.

    Every cell that starts with ``= + - @``, a tab or a carriage return (after any leading single quotes)
    gets a single quote in front, so a spreadsheet shows it as text instead of running it as a formula.
    `restore` removes that quote again, so export -> upload gives back the same values.
    Encode the result as UTF-8; add a BOM (``"\\ufeff"``) only if Excel must recognise it by itself.
    """
    out = io.StringIO()
    writer = csv.writer(out, dialect=CSV_DIALECT)
    writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()
