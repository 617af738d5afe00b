"""Fast rows for openpyxl's write-only worksheets.

openpyxl spends most of a large export in per-cell Python: a ``Cell`` per value, type inference,
then an lxml element per cell.  ``FastRows`` keeps openpyxl for the workbook and everything around
the rows (styles, shared parts, tables, charts, freeze panes, column widths) and writes only the
``<sheetData>`` rows itself, as text, the way XlsxWriter does.  Plain values (str, int, float,
bool, naive datetime/date in a date-formatted column) take the fast path; anything else is handed
to openpyxl's own cell writer, so it comes out exactly as openpyxl would write it.

Differences from ``ws.append`` (on purpose):
- a string is always text: ``"=SUM(A1)"`` is not turned into a formula, ``"#N/A"`` is not an error;
- characters XML cannot carry (ASCII controls other than tab/newline/return, lone surrogates,
  U+FFFE/U+FFFF) are dropped instead of raising ``IllegalCharacterError`` halfway an export;
- an empty string writes no cell (openpyxl writes an empty cell that reads back as None);
- ``Cell`` objects, bytes and formula objects are refused: give a column a ``CellFormat`` instead.

Relies on openpyxl internals (pinned >=3.1,<3.2): ``WriteOnlyWorksheet._writer`` and ``._rows``,
``openpyxl.worksheet._writer.WorksheetWriter`` (``get_stream``, ``out``, ``write_top``) and
``openpyxl.cell._writer.etree_write_cell``; tests should compare its output with ``ws.append``'s.
Needs no lxml: rows are text, and openpyxl's ``tostring`` (lxml or ElementTree) does the rest.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import IO, Protocol, TypeAlias, cast

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell._writer import etree_write_cell
from openpyxl.cell.cell import Cell
from openpyxl.cell.rich_text import CellRichText
from openpyxl.styles import Alignment, Border, Font, Protection
from openpyxl.styles.fills import Fill
from openpyxl.styles.numbers import is_date_format
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.utils.exceptions import WorkbookAlreadySaved
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import Element, tostring

CellValue: TypeAlias = (
    str
    | int
    | float
    | bool
    | dt.datetime
    | dt.date
    | dt.time
    | dt.timedelta
    | Decimal
    | CellRichText
    | None
)

_to_excel = cast(Callable[[dt.date, dt.datetime], float], to_excel)
# Excel's limit; openpyxl truncates the same way.
MAX_TEXT = 32767
# Everything XML 1.0 cannot carry: openpyxl's ILLEGAL_CHARACTERS_RE plus surrogates and U+FFFE/F.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Rows are joined and encoded in chunks: fewer writes, bounded memory.
_CHUNK_ROWS = 512


@dataclass(frozen=True)
class CellFormat:
    """The formatting of a column (or of a whole row, for headers)."""

    number_format: str | None = None
    font: Font | None = None
    fill: Fill | None = None
    border: Border | None = None
    alignment: Alignment | None = None
    protection: Protection | None = None
    quote_prefix: bool = False  # Excel keeps the cell text even when someone edits it

    def apply(self, cell: Cell) -> None:
        if self.number_format is not None:
            cell.number_format = self.number_format
        if self.font is not None:
            cell.font = self.font
        if self.fill is not None:
            cell.fill = self.fill
        if self.border is not None:
            cell.border = self.border
        if self.alignment is not None:
            cell.alignment = self.alignment
        if self.protection is not None:
            cell.protection = self.protection
        if self.quote_prefix:
            cell.quotePrefix = True


class QuotedText(str):
    """Text a spreadsheet would take for a formula (it starts with = + - @ …): written as text,
    in its column's format plus Excel's quote prefix."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class _Column:
    letter: str
    style_attr: str  # ' s="3"' or ''
    takes_dates: bool  # number format is a date format: datetimes can be written as serials
    fmt: CellFormat | None


@dataclass(slots=True)
class _Layout:
    """How the cells of a row are formatted: per column, or one format for the whole row."""

    per_column: bool
    row_format: CellFormat | None
    columns: list[_Column]


class _RowSink(Protocol):
    def send(self, row: Iterable[CellValue]) -> None: ...
    def close(self) -> None: ...


class _WriteOnlyInternals(Protocol):
    """The two private attributes of WriteOnlyWorksheet this module sets (openpyxl 3.1)."""

    _writer: WorksheetWriter | None
    _rows: _RowSink | None
    # public, but missing from types-openpyxl for WriteOnlyWorksheet
    row_dimensions: Mapping[int, Iterable[tuple[str, str]]]


class _CapturedCell:
    """Stands in for lxml's xmlfile so openpyxl's cell writer hands us its element."""

    element: Element | None = None

    def write(self, element: Element) -> None:
        self.element = element


