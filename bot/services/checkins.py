"""The check-in cycle: opening runs on schedule, one question at a time per member, answers
saved as they arrive, reminders, closing. Every step is a database row, so a restart (or a
second instance) continues without losing or repeating anything."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.blocker_themes import BlockerCard, cards_to_offer, keep_blocker_themes
from bot.services.common import Actor, Clock, Language, ServiceError, check_length
from bot.services.conversations import AnswerChangeState, Conversations
from bot.services.directory import language_for
from bot.services.lessons import LessonCard, LessonService
from bot.services.permissions import Permission, authorize_own
from bot.services.schedule import WeeklyRule, dutch_holiday, parse_date
from bot.services.templates import (
    BLOCKERS,
    LESSON,
    NEXT_STEP,
    RETRO,
    Question,
    Step,
    StepKind,
    questions_as_json,
    questions_for,
    questions_from_json,
    steps_as_json,
    steps_from_json,
)
from storage.blocker_themes import BlockerThemes
from storage.database import Database
from storage.models import (
    Action,
    ActionStatus,
    CheckinAnswer,
    CheckinPrompt,
    CheckinRun,
    CheckinSchedule,
    PromptStatus,
    Role,
    RunKind,
    RunStatus,
)
from storage.repositories import (
    Actions,
    Answers,
    LinkedChats,
    Memberships,
    People,
    Prompts,
    Runs,
    Schedules,
    Sprints,
    Teams,
)

logger = logging.getLogger(__name__)

GRACE = timedelta(hours=6)  # a slot missed while the bot was down still opens within this window
LOOKBACK = timedelta(days=8)  # how far back slots are considered at all
STALE_CLAIM = timedelta(minutes=10)  # a claim this old belongs to a sender that died
RETRY_BACKOFF = timedelta(seconds=30)  # after a failed delivery; doubles per attempt
RETRY_BACKOFF_MAX = timedelta(minutes=10)
MOOD_RANGE = range(1, 6)


@dataclass(frozen=True)
class StepView:
    """One question for one person, with what is needed to show it."""

    prompt_id: int
    index: int
    total: int
    kind: StepKind
    key: str
    team_name: str
    run_kind: RunKind
    sprint_goal: str | None
    question: Question | None = None
    action_id: int | None = None
    action_text: str | None = None
    current_answer: str | None = None


@dataclass(frozen=True)
class RecapItem:
    index: int
    step: Step
    question: Question | None  # for a text step
    answer: CheckinAnswer | None


@dataclass(frozen=True)
class Recap:
    prompt_id: int
    team_name: str
    items: list[RecapItem]
    editable: bool
    closes_at: datetime
    lesson_cards: list[LessonCard]  # check-in lessons still waiting for their author's choice
    # A changed lesson answer took back the author's choice to share it: tell them.
    lesson_reopened: bool = False
    # Blockers whose proposed themes did not reach their author yet (after the lesson cards).
    blocker_cards: list[BlockerCard] = field(default_factory=list)

    @property
    def has_cards(self) -> bool:
        return bool(self.blocker_cards or self.lesson_cards)


Outcome = StepView | Recap


class Stored(NamedTuple):
    """A stored answer: what the person sees next, and whether their lesson went back to its
    consent card (a changed lesson they had shared or kept)."""

    outcome: Outcome
    lesson_reopened: bool


@dataclass(frozen=True)
class RecapDelivery:
    """A finished check-in's recap, blocker and lesson cards that did not reach the person
    yet."""

    prompt_id: int
    telegram_user_id: int
    language: Language
    recap: Recap | None  # None: the recap arrived; only cards are owed
    cards: list[LessonCard]
    blocker_cards: list[BlockerCard] = field(default_factory=list)


@dataclass(frozen=True)
class AnswerEdit:
    """An answer changed by editing the Telegram message that gave it."""

    step: StepView  # the question whose answer changed
    recap: Recap | None  # the check-in was finished: its recap, shown again
    lesson_reopened: bool


class CheckinStillOpenError(ServiceError):
    """A team has one check-in open at a time; the handler says when the open one closes."""

    def __init__(self, closes_at: datetime, zone: ZoneInfo) -> None:
        super().__init__("checkin.still_open")
        self.closes_at = closes_at
        self.zone = zone


@dataclass(frozen=True)
class Delivery:
    """A question to send to someone who has not got it yet (first question or resume)."""

    prompt_id: int
    telegram_user_id: int
    language: Language
    step: StepView
    first: bool


@dataclass(frozen=True)
class Reminder:
    prompt_id: int
    telegram_user_id: int
    language: Language
    team_name: str
    step: StepView


@dataclass(frozen=True)
class ClosedRun:
    run_id: int
    team_name: str
    group_chat_id: int | None
    prompted: int
    answered: int
    share_answers: bool
    answers: list[tuple[str, str, str]]  # (question label key or text, person, answer)
    unreachable: list[str]
    coordinators: list[tuple[int, Language]]


@dataclass
class TickReport:
    opened: list[int] = field(default_factory=list)
    missed: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    closed: list[ClosedRun] = field(default_factory=list)


def slot_key(slot: datetime) -> str:
    return f"slot:{slot:%Y-%m-%dT%H:%MZ}"


class CheckinService:
    def __init__(
        self,
        database: Database,
        clock: Clock,
        conversations: Conversations,
        lessons: LessonService,
        default_language: Language,
        default_timezone: str,
    ) -> None:
        self._db = database
        self._clock = clock
        self._conversations = conversations
        self._lessons = lessons
        self._default_language = default_language
        self._default_timezone = default_timezone
        self._zone = ZoneInfo(default_timezone)

    # --- schedules -------------------------------------------------------------------------------

    def default_schedule(self, team_id: int, now: datetime) -> CheckinSchedule:
        return CheckinSchedule(
            team_id=team_id,
            weekdays="0",
            time_of_day="09:30",
            timezone=self._default_timezone,
            template="default",
            custom_questions=questions_as_json([]),
            skip_holidays=True,
            paused=False,
            skip_sprint_id=None,
            reminder_after_minutes=240,
            close_after_minutes=24 * 60,
            share_answers_in_group=False,
            active_from=now,
            updated_at=now,
        )

    async def schedule_of(self, session: AsyncSession, team_id: int) -> CheckinSchedule:
        schedule = await Schedules(session).get(team_id)
        if schedule is None:
            schedule = await Schedules(session).add(self.default_schedule(team_id, self._clock()))
        return schedule

    async def ensure_schedules(self) -> None:
        """Every team has a schedule row (new teams get the default: Monday 09:30)."""
        async with self._db.unit_of_work() as session:
            for team in await Teams(session).all():
                await self.schedule_of(session, team.id)

    # --- the tick: open, miss, skip, close -------------------------------------------------------

    async def tick(self, now: datetime | None = None) -> TickReport:
        now = now or self._clock()
        report = TickReport()
        await self.ensure_schedules()
        async with self._db.unit_of_work() as session:
            await Prompts(session).release_stale_claims(now - STALE_CLAIM)
        async with self._db.unit_of_work() as session:
            schedules = await Schedules(session).active()
            zones = await Memberships(session).own_time_zones()
        # Closing first: a check-in that is over does not hold back the next one.
        report.closed = await self._close_due_runs(now)
        for schedule in schedules:
            await self._open_due_slots(schedule, now, report, zones.get(schedule.team_id, set()))
        return report

    async def _open_due_slots(
        self, schedule: CheckinSchedule, now: datetime, report: TickReport, zones: set[str]
    ) -> None:
        rule = WeeklyRule.parse(schedule.weekdays, schedule.time_of_day, schedule.timezone)
        after = max(schedule.active_from, now - LOOKBACK)
        # Members' own zones (/timezone): one east of the team's opens the check-in earlier.
        zones = zones - {schedule.timezone}
        slots = rule.slots_open_between(after - timedelta(microseconds=1), now, zones)
        if not slots:
            return
        async with self._db.unit_of_work() as session:
            existing = await Runs(session).slot_keys(schedule.team_id, [slot_key(s) for s in slots])
        for slot in slots:
            if slot_key(slot) in existing:
                continue
            local_day = slot.astimezone(rule.zone).date()
            status, note = RunStatus.OPEN, None
            holiday = dutch_holiday(local_day) if schedule.skip_holidays else None
            if now - slot > GRACE:
                status, note = RunStatus.MISSED, "bot was offline"
            elif holiday:
                status, note = RunStatus.SKIPPED, f"holiday: {holiday}"[:100]
            run_id = await self.open_run(
                schedule.team_id, RunKind.SCHEDULED, slot_key(slot), slot, now, status, note
            )
            if run_id is None:
                continue  # another instance opened this slot first
            {
                RunStatus.OPEN: report.opened,
                RunStatus.MISSED: report.missed,
                RunStatus.SKIPPED: report.skipped,
            }[status].append(run_id)

    async def open_run(
        self,
        team_id: int,
        kind: RunKind,
        key: str,
        scheduled_for: datetime,
        now: datetime,
        status: RunStatus = RunStatus.OPEN,
        note: str | None = None,
    ) -> int | None:
        """Open (or record) a run and create one prompt per member. None if the key was taken
        (by a double tap, or by another instance opening the same slot)."""
        async with self._db.unit_of_work() as session:
            schedule = await self.schedule_of(session, team_id)
            sprint = await Sprints(session).open_for_team(team_id)
            still_open = (
                await Runs(session).open_for_team(team_id) if status is RunStatus.OPEN else None
            )
            if still_open is not None and kind is RunKind.MANUAL:
                raise CheckinStillOpenError(still_open.closes_at, ZoneInfo(schedule.timezone))
            if still_open is not None and kind is RunKind.SCHEDULED:
                # Two open check-ins would ask the same people twice at once; the slot is
                # recorded (so it never opens later), the open one goes on.
                status, note = RunStatus.SKIPPED, "previous check-in still open"
            if (
                status is RunStatus.OPEN
                and kind is RunKind.SCHEDULED
                and sprint is not None
                and schedule.skip_sprint_id == sprint.id
            ):
                status, note = RunStatus.SKIPPED, "sprint skipped"
            questions = (
                RETRO
                if kind is RunKind.RETRO
                else questions_for(
                    schedule.template, questions_from_json(schedule.custom_questions)
                )
            )
            run = await Runs(session).add_once(
                team_id=team_id,
                sprint_id=sprint.id if sprint else None,
                kind=kind,
                slot_key=key,
                status=status,
                scheduled_for=scheduled_for,
                opened_at=now,
                # From the slot, also when members east of the team opened it earlier.
                closes_at=max(now, scheduled_for) + timedelta(minutes=schedule.close_after_minutes),
                closed_at=None if status is RunStatus.OPEN else now,
                note=note,
                questions=questions_as_json(questions),
                reminder_after_minutes=schedule.reminder_after_minutes,
                share_answers_in_group=schedule.share_answers_in_group,
            )
            if run is None:
                return None
            if status is RunStatus.OPEN:
                await self._create_prompts(session, run, schedule, scheduled_for, now)
            return run.id

    async def _create_prompts(
        self,
        session: AsyncSession,
        run: CheckinRun,
        schedule: CheckinSchedule,
        scheduled_for: datetime,
        now: datetime,
    ) -> None:
        rule = WeeklyRule.parse(schedule.weekdays, schedule.time_of_day, schedule.timezone)
        questions = questions_from_json(run.questions)
        for person, _membership in await Memberships(session).active_members(run.team_id):
            status = PromptStatus.PENDING
            if person.unreachable_since is not None:
                status = PromptStatus.UNREACHABLE
            elif person.away_until is not None and person.away_until > scheduled_for:
                status = PromptStatus.AWAY
            # At the slot (a run opened early for a member east of the team waits for it).
            due = max(now, scheduled_for) if run.kind is RunKind.SCHEDULED else now
            if (
                run.kind is RunKind.SCHEDULED
                and person.timezone
                and person.timezone != schedule.timezone
            ):
                # Same local day and time, in the member's own zone.
                local_day = scheduled_for.astimezone(rule.zone).date()
                own = WeeklyRule(rule.weekdays, rule.time_of_day, ZoneInfo(person.timezone))
                due = max(now, own.slot_on(local_day))
            actions = await Actions(session).open_for(person.id, run.team_id)
            steps = [
                Step.mood(),
                *(Step.action(action.id, action.text) for action in actions),
                *(Step.question(index) for index in range(len(questions))),
            ]
            session.add(
                CheckinPrompt(
                    run_id=run.id,
                    person_id=person.id,
                    status=status,
                    due_at=due,
                    steps=steps_as_json(steps),
                    step=0,
                    asked_step=-1,
                    attempts=0,
                )
            )
        await session.flush()

    async def _close_due_runs(self, now: datetime) -> list[ClosedRun]:
        closed = []
        async with self._db.unit_of_work() as session:
            due = [run.id for run in await Runs(session).due_to_close(now)]
        for run_id in due:
            result = await self.close_run(run_id, now)
            if result is not None:
                closed.append(result)
        return closed

    async def close_run(self, run_id: int, now: datetime) -> ClosedRun | None:
        async with self._db.unit_of_work() as session:
            run = await Runs(session).claim_close(run_id, now)
            if run is None:
                return None  # closed already (perhaps by another instance)
            team = await Teams(session).get(run.team_id)
            assert team is not None
            prompts = await Prompts(session).of_run(run.id)
            people = {p.id: p for p, _ in await Memberships(session).active_members(team.id)}
            for prompt in prompts:
                if prompt.person_id not in people:
                    person = await People(session).get(prompt.person_id)
                    if person is not None:
                        people[person.id] = person
            prompted = [p for p in prompts if p.status in (PromptStatus.ACTIVE, PromptStatus.DONE)]
            answered = [p for p in prompts if p.status is PromptStatus.DONE or p.step > 0]
            unreachable = [
                people[p.person_id].display_name
                for p in prompts
                if p.status is PromptStatus.UNREACHABLE and p.person_id in people
            ]
            group = await LinkedChats(session).by_team(team.id)
            answers: list[tuple[str, str, str]] = []
            if run.share_answers_in_group:
                questions = questions_from_json(run.questions)
                for person, answer in await Answers(session).of_run(run.id):
                    if answer.step_key.startswith("q:") and answer.text and not answer.skipped:
                        question = questions[int(answer.step_key[2:])]
                        label = question.text or question.key or ""
                        answers.append((label, person.display_name, answer.text))
            coordinators = [
                (
                    person.telegram_user_id,
                    language_for(person.language, None, self._default_language),
                )
                for person, membership in await Memberships(session).active_members(team.id)
                if membership.role is Role.COORDINATOR
            ]
            return ClosedRun(
                run_id=run.id,
                team_name=team.name,
                group_chat_id=group.chat_id if group else None,
                prompted=len(prompted),
                answered=len(answered),
                share_answers=run.share_answers_in_group,
                answers=answers,
                unreachable=unreachable,
                coordinators=coordinators,
            )

    # --- delivering questions --------------------------------------------------------------------

    async def claim_deliveries(
        self, now: datetime | None = None, limit: int = 200
    ) -> list[Delivery]:
        """Take due first questions and lagging questions; the caller sends each exactly once
        and reports back with `delivered`, `unreachable` or `delivery_failed`."""
        now = now or self._clock()
        async with self._db.unit_of_work() as session:
            prompts = Prompts(session)
            fresh = await prompts.claim_pending(now, limit)
            resumed = await prompts.claim_resumes(now, now - STALE_CLAIM)
        deliveries = []
        async with self._db.unit_of_work() as session:
            # Runs, teams and sprints repeat across a wave; the session loads each once.
            for prompt, person in await Prompts(session).with_people([*fresh, *resumed]):
                step = await self._step_view(session, prompt, prompt.step)
                if step is None:
                    continue
                deliveries.append(
                    Delivery(
                        prompt_id=prompt.id,
                        telegram_user_id=person.telegram_user_id,
                        language=language_for(person.language, None, self._default_language),
                        step=step,
                        first=prompt.id in fresh,
                    )
                )
        return deliveries

    async def delivered(self, prompt_id: int, index: int, now: datetime | None = None) -> None:
        now = now or self._clock()
        async with self._db.unit_of_work() as session:
            await Prompts(session).mark_asked(prompt_id, index, now)

    async def release(self, prompt_id: int) -> None:
        """Let go of a claimed prompt: a question, recap or card that did not reach the person
        is sent by the next round."""
        async with self._db.unit_of_work() as session:
            await Prompts(session).release(prompt_id)

    async def unreachable(self, prompt_id: int, now: datetime | None = None) -> None:
        """Telegram says the person blocked the bot: stop trying, tell the coordinator later."""
        now = now or self._clock()
        async with self._db.unit_of_work() as session:
            prompt = await Prompts(session).get(prompt_id)
            if prompt is None:
                return
            prompt.status, prompt.claimed_at = PromptStatus.UNREACHABLE, None
            person = await People(session).get(prompt.person_id)
            if person is not None and person.unreachable_since is None:
                person.unreachable_since = now

    async def delivery_failed(self, prompt_id: int, now: datetime | None = None) -> None:
        """A network error: give the prompt back; a later round tries again, backing off."""
        now = now or self._clock()
        async with self._db.unit_of_work() as session:
            prompt = await Prompts(session).get(prompt_id)
            if prompt is None:
                return
            prompt.attempts += 1
            prompt.claimed_at = None
            prompt.due_at = now + min(RETRY_BACKOFF * 2 ** (prompt.attempts - 1), RETRY_BACKOFF_MAX)
            if prompt.status is PromptStatus.SENDING:
                prompt.status = PromptStatus.PENDING

    # --- delivering recaps and lesson cards ------------------------------------------------------

    async def claim_recaps(
        self, now: datetime | None = None, limit: int = 200
    ) -> list[RecapDelivery]:
        """Take finished prompts whose recap or lesson cards did not arrive; the caller sends
        them once and reports back with `recap_delivered`/`cards_delivered`, then `release`
        (or `delivery_failed`, `recap_abandoned`)."""
        now = now or self._clock()
        async with self._db.unit_of_work() as session:
            ids = await Prompts(session).claim_recaps(now, now - STALE_CLAIM, now - LOOKBACK, limit)
        deliveries = []
        async with self._db.unit_of_work() as session:
            for prompt, person in await Prompts(session).with_people(ids):
                run = await Runs(session).get(prompt.run_id)
                assert run is not None
                language = language_for(person.language, None, self._default_language)
                actor = Actor(
                    person.id, person.telegram_user_id, person.display_name, language, False
                )
                recap = await self._recap(session, actor, prompt, run)
                owed = prompt.cards_sent_at is None
                if owed and not recap.has_cards:
                    prompt.cards_sent_at = now  # decided meanwhile: nothing left to offer
                deliveries.append(
                    RecapDelivery(
                        prompt_id=prompt.id,
                        telegram_user_id=person.telegram_user_id,
                        language=language,
                        recap=recap if prompt.recap_sent_at is None else None,
                        cards=recap.lesson_cards if owed else [],
                        blocker_cards=recap.blocker_cards if owed else [],
                    )
                )
        return deliveries

    async def recap_delivered(
        self, prompt_id: int, now: datetime | None = None, *, release: bool = False
    ) -> None:
        """The recap reached the person; `release`: nothing follows it (no cards), so the
        claim ends with this record instead of in a transaction of its own."""
        now = now or self._clock()
        async with self._db.unit_of_work() as session:
            await Prompts(session).record_delivery(prompt_id, recap_sent_at=now, release=release)

    async def cards_delivered(
        self, prompt_id: int, now: datetime | None = None, *, release: bool = False
    ) -> None:
        """The blocker and lesson cards reached the person: a blocker's card is not shown
        again (until its text changes and it gets a new proposal). `release`: as with
        `recap_delivered`."""
        now = now or self._clock()
        async with self._db.unit_of_work() as session:
            await Prompts(session).record_delivery(prompt_id, cards_sent_at=now, release=release)
            await BlockerThemes(session).offered(prompt_id, now)

    async def blocker_card_delivered(self, answer_id: int, now: datetime | None = None) -> None:
        """One blocker card reached its author: a later round does not send it again."""
        now = now or self._clock()
        async with self._db.unit_of_work() as session:
            await BlockerThemes(session).offered_answer(answer_id, now)

    async def recap_abandoned(
        self, prompt_id: int, blocked: bool, now: datetime | None = None
    ) -> None:
        """Stop offering the recap: the person blocked the bot after answering, or Telegram
        refuses the message as it is (it would refuse it again)."""
        now = now or self._clock()
        async with self._db.unit_of_work() as session:
            prompt = await Prompts(session).get(prompt_id)
            if prompt is None:
                return
            prompt.claimed_at = None
            prompt.recap_sent_at = prompt.recap_sent_at or now
            prompt.cards_sent_at = prompt.cards_sent_at or now
            person = await People(session).get(prompt.person_id)
            if blocked and person is not None and person.unreachable_since is None:
                person.unreachable_since = now

    async def claim_reminders(self, now: datetime | None = None) -> list[Reminder]:
        now = now or self._clock()
        async with self._db.unit_of_work() as session:
            ids = await Prompts(session).claim_reminders(now)
        reminders = []
        async with self._db.unit_of_work() as session:
            for prompt_id in ids:
                prompt = await Prompts(session).get(prompt_id)
                assert prompt is not None
                person = await People(session).get(prompt.person_id)
                step = await self._step_view(session, prompt, prompt.step)
                if person is None or step is None:
                    continue
                reminders.append(
                    Reminder(
                        prompt_id=prompt_id,
                        telegram_user_id=person.telegram_user_id,
                        language=language_for(person.language, None, self._default_language),
                        team_name=step.team_name,
                        step=step,
                    )
                )
        return reminders

    # --- answering -------------------------------------------------------------------------------

    async def answer_mood(self, actor: Actor, prompt_id: int, mood: int) -> Outcome:
        if mood not in MOOD_RANGE:
            raise ServiceError("checkin.mood_range")
        return (await self._answer(actor, prompt_id, "mood", mood=mood)).outcome

    async def answer_action(
        self, actor: Actor, prompt_id: int, action_id: int, status: ActionStatus
    ) -> Outcome:
        key = f"action:{action_id}"
        return (await self._answer(actor, prompt_id, key, action_status=status)).outcome

    async def current_step(self, actor: Actor, prompt_id: int | None = None) -> StepView | None:
        """The question the person is on: in the open check-in that asked them last, or in
        the check-in `prompt_id`."""
        async with self._db.unit_of_work() as session:
            for prompt in await Prompts(session).answering(actor.person_id):
                if prompt_id in (None, prompt.id) and prompt.step < len(
                    steps_from_json(prompt.steps)
                ):
                    return await self._step_view(session, prompt, prompt.step)
            return None

    async def _answering(self, session: AsyncSession, actor: Actor) -> CheckinPrompt | None:
        """The prompt the person is answering: of two open check-ins (a retro beside a
        scheduled one), the one whose question reached them last, so a typed reply answers the
        question they just saw. Its run, team and sprint are loaded alongside."""
        for prompt in await Prompts(session).answering(actor.person_id):
            if prompt.step < len(steps_from_json(prompt.steps)):
                return prompt
        return None

    async def answer_text(
        self, actor: Actor, text: str, message_id: int | None = None
    ) -> Outcome | None:
        """A typed reply: answers the current question (a digit 1–5 answers the mood).
        `message_id` is the Telegram message, so an edit of it later changes this answer."""
        async with self._db.unit_of_work() as session:
            prompt = await self._answering(session, actor)
            if prompt is None:
                return None
            step = steps_from_json(prompt.steps)[prompt.step]
            if step.kind is StepKind.MOOD:
                cleaned = text.strip()
                if cleaned.isdigit() and int(cleaned) in MOOD_RANGE:
                    return (
                        await self._answer(
                            actor, prompt.id, "mood", mood=int(cleaned), message_id=message_id
                        )
                    ).outcome
                raise ServiceError("checkin.use_buttons")
            if step.kind is StepKind.ACTION:
                raise ServiceError("checkin.use_buttons")
            return (
                await self._answer(
                    actor, prompt.id, step.key, text=text.strip(), message_id=message_id
                )
            ).outcome

    async def answer_attachment(
        self,
        actor: Actor,
        kind: str,
        file_id: str,
        caption: str | None,
        message_id: int | None = None,
    ) -> Outcome | None:
        async with self._db.unit_of_work() as session:
            prompt = await self._answering(session, actor)
            if prompt is None:
                return None
            step = steps_from_json(prompt.steps)[prompt.step]
            if step.kind is not StepKind.TEXT:
                raise ServiceError("checkin.use_buttons")
            return (
                await self._answer(
                    actor,
                    prompt.id,
                    step.key,
                    text=caption.strip() if caption else None,
                    attachment=(kind, file_id),
                    message_id=message_id,
                )
            ).outcome

    async def skip(self, actor: Actor) -> Outcome | None:
        async with self._db.unit_of_work() as session:
            prompt = await self._answering(session, actor)
            if prompt is None:
                return None
            step = steps_from_json(prompt.steps)[prompt.step]
            return (await self._answer(actor, prompt.id, step.key, skipped=True)).outcome

    async def asked(self, prompt_id: int, index: int) -> None:
        """The question at `index` reached the person."""
        await self.delivered(prompt_id, index)

    async def _answer(
        self,
        actor: Actor,
        prompt_id: int,
        key: str,
        *,
        text: str | None = None,
        mood: int | None = None,
        skipped: bool = False,
        attachment: tuple[str, str] | None = None,
        action_status: ActionStatus | None = None,
        message_id: int | None = None,
    ) -> Stored:
        """Store an answer: what the person sees next, and whether a changed lesson went back
        to its author."""
        if text is not None:
            check_length(text)  # refused before anything is stored; the person keeps their text
        now = self._clock()
        reopened = False
        async with self._db.unit_of_work() as session:
            prompt, run = await self._own_prompt(session, actor, prompt_id)
            if run.status is not RunStatus.OPEN:
                raise ServiceError("checkin.closed")
            steps = steps_from_json(prompt.steps)
            index = next((i for i, step in enumerate(steps) if step.key == key), None)
            if index is None:
                raise ServiceError("error.button_expired")
            if index > prompt.step:
                raise ServiceError("checkin.not_yet")
            if prompt.status is PromptStatus.SENDING:
                # Answered before its sender recorded the delivery: it evidently arrived.
                prompt.status, prompt.sent_at = PromptStatus.ACTIVE, prompt.sent_at or now
                prompt.asked_step = max(prompt.asked_step, index)
            step = steps[index]
            question = (
                None
                if step.question_index is None
                else questions_from_json(run.questions)[step.question_index]
            )
            blocker = question is not None and question.key in BLOCKERS
            previous = None
            if blocker:  # a blocker is proposed themes again only when its text changed
                earlier = await Answers(session).of_step(prompt.id, key)
                previous = None if earlier is None or earlier.skipped else earlier.text
            if action_status is not None:
                text = action_status.value
                if step.action_id is not None:
                    await Actions(session).review(
                        step.action_id, actor.person_id, action_status, now
                    )
            answer = await Answers(session).put(
                prompt.id,
                key,
                now,
                text=text if not skipped else None,
                mood=mood,
                skipped=skipped,
                attachment_kind=attachment[0] if attachment else None,
                attachment_file_id=attachment[1] if attachment else None,
                message_id=message_id,
            )
            if question is not None:
                content = "" if skipped else (text or "").strip()
                if blocker:
                    await keep_blocker_themes(session, answer.id, content, previous, now)
                if question.role == LESSON:
                    reopened = await self._lessons.keep_from_answer(
                        answer.id, run.team_id, run.sprint_id, prompt.person_id, content, now
                    )
                elif question.role == NEXT_STEP:
                    await self._keep_action(session, answer.id, run, prompt, content, now)
            if index == prompt.step:
                prompt.step += 1
                if prompt.step < len(steps):
                    # The handler sends the next question; rounds keep their hands off it.
                    prompt.claimed_at = now
            if prompt.step >= len(steps) and prompt.status is not PromptStatus.DONE:
                prompt.status, prompt.completed_at = PromptStatus.DONE, now
            if prompt.step >= len(steps):
                # The handler sends the recap and the cards (claimed, so a round leaves them);
                # what does not arrive, a later round sends. (Set before the recap is read, so
                # the prompt is written once.)
                prompt.claimed_at, prompt.recap_sent_at, prompt.cards_sent_at = now, None, None
                recap = await self._recap(session, actor, prompt, run, reopened)
                if not recap.has_cards:
                    prompt.cards_sent_at = now
                return Stored(recap, reopened)
            view = await self._step_view(session, prompt, prompt.step)
            assert view is not None
            return Stored(view, reopened)

    @staticmethod
    async def _keep_action(
        session: AsyncSession,
        answer_id: int,
        run: CheckinRun,
        prompt: CheckinPrompt,
        content: str,
        now: datetime,
    ) -> None:
        """The answer to "what is your next step" is an action, followed up next time."""
        actions = Actions(session)
        action = await actions.from_answer(answer_id)
        if action is None and content:
            await actions.add(
                Action(
                    team_id=run.team_id,
                    sprint_id=run.sprint_id,
                    owner_id=prompt.person_id,
                    source_answer_id=answer_id,
                    text=content,
                    status=ActionStatus.OPEN,
                    created_at=now,
                    reviewed_at=None,
                )
            )
        elif action is not None and content:
            action.text = content

    # --- changing an answer after the recap ------------------------------------------------------

    async def begin_change(self, actor: Actor, prompt_id: int, index: int) -> StepView:
        async with self._db.unit_of_work() as session:
            prompt, run = await self._own_prompt(session, actor, prompt_id)
            if run.status is not RunStatus.OPEN:
                raise ServiceError("checkin.closed")
            if not 0 <= index < min(prompt.step, len(steps_from_json(prompt.steps))):
                raise ServiceError("error.button_expired")
            view = await self._step_view(session, prompt, index)
            assert view is not None
            if view.kind is StepKind.TEXT:
                await self._conversations.put(actor.person_id, AnswerChangeState(prompt_id, index))
            return view

    async def finish_change(
        self, actor: Actor, state: AnswerChangeState, text: str, message_id: int | None = None
    ) -> Outcome | None:
        """The new text for an answer being changed. None when that check-in has closed in the
        meantime: the change is over, and the text is an ordinary message again (perhaps an
        answer to a newer check-in), rather than a refusal that would keep the person in a
        change that can no longer happen."""
        async with self._db.unit_of_work() as session:
            await self._conversations.clear(actor.person_id)
            prompt = await Prompts(session).get(state.prompt_id)
            run = None if prompt is None else await Runs(session).get(prompt.run_id)
            if prompt is None or run is None or prompt.person_id != actor.person_id:
                return None
            steps = steps_from_json(prompt.steps)
            if run.status is not RunStatus.OPEN or not 0 <= state.index < len(steps):
                return None
            return (
                await self._answer(
                    actor,
                    prompt.id,
                    steps[state.index].key,
                    text=text.strip(),
                    message_id=message_id,
                )
            ).outcome

    async def edit_answer(
        self, actor: Actor, message_id: int, text: str | None
    ) -> AnswerEdit | None:
        """The person edited the Telegram message that answered a question: the answer (and a
        lesson or action made from it) changes with it. None when the message gave no answer."""
        async with self._db.unit_of_work() as session:
            found = await Answers(session).by_message(actor.person_id, message_id)
            if found is None:
                return None
            answer, prompt = found
            run = await Runs(session).get(prompt.run_id)
            assert run is not None
            if run.status is not RunStatus.OPEN:
                raise ServiceError("checkin.edit_closed")
            steps = steps_from_json(prompt.steps)
            index = next((i for i, s in enumerate(steps) if s.key == answer.step_key), None)
            if index is None:
                return None
            cleaned = (text or "").strip()
            if steps[index].kind is StepKind.MOOD:
                if not (cleaned.isdigit() and int(cleaned) in MOOD_RANGE):
                    raise ServiceError("checkin.use_buttons")
                outcome, reopened = await self._answer(
                    actor, prompt.id, answer.step_key, mood=int(cleaned), message_id=message_id
                )
            elif steps[index].kind is StepKind.TEXT:
                attachment = None
                if answer.attachment_kind and answer.attachment_file_id:
                    attachment = (answer.attachment_kind, answer.attachment_file_id)
                outcome, reopened = await self._answer(
                    actor,
                    prompt.id,
                    answer.step_key,
                    text=cleaned or None,
                    attachment=attachment,
                    skipped=not cleaned and attachment is None,
                    message_id=message_id,
                )
            else:
                return None
            view = await self._step_view(session, prompt, index)
            assert view is not None
            recap = outcome if isinstance(outcome, Recap) else None
            return AnswerEdit(step=view, recap=recap, lesson_reopened=reopened)

    # --- away and back ---------------------------------------------------------------------------

    async def away_for_days(self, actor: Actor, days: int) -> datetime:
        """Away for `days` days counting today; returns the moment they are back."""
        if days not in range(1, 366):
            raise ServiceError("error.button_expired")
        today = self._clock().astimezone(self._zone).date()
        return await self._away_through(actor, today + timedelta(days=days - 1))

    async def away_until(self, actor: Actor, raw_date: str) -> datetime:
        """`/away 24-12`: away through that day; returns the moment they are back."""
        today = self._clock().astimezone(self._zone).date()
        until = parse_date(raw_date, today)
        if until is None:
            raise ServiceError("away.bad_date", given=raw_date[:30])
        if until < today:
            raise ServiceError("away.in_past")
        return await self._away_through(actor, until)

    async def _away_through(self, actor: Actor, last_day: date) -> datetime:
        # Away through the whole of the last day, in the steunpunt's time zone.
        back = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=self._zone)
        await self.set_away(actor, back)
        return back

    async def set_away(self, actor: Actor, until: datetime | None) -> None:
        async with self._db.unit_of_work() as session:
            person = await People(session).get(actor.person_id)
            assert person is not None
            person.away_until = until
            if until is not None:
                # Questions already waiting to be sent are held back too.
                for prompt in await Prompts(session).pending_of_person(person.id):
                    prompt.status = PromptStatus.AWAY

    # --- views -----------------------------------------------------------------------------------

    async def _own_prompt(
        self, session: AsyncSession, actor: Actor, prompt_id: int
    ) -> tuple[CheckinPrompt, CheckinRun]:
        prompt = await Prompts(session).get(prompt_id)
        if prompt is None:
            raise ServiceError("error.button_expired")
        authorize_own(actor, Permission.ANSWER_CHECKIN, prompt.person_id)
        run = await Runs(session).get(prompt.run_id)
        assert run is not None
        return prompt, run

    async def _step_view(
        self, session: AsyncSession, prompt: CheckinPrompt, index: int
    ) -> StepView | None:
        steps = steps_from_json(prompt.steps)
        if not 0 <= index < len(steps):
            return None
        # Usually in the session already (loaded with the prompt): no query.
        run = await Runs(session).get(prompt.run_id)
        assert run is not None
        team = await Teams(session).get(run.team_id)
        assert team is not None
        sprint = await Sprints(session).get(run.sprint_id) if run.sprint_id else None
        step = steps[index]
        current = None
        if index < prompt.step:  # answered before: shown when the answer is being changed
            current = (await Answers(session).of_prompt(prompt.id)).get(step.key)
        question = None
        if step.question_index is not None:
            question = questions_from_json(run.questions)[step.question_index]
        return StepView(
            prompt_id=prompt.id,
            index=index,
            total=len(steps),
            kind=step.kind,
            key=step.key,
            team_name=team.name,
            run_kind=run.kind,
            sprint_goal=sprint.goal if sprint else None,
            question=question,
            action_id=step.action_id,
            action_text=step.action_text,
            current_answer=(current.text if current and not current.skipped else None),
        )

    async def _recap(
        self,
        session: AsyncSession,
        actor: Actor,
        prompt: CheckinPrompt,
        run: CheckinRun,
        lesson_reopened: bool = False,
    ) -> Recap:
        team = await Teams(session).get(run.team_id)
        assert team is not None
        answers = await Answers(session).of_prompt(prompt.id)
        questions = questions_from_json(run.questions)
        items = [
            RecapItem(
                index,
                step,
                None if step.question_index is None else questions[step.question_index],
                answers.get(step.key),
            )
            for index, step in enumerate(steps_from_json(prompt.steps))
        ]
        # A lesson from the check-in stays in the team until its author chooses.
        lesson_cards = await self._lessons.undecided_cards(
            actor, [answer.id for answer in answers.values()]
        )
        # Each blocker's proposed themes, for its author to confirm or change (once).
        blockers = [
            (answer.id, answer.text)
            for item in items
            if item.question is not None
            and item.question.key in BLOCKERS
            and (answer := item.answer) is not None
            and answer.text
            and not answer.skipped
        ]
        blocker_cards = await cards_to_offer(session, team.name, blockers)
        return Recap(
            prompt_id=prompt.id,
            team_name=team.name,
            items=items,
            editable=run.status is RunStatus.OPEN,
            closes_at=run.closes_at,
            lesson_cards=lesson_cards,
            lesson_reopened=lesson_reopened,
            blocker_cards=blocker_cards,
        )
