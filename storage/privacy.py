"""The privacy domain's SQL: everything stored about one person (for /mydata), erasing it (for
/forget), and deleting check-in answers past their retention period (keeping the figures)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Action,
    Adoption,
    BlockerResolution,
    CheckinAnswer,
    CheckinPrompt,
    CheckinRun,
    ConversationState,
    DigestDelivery,
    Endorsement,
    HousekeepingRun,
    Invite,
    Lesson,
    LessonTag,
    LessonTerm,
    LessonTheme,
    LessonVisibility,
    LinkedChat,
    Membership,
    Person,
    Role,
    RunStatus,
    SavedSearch,
    Sprint,
    Team,
)
from storage.repositories import insert_ignoring_conflicts
from storage.summaries import ANSWERED, TOOK_PART

# Every column that refers to a person, and what /forget does with it. /mydata exports each of
# them; tests/test_privacy.py fails when a table gains a person column that is not listed here.
PERSON_COLUMNS: dict[tuple[str, str], str] = {
    ("people", "id"): "deleted",
    ("memberships", "person_id"): "deleted (the membership ends)",
    ("conversation_states", "person_id"): "deleted",
    ("checkin_prompts", "person_id"): "deleted with the answers",
    ("actions", "owner_id"): "deleted",
    ("lessons", "author_id"): "shared lessons stay, anonymous and unlinked; others deleted",
    ("lesson_endorsements", "person_id"): "deleted",
    ("lesson_adoptions", "person_id"): "unlinked (the line stays with the team that tried it)",
    ("saved_searches", "person_id"): "deleted",
    ("teams", "created_by_id"): "unlinked",
    ("invites", "created_by_id"): "unlinked",
    ("invites", "used_by_id"): "unlinked",
    ("linked_chats", "linked_by_id"): "unlinked",
    ("sprints", "started_by_id"): "unlinked",
    ("sprints", "closed_by_id"): "unlinked",
    ("digest_deliveries", "person_id"): "deleted",
    ("blocker_resolutions", "resolved_by_id"): (
        "unlinked (the line on how is also their lesson, exported and erased with those); "
        "the marks on their own blockers are deleted with the answers"
    ),
}


@dataclass(frozen=True)
class AnsweredPrompt:
    prompt: CheckinPrompt
    run: CheckinRun
    team_name: str
    answers: list[CheckinAnswer]


@dataclass(frozen=True)
class WrittenLesson:
    lesson: Lesson
    team_name: str
    themes: list[str]
    tags: list[str]


@dataclass(frozen=True)
class RunFigures:
    """Participation and mood of one check-in run, whether or not its answers still exist."""

    prompted: int
    answered: int
    mood_count: int
    mood_total: int

    @property
    def mood_average(self) -> float | None:
        return None if self.mood_count == 0 else self.mood_total / self.mood_count


class PersonalData:
    """Reads for /mydata: each query returns one kind of thing the person left behind."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def person(self, person_id: int) -> Person | None:
        return await self._session.get(Person, person_id)

    async def memberships(self, person_id: int) -> list[tuple[Membership, str]]:
        result = await self._session.execute(
            select(Membership, Team.name)
            .join(Team, Team.id == Membership.team_id)
            .where(Membership.person_id == person_id)
            .order_by(Membership.joined_at, Membership.id)
        )
        return [(membership, name) for membership, name in result]

    async def prompts(self, person_id: int) -> list[AnsweredPrompt]:
        result = await self._session.execute(
            select(CheckinPrompt, CheckinRun, Team.name)
            .join(CheckinRun, CheckinRun.id == CheckinPrompt.run_id)
            .join(Team, Team.id == CheckinRun.team_id)
            .where(CheckinPrompt.person_id == person_id)
            .order_by(CheckinRun.opened_at, CheckinPrompt.id)
        )
        rows = list(result)
        answers: dict[int, list[CheckinAnswer]] = {}
        if rows:
            found = await self._session.execute(
                select(CheckinAnswer)
                .where(CheckinAnswer.prompt_id.in_([prompt.id for prompt, _, _ in rows]))
                .order_by(CheckinAnswer.answered_at, CheckinAnswer.id)
            )
            for answer in found.scalars():
                answers.setdefault(answer.prompt_id, []).append(answer)
        return [
            AnsweredPrompt(prompt, run, name, answers.get(prompt.id, []))
            for prompt, run, name in rows
        ]

    async def actions(self, person_id: int) -> list[tuple[Action, str]]:
        result = await self._session.execute(
            select(Action, Team.name)
            .join(Team, Team.id == Action.team_id)
            .where(Action.owner_id == person_id)
            .order_by(Action.created_at, Action.id)
        )
        return [(action, name) for action, name in result]

    async def lessons(self, person_id: int) -> list[WrittenLesson]:
        result = await self._session.execute(
            select(Lesson, Team.name)
            .join(Team, Team.id == Lesson.team_id)
            .where(Lesson.author_id == person_id)
            .order_by(Lesson.created_at, Lesson.id)
        )
        rows = list(result)
        ids = [lesson.id for lesson, _ in rows]
        themes: dict[int, list[str]] = {}
        tags: dict[int, list[str]] = {}
        if ids:
            for lesson_id, theme in await self._session.execute(
                select(LessonTheme.lesson_id, LessonTheme.theme)
                .where(LessonTheme.lesson_id.in_(ids))
                .order_by(LessonTheme.theme)
            ):
                themes.setdefault(lesson_id, []).append(theme)
            for lesson_id, tag in await self._session.execute(
                select(LessonTag.lesson_id, LessonTag.tag)
                .where(LessonTag.lesson_id.in_(ids))
                .order_by(LessonTag.tag)
            ):
                tags.setdefault(lesson_id, []).append(tag)
        return [
            WrittenLesson(lesson, name, themes.get(lesson.id, []), tags.get(lesson.id, []))
            for lesson, name in rows
        ]

    async def endorsements(self, person_id: int) -> list[tuple[Endorsement, str]]:
        result = await self._session.execute(
            select(Endorsement, Lesson.text)
            .join(Lesson, Lesson.id == Endorsement.lesson_id)
            .where(Endorsement.person_id == person_id)
            .order_by(Endorsement.created_at)
        )
        return [(endorsement, text) for endorsement, text in result]

    async def adoptions(self, person_id: int) -> list[tuple[Adoption, str]]:
        result = await self._session.execute(
            select(Adoption, Lesson.text)
            .join(Lesson, Lesson.id == Adoption.lesson_id)
            .where(Adoption.person_id == person_id)
            .order_by(Adoption.created_at, Adoption.id)
        )
        return [(adoption, text) for adoption, text in result]

    async def saved_searches(self, person_id: int) -> list[SavedSearch]:
        result = await self._session.execute(
            select(SavedSearch)
            .where(SavedSearch.person_id == person_id)
            .order_by(SavedSearch.created_at, SavedSearch.id)
        )
        return list(result.scalars())

    async def conversation(self, person_id: int) -> ConversationState | None:
        return await self._session.get(ConversationState, person_id)

    async def teams_created(self, person_id: int) -> list[Team]:
        result = await self._session.execute(
            select(Team).where(Team.created_by_id == person_id).order_by(Team.created_at)
        )
        return list(result.scalars())

    async def invites_created(self, person_id: int) -> list[tuple[Invite, str]]:
        result = await self._session.execute(
            select(Invite, Team.name)
            .join(Team, Team.id == Invite.team_id)
            .where(Invite.created_by_id == person_id)
            .order_by(Invite.created_at, Invite.id)
        )
        return [(invite, name) for invite, name in result]

    async def invites_used(self, person_id: int) -> list[tuple[Invite, str]]:
        """Personal invites (from a roster import) the person joined with."""
        result = await self._session.execute(
            select(Invite, Team.name)
            .join(Team, Team.id == Invite.team_id)
            .where(Invite.used_by_id == person_id)
            .order_by(Invite.used_at, Invite.id)
        )
        return [(invite, name) for invite, name in result]

    async def groups_linked(self, person_id: int) -> list[tuple[LinkedChat, str]]:
        result = await self._session.execute(
            select(LinkedChat, Team.name)
            .join(Team, Team.id == LinkedChat.team_id)
            .where(LinkedChat.linked_by_id == person_id)
            .order_by(LinkedChat.linked_at)
        )
        return [(chat, name) for chat, name in result]

    async def sprints(self, person_id: int) -> list[tuple[Sprint, str]]:
        """Sprints the person started or closed."""
        result = await self._session.execute(
            select(Sprint, Team.name)
            .join(Team, Team.id == Sprint.team_id)
            .where(or_(Sprint.started_by_id == person_id, Sprint.closed_by_id == person_id))
            .order_by(Sprint.starts_at, Sprint.id)
        )
        return [(sprint, name) for sprint, name in result]

    async def digests(self, person_id: int) -> list[tuple[DigestDelivery, str | None]]:
        """The weekly digests planned for the person (as a coordinator), with the team."""
        result = await self._session.execute(
            select(DigestDelivery, Team.name)
            .outerjoin(Team, Team.id == DigestDelivery.team_id)
            .where(DigestDelivery.person_id == person_id)
            .order_by(DigestDelivery.created_at, DigestDelivery.id)
        )
        return [(delivery, name) for delivery, name in result.all()]

    async def teams_only_coordinated_by(self, person_id: int) -> list[str]:
        """Names of the teams where the person is the one active coordinator."""
        own = (
            select(Membership.team_id)
            .where(
                Membership.person_id == person_id,
                Membership.role == Role.COORDINATOR,
                Membership.removed_at.is_(None),
            )
            .scalar_subquery()
        )
        coordinators = (
            select(Membership.team_id, func.count().label("count"))
            .where(
                Membership.team_id.in_(own),
                Membership.role == Role.COORDINATOR,
                Membership.removed_at.is_(None),
            )
            .group_by(Membership.team_id)
            .subquery()
        )
        result = await self._session.execute(
            select(Team.name)
            .join(coordinators, coordinators.c.team_id == Team.id)
            .where(coordinators.c.count == 1)
            .order_by(func.lower(Team.name))
        )
        return list(result.scalars())


