"""Privacy (AVG): /mydata sends everything stored about a person, /forget erases it (shared
lessons stay, anonymous), raw answers go after the retention period (figures stay), and logs
hold no message texts or tokens."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from telegram import Bot
from telegram.error import BadRequest

from bot.config import Settings
from bot.fakes.clock import FakeClock
from bot.fakes.harness import ChatHarness
from bot.fakes.telegram import FakeTelegram, FakeUser, Upload
from bot.services.privacy import months_before
from bot.texts import t
from storage.database import create_engine, create_session_factory
from storage.models import (
    Action,
    Adoption,
    Base,
    CheckinAnswer,
    CheckinRun,
    Endorsement,
    Lesson,
    LessonVisibility,
    Membership,
    Person,
    RunKind,
    RunStatus,
)
from storage.privacy import PERSON_COLUMNS, Retention
from tests.support.bot_api_server import BotApiServer
from tests.support.checkins import ANSWERS
from tests.support.db import rows
from tests.support.flows import create_team, join
from tests.support.services import PlainServices

MOSTAFA_ID = 555_123_777
SHARED = "Ratten verdwijnen pas als het groen niet meer verwaarloosd wordt"
TEAM_ONLY = "Onze vergaderingen lopen altijd uit"
WEST_LESSON = "Bel de gebiedsmakelaar voordat je vergunningen aanvraagt"


def test_every_column_that_points_at_a_person_is_exported_and_forgotten() -> None:
    """A new table (or column) that refers to a person must be added to /mydata and /forget."""
    person_columns = {("people", "id")}
    for table in Base.metadata.sorted_tables:
        for foreign_key in table.foreign_keys:
            if foreign_key.column.table.name == "people":
                person_columns.add((table.name, foreign_key.parent.name))
    assert person_columns == set(PERSON_COLUMNS)


async def test_help_tells_everyone_how_to_see_and_erase_their_data(
    bot: ChatHarness, telegram: FakeTelegram
) -> None:
    stranger = telegram.user("Lotte", language_code="en")
    help_text = (await bot.send(stranger, "/help"))[-1].text
    assert "/mydata – everything I keep about you, in one file" in help_text
    assert "/forget – have your data erased" in help_text
    commands = [c["command"] for c in telegram.commands["nl"]]
    assert commands[-3:] == ["mydata", "forget", "cancel"]


# --- the scene: a coordinator who has left traces everywhere ------------------------------------


@dataclass
class Scene:
    mostafa: FakeUser  # the one who asks for his data and then to be forgotten
    simon: FakeUser  # a member of his team
    erica: FakeUser  # a member of another team


@pytest.fixture
async def scene(
    bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram, clock: FakeClock
) -> Scene:
    mostafa = telegram.user("Mostafa", "Zwaan", "mostafa_zw", user_id=MOSTAFA_ID)
    simon, erica = telegram.user("Simon"), telegram.user("Erica")
    noord = await create_team(bot, admin, "Rattenaanpak Noord", "Initiatief", "Noord")
    west = await create_team(bot, admin, "Energie Westerlicht", "Initiatief", "West")
    await join(bot, mostafa, noord)
    await join(bot, simon, noord)
    await join(bot, erica, west)
    await bot.send(admin, "/team")
    await bot.press(admin, "Rattenaanpak Noord")
    await bot.press(admin, "⭐ Mostafa")
    await bot.send(mostafa, "/invite")
    await bot.press(mostafa, "🔄 Nieuwe link")
    await bot.send(mostafa, "/linkgroup", chat=telegram.group("Ratten groep"))
    await bot.send(mostafa, "/sprint")
    await bot.press(mostafa, "🚀 Nieuwe sprint starten")
    await bot.send(mostafa, "Minder ratten in het Noorderpark")
    await bot.press(mostafa, "2 wk")

    # Lessons: one shared with the city, one kept in the team; West shares one he endorses.
    await bot.send(mostafa, f"/lesson {SHARED}")
    await bot.press(mostafa, "🌍 Delen met steunpunt")
    await bot.send(mostafa, f"/lesson {TEAM_ONLY}")
    await bot.press(mostafa, "🔒 Alleen team")
    await bot.send(erica, f"/lesson {WEST_LESSON}")
    await bot.press(erica, "🌍 Delen met steunpunt")
    await bot.send(mostafa, "/search vergunning")
    await bot.press(mostafa, "1. 👍 0")
    await bot.press(mostafa, "1. 🧪")
    await bot.send(mostafa, "Werkte ook bij ons")

    # A whole check-in (a lesson from the answer and an action), closed the next day.
    await bot.send(mostafa, "/checkin now")
    await bot.round()
    await bot.press(mostafa, "4 ")
    for text in ANSWERS:
        await bot.send(mostafa, text)
    clock.advance(timedelta(days=1, minutes=1))
    await bot.round()
    # A second check-in that he is in the middle of, and a text flow he started.
    await bot.send(mostafa, "/checkin now")
    await bot.round()
    await bot.press(mostafa, "3 ")
    await bot.send(mostafa, "/lesson")
    return Scene(mostafa, simon, erica)


def _document(bot: ChatHarness, person: FakeUser) -> tuple[Upload, dict[str, Any]]:
    message = bot.last_to(person)
    assert message.document is not None, message.text
    return message.document, json.loads(message.document.content.decode("utf-8"))


async def test_mydata_sends_everything_stored_about_the_person(
    bot: ChatHarness, scene: Scene
) -> None:
    await bot.send(scene.mostafa, "/mydata")
    document, data = _document(bot, scene.mostafa)
    assert document.file_name == "steunpunt-mijn-gegevens-2026-12-01.json"
    assert "Alles wat Steunpunt over je bewaart" in bot.last_to(scene.mostafa).text
    assert b"\n  " in document.content  # indented, for people to read
    assert "Zwaan" in document.content.decode("utf-8")  # UTF-8, not \\u escapes
    assert data["person"]["telegram_user_id"] == MOSTAFA_ID
    assert data["person"]["name"] == "Mostafa Zwaan"
    assert data["person"]["username"] == "mostafa_zw"
    assert [(m["team"], m["role"]) for m in data["memberships"]] == [
        ("Rattenaanpak Noord", "coordinator")
    ]
    first, second = data["check_ins"]
    asked = {answer["question"]: answer["text"] for answer in first["answers"]}
    assert asked["Wat heb je gedaan?"] == ANSWERS[0]
    assert asked["Wat heb je geleerd?"] == ANSWERS[3]
    assert [a["mood"] for a in first["answers"] if a["step"] == "mood"] == [4]
    assert [a["mood"] for a in second["answers"]] == [3]
    assert [action["text"] for action in data["actions"]] == [ANSWERS[4]]
    lessons = {lesson["text"]: lesson for lesson in data["lessons"]}
    assert lessons[SHARED]["visibility"] == "city"
    assert lessons[TEAM_ONLY]["visibility"] == "team"
    assert ANSWERS[3] in lessons  # the lesson his check-in answer made
    assert [e["lesson"] for e in data["endorsements"]] == [WEST_LESSON]
    assert [a["how_it_went"] for a in data["adoptions"]] == ["Werkte ook bij ons"]
    assert [s["query"] for s in data["searches"]] == ["vergunning"]
    assert data["conversation"]["flow"] == "lesson"
    assert [g["group"] for g in data["groups_linked"]] == ["Ratten groep"]
    assert [i["team"] for i in data["invites_created"]] == ["Rattenaanpak Noord"]
    assert [s["goal"] for s in data["sprints_started_or_closed"]] == [
        "Minder ratten in het Noorderpark"
    ]
    # Nothing of anyone else: Simon and Erica are not in his file.
    assert "Simon" not in document.content.decode()
    assert "Erica" not in document.content.decode()


async def test_mydata_and_forget_in_a_group_point_to_the_private_chat(
    bot: ChatHarness, telegram: FakeTelegram
) -> None:
    simon, group = telegram.user("Simon"), telegram.group("Buurtgroep")
    for command in ("/mydata", "/forget"):
        replies = await bot.send(simon, command, chat=group)
        assert [m.text for m in replies] == [
            "Dit doe ik liever onder vier ogen. Stuur het mij in een privégesprek: "
            "@steunpunt_test_bot."
        ]
        assert all(m.document is None for m in replies)


def _values(row: Any) -> Iterator[object]:
    for column in row.__table__.columns:
        value = getattr(row, column.key)
        yield json.dumps(value, default=str) if isinstance(value, dict | list) else value


async def _everything_stored(settings: Settings) -> list[tuple[str, object]]:
    """Every value in every table, with its table's name."""
    engine = create_engine(settings.database_url)
    found: list[tuple[str, object]] = []
    async with create_session_factory(engine)() as session:
        for mapper in Base.registry.mappers:
            model = mapper.class_
            for row in (await session.execute(select(model))).scalars():
                found.extend((model.__tablename__, value) for value in _values(row))
    await engine.dispose()
    return found


