"""Exports at the service and file level: the workbook's sheets, headers, typed cells, tables,
frozen headers and chart; text that would be a formula stays text; who sees which rows; the
periods; moods that stay anonymous; pseudonyms; the CSV; and `steunpunt export`."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select

import storage.export
from bot import cli
from bot.config import Settings
from bot.services.common import Actor
from bot.services.conversations import BlockerSolveState
from bot.services.export import (
    SHEETS,
    ExportPeriod,
    ExportPlan,
    SheetKey,
    slug,
    team_target,
)
from bot.services.radar import RadarService
from bot.services.templates import TEMPLATES, questions_as_json
from bot.spreadsheets import CsvSink, XlsxSink
from storage.models import Action as ActionModel
from storage.models import (
    ActionStatus,
    BlockerResolution,
    BlockerTheme,
    CheckinAnswer,
    CheckinPrompt,
    CheckinRun,
    Lesson,
    LessonTag,
    LessonVisibility,
    PromptStatus,
    Stadsdeel,
    Team,
    TeamKind,
)
from storage.privacy import Retention
from tests.support.scene import Scene
from tests.support.services import PlainServices, refused

# Wednesday 2 December 2026, 13:00 in Amsterdam; the week began Monday 30 November 00:00 CET.
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
THIS_MONDAY = datetime(2026, 11, 29, 23, 0, tzinfo=UTC)
DANGEROUS = ['=HYPERLINK("http://x")', "+31 6 1234", "-5 bewoners", "@iedereen", "\tinspringen"]


@dataclass
class Teams:
    noord: Team
    oost: Team
    cor: Actor  # coordinator of Noord, and of Oost
    otto: Actor  # coordinator of Oost only
    mila: Actor  # member of Noord
    nina: Actor
    pim: Actor
    bram: Actor  # member of Oost
    admin: Actor  # steunpunt admin, in no team
    sprint_id: int  # Noord's sprint


@pytest.fixture
async def city(services: PlainServices) -> Teams:
    services.clock.now = NOW - timedelta(weeks=10)
    async with services.together():
        cor, otto, mila, nina, pim, bram = [
            await services.person(900 + i, name)
            for i, name in enumerate(("Cor", "Otto", "Mila", "Nina", "Pim", "Bram"))
        ]
        noord, _ = await services.team(
            "Buurtteam Noord!", coordinator=cor, members=(mila, nina, pim)
        )
        oost, _ = await services.team(
            "Energie Oost",
            TeamKind.GEBIEDSTEAM,
            Stadsdeel.OOST,
            coordinator=otto,
            members=(bram, cor),
        )
        admin = await services.admin()
    services.clock.now = THIS_MONDAY - timedelta(days=3)
    sprint = await services.sprints.start(cor, noord.id, "Minder ratten", 2)
    services.clock.now = NOW
    scene = Scene(services)
    done = PromptStatus.DONE
    # This week, in the sprint: three moods, answers with names.
    await scene.run(
        noord,
        THIS_MONDAY + timedelta(hours=9, minutes=30),
        [
            (mila, done, 4, {0: "Flyers rondgebracht", 1: DANGEROUS[0]}),
            (nina, done, 2, {0: "Bewoners gebeld"}),
            (pim, done, 5, {}),
        ],
        sprint_id=sprint.id,
    )
    # Six weeks ago, before the sprint: only two moods (never shown).
    await scene.run(
        noord,
        THIS_MONDAY - timedelta(weeks=6) + timedelta(hours=9),
        [(mila, done, 1, {0: "Oud antwoord"}), (nina, done, 5, {})],
    )
    await scene.run(
        oost, THIS_MONDAY + timedelta(hours=10), [(bram, done, 3, {0: "Oost antwoord"})]
    )
    await scene.lesson(
        noord, mila, "Bel de makelaar eerst", NOW, ("routes", "samenwerking"), LessonVisibility.CITY
    )
    await scene.lesson(noord, nina, "Alleen voor Noord", NOW - timedelta(days=1))
    for text in DANGEROUS:
        await scene.lesson(
            noord, pim, text, NOW - timedelta(days=2), visibility=LessonVisibility.CITY
        )
    oost_private = await scene.lesson(oost, bram, "Geheim van Oost", NOW - timedelta(days=1))
    oost_shared = await scene.lesson(
        oost, bram, "Gedeeld door Oost", NOW - timedelta(days=1), visibility=LessonVisibility.CITY
    )
    async with services.together() as session:
        anonymous = await session.get(Lesson, oost_shared)
        assert anonymous is not None
        anonymous.anonymous = True
        session.add(LessonTag(lesson_id=oost_shared, tag="ratten"))
        assert await session.get(Lesson, oost_private) is not None
    # Otto coordinates Oost; Cor coordinates both.
    await services.directory.appoint_coordinator(admin, oost.id, cor.person_id)
    return Teams(noord, oost, cor, otto, mila, nina, pim, bram, admin, sprint.id)


async def workbook_of(services: PlainServices, plan: ExportPlan, language: str = "nl") -> Workbook:
    buffer = io.BytesIO()
    sink = XlsxSink(buffer, "en" if language == "en" else "nl")
    await services.export.export(plan, sink)
    await sink.close()
    buffer.seek(0)
    return load_workbook(buffer)


def rows(sheet: Worksheet) -> list[tuple[Any, ...]]:
    return [row for row in sheet.iter_rows(min_row=2, values_only=True) if any(row)]


def all_text(book: Workbook) -> str:
    return "\n".join(
        str(value) for sheet in book for row in sheet.iter_rows(values_only=True) for value in row
    )


def column(sheet: Worksheet, header: str) -> list[Any]:
    headers = [cell.value for cell in sheet[1]]
    index = headers.index(header)
    return [row[index] for row in rows(sheet)]


# --- the workbook ----------------------------------------------------------------------------


async def test_the_workbook_has_tidy_typed_sheets(services: PlainServices, city: Teams) -> None:
    plan = await services.export.plan(city.otto, team_target(city.oost.id), ExportPeriod.EVERYTHING)
    book = await workbook_of(
        services,
        await services.export.plan(city.cor, team_target(city.noord.id), ExportPeriod.EVERYTHING),
    )
    assert plan.file_stem == "steunpunt-energie-oost-2026-12-02"
    assert book.sheetnames == [
        "Lessen", "Antwoorden", "Knelpunten", "Acties", "Sprints", "Deelname", "Per week",
    ]  # fmt: skip
    lessons = book["Lessen"]
    assert [cell.value for cell in lessons[1]] == [
        "les-id", "datum", "team", "stadsdeel", "soort team", "sprint", "les", "advies",
        "thema's", "tags", "zichtbaar voor", "auteur", "herkenbaar", "geprobeerd door",
    ]  # fmt: skip
    for sheet in book:
        # A real table over the whole sheet with filter buttons, and a frozen header row.
        assert sheet.freeze_panes == "A2"
        (table,) = sheet.tables.values()
        last_row = max(len(rows(sheet)), 1) + 1
        assert table.ref.endswith(str(last_row)), (sheet.title, table.ref)
        assert table.ref.startswith("A1:")
        assert table.autoFilter is not None
        assert table.tableStyleInfo is not None
        assert table.tableStyleInfo.name == "TableStyleMedium2"
        headers = [cell.value for cell in sheet[1]]
        assert [table_column.name for table_column in table.tableColumns] == headers
        assert all(sheet.column_dimensions[letter].width >= 9 for letter in "ABC")
    shared = next(row for row in rows(lessons) if row[6] == "Bel de makelaar eerst")
    # 13:00 in Amsterdam, as a real date-time; numbers as numbers.
    assert shared[1] == datetime(2026, 12, 2, 13, 0)
    assert lessons.cell(row=2, column=2).number_format == "yyyy-mm-dd hh:mm"
    assert isinstance(shared[0], int)
    assert shared[2:6] == ("Buurtteam Noord!", "Noord", "initiatief", None)
    assert shared[8] == "routes, samenwerking"
    assert shared[10:] == ("stad", "Mila", 0, 0)
    long_text = lessons.cell(row=2, column=7)
    assert long_text.alignment.wrap_text
    assert lessons.column_dimensions["G"].width == 60


async def test_participation_matches_the_summary_and_has_a_chart(
    services: PlainServices, city: Teams
) -> None:
    book = await workbook_of(
        services,
        await services.export.plan(city.cor, team_target(city.noord.id), ExportPeriod.EVERYTHING),
    )
    participation = book["Deelname"]
    this_week = next(row for row in rows(participation) if row[0] == "2026-W49")
    summary = await services.summaries.team_summary_for(
        city.noord.id, services.summaries.week(), team_only_texts=True
    )
    assert summary is not None
    assert this_week[5:8] == (1, summary.participation.prompted, summary.participation.answered)
    assert this_week[8] == pytest.approx(1.0)
    assert this_week[9] == pytest.approx(3.7)  # (4 + 2 + 5) / 3, one decimal
    assert participation.cell(row=2, column=9).number_format == "0%"
    # Two moods six weeks ago: no average, as in every summary.
    earlier = next(row for row in rows(participation) if row[0] == "2026-W43")
    assert earlier[6:10] == (2, 2, 1, None)
    (chart,) = participation._charts
    assert chart.tagname == "lineChart"
    weeks = book["Per week"]
    assert [row[0] for row in rows(weeks)] == ["2026-W43", "2026-W49"]
    sprints = rows(book["Sprints"])
    assert len(sprints) == 1
    (
        team,
        _,
        _,
        number,
        goal,
        starts,
        ends,
        closed,
        status,
        checkins,
        prompted,
        answered,
        share,
        mood,
    ) = sprints[0]
    assert (team, number, goal, status, checkins, prompted, answered) == (
        "Buurtteam Noord!", 1, "Minder ratten", "loopt", 1, 3, 3,
    )  # fmt: skip
    assert (share, mood, closed) == (1, pytest.approx(3.7), None)
    assert starts == datetime(2026, 11, 27)
    assert ends == datetime(2026, 12, 11)


async def test_moods_are_anonymous_and_only_with_three_or_more(
    services: PlainServices, city: Teams
) -> None:
    book = await workbook_of(
        services,
        await services.export.plan(city.cor, team_target(city.noord.id), ExportPeriod.EVERYTHING),
    )
    answers = book["Antwoorden"]
    moods = [row for row in rows(answers) if row[5] == "mood"]
    checkin = datetime(2026, 11, 30, 9, 30)
    # Ordered by value, at the check-in's time, nobody named; the two-mood check-in has none.
    assert [(row[0], row[3], row[4], row[8]) for row in moods] == [
        (checkin, checkin, "anoniem", 2), (checkin, checkin, "anoniem", 4),
        (checkin, checkin, "anoniem", 5),
    ]  # fmt: skip
    named = [row for row in rows(answers) if row[5] != "mood"]
    assert {(row[4], row[5], row[7]) for row in named} >= {
        ("Mila", "q:0", "Flyers rondgebracht"), ("Nina", "q:0", "Bewoners gebeld"),
        ("Mila", "q:0", "Oud antwoord"),
    }  # fmt: skip
    assert all(row[8] is None for row in named)
    assert next(row for row in named if row[7] == "Flyers rondgebracht")[6] == (
        "Wat heb je gedaan?"
    )


async def test_text_that_looks_like_a_formula_stays_text(
    services: PlainServices, city: Teams
) -> None:
    book = await workbook_of(
        services,
        await services.export.plan(city.cor, team_target(city.noord.id), ExportPeriod.EVERYTHING),
    )
    found = {}
    for sheet in book:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if cell.value in DANGEROUS:
                    found[cell.value] = cell
    assert set(found) == set(DANGEROUS)
    for cell in found.values():
        assert cell.data_type == "s"  # a string, never a formula ("f")
        assert cell.quotePrefix  # and editing it in Excel keeps it text


async def test_characters_xml_cannot_hold_are_dropped(services: PlainServices, city: Teams) -> None:
    await Scene(services).lesson(
        city.noord, city.mila, "bel\x07 de\x1b makelaar", NOW, visibility=LessonVisibility.TEAM
    )
    book = await workbook_of(
        services,
        await services.export.plan(city.cor, team_target(city.noord.id), ExportPeriod.EVERYTHING),
    )
    assert "bel de makelaar" in column(book["Lessen"], "les")


# --- who sees what ---------------------------------------------------------------------------


async def test_a_coordinator_gets_their_team_only(services: PlainServices, city: Teams) -> None:
    book = await workbook_of(
        services,
        await services.export.plan(city.otto, team_target(city.oost.id), ExportPeriod.EVERYTHING),
    )
    text = all_text(book)
    assert "Geheim van Oost" in text  # their own team's team-only lesson
    authors = dict(
        zip(column(book["Lessen"], "les"), column(book["Lessen"], "auteur"), strict=True)
    )
    assert authors == {"Geheim van Oost": "Bram", "Gedeeld door Oost": "anoniem"}
    for foreign in ("Buurtteam Noord!", "Alleen voor Noord", "Mila", "Flyers"):
        assert foreign not in text


async def test_all_my_teams_and_everything(services: PlainServices, city: Teams) -> None:
    mine = await workbook_of(
        services, await services.export.plan(city.cor, "mine", ExportPeriod.EVERYTHING)
    )
    assert {row[2] for row in rows(mine["Lessen"])} == {"Buurtteam Noord!", "Energie Oost"}
    assert "Geheim van Oost" in all_text(mine)
    plan = await services.export.plan(city.admin, "all", ExportPeriod.EVERYTHING)
    assert plan.file_stem == "steunpunt-alle-teams-2026-12-02"
    everything = await workbook_of(services, plan)
    text = all_text(everything)
    assert "Oost antwoord" in text
    assert "Flyers rondgebracht" in text
    # The admin is in neither team: lessons the teams kept to themselves stay out.
    assert "Geheim van Oost" not in text
    assert "Alleen voor Noord" not in text
    assert "Gedeeld door Oost" in text


async def test_refusals(services: PlainServices, city: Teams) -> None:
    await refused("denied.export", services.export.choices(city.mila))
    outsider = await services.person(999, "Olga")
    await refused("denied.export", services.export.choices(outsider))
    await refused("denied.export", services.export.plan(outsider, "mine", ExportPeriod.EVERYTHING))
    await refused(
        "denied.coordinator",
        services.export.plan(city.mila, team_target(city.noord.id), ExportPeriod.EVERYTHING),
    )
    await refused(
        "denied.coordinator",
        services.export.plan(city.otto, team_target(city.noord.id), ExportPeriod.EVERYTHING),
    )
    await refused(
        "denied.admin_export", services.export.plan(city.cor, "all", ExportPeriod.EVERYTHING)
    )
    await refused(
        "error.button_expired", services.export.plan(city.cor, "t99999", ExportPeriod.EVERYTHING)
    )
    await refused(
        "error.button_expired", services.export.plan(city.cor, "x", ExportPeriod.EVERYTHING)
    )
    choices = await services.export.choices(city.cor)
    assert choices.teams == [(city.noord.id, "Buurtteam Noord!"), (city.oost.id, "Energie Oost")]
    assert not choices.everything
    assert (await services.export.choices(city.admin)).everything


# --- periods ---------------------------------------------------------------------------------


async def test_periods(services: PlainServices, city: Teams) -> None:
    target = team_target(city.noord.id)
    sprint = await workbook_of(
        services, await services.export.plan(city.cor, target, ExportPeriod.SPRINT)
    )
    assert {row[7] for row in rows(sprint["Antwoorden"]) if row[5] != "mood"} == {
        "Flyers rondgebracht", DANGEROUS[0], "Bewoners gebeld",
    }  # fmt: skip
    weeks = await workbook_of(
        services, await services.export.plan(city.cor, target, ExportPeriod.FOUR_WEEKS)
    )
    assert "Oud antwoord" not in all_text(weeks)
    assert [row[0] for row in rows(weeks["Deelname"])] == ["2026-W49"]
    everything = await workbook_of(
        services, await services.export.plan(city.cor, target, ExportPeriod.EVERYTHING)
    )
    assert "Oud antwoord" in all_text(everything)
    await refused(
        "export.no_sprint",
        services.export.plan(city.otto, team_target(city.oost.id), ExportPeriod.SPRINT),
    )


# --- actions ---------------------------------------------------------------------------------


async def test_an_actions_status_history(services: PlainServices, city: Teams) -> None:
    opened = THIS_MONDAY - timedelta(days=5)
    async with services.together() as session:
        action = ActionModel(
            team_id=city.noord.id,
            owner_id=city.mila.person_id,
            text="Makelaar bellen",
            status=ActionStatus.DONE,
            created_at=opened,
            reviewed_at=NOW,
        )
        kept = ActionModel(
            team_id=city.noord.id,
            owner_id=city.nina.person_id,
            text="Oude actie",
            status=ActionStatus.DROPPED,
            created_at=opened,
            reviewed_at=opened + timedelta(days=2),
        )
        session.add_all([action, kept])
        await session.flush()
        prompts = (
            await session.execute(
                CheckinPrompt.__table__.select().where(
                    CheckinPrompt.person_id == city.mila.person_id
                )
            )
        ).all()
        for prompt, (status, when) in zip(
            prompts, (("partly", opened + timedelta(days=1)), ("done", NOW)), strict=False
        ):
            session.add(
                CheckinAnswer(
                    prompt_id=prompt.id,
                    step_key=f"action:{action.id}",
                    text=status,
                    skipped=False,
                    answered_at=when,
                    updated_at=when,
                )
            )
    book = await workbook_of(
        services,
        await services.export.plan(city.cor, team_target(city.noord.id), ExportPeriod.EVERYTHING),
    )
    history = [row for row in rows(book["Acties"]) if row[4] == "Makelaar bellen"]
    assert [(row[3], row[6], row[7], row[8]) for row in history] == [
        ("Mila", datetime(2026, 11, 25, 0, 0), "open", False),
        ("Mila", datetime(2026, 11, 26, 0, 0), "deels", False),
        ("Mila", datetime(2026, 12, 2, 13, 0), "gedaan", True),
    ]
    # Its review answers passed retention: the status kept on the action is its last row.
    old = [row for row in rows(book["Acties"]) if row[4] == "Oude actie"]
    assert [(row[7], row[8]) for row in old] == [("open", False), ("losgelaten", True)]
    answers = [row for row in rows(book["Antwoorden"]) if row[5].startswith("action:")]
    assert {(row[6], row[7]) for row in answers} == {
        ("Makelaar bellen", "deels"), ("Makelaar bellen", "gedaan"),
    }  # fmt: skip


# --- pseudonyms, language, CSV ---------------------------------------------------------------


async def test_pseudonymised_exports_use_stable_codes(services: PlainServices, city: Teams) -> None:
    first = await services.export.plan_command_line(None, None, None, pseudonymise=True)
    book = await workbook_of(services, first)
    again = await workbook_of(
        services,
        await services.export.plan_command_line("Energie Oost", None, None, pseudonymise=True),
    )
    text = all_text(book)
    for name in ("Mila", "Nina", "Pim", "Bram", "Cor", "Otto"):
        assert name not in text
    codes = {row[4] for row in rows(book["Antwoorden"])} - {"anoniem"}
    assert len(codes) == 3  # Mila, Nina, Bram (Pim gave only a mood, which is anonymous)
    assert all(code.startswith("P-") and len(code) == 10 for code in codes)
    bram = {row[4] for row in rows(again["Antwoorden"])} - {"anoniem"}
    assert len(bram) == 1
    assert bram <= codes
    assert "anoniem" in column(book["Lessen"], "auteur")  # anonymous stays anonymous
    assert "Flyers rondgebracht" in text  # free text stays


async def test_english_headers_and_labels(services: PlainServices, city: Teams) -> None:
    book = await workbook_of(
        services,
        await services.export.plan(city.cor, team_target(city.noord.id), ExportPeriod.EVERYTHING),
        language="en",
    )
    assert book.sheetnames == [
        "Lessons",
        "Answers",
        "Blockers",
        "Actions",
        "Sprints",
        "Participation",
        "Per week",
    ]
    assert [cell.value for cell in book["Lessons"][1]][:3] == ["lesson id", "date", "team"]
    assert "city" in column(book["Lessons"], "visible to")
    assert "anonymous" in column(book["Answers"], "member")


async def test_the_lessons_as_csv(services: PlainServices, city: Teams) -> None:
    plan = await services.export.plan(city.cor, team_target(city.noord.id), ExportPeriod.EVERYTHING)
    out = io.StringIO()
    await services.export.export(plan, CsvSink(out, "nl"), sheets=(SheetKey.LESSONS,))
    table = list(csv.reader(io.StringIO(out.getvalue())))
    assert table[0][:3] == ["les-id", "datum", "team"]
    texts = {row[6] for row in table[1:]}
    # A spreadsheet opening the CSV does not evaluate these.
    assert {"'" + text for text in DANGEROUS} <= texts
    assert "Bel de makelaar eerst" in texts
    assert any(row[1] == "2026-12-02 13:00" for row in table[1:])


def test_every_sheet_and_column_has_words() -> None:
    from bot.texts import en, nl

    for catalog in (nl.TEXTS, en.TEXTS):
        for spec in SHEETS.values():
            assert f"export.sheet.{spec.key.value}" in catalog
            for spec_column in spec.columns:
                assert f"export.column.{spec_column.key}" in catalog
    assert slug("Buurtteam Noord!") == "buurtteam-noord"
    assert slug("Café Zuidoost — ’t Gein") == "cafe-zuidoost-t-gein"


# --- the command line ------------------------------------------------------------------------


def run_cli(settings: Settings, monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("STEUNPUNT_ADMINS", ",".join(map(str, settings.steunpunt_admins)))
    return cli.main(["export", *args])


@pytest.fixture
async def seeded(services: PlainServices, city: Teams) -> Teams:
    """The scene in place for the command line, which opens its own connections."""
    await services.database.dispose()
    return city


def test_the_command_line_writes_the_workbook(
    settings: Settings,
    seeded: Teams,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "alles.xlsx"
    assert run_cli(settings, monkeypatch, "--out", str(out)) == 0
    assert f"Wrote {out}: lessons: {1 + len(DANGEROUS) + 1}, answers: " in capsys.readouterr().out
    book = load_workbook(out)
    text = all_text(book)
    # Every team's answers; lessons the teams kept to themselves stay out.
    assert "Oost antwoord" in text
    assert "Flyers rondgebracht" in text
    assert "Geheim van Oost" not in text
    assert "Alleen voor Noord" not in text
    assert not list(tmp_path.glob(".*partial"))


def test_the_command_line_filters(
    settings: Settings, seeded: Teams, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "noord.xlsx"
    args = ["--out", str(out), "--team", "buurtteam noord!", "--since", "2026-11-30"]
    assert run_cli(settings, monkeypatch, *args) == 0
    book = load_workbook(out)
    assert {row[1] for row in rows(book["Antwoorden"])} == {"Buurtteam Noord!"}
    assert "Oud antwoord" not in all_text(book)
    # Days so far off that they bound nothing (and would not fit a date-time in UTC).
    wide = tmp_path / "wijd.xlsx"
    args = ["--out", str(wide), "--since", "0001-01-01", "--until", "9999-12-31"]
    assert run_cli(settings, monkeypatch, *args) == 0
    assert "Oud antwoord" in all_text(load_workbook(wide))
    until = tmp_path / "oud.xlsx"
    args = ["--out", str(until), "--team", str(seeded.noord.id), "--until", "2026-11-29"]
    assert run_cli(settings, monkeypatch, *args) == 0
    old = load_workbook(until)
    assert "Oud antwoord" in all_text(old)
    assert "Flyers rondgebracht" not in all_text(old)
    assert rows(old["Lessen"]) == []


def test_the_command_line_writes_csv(
    settings: Settings, seeded: Teams, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "lessen.csv"
    assert (
        run_cli(settings, monkeypatch, "--format", "csv", "--out", str(out), "--language", "en")
        == 0
    )
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads the accents right
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table[0][:2] == ["lesson id", "date"]
    assert len(table) == 1 + 1 + len(DANGEROUS) + 1  # shared lessons only


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--team", "Nergens"], "There is no team called 'Nergens'"),
        (["--since", "2026-12-02", "--until", "2026-12-01"], "is before the start date"),
    ],
)
def test_the_command_line_explains_mistakes(
    settings: Settings,
    seeded: Teams,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: Sequence[str],
    message: str,
) -> None:
    out = tmp_path / "x.xlsx"
    assert run_cli(settings, monkeypatch, "--out", str(out), *args) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_a_date_that_is_no_date(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        run_cli(settings, monkeypatch, "--since", "30-11-2026")
    assert "is not a date; write it as YYYY-MM-DD" in capsys.readouterr().err


def test_a_folder_is_no_file(
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run_cli(settings, monkeypatch, "--out", str(tmp_path)) == 2
    assert "is a folder" in capsys.readouterr().err


# --- blockers --------------------------------------------------------------------------------

KNELPUNTEN_HEADERS = [
    "beantwoord op", "team", "stadsdeel", "sprint", "lid", "vraag", "knelpunt", "thema's",
    "opgelost", "hoe opgelost", "opgelost op", "les-id",
]  # fmt: skip
KEY = "Geen sleutel van het buurthuis"
FORMULA_BLOCKER = "=1+1 formulieren te veel"
WENT_WELL = "Het buurthuis was open"


@dataclass
class Blockers:
    teams: Teams
    key_lesson: int  # Mila's resolution of KEY: a lesson she kept in the team
    rubbish_lesson: int  # Pim's resolution of "Boos om de rommel": not decided yet


@pytest.fixture
async def blockers(services: PlainServices, city: Teams) -> Blockers:
    """Blockers in the city: Noord this week (in the sprint) with the default template (q:2 is
    the blocker, q:1 what went well), Noord four weeks ago with mad-sad-glad (q:0 and q:1 are
    blockers, q:2 is not), Oost this week; two of Noord's marked opgelost through /blockers."""
    scene = Scene(services, count(100))  # after the city's runs
    done = PromptStatus.DONE
    await scene.run(
        city.noord,
        THIS_MONDAY + timedelta(days=1, hours=9),  # Tuesday 1 December, 09:00 in Amsterdam
        [
            (city.mila, done, None, {1: WENT_WELL, 2: KEY}),
            (city.nina, done, None, {2: FORMULA_BLOCKER}),
        ],
        sprint_id=city.sprint_id,
    )
    mad_sad_glad = await scene.run(
        city.noord,
        THIS_MONDAY - timedelta(weeks=4) + timedelta(hours=9),
        [
            (
                city.pim,
                done,
                None,
                {0: "Boos om de rommel", 1: "Verdrietig over de bomen", 2: "Blij met de buren"},
            )
        ],
    )
    await scene.run(
        city.oost,
        THIS_MONDAY + timedelta(days=1, hours=10),
        [(city.bram, done, None, {2: "Geen vergunning voor de markt"})],
    )
    async with services.together() as session:
        run = await session.get(CheckinRun, mad_sad_glad)
        assert run is not None
        run.questions = questions_as_json(TEMPLATES["mad_sad_glad"])
    radar = RadarService(
        services.database, services.clock, services.lessons, services.conversations
    )

    async def solve(actor: Actor, text: str, how: str) -> int:
        (answer_id,) = [
            row.answer_id for row in (await radar.team_blockers(actor)).blockers if row.text == text
        ]
        await radar.ask_solution(actor, answer_id)
        _, card = await radar.give_solution(actor, BlockerSolveState(answer_id), how)
        return card.lesson.id

    key_lesson = await solve(city.mila, KEY, "Sleutel ligt nu bij de bakker")
    await services.lessons.decide(city.mila, key_lesson, "team")
    rubbish_lesson = await solve(city.pim, "Boos om de rommel", "Rommelroute met de buren")
    return Blockers(city, key_lesson, rubbish_lesson)


