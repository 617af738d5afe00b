"""The `steunpunt` command line."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import socket
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.exc import SQLAlchemyError
from telegram import Update
from telegram.error import InvalidToken, NetworkError, TelegramError

from bot.config import ConfigError, Settings, load_settings

logger = logging.getLogger("steunpunt")


class CommandError(Exception):
    """A command cannot go on; the message says why in one sentence."""


class _RedactingFormatter(logging.Formatter):
    """Keeps the bot token out of every log line, tracebacks included."""

    def __init__(self, secrets: Sequence[str]) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self._secrets = [secret for secret in secrets if secret]

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in self._secrets:
            text = text.replace(secret, "<TELEGRAM_BOT_TOKEN>")
        return text


def _startup_failures_reported_by_cli(record: logging.LogRecord) -> bool:
    # `cmd_run` turns these into one sentence; PTB's own traceback would only bury it.
    error = record.exc_info[1] if record.exc_info else None
    return not isinstance(error, InvalidToken | NetworkError) or record.levelno < logging.ERROR


def _configure_logging(level: str | None, command: str) -> None:
    # The demo prints a conversation and import-roster a summary; log lines would get in the way.
    level = level or ("WARNING" if command in ("demo", "import-roster", "publish") else "INFO")
    token = os.environ.get("TELEGRAM_BOT_TOKEN", "")
    handler = logging.StreamHandler()
    handler.setFormatter(_RedactingFormatter([token]))
    logging.basicConfig(level=getattr(logging, level.upper()), handlers=[handler])
    # httpx logs every request URL at INFO, and Telegram URLs contain the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    logging.getLogger("telegram.ext").addFilter(_startup_failures_reported_by_cli)


def _describe_database(settings: Settings) -> str:
    from sqlalchemy.engine import make_url

    return make_url(settings.database_url).render_as_string(hide_password=True)


def _run_overrides(args: argparse.Namespace) -> dict[str, object]:
    """The `run` options given on the command line; they win over the environment."""
    given = {
        "webhook_url": args.webhook_url,
        "webhook_listen": args.listen,
        "webhook_port": args.port,
        "webhook_secret_token": args.secret_token,
        "health_port": args.health_port,
    }
    return {name: value for name, value in given.items() if value is not None}


def webhook_path(url: str) -> str:
    """The path Telegram posts to, which the bot listens on (a proxy passes it unchanged)."""
    return urlsplit(url).path or "/"


def cmd_run(args: argparse.Namespace) -> None:
    settings = load_settings(**_run_overrides(args))
    token = settings.require_token()
    secret = settings.webhook_secret if settings.webhook_url else ""
    # The token may come from .env rather than the environment: redact that one too.
    for handler in logging.getLogger().handlers:
        handler.setFormatter(_RedactingFormatter([token, secret]))

    from bot.app import build_application
    from storage.database import wait_until_reachable

    logger.info("starting with database %s", _describe_database(settings))
    try:
        asyncio.run(
            wait_until_reachable(
                settings.database_url,
                settings.database_wait_seconds,
                lambda reason: logger.info("waiting for the database: %s", reason),
            )
        )
        application = build_application(settings, serve_health=True)
        if settings.webhook_url:
            logger.info(
                "webhook mode: Telegram posts to %s, listening on %s:%d",
                settings.webhook_url,
                settings.webhook_listen,
                settings.webhook_port,
            )
            application.run_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path=webhook_path(settings.webhook_url),
                webhook_url=settings.webhook_url,
                secret_token=secret,
                allowed_updates=Update.ALL_TYPES,
                close_loop=False,
            )
        else:
            application.run_polling(allowed_updates=Update.ALL_TYPES, close_loop=False)
    except InvalidToken as exc:
        raise CommandError(
            "Telegram did not accept TELEGRAM_BOT_TOKEN; copy the token from @BotFather again."
        ) from exc
    except NetworkError as exc:
        raise CommandError(
            f"Cannot reach the Telegram Bot API at {settings.telegram_api_base_url} ({exc}); "
            "check the network or TELEGRAM_API_BASE_URL."
        ) from exc
    except TelegramError as exc:
        raise CommandError(f"Telegram refused to start the bot: {exc}.") from exc
    except (SQLAlchemyError, ConnectionError, socket.gaierror) as exc:
        raise CommandError(
            f"Cannot use the database {_describe_database(settings)} ({exc.__class__.__name__}); "
            "check DATABASE_URL and that the database server is running."
        ) from exc
    except OSError as exc:
        # What else fails at start with an OSError is a port already taken or not allowed.
        ports = []
        if settings.health_port:
            ports.append(f"HEALTH_PORT ({settings.health_port} on {settings.health_address})")
        if settings.webhook_url:
            ports.insert(0, f"WEBHOOK_PORT ({settings.webhook_port} on {settings.webhook_listen})")
        raise CommandError(
            f"Cannot listen for Telegram or the health check ({exc.strerror or exc}); "
            f"check {' and '.join(ports)}."
        ) from exc


def cmd_db_upgrade(args: argparse.Namespace) -> None:
    from storage.database import create_engine
    from storage.migrate import current_revision, upgrade_database

    settings = load_settings()

    async def upgrade() -> str | None:
        engine = create_engine(settings.database_url)
        try:
            await upgrade_database(engine)
            return await current_revision(engine)
        finally:
            await engine.dispose()

    try:
        revision = asyncio.run(upgrade())
    except (SQLAlchemyError, OSError) as exc:
        raise CommandError(
            f"Cannot upgrade the database {_describe_database(settings)} "
            f"({exc.__class__.__name__}); check DATABASE_URL and that the server is running."
        ) from exc
    print(f"Database {_describe_database(settings)} is up to date (revision {revision}).")


def cmd_db_reindex(args: argparse.Namespace) -> None:
    from bot.app import build_services

    settings = load_settings()

    async def reindex() -> int:
        services = build_services(settings)
        try:
            return await services.lessons.reindex()
        finally:
            await services.database.dispose()

    try:
        count = asyncio.run(reindex())
    except (SQLAlchemyError, OSError) as exc:
        raise CommandError(
            f"Cannot reindex the lessons in {_describe_database(settings)} "
            f"({exc.__class__.__name__}); run `steunpunt db upgrade` first and check DATABASE_URL."
        ) from exc
    print(f"Search terms rebuilt for {count} lessons.")


def cmd_db_backup(args: argparse.Namespace) -> None:
    from storage.backup import BackupError, backup_database

    settings = load_settings()
    try:
        result = backup_database(settings.database_url, Path(args.file))
    except BackupError as exc:
        raise CommandError(str(exc)) from exc
    except OSError as exc:
        raise CommandError(
            f"Cannot write the backup {args.file} ({exc.strerror or exc}); check the path."
        ) from exc
    print(
        f"Backed up {_describe_database(settings)} to {result.path} "
        f"({result.kind}, {result.size:,} bytes)."
    )


def cmd_db_restore(args: argparse.Namespace) -> None:
    from storage.backup import BackupError, restore_database

    settings = load_settings()
    try:
        kind = restore_database(settings.database_url, Path(args.file), replace=args.yes)
    except BackupError as exc:
        raise CommandError(str(exc)) from exc
    except OSError as exc:
        raise CommandError(f"Cannot read the backup {args.file} ({exc.strerror or exc}).") from exc
    print(
        f"Restored {args.file} into {_describe_database(settings)} ({kind}). "
        "`steunpunt run` upgrades its schema at start if the backup is from an older version."
    )


def _day(raw: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{raw}' is not a date; write it as YYYY-MM-DD, e.g. 2026-11-30"
        ) from None


def cmd_export(args: argparse.Namespace) -> None:
    from bot.app import build_services
    from bot.services.common import ServiceError
    from bot.services.export import SheetKey
    from bot.spreadsheets import CsvSink, XlsxSink
    from bot.texts import t
    from bot.texts.formatting import plain_text
    from storage.migrate import upgrade_database

    settings = load_settings()
    language = args.language or settings.steunpunt_language
    as_csv = args.format == "csv"
    if args.out and Path(args.out).is_dir():
        raise CommandError(f"{args.out} is a folder; give a file name like {args.out}/export.xlsx.")
    # The schema upgrade before the export would otherwise announce itself line by line.
    logging.getLogger("alembic").setLevel(logging.WARNING)

    async def export() -> tuple[Path, str]:
        services = build_services(settings)
        try:
            await upgrade_database(services.engine)
            plan = await services.export.plan_command_line(
                args.team, args.since, args.until, pseudonymise=args.pseudonymise
            )
            out = Path(args.out or f"{plan.file_stem}.{'csv' if as_csv else 'xlsx'}")
            # Written beside the target and moved into place when complete: a failed export
            # never leaves half a file, nor replaces a good one.
            partial = out.with_name(f".{out.name}.partial")
            try:
                if as_csv:
                    with partial.open("w", encoding="utf-8-sig", newline="") as file:
                        counts = await services.export.export(
                            plan, CsvSink(file, language), sheets=(SheetKey.LESSONS,)
                        )
                else:
                    sink = XlsxSink(partial, language)
                    counts = await services.export.export(plan, sink)
                    await sink.close()
                partial.replace(out)
            finally:
                partial.unlink(missing_ok=True)
            if as_csv:
                return out, f"lessons: {counts[SheetKey.LESSONS]}"
            return out, (
                f"lessons: {counts[SheetKey.LESSONS]}, answers: {counts[SheetKey.ANSWERS]}, "
                f"blockers: {counts[SheetKey.BLOCKERS]}, "
                f"action rows: {counts[SheetKey.ACTIONS]}, sprints: {counts[SheetKey.SPRINTS]}, "
                f"team-weeks: {counts[SheetKey.PARTICIPATION]}"
            )
        except ServiceError as error:
            # Like every message of the command line: in English, for the server's operator.
            raise CommandError(plain_text(t("en", error.key, **error.params))) from error
        finally:
            await services.database.dispose()

    try:
        out, figures = asyncio.run(export())
    except (SQLAlchemyError, OSError) as exc:
        raise CommandError(
            f"Cannot export from {_describe_database(settings)} ({exc.__class__.__name__}: "
            f"{exc}); check DATABASE_URL and the output path."
        ) from exc
    pseudonymised = " (pseudonymised)" if args.pseudonymise else ""
    print(f"Wrote {out}{pseudonymised}: {figures}.")


def cmd_import_roster(args: argparse.Namespace) -> None:
    from zoneinfo import ZoneInfo

    from bot.services.common import system_clock
    from bot.services.roster import (
        InvitedPerson,
        LinkStatus,
        RosterError,
        RosterService,
        links_path,
        read_roster,
        write_links,
    )
    from storage.database import Database, DatabaseUnavailableError
    from storage.migrate import upgrade_database

    settings = load_settings()
    roster = Path(args.file)
    out = Path(args.out) if args.out else links_path(roster)
    if out.resolve() == roster.resolve():
        raise CommandError("--out names the roster itself; choose another file for the links.")
    if not out.parent.is_dir():
        raise CommandError(f"There is no folder {out.parent} to write the links to.")
    try:
        sheet = read_roster(roster)
    except RosterError as exc:
        raise CommandError(str(exc)) from exc
    # Before anything is stored: without a username there are no links to write.
    username = _bot_username(args.bot_username, settings)

    async def store() -> list[InvitedPerson]:
        database = Database.connect(settings.database_url)
        try:
            await upgrade_database(database.engine)
            return await RosterService(database, system_clock).import_sheet(sheet)
        finally:
            await database.dispose()

    try:
        invited = asyncio.run(store())
    except RosterError as exc:
        raise CommandError(str(exc)) from exc
    except (SQLAlchemyError, DatabaseUnavailableError, OSError) as exc:
        raise CommandError(
            f"Cannot use the database {_describe_database(settings)} ({exc.__class__.__name__}); "
            "nothing was imported. Check DATABASE_URL and that the database server is running."
        ) from exc
    try:
        write_links(
            out,
            sheet,
            invited,
            lambda code: f"https://t.me/{username}?start={code}",
            ZoneInfo(settings.steunpunt_timezone),
        )
    except OSError as exc:
        raise CommandError(
            f"The invites are stored, but {out} could not be written ({exc.strerror or exc}); "
            "run the import again (with --out elsewhere if need be): it gives the same links."
        ) from exc
    people = len(invited)
    new_teams = len({person.team for person in invited if person.new_team})
    same = sum(person.link is LinkStatus.SAME for person in invited)
    print(
        f"{people} {'person' if people == 1 else 'people'}, {new_teams} new "
        f"{'team' if new_teams == 1 else 'teams'}"
        + (f", {same} with the same link as before" if same else "")
        + f"; links written to {out}"
    )


def _bot_username(option: str | None, settings: Settings) -> str:
    """--bot-username, else TELEGRAM_BOT_USERNAME, else Telegram's answer to getMe."""
    from bot.config import clean_bot_username

    if option is not None:
        try:
            return clean_bot_username(option)
        except ValueError as exc:
            raise CommandError(f"--bot-username: {exc}.") from exc
    if settings.telegram_bot_username:
        return settings.telegram_bot_username
    if settings.telegram_bot_token is None or not settings.telegram_bot_token.get_secret_value():
        raise CommandError(
            "The links need the bot's username: pass --bot-username NAME, set "
            "TELEGRAM_BOT_USERNAME, or set TELEGRAM_BOT_TOKEN so it can be asked of Telegram."
        )

    async def ask() -> str:
        from telegram import Bot

        bot = Bot(
            settings.require_token(),
            base_url=settings.telegram_api_base_url,
            base_file_url=settings.telegram_api_base_file_url,
        )
        async with bot:  # asks getMe
            return bot.username

    try:
        return asyncio.run(ask())
    except InvalidToken as exc:
        raise CommandError(
            "Telegram did not accept TELEGRAM_BOT_TOKEN; copy the token from @BotFather again, "
            "or pass --bot-username NAME."
        ) from exc
    except NetworkError as exc:
        raise CommandError(
            f"Cannot reach the Telegram Bot API at {settings.telegram_api_base_url} to ask the "
            f"bot's username ({exc}); pass --bot-username NAME or set TELEGRAM_BOT_USERNAME."
        ) from exc
    except TelegramError as exc:
        raise CommandError(f"Telegram did not tell the bot's username: {exc}.") from exc


