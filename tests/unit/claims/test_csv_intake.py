"""The claims CSV: parsing uploads (whole-file errors, row rejections, line numbers) and the export writer."""

import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from respite_claims import csv_intake
from respite_claims.csv_intake import (
    MAX_BYTES,
    ClaimRow,
    ParsedUpload,
    RejectedRow,
    UnreadableUpload,
    parse_answer,
    parse_claims_csv,
    to_csv,
)
from respite_core.domain import CreditorClass, Enforcement, Title, TitleKind, readable_line
from respite_core.ids import utc_now

HEADER = "office_reference;principal_creditor;principal;interest;costs;paid"
SECRET = "Zyxwvu4711"  # a distinctive value that must never come back in a reason or message


def upload(*lines: str, header: str = HEADER, line_end: str = "\r\n") -> ParsedUpload:
    return parse_claims_csv(line_end.join([header, *lines, ""]).encode())


def unreadable(data: bytes) -> UnreadableUpload:
    with pytest.raises(UnreadableUpload) as caught:
        parse_claims_csv(data)
    return caught.value


def rejections(*lines: str, header: str = HEADER) -> list[tuple[int, str, str]]:
    parsed = upload(*lines, header=header)
    return [(row.line, row.field, row.reason) for row in parsed.rejected]


# --- a valid file ---------------------------------------------------------------------------------------

# a sale date is plausible within five years of today: the files' dates are relative to the clock
SALE_ON = utc_now().date() + timedelta(days=30)
FULL_FILE = (
    "\ufeff"
    "office_reference;principal_creditor;creditor_class;principal;interest;costs;paid;currency;"
    "title_kind;title_description;public_sale_announced_on;garnishment_laid\r\n"
    f"2025/0815;Water-link;ordinary;1234,56;45,5;98.75;200;EUR;judgment;Vredegerecht Gent;{SALE_ON};ja\r\n"
    '"DW;17";"Stad Gent; debiteurenbeheer";preferential;10;0;0;0;eur;notarial_deed;'
    '"Akte van\r\nnotaris Peeters\r\n(2019)";;nee\r\n'
    "K-3;Proximus;;99;;;;;;;;\r\n"
)


def test_a_full_file_with_bom_crlf_comma_decimals_and_quoted_cells_parses() -> None:
    parsed = parse_claims_csv(FULL_FILE.encode())
    assert parsed.rejected == ()
    assert parsed.rows == (
        ClaimRow(
            line=2,
            office_reference="2025/0815",
            principal_creditor="Water-link",
            creditor_class=CreditorClass.ORDINARY,
            principal=123_456,
            interest=4_550,
            costs=9_875,
            paid=20_000,
            title=Title(kind=TitleKind.JUDGMENT, description="Vredegerecht Gent"),
            enforcement=Enforcement(public_sale_announced_on=SALE_ON, garnishment_laid=True),
        ),
        ClaimRow(
            line=3,
            office_reference="DW;17",
            principal_creditor="Stad Gent; debiteurenbeheer",
            creditor_class=CreditorClass.PREFERENTIAL,
            principal=1_000,
            interest=0,
            costs=0,
            paid=0,
            title=Title(kind=TitleKind.NOTARIAL_DEED, description="Akte van\r\nnotaris Peeters\r\n(2019)"),
            enforcement=Enforcement(),
        ),
        ClaimRow(  # the quoted cell above spans lines 3-5, so this row is on line 6
            line=6,
            office_reference="K-3",
            principal_creditor="Proximus",
            creditor_class=CreditorClass.ORDINARY,
            principal=9_900,
            interest=0,
            costs=0,
            paid=0,
            title=Title(kind=TitleKind.NONE),
            enforcement=Enforcement(),
        ),
    )


def test_line_numbers_count_physical_lines_with_lf_and_after_multi_line_cells() -> None:
    parsed = upload(
        'A;X;1;0;0;0;"Multi\nline\ndescription"',
        "B;X;-1;0;0;0;",
        "",
        "C;X;1;0;0;0;",
        header=HEADER + ";title_description",
        line_end="\n",
    )
    assert [row.line for row in parsed.rows] == [2, 7]
    assert parsed.rejected == (RejectedRow(5, "principal", "must not be negative"),)


def test_header_order_and_case_are_free_and_cells_are_trimmed() -> None:
    parsed = upload(" 2 ; 5 ;  R-1 ; ACME ", header="Paid;PRINCIPAL; Office_Reference ;principal_CREDITOR")
    assert parsed.rejected == ()
    (row,) = parsed.rows
    assert (row.office_reference, row.principal_creditor, row.principal, row.paid) == (
        "R-1",
        "ACME",
        500,
        200,
    )


