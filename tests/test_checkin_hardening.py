"""Check-ins tried as a clumsy and a hostile member would: a shared lesson changed after the
consent, a network error at the last answer, edited messages, and two check-ins at once."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from bot.config import Settings
from bot.fakes.clock import FakeClock
from bot.fakes.harness import ChatHarness
from bot.fakes.telegram import BotMessage, FakeGroup, FakeTelegram, FakeUser, JsonDict
from storage.models import (
    BlockerThemeReview,
    CheckinAnswer,
    CheckinPrompt,
    CheckinRun,
    Lesson,
    LessonVisibility,
    Person,
    RunKind,
    RunStatus,
)
from tests.support.checkins import ANSWERS, MONDAY_0930
from tests.support.db import rows
from tests.support.flows import appoint, create_team, join

CHANGED_LESSON = "Vraag eerst de wijkagent om hulp bij de containers"


@dataclass
class Team:
    coordinator: FakeUser
    simon: FakeUser
    outsider: FakeUser  # a member of another team, who reads the city log


@pytest.fixture
async def team(bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram, clock: FakeClock) -> Team:
    """'Rattenaanpak Noord' (a coordinator and Simon) and 'Energie Oost' (Fatima), Monday 09:00."""
    code = await create_team(bot, admin, "Rattenaanpak Noord")
    coordinator, simon = telegram.user("Mostafa"), telegram.user("Simon")
    for person in (coordinator, simon):
        await join(bot, person, code)
    await appoint(bot, admin, coordinator)
    outsider = telegram.user("Fatima")
    await join(bot, outsider, await create_team(bot, admin, "Energie Oost", "Initiatief", "Oost"))
    await bot.round()  # the schedules start now: Monday 09:30, Europe/Amsterdam
    return Team(coordinator, simon, outsider)


async def send_message(
    bot: ChatHarness, user: FakeUser, text: str, chat: FakeGroup | None = None
) -> JsonDict:
    """Send like `bot.send`, keeping the update so the message can be edited later."""
    update = bot.telegram.message_update(user, text, chat)
    await bot.deliver(update, f"{user.first_name}: {text}")
    return update


async def edit_message(bot: ChatHarness, sent: JsonDict, new_text: str) -> list[BotMessage]:
    """What Telegram sends when a person edits a message they sent before."""
    message = dict(sent["message"], text=new_text, edit_date=sent["message"]["date"] + 60)
    if new_text.startswith("/"):
        command = new_text.split()[0]
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    else:
        message.pop("entities", None)
    update = {"update_id": bot.telegram.next_update_id(), "edited_message": message}
    return await bot.deliver(update, f"{message['from']['first_name']} edits: {new_text}")


async def answer_all_but_the_last(bot: ChatHarness, clock: FakeClock, person: FakeUser) -> None:
    """Monday's check-in opens and the person answers everything but the last question."""
    clock.now = MONDAY_0930
    await bot.round()
    await bot.press(person, "4 ")
    for text in ANSWERS[:-1]:
        await bot.send(person, text)


def recaps_to(bot: ChatHarness, person: FakeUser) -> list[BotMessage]:
    return [m for m in bot.messages_to(person) if m.text.startswith("Dank je wel!")]


def cards_to(bot: ChatHarness, person: FakeUser) -> list[BotMessage]:
    return [m for m in bot.messages_to(person) if m.text.startswith("📘 Je les voor")]


def blocker_cards_to(bot: ChatHarness, person: FakeUser) -> list[BotMessage]:
    return [m for m in bot.messages_to(person) if m.text.startswith("🚧 Je knelpunt voor")]


async def search_texts(bot: ChatHarness, person: FakeUser, words: str) -> str:
    return "\n".join(m.text for m in await bot.send(person, f"/search {words}"))


async def answers_of(settings: Settings, run_kind: RunKind | None = None) -> dict[str, str]:
    runs = await rows(settings, CheckinRun)
    run_ids = [run.id for run in runs if run_kind is None or run.kind is run_kind]
    prompts = await rows(settings, CheckinPrompt, CheckinPrompt.run_id.in_(run_ids))
    answers = await rows(
        settings, CheckinAnswer, CheckinAnswer.prompt_id.in_([p.id for p in prompts])
    )
    return {answer.step_key: answer.text or str(answer.mood) for answer in answers}


