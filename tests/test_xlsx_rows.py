"""`FastRows` writes rows as text into openpyxl's write-only sheets. Its sheet XML must be the
XML openpyxl's own `ws.append` writes for the same values: this guards the openpyxl internals
it relies on (a new openpyxl that writes rows differently fails here first). Where it differs on
purpose — text is never a formula, characters XML cannot hold are dropped — that is asserted."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any
from xml.etree.ElementTree import canonicalize

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from bot.xlsx_rows import CellFormat, FastRows, QuotedText

DATE_FORMAT = "yyyy-mm-dd hh:mm"
WRAP = Alignment(wrap_text=True, vertical="top")
FORMATS = {"B": CellFormat(number_format=DATE_FORMAT), "D": CellFormat(alignment=WRAP)}
HEADER = ["id", "when", "team", "text", "share", "done"]
ROWS: list[list[Any]] = [
    [1, datetime(2026, 12, 2, 13, 0), "Noord", "Een les & <advies>", 0.25, True],
    [2, datetime(1999, 12, 31, 23, 59, 59), "  spaties  ", "regel 1\nregel 2\r\nregel 3", 1, False],
    [3, None, "Café ’t Gein 🐀", "x" * 5000, None, None],
    [10**15, date(2026, 1, 1), None, "\ttab vooraan", -0.5, True],
    [4, datetime(2026, 3, 29, 2, 30), "a", "b"],
]


def sheet_parts(fill: Callable[[WriteOnlyWorksheet], None]) -> tuple[str, str]:
    """The first sheet's XML and the styles of a write-only workbook filled by `fill`, in
    canonical form (openpyxl writes "é" as a character reference, FastRows as UTF-8)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Blad")
    sheet.column_dimensions["D"].width = 60  # type: ignore[attr-defined]
    sheet.freeze_panes = "A2"
    fill(sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return tuple(  # type: ignore[return-value]
            canonicalize(archive.read(name).decode())
            for name in ("xl/worksheets/sheet1.xml", "xl/styles.xml")
        )


def stock(rows: Sequence[Sequence[Any]]) -> Callable[[WriteOnlyWorksheet], None]:
    """openpyxl's own way: a styled cell wherever the column has a format."""

    def fill(sheet: WriteOnlyWorksheet) -> None:
        header = []
        for title in HEADER:
            cell = WriteOnlyCell(sheet, title)
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        for row in rows:
            cells: list[Any] = []
            for letter, value in zip("ABCDEF", row, strict=False):
                if letter in FORMATS and value is not None:
                    cell = WriteOnlyCell(sheet)
                    FORMATS[letter].apply(cell)  # first: a date value keeps a date format
                    cell.value = value
                    cells.append(cell)
                else:
                    cells.append(value)
            sheet.append(cells)

    return fill


def fast(rows: Sequence[Sequence[Any]]) -> Callable[[WriteOnlyWorksheet], None]:
    def fill(sheet: WriteOnlyWorksheet) -> None:
        writer = FastRows(sheet, FORMATS)
        writer.append_formatted(HEADER, CellFormat(font=Font(bold=True)))
        writer.extend(rows)

    return fill


def test_the_rows_are_the_xml_openpyxl_writes() -> None:
    assert sheet_parts(fast(ROWS)) == sheet_parts(stock(ROWS))


# Text openpyxl itself keeps as text (it reads "=…" as a formula and "#N/A" as an error) and
# that XML can hold; an empty string is no cell in either.
_WRITABLE = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufffe\uffff")
plain_text = st.text(_WRITABLE, min_size=1, max_size=80).filter(
    lambda text: (
        not text.startswith("=")
        and text not in ERROR_CODES
        and not any(ord(char) < 32 and char not in "\t\n\r" for char in text)
    )
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.integers(-(10**12), 10**12),
            st.datetimes(datetime(1900, 3, 1), datetime(9999, 1, 1)),
            plain_text,
            plain_text,
            st.floats(allow_nan=False, allow_infinity=False, width=32),
            st.booleans(),
        ).map(list),
        max_size=8,
    )
)
def test_any_plain_rows_are_the_xml_openpyxl_writes(rows: list[list[Any]]) -> None:
    assert sheet_parts(fast(rows)) == sheet_parts(stock(rows))


def read_back(rows: Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
    book = Workbook(write_only=True)
    fast(rows)(book.create_sheet("Blad"))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return [
        tuple(cell for cell in row)
        for row in load_workbook(buffer)["Blad"].iter_rows(min_row=2, values_only=True)
    ]


def test_text_is_never_a_formula_and_quoted_text_keeps_its_prefix() -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Blad")
    writer = FastRows(sheet, FORMATS)
    writer.append([1, None, "=SUM(A1:A9)", QuotedText('=HYPERLINK("x")'), None, None])
    writer.append([2, None, "#N/A", QuotedText("-5 bewoners")])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    loaded = load_workbook(buffer)["Blad"]
    formula, quoted = loaded["C1"], loaded["D1"]
    assert (formula.value, formula.data_type, formula.quotePrefix) == ("=SUM(A1:A9)", "s", False)
    assert (quoted.value, quoted.data_type, quoted.quotePrefix) == ('=HYPERLINK("x")', "s", True)
    assert quoted.alignment.wrap_text  # the column's own format, plus the prefix
    assert (loaded["C2"].value, loaded["C2"].data_type) == ("#N/A", "s")
    assert loaded["D2"].quotePrefix


def test_characters_xml_cannot_hold_are_dropped() -> None:
    assert read_back([[1, None, "bel\x00 de\x0b makelaar\x1b", "a\ud800b"]]) == [
        (1, None, "bel de makelaar", "ab", None, None)
    ]


def test_a_started_sheet_is_refused() -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Blad")
    sheet.append(["al begonnen"])
    with pytest.raises(ValueError, match="nothing was written to yet"):
        FastRows(sheet)
    book.save(io.BytesIO())  # closes openpyxl's own row writer