def test_header_only_is_an_empty_upload_not_an_error() -> None:
    assert upload() == ParsedUpload(rows=(), rejected=())
    assert parse_claims_csv(HEADER.encode()) == ParsedUpload(rows=(), rejected=())


def test_blank_rows_and_trailing_empty_columns_are_ignored() -> None:
    parsed = upload("", ";;;;;", "A;X;1;0;0;0;;", ";;;;;;;", header=HEADER + ";;")
    assert [row.office_reference for row in parsed.rows] == ["A"]
    assert parsed.rejected == ()


def test_choices_accept_any_case_and_every_yes_no_word() -> None:
    header = "office_reference;principal_creditor;principal;creditor_class;title_kind;garnishment_laid"
    words = ["yes", "no", "JA", "Nee", "oui", "non", "true", "FALSE", ""]
    lines = [f"R{index};X;1;Preferential;JUDGMENT;{word}" for index, word in enumerate(words)]
    parsed = upload(*lines, header=header)
    assert parsed.rejected == ()
    assert [row.enforcement.garnishment_laid for row in parsed.rows] == [
        True,
        False,
        True,
        False,
        True,
        False,
        True,
        False,
        False,
    ]
    assert {row.creditor_class for row in parsed.rows} == {CreditorClass.PREFERENTIAL}
    assert {row.title.kind for row in parsed.rows} == {TitleKind.JUDGMENT}


def test_the_documented_example_parses_as_the_documentation_says() -> None:
    docs = (Path(__file__).parents[3] / "docs" / "claims-csv.md").read_text(encoding="utf-8")
    match = re.search(r"```csv\n(.*?)```", docs, re.DOTALL)
    assert match is not None
    # its sale date moved to one month from today: a sale date is plausible within five years of today
    example = match.group(1).replace(";2025-06-30;", f";{SALE_ON};")
    parsed = parse_claims_csv(example.encode())
    assert parsed.rejected == ()
    assert [(row.line, row.office_reference) for row in parsed.rows] == [
        (2, "2025/0815"),
        (3, "DW;17"),
        (5, "K-3"),
    ]
    assert parsed.rows[0].enforcement == Enforcement(public_sale_announced_on=SALE_ON, garnishment_laid=True)


# --- whole-file errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"   \r\n\t\r\n", b"\xef\xbb\xbf", b";;;\r\n", b'""'])
def test_an_empty_file_is_unreadable(data: bytes) -> None:
    assert unreadable(data).kind == "empty"


def test_a_file_over_the_limit_is_refused_without_parsing() -> None:
    data = b"\xff" * (MAX_BYTES + 1)  # not UTF-8 either: only the size may be looked at
    started = time.perf_counter()
    error = unreadable(data)
    assert error.kind == "too_large"
    assert time.perf_counter() - started < 0.5


