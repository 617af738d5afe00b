"""Backups an operator can trust: `deploy/backup.sh` and `steunpunt db backup` copy the
database while the bot runs, `steunpunt db restore` puts it back, and the real bot then runs on
the restored database and still knows its teams and lessons. SQLite always; PostgreSQL (pg_dump,
pg_restore) when TEST_DATABASE_URL is set and the client tools are installed."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.cli import main
from bot.fakes.harness import ChatHarness
from bot.fakes.telegram import FakeTelegram
from storage.database import create_engine
from tests.conftest import ADMIN_ID, POSTGRES_URL, make_settings
from tests.support.flows import create_team, join

ROOT = Path(__file__).resolve().parent.parent
BACKUP_SCRIPT = ROOT / "deploy" / "backup.sh"
RESTORE_COMPOSE_SCRIPT = ROOT / "deploy" / "restore-compose.sh"
# Stands in for `docker compose -f deploy/compose.yml`: `exec -T db CMD…` runs CMD here, with
# the db container's environment (POSTGRES_USER, POSTGRES_DB) given by the test.
FAKE_COMPOSE = """#!/bin/sh
[ "$1 $2 $3" = "exec -T db" ] || { echo "unexpected: $*" >&2; exit 99; }
shift 3
exec "$@"
"""
RATS = "Ratten verdwijnen pas als het groen niet meer verwaarloosd wordt"
LATER = "Een buurtbudget aanvragen duurt drie maanden, begin op tijd"
JESSE_ID = 4242

needs_postgres_tools = pytest.mark.skipif(
    POSTGRES_URL is None or not all(shutil.which(t) for t in ("pg_dump", "pg_restore", "psql")),
    reason="needs TEST_DATABASE_URL and PostgreSQL's client tools (pg_dump, pg_restore, psql)",
)


async def run_command(args: list[str], cwd: Path, **env: str) -> tuple[int, str]:
    """A command as an operator runs it, in its own process; returns exit code and output."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    environment.pop("TELEGRAM_BOT_TOKEN", None)
    process = await asyncio.create_subprocess_exec(
        *args,
        cwd=cwd,
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    return process.returncode or 0, output.decode()


def steunpunt(*args: str) -> list[str]:
    return [sys.executable, "-m", "bot", *args]


async def fill_and_back_up(
    database_url: str, backup: Path, script_env: dict[str, str] | None = None
) -> None:
    """A team, a member and a shared lesson; the backup is taken while the bot (and so its
    engine) has the database open, and a lesson written after it must not be in it."""
    telegram = FakeTelegram()
    admin = telegram.user("Anna", "Beheer", user_id=ADMIN_ID)
    jesse = telegram.user("Jesse", user_id=JESSE_ID)
    async with ChatHarness.running(make_settings(database_url), telegram) as bot:
        invite = await create_team(bot, admin, "Rattenaanpak Noord", "Initiatief", "Noord")
        await join(bot, jesse, invite)
        await bot.send(jesse, f"/lesson {RATS}")
        await bot.press(jesse, "🌍 Delen met steunpunt")
        assert "🌍 Gedeeld met het stedelijk steunpunt" in bot.last_to(jesse).text

        code, output = await run_command(
            ["bash", str(BACKUP_SCRIPT), str(backup.parent), "3"],
            backup.parent,
            **(script_env or {"DATABASE_URL": database_url, "STEUNPUNT": " ".join(steunpunt())}),
        )
        assert code == 0, output
        assert output == ""  # quiet for cron
        written = sorted(backup.parent.glob("steunpunt-*.backup"))
        assert len(written) == 1
        written[0].rename(backup)

        await bot.send(jesse, f"/lesson {LATER}")
        await bot.press(jesse, "🌍 Delen met steunpunt")


async def assert_bot_knows_the_backup(database_url: str) -> None:
    """The real bot on the restored database: Jesse's team and lesson are there, the lesson
    written after the backup is not."""
    telegram = FakeTelegram()
    # Telegram's update ids go on where they were; the database remembers those it handled.
    for _ in range(1000):
        telegram.next_update_id()
    jesse = telegram.user("Jesse", user_id=JESSE_ID)
    async with ChatHarness.running(make_settings(database_url), telegram) as bot:
        await bot.send(jesse, "/team")
        team = bot.last_to(jesse).text
        assert "Rattenaanpak Noord" in team
        assert "• Jesse" in team

        found = (await bot.send(jesse, "/search ratten groen"))[-1].text
        assert found.startswith("🔎 1 les voor “ratten groen”:")
        assert "Rattenaanpak Noord · Noord" in found
        assert RATS[:40] in found

        later = (await bot.send(jesse, "/search buurtbudget"))[-1].text
        assert later.startswith("🔎 Nog niets gevonden voor “buurtbudget”.")


async def test_sqlite_backup_while_the_bot_runs_restores_into_a_working_bot(
    tmp_path: Path,
) -> None:
    source = f"sqlite+aiosqlite:///{tmp_path / 'steunpunt.db'}"
    backups = tmp_path / "backups"
    backups.mkdir()
    backup = backups / "taken.backup"
    await fill_and_back_up(source, backup)
    assert backup.read_bytes().startswith(b"SQLite format 3\x00")
    assert not list(backups.glob("*-wal"))  # one self-contained file

    restored = tmp_path / "elders" / "steunpunt.db"
    restored.parent.mkdir()
    target = f"sqlite+aiosqlite:///{restored}"
    code, output = await run_command(
        steunpunt("db", "restore", str(backup)), tmp_path, DATABASE_URL=target
    )
    assert code == 0, output
    assert f"Restored {backup} into {target} (SQLite)." in output
    await assert_bot_knows_the_backup(target)


@pytest.fixture
async def second_postgres() -> AsyncIterator[str]:
    """A database beside TEST_DATABASE_URL's that this test creates and drops itself."""
    assert POSTGRES_URL is not None
    url = make_url(POSTGRES_URL)
    name = f"{url.database}_restore"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


@needs_postgres_tools
async def test_postgres_backup_restores_into_another_database_the_bot_runs_on(
    tmp_path: Path, database_url: str, second_postgres: str
) -> None:
    backups = tmp_path / "backups"
    backups.mkdir()
    backup = backups / "taken.backup"
    await fill_and_back_up(database_url, backup)
    assert backup.read_bytes().startswith(b"PGDMP")  # pg_dump's custom format

    code, output = await run_command(
        steunpunt("db", "restore", str(backup)), tmp_path, DATABASE_URL=second_postgres
    )
    assert code == 0, output
    await assert_bot_knows_the_backup(second_postgres)

    # Restoring again over data needs --yes, and then replaces it (no duplicate rows).
    code, output = await run_command(
        steunpunt("db", "restore", str(backup)), tmp_path, DATABASE_URL=second_postgres
    )
    assert code == 2
    assert "already holds" in output
    assert "--yes" in output
    code, output = await run_command(
        steunpunt("db", "restore", str(backup), "--yes"), tmp_path, DATABASE_URL=second_postgres
    )
    assert code == 0, output
    await assert_bot_knows_the_backup(second_postgres)


@needs_postgres_tools
async def test_the_compose_scripts_back_up_and_restore_through_the_db_container(
    tmp_path: Path, database_url: str, second_postgres: str
) -> None:
    """deploy/backup.sh and deploy/restore-compose.sh with STEUNPUNT_COMPOSE, as for
    deploy/compose.yml: pg_dump and pg_restore run where `docker compose exec db` runs them."""
    compose = tmp_path / "compose"
    compose.write_text(FAKE_COMPOSE)
    compose.chmod(0o755)
    source, target = make_url(database_url), make_url(second_postgres)
    container = {
        "STEUNPUNT_COMPOSE": str(compose),
        "POSTGRES_USER": source.username or "postgres",
        "PGHOST": source.host or "127.0.0.1",
        "PGPORT": str(source.port or 5432),
        **({"PGPASSWORD": source.password} if source.password else {}),
    }
    backups = tmp_path / "backups"
    backups.mkdir()
    backup = backups / "taken.backup"
    await fill_and_back_up(
        database_url, backup, {**container, "POSTGRES_DB": source.database or ""}
    )
    assert backup.read_bytes().startswith(b"PGDMP")

    # Something in the target that the restore must replace.
    code, output = await run_command(
        steunpunt("db", "upgrade"), tmp_path, DATABASE_URL=second_postgres
    )
    assert code == 0, output
    code, output = await run_command(
        ["bash", str(RESTORE_COMPOSE_SCRIPT), str(backup)],
        tmp_path,
        **container,
        POSTGRES_DB=target.database or "",
    )
    assert code == 0, output
    assert output.startswith(f"Restored {backup};")
    await assert_bot_knows_the_backup(second_postgres)

    code, output = await run_command(
        ["bash", str(RESTORE_COMPOSE_SCRIPT), str(tmp_path / "nergens")], tmp_path, **container
    )
    assert (code, output.strip()) == (
        2,
        f"restore-compose.sh: there is no backup file {tmp_path / 'nergens'}",
    )


# --- the command line's refusals and the script's rotation ----------------------------------


@pytest.fixture
def operator(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An operator's folder (no .env) with a SQLite DATABASE_URL in it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", "sqlite+aiosqlite:///steunpunt.db")
    return tmp_path


def steunpunt_db(*args: str) -> int:
    return main(["--log-level", "WARNING", "db", *args])


def test_restore_refuses_a_missing_file_and_a_database_that_holds_data(
    operator: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert steunpunt_db("restore", "nergens.backup") == 2
    assert "steunpunt: There is no backup file nergens.backup." in capsys.readouterr().err

    assert steunpunt_db("upgrade") == 0
    assert steunpunt_db("backup", "eerst.backup") == 0
    assert "to eerst.backup (SQLite," in capsys.readouterr().out
    # The database changes after the backup; a restore without --yes leaves it alone.
    with sqlite3.connect(operator / "steunpunt.db") as connection:
        connection.execute("CREATE TABLE later (x)")
    before = (operator / "steunpunt.db").read_bytes()
    assert steunpunt_db("restore", "eerst.backup") == 2
    refusal = capsys.readouterr().err
    assert "steunpunt.db already holds a database" in refusal
    assert "run the restore again with --yes" in refusal
    assert (operator / "steunpunt.db").read_bytes() == before

    assert steunpunt_db("restore", "eerst.backup", "--yes") == 0
    with sqlite3.connect(operator / "steunpunt.db") as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert "later" not in tables
    assert "alembic_version" in tables


def test_backup_and_restore_explain_what_cannot_be_used(
    operator: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert steunpunt_db("backup", "x.backup") == 2
    assert "There is no database at steunpunt.db (DATABASE_URL) to back up." in (
        capsys.readouterr().err
    )
    assert steunpunt_db("upgrade") == 0
    assert steunpunt_db("backup", "geen-map/x.backup") == 2
    assert "There is no folder geen-map to write the backup to." in capsys.readouterr().err
    assert not list(operator.glob("*.partial"))
    assert not list(operator.glob(".*.partial"))

    (operator / "notities.txt").write_text("geen backup")
    assert steunpunt_db("restore", "notities.txt", "--yes") == 2
    assert "notities.txt is not a Steunpunt backup" in capsys.readouterr().err

    with sqlite3.connect(operator / "vreemd.db") as connection:
        connection.execute("CREATE TABLE iets (x)")
    assert steunpunt_db("restore", "vreemd.db", "--yes") == 2
    assert "not Steunpunt's (it has no alembic_version table)" in capsys.readouterr().err

    # A SQLite backup cannot go into PostgreSQL, and PostgreSQL needs its client tools.
    assert steunpunt_db("backup", "echt.backup") == 0
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://steunpunt@db.invalid/steunpunt")
    assert steunpunt_db("restore", "echt.backup", "--yes") == 2
    assert "echt.backup is a SQLite backup, but DATABASE_URL" in capsys.readouterr().err
    monkeypatch.setenv("PATH", str(operator / "leeg"))
    assert steunpunt_db("backup", "pg.backup") == 2
    assert "pg_dump is not installed" in capsys.readouterr().err
    assert not (operator / "pg.backup").exists()


async def test_the_backup_script_keeps_the_newest_and_nothing_else(tmp_path: Path) -> None:
    database = f"sqlite+aiosqlite:///{tmp_path / 'steunpunt.db'}"
    code, output = await run_command(steunpunt("db", "upgrade"), tmp_path, DATABASE_URL=database)
    assert code == 0, output
    backups = tmp_path / "backups"
    backups.mkdir()
    old = [backups / f"steunpunt-2026010{day}T020000Z.backup" for day in (1, 2, 3)]
    for path in old:
        path.write_text("old")
    (backups / "README.txt").write_text("not a backup")

    code, output = await run_command(
        ["bash", str(BACKUP_SCRIPT), str(backups), "2"],
        tmp_path,
        DATABASE_URL=database,
        STEUNPUNT=" ".join(steunpunt()),
    )
    assert (code, output) == (0, "")
    kept = sorted(path.name for path in backups.iterdir())
    assert kept[0] == "README.txt"
    assert kept[1] == old[2].name
    assert len(kept) == 3
    assert kept[2].startswith("steunpunt-2")
    assert kept[2] > old[2].name
    assert (backups / kept[2]).read_bytes().startswith(b"SQLite format 3\x00")

    code, output = await run_command(["bash", str(BACKUP_SCRIPT), str(backups), "0"], tmp_path)
    assert code == 2
    assert "KEEP must be a whole number of at least 1" in output

    code, output = await run_command(
        ["bash", str(BACKUP_SCRIPT), str(backups)],
        tmp_path,
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'weg.db'}",
        STEUNPUNT=" ".join(steunpunt()),
    )
    assert code == 2
    assert "There is no database at" in output
    assert len(list(backups.iterdir())) == 3  # nothing removed when the backup failed
