"""One unit of work per update: the storage-level rules of `Database.unit_of_work`, and the
bot handling each kind of update in one transaction, with replies sent after the commit."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, func, select

from bot.config import Settings
from bot.fakes.clock import FakeClock
from bot.fakes.harness import ChatHarness
from bot.fakes.telegram import BotMessage, FakeTelegram, FakeUser
from storage.database import Database
from storage.migrate import upgrade_database
from storage.models import Lesson, LessonVisibility, Membership, Person
from tests.support.db import rows
from tests.support.flows import create_team, join


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    database = Database.connect(database_url)
    await upgrade_database(database.engine)
    yield database
    await database.dispose()


def person(telegram_user_id: int) -> Person:
    now = FakeClock()()
    return Person(
        telegram_user_id=telegram_user_id,
        display_name=f"P{telegram_user_id}",
        language="nl",
        created_at=now,
        updated_at=now,
    )


async def count_people(database: Database) -> int:
    async with database.unit_of_work() as session:
        return int((await session.execute(select(func.count()).select_from(Person))).scalar_one())


async def test_inner_units_join_the_outer_one(database: Database) -> None:
    async with database.unit_of_work() as outer, database.unit_of_work() as inner:
        assert inner is outer
        assert database.in_unit_of_work
    assert not database.in_unit_of_work


async def test_a_failure_anywhere_rolls_back_the_whole_unit(database: Database) -> None:
    async def two_writes_then_a_refusal() -> None:
        async with database.unit_of_work() as session:
            session.add(person(1))
            async with database.unit_of_work() as joined:  # e.g. a second service call
                joined.add(person(2))
                await joined.flush()
            raise RuntimeError("a refusal after both writes")

    with pytest.raises(RuntimeError):
        await two_writes_then_a_refusal()
    assert await count_people(database) == 0


async def test_the_unit_commits_once_at_its_end(database: Database) -> None:
    async with database.unit_of_work() as session:
        session.add(person(1))
        async with database.unit_of_work() as joined:
            joined.add(person(2))
    assert await count_people(database) == 2


async def test_a_task_started_inside_a_unit_opens_its_own(database: Database) -> None:
    """A check-in round started from a handler must never borrow the handler's session."""
    seen: list[bool] = []

    async def round_in_background() -> None:
        seen.append(database.in_unit_of_work)
        async with database.unit_of_work() as session:
            seen.append(database.in_unit_of_work)
            session.add(person(3))

    async with database.unit_of_work() as session:
        session.add(person(1))
        task = asyncio.create_task(round_in_background())
    await task
    assert seen == [False, True]
    assert await count_people(database) == 2


@contextmanager
def transactions(bot: ChatHarness) -> Iterator[list[int]]:
    """Count the transactions begun on the bot's engine while the block runs."""
    begun = [0]

    def on_begin(_connection: Any) -> None:
        begun[0] += 1

    engine = bot.services.database.engine.sync_engine
    event.listen(engine, "begin", on_begin)
    try:
        yield begun
    finally:
        event.remove(engine, "begin", on_begin)


async def test_lesson_share_and_search_are_one_transaction_each(
    bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram, settings: Settings
) -> None:
    code = await create_team(bot, admin, "Rattenaanpak Noord")
    simon = telegram.user("Simon")
    await join(bot, simon, code)

    with transactions(bot) as begun:
        await bot.send(simon, "/lesson Bel de gebiedsmakelaar voordat je een vergunning aanvraagt")
    assert begun[0] == 1
    with transactions(bot) as begun:
        await bot.press(simon, "🌍")
    assert begun[0] == 1
    with transactions(bot) as begun:
        replies = await bot.send(simon, "/search vergunning")
    assert begun[0] == 1
    assert "gebiedsmakelaar" in replies[-1].text
    (lesson,) = await rows(settings, Lesson)
    assert lesson.visibility is LessonVisibility.CITY


