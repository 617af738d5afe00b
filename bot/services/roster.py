"""Roster import: a spreadsheet of people (name, team, stadsdeel, team kind, role) becomes the
missing teams and one personal invite link per person, written back as a workbook to send out.

Everything in the file is checked before anything is stored: one mistake anywhere and nothing
is imported, with every problem named by its row and column as Excel shows them."""

from __future__ import annotations

import enum
import os
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy.exc import IntegrityError

from bot.services.common import Clock, ServiceError
from bot.services.directory import INVITE_VALIDITY, clean_team_name, new_invite_code
from storage.database import Database
from storage.models import Invite, Role, Stadsdeel, Team, TeamKind
from storage.repositories import Invites, Teams

# Personal links last as long as /invite's team links; importing again before they expire
# gives the same links, valid for this long from then on.
ROSTER_INVITE_VALIDITY = INVITE_VALIDITY
NAME_MAX = 200  # Invite.invitee_name
PROBLEMS_LISTED = 20
EXPECTED_COLUMNS = "naam, team, stadsdeel, soort team and rol"
# Spreadsheet programs run a cell typed as text that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Column(enum.Enum):
    NAME = "name"
    TEAM = "team"
    STADSDEEL = "stadsdeel"
    KIND = "team kind"
    ROLE = "role"