# --- 1. a shared lesson is not changed without consent ----------------------------------------


async def test_a_changed_shared_lesson_goes_back_to_its_author_before_anyone_sees_it(
    bot: ChatHarness, team: Team, clock: FakeClock, settings: Settings
) -> None:
    simon, fatima = team.simon, team.outsider
    clock.now = MONDAY_0930
    await bot.round()
    await bot.press(simon, "4 ")
    for text in ANSWERS:
        await bot.send(simon, text)
    await bot.press(simon, "🕶 Anoniem delen")
    assert ANSWERS[3] in await search_texts(bot, fatima, "gebiedsmakelaar")

    await bot.press(simon, "✏️ 5")
    replies = await bot.send(simon, CHANGED_LESSON)
    recap, card = replies
    assert f"5. Wat heb je geleerd?: {CHANGED_LESSON}" in recap.text
    assert "🔒 Je les is veranderd." in recap.text
    assert "staat nu niet meer in het steunpunt" in recap.text
    assert card.text.startswith("📘 Je les voor Rattenaanpak Noord:")
    assert CHANGED_LESSON in card.text
    assert "🕶 Anoniem delen" in card.button_texts()

    # Neither the new text (no consent yet) nor the old one (changed) is in the city log.
    assert CHANGED_LESSON not in await search_texts(bot, fatima, "wijkagent")
    assert ANSWERS[3] not in await search_texts(bot, fatima, "gebiedsmakelaar")
    [lesson] = await rows(settings, Lesson)
    assert (lesson.text, lesson.visibility, lesson.decided_at) == (
        CHANGED_LESSON,
        LessonVisibility.TEAM,
        None,
    )
    assert lesson.anonymous  # a name once hidden stays hidden, even in the team

    await bot.press(simon, "🕶 Anoniem delen")
    found = await search_texts(bot, fatima, "wijkagent")
    assert CHANGED_LESSON in found
    assert "Simon" not in found


async def test_the_same_lesson_text_again_keeps_the_choice(
    bot: ChatHarness, team: Team, clock: FakeClock, settings: Settings
) -> None:
    simon = team.simon
    clock.now = MONDAY_0930
    await bot.round()
    await bot.press(simon, "4 ")
    for text in ANSWERS:
        await bot.send(simon, text)
    await bot.press(simon, "🌍 Delen met steunpunt")
    await bot.press(simon, "✏️ 5")
    replies = await bot.send(simon, ANSWERS[3])
    assert [m.text.split("\n")[0] for m in replies] == [
        "Dank je wel! Dit heb ik bewaard voor Rattenaanpak Noord:"
    ]
    [lesson] = await rows(settings, Lesson)
    assert lesson.visibility is LessonVisibility.CITY
    assert lesson.decided_at is not None


# --- 2. the recap and the lesson card survive a network error ---------------------------------


@pytest.mark.parametrize("failures", [1, 2], ids=["recap lost", "recap and card lost"])
async def test_a_network_error_at_the_last_answer_loses_neither_recap_nor_card(
    bot: ChatHarness,
    team: Team,
    clock: FakeClock,
    settings: Settings,
    telegram: FakeTelegram,
    failures: int,
) -> None:
    simon = team.simon
    await answer_all_but_the_last(bot, clock, simon)
    for _ in range(failures):
        telegram.fail_next("sendMessage", 502, "Bad Gateway", chat_id=simon.id)
    replies = await bot.send(simon, ANSWERS[-1])
    assert not [m for m in replies if "iets mis" in m.text]  # no generic error either
    assert recaps_to(bot, simon) == []
    assert len(cards_to(bot, simon)) == 2 - failures

    clock.advance(timedelta(minutes=1))
    resent = await bot.round()
    assert [m.text.split("\n")[0] for m in resent] == [
        "Dank je wel! Dit heb ik bewaard voor Rattenaanpak Noord:",
        *(["📘 Je les voor Rattenaanpak Noord:"] if failures == 2 else []),
    ]
    assert "✏️ 6" in recaps_to(bot, simon)[0].button_texts()
    clock.advance(timedelta(minutes=1))
    assert await bot.round() == []
    assert len(recaps_to(bot, simon)) == len(cards_to(bot, simon)) == 1
    # The blocker card arrived at the answer (after the lost ones) and is not sent again.
    assert len(blocker_cards_to(bot, simon)) == 1

    await bot.press(simon, "🌍 Delen met steunpunt")
    [lesson] = await rows(settings, Lesson)
    assert lesson.visibility is LessonVisibility.CITY