def _traces(stored: list[tuple[str, object]]) -> list[tuple[str, object]]:
    return [
        (table, value)
        for table, value in stored
        if value == MOSTAFA_ID
        or (
            isinstance(value, str)
            and any(mark in value for mark in ("Mostafa", "Zwaan", "mostafa_zw", str(MOSTAFA_ID)))
        )
    ]


async def test_forget_erases_the_person_and_keeps_shared_lessons_anonymous(
    bot: ChatHarness, scene: Scene, settings: Settings, clock: FakeClock
) -> None:
    mostafa = scene.mostafa
    assert _traces(await _everything_stored(settings))  # the check sees him while he is there

    question = (await bot.send(mostafa, "/forget"))[-1]
    assert question.text.startswith("Je gegevens wissen?")
    assert "Lessen die je met het stedelijk steunpunt deelde blijven staan" in question.text
    # He runs his team alone: he hears that only an admin can run it afterwards.
    assert "Je bent de enige coördinator van Rattenaanpak Noord." in question.text
    assert question.button_texts() == ["🗑 Ja, wis mijn gegevens", "Nee, niets wissen"]

    replies = await bot.press(mostafa, "🗑 Ja, wis mijn gegevens")
    assert replies[-1].text.startswith("🗑 Je gegevens zijn gewist.")
    assert "1 gedeelde les(sen) blijven anoniem" in replies[-1].text

    # Nothing in any table names him, holds his username or his Telegram id.
    assert _traces(await _everything_stored(settings)) == []
    [shared] = await rows(settings, Lesson, Lesson.text == SHARED)
    assert (shared.author_id, shared.anonymous, shared.visibility) == (
        None,
        True,
        LessonVisibility.CITY,
    )
    assert await rows(settings, Lesson, Lesson.text == TEAM_ONLY) == []
    assert await rows(settings, Lesson, Lesson.text == ANSWERS[3]) == []  # undecided: private
    assert await rows(settings, Action) == []
    assert await rows(settings, Endorsement) == []
    [adoption] = await rows(settings, Adoption)
    assert (adoption.person_id, adoption.text) == (None, "Werkte ook bij ons")
    memberships = await rows(settings, Membership)
    assert len(memberships) == 2  # Simon's and Erica's
    assert {m.person_id for m in memberships} <= {p.id for p in await rows(settings, Person)}
    # The shared lesson is still found, by nobody's name.
    results = (await bot.send(scene.erica, "/search ratten groen"))[-1]
    assert SHARED[:30] in results.text
    assert "door" not in results.text

    # The open check-in goes on without him: no reminder, no closing notice reaches him.
    before = len(bot.messages_to(mostafa))
    clock.advance(timedelta(hours=5))
    await bot.round()
    clock.advance(timedelta(days=2))
    await bot.round()
    assert len(bot.messages_to(mostafa)) == before

    # Writing again, he is a stranger: his file holds nothing of before.
    await bot.send(mostafa, "/mydata")
    _, data = _document(bot, mostafa)
    assert data["memberships"] == data["check_ins"] == data["lessons"] == []
    assert data["actions"] == data["endorsements"] == data["adoptions"] == []
    assert data["conversation"] is None