class Erasure:
    """/forget: every row that names or points at the person goes, except shared lessons and
    adoption lines, which stay without any link to them. Explicit statements for each column
    in PERSON_COLUMNS, so nothing depends on the database's ON DELETE rules."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def erase(self, person_id: int) -> int:
        """Erase the person; returns how many shared lessons stayed (anonymous)."""
        session = self._session
        prompts = select(CheckinPrompt.id).where(CheckinPrompt.person_id == person_id)
        answers = select(CheckinAnswer.id).where(CheckinAnswer.prompt_id.in_(prompts))
        # Lessons and actions that came from their answers lose that link before the answers go.
        await session.execute(
            update(Lesson).where(Lesson.source_answer_id.in_(answers)).values(source_answer_id=None)
        )
        await session.execute(
            update(Action).where(Action.source_answer_id.in_(answers)).values(source_answer_id=None)
        )
        await session.execute(
            delete(BlockerResolution).where(BlockerResolution.answer_id.in_(answers))
        )
        await session.execute(
            update(BlockerResolution)
            .where(BlockerResolution.resolved_by_id == person_id)
            .values(resolved_by_id=None)
        )
        await session.execute(delete(CheckinAnswer).where(CheckinAnswer.id.in_(answers)))
        await session.execute(delete(CheckinPrompt).where(CheckinPrompt.person_id == person_id))
        await session.execute(delete(Action).where(Action.owner_id == person_id))
        kept = await session.execute(
            update(Lesson)
            .where(Lesson.author_id == person_id, Lesson.visibility == LessonVisibility.CITY)
            .values(author_id=None, anonymous=True)
            .returning(Lesson.id)
        )
        kept_count = len(list(kept.scalars()))
        # Team-only and undecided lessons were never shared beyond the team: they go.
        await session.execute(
            update(Lesson)
            .where(
                Lesson.merged_into_id.in_(select(Lesson.id).where(Lesson.author_id == person_id))
            )
            .values(merged_into_id=None)
        )
        private = select(Lesson.id).where(Lesson.author_id == person_id)
        for child in (LessonTheme, LessonTag, LessonTerm, Endorsement, Adoption):
            await session.execute(delete(child).where(child.lesson_id.in_(private)))
        await session.execute(delete(Lesson).where(Lesson.author_id == person_id))
        await session.execute(delete(Endorsement).where(Endorsement.person_id == person_id))
        await session.execute(
            update(Adoption).where(Adoption.person_id == person_id).values(person_id=None)
        )
        await session.execute(delete(SavedSearch).where(SavedSearch.person_id == person_id))
        await session.execute(delete(DigestDelivery).where(DigestDelivery.person_id == person_id))
        await session.execute(
            delete(ConversationState).where(ConversationState.person_id == person_id)
        )
        await session.execute(delete(Membership).where(Membership.person_id == person_id))
        await session.execute(
            update(Team).where(Team.created_by_id == person_id).values(created_by_id=None)
        )
        await session.execute(
            update(Invite).where(Invite.created_by_id == person_id).values(created_by_id=None)
        )
        await session.execute(
            update(Invite).where(Invite.used_by_id == person_id).values(used_by_id=None)
        )
        await session.execute(
            update(LinkedChat).where(LinkedChat.linked_by_id == person_id).values(linked_by_id=None)
        )
        await session.execute(
            update(Sprint).where(Sprint.started_by_id == person_id).values(started_by_id=None)
        )
        await session.execute(
            update(Sprint).where(Sprint.closed_by_id == person_id).values(closed_by_id=None)
        )
        await session.execute(delete(Person).where(Person.id == person_id))
        # Rows of theirs the session still holds must not be written back or served again.
        session.expunge_all()
        return kept_count


class Retention:
    """Deleting raw check-in answers after the retention period, keeping each run's figures."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def claim_day(self, job: str, day: str, now: datetime) -> bool:
        """True for the one caller that runs `job` on `day` (across instances)."""
        statement = insert_ignoring_conflicts(
            self._session, HousekeepingRun, {"job": job, "day": day, "ran_at": now}
        ).returning(HousekeepingRun.job)
        return (await self._session.execute(statement)).scalar_one_or_none() is not None

    async def runs_past(self, cutoff: datetime, limit: int) -> list[int]:
        """Closed runs that ended before `cutoff` and still hold their answers."""
        ended = func.coalesce(CheckinRun.closed_at, CheckinRun.opened_at)
        result = await self._session.execute(
            select(CheckinRun.id)
            .where(
                CheckinRun.status != RunStatus.OPEN,
                CheckinRun.answers_deleted_at.is_(None),
                ended < cutoff,
            )
            .order_by(CheckinRun.id)
            .limit(limit)
        )
        return list(result.scalars())

    async def live_figures(self, run_ids: list[int]) -> dict[int, RunFigures]:
        """Figures counted from the prompts and answers (as the run's close counts them)."""
        if not run_ids:
            return {}
        counts = await self._session.execute(
            select(
                CheckinPrompt.run_id,
                func.sum(case((TOOK_PART, 1), else_=0)),
                func.sum(case((ANSWERED, 1), else_=0)),
            )
            .where(CheckinPrompt.run_id.in_(run_ids))
            .group_by(CheckinPrompt.run_id)
        )
        moods = await self._session.execute(
            select(
                CheckinPrompt.run_id, func.count(CheckinAnswer.mood), func.sum(CheckinAnswer.mood)
            )
            .join(CheckinPrompt, CheckinPrompt.id == CheckinAnswer.prompt_id)
            .where(
                CheckinPrompt.run_id.in_(run_ids),
                CheckinAnswer.step_key == "mood",
                CheckinAnswer.mood.is_not(None),
            )
            .group_by(CheckinPrompt.run_id)
        )
        mood_by_run = {run_id: (int(n), int(total or 0)) for run_id, n, total in moods}
        figures = {run_id: RunFigures(0, 0, *mood_by_run.get(run_id, (0, 0))) for run_id in run_ids}
        for run_id, prompted, answered_count in counts:
            mood = mood_by_run.get(run_id, (0, 0))
            figures[run_id] = RunFigures(int(prompted), int(answered_count), *mood)
        return figures

    async def figures(self, run_ids: list[int]) -> dict[int, RunFigures]:
        """Each run's figures: the kept ones once its answers are gone, else counted live."""
        if not run_ids:
            return {}
        runs = list(
            (await self._session.execute(select(CheckinRun).where(CheckinRun.id.in_(run_ids))))
            .scalars()
            .all()
        )
        live = await self.live_figures([run.id for run in runs if run.answers_deleted_at is None])
        kept = {
            run.id: RunFigures(
                run.prompted_count or 0,
                run.answered_count or 0,
                run.mood_count or 0,
                run.mood_total or 0,
            )
            for run in runs
            if run.answers_deleted_at is not None
        }
        return {**live, **kept}

    async def delete_answers(self, run_id: int, now: datetime) -> int:
        """Keep the run's figures, then delete its answers; 0 when another instance did it.
        The claim (the first update) and the delete commit together."""
        figures = (await self.live_figures([run_id]))[run_id]
        claimed = await self._session.execute(
            update(CheckinRun)
            .where(CheckinRun.id == run_id, CheckinRun.answers_deleted_at.is_(None))
            .values(
                answers_deleted_at=now,
                prompted_count=figures.prompted,
                answered_count=figures.answered,
                mood_count=figures.mood_count,
                mood_total=figures.mood_total,
            )
            .returning(CheckinRun.id)
        )
        if claimed.scalar_one_or_none() is None:
            return 0
        prompts = select(CheckinPrompt.id).where(CheckinPrompt.run_id == run_id)
        answers = select(CheckinAnswer.id).where(CheckinAnswer.prompt_id.in_(prompts))
        await self._session.execute(
            update(Lesson).where(Lesson.source_answer_id.in_(answers)).values(source_answer_id=None)
        )
        await self._session.execute(
            update(Action).where(Action.source_answer_id.in_(answers)).values(source_answer_id=None)
        )
        result = await self._session.execute(
            delete(CheckinAnswer).where(CheckinAnswer.prompt_id.in_(prompts))
        )
        return int(getattr(result, "rowcount", 0) or 0)