async def test_a_recap_and_cards_that_arrive_are_recorded_and_the_claim_ends_with_them(
    bot: ChatHarness, team: Team, clock: FakeClock, settings: Settings
) -> None:
    """The record of the last card also ends the answer's claim on the prompt: nothing is
    owed, nothing stays claimed, and no round sends anything again."""
    simon = team.simon
    await answer_all_but_the_last(bot, clock, simon)
    await bot.send(simon, ANSWERS[-1])
    assert len(recaps_to(bot, simon)) == len(cards_to(bot, simon)) == 1
    assert len(blocker_cards_to(bot, simon)) == 1
    [person] = await rows(settings, Person, Person.telegram_user_id == simon.id)
    [prompt] = await rows(settings, CheckinPrompt, CheckinPrompt.person_id == person.id)
    assert (prompt.recap_sent_at, prompt.cards_sent_at, prompt.claimed_at) == (
        clock.now,
        clock.now,
        None,
    )
    [review] = await rows(settings, BlockerThemeReview)
    assert review.offered_at == clock.now
    clock.advance(timedelta(minutes=20))  # long past any claim's staleness
    assert await bot.round() == []


async def test_a_recap_that_keeps_failing_backs_off_and_arrives_once(
    bot: ChatHarness, team: Team, clock: FakeClock, telegram: FakeTelegram
) -> None:
    simon = team.simon
    await answer_all_but_the_last(bot, clock, simon)
    # The answer's own replies (the recap, the lesson card, the blocker card), then the first
    # round's try.
    for _ in range(4):
        telegram.fail_next("sendMessage", 502, "Bad Gateway", chat_id=simon.id)
    await bot.send(simon, ANSWERS[-1])
    await bot.round()
    assert recaps_to(bot, simon) == []
    assert await bot.round() == []  # backing off
    clock.advance(timedelta(seconds=30))
    await bot.round()
    clock.advance(timedelta(minutes=5))
    await bot.round()
    assert len(recaps_to(bot, simon)) == len(cards_to(bot, simon)) == 1


async def test_a_recap_whose_sender_died_is_sent_once_the_claim_is_stale(
    bot: ChatHarness, team: Team, clock: FakeClock
) -> None:
    """The bot stored the last answer and died before it sent the recap: a round after the
    claim went stale sends it, once."""
    simon = team.simon
    await answer_all_but_the_last(bot, clock, simon)
    services = bot.services
    actor = await services.directory.identify(simon.id, simon.first_name, None, "nl")
    await services.checkins.answer_text(actor, ANSWERS[-1])  # stored; nothing sent
    assert recaps_to(bot, simon) == []
    clock.advance(timedelta(minutes=5))
    assert await bot.round() == []  # still claimed by the update
    clock.advance(timedelta(minutes=6))
    await bot.round()
    clock.advance(timedelta(minutes=1))
    await bot.round()
    assert len(recaps_to(bot, simon)) == len(cards_to(bot, simon)) == 1


async def test_a_recap_telegram_refuses_is_not_retried_forever_and_the_card_still_comes(
    bot: ChatHarness, team: Team, clock: FakeClock, telegram: FakeTelegram
) -> None:
    simon = team.simon
    await answer_all_but_the_last(bot, clock, simon)
    # The recap and the cards at the answer, the recap again in the round.
    for _ in range(4):
        telegram.fail_next("sendMessage", 400, "Bad Request: planned failure", chat_id=simon.id)
    await bot.send(simon, ANSWERS[-1])
    clock.advance(timedelta(minutes=1))
    sent = await bot.round()
    assert [m.text.split("\n")[0] for m in sent] == [
        "📘 Je les voor Rattenaanpak Noord:",
        "🚧 Je knelpunt voor Rattenaanpak Noord:",
    ]
    for _ in range(3):
        clock.advance(timedelta(minutes=11))
        assert await bot.round() == []
    assert recaps_to(bot, simon) == []
    assert len(cards_to(bot, simon)) == 1