async def test_forget_buttons_are_harmless_when_cancelled_stale_or_someone_elses(
    bot: ChatHarness, scene: Scene, settings: Settings, telegram: FakeTelegram
) -> None:
    mostafa = scene.mostafa
    await bot.send(mostafa, "/forget")
    replies = await bot.press(mostafa, "Nee, niets wissen")
    assert replies[-1].text == "Goed, ik heb niets gewist."
    assert await rows(settings, Person, Person.telegram_user_id == MOSTAFA_ID) != []

    # Someone else presses his confirmation (a forged update): nothing happens, quietly.
    await bot.send(mostafa, "/forget")
    message, button = telegram.find_button(mostafa.id, "🗑 Ja, wis mijn gegevens")
    assert button.callback_data is not None
    replies = await bot.deliver(
        telegram.callback_update(scene.simon, message, button.callback_data)
    )
    assert replies == []
    assert bot.toasts()[-1] == t("nl", "error.button_expired")
    assert await rows(settings, Person, Person.telegram_user_id == MOSTAFA_ID) != []

    # He confirms, then taps again: the second tap is quiet and erases nobody new.
    await bot.press(mostafa, "🗑 Ja, wis mijn gegevens")
    people = len(await rows(settings, Person))
    replies = await bot.deliver(telegram.callback_update(mostafa, message, button.callback_data))
    assert replies == []
    assert bot.toasts()[-1] == t("nl", "error.button_expired")
    # The tap made him a stranger again (Telegram sends his name with it), nothing more.
    assert len(await rows(settings, Person)) == people + 1
    assert await rows(settings, Membership, Membership.person_id.not_in([])) != []