def test_a_file_at_the_limit_is_read() -> None:
    filler = b" " * 99_998 + b"\r\n"  # blank lines, each below csv's cell size limit
    data = HEADER.encode() + b"\r\n" + filler * ((MAX_BYTES - len(HEADER) - 2) // len(filler))
    assert MAX_BYTES - len(filler) < len(data) <= MAX_BYTES
    assert parse_claims_csv(data) == ParsedUpload(rows=(), rejected=())


def test_windows_1252_is_not_utf8_and_the_message_says_which_line() -> None:
    data = (HEADER + "\r\nA;Crédit Agricole;1;0;0;0\r\n").encode("cp1252")
    error = unreadable(data)
    assert error.kind == "not_utf8"
    assert error.line == 2
    assert "CSV UTF-8" in str(error)


def test_the_bad_byte_line_counts_right_after_a_bom() -> None:
    assert unreadable(b"\xef\xbb\xbf" + HEADER.encode() + b"\n\xff;X;1;;;\n").line == 2


def test_blank_lines_before_the_header_are_skipped_and_still_counted() -> None:
    parsed = parse_claims_csv(f"\r\n\r\n{HEADER}\r\nA;X;1;;;\r\n".encode())
    assert [row.line for row in parsed.rows] == [4]


def test_utf16_is_not_utf8() -> None:
    assert unreadable((HEADER + "\r\n").encode("utf-16")).kind == "not_utf8"
    assert unreadable((HEADER + "\r\n").encode("utf-16-le")).kind == "not_utf8"  # no BOM: NULs


@pytest.mark.parametrize("separator", [",", "\t"])
def test_a_comma_or_tab_separated_header_is_the_wrong_delimiter(separator: str) -> None:
    error = unreadable(HEADER.replace(";", separator).encode() + b"\r\nA,X,1,0,0,0\r\n")
    assert error.kind == "wrong_delimiter"
    assert "';'" in str(error)
    assert error.line == 1


@pytest.mark.parametrize(
    ("header", "columns", "words"),
    [
        ("office_reference;principal", ("principal_creditor",), "missing"),
        ("principal_creditor;principal", ("office_reference",), "missing"),
        ("office_reference;principal_creditor", ("principal",), "missing"),
        (HEADER + ";iban", ("iban",), "unknown"),
        (HEADER + ";Principal Creditor", ("principal creditor",), "did you mean principal_creditor"),
        (HEADER + ";PAID", ("paid",), "twice"),
    ],
)
def test_a_bad_header_names_the_columns(header: str, columns: tuple[str, ...], words: str) -> None:
    error = unreadable((header + "\r\n").encode())
    assert error.kind == "bad_header"
    assert error.columns == columns
    assert words in str(error)
    for column in columns:
        assert column in str(error)


def test_a_header_column_without_a_name_in_the_middle_is_refused() -> None:
    error = unreadable(b"office_reference;;principal_creditor;principal\r\n")
    assert error.kind == "bad_header"
    assert "position 2" in str(error)


def test_a_data_row_in_place_of_the_header_is_refused_without_echoing_it() -> None:
    error = unreadable(f"2025/0815;{SECRET};12,50;0;0;0\r\n".encode())
    assert error.kind == "bad_header"
    assert SECRET.lower() not in str(error).lower()


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (f'{HEADER}\r\nA;X;1;0;0;0\r\n"{SECRET};X;1;0;0;0\r\nB;X;1;0;0;0\r\n', 3),  # never closed
        (f'{HEADER}\r\nA;X;1;0;0;0\r\n"{SECRET}"x;X;1;0;0;0\r\n', 3),  # text after the closing quote
    ],
)
def test_broken_quoting_makes_the_file_unreadable(data: str, line: int) -> None:
    error = unreadable(data.encode())
    assert error.kind == "malformed"
    assert error.line == line
    assert SECRET not in str(error)


def test_too_many_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_intake, "MAX_ROWS", 3)
    assert len(upload("A;X;1;;;", "B;X;1;;;", "", "C;X;1;;;").rows) == 3  # blank rows do not count
    error = unreadable(f"{HEADER}\r\nA;X;1;;;\r\nB;X;1;;;\r\nC;X;1;;;\r\nD;X;1;;;\r\n".encode())
    assert error.kind == "too_many_rows"
    assert error.line == 5


# --- row rejections -------------------------------------------------------------------------------------

WIDE = (
    "office_reference;principal_creditor;creditor_class;principal;interest;costs;paid;currency;"
    "title_kind;title_description;public_sale_announced_on;garnishment_laid"
)


def wide_row(**cells: str) -> str:
    values = {
        "office_reference": "R-1",
        "principal_creditor": "Water-link",
        "creditor_class": "ordinary",
        "principal": "100",
        "interest": "0",
        "costs": "0",
        "paid": "0",
        "currency": "EUR",
        "title_kind": "none",
        "title_description": "",
        "public_sale_announced_on": "",
        "garnishment_laid": "",
    }
    values.update(cells)
    return ";".join(values.values())


