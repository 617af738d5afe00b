"""The real bot as a separate process (`python -m bot … run`) against the local Bot API server,
and waiting for conditions on it without sleeping blindly."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pytest

POLL = 0.02  # how often a condition is checked; an upper bound, never a synchronisation


def clean_env(**values: str) -> dict[str, str]:
    """This process's environment without any bot settings, plus `values`. The weekly digest
    is off: these bots run on the real clock, and on a Friday afternoon it would send
    coordinators more than the test expects (tests/test_digest.py tests it on a fixed clock)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TELEGRAM_", "STEUNPUNT_", "DIGEST_", "WEBHOOK_", "HEALTH_"))
        and key not in ("DATABASE_URL", "SHARED_SEND_LIMIT", "DATABASE_WAIT_SECONDS")
    }
    # No health server unless asked: a fixed port could be taken on the machine running tests.
    return {**env, "DIGEST_ENABLED": "false", "HEALTH_PORT": "0", **values}


async def until(condition: Callable[[], bool], within: float, what: str) -> None:
    """Wait until `condition()` holds; fail the test after `within` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not condition():
        if loop.time() > deadline:
            pytest.fail(f"waited {within:.0f} s for {what}")
        await asyncio.sleep(POLL)


class BotProcess:
    """One bot process; its output goes to `<name>.stdout` / `<name>.stderr` in `directory`."""

    def __init__(self, process: asyncio.subprocess.Process, directory: Path, name: str) -> None:
        self.process = process
        self.stdout_path = directory / f"{name}.stdout"
        self.stderr_path = directory / f"{name}.stderr"

    @classmethod
    async def start(
        cls,
        env: Mapping[str, str],
        directory: Path,
        name: str,
        log_level: str = "INFO",
        arguments: Sequence[str] = ("run",),
    ) -> BotProcess:
        stdout = (directory / f"{name}.stdout").open("wb")
        stderr = (directory / f"{name}.stderr").open("wb")
        with stdout, stderr:  # the child has its own copies of the descriptors
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "--log-level",
                log_level,
                *arguments,
                env=dict(env),
                cwd=directory,  # no stray .env file is read
                stdin=asyncio.subprocess.DEVNULL,
                stdout=stdout,
                stderr=stderr,
            )
        return cls(process, directory, name)

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    @property
    def running(self) -> bool:
        return self.process.returncode is None

    def output(self, tail: int | None = None) -> str:
        """Exit code, stdout and stderr, for a failure message (only the last `tail`
        characters of each, when given: a wave's log is long)."""
        stdout = self.stdout_path.read_text(errors="replace")
        stderr = self.stderr
        if tail is not None:
            stdout, stderr = stdout[-tail:], stderr[-tail:]
        code = self.process.returncode
        return f"--- exit code: {code}\n--- stdout:\n{stdout}\n--- stderr:\n{stderr}"

    async def exit_code(self, within: float) -> int:
        try:
            return await asyncio.wait_for(self.process.wait(), within)
        except TimeoutError:
            pytest.fail(f"the bot did not exit within {within:.0f} s\n{self.output()}")

    def terminate(self) -> None:
        self.process.send_signal(signal.SIGTERM)

    async def stop(self, within: float) -> int:
        """Stop the bot as a service manager would: SIGTERM, then wait for its exit code."""
        self.terminate()
        return await self.exit_code(within)

    def kill_now(self) -> None:
        """SIGKILL: no cleanup, no goodbye, as when the machine loses power."""
        if self.process.returncode is None:
            self.process.kill()

    async def kill(self) -> None:
        self.kill_now()
        await self.process.wait()