def by_blocker(sheet: Worksheet) -> dict[str, tuple[Any, ...]]:
    return {row[6]: row for row in rows(sheet)}


async def test_the_blockers_sheet(services: PlainServices, blockers: Blockers) -> None:
    city = blockers.teams
    # Mila's blocker carries two themes (proposed, or as she chose them on its card).
    async with services.together() as session:
        [key] = (
            await session.scalars(select(CheckinAnswer).where(CheckinAnswer.text == KEY))
        ).all()
        session.add_all(
            BlockerTheme(answer_id=key.id, theme=theme) for theme in ("routes", "randvoorwaarden")
        )
    book = await workbook_of(
        services,
        await services.export.plan(city.cor, team_target(city.noord.id), ExportPeriod.EVERYTHING),
    )
    assert book.sheetnames.index("Knelpunten") == book.sheetnames.index("Antwoorden") + 1
    sheet = book["Knelpunten"]
    assert [cell.value for cell in sheet[1]] == KNELPUNTEN_HEADERS
    found = by_blocker(sheet)
    # Only answers to blocker questions: what went well is no blocker (it is on Antwoorden).
    assert list(found) == [
        "Boos om de rommel", "Verdrietig over de bomen", FORMULA_BLOCKER, KEY,
    ]  # fmt: skip
    assert WENT_WELL not in str(rows(book["Knelpunten"]))
    assert WENT_WELL in column(book["Antwoorden"], "antwoord")
    # Answered 30 minutes after the check-in opened (the scene's clock), in local time; in the
    # sprint; solved on Wednesday with the lesson Mila kept in the team (Cor is in Noord).
    assert found[KEY] == (
        datetime(2026, 12, 1, 9, 30), "Buurtteam Noord!", "Noord", 1, "Mila",
        "Waar liep je tegenaan?", KEY, "randvoorwaarden, routes", True,
        "Sleutel ligt nu bij de bakker", datetime(2026, 12, 2), blockers.key_lesson,
    )  # fmt: skip
    assert found[FORMULA_BLOCKER][4:] == (
        "Nina", "Waar liep je tegenaan?", FORMULA_BLOCKER, None, False, None, None, None,
    )  # fmt: skip
    # Mad-sad-glad asks two blocker questions, as it asked them; no sprint then. Pim's way out
    # became a lesson he has not decided on yet: it is his alone, so no id.
    assert found["Verdrietig over de bomen"][3:9] == (
        None, "Pim", "Wat maakte je verdrietig of teleurgesteld?", "Verdrietig over de bomen",
        None, False,
    )  # fmt: skip
    assert found["Boos om de rommel"][8:] == (
        True, "Rommelroute met de buren", datetime(2026, 12, 2), None,
    )  # fmt: skip
    # Typed cells: a real date-time and date, a boolean, a number; long text wrapped.
    row = 2 + list(found).index(KEY)
    assert sheet.cell(row=row, column=1).number_format == "yyyy-mm-dd hh:mm"
    assert sheet.cell(row=row, column=11).number_format == "yyyy-mm-dd"
    assert sheet.cell(row=row, column=9).data_type == "b"
    assert sheet.cell(row=row, column=12).data_type == "n"
    for wrapped in (6, 7, 10):
        assert sheet.cell(row=row, column=wrapped).alignment.wrap_text
    assert sheet.column_dimensions["G"].width == 60
    assert sheet.freeze_panes == "A2"
    (table,) = sheet.tables.values()
    assert table.ref == "A1:L5"
    # Text that would be a formula is stored as text, with Excel's quote prefix.
    cell = sheet.cell(row=2 + list(found).index(FORMULA_BLOCKER), column=7)
    assert cell.value == FORMULA_BLOCKER
    assert cell.data_type == "s"
    assert cell.quotePrefix


