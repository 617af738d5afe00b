"""A local HTTP server that speaks the Telegram Bot API on behalf of a `FakeTelegram`.

Point a real bot process at `BotApiServer.base_url` (TELEGRAM_API_BASE_URL) and it talks to the
fake over the network exactly as it would to Telegram, long polling included.
"""

from __future__ import annotations

import json
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from bot.fakes.telegram import FakeTelegram, JsonDict, Upload, decode_params

DEFAULT_LIMIT = 100
UNAUTHORIZED: JsonDict = {"ok": False, "error_code": 401, "description": "Unauthorized"}


class BotApiServer:
    """Serves `/bot{token}/{method}` on 127.0.0.1 (a free port) from a `FakeTelegram`."""

    def __init__(self, telegram: FakeTelegram, token: str, shutdown_timeout: float = 1.0) -> None:
        self.telegram = telegram
        self.token = token
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        # Bounds how long stop() waits for a long poll whose client has gone away.
        self._runner = web.AppRunner(app, shutdown_timeout=shutdown_timeout, access_log=None)
        self._port: int | None = None

    @property
    def base_url(self) -> str:
        """The value for TELEGRAM_API_BASE_URL: the token and `/<method>` are appended."""
        if self._port is None:
            raise RuntimeError("the server is not started")
        return f"http://127.0.0.1:{self._port}/bot"

    async def start(self) -> None:
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        await self._runner.cleanup()
        self._port = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _json(401, UNAUTHORIZED)
        method = request.match_info["method"]
        raw, uploads = await _raw_params(request)
        params = decode_params(raw)
        if method.lower() == "getupdates":
            return _json(200, {"ok": True, "result": await self._get_updates(params)})
        if uploads:
            status, body = self.telegram.answer(method, params, uploads)
        else:
            status, body = self.telegram.answer(method, params)
        return _json(status, body)

    async def _get_updates(self, params: JsonDict) -> list[JsonDict]:
        """Long polling: wait up to `timeout` seconds for updates from `offset` on."""
        offset = params.get("offset")
        limit = int(params.get("limit") or DEFAULT_LIMIT)
        timeout = float(params.get("timeout") or 0)
        return await self.telegram.next_updates(offset, limit, timeout)


async def _raw_params(request: web.Request) -> tuple[dict[str, str], dict[str, Upload]]:
    """Query string and form fields (urlencoded or multipart) as strings, and the file parts."""
    raw = dict(request.query)
    uploads: dict[str, Upload] = {}
    if request.can_read_body:
        for key, value in (await request.post()).items():
            if isinstance(value, str):
                raw[key] = value
            elif isinstance(value, bytes):
                raw[key] = value.decode()
            elif isinstance(value, web.FileField):
                uploads[key] = Upload(value.filename, value.file.read(), value.content_type)
    return raw, uploads


def _json(status: int, body: Any) -> web.Response:
    return web.Response(status=status, text=json.dumps(body), content_type="application/json")
