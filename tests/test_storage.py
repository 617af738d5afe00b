"""Storage: migrations, constraints, time zones and SQLite settings (PostgreSQL too, if set)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, text
from sqlalchemy.exc import IntegrityError, StatementError

from storage.database import (
    DatabaseUrlError,
    create_engine,
    create_session_factory,
    parse_database_url,
)
from storage.migrate import current_revision, head_revision, upgrade_database
from storage.models import Base, Membership, Role, Stadsdeel, TeamKind
from storage.repositories import ConversationStates, Invites, Memberships, People, Teams

NOW = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


@pytest.fixture
async def engine(database_url: str):  # type: ignore[no-untyped-def]
    engine = create_engine(database_url)
    await upgrade_database(engine)
    yield engine
    await engine.dispose()


async def test_migrations_create_exactly_the_models(engine) -> None:  # type: ignore[no-untyped-def]
    assert await current_revision(engine) == head_revision()

    def differences(connection: Connection) -> list[object]:
        return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))

    async with engine.connect() as connection:
        assert await connection.run_sync(differences) == []


async def test_upgrade_twice_is_harmless(engine) -> None:  # type: ignore[no-untyped-def]
    await upgrade_database(engine)
    assert await current_revision(engine) == head_revision()


async def test_times_come_back_aware_in_utc(engine) -> None:  # type: ignore[no-untyped-def]
    sessions = create_session_factory(engine)
    amsterdam_summer = timezone(timedelta(hours=2))
    async with sessions.begin() as session:
        await People(session).upsert(1, "Ellen", None, "nl", NOW.astimezone(amsterdam_summer))
    async with sessions() as session:
        person = await People(session).by_telegram_id(1)
        assert person is not None
        assert person.created_at == NOW
        assert person.created_at.tzinfo is UTC
    with pytest.raises(StatementError, match="naive"):
        async with sessions.begin() as session:
            await People(session).upsert(2, "Naive", None, "nl", datetime(2026, 1, 1))


async def test_a_person_is_a_member_of_a_team_once(engine) -> None:  # type: ignore[no-untyped-def]
    sessions = create_session_factory(engine)
    async with sessions.begin() as session:
        person = await People(session).upsert(1, "Ellen", None, "nl", NOW)
        team = await Teams(session).add(
            "Oost", TeamKind.GEBIEDSTEAM, Stadsdeel.OOST, person.id, NOW
        )
        await Memberships(session).add(team.id, person.id, Role.MEMBER, NOW)
        ids = (team.id, person.id)
    with pytest.raises(IntegrityError):
        async with sessions.begin() as session:
            await Memberships(session).add(*ids, Role.COORDINATOR, NOW)


async def test_foreign_keys_are_enforced(engine) -> None:  # type: ignore[no-untyped-def]
    sessions = create_session_factory(engine)
    with pytest.raises(IntegrityError):
        async with sessions.begin() as session:
            session.add(Membership(team_id=999, person_id=999, role=Role.MEMBER, joined_at=NOW))


async def test_invites_and_conversation_state_round_trip(engine) -> None:  # type: ignore[no-untyped-def]
    sessions = create_session_factory(engine)
    async with sessions.begin() as session:
        person = await People(session).upsert(1, "Simon", "simon", "en", NOW)
        team = await Teams(session).add("West", TeamKind.INITIATIEF, Stadsdeel.WEST, person.id, NOW)
        await Invites(session).add("abc", team.id, person.id, NOW, NOW + timedelta(days=1))
        await ConversationStates(session).put(
            person.id, "newteam", "kind", {"name": "Wéstérlicht"}, NOW
        )
        ids = (team.id, person.id)
    async with sessions.begin() as session:
        assert (await Invites(session).usable_for_team(ids[0], NOW)) is not None
        assert (await Invites(session).usable_for_team(ids[0], NOW + timedelta(days=2))) is None
        assert await Invites(session).revoke_all_for_team(ids[0], NOW) == 1
        assert (await Invites(session).usable_for_team(ids[0], NOW)) is None
        state = await ConversationStates(session).get(ids[1])
        assert state is not None
        assert (state.flow, state.step, state.data) == ("newteam", "kind", {"name": "Wéstérlicht"})
        assert await ConversationStates(session).clear(ids[1]) is True
        assert await ConversationStates(session).clear(ids[1]) is False


async def test_sqlite_runs_in_wal_mode_with_foreign_keys(database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite settings")
    engine = create_engine(database_url)
    async with engine.connect() as connection:
        assert (await connection.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar() == 1
    await engine.dispose()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("sqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("postgresql://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql+asyncpg://u:pw@h:5433/db", "postgresql+asyncpg://u:pw@h:5433/db"),
    ],
)
def test_database_urls_get_their_async_driver(raw: str, expected: str) -> None:
    assert parse_database_url(raw).render_as_string(hide_password=False) == expected


@pytest.mark.parametrize("raw", ["mysql://u@h/db", "not a url", "sqlite+pysqlcipher:///x.db"])
def test_unusable_database_urls_are_refused(raw: str) -> None:
    with pytest.raises(DatabaseUrlError):
        parse_database_url(raw)