@pytest.mark.parametrize(
    ("cells", "field", "reason"),
    [
        ({"principal": "-12,50"}, "principal", "must not be negative"),
        ({"interest": "twelve"}, "interest", "not a euro amount"),
        ({"costs": "1,234"}, "costs", "at most two decimals"),
        ({"principal": "1.234,56"}, "principal", "not a euro amount"),
        ({"principal": "99999999999999"}, "principal", "too large"),
        ({"principal": "1" * 30}, "principal", "too large"),
        ({"principal": "10", "interest": "1", "paid": "11,01"}, "paid", "paid exceeds"),
        ({"currency": "USD"}, "currency", "only EUR"),
        ({"creditor_class": "secured"}, "creditor_class", "preferential, ordinary"),
        ({"title_kind": "verdict"}, "title_kind", "judgment"),
        ({"title_description": "x" * 501}, "title_description", "longer than 500"),
        ({"public_sale_announced_on": "30/06/2025"}, "public_sale_announced_on", "YYYY-MM-DD"),
        ({"public_sale_announced_on": "2025-02-30"}, "public_sale_announced_on", "YYYY-MM-DD"),
        ({"public_sale_announced_on": "20250630"}, "public_sale_announced_on", "YYYY-MM-DD"),
        ({"public_sale_announced_on": "0001-01-01"}, "public_sale_announced_on", "within 5 years of today"),
        ({"public_sale_announced_on": "9999-12-31"}, "public_sale_announced_on", "within 5 years of today"),
        ({"garnishment_laid": "maybe"}, "garnishment_laid", "yes or no"),
        ({"office_reference": ""}, "office_reference", "is required"),
        ({"office_reference": "x" * 101}, "office_reference", "longer than 100"),
        ({"principal_creditor": "  "}, "principal_creditor", "is required"),
        ({"principal_creditor": "x" * 201}, "principal_creditor", "longer than 200"),
        ({"principal_creditor": "Stad\x07Gent"}, "principal_creditor", "control characters"),
        ({"principal_creditor": "\u202etneG datS"}, "principal_creditor", "bidirectional"),
        ({"office_reference": "\u200b"}, "office_reference", "visible character"),
        ({"principal": ""}, "principal", "is required"),
    ],
)
def test_a_bad_cell_rejects_its_row_only(cells: dict[str, str], field: str, reason: str) -> None:
    parsed = upload(
        wide_row(office_reference="GOOD-1"),
        wide_row(**cells),
        wide_row(office_reference="GOOD-2"),
        header=WIDE,
    )
    assert [row.office_reference for row in parsed.rows] == ["GOOD-1", "GOOD-2"]
    assert [(row.line, row.field) for row in parsed.rejected] == [(3, field)]
    assert reason in parsed.rejected[0].reason


def test_every_problem_of_a_row_is_reported_in_column_order() -> None:
    row = wide_row(
        principal="-1", currency="USD", creditor_class="x", garnishment_laid="?", office_reference=""
    )
    assert [field for _, field, _ in rejections(row, header=WIDE)] == [
        "office_reference",
        "creditor_class",
        "principal",
        "currency",
        "garnishment_laid",
    ]


def test_paid_above_the_total_is_not_judged_when_an_amount_is_already_wrong() -> None:
    assert rejections(wide_row(principal="x", paid="5"), header=WIDE) == [
        (2, "principal", "not a euro amount: use digits with at most two decimals after '.' or ','")
    ]


def test_paid_equal_to_the_total_is_fine() -> None:
    (row,) = upload("A;X;10;1,5;0,5;12").rows
    assert row.paid == row.principal + row.interest + row.costs == 1_200


def test_the_second_row_with_the_same_reference_is_rejected() -> None:
    parsed = upload("A;X;1;;;", "B;X;1;;;", " A ;Y;2;;;", "A;Z;3;;;")
    assert [row.office_reference for row in parsed.rows] == ["A", "B"]
    assert parsed.rejected == (
        RejectedRow(4, "office_reference", "appears twice in this file"),
        RejectedRow(5, "office_reference", "appears twice in this file"),
    )


def test_a_first_row_rejected_for_another_reason_still_claims_its_reference() -> None:
    parsed = upload("A;X;-1;;;", "A;X;1;;;")
    assert parsed.rows == ()
    assert [(row.line, row.field) for row in parsed.rejected] == [(2, "principal"), (3, "office_reference")]


@pytest.mark.parametrize("row", ["A;X;1;0;0", "A;X;1;0;0;0;7", "A"])
def test_a_row_with_the_wrong_number_of_cells_is_rejected(row: str) -> None:
    parsed = upload(row, "B;X;1;0;0;0")
    assert [claim.office_reference for claim in parsed.rows] == ["B"]
    ((rejected),) = parsed.rejected
    assert (rejected.line, rejected.field) == (2, "row")
    assert "the header has 6 columns" in rejected.reason


def test_reasons_never_contain_the_cell_value() -> None:
    bad = [
        wide_row(principal=f"{SECRET}"),
        wide_row(office_reference=SECRET * 20),
        wide_row(principal_creditor=SECRET * 30),
        wide_row(currency=SECRET),
        wide_row(creditor_class=SECRET),
        wide_row(title_kind=SECRET),
        wide_row(title_description=SECRET * 60),
        wide_row(public_sale_announced_on=SECRET),
        wide_row(garnishment_laid=SECRET),
        wide_row(office_reference=SECRET, principal="1"),
        wide_row(office_reference=SECRET, principal="1"),
        f"{SECRET};{SECRET}",
    ]
    parsed = upload(*bad, header=WIDE)
    # every row is rejected but the first with the SECRET reference (line 11), which is valid
    assert {row.line for row in parsed.rejected} == set(range(2, len(bad) + 2)) - {11}
    for row in parsed.rejected:
        assert SECRET.lower() not in row.reason.lower()


