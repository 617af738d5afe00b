"""Acknowledge each update to Telegram once its unit of work has committed.

Telegram forgets the updates before `offset` as soon as the bot asks for the next ones, and
PTB's polling asks again the moment it has queued a batch, before a single one is handled. A
bot that is killed (power loss, OOM, SIGKILL) then lost every update still in its queue: a
check-in answer someone typed was gone, and nobody asked again. Now the next poll waits until
the queue is worked off, and each update is acknowledged right after its commit, before its
replies go out: a killed bot gets back what it had not committed, and not what it had.
"""

from __future__ import annotations

import asyncio
import logging
from contextvars import ContextVar
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

logger = logging.getLogger(__name__)

_acknowledging: ContextVar[bool] = ContextVar("acknowledging", default=False)


async def acknowledge(
    application: Application[Any, Any, Any, Any, Any, Any], update: Update
) -> None:
    """Tell Telegram this update is done with (when polling; a webhook's answer does that)."""
    if application.updater is None or not application.updater.running:
        return
    token = _acknowledging.set(True)
    try:
        # Only confirms; an update this returns is fetched again by the next poll.
        await application.bot.get_updates(offset=update.update_id + 1, limit=1, timeout=0)
    except TelegramError as error:
        logger.warning("could not acknowledge update %s: %s", update.update_id, error)
    finally:
        _acknowledging.reset(token)


class AcknowledgeAfterHandling(BaseRequest):
    """The getUpdates request of the bot: waits until every update already fetched has been
    handled (its unit of work committed, its replies sent) before asking for more."""

    def __init__(self, inner: BaseRequest) -> None:
        self._inner = inner
        self._handled: asyncio.Queue[object] | None = None

    def wait_for(self, update_queue: asyncio.Queue[object]) -> None:
        """The application's update queue, whose `join()` says everything fetched is handled."""
        self._handled = update_queue

    @property
    def read_timeout(self) -> float | None:
        return self._inner.read_timeout

    async def initialize(self) -> None:
        await self._inner.initialize()

    async def shutdown(self) -> None:
        await self._inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        polling = url.rstrip("/").endswith("/getUpdates") and not _acknowledging.get()
        if self._handled is not None and polling:
            await self._handled.join()
        return await self._inner.do_request(
            url,
            method,
            request_data=request_data,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
        )