class _TextWorksheetWriter(WorksheetWriter):
    """openpyxl's worksheet writer, on a file we also write rows into directly."""

    def get_stream(self) -> Generator[None, object, None]:
        # openpyxl streams through lxml/et_xmlfile; we write the same elements with tostring so
        # that rows can go straight into the same file in between, with no flush to coordinate.
        with open(cast(str, self.out), "wb") as self.file:
            self.file.write(f'<worksheet xmlns="{SHEET_MAIN_NS}">'.encode())
            try:
                while True:
                    element = yield
                    if element is True:
                        raise RuntimeError("rows are written by FastRows, not by openpyxl")
                    if element is not None:
                        self.file.write(_xml_bytes(cast(Element, element)))
            except GeneratorExit:
                self.file.write(b"</worksheet>")

    file: IO[bytes]


class FastRows:
    """Append rows to a fresh write-only worksheet, fast.

    Set ``freeze_panes``, ``column_dimensions`` and ``row_dimensions`` before creating it: the
    sheet's head is written here.  Tables, charts, images, print settings may be added any time
    before ``wb.save``.  ``ws.append(row)`` keeps working and goes through ``append``.
    """

    def __init__(
        self, ws: WriteOnlyWorksheet, column_formats: Mapping[str, CellFormat] | None = None
    ) -> None:
        internals = cast(_WriteOnlyInternals, ws)
        if ws.closed or internals._writer is not None or internals._rows is not None:
            raise ValueError("FastRows needs a write-only worksheet nothing was written to yet")
        self._ws = ws
        workbook = ws.parent
        if workbook is None:
            raise ValueError("the worksheet belongs to no workbook")
        self._row_dimensions = internals.row_dimensions
        self._epoch = workbook.epoch
        self._iso_dates = workbook.iso_dates
        by_index = {column_index_from_string(c): f for c, f in (column_formats or {}).items()}
        self._column_formats = by_index
        self._by_column = _Layout(per_column=True, row_format=None, columns=[])
        self._by_row: dict[CellFormat | None, _Layout] = {}
        self._style_attrs: dict[CellFormat, tuple[str, bool]] = {}
        self._row_idx = 0
        self._pending: list[str] = []
        self._closed = False

        writer = _TextWorksheetWriter(ws)
        writer.write_top()
        self._file = writer.file
        self._file.write(b"<sheetData>")
        internals._writer = writer
        internals._rows = self  # ws.append and ws.close (on save) now come here

    @property
    def row_count(self) -> int:
        return self._row_idx

    def append(self, values: Sequence[CellValue]) -> None:
        """Append one row; each cell takes its column's format."""
        self._write(values, self._by_column)

    def append_formatted(self, values: Sequence[CellValue], fmt: CellFormat | None) -> None:
        """Append one row whose cells all take ``fmt`` (None: no format), e.g. a header."""
        layout = self._by_row.get(fmt)
        if layout is None:
            layout = self._by_row[fmt] = _Layout(per_column=False, row_format=fmt, columns=[])
        self._write(values, layout)

    def extend(self, rows: Iterable[Sequence[CellValue]]) -> None:
        for values in rows:
            self._write(values, self._by_column)

    # the generator protocol WriteOnlyWorksheet uses for its row sink
    def send(self, row: Iterable[CellValue]) -> None:
        # ws.append also accepts a generator
        self.append(row if isinstance(row, Sequence) else tuple(row))

    def close(self) -> None:
        """Called by ``ws.close()``, which ``wb.save`` calls; ends ``<sheetData>``."""
        if self._closed:
            return
        self._flush()
        self._file.write(b"</sheetData>")
        self._closed = True

    # ------------------------------------------------------------------ internals
    def _write(self, values: Sequence[CellValue], layout: _Layout) -> None:
        if self._closed:
            raise WorkbookAlreadySaved("Workbook has already been saved and cannot be modified.")
        columns = layout.columns
        if len(values) > len(columns):
            self._grow(layout, len(values))
        self._row_idx += 1
        r = str(self._row_idx)
        dims = self._row_dimensions.get(self._row_idx)
        parts = [_row_start(r, dims)]
        append = parts.append
        for column, v in zip(columns, values, strict=False):
            kind = type(v)
            if kind is str or kind is QuotedText:
                text = cast(str, v)
                style_attr = column.style_attr if kind is str else self._quoted_style(column)
                if not text:
                    continue
                if len(text) > MAX_TEXT:
                    text = text[:MAX_TEXT]
                if text.isprintable():  # no controls, no whitespace but ' ': the common case
                    space = ' xml:space="preserve"' if text[0] == " " or text[-1] == " " else ""
                    if "&" in text or "<" in text or ">" in text:
                        text = _escape(text)
                else:
                    text, space = _clean_text(text)
                    if not text:
                        continue
                append(
                    f'<c r="{column.letter}{r}"{style_attr} t="inlineStr">'
                    f"<is><t{space}>{text}</t></is></c>"
                )
            elif kind is int or (kind is float and math.isfinite(cast(float, v))):
                # %.16g as openpyxl writes numbers (Excel holds doubles anyway)
                append(f'<c r="{column.letter}{r}"{column.style_attr} t="n"><v>{v:.16g}</v></c>')
            elif kind is bool:
                append(f'<c r="{column.letter}{r}"{column.style_attr} t="b"><v>{v:d}</v></c>')
            elif (
                (kind is dt.datetime or kind is dt.date)
                and column.takes_dates
                and not self._iso_dates
                and getattr(v, "tzinfo", None) is None
            ):
                serial = _to_excel(cast(dt.date, v), self._epoch)
                append(
                    f'<c r="{column.letter}{r}"{column.style_attr} t="n"><v>{serial:.16g}</v></c>'
                )
            elif v is None:
                continue
            elif isinstance(v, str):  # str subclasses (StrEnum): their text, never a formula
                append(self._cell_xml(str.__str__(v), column, r))
            else:
                append(self._cell_xml(v, column, r))
        append("</row>")
        self._pending.append("".join(parts))
        if len(self._pending) >= _CHUNK_ROWS:
            self._flush()

    def _cell_xml(self, value: CellValue, column: _Column, r: str) -> str:
        """Write a value through openpyxl's own Cell and cell writer: its types, its rules."""
        if isinstance(value, bytes | Cell):
            raise TypeError(
                f"FastRows takes plain values, not {type(value).__name__}; "
                "give the column a CellFormat instead of a styled cell"
            )
        cell = WriteOnlyCell(self._ws)
        if column.fmt is not None:
            column.fmt.apply(cell)  # before the value: openpyxl keeps a date format it finds
        cell.value = value  # ValueError for what Excel cannot hold, as in ws.append
        if cell.data_type in ("f", "e"):  # only ever from text: keep it text
            cell.data_type = "s"
        cell.row = int(r)
        cell.column = column_index_from_string(column.letter)
        captured = _CapturedCell()
        etree_write_cell(captured, self._ws, cell, cell.has_style)
        if captured.element is None:  # openpyxl's writer always writes one element
            raise RuntimeError(f"openpyxl wrote nothing for {value!r}")
        return _xml_bytes(captured.element).decode("utf-8")

    def _grow(self, layout: _Layout, width: int) -> None:
        for index in range(len(layout.columns) + 1, width + 1):
            fmt = self._column_formats.get(index) if layout.per_column else layout.row_format
            style_attr, takes_dates = self._style(fmt)
            layout.columns.append(_Column(get_column_letter(index), style_attr, takes_dates, fmt))

    def _quoted_style(self, column: _Column) -> str:
        """The column's format plus the quote prefix (registered when first needed, so a sheet
        without such text has exactly openpyxl's styles)."""
        return self._style(replace(column.fmt or CellFormat(), quote_prefix=True))[0]

    def _style(self, fmt: CellFormat | None) -> tuple[str, bool]:
        if fmt is None:
            return "", False
        known = self._style_attrs.get(fmt)
        if known is None:
            probe = WriteOnlyCell(self._ws)
            fmt.apply(probe)
            # style_id registers the style in the workbook's own registry
            attr = f' s="{probe.style_id}"' if probe.has_style else ""
            known = self._style_attrs[fmt] = (attr, is_date_format(probe.number_format))
        return known

    def _flush(self) -> None:
        if self._pending:
            self._file.write("".join(self._pending).encode("utf-8"))
            self._pending.clear()


def _xml_bytes(element: Element) -> bytes:
    # openpyxl's tostring is lxml's or ElementTree's (OPENPYXL_LXML); both give UTF-8 bytes here
    data: bytes | str = tostring(element)
    return data if isinstance(data, bytes) else data.encode("utf-8")


def _row_start(r: str, dims: Iterable[tuple[str, str]] | None) -> str:
    if dims is None:
        return f'<row r="{r}">'
    # a row given a height/style/hidden flag beforehand: same attributes as openpyxl writes
    extra = "".join(f' {key}="{_escape(value, attr=True)}"' for key, value in dims)
    return f'<row r="{r}"{extra}>'


def _escape(text: str, attr: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;") if attr else text


def _clean_text(text: str) -> tuple[str, str]:
    """The rare path: text with controls, newlines, tabs or non-ASCII spaces."""
    text = _UNWRITABLE.sub("", text)
    space = ' xml:space="preserve"' if text != text.strip() else ""
    # a raw carriage return would be read back as a newline
    return _escape(text).replace("\r", "&#13;"), space
