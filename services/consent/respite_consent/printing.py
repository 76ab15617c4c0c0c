"""Documents the agency prints for the person: headed sections of lines, laid out by fpdf2 (the
subject-access export, the statement of debts).

fpdf2's built-in Helvetica needs no font file (nothing to bundle, nothing fetched at run time). It
covers Windows-1252 — the letters of Dutch, French, English and most of western Europe, and the euro
sign; a letter outside it (a "ș", an "ł") is printed without its accent, so the JSON stays the exact
record.
"""

import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

from respite_core.domain import Address, Language
from respite_core.money import format_euros
from respite_core.totals import Amounts
from respite_core.wording import long_date

if TYPE_CHECKING:
    from fpdf import FPDF

ENCODING = "windows-1252"

type Section = tuple[str, Sequence[str]]


def printable(text: str) -> str:
    """`text` as Helvetica can print it: as it is when Windows-1252 has every letter, else with the
    accents the encoding lacks taken off (and what is left unprintable as "?")."""
    try:
        text.encode(ENCODING)
        return text
    except UnicodeEncodeError:
        pass
    letters = []
    for char in text:
        try:
            char.encode(ENCODING)
            letters.append(char)
        except UnicodeEncodeError:
            bare = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
            letters.append(bare.encode(ENCODING, errors="replace").decode(ENCODING))
    return "".join(letters)


def when(moment: datetime | date | None, language: Language) -> str:
    if moment is None:
        return "-"
    if isinstance(moment, datetime):
        return f"{long_date(moment.date(), language)} {moment:%H:%M} UTC"
    return long_date(moment, language)


def amounts_line(amounts: Amounts, words: Mapping[str, str], language: Language) -> str:
    return ", ".join(
        f"{words[name]} {format_euros(getattr(amounts, name), language.value)}"
        for name in ("principal", "interest", "costs", "paid", "outstanding")
    )


def postal_lines(address: Address | None) -> list[str]:
    """An address as it goes on an envelope (nothing when there is none)."""
    if address is None:
        return []
    return [
        f"{address.street} {address.number}",
        f"{address.postal_code} {address.city} ({address.country.value})",
    ]


def printed(title: str, intro: Sequence[str], sections: Sequence[Section]) -> bytes:
    """The PDF: the title, the introduction's paragraphs, then each section's heading and lines."""
    from fpdf import FPDF  # imported here: only a PDF route pays for loading it (and Pillow)

    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = ENCODING
    pdf.set_title(printable(title))
    pdf.set_creator("Respite")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("helvetica", style="B", size=16)
    _paragraph(pdf, title, height=9)
    pdf.set_font("helvetica", size=10)
    for paragraph in intro:
        _paragraph(pdf, paragraph, height=5)
    for heading, lines in sections:
        pdf.ln(3)
        pdf.set_font("helvetica", style="B", size=12)
        _paragraph(pdf, heading, height=7)
        pdf.set_font("helvetica", size=9)
        for line in lines:
            _paragraph(pdf, line, height=4.5)
    return bytes(pdf.output())


def _paragraph(pdf: "FPDF", text: str, *, height: float) -> None:
    pdf.multi_cell(0, height, printable(text) or " ", new_x="LMARGIN", new_y="NEXT")