# --- 3. edited messages -------------------------------------------------------------------------


async def test_editing_an_answer_changes_that_answer_not_the_next(
    bot: ChatHarness, team: Team, clock: FakeClock, settings: Settings
) -> None:
    simon = team.simon
    clock.now = MONDAY_0930
    await bot.round()
    await bot.press(simon, "4 ")
    first = await send_message(bot, simon, "Met de buurt de ratenkaart gemaakt")
    await bot.send(simon, ANSWERS[1])
    replies = await edit_message(bot, first, ANSWERS[0])
    assert [m.text for m in replies] == ["✏️ Aangepast: je antwoord op ‘Wat heb je gedaan?’."]
    assert await answers_of(settings) == {"mood": "4", "q:0": ANSWERS[0], "q:1": ANSWERS[1]}
    # The next typed answer still answers the question Simon is on.
    await bot.send(simon, ANSWERS[2])
    assert bot.last_to(simon).text.startswith("5/6 Wat heb je geleerd?")
    assert (await answers_of(settings))["q:2"] == ANSWERS[2]


async def test_editing_a_typed_mood_changes_the_mood(
    bot: ChatHarness, team: Team, clock: FakeClock, settings: Settings
) -> None:
    simon = team.simon
    clock.now = MONDAY_0930
    await bot.round()
    mood = await send_message(bot, simon, "2")
    assert bot.last_to(simon).text.startswith("2/6 Wat heb je gedaan?")
    replies = await edit_message(bot, mood, "5")
    assert [m.text for m in replies] == ["✏️ Aangepast: je antwoord op ‘Energie’."]
    replies = await edit_message(bot, mood, "heel goed")
    assert replies[-1].text.startswith("Kies een antwoord met de knoppen")
    assert await answers_of(settings) == {"mood": "5"}


async def test_editing_the_lesson_answer_after_the_recap_updates_recap_and_card(
    bot: ChatHarness, team: Team, clock: FakeClock, settings: Settings
) -> None:
    simon, fatima = team.simon, team.outsider
    clock.now = MONDAY_0930
    await bot.round()
    await bot.press(simon, "4 ")
    sent = {}
    for text in ANSWERS:
        sent[text] = await send_message(bot, simon, text)
    await bot.press(simon, "🌍 Delen met steunpunt")
    replies = await edit_message(bot, sent[ANSWERS[3]], CHANGED_LESSON)
    edited, recap, card = replies
    assert edited.text == "✏️ Aangepast: je antwoord op ‘Wat heb je geleerd?’."
    assert f"5. Wat heb je geleerd?: {CHANGED_LESSON}" in recap.text
    assert "🔒 Je les is veranderd." in recap.text
    assert CHANGED_LESSON in card.text
    assert CHANGED_LESSON not in await search_texts(bot, fatima, "wijkagent")
    [lesson] = await rows(settings, Lesson)
    assert lesson.decided_at is None
    assert len(await rows(settings, CheckinAnswer)) == 6


async def test_an_edit_after_the_checkin_closed_keeps_the_answer(
    bot: ChatHarness, team: Team, clock: FakeClock, settings: Settings
) -> None:
    simon = team.simon
    clock.now = MONDAY_0930
    await bot.round()
    await bot.press(simon, "4 ")
    first = await send_message(bot, simon, ANSWERS[0])
    clock.now = MONDAY_0930 + timedelta(hours=24)
    await bot.round()
    replies = await edit_message(bot, first, "Iets heel anders")
    assert [m.text for m in replies] == [
        "Deze check-in is al gesloten; je antwoord blijft zoals het was."
    ]
    assert (await answers_of(settings))["q:0"] == ANSWERS[0]


