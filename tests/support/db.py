"""Reading what the bot stored, straight from its database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.config import Settings
from storage.database import create_engine, create_session_factory


async def rows(settings: Settings, model: type, *where: Any) -> list[Any]:
    engine = create_engine(settings.database_url)
    async with create_session_factory(engine)() as session:
        result = list((await session.execute(select(model).where(*where))).scalars())
    await engine.dispose()
    return result
