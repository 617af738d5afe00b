"""Summary and chart speed on a city-sized network.

    python -m benchmarks.summaries [--database-url URL] [--teams 200] [--seed 1]

1. Builds a city: 200 teams over the stadsdelen and the three kinds, about 10 members each,
   twelve weeks of weekly check-ins (runs, prompts with their statuses, about 100,000 answers:
   moods and texts for the default template's questions), actions from the "next step" answers
   (open, done, partly, dropped), sprints of two weeks, and 20,000 lessons (themes and tags,
   some shared with the city log, with *herkenbaar* and *wij probeerden dit* from other
   teams). Rows go in with bulk inserts through the ORM models, in chunks.
2. Times, through `SummaryService`: a team's summary of this week (50 teams, median and p95),
   the network summary (median of 5) and the chart (median of 10), against the targets.

Prints figures; it asserts nothing. Default database: a temporary SQLite file. Pass
--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/bench_summaries to measure
PostgreSQL (that database's public schema is wiped first).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.charts import render_chart
from bot.services.checkins import slot_key
from bot.services.summaries import SummaryService, local_midnight, monday_of
from bot.services.templates import TEMPLATES, Step, questions_as_json, steps_as_json
from storage.database import Database, create_engine
from storage.migrate import upgrade_database
from storage.models import (
    THEMES,
    Action,
    ActionStatus,
    Adoption,
    Base,
    CheckinAnswer,
    CheckinPrompt,
    CheckinRun,
    CheckinSchedule,
    Endorsement,
    Lesson,
    LessonStatus,
    LessonTag,
    LessonTheme,
    LessonVisibility,
    Membership,
    Person,
    PromptStatus,
    Role,
    RunKind,
    RunStatus,
    Sprint,
    Stadsdeel,
    Team,
    TeamKind,
)

ZONE = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)  # a Friday afternoon, when the digest goes out
WEEKS = 12
LESSONS = 20_000
CHUNK = 5_000
TARGETS_MS = {"team": 50.0, "network": 500.0, "chart": 300.0}

KIND_WEIGHTS = {TeamKind.GEBIEDSTEAM: 3, TeamKind.INITIATIEF: 6, TeamKind.AMBTELIJK_TEAM: 2}
KIND_NAMES = {
    TeamKind.GEBIEDSTEAM: "Gebiedsteam",
    TeamKind.INITIATIEF: "Initiatief",
    TeamKind.AMBTELIJK_TEAM: "Ambtelijk team",
}
STADSDEEL_WEIGHTS = {
    Stadsdeel.CENTRUM: 3,
    Stadsdeel.NIEUW_WEST: 4,
    Stadsdeel.NOORD: 4,
    Stadsdeel.OOST: 4,
    Stadsdeel.WEST: 3,
    Stadsdeel.ZUID: 3,
    Stadsdeel.ZUIDOOST: 3,
    Stadsdeel.WEESP: 1,
    Stadsdeel.STAD: 1,
}
PLACES = ["de Pijp", "Slotervaart", "de Banne", "het Oostelijk Havengebied", "Osdorp", "Bijlmer"]
ANSWERS = {
    "q:0": [
        "Gesprek gevoerd met de gebiedsmakelaar over {place}",
        "Bewonersavond voorbereid in {place}",
        "Subsidieaanvraag voor {place} afgemaakt",
        "Rondgang gemaakt met de wijkagent door {place}",
        "Flyers rondgebracht in {place}",
        "Overleg met de woningcorporatie over de binnentuin",
    ],
    "q:1": [
        "Veel opkomst op de bewonersavond in {place}",
        "De ambtenaar dacht echt mee",
        "Snel antwoord van het stadsdeel",
        "Nieuwe vrijwilligers gevonden in {place}",
        "De buurt deed enthousiast mee",
    ],
    "q:2": [
        "Geen antwoord van de afdeling vergunningen",
        "Het budget is pas na de zomer vrij",
        "We worden van loket naar loket gestuurd",
        "Te weinig vrijwilligers in {place}",
        "Niemand voelt zich eigenaar van het plein in {place}",
        "De kokers binnen de gemeente werken elkaar tegen",
    ],
    "q:3": [
        "Begin klein en laat resultaat zien in {place}",
        "Zoek eerst de juiste ambtenaar, dan pas het loket",
        "Vraag de subsidie aan voordat het plan af is",
        "Bewoners komen als je ze persoonlijk uitnodigt",
        "Leg afspraken met de corporatie meteen vast",
        "Een kort lijntje met de wijkagent scheelt weken",
    ],
    "q:4": [
        "Afspraak maken met het gebiedsteam",
        "Vergunning opnieuw aanvragen",
        "Buurtbijeenkomst plannen in {place}",
        "Mail sturen naar de wethouder",
        "Begroting bijwerken",
    ],
}
TAGS = ["vergunningen", "ratten", "commons", "subsidie", "participatie", "groen"]
ADOPTIONS = [
    "Geprobeerd in onze buurt, werkte goed",
    "Deels overgenomen: de bewonersavond wel, de flyers niet",
    "Wij deden dit ook, de gemeente reageerde sneller",
]


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@dataclass
class City:
    """Every row of the city, as dicts per model, with the ids given here (so rows can point at
    each other without a round trip per row)."""

    rng: random.Random
    rows: dict[type[Base], list[dict[str, Any]]] = field(default_factory=dict)
    next_ids: dict[type[Base], int] = field(default_factory=dict)
    members: dict[int, list[int]] = field(default_factory=dict)  # team -> people
    team_of: dict[int, int] = field(default_factory=dict)  # person -> team

    def add(self, model: type[Base], **values: Any) -> int:
        """Queue a row; returns its id (models with an `id` primary key get the next one)."""
        if "id" in model.__table__.c:
            values["id"] = self.next_ids.get(model, 0) + 1
            self.next_ids[model] = values["id"]
        self.rows.setdefault(model, []).append(values)
        return int(values.get("id", 0))

    def count(self, model: type[Base]) -> int:
        return len(self.rows.get(model, []))


def build_city(teams: int, seed: int, lessons: int = LESSONS) -> City:
    city = City(random.Random(seed))
    rng = city.rng
    started = NOW - timedelta(weeks=WEEKS + 2)
    first_monday = monday_of(NOW.astimezone(ZONE).date()) - timedelta(weeks=WEEKS - 1)
    admin = city.add(
        Person, telegram_user_id=1, display_name="Beheer", created_at=started, updated_at=started
    )
    kinds = rng.choices(list(KIND_WEIGHTS), list(KIND_WEIGHTS.values()), k=teams)
    stadsdelen = rng.choices(list(STADSDEEL_WEIGHTS), list(STADSDEEL_WEIGHTS.values()), k=teams)
    for number, (kind, stadsdeel) in enumerate(zip(kinds, stadsdelen, strict=True), 1):
        team = city.add(
            Team,
            name=f"{KIND_NAMES[kind]} {stadsdeel.value.replace('_', '-').title()} {number:03d}",
            kind=kind,
            stadsdeel=stadsdeel,
            created_by_id=admin,
            created_at=started,
        )
        people = []
        for seat in range(rng.randint(8, 12)):
            person = city.add(
                Person,
                telegram_user_id=10_000 + city.count(Person),
                display_name=f"Lid {team}-{seat + 1}",
                language="nl" if rng.random() < 0.9 else "en",
                created_at=started,
                updated_at=started,
            )
            city.add(
                Membership,
                team_id=team,
                person_id=person,
                role=Role.COORDINATOR if seat == 0 else Role.MEMBER,
                joined_at=started,
            )
            people.append(person)
            city.team_of[person] = team
        city.members[team] = people
        city.add(
            CheckinSchedule,
            team_id=team,
            weekdays="0",
            time_of_day="09:30",
            timezone=ZONE.key,
            template="default",
            custom_questions=questions_as_json([]),
            skip_holidays=True,
            paused=False,
            reminder_after_minutes=240,
            close_after_minutes=24 * 60,
            share_answers_in_group=rng.random() < 0.3,
            active_from=started,
            updated_at=started,
        )
        sprints = _sprints(city, team, people[0], first_monday)
        # A few teams joined late, a few went quiet in the last two weeks.
        joined_week = WEEKS - rng.randint(2, 4) if rng.random() < 0.05 else 0
        quiet_from = WEEKS - 2 if rng.random() < 0.05 else WEEKS
        mood_level = rng.uniform(2.6, 4.2)
        for week in range(joined_week, WEEKS):
            monday = first_monday + timedelta(weeks=week)
            _checkin(city, team, people, sprints, monday, mood_level, quiet=week >= quiet_from)
    _lessons(city, lessons)
    return city


def _sprints(
    city: City, team: int, coordinator: int, first_monday: date
) -> list[tuple[int, datetime, datetime]]:
    """Two-week sprints from the first week on; the last one is still open for most teams."""
    sprints = []
    goals = ["Rattenplan uitrollen", "Binnentuin vergroenen", "Energiecoöperatie opzetten"]
    for number in range(1, WEEKS // 2 + 1):
        start = local_midnight(first_monday + timedelta(weeks=2 * (number - 1)), ZONE)
        end = start + timedelta(days=14)
        still_open = end > NOW and city.rng.random() < 0.8
        sprint = city.add(
            Sprint,
            team_id=team,
            number=number,
            goal=city.rng.choice(goals),
            starts_at=start,
            ends_at=end,
            closed_at=None if still_open else min(end, NOW - timedelta(hours=1)),
            started_by_id=coordinator,
            closed_by_id=None if still_open else coordinator,
        )
        sprints.append((sprint, start, end))
    return sprints


def _checkin(
    city: City,
    team: int,
    people: list[int],
    sprints: list[tuple[int, datetime, datetime]],
    monday: date,
    mood_level: float,
    quiet: bool,
) -> None:
    rng = city.rng
    scheduled = local_midnight(monday, ZONE) + timedelta(hours=9, minutes=30)
    if scheduled > NOW:
        return
    sprint = next((s for s, start, end in sprints if start <= scheduled < end), None)
    draw = rng.random()
    status = RunStatus.MISSED if draw < 0.02 else RunStatus.SKIPPED if draw < 0.04 else None
    closes = scheduled + timedelta(days=1)
    run = city.add(
        CheckinRun,
        team_id=team,
        sprint_id=sprint,
        kind=RunKind.SCHEDULED,
        slot_key=slot_key(scheduled),
        status=status or (RunStatus.CLOSED if closes <= NOW else RunStatus.OPEN),
        scheduled_for=scheduled,
        opened_at=scheduled,
        closes_at=closes,
        closed_at=closes if closes <= NOW else None,
        note=None if status is None else "bot was down" if draw < 0.02 else "holiday",
        questions=questions_as_json(TEMPLATES["default"]),
        reminder_after_minutes=240,
        share_answers_in_group=False,
    )
    if status is not None:
        return  # a missed or skipped slot asked nobody
    steps = steps_as_json([Step.mood(), *(Step.question(i) for i in range(5))])
    week_mood = mood_level + rng.uniform(-0.4, 0.4)
    for person in people:
        draw = rng.random()
        if draw < 0.04:
            prompt_status, answered = PromptStatus.AWAY, -1
        elif draw < 0.06:
            prompt_status, answered = PromptStatus.UNREACHABLE, -1
        elif quiet or draw < 0.2:
            prompt_status, answered = PromptStatus.ACTIVE, 0  # reached, did not answer
        elif draw < 0.24:
            prompt_status, answered = PromptStatus.ACTIVE, rng.randint(1, 4)
        else:
            prompt_status, answered = PromptStatus.DONE, 6
        sent = scheduled + timedelta(seconds=rng.randint(0, 120))
        reached = answered >= 0
        prompt = city.add(
            CheckinPrompt,
            run_id=run,
            person_id=person,
            status=prompt_status,
            due_at=scheduled,
            steps=steps,
            step=max(answered, 0),
            asked_step=min(answered, 5) if reached else -1,
            claimed_at=sent if reached else None,
            sent_at=sent if reached else None,
            completed_at=sent + timedelta(minutes=30) if answered == 6 else None,
            attempts=1 if reached else 0,
            asked_at=sent if reached else None,
            recap_sent_at=sent + timedelta(minutes=30) if answered == 6 else None,
            cards_sent_at=sent + timedelta(minutes=30) if answered == 6 else None,
        )
        at = sent + timedelta(minutes=rng.randint(1, 600))
        for index in range(max(answered, 0)):
            at += timedelta(minutes=rng.randint(1, 5))
            if index == 0:
                mood = round(min(5, max(1, rng.gauss(week_mood, 0.8))))
                city.add(
                    CheckinAnswer,
                    prompt_id=prompt,
                    step_key="mood",
                    mood=mood,
                    skipped=False,
                    answered_at=at,
                    updated_at=at,
                )
                continue
            key = f"q:{index - 1}"
            skipped = rng.random() < 0.08
            answer = city.add(
                CheckinAnswer,
                prompt_id=prompt,
                step_key=key,
                text=None if skipped else _sentence(rng, key),
                skipped=skipped,
                answered_at=at,
                updated_at=at,
            )
            if skipped:
                continue
            if key == "q:4" and rng.random() < 0.5:
                _action(city, team, sprint, person, answer, at)
            elif key == "q:3" and rng.random() < 0.75:
                _lesson(city, team, sprint, person, at, answer)


def _sentence(rng: random.Random, key: str) -> str:
    return rng.choice(ANSWERS[key]).format(place=rng.choice(PLACES))


def _action(
    city: City, team: int, sprint: int | None, owner: int, answer: int, at: datetime
) -> None:
    reviewed = at + timedelta(days=7)
    status = ActionStatus.OPEN
    if reviewed <= NOW and city.rng.random() < 0.85:
        status = city.rng.choices(
            [ActionStatus.DONE, ActionStatus.PARTLY, ActionStatus.DROPPED], [5, 3, 2]
        )[0]
    city.add(
        Action,
        team_id=team,
        sprint_id=sprint,
        owner_id=owner,
        source_answer_id=answer,
        text=_sentence(city.rng, "q:4"),
        status=status,
        created_at=at,
        reviewed_at=None if status is ActionStatus.OPEN else reviewed,
    )


def _lesson(
    city: City,
    team: int,
    sprint: int | None,
    author: int,
    at: datetime,
    answer: int | None = None,
) -> None:
    rng = city.rng
    draw = rng.random()
    decided = at + timedelta(minutes=rng.randint(1, 30)) if draw < 0.92 else None
    shared = decided is not None and rng.random() < 0.4
    status = LessonStatus.ACTIVE
    hidden_reason = None
    if shared and draw < 0.01:
        status, hidden_reason = LessonStatus.HIDDEN, "Dubbel met een andere les"
    city.add(
        Lesson,
        team_id=team,
        sprint_id=sprint,
        author_id=author,
        source_answer_id=answer,
        text=_sentence(rng, "q:3"),
        visibility=LessonVisibility.CITY if shared else LessonVisibility.TEAM,
        anonymous=shared and rng.random() < 0.2,
        status=status,
        hidden_reason=hidden_reason,
        decided_at=decided,
        created_at=at,
        updated_at=decided or at,
    )


def _lessons(city: City, total: int) -> None:
    """Lessons written with /lesson (beside those from check-ins) up to `total`, then themes,
    tags, and what other teams said of the shared ones."""
    rng = city.rng
    people = list(city.team_of)
    span = timedelta(weeks=WEEKS).total_seconds()
    while city.count(Lesson) < total:
        author = rng.choice(people)
        at = NOW - timedelta(seconds=rng.uniform(3600, span))  # within those weeks
        _lesson(city, city.team_of[author], None, author, at)
    recent = NOW - timedelta(weeks=3)
    shared: list[dict[str, Any]] = []
    for lesson in city.rows[Lesson]:
        # Funding comes up more and more: a theme that rises.
        weights = [
            3 if theme == "financiering" and lesson["created_at"] > recent else 1
            for theme in THEMES
        ]
        draw = rng.random()
        count = 0 if draw < 0.25 else 1 if draw < 0.8 else 2
        for theme in set(rng.choices(THEMES, weights, k=count)):
            city.add(LessonTheme, lesson_id=lesson["id"], theme=theme)
        if rng.random() < 0.15:
            city.add(LessonTag, lesson_id=lesson["id"], tag=rng.choice(TAGS))
        if (
            lesson["visibility"] is LessonVisibility.CITY
            and lesson["status"] is LessonStatus.ACTIVE
        ):
            shared.append(lesson)
    for lesson in shared:
        decided: datetime = lesson["decided_at"]
        window = (NOW - decided).total_seconds()
        draw = rng.random()
        endorsements = (
            0 if draw < 0.45 else rng.randint(1, 6) if draw < 0.97 else rng.randint(10, 30)
        )
        for person in set(rng.sample(people, endorsements)):
            if city.team_of[person] == lesson["team_id"]:
                continue  # herkenbaar comes from other teams
            city.add(
                Endorsement,
                lesson_id=lesson["id"],
                person_id=person,
                team_id=city.team_of[person],
                created_at=decided + timedelta(seconds=rng.uniform(0, window)),
            )
        if rng.random() < 0.1:
            for person in rng.sample(people, rng.randint(1, 2)):
                if city.team_of[person] == lesson["team_id"]:
                    continue
                city.add(
                    Adoption,
                    lesson_id=lesson["id"],
                    person_id=person,
                    team_id=city.team_of[person],
                    text=rng.choice(ADOPTIONS),
                    created_at=decided + timedelta(seconds=rng.uniform(0, window)),
                )
    # A handful of duplicates, merged into an older shared lesson.
    for index in rng.sample(range(1, len(shared)), len(shared) // 100):
        lesson = shared[index]
        lesson["status"] = LessonStatus.MERGED
        lesson["merged_into_id"] = shared[rng.randrange(index)]["id"]


# Parents before children (foreign keys are checked on SQLite too).
ORDER: tuple[type[Base], ...] = (
    Person,
    Team,
    Membership,
    CheckinSchedule,
    Sprint,
    CheckinRun,
    CheckinPrompt,
    CheckinAnswer,
    Action,
    Lesson,
    LessonTheme,
    LessonTag,
    Endorsement,
    Adoption,
)


async def store(engine: AsyncEngine, city: City) -> None:
    async with engine.begin() as connection:
        for model in ORDER:
            rows = city.rows.get(model, [])
            # One statement for many rows needs the same keys in each; a key left out of every
            # row keeps its column default.
            keys = {key for row in rows for key in row}
            rows = [dict.fromkeys(keys) | row for row in rows]
            for start in range(0, len(rows), CHUNK):
                await connection.execute(insert(model), rows[start : start + CHUNK])
        if engine.dialect.name == "postgresql":
            # The ids were given here: move each sequence past them, as the bot would need.
            for model in ORDER:
                if "id" in model.__table__.c:
                    name = model.__tablename__
                    await connection.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                            f"(SELECT coalesce(max(id), 1) FROM {name}))"
                        )
                    )
        # Planner statistics after a bulk load (a live database keeps them current itself).
        await connection.execute(text("ANALYZE"))


async def prepare(engine: AsyncEngine) -> None:
    if engine.dialect.name == "postgresql":
        async with engine.begin() as connection:
            await connection.execute(text("SET client_min_messages = warning"))
            await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    await upgrade_database(engine)


async def row_counts(engine: AsyncEngine) -> dict[str, int]:
    counts = {}
    async with engine.connect() as connection:
        for model in ORDER:
            result = await connection.execute(select(func.count()).select_from(model))
            counts[model.__tablename__] = int(result.scalar_one())
    return counts


async def timed(
    run: Callable[[], Awaitable[object]],
    times: int,
    clock: Callable[[], float] = time.perf_counter,
) -> list[float]:
    """Milliseconds of each of `times` calls, after one call to warm caches."""
    await run()
    timings = []
    for _ in range(times):
        began = clock()
        await run()
        timings.append((clock() - began) * 1000)
    return timings


def report(label: str, timings: list[float], target: float) -> None:
    median = statistics.median(timings)
    p95 = percentile(timings, 0.95)
    verdict = "ok" if median <= target else "SLOW"
    if median <= target < p95:
        verdict += " (p95 over)"
    print(
        f"  {label:<30} {len(timings):>4}  {median:8.1f}  {p95:8.1f}  {max(timings):8.1f}"
        f"  {target:6.0f}  {verdict}"
    )


async def measure(engine: AsyncEngine, teams: int, seed: int) -> None:
    service = SummaryService(Database(engine), lambda: NOW, ZONE)
    period = service.week()
    rng = random.Random(seed)
    sample = rng.sample(range(1, teams + 1), min(50, teams))
    load = os.getloadavg()[0]
    print(f"  load average before timing: {load:.1f} on {os.cpu_count()} cores")
    print(f"  {'':<30} {'runs':>4}  {'p50 ms':>8}  {'p95 ms':>8}  {'max ms':>8}  {'target':>6}")
    for label, chosen, teams_timed in (
        ("team summary (this week)", period, sample),
        ("team summary (last week)", service.week(weeks_back=1), sample[:20]),
    ):
        timings: list[float] = []
        for team_id in teams_timed:
            timings += await timed(partial(service.team_summary_for, team_id, chosen), 1)
        report(label, timings, TARGETS_MS["team"])
    report(
        "network summary (this week)",
        await timed(lambda: service.network_summary_for(period), 5),
        TARGETS_MS["network"],
    )
    network = await service.network_summary_for(period)
    team = await service.team_summary_for(sample[0], period)
    assert team is not None

    async def chart() -> bytes | None:
        return await asyncio.to_thread(render_chart, network.history, "nl", "Netwerk")

    report("chart (network, in a thread)", await timed(chart, 10), TARGETS_MS["chart"])
    # Drawing is all CPU in this process: its CPU time says what it costs when other programs
    # share the cores (wall time then includes waiting for a core).
    report("chart, CPU time", await timed(chart, 10, time.process_time), TARGETS_MS["chart"])
    print(
        f"  this week: network participation {network.total.participation.percent} %, "
        f"mood {network.total.mood.average or 0:.2f}, {len(network.quiet_teams)} quiet teams, "
        f"{network.new_shared_lessons} lessons shared; team {team.team_name!r}: "
        f"{team.participation.answered}/{team.participation.prompted} answered, "
        f"{team.new_lessons} new lessons, {team.actions.still_open} open actions"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--teams", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite+aiosqlite:///{folder}/summaries.db"
        engine = create_engine(url)
        print(f"summaries benchmark on {engine.dialect.name}")
        await prepare(engine)
        began = time.perf_counter()
        city = build_city(args.teams, args.seed)
        generated = time.perf_counter() - began
        await store(engine, city)
        print(
            f"  city built in {time.perf_counter() - began:.1f} s "
            f"({generated:.1f} s generating rows, the rest inserting)"
        )
        for table, count in (await row_counts(engine)).items():
            print(f"    {table:<22} {count:>8,}")
        await measure(engine, args.teams, args.seed)
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