def _positive_seconds(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"'{raw}' is not a number of seconds above 0, e.g. 60")
    return value


def cmd_publish(args: argparse.Namespace) -> None:
    from zoneinfo import ZoneInfo

    from sqlalchemy.engine import make_url

    from bot.services.common import system_clock
    from bot.services.publication import PublicationService
    from bot.web.publish import Published, PublishError, check_target, publish, watch
    from storage.database import Database, DatabaseUnavailableError

    settings = load_settings()
    out = Path(args.out)
    zone = ZoneInfo(settings.steunpunt_timezone)
    try:
        check_target(out)
    except PublishError as exc:
        raise CommandError(str(exc)) from exc
    url = make_url(settings.database_url)
    on_disk = url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")
    # Connecting would make an empty file, and an empty site from it.
    if on_disk and not Path(str(url.database)).is_file():
        raise CommandError(
            f"There is no database at {url.database}; check DATABASE_URL "
            "(`steunpunt demo` makes one to try with)."
        )

    def report(published: Published) -> None:
        print(published.summary(), flush=True)

    async def run() -> None:
        database = Database.connect(settings.database_url)
        service = PublicationService(database, system_clock)
        try:
            if args.watch:
                await watch(service, out, zone, args.interval, report)
            else:
                report(await publish(service, out, zone))
        finally:
            await database.dispose()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        # Ctrl-C while watching: the site on disk is whole (a render stopped halfway is
        # thrown away), so stopping is nothing to worry about.
        print(f"Stopped watching; {out} holds the last site written.")
    except PublishError as exc:
        raise CommandError(str(exc)) from exc
    except (SQLAlchemyError, DatabaseUnavailableError) as exc:
        raise CommandError(
            f"Cannot read the city log from {_describe_database(settings)} "
            f"({exc.__class__.__name__}); check DATABASE_URL, and run `steunpunt db upgrade` "
            "if the database is from an older version."
        ) from exc
    except OSError as exc:
        raise CommandError(f"Cannot write the site to {out} ({exc.strerror or exc}).") from exc