def fold(text: str) -> str:
    """Lower case, without accents, spaces, `-` or `_`: 'Nieuw-West', 'nieuw_west',
    'NIEUW WEST' and 'Nieuwwest' fold the same, as do 'coördinator' and 'coordinator'."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return "".join(plain.casefold().replace("-", " ").replace("_", " ").split())


def _names(*names: str) -> frozenset[str]:
    return frozenset(fold(name) for name in names)


HEADERS: dict[Column, frozenset[str]] = {
    Column.NAME: _names("naam", "name", "volledige naam", "full name"),
    Column.TEAM: _names("team", "teamnaam", "team name", "naam team"),
    Column.STADSDEEL: _names("stadsdeel", "borough"),
    Column.KIND: _names("soort team", "teamsoort", "team kind", "kind", "soort", "type team"),
    Column.ROLE: _names("rol", "role"),
}

# The catalogs' Dutch and English names (kind.*, stadsdeel.*, button.kind.*) and the stored
# values; fold() takes care of case, accents, hyphens and underscores.
STADSDELEN: dict[str, Stadsdeel] = {
    **{fold(stadsdeel.value): stadsdeel for stadsdeel in Stadsdeel},
    **dict.fromkeys(_names("hele stad", "city-wide", "city", "stedelijk"), Stadsdeel.STAD),
}
KINDS: dict[str, TeamKind] = {
    **{fold(kind.value): kind for kind in TeamKind},
    **dict.fromkeys(_names("area team", "area team (gebiedsteam)"), TeamKind.GEBIEDSTEAM),
    **dict.fromkeys(
        _names(
            "initiatief (bewoners)",
            "bewonersinitiatief",
            "citizen initiative",
            "initiative",
        ),
        TeamKind.INITIATIEF,
    ),
    **dict.fromkeys(_names("civil service team", "ambtelijk"), TeamKind.AMBTELIJK_TEAM),
}
ROLES: dict[str, Role] = {
    **dict.fromkeys(_names("", "lid", "member"), Role.MEMBER),
    **dict.fromkeys(
        _names("coördinator", "coordinatoor", "coördinatoor", "co-ordinator"), Role.COORDINATOR
    ),
}


@dataclass(frozen=True)
class Problem:
    """One reason the roster cannot be imported; `row` as Excel numbers it (None: the file)."""

    message: str
    row: int | None = None
    column: str | None = None  # e.g. "stadsdeel (column C)"

    def __str__(self) -> str:
        where = ", ".join(part for part in (self._rows(), self.column) if part)
        return f"{where}: {self.message}" if where else self.message

    def _rows(self) -> str | None:
        return None if self.row is None else f"row {self.row}"


class RosterError(Exception):
    """The roster was not imported, and nothing of it was stored."""

    def __init__(self, problems: Sequence[Problem], source: str = "the roster") -> None:
        super().__init__(problems)
        self.problems = list(problems)
        self.source = source

    def __str__(self) -> str:
        if len(self.problems) == 1 and self.problems[0].row is None:
            return self.problems[0].message
        count = len(self.problems)
        lines = [
            f"Nothing was imported: {count} problem{'' if count == 1 else 's'} in {self.source}."
        ]
        lines += [f"  {problem}" for problem in self.problems[:PROBLEMS_LISTED]]
        if count > PROBLEMS_LISTED:
            lines.append(f"  … and {count - PROBLEMS_LISTED} more.")
        return "\n".join(lines)


@dataclass(frozen=True)
class RosterEntry:
    """One person on the roster, checked."""

    row: int
    name: str
    team: str
    stadsdeel: Stadsdeel
    kind: TeamKind
    role: Role
    cells: tuple[object, ...] = field(compare=False)  # the row as it is in the file


@dataclass(frozen=True)
class RosterSheet:
    source: str  # the file's name, for messages
    header: tuple[object, ...]
    entries: list[RosterEntry]
    labels: dict[Column, str]  # where each column is, for messages: "stadsdeel (column C)"


class LinkStatus(enum.Enum):
    NEW = "new link"
    SAME = "same link as before"
    REPLACED = "new link (the earlier one for this person no longer works)"


@dataclass(frozen=True)
class InvitedPerson:
    entry: RosterEntry
    team: str  # the team's name as stored (an existing team keeps its own spelling)
    new_team: bool
    code: str
    expires_at: datetime
    link: LinkStatus

    @property
    def status(self) -> str:
        return f"{'new' if self.new_team else 'existing'} team, {self.link.value}"


# --- reading the file -------------------------------------------------------------------------


def read_roster(path: Path) -> RosterSheet:
    """The roster in the first sheet of an .xlsx file, every row checked; RosterError lists
    every problem (and nothing is stored)."""
    source = path.name
    rows = _read_rows(path)
    if not any(_text(cell) for row in rows for cell in row):
        raise RosterError(
            [
                Problem(
                    f"{source} is empty: the first row must name the columns {EXPECTED_COLUMNS}, "
                    "and each row below it is one person."
                )
            ]
        )
    header = rows[0]
    columns, problems = _find_columns(header)
    if problems:
        raise RosterError(problems, source)
    entries: list[RosterEntry] = []
    for number, cells in enumerate(rows[1:], start=2):
        values = {column: _text(_cell(cells, index)) for column, index in columns.items()}
        if not any(values.values()):
            continue  # a blank row
        entry, row_problems = _entry(number, cells, values, columns, header)
        problems += row_problems
        if entry is not None:
            entries.append(entry)
    if not entries and not problems:
        raise RosterError(
            [
                Problem(
                    f"{source} names the columns but has no people: add one row per person "
                    "below the first row."
                )
            ]
        )
    problems += _conflicts_between_rows(entries, columns, header)
    if problems:
        raise RosterError(sorted(problems, key=lambda p: p.row or 0), source)
    labels = {column: _where(column, columns, header) for column in Column}
    return RosterSheet(source, tuple(header), entries, labels)


def _read_rows(path: Path) -> list[tuple[object, ...]]:
    name = path.name
    if not path.exists():
        raise RosterError([Problem(f"There is no file {path}.")])
    if not path.is_file():
        raise RosterError([Problem(f"{path} is a folder, not a spreadsheet.")])
    if path.stat().st_size == 0:
        raise RosterError([Problem(f"{name} is an empty file (0 bytes), not an Excel workbook.")])
    not_xlsx = (
        f"{name} is not an Excel workbook (.xlsx); save the roster as one (in Excel or "
        "LibreOffice: Save as, Excel workbook .xlsx) and import that."
    )
    try:
        with path.open("rb") as file:
            # An OLE compound file: the old binary format, or a workbook with a password.
            if file.read(4) == b"\xd0\xcf\x11\xe0":
                raise RosterError(
                    [
                        Problem(
                            f"{name} is an old Excel file (.xls) or a workbook with a password; "
                            "save it as an Excel workbook (.xlsx) without a password and import "
                            "that."
                        )
                    ]
                )
            file.seek(0)
            # A file object, not the name: openpyxl would judge by the extension alone.
            try:
                workbook = load_workbook(file, read_only=True, data_only=True)
            except Exception as exc:  # a file that is not a workbook fails in many ways
                raise RosterError([Problem(not_xlsx)]) from exc
            try:
                sheets = workbook.worksheets
                if not sheets:
                    return []
                return [tuple(row) for row in sheets[0].iter_rows(values_only=True)]
            except Exception as exc:  # a damaged sheet inside a readable archive
                raise RosterError([Problem(not_xlsx)]) from exc
            finally:
                workbook.close()
    except OSError as exc:
        raise RosterError([Problem(f"Cannot read {path} ({exc.strerror or exc}).")]) from exc


def _find_columns(header: tuple[object, ...]) -> tuple[dict[Column, int], list[Problem]]:
    found: dict[Column, list[int]] = {}
    for index, cell in enumerate(header):
        label = fold(_text(cell))
        for column, names in HEADERS.items():
            if label in names:
                found.setdefault(column, []).append(index)
    problems = [
        Problem(
            f"two columns for {column.value} "
            f"({' and '.join(get_column_letter(i + 1) for i in indexes)}); keep one.",
            row=1,
        )
        for column, indexes in found.items()
        if len(indexes) > 1
    ]
    missing = [column for column in Column if column not in found]
    if missing:
        listed = ", ".join(_column_names(column) for column in missing)
        listed = " and ".join(listed.rsplit(", ", 1))
        problems.append(
            Problem(
                f"no column for {listed}; the first row must name the columns "
                f"{EXPECTED_COLUMNS} (Dutch or English).",
                row=1,
            )
        )
    return {column: indexes[0] for column, indexes in found.items()}, problems


def _column_names(column: Column) -> str:
    dutch = {
        Column.NAME: "naam",
        Column.TEAM: "team",
        Column.STADSDEEL: "stadsdeel",
        Column.KIND: "soort team",
        Column.ROLE: "rol",
    }[column]
    return dutch if dutch == column.value else f"{dutch} ({column.value})"


def _entry(
    number: int,
    cells: tuple[object, ...],
    values: dict[Column, str],
    columns: dict[Column, int],
    header: tuple[object, ...],
) -> tuple[RosterEntry | None, list[Problem]]:
    problems: list[Problem] = []

    def problem(column: Column, message: str) -> None:
        problems.append(Problem(message, number, _where(column, columns, header)))

    name = values[Column.NAME]
    if not name:
        problem(Column.NAME, "the name is empty.")
    elif len(name) > NAME_MAX:
        problem(Column.NAME, f"the name is {len(name)} characters long; at most {NAME_MAX}.")
    team = ""
    try:
        team = clean_team_name(values[Column.TEAM])
    except ServiceError as exc:
        if exc.key == "newteam.name_empty":
            problem(Column.TEAM, "the team name is empty.")
        else:
            problem(
                Column.TEAM,
                f"the team name is {exc.params['length']} characters long; "
                f"at most {exc.params['limit']}.",
            )
    stadsdeel = STADSDELEN.get(fold(values[Column.STADSDEEL]))
    if stadsdeel is None:
        problem(
            Column.STADSDEEL,
            f"{_quoted(values[Column.STADSDEEL])} is not a stadsdeel; use Centrum, Nieuw-West, "
            "Noord, Oost, West, Zuid, Zuidoost, Weesp or Stad (the whole city).",
        )
    kind = KINDS.get(fold(values[Column.KIND]))
    if kind is None:
        problem(
            Column.KIND,
            f"{_quoted(values[Column.KIND])} is not a kind of team; use gebiedsteam, "
            "initiatief or ambtelijk team.",
        )
    role = ROLES.get(fold(values[Column.ROLE]))
    if role is None:
        problem(
            Column.ROLE,
            f"{_quoted(values[Column.ROLE])} is not a role; use lid (member) or coördinator, "
            "or leave it empty for lid.",
        )
    if problems or stadsdeel is None or kind is None or role is None:
        return None, problems
    return RosterEntry(number, name, team, stadsdeel, kind, role, cells), []


def _conflicts_between_rows(
    entries: list[RosterEntry], columns: dict[Column, int], header: tuple[object, ...]
) -> list[Problem]:
    """A person twice in one team; rows of one team that disagree on its stadsdeel or kind."""
    problems: list[Problem] = []
    people: dict[tuple[str, str], RosterEntry] = {}
    teams: dict[str, RosterEntry] = {}
    for entry in entries:
        first = people.setdefault((team_key(entry.team), entry.name.casefold()), entry)
        if first is not entry:
            problems.append(
                Problem(
                    f"{first.name} is in {first.team} twice (rows {first.row} and {entry.row}); "
                    "keep one row per person and team.",
                    entry.row,
                    _where(Column.NAME, columns, header),
                )
            )
        team = teams.setdefault(team_key(entry.team), entry)
        if team.stadsdeel is not entry.stadsdeel:
            problems.append(
                Problem(
                    f"{team.team} is in {_stadsdeel_name(team.stadsdeel)} on row {team.row} and "
                    f"in {_stadsdeel_name(entry.stadsdeel)} here; a team has one stadsdeel.",
                    entry.row,
                    _where(Column.STADSDEEL, columns, header),
                )
            )
        if team.kind is not entry.kind:
            problems.append(
                Problem(
                    f"{team.team} is {_kind_name(team.kind)} on row {team.row} and "
                    f"{_kind_name(entry.kind)} here; a team is of one kind.",
                    entry.row,
                    _where(Column.KIND, columns, header),
                )
            )
    return problems


def team_key(name: str) -> str:
    """Team names are one name whatever their case (as /newteam sees them)."""
    return " ".join(name.split()).casefold()


def _where(column: Column, columns: dict[Column, int], header: tuple[object, ...]) -> str:
    index = columns[column]
    return f"{_text(header[index])} (column {get_column_letter(index + 1)})"


def _cell(cells: tuple[object, ...], index: int) -> object:
    return cells[index] if index < len(cells) else None


def _text(value: object) -> str:
    """A cell as text, whitespace tidied (a number typed in a cell is still text to us)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date | time):
        value = value.isoformat()
    return " ".join(str(value).split())


