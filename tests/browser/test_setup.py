"""Without Chromium the browser tests skip and say how to install it — or fail when
STEUNPUNT_REQUIRE_BROWSER=1, as in CI; axe-core is pinned by the lock file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser import support
from tests.browser.support import AXE_SCRIPT

FIXTURE_TEST = Path(__file__).resolve().parent / "test_infrastructure.py"
REPOSITORY = Path(__file__).resolve().parent.parent.parent


def run_fixture_test(**environment: str) -> subprocess.CompletedProcess[str]:
    """The hand-written page's test in a fresh pytest, with no Chromium where it looks for one."""
    env = {key: value for key, value in os.environ.items() if key != "STEUNPUNT_REQUIRE_BROWSER"}
    env.update(STEUNPUNT_CHROMIUM="/nonexistent/chromium", **environment)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-rs",
            "-p",
            "no:cacheprovider",
            f"{FIXTURE_TEST}::test_a_hand_written_page_passes_every_check",
        ],
        cwd=REPOSITORY,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_without_chromium_or_axe_core_the_reason_names_the_command_that_installs_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(support, "CHROMIUM", tmp_path / "chromium")
    assert support.missing_browser_tools() == (
        f"no Chromium at {tmp_path / 'chromium'}: "
        "apt-get install -y --no-install-recommends chromium"
    )
    chromium = tmp_path / "chromium"
    chromium.write_text("#!/bin/sh\n", encoding="utf-8")
    monkeypatch.setattr(support, "AXE_SCRIPT", tmp_path / "axe.min.js")
    assert support.missing_browser_tools() == (
        f"axe-core is missing ({tmp_path / 'axe.min.js'}): npm ci --prefix tests/browser"
    )


def test_a_missing_tool_skips_or_when_required_fails() -> None:
    support.stop_unless_ready(None, required=True)
    with pytest.raises(pytest.skip.Exception, match="apt-get install"):
        support.stop_unless_ready("no Chromium: apt-get install chromium", required=False)
    with pytest.raises(pytest.fail.Exception, match="STEUNPUNT_REQUIRE_BROWSER"):
        support.stop_unless_ready("no Chromium: apt-get install chromium", required=True)


def test_without_chromium_the_tests_fail_when_the_browser_is_required() -> None:
    run = run_fixture_test(STEUNPUNT_REQUIRE_BROWSER="1")

    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 error" in run.stdout
    assert "no Chromium at /nonexistent/chromium" in run.stdout
    assert "skipped" not in run.stdout


def test_axe_core_is_pinned_and_installed_from_the_lock_file(
    browser_tools: tuple[Path, Path],
) -> None:
    lock = json.loads((AXE_SCRIPT.parents[2] / "package-lock.json").read_text(encoding="utf-8"))
    version = lock["packages"]["node_modules/axe-core"]["version"]
    assert version.startswith("4.")
    installed = json.loads((AXE_SCRIPT.parent / "package.json").read_text(encoding="utf-8"))
    assert installed["version"] == version


def test_ci_installs_the_browser_and_axe_core_and_requires_them() -> None:
    script = (REPOSITORY / ".ci" / "run").read_text(encoding="utf-8")
    install = script.index("apt-get install -y -qq --no-install-recommends chromium")
    npm = script.index("npm ci --prefix tests/browser")
    required = script.index("export STEUNPUNT_REQUIRE_BROWSER=1")
    first_pytest = script.index("pytest -q")
    assert install < npm < required < first_pytest
    assert "playwright install" not in script.replace("`playwright install`", "")