async def test_a_team_whose_only_coordinator_was_forgotten_is_still_run_by_an_admin(
    bot: ChatHarness, scene: Scene, admin: FakeUser
) -> None:
    await bot.send(scene.mostafa, "/forget")
    await bot.press(scene.mostafa, "🗑 Ja, wis mijn gegevens")
    await bot.send(admin, "/team")
    replies = await bot.press(admin, "Rattenaanpak Noord")
    assert "Simon" in replies[-1].text
    await bot.press(admin, "⭐ Simon")
    await bot.send(scene.simon, "/invite")
    assert "t.me/steunpunt_test_bot?start=" in bot.last_to(scene.simon).text


# --- the fake Bot API takes documents as Telegram does ------------------------------------------


def test_the_fake_bot_api_checks_documents_as_telegram_does() -> None:
    telegram = FakeTelegram()
    person = telegram.user("Simon")
    telegram.message_update(person, "hallo")  # Telegram knows the chat once they wrote

    def send(upload: Upload | None, **params: object) -> tuple[int, str]:
        uploads = {"document": upload} if upload else {}
        status, body = telegram.answer("sendDocument", {"chat_id": person.id, **params}, uploads)
        return status, str(body.get("description", ""))

    good = Upload("gegevens.json", b"{}", "application/json")
    assert send(good, caption="Je gegevens")[0] == 200
    assert telegram.messages[person.id][-1].document == good
    assert send(good, caption="x" * 1025) == (400, "Bad Request: message caption is too long")
    assert send(good, caption="<b>vet", parse_mode="HTML")[0] == 400
    assert send(Upload("leeg.json", b"")) == (400, "Bad Request: file must be non-empty")
    assert send(Upload(None, b"{}")) == (400, "Bad Request: file name is missing")
    too_big = Upload("groot.bin", b"\0" * (50 * 1024 * 1024 + 1))
    assert send(too_big) == (413, "Request Entity Too Large")
    assert send(None, document="https://example.org/file.json")[0] == 400
    assert send(None) == (400, "Bad Request: there is no document in the request")
    status, _ = telegram.answer("sendMessage", {"chat_id": person.id, "text": "x"}, {"a": good})
    assert status == 400


async def test_a_document_crosses_a_real_http_connection_as_multipart() -> None:
    """The same strict checks behind the local Bot API server, with PTB's own HTTP client."""
    telegram = FakeTelegram()
    person = telegram.user("Simon")
    telegram.message_update(person, "hallo")
    async with (
        BotApiServer(telegram, "42:HTTP-TOKEN") as server,
        Bot("42:HTTP-TOKEN", base_url=server.base_url) as real_bot,
    ):
        await real_bot.send_document(
            person.id, b'{"naam": "Simon"}', filename="gegevens.json", caption="Je gegevens"
        )
        with pytest.raises(BadRequest, match="caption is too long"):
            await real_bot.send_document(
                person.id, b"{}", filename="gegevens.json", caption="x" * 1025
            )
    [message] = telegram.messages[person.id]
    assert message.document == Upload("gegevens.json", b'{"naam": "Simon"}', "application/json")
    assert message.text == "Je gegevens"


# --- retention --------------------------------------------------------------------------------