async def test_an_edited_command_or_flow_text_gets_a_note_and_no_second_lesson(
    bot: ChatHarness, team: Team, settings: Settings
) -> None:
    simon = team.simon
    command = await send_message(bot, simon, "/lesson Bewoners reageren beter op een flyer")
    assert len(await rows(settings, Lesson)) == 1
    replies = await edit_message(bot, command, "/lesson Bewoners reageren beter op een brief")
    assert [m.text for m in replies] == [
        "Je hebt een bericht aangepast. Aanpassingen lees ik niet; stuur het gerust opnieuw als "
        "nieuw bericht."
    ]
    [lesson] = await rows(settings, Lesson)
    assert lesson.text == "Bewoners reageren beter op een flyer"

    # Text that answered nothing (here: outside any check-in) is not taken as new either.
    chat = await send_message(bot, simon, "hallo")
    replies = await edit_message(bot, chat, "hallo daar")
    assert [m.text for m in replies] == [
        "Je hebt een bericht aangepast. Aanpassingen lees ik niet; stuur het gerust opnieuw als "
        "nieuw bericht."
    ]


async def test_edits_in_a_group_are_left_alone(
    bot: ChatHarness, team: Team, telegram: FakeTelegram, settings: Settings
) -> None:
    group = telegram.group("Rattenaanpak groep")
    await bot.send(team.coordinator, "/linkgroup", chat=group)
    for text in ("/linkgroup", "/lesson In de groep", "gewoon praten"):
        sent = await send_message(bot, team.coordinator, text, chat=group)
        assert await edit_message(bot, sent, text + " (aangepast)") == []
    assert await rows(settings, Lesson) == []


# --- 4. two check-ins at once ------------------------------------------------------------------


async def test_a_second_checkin_while_one_is_open_is_refused(
    bot: ChatHarness, team: Team, clock: FakeClock, settings: Settings
) -> None:
    coordinator, simon = team.coordinator, team.simon
    await bot.send(coordinator, "/checkin now")
    assert bot.last_to(coordinator).text.startswith("Check-in van Rattenaanpak Noord geopend")
    await bot.round()
    await bot.send(coordinator, "/checkin now")
    # Opened at 09:00 Amsterdam time, open for 24 hours.
    assert bot.last_to(coordinator).text == (
        "Er loopt al een check-in voor dit team. Die sluit op 1 december 2026 om 09:00; daarna "
        "kun je een nieuwe openen."
    )
    await bot.send(coordinator, "/checkin")
    await bot.press(coordinator, "📨 Nu een check-in sturen")
    assert bot.last_to(coordinator).text.startswith("Er loopt al een check-in voor dit team.")

    # The scheduled 09:30 falls while it is open: recorded as skipped, nobody asked twice.
    clock.now = MONDAY_0930
    sent = await bot.round()
    assert not [m for m in sent if "Check-in van Rattenaanpak" in m.text]
    [manual] = await rows(settings, CheckinRun, CheckinRun.kind == RunKind.MANUAL)
    runs = await rows(settings, CheckinRun, CheckinRun.team_id == manual.team_id)
    runs.sort(key=lambda run: run.id)
    assert [(run.kind, run.status, run.note) for run in runs] == [
        (RunKind.MANUAL, RunStatus.OPEN, None),
        (RunKind.SCHEDULED, RunStatus.SKIPPED, "previous check-in still open"),
    ]
    assert sum("Check-in van Rattenaanpak" in m.text for m in bot.messages_to(simon)) == 1

    # Once it has closed, the next Monday opens as usual.
    clock.now = MONDAY_0930 + timedelta(days=7)
    sent = await bot.round()
    assert simon.id in [m.chat_id for m in sent if "Check-in van" in m.text]


async def test_a_typed_answer_goes_to_the_question_asked_last(
    bot: ChatHarness, team: Team, clock: FakeClock, settings: Settings
) -> None:
    """A retro (the sprint closed early) opens while the Monday check-in is still open: Simon
    answers the newer one, and what he types answers its question, not the older one's mood."""
    coordinator, simon = team.coordinator, team.simon
    await bot.send(coordinator, "/sprint Minder ratten")
    await bot.press(coordinator, "2 wk")
    clock.now = MONDAY_0930
    await bot.round()
    await bot.send(coordinator, "/sprint")
    await bot.press(coordinator, "🏁 Sprint afsluiten")
    await bot.press(coordinator, "Ja, afsluiten")
    await bot.round()
    assert bot.last_to(simon).text.startswith("🔁 De sprint van Rattenaanpak Noord is klaar")
    await bot.press(simon, "3 ")  # the newest mood buttons: the retro's
    question = bot.last_to(simon).text
    assert question.startswith("2/")
    await bot.send(simon, "Samen met de buren")
    assert bot.last_to(simon).text.startswith("3/")
    assert await answers_of(settings, RunKind.RETRO) == {"mood": "3", "q:0": "Samen met de buren"}
    assert await answers_of(settings, RunKind.SCHEDULED) == {}

    # A minute later, back to the Monday check-in: its mood, and the typed answer follows it.
    clock.advance(timedelta(minutes=1))
    await bot.press(simon, "4 ")  # only the Monday mood buttons are left
    assert bot.last_to(simon).text.startswith("2/6 Wat heb je gedaan?")
    await bot.send(simon, ANSWERS[0])
    assert bot.last_to(simon).text.startswith("3/6 Wat ging goed?")
    assert await answers_of(settings, RunKind.SCHEDULED) == {"mood": "4", "q:0": ANSWERS[0]}