def _quoted(value: str) -> str:
    return f"'{value}'" if value else "an empty cell"


def _stadsdeel_name(stadsdeel: Stadsdeel) -> str:
    return {Stadsdeel.NIEUW_WEST: "Nieuw-West", Stadsdeel.STAD: "Stad"}.get(
        stadsdeel, stadsdeel.value.capitalize()
    )


def _kind_name(kind: TeamKind) -> str:
    return kind.value.replace("_", " ")


# --- storing ----------------------------------------------------------------------------------


class RosterService:
    def __init__(self, database: Database, clock: Clock) -> None:
        self._db = database
        self._clock = clock

    async def import_sheet(self, sheet: RosterSheet) -> list[InvitedPerson]:
        """In one unit of work: the missing teams, and a personal invite per person (the same
        one as before while it is unused and valid). Nothing is stored if a team on the roster
        exists with another stadsdeel or kind."""
        now = self._clock()
        expires_at = now + ROSTER_INVITE_VALIDITY
        try:
            async with self._db.unit_of_work() as session:
                teams = {team_key(team.name): team for team in await Teams(session).all()}
                firsts: dict[str, RosterEntry] = {}
                for entry in sheet.entries:
                    firsts.setdefault(team_key(entry.team), entry)
                problems = [
                    problem
                    for key, entry in firsts.items()
                    if key in teams
                    for problem in _differences(teams[key], entry, sheet.labels)
                ]
                if problems:
                    raise RosterError(sorted(problems, key=lambda p: p.row or 0), sheet.source)
                new_teams: set[str] = set()
                for key, entry in firsts.items():
                    if key not in teams:
                        teams[key] = await Teams(session).add(
                            entry.team, entry.kind, entry.stadsdeel, None, now
                        )
                        new_teams.add(key)
                invites = Invites(session)
                open_invites: dict[tuple[int, str], list[Invite]] = {}
                for invite in await invites.open_personal([t.id for t in teams.values()], now):
                    person = (invite.team_id, (invite.invitee_name or "").casefold())
                    open_invites.setdefault(person, []).append(invite)
                invited: list[InvitedPerson] = []
                for entry in sheet.entries:
                    key = team_key(entry.team)
                    team = teams[key]
                    earlier = open_invites.get((team.id, entry.name.casefold()), [])
                    same = next((i for i in reversed(earlier) if i.role is entry.role), None)
                    # The roster says who gets which role: other open links for the person go.
                    await invites.revoke([i.id for i in earlier if i is not same], now)
                    if same is not None:
                        same.expires_at = expires_at
                        invite, status = same, LinkStatus.SAME
                    else:
                        invite = await invites.add(
                            new_invite_code(),
                            team.id,
                            None,
                            now,
                            expires_at,
                            role=entry.role,
                            invitee_name=entry.name,
                        )
                        status = LinkStatus.REPLACED if earlier else LinkStatus.NEW
                    invited.append(
                        InvitedPerson(
                            entry, team.name, key in new_teams, invite.code, expires_at, status
                        )
                    )
                return invited
        except IntegrityError as exc:  # a team of the same name was made at the same moment
            raise RosterError(
                [
                    Problem(
                        "A team on the roster was created in the bot while importing; "
                        "nothing was imported, run the import again."
                    )
                ]
            ) from exc


