"""The plain-Python services as `bot.app.build_services` wires them, used without Telegram (no
Application, no courier). For the service-level tests."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Awaitable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import build_services
from bot.config import Settings
from bot.fakes.clock import FakeClock
from bot.services.checkin_settings import CheckinSettings
from bot.services.checkins import CheckinService
from bot.services.common import Actor, ServiceError
from bot.services.conversations import Conversations
from bot.services.digest import DigestService
from bot.services.directory import Directory
from bot.services.export import ExportService
from bot.services.lessons import LessonService
from bot.services.privacy import PrivacyService
from bot.services.sprints import SprintService
from bot.services.summaries import SummaryService
from bot.services.team_setup import TeamSetup
from storage.database import Database
from storage.migrate import upgrade_database
from storage.models import Base, Stadsdeel, Team, TeamKind

TEMPLATE_NAME = "migrated-template.db"
M = TypeVar("M", bound=Base)


async def refused(key: str, call: Awaitable[object]) -> ServiceError:
    """Await `call` and return its refusal, which must carry `key`."""
    with pytest.raises(ServiceError) as refusal:
        await call
    assert refusal.value.key == key, refusal.value.key
    return refusal.value


@dataclass
class PlainServices:
    database: Database
    clock: FakeClock
    directory: Directory
    conversations: Conversations
    team_setup: TeamSetup
    lessons: LessonService
    checkins: CheckinService
    sprints: SprintService
    checkin_settings: CheckinSettings
    privacy: PrivacyService
    summaries: SummaryService
    digest: DigestService
    export: ExportService
    admin_id: int  # the Telegram id of a steunpunt admin in the settings

    def together(self) -> AbstractAsyncContextManager[AsyncSession]:
        """One unit of work, as for one Telegram update: the service calls made inside join
        it and commit once at the end (fixtures use it to set the scene quickly)."""
        return self.database.unit_of_work()

    async def person(
        self, telegram_user_id: int, name: str, telegram_language: str | None = None
    ) -> Actor:
        """The person as the services see them in an update from this Telegram user."""
        return await self.directory.identify(telegram_user_id, name, None, telegram_language)

    async def admin(self) -> Actor:
        return await self.person(self.admin_id, "Anna Beheer")

    async def team(
        self,
        name: str,
        kind: TeamKind = TeamKind.INITIATIEF,
        stadsdeel: Stadsdeel = Stadsdeel.NOORD,
        coordinator: Actor | None = None,
        members: tuple[Actor, ...] = (),
    ) -> tuple[Team, str]:
        """A team created by the admin, joined by `coordinator` (appointed) and `members`;
        returns the team and its invite code."""
        admin = await self.admin()
        team, invite = await self.directory.create_team(admin, name, kind, stadsdeel)
        for person in (*((coordinator,) if coordinator else ()), *members):
            await self.directory.join(person, invite.code)
        if coordinator is not None:
            await self.directory.appoint_coordinator(admin, team.id, coordinator.person_id)
        return team, invite.code

    async def rows(self, model: type[M], *where: Any) -> list[M]:
        """What is stored, read in a unit of work of its own."""
        async with self.database.unit_of_work() as session:
            return list((await session.execute(select(model).where(*where))).scalars())


async def _start_from_template(url: str, temp: pytest.TempPathFactory) -> None:
    """SQLite only: start the test's fresh database file as a copy of one migrated once per
    session (a full migration on SQLite costs ~0.3 s of batch table copies; the per-test
    `upgrade_database` below then only confirms the copy is at head)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return  # PostgreSQL: the conftest resets the schema; every test migrates in full
    template = temp.getbasetemp() / TEMPLATE_NAME
    if not template.exists():
        building = template.with_suffix(".building")
        database = Database.connect(f"sqlite+aiosqlite:///{building}")
        await upgrade_database(database.engine)
        await database.dispose()  # the last connection closing folds the WAL into the file
        building.replace(template)
    shutil.copyfile(template, Path(parsed.database))


@asynccontextmanager
async def plain_services(
    settings: Settings, clock: FakeClock, temp: pytest.TempPathFactory
) -> AsyncIterator[PlainServices]:
    """The services on the test's database, schema at head; the database disposed after."""
    await _start_from_template(settings.database_url, temp)
    built = build_services(settings, clock)  # wired exactly as the bot wires them
    try:
        await upgrade_database(built.database.engine)
        yield PlainServices(
            database=built.database,
            clock=clock,
            directory=built.directory,
            conversations=built.conversations,
            team_setup=built.team_setup,
            lessons=built.lessons,
            checkins=built.checkins,
            sprints=built.sprints,
            checkin_settings=built.checkin_settings,
            privacy=built.privacy,
            summaries=built.summaries,
            digest=built.digest,
            export=built.export,
            admin_id=min(settings.steunpunt_admins),
        )
    finally:
        await built.database.dispose()
