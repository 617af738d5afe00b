"""Roster import: `steunpunt import-roster` turns a spreadsheet of people into teams and personal
invite links (written back as a workbook), refuses a bad file with every problem by row and
stores nothing then; a personal link gives its role, once."""

from __future__ import annotations

import asyncio
import json
import re
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from openpyxl import Workbook, load_workbook
from sqlalchemy import inspect, text, update

from bot.cli import main
from bot.config import Settings
from bot.fakes.clock import FakeClock
from bot.fakes.harness import ChatHarness
from bot.fakes.telegram import FakeTelegram, FakeUser
from bot.services.roster import RosterService, read_roster
from storage.database import Database, create_engine
from storage.migrate import alembic_config, upgrade_database
from storage.models import Invite, Membership, Person, Role, Stadsdeel, Team, TeamKind
from tests.conftest import make_settings
from tests.support.bot_api_server import BotApiServer
from tests.support.db import rows
from tests.support.flows import invite_code, join
from tests.support.services import PlainServices, refused

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "deploy" / "roster-voorbeeld.xlsx"
HEADER = ("naam", "team", "stadsdeel", "soort team", "rol")
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
LINK = re.compile(r"https://t\.me/steunpunt_roster_bot\?start=([A-Za-z0-9_-]{11})")
Cells = Sequence[object]


# --- helpers ------------------------------------------------------------------------------------


