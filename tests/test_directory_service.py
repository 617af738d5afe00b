"""People, teams, roles, invites and the /newteam flow, at the service level (no Telegram)."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import timedelta

import pytest

from bot.fakes.clock import FakeClock
from bot.services.common import Actor
from bot.services.conversations import JoinState, NewTeamState
from bot.services.directory import INVITE_VALIDITY
from bot.services.permissions import Permission
from storage.models import ConversationState, Invite, Membership, Person, Role, Stadsdeel, TeamKind
from tests.conftest import ADMIN_ID
from tests.support.services import PlainServices, refused


async def membership(services: PlainServices, team_id: int, person: Actor) -> Membership:
    [found] = await services.rows(
        Membership, Membership.team_id == team_id, Membership.person_id == person.person_id
    )
    return found


# --- identify ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("telegram_language", "expected"),
    [("en-GB", "en"), ("nl", "nl"), ("EN", "en"), ("de", "nl"), (None, "nl")],
)
async def test_a_new_person_starts_in_their_telegram_language(
    services: PlainServices, telegram_language: str | None, expected: str
) -> None:
    actor = await services.directory.identify(501, "Kate", "kate", telegram_language)
    assert actor.language == expected
    [person] = await services.rows(Person, Person.telegram_user_id == 501)
    assert person.language == expected
    assert (person.id, person.username) == (actor.person_id, "kate")


async def test_a_known_person_keeps_their_language_and_their_name_is_kept_current(
    services: PlainServices, clock: FakeClock
) -> None:
    first = await services.directory.identify(502, "Simon", None, "en")
    clock.advance(timedelta(minutes=5))
    again = await services.directory.identify(502, "Simon de Vries", "simonv", "nl")
    assert again.person_id == first.person_id
    assert (again.display_name, again.language) == ("Simon de Vries", "en")
    [person] = await services.rows(Person, Person.telegram_user_id == 502)
    assert (person.display_name, person.username) == ("Simon de Vries", "simonv")
    assert person.updated_at == clock.now
    assert person.created_at == clock.now - timedelta(minutes=5)


@pytest.mark.parametrize(("telegram_id", "is_admin"), [(ADMIN_ID, True), (503, False)])
async def test_admins_are_the_configured_telegram_ids(
    services: PlainServices, telegram_id: int, is_admin: bool
) -> None:
    actor = await services.person(telegram_id, "Iemand")
    assert actor.is_admin is is_admin


# --- teams ---------------------------------------------------------------------------------------


async def test_only_an_admin_creates_a_team(services: PlainServices, clock: FakeClock) -> None:
    simon = await services.person(510, "Simon")
    await refused(
        "denied.admin",
        services.directory.create_team(simon, "Buurt", TeamKind.INITIATIEF, Stadsdeel.ZUID),
    )
    admin = await services.admin()
    team, invite = await services.directory.create_team(
        admin, "  Buurt   De Pijp ", TeamKind.INITIATIEF, Stadsdeel.ZUID
    )
    assert (team.name, team.kind, team.stadsdeel) == (
        "Buurt De Pijp",
        TeamKind.INITIATIEF,
        Stadsdeel.ZUID,
    )
    assert invite.team_id == team.id
    assert invite.expires_at == clock.now + INVITE_VALIDITY
    # The creating admin runs the team without being a member of it.
    assert await services.rows(Membership) == []
    assert [(item.team.id, item.role) for item in await services.directory.teams_of(admin)] == [
        (team.id, None)
    ]


@pytest.mark.parametrize(
    "name", ["Rattenaanpak Noord", "rattenaanpak noord", " RATTENAANPAK  NOORD"]
)
async def test_team_names_are_taken_case_insensitively(services: PlainServices, name: str) -> None:
    await services.team("Rattenaanpak Noord")
    admin = await services.admin()
    await refused("newteam.name_taken", services.directory.check_new_team_name(admin, name))
    await refused(
        "newteam.name_taken",
        services.directory.create_team(admin, name, TeamKind.GEBIEDSTEAM, Stadsdeel.OOST),
    )


async def test_a_free_name_is_checked_and_tidied(services: PlainServices) -> None:
    await services.team("Rattenaanpak Noord")
    admin = await services.admin()
    assert await services.directory.check_new_team_name(admin, " Rattenaanpak  Oost ") == (
        "Rattenaanpak Oost"
    )
    member = await services.person(511, "Jesse")
    await refused("denied.admin", services.directory.check_new_team_name(member, "Nieuw"))


# --- joining -------------------------------------------------------------------------------------


async def test_joining_with_a_code_makes_a_member_and_names_the_coordinators(
    services: PlainServices, clock: FakeClock
) -> None:
    koen = await services.person(520, "Koen")
    team, code = await services.team("Gebiedsteam Oost", coordinator=koen)
    erica = await services.person(521, "Erica")
    result = await services.directory.join(erica, f"  {code} ")
    assert (result.team.id, result.already_member) == (team.id, False)
    assert [person.id for person in result.coordinators] == [koen.person_id]
    joined = await membership(services, team.id, erica)
    assert (joined.role, joined.joined_at, joined.removed_at) == (Role.MEMBER, clock.now, None)


@pytest.mark.parametrize("code", ["doesnotexist", "", "   "])
async def test_an_unknown_code_is_refused(services: PlainServices, code: str) -> None:
    await services.team("Buurt De Pijp")
    jesse = await services.person(522, "Jesse")
    await refused("join.unknown_code", services.directory.join(jesse, code))
    assert await services.rows(Membership) == []


async def test_a_revoked_code_is_refused(services: PlainServices) -> None:
    team, code = await services.team("Energie West")
    admin = await services.admin()
    await services.directory.revoke_invites(admin, team.id)
    ellen = await services.person(523, "Ellen")
    refusal = await refused("join.revoked_code", services.directory.join(ellen, code))
    assert refusal.params == {"team": "Energie West"}
    assert await services.rows(Membership) == []
    # With every invite revoked, asking for the current one makes a fresh one.
    _, fresh = await services.directory.current_invite(admin, team.id)
    assert fresh.code != code
    assert (await services.directory.join(ellen, fresh.code)).already_member is False


async def test_a_code_expires_by_the_clock(services: PlainServices, clock: FakeClock) -> None:
    _team, code = await services.team("Energie West")
    early, late = await services.person(524, "Early"), await services.person(525, "Late")
    clock.advance(INVITE_VALIDITY - timedelta(seconds=1))
    assert (await services.directory.join(early, code)).already_member is False
    clock.advance(timedelta(seconds=1))
    await refused("join.expired_code", services.directory.join(late, code))
    # A member is told they are in already, even with an expired code.
    assert (await services.directory.join(early, code)).already_member is True


async def test_joining_twice_says_already_member(services: PlainServices) -> None:
    simon = await services.person(526, "Simon")
    team, code = await services.team("Buurt De Pijp", members=(simon,))
    result = await services.directory.join(simon, code)
    assert (result.team.id, result.already_member, result.coordinators) == (team.id, True, [])
    assert len(await services.rows(Membership)) == 1


async def test_rejoining_after_removal_is_a_fresh_start_as_member(
    services: PlainServices, clock: FakeClock
) -> None:
    koen, erica = await services.person(527, "Koen"), await services.person(528, "Erica")
    team, code = await services.team("Gebiedsteam Oost", coordinator=koen, members=(erica,))
    admin = await services.admin()
    await services.directory.appoint_coordinator(admin, team.id, erica.person_id)
    await services.directory.remove_member(koen, team.id, erica.person_id)
    assert (await membership(services, team.id, erica)).removed_at == clock.now
    assert await services.directory.teams_of(erica) == []
    clock.advance(timedelta(days=1))
    result = await services.directory.join(erica, code)
    assert result.already_member is False
    again = await membership(services, team.id, erica)
    assert (again.role, again.removed_at, again.joined_at) == (Role.MEMBER, None, clock.now)
    assert len(await services.rows(Membership)) == 2  # Koen's, and Erica's one row reactivated


# --- roles ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("appointer", ["admin", "coordinator"])
async def test_admins_and_coordinators_appoint_coordinators(
    services: PlainServices, appointer: str
) -> None:
    koen, erica = await services.person(530, "Koen"), await services.person(531, "Erica")
    team, _ = await services.team("Gebiedsteam Oost", coordinator=koen, members=(erica,))
    actor = await services.admin() if appointer == "admin" else koen
    change = await services.directory.appoint_coordinator(actor, team.id, erica.person_id)
    assert (change.team.id, change.person.id) == (team.id, erica.person_id)
    assert (await membership(services, team.id, erica)).role is Role.COORDINATOR
    await refused(
        "team.already_coordinator",
        services.directory.appoint_coordinator(actor, team.id, erica.person_id),
    )


async def test_members_and_outsiders_cannot_change_roles(services: PlainServices) -> None:
    koen, erica, jesse = (
        await services.person(532, "Koen"),
        await services.person(533, "Erica"),
        await services.person(534, "Jesse"),
    )
    team, _ = await services.team("Gebiedsteam Oost", coordinator=koen, members=(erica, jesse))
    other_coordinator = await services.person(535, "Mostafa")
    await services.team("Rattenaanpak Noord", coordinator=other_coordinator)
    for actor in (erica, other_coordinator):
        await refused(
            "denied.coordinator",
            services.directory.appoint_coordinator(actor, team.id, jesse.person_id),
        )
        await refused(
            "denied.coordinator", services.directory.remove_member(actor, team.id, jesse.person_id)
        )
    assert (await membership(services, team.id, jesse)).role is Role.MEMBER
    assert (await membership(services, team.id, jesse)).removed_at is None


async def test_removing_members(services: PlainServices) -> None:
    koen, erica = await services.person(536, "Koen"), await services.person(537, "Erica")
    team, _ = await services.team("Gebiedsteam Oost", coordinator=koen, members=(erica,))
    await refused(
        "team.cannot_remove_self", services.directory.remove_member(koen, team.id, koen.person_id)
    )
    change = await services.directory.remove_member(koen, team.id, erica.person_id)
    assert change.person.display_name == "Erica"
    await refused(
        "team.not_a_member", services.directory.remove_member(koen, team.id, erica.person_id)
    )
    roster = await services.directory.roster(koen, team.id)
    assert [person.id for person, _ in roster.members] == [koen.person_id]
    assert roster.can_manage is True


async def test_a_removed_coordinator_no_longer_runs_the_team(services: PlainServices) -> None:
    koen, erica = await services.person(538, "Koen"), await services.person(539, "Erica")
    team, _ = await services.team("Gebiedsteam Oost", coordinator=koen, members=(erica,))
    admin = await services.admin()
    await services.directory.remove_member(admin, team.id, koen.person_id)
    await refused(
        "denied.coordinator", services.directory.require_manager(koen, team.id, Permission.INVITE)
    )
    assert await services.directory.managed_teams(koen) == []


# --- invites -------------------------------------------------------------------------------------


async def test_the_current_invite_is_kept_until_it_is_unusable(
    services: PlainServices, clock: FakeClock
) -> None:
    koen = await services.person(540, "Koen")
    team, code = await services.team("Gebiedsteam Oost", coordinator=koen)
    _, current = await services.directory.current_invite(koen, team.id)
    assert current.code == code
    clock.advance(INVITE_VALIDITY)  # the first invite just expired
    _, fresh = await services.directory.current_invite(koen, team.id)
    assert fresh.code != code
    assert fresh.expires_at == clock.now + INVITE_VALIDITY
    assert len(await services.rows(Invite)) == 2
    member = await services.person(541, "Erica")
    await services.directory.join(member, fresh.code)
    await refused("denied.coordinator", services.directory.current_invite(member, team.id))


async def test_renewing_revokes_the_old_invite(services: PlainServices, clock: FakeClock) -> None:
    team, old_code = await services.team("Energie West")
    admin = await services.admin()
    _, renewed = await services.directory.renew_invite(admin, team.id)
    assert renewed.code != old_code
    [old] = await services.rows(Invite, Invite.code == old_code)
    assert old.revoked_at == clock.now
    _, current = await services.directory.current_invite(admin, team.id)
    assert current.code == renewed.code
    ellen, jasper = await services.person(542, "Ellen"), await services.person(543, "Jasper")
    await refused("join.revoked_code", services.directory.join(ellen, old_code))
    assert (await services.directory.join(jasper, renewed.code)).already_member is False


# --- /newteam through TeamSetup ------------------------------------------------------------------


async def stored_flow(services: PlainServices, person: Actor) -> tuple[str, str, dict[str, object]]:
    [state] = await services.rows(
        ConversationState, ConversationState.person_id == person.person_id
    )
    return state.flow, state.step, dict(state.data)


async def test_the_newteam_flow_step_by_step(services: PlainServices) -> None:
    admin = await services.admin()
    setup = services.team_setup
    assert await setup.start(admin, "  ") == NewTeamState("name")
    assert await stored_flow(services, admin) == ("newteam", "name", {"name": None, "kind": None})
    state = await services.conversations.get(admin.person_id)
    assert isinstance(state, NewTeamState)
    assert await setup.give_name(admin, state, " Buurt  De Pijp ") == NewTeamState(
        "kind", "Buurt De Pijp"
    )
    assert await setup.choose_kind(admin, TeamKind.INITIATIEF) == NewTeamState(
        "stadsdeel", "Buurt De Pijp", "initiatief"
    )
    assert await stored_flow(services, admin) == (
        "newteam",
        "stadsdeel",
        {"name": "Buurt De Pijp", "kind": "initiatief"},
    )
    team, invite = await setup.choose_stadsdeel(admin, Stadsdeel.ZUID)
    assert (team.name, team.kind, team.stadsdeel) == (
        "Buurt De Pijp",
        TeamKind.INITIATIEF,
        Stadsdeel.ZUID,
    )
    assert invite.team_id == team.id
    assert await services.conversations.get(admin.person_id) is None


async def test_newteam_with_the_name_given_starts_at_the_kind(services: PlainServices) -> None:
    admin = await services.admin()
    assert await services.team_setup.start(admin, "Energie West") == NewTeamState(
        "kind", "Energie West"
    )
    await services.team_setup.choose_kind(admin, TeamKind.GEBIEDSTEAM)
    team, _ = await services.team_setup.choose_stadsdeel(admin, Stadsdeel.WEST)
    assert (team.name, team.kind) == ("Energie West", TeamKind.GEBIEDSTEAM)


async def test_newteam_refusals(services: PlainServices) -> None:
    await services.team("Energie West")
    admin, member = await services.admin(), await services.person(550, "Jesse")
    await refused("denied.admin", services.team_setup.start(member, "Mijn team"))
    await refused("newteam.name_taken", services.team_setup.start(admin, "energie west"))
    await services.team_setup.start(admin, "")
    await refused(
        "newteam.name_empty", services.team_setup.give_name(admin, NewTeamState("name"), "  ")
    )
    assert await services.conversations.get(admin.person_id) == NewTeamState("name")


@pytest.mark.parametrize(
    ("start_name", "step", "key"),
    [
        (None, "kind", "flow.expired"),  # no flow at all
        ("", "kind", "flow.expired"),  # asked for the name, a kind button pressed
        ("", "stadsdeel", "flow.expired"),
        ("Buurt De Pijp", "stadsdeel", "flow.expired"),  # kind not chosen yet
        ("Buurt De Pijp", "name", "flow.use_buttons"),  # text typed where a button is asked
    ],
)
async def test_a_newteam_step_out_of_order_is_refused(
    services: PlainServices, start_name: str | None, step: str, key: str
) -> None:
    admin = await services.admin()
    if start_name is not None:
        await services.team_setup.start(admin, start_name)
    before = await services.conversations.get(admin.person_id)
    call: Awaitable[object]
    if step == "kind":
        call = services.team_setup.choose_kind(admin, TeamKind.INITIATIEF)
    elif step == "stadsdeel":
        call = services.team_setup.choose_stadsdeel(admin, Stadsdeel.NOORD)
    else:
        assert isinstance(before, NewTeamState)
        call = services.team_setup.give_name(admin, before, "Nog een naam")
    error = await refused(key, call)
    if key == "flow.expired":
        assert error.params == {"command": "/newteam"}
    assert await services.conversations.get(admin.person_id) == before  # nothing changed
    assert await services.directory.teams_of(admin) == []


async def test_join_flow_and_cancel(services: PlainServices) -> None:
    team, code = await services.team("Buurt De Pijp")
    simon = await services.person(551, "Simon")
    await services.team_setup.ask_join_code(simon)
    assert await services.conversations.get(simon.person_id) == JoinState()
    await refused("join.unknown_code", services.team_setup.join(simon, "verkeerd"))
    assert await services.conversations.get(simon.person_id) == JoinState()  # may try again
    result = await services.team_setup.join(simon, code)
    assert result.team.id == team.id
    assert await services.conversations.get(simon.person_id) is None
    admin = await services.admin()
    await services.team_setup.start(admin, "")
    assert await services.team_setup.cancel(admin) is True
    assert await services.conversations.get(admin.person_id) is None
    assert await services.team_setup.cancel(admin) is False