async def test_blockers_are_the_exports_teams_only(
    services: PlainServices, blockers: Blockers
) -> None:
    city = blockers.teams
    oost = await workbook_of(
        services,
        await services.export.plan(city.otto, team_target(city.oost.id), ExportPeriod.EVERYTHING),
    )
    assert [row[1:7] for row in rows(oost["Knelpunten"])] == [
        ("Energie Oost", "Oost", None, "Bram", "Waar liep je tegenaan?",
         "Geen vergunning voor de markt"),
    ]  # fmt: skip
    assert KEY not in all_text(oost)
    mine = await workbook_of(
        services, await services.export.plan(city.cor, "mine", ExportPeriod.EVERYTHING)
    )
    assert {row[1] for row in rows(mine["Knelpunten"])} == {"Buurtteam Noord!", "Energie Oost"}
    # This sprint: the sprint's check-in only.
    sprint = await workbook_of(
        services,
        await services.export.plan(city.cor, team_target(city.noord.id), ExportPeriod.SPRINT),
    )
    assert set(by_blocker(sprint["Knelpunten"])) == {KEY, FORMULA_BLOCKER}


async def test_a_resolutions_lesson_id_follows_the_lesson_rules(
    services: PlainServices, blockers: Blockers
) -> None:
    """The admin (in no team) and the command line see that a blocker was solved and how, but
    not the id of a lesson the team kept to itself."""
    city = blockers.teams
    for plan in (
        await services.export.plan(city.admin, "all", ExportPeriod.EVERYTHING),
        await services.export.plan_command_line(None, None, None),
    ):
        found = by_blocker((await workbook_of(services, plan))["Knelpunten"])
        assert found[KEY][8:] == (
            True,
            "Sleutel ligt nu bij de bakker",
            datetime(2026, 12, 2),
            None,
        )
        assert "Geen vergunning voor de markt" in found
    await services.lessons.decide(city.mila, blockers.key_lesson, "city")
    plan = await services.export.plan_command_line(None, None, None)
    found = by_blocker((await workbook_of(services, plan))["Knelpunten"])
    assert found[KEY][11] == blockers.key_lesson


