"""Exports in tests: wait for the workbooks /export makes beside the updates, and read them."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from bot.fakes.harness import ChatHarness
from bot.fakes.telegram import BotMessage
from bot.handlers.export import ExportHandlers

Sheets = dict[str, list[tuple[object, ...]]]


def export_handlers(bot: ChatHarness) -> ExportHandlers:
    """The bot's /export handlers (they keep the exports being made)."""
    for handlers in bot.application.handlers.values():
        for handler in handlers:
            owner = getattr(handler.callback, "__self__", None)
            if isinstance(owner, ExportHandlers):
                return owner
    raise LookupError("no /export handlers registered")


async def exports_done(bot: ChatHarness) -> None:
    """Wait until every export begun so far has been sent (or has failed)."""
    await export_handlers(bot).idle()


def workbook(content: bytes) -> Sheets:
    """Every sheet's rows (the header first), by the sheet's title."""
    book = load_workbook(io.BytesIO(content))
    return {
        sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in book.worksheets
    }


def is_workbook(message: BotMessage) -> bool:
    document = message.document
    return document is not None and (document.file_name or "").endswith(".xlsx")


def row_texts(content: bytes) -> list[str]:
    """Each row of each sheet as one line of text ("a | b | c"), to look for what must not be
    in it (a row is what a reader sees side by side)."""
    return [
        " | ".join("" if value is None else str(value) for value in row)
        for rows in workbook(content).values()
        for row in rows
    ]