def cmd_demo(args: argparse.Namespace) -> None:
    from bot.demo import DEMO_WORKBOOK, run_demo

    path = Path(args.db)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    asyncio.run(run_demo(f"sqlite+aiosqlite:///{path}", print, path.resolve().parent))
    print(
        f"\nThe demo's data is in {path}, its charts in steunpunt-demo-chart-*.png and "
        f"Mostafa's export in {path.resolve().parent / DEMO_WORKBOOK} (open it in Excel or "
        "LibreOffice); all are rebuilt each time you run the demo."
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="steunpunt",
        description="Steunpunt: check-ins and a shared lessons log for Amsterdam's teams, "
        "on Telegram. Settings come from the environment or a .env file "
        "(see deploy/.env.example).",
    )
    parser.add_argument(
        "--log-level",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="how much to log (default: INFO, WARNING for demo and import-roster); message texts "
        "are never logged at INFO",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    run = commands.add_parser(
        "run",
        help="run the bot (long polling, or a webhook); upgrades the database first",
        description="Run the Telegram bot. Needs TELEGRAM_BOT_TOKEN. Waits for the database "
        "(DATABASE_WAIT_SECONDS) and upgrades its schema before the first update. Long polling "
        "by default; with --webhook-url (or WEBHOOK_URL) Telegram posts updates to that https "
        "address, which a reverse proxy forwards to --listen:--port. GET /healthz on "
        "HEALTH_PORT says whether the bot is up.",
    )
    run.add_argument(
        "--webhook-url",
        metavar="URL",
        help="public https address Telegram posts updates to, e.g. "
        "https://bot.example.org/telegram (default: WEBHOOK_URL; none: long polling)",
    )
    run.add_argument(
        "--listen", metavar="ADDRESS", help="address the webhook listens on (default: 0.0.0.0)"
    )
    run.add_argument("--port", type=int, help="port the webhook listens on (default: 8443)")
    run.add_argument(
        "--secret-token",
        metavar="TOKEN",
        help="secret Telegram sends with every webhook call; calls without it are refused "
        "(default: WEBHOOK_SECRET_TOKEN, else derived from the bot token)",
    )
    run.add_argument(
        "--health-port", type=int, help="port of GET /healthz (default: 8080; 0: none)"
    )
    run.set_defaults(handler=cmd_run)

    demo = commands.add_parser(
        "demo",
        help="play an offline demo conversation (no token, no network)",
        description="Play a whole onboarding round offline against a simulated Telegram, on a "
        "fresh SQLite file, and print the conversation.",
    )
    demo.add_argument(
        "--db", default="steunpunt-demo.db", help="SQLite file for the demo (default: %(default)s)"
    )
    demo.set_defaults(handler=cmd_demo)

    export = commands.add_parser(
        "export",
        help="write lessons, answers, blockers, actions, sprints and participation to a "
        "spreadsheet",
        description="Export to an Excel workbook (sheets: lessons, answers, blockers, actions, "
        "sprints, participation per team and per week, with a chart), or the lessons alone to "
        "CSV. "
        "Everything the steunpunt sees: every team's answers and actions, and the lessons "
        "shared with the city log (lessons a team kept to itself stay out). Dates are whole "
        "days in STEUNPUNT_TIMEZONE, both included.",
    )
    export.add_argument(
        "--out",
        metavar="FILE",
        help="the file to write (default: steunpunt-<team or alle-teams>-<today>.xlsx or .csv)",
    )
    export.add_argument("--team", help="only this team (its name, or its number)")
    export.add_argument("--since", type=_day, metavar="YYYY-MM-DD", help="from this day on")
    export.add_argument("--until", type=_day, metavar="YYYY-MM-DD", help="up to this day")
    export.add_argument(
        "--format",
        choices=["xlsx", "csv"],
        default="xlsx",
        help="xlsx: the whole workbook (default); csv: the lessons alone",
    )
    export.add_argument(
        "--pseudonymise",
        action="store_true",
        help="for researchers: people become stable codes (P-…; the same person has the same "
        "code in every export of this installation), free text stays, nothing else identifies "
        "anyone",
    )
    export.add_argument(
        "--language",
        choices=["nl", "en"],
        help="language of sheet names, headers and labels (default: STEUNPUNT_LANGUAGE)",
    )
    export.set_defaults(handler=cmd_export)

    db = commands.add_parser(
        "db", help="database maintenance", description="Database maintenance commands."
    )
    db_commands = db.add_subparsers(dest="db_command", metavar="DB_COMMAND", required=True)
    upgrade = db_commands.add_parser(
        "upgrade",
        help="create or upgrade the database schema (DATABASE_URL)",
        description="Create the tables in DATABASE_URL or bring them to the newest version.",
    )
    upgrade.set_defaults(handler=cmd_db_upgrade)
    reindex = db_commands.add_parser(
        "reindex",
        help="rebuild the lessons' search terms (once after an upgrade that changed the search)",
        description="Rebuild every lesson's search terms with the current Dutch analyser. Run it "
        "once after upgrading to a version whose search splits or stems words differently.",
    )
    reindex.set_defaults(handler=cmd_db_reindex)
    backup = db_commands.add_parser(
        "backup",
        help="write a backup of the database (DATABASE_URL) to FILE; safe while the bot runs",
        description="Write a backup of DATABASE_URL to FILE, replacing an older file there; the "
        "file appears only once complete. SQLite: a consistent copy through SQLite's online "
        "backup API, while the bot goes on. PostgreSQL: `pg_dump --format=custom` (needs "
        "PostgreSQL's client tools). Restore it with `steunpunt db restore FILE`.",
    )
    backup.add_argument("file", metavar="FILE", help="the backup file to write")
    backup.set_defaults(handler=cmd_db_backup)
    restore = db_commands.add_parser(
        "restore",
        help="replace the database (DATABASE_URL) with a backup made by `db backup`",
        description="Replace everything in DATABASE_URL with the backup FILE, in one "
        "transaction (a failed restore leaves the database as it was). Stop the bot first. "
        "A database that holds data is only replaced with --yes. PostgreSQL: `pg_restore "
        "--clean --if-exists --no-owner` through psql (needs PostgreSQL's client tools).",
    )
    restore.add_argument("file", metavar="FILE", help="the backup to restore")
    restore.add_argument(
        "--yes",
        action="store_true",
        help="replace the database even though it holds data",
    )
    restore.set_defaults(handler=cmd_db_restore)

    publish = commands.add_parser(
        "publish",
        help="render the lessons shared with the city log into a static website (DIR)",
        description="Render the lessons shared with the city log into a static website that "
        "opens from disk, without a server: an index with search and filters (theme, "
        "stadsdeel, team kind), a page per theme, per stadsdeel and per lesson, and an Atom "
        "feed; Dutch at the root, English under en/. Only shared, active lessons; anonymous "
        "ones name no team, and no page names a person. The folder is replaced whole (a "
        "reader never sees half a site); a folder with other files in it is refused.",
    )
    publish.add_argument("--out", metavar="DIR", required=True, help="the folder to write")
    publish.add_argument(
        "--watch",
        action="store_true",
        help="keep running and render again whenever the shared log changed (Ctrl-C stops)",
    )
    publish.add_argument(
        "--interval",
        metavar="SECONDS",
        type=_positive_seconds,
        default=60.0,
        help="with --watch: how often to look for changes (default: %(default)s)",
    )
    publish.set_defaults(handler=cmd_publish)

    roster = commands.add_parser(
        "import-roster",
        help="create teams and a personal invite link per person from an .xlsx roster",
        description="Read a roster (.xlsx; first sheet, first row naming the columns naam, "
        "team, stadsdeel, soort team and rol, in Dutch or English; see "
        "deploy/roster-voorbeeld.xlsx), create the teams that do not exist yet and a personal "
        "invite link per person (it gives the person's role and works once), and write the "
        "rows with each person's link to a new workbook to send out. Every row is checked "
        "first: with any mistake nothing is stored. Importing again gives people who have not "
        "used their link yet the same link. Upgrades the database schema first.",
    )
    roster.add_argument("file", metavar="FILE.xlsx", help="the roster")
    roster.add_argument(
        "--out",
        metavar="FILE",
        help="where to write the workbook with the links (default: FILE-links.xlsx beside the "
        "roster)",
    )
    roster.add_argument(
        "--bot-username",
        metavar="NAME",
        help="the bot's Telegram username for the links (default: TELEGRAM_BOT_USERNAME, else "
        "asked of Telegram with TELEGRAM_BOT_TOKEN)",
    )
    roster.set_defaults(handler=cmd_import_roster)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _configure_logging(args.log_level, args.command)
    try:
        args.handler(args)
    except (ConfigError, CommandError) as exc:
        print(f"steunpunt: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