async def test_pseudonymised_blockers_name_nobody(
    services: PlainServices, blockers: Blockers
) -> None:
    book = await workbook_of(
        services, await services.export.plan_command_line(None, None, None, pseudonymise=True)
    )
    for name in ("Mila", "Nina", "Pim", "Bram", "Cor", "Otto"):
        assert name not in all_text(book)
    found = by_blocker(book["Knelpunten"])
    codes = {row[4] for row in found.values()}
    assert len(codes) == 4  # Mila, Nina, Pim, Bram
    assert all(code.startswith("P-") and len(code) == 10 for code in codes)
    # The same code as on Antwoorden.
    mila = {row[4] for row in rows(book["Antwoorden"]) if row[7] == KEY}
    assert mila == {found[KEY][4]}
    assert found[KEY][6:10] == (KEY, None, True, "Sleutel ligt nu bij de bakker")  # text stays


async def test_blockers_in_english_and_in_small_queries(
    services: PlainServices, blockers: Blockers, monkeypatch: pytest.MonkeyPatch
) -> None:
    city = blockers.teams
    plan = await services.export.plan(city.cor, "mine", ExportPeriod.EVERYTHING)
    dutch = rows((await workbook_of(services, plan))["Knelpunten"])
    book = await workbook_of(services, plan, language="en")
    assert [cell.value for cell in book["Blockers"][1]] == [
        "answered at", "team", "borough", "sprint", "member", "question", "blocker", "themes",
        "solved", "how solved", "solved on", "lesson id",
    ]  # fmt: skip
    assert "What got in your way?" in column(book["Blockers"], "question")
    # One run per query: the same rows in the same order.
    monkeypatch.setattr(storage.export, "RUNS_PER_QUERY", 1)
    assert rows((await workbook_of(services, plan))["Knelpunten"]) == dutch
    assert len(dutch) == 5
    # Answers past retention are gone, and so are their blockers (and how they were solved).
    async with services.together() as session:
        run_id = (
            await session.execute(
                select(CheckinPrompt.run_id)
                .join(CheckinAnswer, CheckinAnswer.prompt_id == CheckinPrompt.id)
                .where(CheckinAnswer.text == KEY)
            )
        ).scalar_one()
        await Retention(session).delete_answers(run_id, NOW)
    assert set(by_blocker((await workbook_of(services, plan))["Knelpunten"])) == {
        "Boos om de rommel", "Verdrietig over de bomen", "Geen vergunning voor de markt",
    }  # fmt: skip
    assert await services.rows(BlockerResolution, BlockerResolution.how.contains("bakker")) == []