EDIT_NOTE = (
    "Je hebt een bericht aangepast. Aanpassingen lees ik niet; stuur het gerust opnieuw als "
    "nieuw bericht."
)


@pytest.mark.parametrize(
    "text",
    [
        "/start",
        "/help",
        "/join ABC",
        "/newteam Dubbel team",
        "/search ratten",
        "/sprint Nieuw doel",
        "/checkin now",
        "/skip",
        "/away 7",
        "/back",
        "/cancel",
        "/timezone Europe/London",
        "/onbekend",
        "gewoon tekst",
    ],
)
async def test_no_other_handler_takes_an_edited_message(
    bot: ChatHarness, team: Team, settings: Settings, text: str
) -> None:
    """Every command and plain text, edited: one short note, nothing done twice."""
    sent = await send_message(bot, team.coordinator, "/help")
    runs_before = len(await rows(settings, CheckinRun))
    replies = await edit_message(bot, sent, text)
    assert [m.text for m in replies] == [EDIT_NOTE]
    assert len(await rows(settings, CheckinRun)) == runs_before


@pytest.mark.parametrize("how", ["press", "type"])
async def test_an_answer_back_before_the_delivery_is_recorded_is_kept(
    bot: ChatHarness,
    team: Team,
    clock: FakeClock,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    how: str,
) -> None:
    """Someone answers the first question the instant it arrives, while the round that sent
    it has not yet recorded the delivery: the answer counts, the question is marked answered,
    the next one follows once, and no round sends anything again."""
    simon = team.simon
    checkins = bot.services.checkins
    recorded = asyncio.Event()
    answered = asyncio.Event()
    record_delivery = checkins.delivered

    async def slow_delivered(prompt_id: int, index: int, now: datetime | None = None) -> None:
        if index == 0:  # the round's first questions: at Telegram, their delivery not recorded
            recorded.set()
            await answered.wait()
        await record_delivery(prompt_id, index, now)

    monkeypatch.setattr(checkins, "delivered", slow_delivered)
    clock.now = MONDAY_0930
    wave = asyncio.create_task(bot.round())
    try:
        await asyncio.wait_for(recorded.wait(), 5)
        for _ in range(500):  # every question of the wave goes out side by side
            if bot.last_to(simon).text.startswith("👋 Check-in van"):
                break
            await asyncio.sleep(0.01)
        if how == "press":
            await bot.press(simon, "4 ")
            first = bot.messages_to(simon)[-2]
            assert first.text.startswith("👋 Check-in van Rattenaanpak Noord")
            assert first.buttons == []  # the pressed question shows the answer, no buttons
        else:
            await bot.send(simon, "4")
        assert bot.last_to(simon).text.startswith("2/")  # the next question
    finally:
        answered.set()
        await wave
    monkeypatch.setattr(checkins, "delivered", record_delivery)
    for _ in range(2):
        clock.advance(timedelta(minutes=11))  # past any claim's staleness
        await bot.round()
    texts = [m.text for m in bot.messages_to(simon)]
    assert sum(text.startswith("👋 Check-in van") for text in texts) == 1
    assert sum(text.startswith("2/") for text in texts) == 1
    [mood] = await rows(settings, CheckinAnswer, CheckinAnswer.step_key == "mood")
    assert mood.mood == 4
    prompt = (await rows(settings, CheckinPrompt, CheckinPrompt.id == mood.prompt_id))[0]
    assert (prompt.step, prompt.asked_step) == (1, 1)
