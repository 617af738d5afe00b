"""Check-ins, sprints, check-in settings, templates and schedule rules at the service level (no
Telegram): typed steps, the tick with a fake clock, answering, changing, away, sprints and
settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.fakes.clock import FakeClock
from bot.services.checkins import Recap, StepView, slot_key
from bot.services.common import Actor
from bot.services.conversations import AnswerChangeState, SettingsInputState, SprintState
from bot.services.templates import (
    LESSON,
    NEXT_STEP,
    Question,
    Step,
    StepKind,
    questions_from_json,
    steps_as_json,
    steps_from_json,
)
from storage.models import (
    Action,
    ActionStatus,
    CheckinAnswer,
    CheckinPrompt,
    CheckinRun,
    CheckinSchedule,
    Lesson,
    LessonVisibility,
    Person,
    PromptStatus,
    RunKind,
    RunStatus,
    Sprint,
    Team,
)
from tests.support.checkins import ANSWERS, MONDAY_0930
from tests.support.services import PlainServices, refused

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@dataclass
class Crew:
    """'Rattenaanpak Noord' with a coordinator and two members, on Monday 09:00."""

    team: Team
    mostafa: Actor  # coordinator
    simon: Actor
    kate: Actor  # English Telegram app


@pytest.fixture
async def crew(services: PlainServices) -> Crew:
    async with services.together():
        mostafa = await services.person(701, "Mostafa")
        simon, kate = await services.person(702, "Simon"), await services.person(703, "Kate", "en")
        team, _ = await services.team(
            "Rattenaanpak Noord", coordinator=mostafa, members=(simon, kate)
        )
    return Crew(team, mostafa, simon, kate)


async def open_checkin(services: PlainServices, team: Team, key: str = "manual:1") -> int:
    """A check-in opened now, its first questions delivered (as the courier does)."""
    now = services.clock.now
    run_id = await services.checkins.open_run(team.id, RunKind.MANUAL, key, now, now)
    assert run_id is not None
    await deliver(services)
    return run_id


async def deliver(services: PlainServices) -> dict[int, int]:
    """Deliver every due question; telegram user id → prompt id."""
    delivered = {}
    for delivery in await services.checkins.claim_deliveries():
        await services.checkins.delivered(delivery.prompt_id, delivery.step.index)
        delivered[delivery.telegram_user_id] = delivery.prompt_id
    return delivered


async def prompt_of(services: PlainServices, person: Actor, run_id: int) -> CheckinPrompt:
    [prompt] = await services.rows(
        CheckinPrompt,
        CheckinPrompt.run_id == run_id,
        CheckinPrompt.person_id == person.person_id,
    )
    return prompt


async def answer_all(services: PlainServices, person: Actor, prompt_id: int) -> Recap:
    step: StepView | Recap | None = await services.checkins.answer_mood(person, prompt_id, 4)
    for text in ANSWERS:
        assert isinstance(step, StepView)
        step = await services.checkins.answer_text(person, text)
    assert isinstance(step, Recap)
    return step


# --- typed steps (no database) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "stored"),
    [
        (Step.mood(), {"key": "mood", "kind": "mood"}),
        (
            Step.action(3, "Bel de wethouder"),
            {"key": "action:3", "kind": "action", "action_id": 3, "text": "Bel de wethouder"},
        ),
        (Step.question(0), {"key": "q:0", "kind": "text", "question": 0}),
        (Step.question(4), {"key": "q:4", "kind": "text", "question": 4}),
    ],
)
def test_steps_round_trip_through_json(step: Step, stored: dict[str, Any]) -> None:
    assert step.as_json() == stored
    assert Step.from_json(stored) == step


def test_steps_are_read_from_the_stored_format() -> None:
    stored = {
        "steps": [
            {"key": "mood", "kind": "mood"},
            {"key": "action:3", "kind": "action", "action_id": 3, "text": "Bel de wethouder"},
            {"key": "q:0", "kind": "text", "question": 0},
        ]
    }
    steps = steps_from_json(stored)
    assert steps == [Step.mood(), Step.action(3, "Bel de wethouder"), Step.question(0)]
    assert [(s.kind, s.action_id, s.action_text, s.question_index) for s in steps] == [
        (StepKind.MOOD, None, None, None),
        (StepKind.ACTION, 3, "Bel de wethouder", None),
        (StepKind.TEXT, None, None, 0),
    ]
    assert steps_as_json(steps) == stored
    assert steps_from_json({}) == []


# --- opening check-ins ---------------------------------------------------------------------------


async def test_tick_opens_the_slot_once(
    services: PlainServices, crew: Crew, clock: FakeClock
) -> None:
    checkins = services.checkins
    assert (await checkins.tick()).opened == []  # Monday 09:00: the default schedule starts
    [schedule] = await services.rows(CheckinSchedule)
    assert (schedule.weekdays, schedule.time_of_day, schedule.timezone) == (
        "0",
        "09:30",
        "Europe/Amsterdam",
    )
    clock.now = MONDAY_0930 - timedelta(minutes=1)
    assert (await checkins.tick()).opened == []
    clock.now = MONDAY_0930
    report = await checkins.tick()
    assert len(report.opened) == 1
    assert (await checkins.tick()).opened == []  # ticked twice: opened once
    clock.advance(timedelta(minutes=5))
    assert (await checkins.tick()).opened == []
    [run] = await services.rows(CheckinRun)
    assert (run.id, run.kind, run.status, run.slot_key, run.scheduled_for) == (
        report.opened[0],
        RunKind.SCHEDULED,
        RunStatus.OPEN,
        slot_key(MONDAY_0930),
        MONDAY_0930,
    )
    assert run.closes_at == MONDAY_0930 + timedelta(hours=24)
    prompts = await services.rows(CheckinPrompt)
    assert sorted(p.person_id for p in prompts) == sorted(
        p.person_id for p in (crew.mostafa, crew.simon, crew.kate)
    )
    assert {p.status for p in prompts} == {PromptStatus.PENDING}
    assert [s.key for s in steps_from_json(prompts[0].steps)] == [
        "mood",
        *(f"q:{i}" for i in range(5)),
    ]
    deliveries = await checkins.claim_deliveries()
    assert sorted(d.telegram_user_id for d in deliveries) == [701, 702, 703]
    assert {(d.first, d.step.index, d.step.total, d.step.kind) for d in deliveries} == {
        (True, 0, 6, StepKind.MOOD)
    }
    assert {d.language for d in deliveries if d.telegram_user_id == 703} == {"en"}
    assert await checkins.claim_deliveries() == []  # claimed: sent once
    # The slot's key is taken: opening it again (another instance, a late tick) does nothing.
    again = await checkins.open_run(
        crew.team.id, RunKind.SCHEDULED, slot_key(MONDAY_0930), MONDAY_0930, clock.now
    )
    assert again is None
    assert len(await services.rows(CheckinRun)) == 1
    assert len(await services.rows(CheckinPrompt)) == 3
    # A day later the check-in closes, once.
    clock.now = MONDAY_0930 + timedelta(hours=24)
    closed = (await checkins.tick()).closed
    assert [c.run_id for c in closed] == [run.id]
    assert (await checkins.tick()).closed == []
    [run] = await services.rows(CheckinRun)
    assert (run.status, run.closed_at) == (RunStatus.CLOSED, clock.now)


async def test_away_members_are_held_back(
    services: PlainServices, crew: Crew, clock: FakeClock
) -> None:
    await services.checkins.tick()
    await services.checkins.away_for_days(crew.simon, 7)
    clock.now = MONDAY_0930
    [run_id] = (await services.checkins.tick()).opened
    statuses = {p.person_id: p.status for p in await services.rows(CheckinPrompt)}
    assert statuses == {
        crew.mostafa.person_id: PromptStatus.PENDING,
        crew.simon.person_id: PromptStatus.AWAY,
        crew.kate.person_id: PromptStatus.PENDING,
    }
    # Going away holds back a question that is waiting to be sent, too.
    await services.checkins.away_for_days(crew.kate, 1)
    assert (await prompt_of(services, crew.kate, run_id)).status is PromptStatus.AWAY
    assert [d.telegram_user_id for d in await services.checkins.claim_deliveries()] == [701]


# --- answering -----------------------------------------------------------------------------------


MOOD_REFUSALS: list[tuple[str, Any, str]] = [
    ("button", 0, "checkin.mood_range"),
    ("button", 6, "checkin.mood_range"),
    ("typed", "great", "checkin.use_buttons"),
    ("typed", "6", "checkin.use_buttons"),
    ("typed", "0", "checkin.use_buttons"),
    ("typed", "4.5", "checkin.use_buttons"),
]
MOOD_ANSWERS: list[tuple[str, str, Any, int]] = [
    ("mostafa", "button", 1, 1),
    ("simon", "typed", " 3 ", 3),  # a digit typed at the mood question answers it
    ("kate", "typed", "5", 5),
]


async def answer_mood_as(
    services: PlainServices, person: Actor, prompt_id: int, how: str, given: Any
) -> object:
    if how == "button":
        return await services.checkins.answer_mood(person, prompt_id, given)
    return await services.checkins.answer_text(person, given)


async def test_the_mood(services: PlainServices, crew: Crew) -> None:
    run_id = await open_checkin(services, crew.team)
    prompts = {
        name: (await prompt_of(services, getattr(crew, name), run_id)).id
        for name in ("mostafa", "simon", "kate")
    }
    for how, given, key in MOOD_REFUSALS:
        await refused(key, answer_mood_as(services, crew.simon, prompts["simon"], how, given))
    assert await services.rows(CheckinAnswer) == []
    assert (await prompt_of(services, crew.simon, run_id)).step == 0
    for name, how, given, _mood in MOOD_ANSWERS:
        step = await answer_mood_as(services, getattr(crew, name), prompts[name], how, given)
        assert isinstance(step, StepView)
        assert (step.index, step.kind, step.key) == (1, StepKind.TEXT, "q:0"), name
    # Answering the mood again changes it and stays at the question after it.
    step = await services.checkins.answer_mood(crew.mostafa, prompts["mostafa"], 2)
    assert isinstance(step, StepView)
    assert step.index == 1
    answers = await services.rows(CheckinAnswer)
    assert sorted((a.prompt_id, a.step_key, a.mood, a.skipped) for a in answers) == sorted(
        [
            (prompts["mostafa"], "mood", 2, False),
            (prompts["simon"], "mood", 3, False),
            (prompts["kate"], "mood", 5, False),
        ]
    )


async def test_a_whole_checkin_ends_in_a_recap_with_the_lesson_card(
    services: PlainServices, crew: Crew, clock: FakeClock
) -> None:
    run_id = await open_checkin(services, crew.team)
    prompt = await prompt_of(services, crew.simon, run_id)
    checkins = services.checkins
    current = await checkins.current_step(crew.simon)
    assert current is not None
    assert (current.prompt_id, current.index, current.kind) == (prompt.id, 0, StepKind.MOOD)
    # Only the question that is open may be answered.
    await refused(
        "checkin.not_yet",
        checkins.finish_change(crew.simon, AnswerChangeState(prompt.id, 2), "te vroeg"),
    )
    step: StepView | Recap | None = await checkins.answer_mood(crew.simon, prompt.id, 4)
    for index, text in enumerate(ANSWERS, start=1):
        assert isinstance(step, StepView)
        assert (step.index, step.total, step.key) == (index, 6, f"q:{index - 1}")
        assert step.question is not None
        assert step.question.key == f"question.default.{index - 1}"
        step = await checkins.answer_text(crew.simon, f"  {text} ")
    recap = step
    assert isinstance(recap, Recap)
    assert (recap.prompt_id, recap.team_name, recap.editable) == (
        prompt.id,
        "Rattenaanpak Noord",
        True,
    )
    assert recap.closes_at == clock.now + timedelta(hours=24)
    assert [item.step.key for item in recap.items] == ["mood", "q:0", "q:1", "q:2", "q:3", "q:4"]
    assert [item.answer.text for item in recap.items[1:] if item.answer] == ANSWERS
    assert recap.items[0].answer is not None
    assert recap.items[0].answer.mood == 4
    assert [item.question.role for item in recap.items[1:] if item.question] == [
        None,
        None,
        None,
        LESSON,
        NEXT_STEP,
    ]
    # The lesson answer is a lesson of the team, waiting for Simon's choice.
    [card] = recap.lesson_cards
    assert (card.lesson.text, card.lesson.team_id, card.lesson.decided) == (
        ANSWERS[3],
        crew.team.id,
        False,
    )
    [lesson] = await services.rows(Lesson)
    assert (lesson.id, lesson.visibility, lesson.author_id, lesson.decided_at) == (
        card.lesson.id,
        LessonVisibility.TEAM,
        crew.simon.person_id,
        None,
    )
    [action] = await services.rows(Action)
    assert (action.text, action.status, action.owner_id) == (
        ANSWERS[4],
        ActionStatus.OPEN,
        crew.simon.person_id,
    )
    done = await prompt_of(services, crew.simon, run_id)
    assert (done.status, done.step, done.completed_at) == (PromptStatus.DONE, 6, clock.now)
    # Nothing is open any more.
    assert await checkins.current_step(crew.simon) is None
    assert await checkins.answer_text(crew.simon, "nog iets") is None
    assert await checkins.skip(crew.simon) is None
    # Once decided, the recap no longer offers the card.
    await services.lessons.decide(crew.simon, lesson.id, "team")
    recap = await checkins.answer_mood(crew.simon, prompt.id, 5)  # a changed mood
    assert isinstance(recap, Recap)
    assert recap.lesson_cards == []


async def test_the_next_step_is_asked_about_at_the_next_checkin(
    services: PlainServices, crew: Crew, clock: FakeClock
) -> None:
    first = await open_checkin(services, crew.team, "manual:1")
    await answer_all(services, crew.simon, (await prompt_of(services, crew.simon, first)).id)
    [action] = await services.rows(Action)
    await services.checkins.close_run(first, clock.now)
    clock.advance(timedelta(days=7))
    second = await open_checkin(services, crew.team, "manual:2")
    prompt = await prompt_of(services, crew.simon, second)
    assert [s.key for s in steps_from_json(prompt.steps)][:3] == [
        "mood",
        f"action:{action.id}",
        "q:0",
    ]
    checkins = services.checkins
    await refused(
        "checkin.not_yet",
        checkins.answer_action(crew.simon, prompt.id, action.id, ActionStatus.DONE),
    )
    step = await checkins.answer_mood(crew.simon, prompt.id, 3)
    assert isinstance(step, StepView)
    assert (step.index, step.total, step.kind, step.action_id, step.action_text) == (
        1,
        7,
        StepKind.ACTION,
        action.id,
        ANSWERS[4],
    )
    await refused("checkin.use_buttons", checkins.answer_text(crew.simon, "gedaan"))
    step = await checkins.answer_action(crew.simon, prompt.id, action.id, ActionStatus.PARTLY)
    assert isinstance(step, StepView)
    assert (step.index, step.key) == (2, "q:0")
    [action] = await services.rows(Action)
    assert (action.status, action.reviewed_at) == (ActionStatus.PARTLY, clock.now)
    # Others have no action to review.
    other = await prompt_of(services, crew.kate, second)
    assert [s.key for s in steps_from_json(other.steps)][:2] == ["mood", "q:0"]


async def test_skipping(services: PlainServices, crew: Crew) -> None:
    run_id = await open_checkin(services, crew.team)
    step = await services.checkins.skip(crew.kate)  # even the mood
    assert isinstance(step, StepView)
    assert (step.index, step.key) == (1, "q:0")
    for _ in range(4):
        step = await services.checkins.skip(crew.kate)
    assert isinstance(step, StepView)
    assert step.key == "q:4"
    recap = await services.checkins.skip(crew.kate)
    assert isinstance(recap, Recap)
    assert recap.lesson_cards == []
    answers = await services.rows(CheckinAnswer)
    assert len(answers) == 6
    assert {(a.skipped, a.text, a.mood) for a in answers} == {(True, None, None)}
    assert await services.rows(Lesson) == []  # a skipped lesson question makes no lesson
    assert await services.rows(Action) == []
    assert (await prompt_of(services, crew.kate, run_id)).status is PromptStatus.DONE


async def test_answers_after_the_checkin_closed_are_refused(
    services: PlainServices, crew: Crew, clock: FakeClock
) -> None:
    run_id = await open_checkin(services, crew.team)
    prompt = await prompt_of(services, crew.simon, run_id)
    await services.checkins.answer_mood(crew.simon, prompt.id, 4)
    await services.checkins.answer_text(crew.simon, ANSWERS[0])
    clock.advance(timedelta(hours=24))
    [closed] = (await services.checkins.tick()).closed
    assert (closed.run_id, closed.prompted, closed.answered) == (run_id, 3, 1)
    await refused("checkin.closed", services.checkins.answer_mood(crew.simon, prompt.id, 2))
    await refused("checkin.closed", services.checkins.begin_change(crew.simon, prompt.id, 1))
    # A change still open when the check-in closed ends quietly: the text is no answer to it.
    change = AnswerChangeState(prompt.id, 1)
    await services.conversations.put(crew.simon.person_id, change)
    assert await services.checkins.finish_change(crew.simon, change, "later") is None
    assert await services.conversations.get(crew.simon.person_id) is None
    assert await services.checkins.answer_text(crew.simon, ANSWERS[1]) is None
    assert await services.checkins.skip(crew.simon) is None
    answers = {a.step_key: a for a in await services.rows(CheckinAnswer)}
    assert (answers["mood"].mood, answers["q:0"].text, len(answers)) == (4, ANSWERS[0], 2)


async def test_changing_an_answer_from_the_recap(
    services: PlainServices, crew: Crew, clock: FakeClock
) -> None:
    run_id = await open_checkin(services, crew.team)
    prompt = await prompt_of(services, crew.simon, run_id)
    await answer_all(services, crew.simon, prompt.id)
    checkins = services.checkins
    step = await checkins.begin_change(crew.simon, prompt.id, 2)
    assert (step.index, step.kind, step.current_answer) == (2, StepKind.TEXT, ANSWERS[1])
    state = await services.conversations.get(crew.simon.person_id)
    assert state == AnswerChangeState(prompt.id, 2)
    clock.advance(timedelta(minutes=10))
    recap = await checkins.finish_change(crew.simon, state, " Veertig mensen deden mee! ")
    assert isinstance(recap, Recap)
    assert recap.items[2].answer is not None
    assert recap.items[2].answer.text == "Veertig mensen deden mee!"
    assert await services.conversations.get(crew.simon.person_id) is None
    # Changing the lesson and the next step changes the lesson and the action, not adds.
    for index, text in ((4, "Bel eerst de makelaar"), (5, "Makelaar bellen")):
        await checkins.begin_change(crew.simon, prompt.id, index)
        await checkins.finish_change(crew.simon, AnswerChangeState(prompt.id, index), text)
    [lesson] = await services.rows(Lesson)
    [action] = await services.rows(Action)
    assert (lesson.text, action.text) == ("Bel eerst de makelaar", "Makelaar bellen")
    # The mood is changed with its buttons: no typing flow.
    mood = await checkins.begin_change(crew.simon, prompt.id, 0)
    assert mood.kind is StepKind.MOOD
    assert await services.conversations.get(crew.simon.person_id) is None
    for index in (-1, 6):
        await refused("error.button_expired", checkins.begin_change(crew.simon, prompt.id, index))
    await refused("error.button_expired", checkins.begin_change(crew.kate, prompt.id, 1))
    # Only answered questions can be changed.
    kate = await prompt_of(services, crew.kate, run_id)
    await checkins.answer_mood(crew.kate, kate.id, 4)
    await refused("error.button_expired", checkins.begin_change(crew.kate, kate.id, 1))
    step = await checkins.begin_change(crew.kate, kate.id, 0)
    assert (step.index, step.current_answer) == (0, None)  # a mood has no text to show
    [answer] = await services.rows(CheckinAnswer, CheckinAnswer.step_key == "q:1")
    assert (answer.answered_at, answer.updated_at) == (
        clock.now - timedelta(minutes=10),
        clock.now,
    )


# --- away ----------------------------------------------------------------------------------------


def local_midnight(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, tzinfo=AMSTERDAM)


AWAY_FOR_DAYS: list[tuple[int, datetime | None]] = [
    (1, local_midnight(2026, 12, 1)),  # today only
    (7, local_midnight(2026, 12, 7)),
    (365, local_midnight(2027, 11, 30)),
    (0, None),
    (366, None),
]


async def test_away_for_days(services: PlainServices) -> None:
    simon = await services.person(710, "Simon")
    for days, back in AWAY_FOR_DAYS:
        await services.checkins.set_away(simon, None)  # /back
        if back is None:
            await refused("error.button_expired", services.checkins.away_for_days(simon, days))
        else:
            assert await services.checkins.away_for_days(simon, days) == back, days
        [person] = await services.rows(Person)
        assert person.away_until == back, days


LATE = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # already 1 December in Amsterdam
AWAY_UNTIL: list[tuple[datetime, str, datetime | None, str | None]] = [
    (MONDAY_0930, "1-12", local_midnight(2026, 12, 2), None),
    (MONDAY_0930, "30-11", local_midnight(2026, 12, 1), None),  # through today
    (MONDAY_0930, "24/12/26", local_midnight(2026, 12, 25), None),
    (MONDAY_0930, "2026-12-24", local_midnight(2026, 12, 25), None),
    (MONDAY_0930, "29-11", local_midnight(2027, 11, 30), None),  # no year: the next 29-11
    (MONDAY_0930, "29-11-2026", None, "away.in_past"),
    (MONDAY_0930, "morgen", None, "away.bad_date"),
    (MONDAY_0930, "31-02", None, "away.bad_date"),
    (LATE, "30-11-2026", None, "away.in_past"),
    (LATE, "1-12", local_midnight(2026, 12, 2), None),
]


async def test_away_until_a_date(services: PlainServices, clock: FakeClock) -> None:
    simon = await services.person(711, "Simon")
    for now, given, back, key in AWAY_UNTIL:
        clock.now = now
        await services.checkins.set_away(simon, None)
        if key is None:
            assert await services.checkins.away_until(simon, given) == back, given
        else:
            error = await refused(key, services.checkins.away_until(simon, given))
            assert error.params == ({"given": given} if key == "away.bad_date" else {}), given
        [person] = await services.rows(Person)
        assert person.away_until == back, given


# --- sprints -------------------------------------------------------------------------------------


async def test_the_sprint_flow(services: PlainServices, crew: Crew, clock: FakeClock) -> None:
    sprints = services.sprints
    team = await sprints.ask_goal(crew.mostafa, crew.team.id)
    assert team.id == crew.team.id
    state = await services.conversations.get(crew.mostafa.person_id)
    assert state == SprintState("goal", crew.team.id)
    await refused("sprint.goal_empty", sprints.give_goal(crew.mostafa, state, "   "))
    proposed_for, goal = await sprints.give_goal(crew.mostafa, state, "  Minder  ratten ")
    assert (proposed_for.id, goal) == (crew.team.id, "Minder ratten")
    length = await services.conversations.get(crew.mostafa.person_id)
    assert length == SprintState("length", crew.team.id, "Minder ratten")
    await refused("flow.use_buttons", sprints.give_goal(crew.mostafa, length, "Nog een doel"))
    await refused("flow.expired", sprints.start_proposed(crew.mostafa, crew.team.id + 1, 2))
    await refused("sprint.bad_weeks", sprints.start_proposed(crew.mostafa, crew.team.id, 5))
    sprint = await sprints.start_proposed(crew.mostafa, crew.team.id, 2)
    assert (sprint.number, sprint.goal, sprint.started_by_id) == (
        1,
        "Minder ratten",
        crew.mostafa.person_id,
    )
    assert (sprint.starts_at, sprint.ends_at) == (clock.now, clock.now + timedelta(weeks=2))
    assert await services.conversations.get(crew.mostafa.person_id) is None
    await refused("flow.expired", sprints.start_proposed(crew.mostafa, crew.team.id, 2))
    # A check-in during the sprint carries its goal.
    await services.checkins.tick()
    clock.now = MONDAY_0930
    [run_id] = (await services.checkins.tick()).opened
    [run] = await services.rows(CheckinRun)
    assert (run.id, run.sprint_id) == (run_id, sprint.id)
    assert {d.step.sprint_goal for d in await services.checkins.claim_deliveries()} == {
        "Minder ratten"
    }


async def test_one_open_sprint_per_team(services: PlainServices, crew: Crew) -> None:
    sprints = services.sprints
    await sprints.propose(crew.mostafa, crew.team.id, "Minder ratten")
    await sprints.start_proposed(crew.mostafa, crew.team.id, 1)
    await sprints.propose(crew.mostafa, crew.team.id, "Nog een")
    await refused("sprint.already_open", sprints.start_proposed(crew.mostafa, crew.team.id, 2))
    assert [s.goal for s in await services.rows(Sprint)] == ["Minder ratten"]
    # Members see the sprint; only coordinators (and admins) run one.
    await refused("denied.coordinator", sprints.ask_goal(crew.simon, crew.team.id))
    await refused("denied.coordinator", sprints.propose(crew.simon, crew.team.id, "Eigen doel"))
    await refused("denied.coordinator", sprints.start(crew.simon, crew.team.id, "Eigen", 1))
    assert await services.conversations.get(crew.simon.person_id) is None
    # After closing, the next sprint is number 2.
    closed, retro = await sprints.close(crew.mostafa, crew.team.id)
    assert closed.closed_by_id == crew.mostafa.person_id
    assert retro is not None
    admin = await services.admin()
    second = await sprints.start(admin, crew.team.id, "Schonere speeltuin", 4)
    assert (second.number, second.started_by_id) == (2, admin.person_id)


# --- check-in settings ---------------------------------------------------------------------------


TOGGLE_DEFAULTS = [("skip_holidays", True), ("paused", False), ("share_answers_in_group", False)]


async def test_toggles_flip_and_are_stored(services: PlainServices, crew: Crew) -> None:
    settings = services.checkin_settings
    for field, default in TOGGLE_DEFAULTS:
        assert getattr((await settings.view(crew.mostafa, crew.team.id)).schedule, field) is (
            default
        ), field
        view = await settings.toggle(crew.mostafa, crew.team.id, field)
        assert getattr(view.schedule, field) is not default, field
        [stored] = await services.rows(CheckinSchedule)
        assert getattr(stored, field) is not default, field
    # Each toggle flipped only its own field; a second toggle flips back.
    [stored] = await services.rows(CheckinSchedule)
    assert (stored.skip_holidays, stored.paused, stored.share_answers_in_group) == (
        False,
        True,
        True,
    )
    view = await settings.toggle(crew.mostafa, crew.team.id, "paused")
    assert (view.schedule.paused, view.next_slot) == (False, MONDAY_0930)


async def test_settings_are_for_coordinators(services: PlainServices, crew: Crew) -> None:
    settings = services.checkin_settings
    for call in (
        settings.view(crew.simon, crew.team.id),
        settings.toggle(crew.simon, crew.team.id, "paused"),
        settings.set_time(crew.simon, crew.team.id, "8:00"),
        settings.ask_input(crew.simon, crew.team.id, "time"),
        settings.open_now(crew.simon, crew.team.id),
    ):
        error = await refused("denied.coordinator", call)
        assert error.params == {"team": "Rattenaanpak Noord"}
    assert await services.conversations.get(crew.simon.person_id) is None
    assert await services.rows(CheckinRun) == []
    assert await services.rows(CheckinSchedule) == []
    await refused("error.button_expired", settings.toggle(crew.mostafa, crew.team.id, "weekdays"))
    view = await settings.view(crew.mostafa, crew.team.id)  # the coordinator's view creates it
    [schedule] = await services.rows(CheckinSchedule)
    assert (schedule.paused, schedule.time_of_day) == (False, "09:30")
    assert view.next_slot == MONDAY_0930


async def test_a_time_that_is_no_time_is_refused(services: PlainServices, crew: Crew) -> None:
    for given in ("25:99", "24:00", "half tien", "9:5", ""):
        error = await refused(
            "settings.bad_time",
            services.checkin_settings.set_time(crew.mostafa, crew.team.id, given),
        )
        assert error.params == {"given": given}
    assert await services.rows(CheckinSchedule) == []  # refused before anything was loaded


async def test_typed_time_and_custom_questions(
    services: PlainServices, crew: Crew, clock: FakeClock
) -> None:
    settings = services.checkin_settings
    await settings.ask_input(crew.mostafa, crew.team.id, "time")
    state = await services.conversations.get(crew.mostafa.person_id)
    assert state == SettingsInputState("time", crew.team.id)
    await refused("settings.bad_time", settings.give_input(crew.mostafa, state, "kwart over"))
    assert await services.conversations.get(crew.mostafa.person_id) == state  # try again
    clock.advance(timedelta(minutes=1))
    view = await settings.give_input(crew.mostafa, state, "8.45")
    assert view.schedule.time_of_day == "08:45"
    assert view.next_slot == datetime(2026, 12, 7, 7, 45, tzinfo=UTC)  # 09:00 passed today
    assert await services.conversations.get(crew.mostafa.person_id) is None

    await settings.ask_input(crew.mostafa, crew.team.id, "questions")
    state = await services.conversations.get(crew.mostafa.person_id)
    assert state == SettingsInputState("questions", crew.team.id)
    view = await settings.give_input(
        crew.mostafa,
        state,
        "Wie heb je gesproken?\n- Wat viel je op? (les)\n\n2. Wat ga je doen? (actie)",
    )
    assert view.schedule.template == "custom"
    [stored] = await services.rows(CheckinSchedule)
    expected = [
        Question(None, "Wie heb je gesproken?", None),
        Question(None, "Wat viel je op?", LESSON),
        Question(None, "Wat ga je doen?", NEXT_STEP),
    ]
    assert (stored.template, stored.time_of_day) == ("custom", "08:45")
    assert stored.active_from == clock.now
    assert questions_from_json(stored.custom_questions) == expected
    assert await services.conversations.get(crew.mostafa.person_id) is None
    # The next check-in asks them.
    run_id = await settings.open_now(crew.mostafa, crew.team.id)
    [run] = await services.rows(CheckinRun)
    assert (run.id, run.kind, questions_from_json(run.questions)) == (
        run_id,
        RunKind.MANUAL,
        expected,
    )