# --- the export side ------------------------------------------------------------------------------------


def test_to_csv_uses_semicolons_minimal_quoting_and_crlf() -> None:
    text = to_csv(["a", "b", "c"], [["plain", "x;y", 'say "hi"\nbye'], ["", "1,50", "é"]])
    assert text == 'a;b;c\r\nplain;"x;y";"say ""hi""\nbye"\r\n;1,50;é\r\n'


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+31 6 1234", "'+31 6 1234"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\r=x", "'\r=x"),
        ("'=x", "''=x"),  # so the parser can take exactly one quote off again
        ("'plain", "'plain"),
        ("a=b", "a=b"),
    ],
)
def test_to_csv_neutralises_formulas(cell: str, written: str) -> None:
    row = to_csv(["h"], [[cell]]).split("\r\n", 1)[1]
    assert row.removesuffix("\r\n").strip('"') == written.replace('"', '""')


def test_to_csv_neutralises_the_header_too_and_refuses_non_text() -> None:
    assert to_csv(["=cmd"], []) == "'=cmd\r\n"
    with pytest.raises(TypeError):
        to_csv(["a"], [[12]])  # type: ignore[list-item]


def test_an_exported_formula_like_reference_comes_back_unchanged() -> None:
    references = ["=1+1", "-17", "'=x", "''+y", "'plain", "@home"]
    text = to_csv(
        ["office_reference", "principal_creditor", "principal"], [[ref, "X", "1"] for ref in references]
    )
    assert [row.office_reference for row in parse_claims_csv(text.encode()).rows] == references


def _readable(text: str) -> bool:
    try:
        readable_line(text)
    except ValueError:
        return False
    return True


_text = st.text(
    # any text a reference or a creditor's name may hold: a readable line (respite_core.domain)
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")),
    min_size=1,
    max_size=40,
).filter(lambda text: text == text.strip() and text != "" and _readable(text))


@st.composite
def _claims(draw: st.DrawFn) -> list[tuple[str, str, int, int, int, int]]:
    references = draw(st.lists(_text, min_size=0, max_size=8, unique=True))
    claims = []
    for reference in references:
        principal, interest, costs = (draw(st.integers(0, 10**12)) for _ in range(3))
        paid = draw(st.integers(0, principal + interest + costs))
        claims.append((reference, draw(_text), principal, interest, costs, paid))
    return claims


def _euros(cents: int, comma: bool) -> str:
    euros, rest = divmod(cents, 100)
    return f"{euros}{',' if comma else '.'}{rest:02d}"


@settings(max_examples=60, deadline=None)
@given(claims=_claims(), comma=st.booleans(), bom=st.booleans())
def test_round_trip_through_to_csv(
    claims: list[tuple[str, str, int, int, int, int]], comma: bool, bom: bool
) -> None:
    header = ["Paid", "office_reference", "principal", "costs", "principal_creditor", "interest"]
    rows = [
        [
            _euros(paid, comma),
            ref,
            _euros(principal, comma),
            _euros(costs, comma),
            creditor,
            _euros(interest, comma),
        ]
        for ref, creditor, principal, interest, costs, paid in claims
    ]
    text = ("\ufeff" if bom else "") + to_csv(header, rows)
    parsed = parse_claims_csv(text.encode())
    assert parsed.rejected == ()
    assert [
        (row.office_reference, row.principal_creditor, row.principal, row.interest, row.costs, row.paid)
        for row in parsed.rows
    ] == claims


# --- an upload that answers a request -------------------------------------------------------------------


@pytest.mark.parametrize(
    "lines", [("A;X;-1;0;0;0", "B;;1;0;0;0"), ()], ids=["every row rejected", "no row at all"]
)
def test_an_answer_with_no_valid_row_is_refused_with_every_row_s_problems(lines: tuple[str, ...]) -> None:
    data = "\r\n".join([HEADER, *lines, ""]).encode()
    with pytest.raises(UnreadableUpload) as refused:
        parse_answer(data)
    assert refused.value.kind == "no_valid_row"
    assert refused.value.rejected == parse_claims_csv(data).rejected


def test_an_answer_with_a_valid_row_is_the_parsed_upload() -> None:
    data = "\r\n".join([HEADER, "A;X;-1;0;0;0", "B;X;1;0;0;0", ""]).encode()
    assert parse_answer(data) == parse_claims_csv(data)
