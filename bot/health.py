"""`GET /healthz` for load balancers, container health checks and monitoring.

Answers 200 while the bot takes updates, its database answers and the scheduled round keeps
firing; 503 (with the reason) otherwise. It runs beside the bot in both modes, on its own
port: in webhook mode the load balancer asks it which instances to send Telegram's calls to,
with long polling the container's HEALTHCHECK asks it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass

import tornado.netutil
import tornado.web
from tornado.httpserver import HTTPServer

logger = logging.getLogger(__name__)

DATABASE_TIMEOUT = 2.0  # seconds; a database slower than this counts as not answering


@dataclass(frozen=True)
class Health:
    status: str  # "ok" or "unavailable"
    mode: str  # "polling" or "webhook"
    running: bool
    database: str  # "ok" or why not
    seconds_since_round: float | None  # None: no round has run yet (or rounds are off)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


class HealthProbe:
    """Collects what /healthz reports. `ping_database` runs one trivial query."""

    def __init__(
        self,
        *,
        mode: str,
        is_running: Callable[[], bool],
        ping_database: Callable[[], Awaitable[None]],
        round_interval: float | None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._mode = mode
        self._is_running = is_running
        self._ping_database = ping_database
        # Rounds fire every `round_interval` s; missing several in a row means a stuck process.
        self._round_deadline = None if round_interval is None else 12 * round_interval
        self._clock = clock
        self._last_round: float | None = None

    def round_fired(self) -> None:
        self._last_round = self._clock()

    async def check(self) -> Health:
        running = self._is_running()
        try:
            await asyncio.wait_for(self._ping_database(), DATABASE_TIMEOUT)
            database = "ok"
        except TimeoutError:
            database = f"no answer within {DATABASE_TIMEOUT:.0f} s"
        except Exception as error:  # any failure to answer is what we report
            database = f"unavailable ({error.__class__.__name__})"
        since = None if self._last_round is None else round(self._clock() - self._last_round, 1)
        rounds_ok = self._round_deadline is None or since is None or since < self._round_deadline
        healthy = running and database == "ok" and rounds_ok
        return Health(
            status="ok" if healthy else "unavailable",
            mode=self._mode,
            running=running,
            database=database,
            seconds_since_round=since,
        )


class _HealthHandler(tornado.web.RequestHandler):
    def initialize(self, probe: HealthProbe) -> None:
        self._probe = probe

    async def get(self) -> None:
        health = await self._probe.check()
        self.set_status(200 if health.ok else 503)
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(asdict(health)))

    async def head(self) -> None:
        health = await self._probe.check()
        self.set_status(200 if health.ok else 503)
        self.finish()


class _Quiet(tornado.web.Application):
    def log_request(self, handler: tornado.web.RequestHandler) -> None:
        """A load balancer asks every few seconds; that is not worth a log line."""


class HealthServer:
    """Serves the probe at /healthz on `address:port` (port 0: any free port)."""

    def __init__(self, probe: HealthProbe, address: str, port: int) -> None:
        self.probe = probe
        self._address = address
        self._port = port
        self._server: HTTPServer | None = None
        self.port: int | None = None

    async def start(self) -> None:
        application = _Quiet([(r"/healthz", _HealthHandler, {"probe": self.probe})])
        self._server = HTTPServer(application)
        sockets = tornado.netutil.bind_sockets(self._port, self._address)
        self._server.add_sockets(sockets)
        self.port = int(sockets[0].getsockname()[1])
        logger.info("health check at http://%s:%d/healthz", self._address, self.port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None
