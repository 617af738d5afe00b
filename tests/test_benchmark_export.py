"""The export benchmark, small: Steunpunt's workbook and XlsxWriter's reference hold the same
cells for the same rows (so the comparison is fair and does not rot), on both databases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from benchmarks.export import build, child


def cells(path: Path) -> list[tuple[Any, ...]]:
    sheet = load_workbook(path).worksheets[0]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


async def test_both_writers_write_the_same_lessons(database_url: str, tmp_path: Path) -> None:
    pytest.importorskip("xlsxwriter", reason="the benchmark's extra: pip install -e '.[benchmark]'")
    await build(database_url, lessons=300, teams=4, seed=3)
    ours = await child("openpyxl", database_url, tmp_path / "ours.xlsx")
    reference = await child("xlsxwriter", database_url, tmp_path / "reference.xlsx")
    rows_only = await child("rows", database_url, tmp_path / "rows.xlsx")
    assert ours["rows"] == reference["rows"] == rows_only["rows"] > 250
    written = cells(tmp_path / "ours.xlsx")
    assert written == cells(tmp_path / "reference.xlsx")
    assert len(written) == ours["rows"] + 1  # and the header
    workbook = await child("workbook", database_url, tmp_path / "workbook.xlsx")
    assert workbook["rows"] > ours["rows"]