async def test_a_refused_update_leaves_nothing_half_written(
    bot: ChatHarness, telegram: FakeTelegram, settings: Settings
) -> None:
    """A newcomer's first update stores them as a person; when the update is then refused,
    that write is rolled back with the rest, and the refusal still reaches them."""
    stranger = telegram.user("Rocco")
    replies = await bot.send(stranger, "/newteam Tandeloze tijgers")
    assert "beheerder" in replies[-1].text.lower()
    assert await rows(settings, Person, Person.telegram_user_id == stranger.id) == []
    await bot.send(stranger, "/help")
    assert len(await rows(settings, Person, Person.telegram_user_id == stranger.id)) == 1


async def test_replies_are_sent_only_after_the_commit(
    bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram, settings: Settings
) -> None:
    """When the bot calls Telegram with the welcome, the update's unit of work is closed (the
    membership is committed), so nobody is told of a change that could still roll back."""
    code = await create_team(bot, admin, "Energie Westerlicht")
    erica = telegram.user("Erica")
    in_unit_when_sent: list[bool] = []
    original = telegram.answer

    def answer(method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if method.lower() == "sendmessage" and str(params.get("chat_id")) == str(erica.id):
            in_unit_when_sent.append(bot.services.database.in_unit_of_work)
        return original(method, params)

    telegram.answer = answer  # type: ignore[method-assign]
    try:
        await join(bot, erica, code)
    finally:
        telegram.answer = original  # type: ignore[method-assign]
    assert in_unit_when_sent == [False]
    assert len(await rows(settings, Membership)) == 1


async def test_a_notice_that_cannot_get_through_does_not_spoil_the_update(
    bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram, settings: Settings
) -> None:
    """Telegram has a hiccup (502) while the coordinator is told of a new member: the member is
    welcomed and joined all the same, and hears nothing of an error."""
    code = await create_team(bot, admin, "Gebiedsteam Oost", "Gebiedsteam", "Oost")
    koen, erica = telegram.user("Koen"), telegram.user("Erica")
    await join(bot, koen, code)
    await bot.send(admin, "/team")
    await bot.press(admin, "⭐ Koen")
    telegram.fail_next("sendMessage", 502, "Bad Gateway", chat_id=koen.id)
    replies = await join(bot, erica, code)
    assert [reply.chat_id for reply in replies] == [erica.id]
    assert "Welkom" in replies[0].text
    assert len(await rows(settings, Membership)) == 2


async def lesson_card(
    bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram
) -> tuple[FakeUser, BotMessage, str]:
    """Simon of a new team writes a lesson; his card and its 🌍 share button's data."""
    code = await create_team(bot, admin, "Rattenaanpak Noord")
    simon = telegram.user("Simon")
    await join(bot, simon, code)
    await bot.send(simon, "/lesson Bel de gebiedsmakelaar voordat je een vergunning aanvraagt")
    card, share = telegram.find_button(simon.id, "🌍")
    assert share.callback_data is not None
    return simon, card, share.callback_data


async def test_a_second_tap_on_the_same_button_is_quiet(
    bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram, settings: Settings
) -> None:
    """Telegram refuses an edit that changes nothing ("message is not modified"); a double tap
    must not turn that into "something went wrong"."""
    simon, card, share = await lesson_card(bot, admin, telegram)
    first = await bot.deliver(telegram.callback_update(simon, card, share))
    second = await bot.deliver(telegram.callback_update(simon, card, share))
    assert len(first) == 1  # the card now says it is shared
    assert second == []  # nothing new, and no error message
    assert "Er ging iets mis" not in bot.last_to(simon).text
    (lesson,) = await rows(settings, Lesson)
    assert lesson.visibility is LessonVisibility.CITY


async def test_a_button_on_a_message_that_is_gone_answers_with_a_new_message(
    bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram
) -> None:
    simon, card, share = await lesson_card(bot, admin, telegram)
    telegram.messages[simon.id].remove(card)  # deleted in the chat meanwhile
    replies = await bot.deliver(telegram.callback_update(simon, card, share))
    assert len(replies) == 1
    assert replies[0].message_id != card.message_id
    assert "steunpunt" in replies[0].text.lower()
