"""Sprints and check-ins through the real Application with an injected clock: schedule, prompts,
answers, reminders, closing, retro, and every reliability promise."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import Settings
from bot.fakes.clock import FakeClock
from bot.fakes.harness import ChatHarness
from bot.fakes.telegram import BotMessage, FakeTelegram, FakeUser
from storage.models import (
    Action,
    ActionStatus,
    CheckinAnswer,
    CheckinPrompt,
    CheckinRun,
    Lesson,
    Person,
    PromptStatus,
    RunKind,
    RunStatus,
    Sprint,
)
from tests.support.checkins import ANSWERS, MONDAY_0930
from tests.support.db import rows
from tests.support.flows import appoint, create_team, join


@dataclass
class World:
    coordinator: FakeUser
    members: list[FakeUser]

    @property
    def everyone(self) -> list[FakeUser]:
        return [self.coordinator, *self.members]


@pytest.fixture
async def world(
    bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram, clock: FakeClock
) -> World:
    """Team 'Rattenaanpak Noord' with a coordinator and two members, on Monday 09:00."""
    code = await create_team(bot, admin, "Rattenaanpak Noord")
    coordinator = telegram.user("Mostafa")
    members = [telegram.user("Simon"), telegram.user("Kate", language_code="en")]
    for person in (coordinator, *members):
        await join(bot, person, code)
    await appoint(bot, admin, coordinator)
    await bot.round()  # the team's schedule starts now: Monday 09:30, Europe/Amsterdam
    return World(coordinator, members)


async def start_sprint(
    bot: ChatHarness, coordinator: FakeUser, goal: str, weeks: str = "2 wk"
) -> None:
    await bot.send(coordinator, "/sprint")
    await bot.press(coordinator, "🚀 Nieuwe sprint starten")
    await bot.send(coordinator, goal)
    await bot.press(coordinator, weeks)


async def answer_all(bot: ChatHarness, person: FakeUser, mood: int = 4) -> None:
    await bot.press(person, f"{mood} ")
    for text in ANSWERS:
        await bot.send(person, text)


def recap_to(bot: ChatHarness, person: FakeUser) -> BotMessage:
    return [
        m for m in bot.messages_to(person) if m.text.startswith(("Dank je wel!", "Thank you!"))
    ][-1]


def intro_count(bot: ChatHarness, person: FakeUser) -> int:
    return sum(
        "Check-in van" in m.text or "Check-in for" in m.text for m in bot.messages_to(person)
    )


async def test_a_whole_sprint(
    bot: ChatHarness, world: World, clock: FakeClock, settings: Settings, telegram: FakeTelegram
) -> None:
    simon, kate = world.members
    await start_sprint(bot, world.coordinator, "Minder ratten in het Noorderpark")
    assert bot.last_to(world.coordinator).text.startswith(
        "🚀 Sprint 1 is gestart: Minder ratten in het Noorderpark"
    )
    group = telegram.group("Rattenaanpak groep")
    await bot.send(world.coordinator, "/linkgroup", chat=group)

    clock.now = MONDAY_0930 - timedelta(minutes=1)
    assert await bot.round() == []
    clock.now = MONDAY_0930
    sent = await bot.round()
    assert sorted(m.chat_id for m in sent) == sorted(p.id for p in world.everyone)
    first = bot.last_to(simon)
    assert first.text.startswith("👋 Check-in van Rattenaanpak Noord. Ik stel je 6 korte vragen")
    assert "Sprintdoel: Minder ratten in het Noorderpark" in first.text
    assert first.button_texts() == ["1 😫", "2 😕", "3 😐", "4 🙂", "5 😄"]
    assert bot.last_to(kate).text.startswith("👋 Check-in for Rattenaanpak Noord.")

    # Simon answers: mood by button, then five questions by text.
    replies = await bot.press(simon, "4 ")
    assert replies[0].text.endswith(
        "Hoe is je energie op dit moment? 1 = op, 5 = vol energie.\n\n✅ Energie: 4 🙂"
    )
    assert replies[0].buttons == []  # the answer is shown under the question, buttons gone
    assert replies[-1].text.startswith("2/6 Wat heb je gedaan?")
    for text in ANSWERS[:3]:
        await bot.send(simon, text)
    assert bot.last_to(simon).text.startswith("5/6 Wat heb je geleerd?")
    assert "bewaar ik als les van je team" in bot.last_to(simon).text
    await bot.send(simon, ANSWERS[3])
    assert "bij de volgende check-in vraag ik ernaar" in bot.last_to(simon).text
    replies = await bot.send(simon, ANSWERS[4])
    recap, card, blocker = replies
    assert recap.text.startswith("Dank je wel! Dit heb ik bewaard voor Rattenaanpak Noord:")
    # Last, what Simon ran into, with the themes the bot proposes (tests/test_blocker_themes.py).
    assert blocker.text.startswith("🚧 Je knelpunt voor Rattenaanpak Noord:")
    # The lesson stays in the team until Simon chooses; the card asks him.
    assert card.text.startswith("📘 Je les voor Rattenaanpak Noord:")
    assert "🌍 Delen met steunpunt" in card.button_texts()
    assert "1. Energie: 4 van 5" in recap.text
    assert f"5. Wat heb je geleerd?: {ANSWERS[3]}" in recap.text
    assert recap.button_texts() == ["✏️ 1", "✏️ 2", "✏️ 3", "✏️ 4", "✏️ 5", "✏️ 6"]

    # Changing an answer while the check-in is open.
    await bot.press(simon, "✏️ 3")
    assert "Je antwoord nu: Veel mensen deden mee" in bot.last_to(simon).text
    await bot.send(simon, "Veertig mensen deden mee!")
    assert "3. Wat ging goed?: Veertig mensen deden mee!" in recap_to(bot, simon).text

    [lesson] = await rows(settings, Lesson)
    assert lesson.text == ANSWERS[3]
    [action] = await rows(settings, Action)
    assert (action.text, action.status) == (ANSWERS[4], ActionStatus.OPEN)
    sprint = (await rows(settings, Sprint))[0]
    assert lesson.sprint_id == action.sprint_id == sprint.id

    # Kate answers half; the coordinator nothing. Four hours later: one reminder each.
    await bot.press(kate, "2 ")
    await bot.send(kate, "Flyers rondgebracht")
    clock.advance(timedelta(hours=4))
    reminders = await bot.round()
    assert sorted(m.chat_id for m in reminders) == sorted([kate.id, world.coordinator.id])
    assert bot.last_to(kate).text.startswith("⏰ Reminder: your check-in for Rattenaanpak Noord")
    assert "3/6 What went well?" in bot.last_to(kate).text
    clock.advance(timedelta(hours=1))
    assert await bot.round() == []  # one reminder, not more

    # The check-in closes after 24 hours; the group hears participation only.
    clock.now = MONDAY_0930 + timedelta(hours=24)
    closing = await bot.round()
    assert [m.text for m in closing if m.chat_id == group.id] == [
        "📋 Check-in van Rattenaanpak Noord gesloten: 2 van 3 leden deden mee."
    ]
    await bot.press(simon, "✏️ 2")
    assert bot.last_to(simon).text == "Deze check-in is al gesloten; je antwoorden zijn bewaard."

    # Next Monday Simon is asked about his action first.
    clock.now = MONDAY_0930 + timedelta(days=7)
    await bot.round()
    await bot.press(simon, "3 ")
    assert "2/7 Vorige keer was je volgende stap: Afspraak maken met de gebiedsmakelaar" in (
        bot.last_to(simon).text
    )
    await bot.press(simon, "Deels")
    assert bot.last_to(simon).text.startswith("3/7 Wat heb je gedaan?")
    [action] = await rows(settings, Action)
    assert action.status is ActionStatus.PARTLY

    # The sprint runs out after two weeks: closed automatically, with the retro check-in.
    clock.now = sprint.ends_at + timedelta(minutes=1)
    await bot.round()
    [sprint] = await rows(settings, Sprint)
    assert sprint.closed_at is not None
    assert sprint.closed_by_id is None
    assert bot.last_to(kate).text.startswith("🔁 The sprint of Rattenaanpak Noord is over")
    retro = await rows(settings, CheckinRun, CheckinRun.kind == RunKind.RETRO)
    assert len(retro) == 1


async def test_coordinator_sprint_status_and_early_close(
    bot: ChatHarness, world: World, clock: FakeClock, settings: Settings
) -> None:
    simon = world.members[0]
    await bot.send(world.coordinator, "/sprint Schonere speeltuin")
    await bot.press(world.coordinator, "1 wk")
    await bot.send(world.coordinator, "/sprint Nog een")
    await bot.press(world.coordinator, "2 wk")
    assert bot.last_to(world.coordinator).text.startswith("Dit team heeft al een lopende sprint.")
    await bot.send(simon, "/sprint")
    status = bot.last_to(simon)
    assert "Sprint 1 van Rattenaanpak Noord" in status.text
    assert "Dag 1 van 7" in status.text
    assert status.buttons == []  # members see the sprint, coordinators run it
    await bot.send(simon, "/sprint Eigen doel")
    assert bot.last_to(simon).text.startswith("Dit kan alleen een coördinator van een team")

    clock.now = MONDAY_0930
    await bot.round()
    await answer_all(bot, simon)
    await bot.send(world.coordinator, "/sprint")
    assert "Check-ins: 1, antwoorden: 1 van 3 keer gevraagd" in bot.last_to(world.coordinator).text
    await bot.press(world.coordinator, "🏁 Sprint afsluiten")
    await bot.press(world.coordinator, "Ja, afsluiten")
    assert bot.last_to(world.coordinator).text.startswith("🏁 Sprint 1 (Schonere speeltuin)")
    await bot.round()
    assert bot.last_to(simon).text.startswith("🔁 De sprint van Rattenaanpak Noord is klaar")
    [sprint] = await rows(settings, Sprint)
    assert sprint.closed_at is not None
    assert sprint.closed_by_id is not None


async def test_skip_typed_mood_attachments_and_wrong_input(
    bot: ChatHarness, world: World, clock: FakeClock, settings: Settings, telegram: FakeTelegram
) -> None:
    simon = world.members[0]
    clock.now = MONDAY_0930
    await bot.round()
    await bot.send(simon, "/skip")  # even the mood can be skipped
    assert bot.last_to(simon).text.startswith("2/6 Wat heb je gedaan?")
    await bot.deliver(
        telegram.media_update(
            simon, "voice", {"file_id": "VOICE-1", "file_unique_id": "v1", "duration": 12}
        )
    )
    kept, question = bot.messages_to(simon)[-2:]
    assert kept.text == "Bewaard: je (spraakbericht)."
    assert question.text.startswith("3/6 Wat ging goed?")
    await bot.send(simon, "/skip")
    await bot.send(simon, "/skip")
    await bot.send(simon, "/skip")
    await bot.send(simon, "/skip")
    recap = bot.last_to(simon).text
    assert "1. Energie: (overgeslagen)" in recap
    assert "2. Wat heb je gedaan?: (spraakbericht)" in recap
    await bot.send(simon, "/skip")
    assert bot.last_to(simon).text == "Er staat geen vraag open om over te slaan."
    answers = await rows(settings, CheckinAnswer)
    voice = [a for a in answers if a.attachment_file_id]
    assert [(a.attachment_kind, a.attachment_file_id) for a in voice] == [("voice", "VOICE-1")]
    assert await rows(settings, Lesson) == []  # a skipped lesson question makes no lesson

    kate = world.members[1]
    await bot.send(kate, "great")
    assert bot.last_to(kate).text.startswith("Choose an answer with the buttons")
    await bot.send(kate, "5")
    assert bot.last_to(kate).text.startswith("2/6 What did you do?")


async def test_restart_mid_checkin_resumes_without_repeating(
    settings: Settings, telegram: FakeTelegram, clock: FakeClock, admin: FakeUser
) -> None:
    async with ChatHarness.running(settings, telegram, clock) as bot:
        code = await create_team(bot, admin, "Energie West", "Initiatief", "West")
        ellen, jasper = telegram.user("Ellen"), telegram.user("Jasper")
        await join(bot, ellen, code)
        await join(bot, jasper, code)
        await bot.round()
        clock.now = MONDAY_0930
        await bot.round()
        await bot.press(ellen, "5 ")
        await bot.send(ellen, ANSWERS[0])
        # The bot stores Ellen's next answer, then dies before question 4 reaches her.
        telegram.fail_next("sendMessage", 502, "Bad Gateway", chat_id=ellen.id)
        await bot.send(ellen, ANSWERS[1])
        assert bot.last_to(ellen).text.startswith("3/6 Wat ging goed?")
    before = {person.id: len(bot.messages_to(person)) for person in (ellen, jasper)}

    clock.advance(timedelta(minutes=5))
    async with ChatHarness.running(settings, telegram, clock) as restarted:
        resent = await restarted.round()
        assert [(m.chat_id, m.text.split("\n")[0]) for m in resent] == [
            (ellen.id, "4/6 Waar liep je tegenaan?")
        ]
        assert await restarted.round() == []
        await restarted.send(ellen, ANSWERS[2])
        assert restarted.last_to(ellen).text.startswith("5/6 Wat heb je geleerd?")
        await restarted.press(jasper, "3 ")
        assert restarted.last_to(jasper).text.startswith("2/6 Wat heb je gedaan?")
    assert len(bot.messages_to(jasper)) == before[jasper.id] + 1  # the mood was edited in place
    assert intro_count(bot, ellen) == intro_count(bot, jasper) == 1
    answers = await rows(settings, CheckinAnswer)
    assert sorted(a.step_key for a in answers) == ["mood", "mood", "q:0", "q:1", "q:2"]


async def test_bot_down_at_the_slot(
    bot: ChatHarness, world: World, clock: FakeClock, settings: Settings
) -> None:
    # Up again three hours after the slot: the check-in still opens, once.
    clock.now = MONDAY_0930 + timedelta(hours=3)
    assert len(await bot.round()) == 3
    assert await bot.round() == []
    # Down for all of the next Monday's grace window: recorded as missed, nobody prompted.
    clock.now = MONDAY_0930 + timedelta(days=7, hours=6, minutes=1)
    sent = await bot.round()
    assert all("Check-in" not in m.text for m in sent)
    runs = await rows(settings, CheckinRun)
    assert sorted((r.status, r.scheduled_for) for r in runs) == [
        (RunStatus.CLOSED, MONDAY_0930),
        (RunStatus.MISSED, MONDAY_0930 + timedelta(days=7)),
    ]


@pytest.mark.parametrize(
    ("before", "slot"),
    [
        # Last Sunday of March: clocks go forward; 09:30 CEST is 07:30 UTC.
        (datetime(2026, 3, 27, 12, 0, tzinfo=UTC), datetime(2026, 3, 30, 7, 30, tzinfo=UTC)),
        # Last Sunday of October: clocks go back; 09:30 CET is 08:30 UTC.
        (datetime(2026, 10, 23, 12, 0, tzinfo=UTC), datetime(2026, 10, 26, 8, 30, tzinfo=UTC)),
    ],
)
async def test_dst_weeks_keep_local_time(
    settings: Settings,
    telegram: FakeTelegram,
    admin: FakeUser,
    before: datetime,
    slot: datetime,
) -> None:
    clock = FakeClock(before)
    async with ChatHarness.running(settings, telegram, clock) as bot:
        member = telegram.user("Henkjan")
        await join(bot, member, await create_team(bot, admin, "Tijdteam"))
        await bot.round()
        clock.now = slot - timedelta(minutes=1)
        assert await bot.round() == []
        clock.now = slot
        assert [m.chat_id for m in await bot.round()] == [member.id]


async def test_away_members_are_not_prompted(
    bot: ChatHarness, world: World, clock: FakeClock, settings: Settings
) -> None:
    simon, kate = world.members
    await bot.send(simon, "/away 1-12")
    assert bot.last_to(simon).text.startswith("🌴 Tot en met 1 december 2026 stuur ik je geen")
    await bot.send(kate, "/away")
    await bot.press(kate, "7 days")
    clock.now = MONDAY_0930
    sent = await bot.round()
    assert [m.chat_id for m in sent] == [world.coordinator.id]
    prompts = {p.person_id: p.status for p in await rows(settings, CheckinPrompt)}
    assert sorted(prompts.values()) == [
        PromptStatus.AWAY,
        PromptStatus.AWAY,
        PromptStatus.PENDING,
    ] or sorted(prompts.values()) == [PromptStatus.ACTIVE, PromptStatus.AWAY, PromptStatus.AWAY]
    await bot.send(kate, "/back")
    assert bot.last_to(kate).text == "Welcome back! You will get the check-ins again."
    clock.now = MONDAY_0930 + timedelta(days=7)
    sent = await bot.round()
    assert sorted(m.chat_id for m in sent) == sorted(p.id for p in world.everyone)
    await bot.send(simon, "/away morgen")
    assert bot.last_to(simon).text.startswith("‘morgen’ is geen datum die ik begrijp.")


async def test_settings_buttons_and_a_holiday(
    bot: ChatHarness, world: World, clock: FakeClock, settings: Settings
) -> None:
    coordinator = world.coordinator
    await bot.send(coordinator, "/checkin")
    view = bot.last_to(coordinator)
    assert view.text.startswith("⚙️ Check-ins van Rattenaanpak Noord")
    assert "Wanneer: maandag om 09:30 (Europe/Amsterdam)" in view.text
    await bot.press(coordinator, "▫️vr")
    await bot.press(coordinator, "✅ma")
    await bot.press(coordinator, "🕘 Tijd: 09:30")
    await bot.send(coordinator, "8.45")
    assert "Wanneer: vrijdag om 08:45 (Europe/Amsterdam)" in bot.last_to(coordinator).text
    await bot.press(coordinator, "📝 Standaard")
    await bot.press(coordinator, "Start / Stop / Doorgaan")
    assert "Vragen: Start / Stop / Doorgaan" in bot.last_to(coordinator).text
    await bot.press(coordinator, "🕘 Tijd: 08:45")
    await bot.send(coordinator, "25:99")
    assert bot.last_to(coordinator).text.startswith("‘25:99’ is geen tijd die ik begrijp.")

    # Christmas Day 2026 is a Friday: skipped and recorded as such.
    clock.now = datetime(2026, 12, 25, 7, 45, tzinfo=UTC)
    assert await bot.round() == []
    runs = {run.scheduled_for: run for run in await rows(settings, CheckinRun)}
    christmas = runs[datetime(2026, 12, 25, 7, 45, tzinfo=UTC)]
    assert (christmas.status, christmas.note) == (RunStatus.SKIPPED, "holiday: Eerste kerstdag")
    # The Friday before fell while the bot was "off" in this test: recorded as missed.
    assert runs[datetime(2026, 12, 18, 7, 45, tzinfo=UTC)].status is RunStatus.MISSED
    clock.now = datetime(2027, 1, 1, 7, 45, tzinfo=UTC)  # New Year's Day, also a Friday
    await bot.round()
    clock.now = datetime(2027, 1, 8, 7, 45, tzinfo=UTC)
    sent = await bot.round()
    assert len(sent) == 3
    assert "Start: waar ga je mee beginnen?" not in sent[0].text  # the mood comes first

    # Pausing stops the schedule.
    await bot.send(coordinator, "/checkin")
    await bot.press(coordinator, "⏸ Pauzeren")
    assert "Gepauzeerd" in bot.last_to(coordinator).text
    clock.now = datetime(2027, 1, 15, 7, 45, tzinfo=UTC)
    assert [m for m in await bot.round() if "Check-in" in m.text] == []

    # Members may not touch the settings.
    await bot.send(world.members[0], "/checkin")
    assert bot.last_to(world.members[0]).text.startswith("Dit kan alleen een coördinator")


async def test_custom_questions_and_checkin_now(
    bot: ChatHarness, world: World, settings: Settings
) -> None:
    coordinator, simon = world.coordinator, world.members[0]
    await bot.send(coordinator, "/checkin")
    await bot.press(coordinator, "📝 Standaard")
    await bot.send(
        coordinator, "Wie heb je gesproken?\nWat viel je op? (les)\nWat ga je doen? (actie)"
    )
    assert "Vragen: Eigen vragen" in bot.last_to(coordinator).text
    await bot.send(coordinator, "/checkin now")
    assert bot.last_to(coordinator).text.startswith("Check-in van Rattenaanpak Noord geopend")
    await bot.round()
    assert intro_count(bot, simon) == 1
    await bot.press(simon, "4 ")
    await bot.send(simon, "De buurvrouw van nummer 12")
    await bot.send(simon, "Iedereen wil meedoen als je het vraagt")
    await bot.send(simon, "Een buurtborrel plannen")
    assert recap_to(bot, simon).text.startswith("Dank je wel!")
    [lesson] = await rows(settings, Lesson)
    assert lesson.text == "Iedereen wil meedoen als je het vraagt"
    [action] = await rows(settings, Action)
    assert action.text == "Een buurtborrel plannen"


async def test_blocked_members_are_marked_and_shown(
    bot: ChatHarness, world: World, clock: FakeClock, settings: Settings, telegram: FakeTelegram
) -> None:
    simon = world.members[0]
    await start_sprint(bot, world.coordinator, "Doel")
    telegram.blocked_by.add(simon.id)
    clock.now = MONDAY_0930
    await bot.round()
    [person] = await rows(settings, Person, Person.telegram_user_id == simon.id)
    assert person.unreachable_since == MONDAY_0930
    sends_to_simon = [
        c for c in telegram.calls if c.method == "sendMessage" and c.params["chat_id"] == simon.id
    ]
    await bot.round()
    assert len(
        [c for c in telegram.calls if c.method == "sendMessage" and c.params["chat_id"] == simon.id]
    ) == len(sends_to_simon)  # not retried
    await bot.send(world.coordinator, "/sprint")
    assert "⚠️ Niet bereikbaar (bot geblokkeerd): Simon" in bot.last_to(world.coordinator).text
    clock.now = MONDAY_0930 + timedelta(hours=24)
    await bot.round()
    assert bot.last_to(world.coordinator).text.startswith(
        "De check-in van Rattenaanpak Noord is gesloten. Niet bereikbaar"
    )
    # Next week, still blocked: not even tried.
    clock.now = MONDAY_0930 + timedelta(days=7)
    calls_before = len(telegram.calls)
    await bot.round()
    assert not [c for c in telegram.calls[calls_before:] if c.params.get("chat_id") == simon.id]


async def test_retry_after_is_obeyed_without_duplicates(
    bot: ChatHarness, world: World, clock: FakeClock, telegram: FakeTelegram
) -> None:
    kate = world.members[1]
    telegram.fail_next(
        "sendMessage", 429, "Too Many Requests: retry after 1", chat_id=kate.id, retry_after=1
    )
    clock.now = MONDAY_0930
    calls_before = len(telegram.calls)
    await bot.round()
    assert intro_count(bot, kate) == 1
    tries = [
        c
        for c in telegram.calls[calls_before:]
        if c.method == "sendMessage" and c.params["chat_id"] == kate.id
    ]
    assert len(tries) == 2  # the 429, then the real one


async def test_network_errors_are_retried(
    bot: ChatHarness, world: World, clock: FakeClock, telegram: FakeTelegram
) -> None:
    simon = world.members[0]
    for _ in range(3):  # more failures than one round retries
        telegram.fail_next("sendMessage", 502, "Bad Gateway", chat_id=simon.id)
    clock.now = MONDAY_0930
    await bot.round()
    assert intro_count(bot, simon) == 0
    await bot.round()
    assert intro_count(bot, simon) == 0  # backing off for 30 seconds
    clock.advance(timedelta(seconds=30))
    await bot.round()
    assert intro_count(bot, simon) == 1


async def test_two_instances_fire_the_same_slot_at_once(
    settings: Settings, telegram: FakeTelegram, clock: FakeClock, admin: FakeUser
) -> None:
    async with ChatHarness.running(settings, telegram, clock) as first:
        code = await create_team(bot=first, admin=admin, name="Dubbel")
        people = [telegram.user(f"Lid {i}") for i in range(12)]
        for person in people:
            await join(first, person, code)
        await first.round()
        clock.now = MONDAY_0930
        async with ChatHarness.running(settings, telegram, clock) as second:
            await asyncio.gather(first.round(), second.round(), first.round(), second.round())
    for person in people:
        assert intro_count(first, person) == 1, person.first_name
    runs = await rows(settings, CheckinRun)
    assert len(runs) == 1


async def test_two_instances_close_a_check_in_once(
    settings: Settings, telegram: FakeTelegram, clock: FakeClock, admin: FakeUser
) -> None:
    """Both instances find the check-in due to close at the same moment: the group hears
    it once."""
    async with ChatHarness.running(settings, telegram, clock) as first:
        code = await create_team(bot=first, admin=admin, name="Dubbel")
        coordinator = telegram.user("Aafke")
        await join(first, coordinator, code)
        await appoint(first, admin, coordinator)
        group = telegram.group("Dubbel groep")
        await first.send(coordinator, "/linkgroup", chat=group)
        await first.send(coordinator, "/checkin now")
        await first.round()
        clock.advance(timedelta(days=3))  # past the check-in's closing time
        async with ChatHarness.running(settings, telegram, clock) as second:
            for _ in range(3):
                await asyncio.gather(first.round(), second.round())
    closings = [m for m in first.messages_to(group) if "Check-in" in m.text]
    assert len(closings) == 1, [m.text for m in first.messages_to(group)]
    [run] = await rows(settings, CheckinRun, CheckinRun.kind == RunKind.MANUAL)
    assert run.status is RunStatus.CLOSED


async def test_a_member_in_another_time_zone_gets_the_team_time_in_their_zone(
    bot: ChatHarness, world: World, clock: FakeClock
) -> None:
    kate = world.members[1]
    await bot.send(kate, "/timezone Europe/London")
    assert bot.last_to(kate).text.startswith("Your time zone is now Europe/London.")
    await bot.send(kate, "/timezone Mars/Olympus")
    assert bot.last_to(kate).text.startswith("I do not know ‘Mars/Olympus’ as a time zone.")
    clock.now = MONDAY_0930
    sent = await bot.round()
    assert kate.id not in [m.chat_id for m in sent]
    clock.now = MONDAY_0930 + timedelta(hours=1)  # 09:30 in London
    assert [m.chat_id for m in await bot.round()] == [kate.id]


async def test_answers_reach_the_group_only_when_the_team_opts_in(
    bot: ChatHarness, world: World, clock: FakeClock, telegram: FakeTelegram
) -> None:
    group = telegram.group("Rattenaanpak groep")
    await bot.send(world.coordinator, "/linkgroup", chat=group)
    await bot.send(world.coordinator, "/checkin")
    await bot.press(world.coordinator, "👥 Antwoorden in groep: uit")
    assert "👥 Antwoorden in groep: aan" in bot.last_to(world.coordinator).button_texts()
    clock.now = MONDAY_0930
    await bot.round()
    await answer_all(bot, world.members[0])
    clock.now = MONDAY_0930 + timedelta(hours=24)
    await bot.round()
    shared = bot.last_to(group).text
    assert shared.startswith(
        "📋 Check-in van Rattenaanpak Noord gesloten: 1 van 3 leden deden mee."
    )
    assert "Wat ging goed?\n• Simon: Veel mensen deden mee" in shared


async def test_a_team_can_skip_one_sprint(
    bot: ChatHarness, world: World, clock: FakeClock, settings: Settings
) -> None:
    await start_sprint(bot, world.coordinator, "Rustig aan", weeks="1 wk")
    await bot.send(world.coordinator, "/checkin")
    await bot.press(world.coordinator, "⏭ Deze sprint overslaan")
    assert "Deze sprint worden geen check-ins gestuurd." in bot.last_to(world.coordinator).text
    clock.now = MONDAY_0930
    assert [m for m in await bot.round() if "Check-in" in m.text] == []
    [run] = await rows(settings, CheckinRun)
    assert (run.status, run.note) == (RunStatus.SKIPPED, "sprint skipped")
    # The sprint ends after a week; its retro still comes, and the next sprint checks in again.
    clock.now = MONDAY_0930 + timedelta(days=7)
    sent = await bot.round()
    assert any(m.text.startswith("🔁 De sprint van Rattenaanpak Noord is klaar") for m in sent)


async def test_a_change_left_open_when_the_checkin_closes_does_not_trap_the_member(
    bot: ChatHarness, world: World, clock: FakeClock, settings: Settings
) -> None:
    """Simon presses ✏️ on his recap and never types the new answer. The check-in closes, the
    next one opens: what he types now answers the new check-in, not the closed one."""
    simon = world.members[0]
    clock.now = MONDAY_0930
    await bot.round()
    await answer_all(bot, simon)
    await bot.press(simon, "✏️ 2")
    clock.now = MONDAY_0930 + timedelta(hours=24)
    await bot.round()  # closes the first check-in
    clock.now = MONDAY_0930 + timedelta(days=7)
    await bot.round()  # the next one opens
    await bot.press(simon, "4 ")
    await bot.press(simon, "Gedaan")  # last week's next step
    await bot.send(simon, "Containers besteld")
    assert bot.last_to(simon).text.startswith("4/7 Wat ging goed?")
    runs = await rows(settings, CheckinRun)
    newest = max(runs, key=lambda run: run.opened_at)
    prompts = await rows(settings, CheckinPrompt, CheckinPrompt.run_id == newest.id)
    ids = [prompt.id for prompt in prompts]
    answers = await rows(settings, CheckinAnswer, CheckinAnswer.prompt_id.in_(ids))
    assert "Containers besteld" in [answer.text for answer in answers]
    old_answers = await rows(settings, CheckinAnswer, CheckinAnswer.text == ANSWERS[0])
    assert len(old_answers) == 1  # the closed check-in's answer is unchanged


async def test_markup_typed_by_people_reaches_the_recap_as_plain_text(
    bot: ChatHarness, world: World, settings: Settings
) -> None:
    """A coordinator's question and a member's answers that look like HTML are shown as
    typed; the recap (and with it the ✏️ buttons and the lesson card) still arrives."""
    coordinator, simon = world.coordinator, world.members[0]
    await bot.send(coordinator, "/checkin")
    await bot.press(coordinator, "📝 Standaard")
    await bot.send(coordinator, "Wat ging <goed>?\nWat leerde je? (les)")
    await bot.send(coordinator, "/checkin now")
    await bot.round()
    await bot.press(simon, "4 ")
    await bot.send(simon, "<b>vet")
    replies = await bot.send(simon, "<script>x</script> & meer")
    recap = recap_to(bot, simon)
    assert "2. Wat ging <goed>?: <b>vet" in recap.text
    assert "3. Wat leerde je?: <script>x</script> & meer" in recap.text
    assert recap.button_texts()[:3] == ["✏️ 1", "✏️ 2", "✏️ 3"]
    assert any(reply.text.startswith("📘") for reply in replies)  # the lesson card
    [lesson] = await rows(settings, Lesson)
    assert lesson.text == "<script>x</script> & meer"