@pytest.fixture
def fresh_cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str) -> Settings:
    """The command line's environment: the test's (empty) database, nothing else configured."""
    for name in (
        "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_BOT_USERNAME",
        "TELEGRAM_API_BASE_URL",
        "STEUNPUNT_TIMEZONE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)  # no stray .env
    return make_settings(database_url)


@pytest.fixture
async def cli(fresh_cli: Settings) -> Settings:
    """The same with the schema in place, so "nothing was stored" can be counted."""
    engine = create_engine(fresh_cli.database_url)
    await upgrade_database(engine)
    await engine.dispose()
    return fresh_cli


def roster_file(path: Path, *rows: Cells, header: Cells = HEADER) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


async def import_roster(
    capsys: pytest.CaptureFixture[str], *args: str, username: str | None = "steunpunt_roster_bot"
) -> tuple[int, str, str]:
    """Run `steunpunt import-roster …` as the operator would (the CLI runs its own event loop,
    so in a thread of its own); returns the exit code, stdout and stderr."""
    argv = ["import-roster", *args]
    if username is not None:
        argv += ["--bot-username", username]
    code = await asyncio.to_thread(main, argv)
    out, err = capsys.readouterr()
    return code, out, err


def sheet_rows(path: Path) -> list[tuple[object, ...]]:
    sheet = load_workbook(path).active
    assert sheet is not None
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


async def stored(settings: Settings) -> tuple[int, int]:
    return len(await rows(settings, Team)), len(await rows(settings, Invite))


# --- the happy path -----------------------------------------------------------------------------


async def test_a_roster_becomes_teams_and_a_personal_link_per_person(
    cli: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = roster_file(
        tmp_path / "leden.xlsx",
        ("  Fatima   Yilmaz ", "Energie  Westerlicht", "west", "Initiatief", "Coördinator"),
        ("Erica Jansen", "energie westerlicht", "WEST", "citizen initiative", None, "e@x.nl"),
        (None, None, None, None, None),  # a blank row is skipped
        ("Ellen Bakker", "Gebiedsteam Nieuw-West", "nieuw_west", "area team", "coordinator"),
        ("Joost Mulder", "Gebiedsteam Nieuw-West", "Nieuw West", "gebiedsteam", "lid"),
        ("Lotte de Wit", "Stadsbrede Kokers", "Stad", "Ambtelijk team", "member"),
        ("Sem Bos", "Zuidoost Samen", "Zuid-Oost", "initiatief (bewoners)", "coordinatoor"),
        header=("Naam", " TEAM ", "Borough", "Team kind", "Role", "e-mail"),
    )
    code, out, err = await import_roster(capsys, str(roster))
    assert (code, err) == (0, "")
    links = tmp_path / "leden-links.xlsx"
    assert out == f"6 people, 4 new teams; links written to {links}\n"

    teams = {team.name: team for team in await rows(cli, Team)}
    assert {name: (t.stadsdeel, t.kind) for name, t in teams.items()} == {
        "Energie Westerlicht": (Stadsdeel.WEST, TeamKind.INITIATIEF),
        "Gebiedsteam Nieuw-West": (Stadsdeel.NIEUW_WEST, TeamKind.GEBIEDSTEAM),
        "Stadsbrede Kokers": (Stadsdeel.STAD, TeamKind.AMBTELIJK_TEAM),
        "Zuidoost Samen": (Stadsdeel.ZUIDOOST, TeamKind.INITIATIEF),
    }
    assert all(team.created_by_id is None for team in teams.values())
    invites = {invite.code: invite for invite in await rows(cli, Invite)}
    names = {i.invitee_name: (i.role, i.single_use, i.used_at) for i in invites.values()}
    assert names == {
        "Fatima Yilmaz": (Role.COORDINATOR, True, None),
        "Erica Jansen": (Role.MEMBER, True, None),
        "Ellen Bakker": (Role.COORDINATOR, True, None),
        "Joost Mulder": (Role.MEMBER, True, None),
        "Lotte de Wit": (Role.MEMBER, True, None),
        "Sem Bos": (Role.COORDINATOR, True, None),
    }
    for invite in invites.values():
        assert invite.expires_at - invite.created_at == timedelta(days=30)

    header, *people = sheet_rows(links)
    assert header == (
        "Naam",
        " TEAM ",
        "Borough",
        "Team kind",
        "Role",
        "e-mail",
        "link",
        "code",
        "valid until",
        "status",
    )
    assert [row[:6] for row in people] == [  # the rows as they were, without the blank one
        ("  Fatima   Yilmaz ", "Energie  Westerlicht", "west", "Initiatief", "Coördinator", None),
        ("Erica Jansen", "energie westerlicht", "WEST", "citizen initiative", None, "e@x.nl"),
        ("Ellen Bakker", "Gebiedsteam Nieuw-West", "nieuw_west", "area team", "coordinator", None),
        ("Joost Mulder", "Gebiedsteam Nieuw-West", "Nieuw West", "gebiedsteam", "lid", None),
        ("Lotte de Wit", "Stadsbrede Kokers", "Stad", "Ambtelijk team", "member", None),
        ("Sem Bos", "Zuidoost Samen", "Zuid-Oost", "initiatief (bewoners)", "coordinatoor", None),
    ]
    in_file_order = [
        "Fatima Yilmaz",
        "Erica Jansen",
        "Ellen Bakker",
        "Joost Mulder",
        "Lotte de Wit",
        "Sem Bos",
    ]
    for row, name in zip(people, in_file_order, strict=True):
        link, code_cell, valid_until, status = row[6:]
        found = LINK.fullmatch(str(link))
        assert found
        assert found.group(1) == code_cell
        invite = invites[str(code_cell)]
        assert invite.invitee_name == name
        # A real date, in Amsterdam time, to the minute.
        assert isinstance(valid_until, datetime)
        local = invite.expires_at.astimezone(AMSTERDAM).replace(tzinfo=None)
        assert abs(valid_until - local) < timedelta(minutes=1)
        assert status == "new team, new link"

    sheet = load_workbook(links).active
    assert sheet is not None
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet["G2"].hyperlink is not None
    assert sheet["G2"].hyperlink.target == sheet["G2"].value
    assert sheet["I2"].number_format == "yyyy-mm-dd hh:mm"
    assert 40 < (sheet.column_dimensions["G"].width or 0) <= 60


async def test_the_sample_roster_in_deploy_imports(
    fresh_cli: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "uit.xlsx"
    code, out, err = await import_roster(capsys, str(SAMPLE), "--out", str(out_file))
    assert (code, err) == (0, "")
    assert out == f"6 people, 3 new teams; links written to {out_file}\n"
    assert not (SAMPLE.parent / "roster-voorbeeld-links.xlsx").exists()
    header, *people = sheet_rows(out_file)
    assert header[:5] == HEADER
    assert len(people) == 6
    # The command made the schema on the fresh database.
    assert {i.role for i in await rows(fresh_cli, Invite)} == {Role.MEMBER, Role.COORDINATOR}


async def test_importing_again_gives_the_same_links_to_who_has_not_used_theirs(
    cli: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = roster_file(
        tmp_path / "leden.xlsx",
        ("Fatima Yilmaz", "Energie Westerlicht", "West", "initiatief", "coördinator"),
        ("Erica Jansen", "Energie Westerlicht", "West", "initiatief", ""),
        ("Simon de Vries", "Energie Westerlicht", "West", "initiatief", ""),
    )
    assert (await import_roster(capsys, str(first)))[0] == 0
    links = {row[0]: row[6] for row in sheet_rows(tmp_path / "leden-links.xlsx")[1:]}
    # Simon used his link meanwhile.
    engine = create_engine(cli.database_url)
    async with engine.begin() as connection:
        await connection.execute(
            update(Invite)
            .where(Invite.code == links["Simon de Vries"])
            .values(used_at=datetime.now(UTC), invitee_name=None)
        )
    await engine.dispose()

    again = roster_file(
        tmp_path / "leden2.xlsx",
        ("fatima  yilmaz", "ENERGIE WESTERLICHT", "West", "initiatief", "coördinator"),
        ("Erica Jansen", "Energie Westerlicht", "West", "initiatief", "coördinator"),
        ("Simon de Vries", "Energie Westerlicht", "West", "initiatief", ""),
        ("Henk Smit", "Energie Westerlicht", "West", "initiatief", ""),
        ("Joost Mulder", "Rattenaanpak Noord", "Noord", "initiatief", ""),
    )
    code, out, err = await import_roster(capsys, str(again))
    assert (code, err) == (0, "")
    assert out == (
        "5 people, 1 new team, 1 with the same link as before; links written to "
        f"{tmp_path / 'leden2-links.xlsx'}\n"
    )
    rows_again = {row[0]: row for row in sheet_rows(tmp_path / "leden2-links.xlsx")[1:]}
    assert rows_again["fatima  yilmaz"][6] == links["Fatima Yilmaz"]
    assert rows_again["fatima  yilmaz"][8] == "existing team, same link as before"
    # Erica is coordinator now: a new link, and her member link stops working.
    assert rows_again["Erica Jansen"][6] != links["Erica Jansen"]
    assert rows_again["Erica Jansen"][8] == (
        "existing team, new link (the earlier one for this person no longer works)"
    )
    assert rows_again["Simon de Vries"][6] != links["Simon de Vries"]  # his was used
    assert rows_again["Simon de Vries"][8] == "existing team, new link"
    assert rows_again["Joost Mulder"][8] == "new team, new link"
    invites = {invite.code: invite for invite in await rows(cli, Invite)}
    assert invites[links["Erica Jansen"]].revoked_at is not None
    assert invites[links["Fatima Yilmaz"]].revoked_at is None
    assert len(invites) == 3 + 4
    assert len(await rows(cli, Team)) == 2


# --- refusals: every problem by row, and nothing stored -----------------------------------------

GOOD = ("Fatima Yilmaz", "Energie Westerlicht", "West", "initiatief", "coördinator")


@pytest.mark.parametrize(
    ("header", "rows", "expected"),
    [
        pytest.param(
            ("naam", "team", "soort team", "rol"),
            [("Fatima", "Energie Westerlicht", "initiatief", "lid")],
            [
                "Nothing was imported: 1 problem in roster.xlsx.",
                "  row 1: no column for stadsdeel; the first row must name the columns naam, "
                "team, stadsdeel, soort team and rol (Dutch or English).",
            ],
            id="missing column",
        ),
        pytest.param(
            ("name", "team", "stadsdeel", "kind"),
            [GOOD[:4]],
            ["  row 1: no column for rol (role); the first row must name the columns"],
            id="missing role column",
        ),
        pytest.param(
            ("naam", "team", "team", "stadsdeel", "soort team", "rol"),
            [],
            ["  row 1: two columns for team (B and C); keep one."],
            id="a column twice",
        ),
        pytest.param(
            HEADER,
            [GOOD, ("Erica Jansen", "Energie Westerlicht", "Amstelveen", "initiatief", "lid")],
            [
                "Nothing was imported: 1 problem in roster.xlsx.",
                "  row 3, stadsdeel (column C): 'Amstelveen' is not a stadsdeel; use Centrum, "
                "Nieuw-West, Noord, Oost, West, Zuid, Zuidoost, Weesp or Stad (the whole city).",
            ],
            id="unknown stadsdeel",
        ),
        pytest.param(
            HEADER,
            [GOOD, ("Erica Jansen", "Energie Westerlicht", "West", "initiatief", "voorzitter")],
            [
                "  row 3, rol (column E): 'voorzitter' is not a role; use lid (member) or "
                "coördinator, or leave it empty for lid."
            ],
            id="unknown role",
        ),
        pytest.param(
            HEADER,
            [GOOD, ("Erica Jansen", "Energie Westerlicht", "West", "vereniging", "lid")],
            [
                "  row 3, soort team (column D): 'vereniging' is not a kind of team; use "
                "gebiedsteam, initiatief or ambtelijk team."
            ],
            id="unknown team kind",
        ),
        pytest.param(
            HEADER,
            [
                GOOD,
                (None, None, None, None, None),
                ("Erica Jansen", "Energie Westerlicht", "Amstelveen", "initiatief", "baas"),
                (None, "Energie Westerlicht", "West", None, "lid"),
                ("Simon", "x" * 101, "West", "initiatief", "lid"),
            ],
            [
                "Nothing was imported: 5 problems in roster.xlsx.",
                "  row 4, stadsdeel (column C): 'Amstelveen' is not a stadsdeel;",
                "  row 4, rol (column E): 'baas' is not a role;",
                "  row 5, naam (column A): the name is empty.",
                "  row 5, soort team (column D): an empty cell is not a kind of team;",
                "  row 6, team (column B): the team name is 101 characters long; at most 100.",
            ],
            id="every problem, by the row Excel shows",
        ),
        pytest.param(
            HEADER,
            [
                GOOD,
                ("Erica Jansen", "Energie Westerlicht", "West", "initiatief", "lid"),
                ("fatima  YILMAZ", "energie westerlicht", "West", "initiatief", "lid"),
            ],
            [
                "  row 4, naam (column A): Fatima Yilmaz is in Energie Westerlicht twice "
                "(rows 2 and 4); keep one row per person and team."
            ],
            id="a person twice in a team",
        ),
        pytest.param(
            HEADER,
            [GOOD, ("Erica Jansen", "Energie Westerlicht", "Oost", "gebiedsteam", "lid")],
            [
                "  row 3, stadsdeel (column C): Energie Westerlicht is in West on row 2 and in "
                "Oost here; a team has one stadsdeel.",
                "  row 3, soort team (column D): Energie Westerlicht is initiatief on row 2 and "
                "gebiedsteam here; a team is of one kind.",
            ],
            id="rows of one team disagree",
        ),
        pytest.param(
            HEADER,
            [],
            [
                "roster.xlsx names the columns but has no people: add one row per person below "
                "the first row."
            ],
            id="header only",
        ),
        pytest.param(
            (),
            [],
            ["roster.xlsx is empty: the first row must name the columns naam, team, stadsdeel"],
            id="empty workbook",
        ),
        pytest.param(
            HEADER,
            [(f"Persoon {n}", "Team", "Mars", "initiatief", "lid") for n in range(25)],
            ["Nothing was imported: 25 problems", "  row 21, stadsdeel", "  … and 5 more."],
            id="many problems",
        ),
    ],
)
async def test_a_bad_roster_is_refused_with_its_rows_and_nothing_is_stored(
    cli: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    header: Cells,
    rows: list[Cells],
    expected: list[str],
) -> None:
    roster = roster_file(tmp_path / "roster.xlsx", *rows, header=header)
    code, out, err = await import_roster(capsys, str(roster))
    assert (code, out) == (2, "")
    assert err.startswith("steunpunt: ")
    for line in expected:
        assert line in err, f"{line!r} not in:\n{err}"
    assert "row 22" not in err  # at most the first twenty are listed
    assert await stored(cli) == (0, 0)
    assert not (tmp_path / "roster-links.xlsx").exists()


def _zip_without_workbook(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("leden.txt", "Fatima, Energie Westerlicht")


@pytest.mark.parametrize(
    ("name", "make", "expected"),
    [
        (
            "leden.csv",
            lambda p: p.write_text("naam,team,stadsdeel,soort team,rol\nFatima,E,West,init,lid\n"),
            "leden.csv is not an Excel workbook (.xlsx); save the roster as one",
        ),
        (
            "leden.xlsx",
            lambda p: p.write_text("dit is gewoon tekst"),
            "leden.xlsx is not an Excel workbook (.xlsx)",
        ),
        (
            "leden.xls",
            lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504),
            "leden.xls is an old Excel file (.xls) or a workbook with a password; save it as "
            "an Excel workbook (.xlsx) without a password",
        ),
        ("archief.xlsx", _zip_without_workbook, "archief.xlsx is not an Excel workbook (.xlsx)"),
        ("leeg.xlsx", lambda p: p.write_bytes(b""), "leeg.xlsx is an empty file (0 bytes)"),
        ("weg.xlsx", lambda p: None, "There is no file "),
    ],
)
async def test_a_file_that_is_not_a_workbook_gets_one_sentence(
    cli: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    make: object,
    expected: str,
) -> None:
    path = tmp_path / name
    assert callable(make)
    make(path)
    code, _, err = await import_roster(capsys, str(path))
    assert code == 2
    assert err.startswith(f"steunpunt: {expected}")
    assert err.count("\n") == 1
    assert await stored(cli) == (0, 0)


async def test_a_workbook_without_an_extension_is_still_read(
    cli: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = roster_file(tmp_path / "leden.xlsx", GOOD)
    bare = roster.rename(tmp_path / "leden")
    code, out, _ = await import_roster(capsys, str(bare))
    assert code == 0
    assert "links written to" in out
    assert (tmp_path / "leden-links.xlsx").exists()


async def test_a_team_that_exists_differently_is_not_changed_and_nothing_is_stored(
    cli: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = roster_file(
        tmp_path / "eerst.xlsx", ("Mostafa", "Rattenaanpak Noord", "Noord", "initiatief", "")
    )
    assert (await import_roster(capsys, str(first)))[0] == 0
    before = await stored(cli)
    second = roster_file(
        tmp_path / "roster.xlsx",
        GOOD,  # a new team, fine on its own
        ("Simon", "rattenaanpak noord", "Oost", "initiatief", ""),
        ("Henk", "Rattenaanpak Noord", "Oost", "initiatief", ""),
    )
    code, _, err = await import_roster(capsys, str(second))
    assert code == 2
    assert (
        "  row 3, stadsdeel (column C): the team Rattenaanpak Noord already exists in Noord, "
        "not Oost; an import does not change teams, so correct the file."
    ) in err
    assert "row 4" not in err  # one problem per team, at its first row
    assert await stored(cli) == before
    assert [team.name for team in await rows(cli, Team)] == ["Rattenaanpak Noord"]


async def test_names_that_look_like_formulas_are_written_as_text(
    cli: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(HEADER))
    for name in ('=HYPERLINK("http://example.org","klik")', "+31 6 12345678", "@jan", "-Piet"):
        sheet.append([name, "Energie Westerlicht", "West", "initiatief", "lid"])
        sheet.cell(sheet.max_row, 1).data_type = "s"  # typed as text in the roster
    roster = tmp_path / "roster.xlsx"
    workbook.save(roster)
    code, _, err = await import_roster(capsys, str(roster))
    assert (code, err) == (0, "")
    written = load_workbook(tmp_path / "roster-links.xlsx").active
    assert written is not None
    names = [written.cell(row, 1) for row in range(2, 6)]
    assert [cell.value for cell in names] == [
        '=HYPERLINK("http://example.org","klik")',
        "+31 6 12345678",
        "@jan",
        "-Piet",
    ]
    assert {cell.data_type for cell in names} == {"s"}
    invitees = {invite.invitee_name for invite in await rows(cli, Invite)}
    assert '=HYPERLINK("http://example.org","klik")' in invitees


# --- the bot's username, and where the links go ---------------------------------------------------


async def test_without_a_bot_username_it_says_the_three_ways_and_stores_nothing(
    cli: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = roster_file(tmp_path / "roster.xlsx", GOOD)
    code, _, err = await import_roster(capsys, str(roster), username=None)
    assert code == 2
    assert err == (
        "steunpunt: The links need the bot's username: pass --bot-username NAME, set "
        "TELEGRAM_BOT_USERNAME, or set TELEGRAM_BOT_TOKEN so it can be asked of Telegram.\n"
    )
    assert await stored(cli) == (0, 0)
    code, _, err = await import_roster(capsys, str(roster), username="steun punt")
    assert code == 2
    assert "--bot-username: 'steun punt' is not a Telegram username" in err
    assert await stored(cli) == (0, 0)


async def test_the_username_comes_from_the_setting_or_from_telegram(
    cli: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    telegram: FakeTelegram,
) -> None:
    roster = roster_file(tmp_path / "roster.xlsx", GOOD)
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "@steunpunt_env_bot")
    assert (await import_roster(capsys, str(roster), username=None))[0] == 0
    assert str(sheet_rows(tmp_path / "roster-links.xlsx")[1][5]).startswith(
        "https://t.me/steunpunt_env_bot?start="
    )
    monkeypatch.delenv("TELEGRAM_BOT_USERNAME")
    async with BotApiServer(telegram, "42:ROSTER-TOKEN") as server:
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "42:ROSTER-TOKEN")
        monkeypatch.setenv("TELEGRAM_API_BASE_URL", server.base_url)
        code, _, err = await import_roster(capsys, str(roster), username=None)
        assert (code, err) == (0, "")
        assert str(sheet_rows(tmp_path / "roster-links.xlsx")[1][5]).startswith(
            f"https://t.me/{telegram.bot_username}?start="
        )
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "42:WRONG")
        code, _, err = await import_roster(capsys, str(roster), username=None)
        assert code == 2
        assert "Telegram did not accept TELEGRAM_BOT_TOKEN" in err


async def test_out_chooses_the_file_and_may_not_be_the_roster(
    cli: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = roster_file(tmp_path / "roster.xlsx", GOOD)
    code, _, err = await import_roster(capsys, str(roster), "--out", str(roster))
    assert code == 2
    assert "--out names the roster itself" in err
    code, _, err = await import_roster(capsys, str(roster), "--out", "nergens/links.xlsx")
    assert code == 2
    assert "There is no folder nergens to write the links to." in err
    assert await stored(cli) == (0, 0)
    code, out, _ = await import_roster(capsys, str(roster), "--out", "verstuur.xlsx")
    assert code == 0
    assert out.endswith("links written to verstuur.xlsx\n")
    assert len(sheet_rows(tmp_path / "verstuur.xlsx")) == 2


def test_import_roster_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["import-roster", "--help"])
    assert done.value.code == 0
    help_text = capsys.readouterr().out
    assert "usage: steunpunt import-roster" in help_text
    assert "--bot-username NAME" in help_text
    assert "--out FILE" in help_text


# --- personal links in the chat -----------------------------------------------------------------


async def import_with_clock(
    settings: Settings, clock: FakeClock, path: Path, *rows: Cells
) -> dict[str, str]:
    """Import as the command line does, on the bot's clock; returns each person's code."""
    database = Database.connect(settings.database_url)
    try:
        await upgrade_database(database.engine)
        invited = await RosterService(database, clock).import_sheet(
            read_roster(roster_file(path, *rows))
        )
    finally:
        await database.dispose()
    return {person.entry.name: person.code for person in invited}


async def test_a_personal_coordinator_link_makes_a_coordinator_once(
    bot: ChatHarness,
    telegram: FakeTelegram,
    settings: Settings,
    clock: FakeClock,
    tmp_path: Path,
) -> None:
    codes = await import_with_clock(
        settings,
        clock,
        tmp_path / "roster.xlsx",
        ("Fatima Yilmaz", "Energie Westerlicht", "West", "initiatief", "coördinator"),
        ("Erica Jansen", "Energie Westerlicht", "West", "initiatief", "lid"),
    )
    fatima, erica, stranger = telegram.user("Fatima"), telegram.user("Erica"), telegram.user("Bas")
    welcome = await join(bot, fatima, codes["Fatima Yilmaz"])
    assert welcome[0].text.startswith(
        "Welkom bij Energie Westerlicht (initiatief, West)! Je bent nu coördinator van dit team."
    )
    await join(bot, erica, codes["Erica Jansen"])
    assert bot.last_to(erica).text.startswith("Welkom bij Energie Westerlicht (initiatief, West)!")
    assert "Je bent nu lid." in bot.last_to(erica).text
    assert bot.last_to(fatima).text == "Erica is lid geworden van Energie Westerlicht."

    # Fatima's link was hers: someone else who gets hold of it is turned away kindly.
    await join(bot, stranger, codes["Fatima Yilmaz"])
    assert bot.last_to(stranger).text == (
        "Deze persoonlijke uitnodiging voor Energie Westerlicht is al door iemand anders "
        "gebruikt. Vraag je coördinator om een nieuwe link."
    )
    await join(bot, fatima, codes["Fatima Yilmaz"])  # opening it again herself is harmless
    assert bot.last_to(fatima).text.startswith("Je bent al lid van Energie Westerlicht.")

    people = {p.id: p.display_name for p in await rows(settings, Person)}
    members = {people[m.person_id]: m.role for m in await rows(settings, Membership)}
    assert members == {"Fatima": Role.COORDINATOR, "Erica": Role.MEMBER}
    invite = (await rows(settings, Invite, Invite.code == codes["Fatima Yilmaz"]))[0]
    assert invite.used_at == clock.now
    assert people[invite.used_by_id] == "Fatima"
    assert invite.invitee_name is None  # the name was only kept to find the link again
    # As coordinator she runs the team at once.
    await bot.send(fatima, "/team")
    assert "⭐ Erica" in " ".join(bot.last_to(fatima).button_texts())


async def test_invite_shows_the_team_link_and_leaves_personal_links_alone(
    bot: ChatHarness,
    admin: FakeUser,
    telegram: FakeTelegram,
    settings: Settings,
    clock: FakeClock,
    tmp_path: Path,
) -> None:
    codes = await import_with_clock(
        settings,
        clock,
        tmp_path / "roster.xlsx",
        ("Fatima Yilmaz", "Energie Westerlicht", "West", "initiatief", "coördinator"),
        ("Erica Jansen", "Energie Westerlicht", "West", "initiatief", "lid"),
    )
    await bot.send(admin, "/invite")
    team_code = invite_code(bot.last_to(admin))
    assert team_code not in codes.values()
    team_invite = (await rows(settings, Invite, Invite.code == team_code))[0]
    assert (team_invite.single_use, team_invite.role) == (False, Role.MEMBER)
    await bot.send(admin, "/invite")
    assert invite_code(bot.last_to(admin)) == team_code  # the same team link again

    # Renewing and revoking the team link leaves the personal links working.
    await bot.press(admin, "🔄 Nieuwe link")
    renewed = invite_code(bot.last_to(admin))
    await bot.press(admin, "🚫 Link intrekken")
    personal = await rows(settings, Invite, Invite.single_use.is_(True))
    assert [invite.revoked_at for invite in personal] == [None, None]
    revoked = await rows(settings, Invite, Invite.single_use.is_(False))
    assert {invite.code for invite in revoked if invite.revoked_at} == {team_code, renewed}
    erica = telegram.user("Erica")
    await join(bot, erica, codes["Erica Jansen"])
    assert bot.last_to(erica).text.startswith("Welkom bij Energie Westerlicht")

    # A team link never makes anyone coordinator, even someone named as one on the roster.
    await bot.send(admin, "/invite")
    fresh = invite_code(bot.last_to(admin))
    fatima = telegram.user("Fatima")
    await join(bot, fatima, fresh)
    assert "Je bent nu lid." in bot.last_to(fatima).text


async def test_a_personal_link_promotes_a_member_and_brings_back_a_removed_one(
    services: PlainServices, tmp_path: Path
) -> None:
    admin = await services.admin()
    simon = await services.person(501, "Simon")
    mike = await services.person(502, "Mike")
    team, team_code = await services.team(
        "Energie Westerlicht", stadsdeel=Stadsdeel.WEST, members=(simon, mike)
    )
    await services.directory.appoint_coordinator(admin, team.id, simon.person_id)
    await services.directory.remove_member(simon, team.id, mike.person_id)
    sam = await services.person(503, "Sam")
    await services.directory.join(sam, team_code)
    invited = await RosterService(services.database, services.clock).import_sheet(
        read_roster(
            roster_file(
                tmp_path / "roster.xlsx",
                ("Sam", "Energie Westerlicht", "West", "initiatief", "coördinator"),
                ("Mike", "Energie Westerlicht", "West", "initiatief", "coördinator"),
                ("Simon", "Energie Westerlicht", "West", "initiatief", "lid"),
            )
        )
    )
    codes = {person.entry.name: person.code for person in invited}
    promoted = await services.directory.join(sam, codes["Sam"])
    assert (promoted.already_member, promoted.role) == (False, Role.COORDINATOR)
    back = await services.directory.join(mike, codes["Mike"])
    assert (back.already_member, back.role) == (False, Role.COORDINATOR)
    # A coordinator opening a member's link stays coordinator and leaves the link unused.
    same = await services.directory.join(simon, codes["Simon"])
    assert (same.already_member, same.role) == (True, Role.COORDINATOR)
    unused = await services.rows(Invite, Invite.code == codes["Simon"])
    assert unused[0].used_at is None
    roles = {m.person_id: m.role for m in await services.rows(Membership)}
    assert roles == {
        simon.person_id: Role.COORDINATOR,
        mike.person_id: Role.COORDINATOR,
        sam.person_id: Role.COORDINATOR,
    }


async def test_an_expired_personal_link_is_refused_and_its_name_forgotten(
    services: PlainServices, tmp_path: Path
) -> None:
    invited = await RosterService(services.database, services.clock).import_sheet(
        read_roster(roster_file(tmp_path / "roster.xlsx", GOOD))
    )
    services.clock.advance(timedelta(days=31))
    fatima = await services.person(601, "Fatima")
    await refused("join.expired_code", services.directory.join(fatima, invited[0].code))
    report = await services.privacy.delete_expired_answers()
    assert report.invitee_names == 1
    assert [i.invitee_name for i in await services.rows(Invite)] == [None]


async def test_mydata_shows_the_personal_link_used_and_forget_unlinks_it(
    services: PlainServices, tmp_path: Path
) -> None:
    invited = await RosterService(services.database, services.clock).import_sheet(
        read_roster(roster_file(tmp_path / "roster.xlsx", GOOD))
    )
    fatima = await services.person(701, "Fatima")
    await services.directory.join(fatima, invited[0].code)
    data = json.loads((await services.privacy.my_data(fatima, lambda q: q.text or "")).content)
    assert data["personal_invites_used"] == [
        {"team": "Energie Westerlicht", "role": "coordinator", "at": services.clock.now.isoformat()}
    ]
    await services.privacy.forget(fatima, fatima.person_id)
    invite = (await services.rows(Invite))[0]
    assert (invite.used_by_id, invite.used_at is not None) == (None, True)


# --- the migration ------------------------------------------------------------------------------


async def test_invites_from_before_0008_stay_team_links(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        await upgrade_database(engine, "0007")
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO teams (id, name, kind, stadsdeel, created_at) "
                    "VALUES (1, 'Oost', 'gebiedsteam', 'oost', '2026-11-01 10:00:00')"
                )
            )
            await connection.execute(
                text(
                    "INSERT INTO invites (code, team_id, created_at, expires_at) "
                    "VALUES ('oud', 1, '2026-11-01 10:00:00', '2026-12-01 10:00:00')"
                )
            )
        await upgrade_database(engine)
        async with engine.connect() as connection:
            row = (
                await connection.execute(
                    text("SELECT role, single_use, invitee_name, used_at FROM invites")
                )
            ).one()
        assert (row.role, bool(row.single_use), row.invitee_name, row.used_at) == (
            "member",
            False,
            None,
            None,
        )
        async with engine.begin() as connection:  # and back down: the downgrade works
            await connection.run_sync(lambda sync: command.downgrade(alembic_config(sync), "0007"))
            columns = await connection.run_sync(
                lambda sync: {c["name"] for c in inspect(sync).get_columns("invites")}
            )
        assert "single_use" not in columns
        assert "code" in columns
    finally:
        await engine.dispose()
