"""Export sinks: the xlsx workbook (openpyxl, write-only, so memory stays flat however many
rows stream in) and the CSV file of the lessons.

Each data sheet is a real Excel table (style, filter buttons) with a frozen header row, widths
that fit its kind of data, wrapped long text, dates as Excel dates and numbers as numbers.
Text people typed is never evaluated: a cell starting with = + - @ tab or CR is stored as text
and marked with Excel's quote prefix, and in CSV it gets a leading apostrophe.
"""

from __future__ import annotations

import asyncio
import csv
import re
import warnings
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from bot.services.common import Language
from bot.services.export import CellKind, Column, Label, Row, SheetKey, SheetSpec
from bot.texts import t
from bot.texts.formatting import plain_text
from bot.xlsx_rows import CellFormat, FastRows, QuotedText

# Characters XML (and so xlsx) cannot hold; openpyxl refuses them, so they are dropped.
_ILLEGAL_CHARACTERS = re.compile(r"[\000-\010\013\014\016-\037]")
# A cell starting with one of these is a formula to Excel, Calc and Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_CELL_LIMIT = 32_767

NUMBER_FORMATS: dict[CellKind, str] = {
    CellKind.DATETIME: "yyyy-mm-dd hh:mm",
    CellKind.DATE: "yyyy-mm-dd",
    CellKind.PERCENT: "0%",
    CellKind.DECIMAL: "0.0",
}
WIDTHS: dict[CellKind, float] = {
    CellKind.ID: 9,
    CellKind.INTEGER: 10,
    CellKind.DECIMAL: 11,
    CellKind.PERCENT: 11,
    CellKind.DATE: 12,
    CellKind.DATETIME: 17,
    CellKind.SHORT_TEXT: 22,
    CellKind.LONG_TEXT: 60,
    CellKind.BOOLEAN: 10,
}
TABLE_STYLE = "TableStyleMedium2"
WRAP = Alignment(wrap_text=True, vertical="top")


class Translations:
    """Catalog words for labels and headers, in one language, looked up once each."""

    def __init__(self, language: Language) -> None:
        self.language = language
        self._words: dict[tuple[str, ...], str] = {}

    def __call__(self, label: Label) -> str:
        words = self._words.get(label.keys)
        if words is None:
            words = ", ".join(plain_text(t(self.language, key)) for key in label.keys)
            self._words[label.keys] = words
        return words

    def header(self, column: Column) -> str:
        return self(Label.of(f"export.column.{column.key}"))

    def sheet_title(self, key: SheetKey) -> str:
        # Excel: at most 31 characters, none of []:*?/\
        return re.sub(r"[\[\]:*?/\\]", "", self(Label.of(f"export.sheet.{key.value}")))[:31]


def clean_text(value: str) -> str:
    return _ILLEGAL_CHARACTERS.sub("", value)[:EXCEL_CELL_LIMIT]


def looks_like_formula(value: str) -> bool:
    return value.startswith(FORMULA_STARTS)


def column_width(column: Column, header: str) -> float:
    # Room for the header and its filter button.
    return max(WIDTHS[column.kind], len(header) + 4)