def test_months_before_counts_calendar_months() -> None:
    moment = datetime(2028, 3, 31, 9, 30, tzinfo=UTC)
    assert months_before(moment, 24) == datetime(2026, 3, 31, 9, 30, tzinfo=UTC)
    assert months_before(moment, 1) == datetime(2028, 2, 29, 9, 30, tzinfo=UTC)
    assert months_before(moment, 15) == datetime(2026, 12, 31, 9, 30, tzinfo=UTC)


async def _answered_run(services: PlainServices, team_name: str) -> tuple[int, list[int]]:
    """A closed check-in of a new team: two members answered (moods 2 and 5), one did not."""
    people = [await services.person(700 + n + len(team_name), f"Lid {n}") for n in range(3)]
    team, _ = await services.team(team_name, members=tuple(people))
    now = services.clock()
    run_id = await services.checkins.open_run(
        team.id, RunKind.MANUAL, f"test:{team_name}", now, now
    )
    assert run_id is not None
    deliveries = await services.checkins.claim_deliveries(now)
    for delivery in deliveries:
        await services.checkins.delivered(delivery.prompt_id, delivery.step.index)
    by_prompt = {d.prompt_id: d for d in deliveries}
    for actor, mood in zip(people[:2], (2, 5), strict=True):
        prompt_id = next(
            pid for pid, d in by_prompt.items() if d.telegram_user_id == actor.telegram_user_id
        )
        await services.checkins.answer_mood(actor, prompt_id, mood)
        for text in ANSWERS:
            await services.checkins.answer_text(actor, text)
    await services.checkins.close_run(run_id, now)
    return run_id, [p.person_id for p in people]


async def test_answers_past_retention_go_and_the_figures_stay(services: PlainServices) -> None:
    clock = services.clock
    old_run, _ = await _answered_run(services, "Oud team")
    clock.advance(timedelta(days=400))
    new_run, _ = await _answered_run(services, "Nieuw team")
    async with services.together() as session:
        before = await Retention(session).figures([old_run, new_run])
    assert (before[old_run].prompted, before[old_run].answered) == (3, 2)
    assert before[old_run].mood_average == 3.5
    lessons_before = len(await services.rows(Lesson))

    # 24 months after the old run closed, the daily job deletes its answers only.
    clock.now = datetime(2028, 11, 30, 12, 0, tzinfo=UTC)
    report = await services.privacy.delete_expired_answers()
    assert (report.ran, report.runs, report.answers) == (True, 1, 12)
    async with services.together() as session:
        after = await Retention(session).figures([old_run, new_run])
    assert after == before
    answers = await services.rows(CheckinAnswer)
    assert len(answers) == 12  # the new run's, untouched
    [old] = await services.rows(CheckinRun, CheckinRun.id == old_run)
    assert old.answers_deleted_at == clock.now
    assert old.status is RunStatus.CLOSED
    # Lessons and actions made from the answers stay; only their link to the answer goes.
    assert len(await services.rows(Lesson)) == lessons_before
    actions = await services.rows(Action)
    assert [a.source_answer_id is None for a in actions] == [
        a.team_id == old.team_id for a in actions
    ]

    # Once a day, whoever asks: a second round (or a second instance) the same day does nothing.
    assert not services.privacy.retention_due_today()
    assert (await services.privacy.delete_expired_answers()).ran is False
    clock.advance(timedelta(days=1))
    assert services.privacy.retention_due_today()
    report = await services.privacy.delete_expired_answers()
    assert (report.ran, report.runs) == (True, 0)


async def test_the_scheduled_round_deletes_expired_answers_once_a_day(
    bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram, clock: FakeClock, settings: Settings
) -> None:
    code = await create_team(bot, admin, "Rattenaanpak Noord")
    simon = telegram.user("Simon")
    await join(bot, simon, code)
    await bot.send(admin, "/checkin now")
    await bot.round()
    await bot.press(simon, "4 ")
    clock.advance(timedelta(days=2))
    await bot.round()  # closes the check-in
    [run] = await rows(settings, CheckinRun, CheckinRun.kind == RunKind.MANUAL)
    assert run.status is RunStatus.CLOSED
    assert len(await rows(settings, CheckinAnswer)) == 1

    clock.advance(timedelta(days=365 * 2 + 7))
    await bot.services.scheduled_round(bot.application.bot)
    assert await rows(settings, CheckinAnswer) == []
    [run] = await rows(settings, CheckinRun, CheckinRun.kind == RunKind.MANUAL)
    assert (run.prompted_count, run.answered_count, run.mood_count, run.mood_total) == (1, 1, 1, 4)
    assert not bot.services.privacy.retention_due_today()


