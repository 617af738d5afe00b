"""The composition root: settings in, one wired `Application` out."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import BotCommand, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import ApplicationBuilder, ContextTypes, Defaults, ExtBot
from telegram.request import BaseRequest, HTTPXRequest

from bot.acknowledge import AcknowledgeAfterHandling
from bot.config import Settings
from bot.handlers.base import BotApplication
from bot.handlers.checkin import CheckinHandlers
from bot.handlers.courier import CheckinCourier
from bot.handlers.digest import DigestCourier, DigestHandlers
from bot.handlers.errors import make_error_handler
from bot.handlers.export import ExportHandlers
from bot.handlers.fallback import FallbackHandlers, TextFlows
from bot.handlers.lessons import LessonHandlers
from bot.handlers.onboarding import OnboardingHandlers
from bot.handlers.privacy import PrivacyHandlers
from bot.handlers.radar import RadarHandlers
from bot.handlers.summary import SummaryHandlers
from bot.health import HealthProbe, HealthServer
from bot.ratelimit import PriorityRateLimiter
from bot.sendgate import DatabaseSendGate
from bot.services.checkin_settings import CheckinSettings
from bot.services.checkins import CheckinService
from bot.services.common import Clock, Language, system_clock
from bot.services.conversations import Conversations
from bot.services.digest import DigestSchedule, DigestService
from bot.services.directory import Directory
from bot.services.export import ExportService
from bot.services.lessons import LessonService
from bot.services.privacy import PrivacyService
from bot.services.radar import RadarService
from bot.services.sprints import SprintService
from bot.services.summaries import SummaryService
from bot.services.team_setup import TeamSetup
from bot.texts import t
from storage.database import Database
from storage.migrate import upgrade_database

logger = logging.getLogger(__name__)

# Commands shown in Telegram's menu, in this order.
MENU_COMMANDS = (
    "start",
    "help",
    "sprint",
    "checkin",
    "skip",
    "lesson",
    "lessons",
    "search",
    "summary",
    "export",
    "blockers",
    "radar",
    "away",
    "back",
    "team",
    "join",
    "invite",
    "newteam",
    "linkgroup",
    "timezone",
    "language",
    "mydata",
    "forget",
    "cancel",
)
# How often the check-in round runs: opens due check-ins, sends waves, reminders, closes.
ROUND_SECONDS = 10
# Telegram allows about one message a second in a private chat, with short bursts: three in
# any three seconds lets a reply follow a question at once and paces someone who answers fast.
PRIVATE_CHAT_LIMIT = 3
PRIVATE_CHAT_PERIOD = 3.0


@dataclass
class Services:
    database: Database
    directory: Directory
    conversations: Conversations
    team_setup: TeamSetup
    checkins: CheckinService
    sprints: SprintService
    checkin_settings: CheckinSettings
    courier: CheckinCourier
    lessons: LessonService
    privacy: PrivacyService
    summaries: SummaryService
    digest: DigestService
    digest_courier: DigestCourier
    export: ExportService
    radar: RadarService

    @property
    def engine(self) -> AsyncEngine:
        return self.database.engine

    async def scheduled_round(self, bot: ExtBot[Any]) -> None:
        """What the repeating job does: a check-in round, the weekly digest, then the daily
        housekeeping."""
        await self.courier.cycle(bot)
        await self.digest_courier.cycle(bot)
        # Answers past their retention period, at most once a day: the day's first round claims
        # the job in the database (one instance wins); later rounds skip it without a query.
        if self.privacy.retention_due_today():
            await self.privacy.delete_expired_answers()
            await self.directory.forget_handled_updates()


def build_services(settings: Settings, clock: Clock = system_clock) -> Services:
    database = Database.connect(settings.database_url)
    directory = Directory(database, clock, settings.steunpunt_admins, settings.steunpunt_language)
    conversations = Conversations(database, clock)
    lessons = LessonService(database, clock, directory, conversations, settings.steunpunt_language)
    checkins = CheckinService(
        database,
        clock,
        conversations,
        lessons,
        settings.steunpunt_language,
        settings.steunpunt_timezone,
    )
    sprints = SprintService(database, clock, directory, checkins, conversations)
    zone = ZoneInfo(settings.steunpunt_timezone)
    summaries = SummaryService(database, clock, zone)
    radar = RadarService(database, clock, lessons, conversations)
    digest = DigestService(
        database,
        clock,
        summaries,
        DigestSchedule(settings.digest_weekday, settings.digest_time_of_day, zone),
        enabled=settings.digest_enabled,
        steunpunt_chat_id=settings.steunpunt_channel_id,
        default_language=settings.steunpunt_language,
    )
    return Services(
        database=database,
        directory=directory,
        conversations=conversations,
        team_setup=TeamSetup(directory, conversations),
        checkins=checkins,
        sprints=sprints,
        checkin_settings=CheckinSettings(database, clock, directory, checkins, conversations),
        courier=CheckinCourier(
            checkins,
            sprints,
            settings.steunpunt_language,
            zone,
        ),
        lessons=lessons,
        privacy=PrivacyService(database, clock, settings.answer_retention_months),
        summaries=summaries,
        digest=digest,
        digest_courier=DigestCourier(digest, summaries, radar),
        radar=radar,
        export=ExportService(database, clock, zone),
    )


def menu(language: Language) -> list[BotCommand]:
    return [BotCommand(name, t(language, f"command.{name}")) for name in MENU_COMMANDS]


def build_rate_limiter(
    settings: Settings, services: Services, *, pace_private_chats: bool = True
) -> PriorityRateLimiter:
    """The send limiter: Telegram's limits in this process, and shared through the database
    with the other instances when SHARED_SEND_LIMIT says so."""
    private_limit = PRIVATE_CHAT_LIMIT if pace_private_chats else None
    gate = None
    if settings.shares_send_limit:
        gate = DatabaseSendGate(
            services.engine, private_limit=private_limit, private_period=PRIVATE_CHAT_PERIOD
        )
    return PriorityRateLimiter(
        private_limit=private_limit,
        private_period=PRIVATE_CHAT_PERIOD,
        gate=gate,
    )


def build_application(
    settings: Settings,
    *,
    clock: Clock = system_clock,
    request: BaseRequest | None = None,
    migrate: bool = True,
    run_rounds: bool = True,
    pace_private_chats: bool = True,
    serve_health: bool = False,
) -> BotApplication:
    """Wire settings, storage, services and handlers into one PTB `Application`.

    `request` replaces the network layer (tests pass a fake Bot API); `migrate` brings the
    database schema up to date before the bot takes its first update; `run_rounds` schedules
    the check-in round (tests run rounds themselves, with their own clock);
    `pace_private_chats` keeps to Telegram's pace per private chat (off for the offline fake,
    which has none); `serve_health` answers GET /healthz on HEALTH_PORT while the bot runs.
    """
    services = build_services(settings, clock)
    health: HealthServer | None = None

    async def post_init(application: BotApplication) -> None:
        if migrate:
            await upgrade_database(services.database.engine)
            # A new analyser (stemmer, word frequencies, synonym list) indexes differently:
            # the lessons' search terms are rebuilt once, before the first update.
            rebuilt = await services.lessons.reindex_if_changed()
            if rebuilt is not None:
                logger.info("Search index rebuilt for %d lessons (new analyser)", rebuilt)
            await services.lessons.warm_up()  # word counts for similar-lesson scores
        await application.bot.set_my_commands(menu(settings.steunpunt_language))
        for language in ("nl", "en"):
            await application.bot.set_my_commands(menu(language), language_code=language)
        if run_rounds and application.job_queue is not None:
            # The schedule lives in the database; this one repeating job reads it each round.
            # No misfire grace: a late round simply runs late (the services handle lateness).
            application.job_queue.run_repeating(
                check_in_round,
                interval=ROUND_SECONDS,
                first=1,
                name="check-in round",
                job_kwargs={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
            )
        if health is not None:
            await health.start()
        logger.info("Steunpunt is running as @%s", application.bot.username)

    async def post_shutdown(_application: BotApplication) -> None:
        if health is not None:
            await health.stop()
        await services.database.dispose()

    async def ping_database() -> None:
        async with services.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def check_in_round(context: ContextTypes.DEFAULT_TYPE) -> None:
        if health is not None:
            health.probe.round_fired()
        # A wave can outlast the interval; run it beside the job so the scheduler never piles
        # up (the courier skips a round while the previous one is still sending).
        context.application.create_task(
            services.scheduled_round(context.bot), name="check-in round"
        )

    builder = (
        ApplicationBuilder()
        .token(settings.require_token())
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_api_base_file_url)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                tzinfo=ZoneInfo(settings.steunpunt_timezone),
            )
        )
        .rate_limiter(build_rate_limiter(settings, services, pace_private_chats=pace_private_chats))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if request is not None:
        builder = builder.request(request)
    polling = AcknowledgeAfterHandling(request or HTTPXRequest(connection_pool_size=1))
    builder = builder.get_updates_request(polling)
    application = builder.build()
    polling.wait_for(application.update_queue)
    application.bot_data["services"] = services
    if serve_health and settings.health_port:
        probe = HealthProbe(
            mode="webhook" if settings.webhook_url else "polling",
            is_running=lambda: application.running,
            ping_database=ping_database,
            round_interval=ROUND_SECONDS if run_rounds else None,
        )
        health = HealthServer(probe, settings.health_address, settings.health_port)

    zone = ZoneInfo(settings.steunpunt_timezone)
    flows = TextFlows()
    onboarding = OnboardingHandlers(
        services.directory, services.database, services.team_setup, zone
    )
    lessons = LessonHandlers(services.directory, services.database, services.lessons, zone)
    checkin = CheckinHandlers(
        services.directory,
        services.database,
        services.checkins,
        services.sprints,
        services.checkin_settings,
        services.courier,
        zone,
    )
    privacy = PrivacyHandlers(services.directory, services.database, services.privacy)
    digest = DigestHandlers(services.directory, services.database, services.digest)
    summary = SummaryHandlers(
        services.directory, services.database, services.summaries, services.digest
    )
    export = ExportHandlers(services.directory, services.database, services.export)
    radar = RadarHandlers(services.directory, services.database, services.radar, zone)
    fallback = FallbackHandlers(
        services.directory, services.database, services.conversations, flows
    )
    # Order matters: PTB hands an update to the first handler that matches it. Commands and
    # buttons come first; the fallback (text in a flow, check-in answers, unknown commands,
    # stale buttons) must come last, or it would swallow updates meant for the others.
    for group in (onboarding, lessons, checkin, privacy, summary, digest, export, radar, fallback):
        group.register(application)
    for group_with_flows in (onboarding, lessons, checkin, radar):
        group_with_flows.register_flows(flows)
    if missing := flows.missing():
        raise RuntimeError(f"no handler continues these flows: {sorted(missing)}")
    application.add_error_handler(make_error_handler(settings.steunpunt_language))
    return application