class XlsxSink:
    """An `ExportSink` writing one workbook; `close()` saves it. openpyxl writes the workbook,
    its styles, tables and chart; the rows go through `FastRows` (see bot/xlsx_rows.py)."""

    def __init__(self, target: Path | IO[bytes], language: Language) -> None:
        self._target = target
        self._words = Translations(language)
        self._workbook = Workbook(write_only=True)
        self._sheet: WriteOnlyWorksheet | None = None
        self._spec: SheetSpec | None = None
        self._writer: FastRows | None = None
        self._text_columns: list[int] = []
        self._rows = 0
        self._sheets: dict[SheetKey, tuple[WriteOnlyWorksheet, SheetSpec, int]] = {}
        self._table_names: set[str] = set()

    async def begin_sheet(self, sheet: SheetSpec) -> None:
        worksheet: WriteOnlyWorksheet = self._workbook.create_sheet(
            self._words.sheet_title(sheet.key)
        )
        headers = [self._words.header(column) for column in sheet.columns]
        formats: dict[str, CellFormat] = {}
        for index, (column, header) in enumerate(zip(sheet.columns, headers, strict=True), 1):
            letter = get_column_letter(index)
            # Set up by openpyxl's write-only sheet too; the stubs miss it.
            dimensions = worksheet.column_dimensions  # type: ignore[attr-defined]
            dimensions[letter].width = column_width(column, header)
            number_format = NUMBER_FORMATS.get(column.kind)
            if number_format is not None:
                formats[letter] = CellFormat(number_format=number_format)
            elif column.kind is CellKind.LONG_TEXT:
                formats[letter] = CellFormat(alignment=WRAP)
        # Before the first row: that is when the top of the sheet is written.
        worksheet.freeze_panes = "A2"
        writer = FastRows(worksheet, formats)
        writer.append_formatted(headers, CellFormat(font=Font(bold=True)))
        self._sheet, self._spec, self._writer, self._rows = worksheet, sheet, writer, 0
        self._text_columns = [
            index
            for index, column in enumerate(sheet.columns)
            if column.kind in (CellKind.SHORT_TEXT, CellKind.LONG_TEXT)
        ]

    async def add_rows(self, rows: Sequence[Row]) -> None:
        # In a worker thread: a big batch should not hold up the bot's other updates.
        await asyncio.to_thread(self._append, rows)

    def _append(self, rows: Sequence[Row]) -> None:
        assert self._writer is not None
        words, text_columns = self._words, self._text_columns
        values: list[list[Any]] = []
        for row in rows:
            cells: list[Any] = list(row)
            for index in text_columns:
                value = cells[index]
                if value.__class__ is Label:
                    cells[index] = words(value)
                elif value.__class__ is str and value.startswith(FORMULA_STARTS):
                    cells[index] = QuotedText(value)
                elif value.__class__ is str and not value.isprintable():
                    # Control characters go (XML cannot hold them); what is left may still
                    # start like a formula.
                    cleaned = clean_text(value)
                    cells[index] = QuotedText(cleaned) if looks_like_formula(cleaned) else cleaned
            values.append(cells)
        self._writer.extend(values)
        self._rows += len(rows)

    async def end_sheet(self) -> None:
        assert self._sheet is not None
        assert self._spec is not None
        worksheet, spec, rows = self._sheet, self._spec, self._rows
        self._writer = None
        last_column = get_column_letter(len(spec.columns))
        # A table needs a row under its header; an empty sheet gets one empty row.
        reference = f"A1:{last_column}{max(rows, 1) + 1}"
        name = self._table_name(spec.key)
        table = Table(displayName=name, ref=reference)
        # In write-only mode openpyxl cannot read the header back: the columns are named here.
        table.tableColumns = [
            TableColumn(id=index, name=self._words.header(column))
            for index, column in enumerate(spec.columns, 1)
        ]
        table.autoFilter = AutoFilter(ref=reference)
        table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True)
        with warnings.catch_warnings():
            # "add table columns manually": done above.
            warnings.simplefilter("ignore", UserWarning)
            worksheet.add_table(table)  # type: ignore[misc]  # shared with Worksheet; stubs miss it
        self._sheets[spec.key] = (worksheet, spec, rows)
        for key, (other, other_spec, _) in self._sheets.items():
            chart = other_spec.chart
            if chart is not None and chart.data_sheet is spec.key and key is not spec.key:
                self._add_chart(other, other_spec, worksheet, spec, rows)
        self._sheet = self._spec = None

    def _table_name(self, key: SheetKey) -> str:
        name = "".join(part.title() for part in key.value.split("_"))
        while name in self._table_names:
            name += "_"
        self._table_names.add(name)
        return name

    def _add_chart(
        self,
        target: WriteOnlyWorksheet,
        target_spec: SheetSpec,
        data: WriteOnlyWorksheet,
        data_spec: SheetSpec,
        rows: int,
    ) -> None:
        """The weekly participation (left axis, %) and average energy (right axis, 1–5) as
        Excel's own line chart, beside the sheet it belongs to."""
        spec = target_spec.chart
        if spec is None or rows == 0:
            return
        keys = [column.key for column in data_spec.columns]

        def series(key: str) -> Reference:
            column = keys.index(key) + 1
            return Reference(data, min_col=column, min_row=1, max_row=rows + 1)

        words = self._words
        category_column = keys.index(spec.category) + 1
        categories = Reference(data, min_col=category_column, min_row=2, max_row=rows + 1)
        participation = LineChart()
        participation.title = words(Label.of("export.chart.title"))
        participation.add_data(series(spec.percent_series), titles_from_data=True)
        participation.set_categories(categories)
        participation.y_axis.title = words(Label.of("export.chart.percent_axis"))
        participation.y_axis.number_format = "0%"
        participation.y_axis.scaling.min = 0
        participation.y_axis.scaling.max = 1
        participation.y_axis.majorGridlines = None
        mood = LineChart()
        mood.add_data(series(spec.mood_series), titles_from_data=True)
        mood.y_axis.axId = 200
        mood.y_axis.title = words(Label.of("export.chart.mood_axis"))
        mood.y_axis.scaling.min = 1
        mood.y_axis.scaling.max = 5
        mood.y_axis.crosses = "max"
        participation += mood
        participation.height, participation.width = 9, 18
        anchor = get_column_letter(len(target_spec.columns) + 2) + "2"
        target.add_chart(participation, anchor)  # type: ignore[misc]  # as add_table

    async def close(self) -> None:
        await asyncio.to_thread(self._workbook.save, self._target)


class CsvSink:
    """An `ExportSink` writing the rows of one sheet as CSV (UTF-8 with a byte-order mark, so
    Excel reads the accents right); dates as ISO 8601, numbers with a decimal point."""

    def __init__(self, target: IO[str], language: Language) -> None:
        self._writer = csv.writer(target)
        self._words = Translations(language)

    async def begin_sheet(self, sheet: SheetSpec) -> None:
        self._writer.writerow([self._words.header(column) for column in sheet.columns])

    async def add_rows(self, rows: Sequence[Row]) -> None:
        self._writer.writerows([self._value(value) for value in row] for row in rows)

    def _value(self, value: object) -> object:
        if isinstance(value, Label):
            value = self._words(value)
        if isinstance(value, str):
            value = _ILLEGAL_CHARACTERS.sub("", value)
            # A spreadsheet opening the CSV would evaluate it: an apostrophe keeps it text.
            return "'" + value if looks_like_formula(value) else value
        if isinstance(value, datetime):
            return value.isoformat(sep=" ", timespec="minutes")
        if isinstance(value, date):
            return value.isoformat()
        return value

    async def end_sheet(self) -> None:
        return None