def _differences(team: Team, entry: RosterEntry, labels: dict[Column, str]) -> Iterable[Problem]:
    if team.stadsdeel is not entry.stadsdeel:
        yield Problem(
            f"the team {team.name} already exists in {_stadsdeel_name(team.stadsdeel)}, not "
            f"{_stadsdeel_name(entry.stadsdeel)}; an import does not change teams, so correct "
            "the file.",
            entry.row,
            labels[Column.STADSDEEL],
        )
    if team.kind is not entry.kind:
        yield Problem(
            f"the team {team.name} already exists as {_kind_name(team.kind)}, not "
            f"{_kind_name(entry.kind)}; an import does not change teams, so correct the file.",
            entry.row,
            labels[Column.KIND],
        )


# --- writing the links ------------------------------------------------------------------------

ADDED_COLUMNS = ("link", "code", "valid until", "status")


def links_path(roster: Path) -> Path:
    """Beside the roster: `leden.xlsx` → `leden-links.xlsx`."""
    return roster.with_name(f"{roster.stem}-links.xlsx")


def write_links(
    path: Path,
    sheet: RosterSheet,
    invited: Sequence[InvitedPerson],
    link_for: Callable[[str], str],
    zone: ZoneInfo,
) -> None:
    """The roster's rows (blank ones left out) with each person's link, code, the date it
    stops working and what the import did. Written to a temporary file first, so a failure
    never leaves half a workbook at `path`."""
    width = max(
        [_used_width(sheet.header), *(_used_width(person.entry.cells) for person in invited)]
    )
    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = "links"
    header = [*(_cell(sheet.header, i) for i in range(width)), *ADDED_COLUMNS]
    rows: list[list[Any]] = [
        [
            *(_cell(person.entry.cells, i) for i in range(width)),
            link_for(person.code),
            person.code,
            person.expires_at.astimezone(zone).replace(tzinfo=None, microsecond=0),
            person.status,
        ]
        for person in invited
    ]
    for values in [header, *rows]:
        worksheet.append([_safe(value) for value in values])
    for cells in worksheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                cell.data_type = "s"  # typed by a person: text, never a formula
    for cell in worksheet[1]:
        cell.font = Font(bold=True)
    for row_number in range(2, len(rows) + 2):
        link = worksheet.cell(row_number, width + 1)
        link.hyperlink = str(link.value)
        link.style = "Hyperlink"
        worksheet.cell(row_number, width + 3).number_format = "yyyy-mm-dd hh:mm"
    worksheet.freeze_panes = "A2"
    worksheet.auto_filter.ref = worksheet.dimensions
    for index, column in enumerate(worksheet.iter_cols(), start=1):
        longest = max(len(_text(cell.value)) for cell in column)
        if index == width + 3:
            longest = 16  # the date as shown
        letter = get_column_letter(index)
        worksheet.column_dimensions[letter].width = min(max(longest + 2, 10), 60)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        workbook.save(temporary)
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)


def _used_width(cells: tuple[object, ...]) -> int:
    width = len(cells)
    while width and not _text(cells[width - 1]):
        width -= 1
    return width


def _safe(value: object) -> object:
    # Characters XML cannot hold (control characters) would make the workbook unreadable.
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value