async def test_an_open_check_in_keeps_its_answers_however_old(services: PlainServices) -> None:
    person = await services.person(801, "Lid")
    team, _ = await services.team("Team open", members=(person,))
    now = services.clock()
    run_id = await services.checkins.open_run(team.id, RunKind.MANUAL, "test:open", now, now)
    assert run_id is not None
    for delivery in await services.checkins.claim_deliveries(now):
        await services.checkins.delivered(delivery.prompt_id, delivery.step.index)
        await services.checkins.answer_mood(person, delivery.prompt_id, 4)
    services.clock.advance(timedelta(days=3 * 365))
    assert (await services.privacy.delete_expired_answers()).runs == 0
    assert len(await services.rows(CheckinAnswer)) == 1


async def test_retention_setting_is_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.config import ConfigError, load_settings

    monkeypatch.setenv("ANSWER_RETENTION_MONTHS", "6")
    assert load_settings(_env_file=None).answer_retention_months == 6
    monkeypatch.delenv("ANSWER_RETENTION_MONTHS")
    assert load_settings(_env_file=None).answer_retention_months == 24
    monkeypatch.setenv("ANSWER_RETENTION_MONTHS", "0")
    with pytest.raises(ConfigError, match="ANSWER_RETENTION_MONTHS"):
        load_settings(_env_file=None)


# --- logs -------------------------------------------------------------------------------------


async def test_logs_at_info_hold_no_message_texts_and_no_token(
    bot: ChatHarness,
    admin: FakeUser,
    telegram: FakeTelegram,
    caplog: pytest.LogCaptureFixture,
    settings: Settings,
) -> None:
    caplog.set_level(logging.INFO)
    code = await create_team(bot, admin, "Geheimzinnig Team")
    person = telegram.user("Lotte", "Verborgen")
    await join(bot, person, code)
    typed = [
        "/lesson Vertrouwelijk: de wethouder belde terug",
        "zomaar een geheim bericht",
        "/search geheimewoorden",
        "/mydata",
        "/forget",
    ]
    for text in typed:
        await bot.send(person, text)
    await bot.press(person, "🗑 Ja, wis mijn gegevens")
    logged = caplog.text
    assert "a person was forgotten at their request" in logged  # INFO lines are captured
    assert settings.telegram_bot_token is not None
    assert settings.telegram_bot_token.get_secret_value() not in logged
    for secret in ("wethouder", "geheim bericht", "geheimewoorden", "Verborgen", "Geheimzinnig"):
        assert secret not in logged


async def test_a_database_error_does_not_carry_what_people_typed(services: PlainServices) -> None:
    """The error handler logs tracebacks; SQLAlchemy puts a statement's parameters (a typed
    lesson, an answer) into its error messages unless the engine hides them."""
    await services.person(901, "Lotte")
    twin = Person(
        telegram_user_id=901,  # taken: the insert fails
        display_name="Vertrouwelijke tekst van Lotte",
        created_at=services.clock(),
        updated_at=services.clock(),
    )
    async with services.together() as session:
        session.add(twin)
        with pytest.raises(DBAPIError) as failure:
            await session.flush()
        await session.rollback()
    assert "Vertrouwelijke" not in str(failure.value)


def test_the_command_line_keeps_httpx_request_urls_out_of_info_logs() -> None:
    """httpx logs every request URL at INFO, and a Bot API URL contains the token."""
    from bot.cli import _configure_logging

    root = logging.getLogger()
    saved = (root.level, list(root.handlers), logging.getLogger("httpx").level)
    root.handlers.clear()  # as in a fresh process (pytest's own handlers would stop basicConfig)
    try:
        _configure_logging(None, "run")
        assert not logging.getLogger("httpx").isEnabledFor(logging.INFO)
        assert logging.getLogger("steunpunt").isEnabledFor(logging.INFO)
    finally:
        root.setLevel(saved[0])
        root.handlers[:] = saved[1]
        logging.getLogger("httpx").setLevel(saved[2])
