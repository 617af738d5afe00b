"""Privacy (AVG): what is stored about a person (/mydata), erasing it (/forget), and deleting raw
check-in answers once they are older than the retention period (keeping each run's figures);
the same daily round forgets the names on personal invites that can no longer be used."""

from __future__ import annotations

import calendar
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.services.common import Actor, Clock
from bot.services.templates import Question, questions_from_json, steps_from_json
from storage.blocker_themes import BlockerThemes
from storage.database import Database
from storage.privacy import Erasure, PersonalData, Retention
from storage.repositories import Invites

logger = logging.getLogger(__name__)

RETENTION_JOB = "answer-retention"
RETENTION_BATCH = 200  # runs per unit of work, so one day's backlog never holds a long lock
QuestionLabel = Callable[[Question], str]


@dataclass(frozen=True)
class MyData:
    file_name: str
    content: bytes  # UTF-8 JSON, indented


@dataclass(frozen=True)
class ForgetPreview:
    """What /forget will do, shown before the person confirms."""

    sole_coordinator_of: list[str]  # teams left without a coordinator (admins still run them)


@dataclass(frozen=True)
class Forgotten:
    shared_lessons_kept: int


@dataclass(frozen=True)
class RetentionReport:
    ran: bool  # False: already run today (here or by another instance)
    runs: int = 0
    answers: int = 0
    invitee_names: int = 0  # names on expired or revoked personal invites, forgotten


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the 31st becomes the month's
    last day)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _when(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


class PrivacyService:
    def __init__(self, database: Database, clock: Clock, retention_months: int) -> None:
        self._db = database
        self._clock = clock
        self._retention_months = retention_months
        # Only spares the database a query each round; the claim in the database decides.
        self._retention_checked_on: date | None = None

    # --- /mydata -------------------------------------------------------------------------------

    async def my_data(self, actor: Actor, question_label: QuestionLabel) -> MyData:
        """Everything stored about the person, as a readable JSON file."""
        now = self._clock()
        data = await self._collect(actor.person_id, question_label)
        data = {"exported_at": now.isoformat(), **data}
        content = json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"
        return MyData(f"steunpunt-mijn-gegevens-{now:%Y-%m-%d}.json", content.encode())

    async def _collect(self, person_id: int, question_label: QuestionLabel) -> dict[str, Any]:
        async with self._db.unit_of_work() as session:
            stored = PersonalData(session)
            person = await stored.person(person_id)
            if person is None:
                return {"person": None}
            check_ins = []
            prompts = await stored.prompts(person_id)
            # A blocker's themes (proposed by the bot, or chosen by the person) go with it.
            themes = await BlockerThemes(session).of_answers(
                [answer.id for item in prompts for answer in item.answers]
            )
            for item in prompts:
                questions = questions_from_json(item.run.questions)
                steps = {step.key: step for step in steps_from_json(item.prompt.steps)}
                answers: list[dict[str, object]] = []
                for answer in item.answers:
                    step = steps.get(answer.step_key)
                    question: str | None = None
                    if step is not None and step.question_index is not None:
                        if step.question_index < len(questions):
                            question = question_label(questions[step.question_index])
                    elif step is not None and step.action_text is not None:
                        question = step.action_text
                    answers.append(
                        {
                            "question": question,
                            "step": answer.step_key,
                            "mood": answer.mood,
                            "text": answer.text,
                            "skipped": answer.skipped,
                            "attachment": answer.attachment_kind,
                            "answered_at": _when(answer.answered_at),
                            "changed_at": _when(answer.updated_at),
                        }
                    )
                    if answer.id in themes:
                        answers[-1]["themes"] = list(themes[answer.id].themes)
                        answers[-1]["themes_chosen_by_you"] = themes[answer.id].by_author
                check_ins.append(
                    {
                        "team": item.team_name,
                        "check_in_opened_at": _when(item.run.opened_at),
                        "status": item.prompt.status.value,
                        "sent_at": _when(item.prompt.sent_at),
                        "completed_at": _when(item.prompt.completed_at),
                        "answers_deleted_after_retention_at": _when(item.run.answers_deleted_at),
                        "answers": answers,
                    }
                )
            conversation = await stored.conversation(person_id)
            return {
                "person": {
                    "telegram_user_id": person.telegram_user_id,
                    "name": person.display_name,
                    "username": person.username,
                    "language": person.language,
                    "time_zone": person.timezone,
                    "away_until": _when(person.away_until),
                    "unreachable_since": _when(person.unreachable_since),
                    "first_seen_at": _when(person.created_at),
                    "updated_at": _when(person.updated_at),
                },
                "memberships": [
                    {
                        "team": team,
                        "role": membership.role.value,
                        "weekly_digest": membership.digest_enabled,
                        "joined_at": _when(membership.joined_at),
                        "ended_at": _when(membership.removed_at),
                    }
                    for membership, team in await stored.memberships(person_id)
                ],
                "check_ins": check_ins,
                "actions": [
                    {
                        "team": team,
                        "text": action.text,
                        "status": action.status.value,
                        "created_at": _when(action.created_at),
                        "reviewed_at": _when(action.reviewed_at),
                    }
                    for action, team in await stored.actions(person_id)
                ],
                "lessons": [
                    {
                        "team": written.team_name,
                        "text": written.lesson.text,
                        "advice": written.lesson.advice,
                        "visibility": written.lesson.visibility.value,
                        "anonymous": written.lesson.anonymous,
                        "status": written.lesson.status.value,
                        "hidden_reason": written.lesson.hidden_reason,
                        "themes": written.themes,
                        "tags": written.tags,
                        "created_at": _when(written.lesson.created_at),
                        "decided_at": _when(written.lesson.decided_at),
                    }
                    for written in await stored.lessons(person_id)
                ],
                "endorsements": [
                    {"lesson": text, "at": _when(endorsement.created_at)}
                    for endorsement, text in await stored.endorsements(person_id)
                ],
                "adoptions": [
                    {"lesson": text, "how_it_went": adoption.text, "at": _when(adoption.created_at)}
                    for adoption, text in await stored.adoptions(person_id)
                ],
                "searches": [
                    {
                        "query": search.query,
                        "filters": search.filters,
                        "at": _when(search.created_at),
                    }
                    for search in await stored.saved_searches(person_id)
                ],
                "weekly_digests": [
                    {
                        "team": team,
                        "week": delivery.week,
                        "status": delivery.status.value,
                        "sent_at": _when(delivery.sent_at),
                    }
                    for delivery, team in await stored.digests(person_id)
                ],
                "conversation": None
                if conversation is None
                else {
                    "flow": conversation.flow,
                    "step": conversation.step,
                    "data": conversation.data,
                    "updated_at": _when(conversation.updated_at),
                },
                "teams_created": [
                    {"team": team.name, "at": _when(team.created_at)}
                    for team in await stored.teams_created(person_id)
                ],
                "invites_created": [
                    {"team": team, "at": _when(invite.created_at)}
                    for invite, team in await stored.invites_created(person_id)
                ],
                "personal_invites_used": [
                    {"team": team, "role": invite.role.value, "at": _when(invite.used_at)}
                    for invite, team in await stored.invites_used(person_id)
                ],
                "groups_linked": [
                    {"team": team, "group": chat.title, "at": _when(chat.linked_at)}
                    for chat, team in await stored.groups_linked(person_id)
                ],
                "sprints_started_or_closed": [
                    {
                        "team": team,
                        "number": sprint.number,
                        "goal": sprint.goal,
                        "started_by_you": sprint.started_by_id == person_id,
                        "closed_by_you": sprint.closed_by_id == person_id,
                    }
                    for sprint, team in await stored.sprints(person_id)
                ],
            }

    # --- /forget -------------------------------------------------------------------------------

    async def forget_preview(self, actor: Actor) -> ForgetPreview:
        async with self._db.unit_of_work() as session:
            teams = await PersonalData(session).teams_only_coordinated_by(actor.person_id)
            return ForgetPreview(sole_coordinator_of=teams)

    async def forget(self, actor: Actor, person_id: int) -> Forgotten | None:
        """Erase the person who pressed the confirmation. None when the button is not theirs
        (someone else's, or pressed again after they were forgotten): nothing happens."""
        if person_id != actor.person_id:
            return None
        async with self._db.unit_of_work() as session:
            kept = await Erasure(session).erase(actor.person_id)
        logger.info("a person was forgotten at their request")
        return Forgotten(shared_lessons_kept=kept)

    # --- retention -----------------------------------------------------------------------------

    def retention_due_today(self) -> bool:
        """False once today's retention run was claimed (here or by another instance)."""
        return self._retention_checked_on != self._clock().date()

    async def delete_expired_answers(self, now: datetime | None = None) -> RetentionReport:
        """Once a day (claimed, so one instance does it): delete the raw answers of check-ins
        that closed more than the retention period ago, keeping their figures on the run; and
        forget the names on personal invites that expired or were revoked unused."""
        now = now or self._clock()
        async with self._db.unit_of_work() as session:
            claimed = await Retention(session).claim_day(RETENTION_JOB, f"{now:%Y-%m-%d}", now)
        self._retention_checked_on = now.date()
        if not claimed:
            return RetentionReport(ran=False)
        async with self._db.unit_of_work() as session:
            names = await Invites(session).forget_stale_invitee_names(now)
        cutoff = months_before(now, self._retention_months)
        report = RetentionReport(ran=True, invitee_names=names)
        while True:
            async with self._db.unit_of_work() as session:
                retention = Retention(session)
                run_ids = await retention.runs_past(cutoff, RETENTION_BATCH)
                deleted = 0
                for run_id in run_ids:
                    deleted += await retention.delete_answers(run_id, now)
            report = RetentionReport(
                True, report.runs + len(run_ids), report.answers + deleted, names
            )
            if len(run_ids) < RETENTION_BATCH:
                break
        if report.runs:
            logger.info(
                "retention: answers of %d check-ins older than %d months deleted (%d answers)",
                report.runs,
                self._retention_months,
                report.answers,
            )
        return report
