"""Onboarding end to end through the real Application: what people see and what is stored."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.config import Settings
from bot.fakes.clock import FakeClock
from bot.fakes.harness import ChatHarness
from bot.fakes.telegram import FakeTelegram, FakeUser
from storage.models import ConversationState, Invite, LinkedChat, Membership, Person, Role, Team
from tests.support.db import rows
from tests.support.flows import appoint, create_team, invite_code, join


async def forged_press(
    bot: ChatHarness, telegram: FakeTelegram, person: FakeUser, owner: FakeUser, label: str
) -> None:
    """`person` sends the callback data of a button that only `owner` was shown."""
    data = telegram.find_button(owner.id, label)[1].callback_data
    assert data is not None
    await bot.deliver(telegram.callback_update(person, bot.last_to(person), data))


async def test_admin_creates_team_and_member_joins_by_deep_link(
    bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram, settings: Settings
) -> None:
    await bot.send(admin, "/newteam  Rattenaanpak   Noord ")
    kind_question = bot.last_to(admin)
    assert kind_question.text == "Wat voor team is Rattenaanpak Noord?"
    assert kind_question.button_texts() == [
        "Gebiedsteam",
        "Initiatief (bewoners)",
        "Ambtelijk team",
        "Annuleren",
    ]
    await bot.press(admin, "Initiatief")
    assert "In welk stadsdeel" in bot.last_to(admin).text
    assert "Noord" in bot.last_to(admin).button_texts()

    replies = await bot.press(admin, "Noord")
    assert replies[0].text == "Team Rattenaanpak Noord (initiatief, Noord) is aangemaakt. ✅"
    code = invite_code(replies[-1])
    assert "Geldig tot 30 december 2026" in replies[-1].text  # 30 days from the fake clock

    mostafa = telegram.user("Mostafa", "El Idrissi")
    welcome = await join(bot, mostafa, code)
    assert welcome[0].chat_id == mostafa.id
    assert welcome[0].text.startswith("Welkom bij Rattenaanpak Noord (initiatief, Noord)!")

    teams = await rows(settings, Team)
    assert [(t.name, t.kind.value, t.stadsdeel.value) for t in teams] == [
        ("Rattenaanpak Noord", "initiatief", "noord")
    ]
    people = {p.id: p for p in await rows(settings, Person)}
    members = await rows(settings, Membership)
    assert [(people[m.person_id].display_name, m.role) for m in members] == [
        ("Mostafa El Idrissi", Role.MEMBER)
    ]
    # The creating admin is not a member, yet sees and runs the team.
    await bot.send(admin, "/team")
    assert "• Mostafa El Idrissi" in bot.last_to(admin).text
    assert "⭐ Mostafa El Idrissi coördin" in bot.last_to(admin).button_texts()[0]


async def test_joining_twice_and_by_typing_the_code(
    bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram
) -> None:
    code = await create_team(bot, admin, "Buurt De Pijp", "Initiatief", "Zuid")
    simon = telegram.user("Simon")
    await bot.send(simon, "/join")
    assert "Wat is je uitnodigingscode?" in bot.last_to(simon).text
    await bot.send(simon, f"  {code} ")
    assert bot.last_to(simon).text.startswith("Welkom bij Buurt De Pijp")
    await bot.send(simon, f"/join {code}")
    assert bot.last_to(simon).text.startswith("Je bent al lid van Buurt De Pijp.")
    # After joining, plain text is no longer taken as a code.
    await bot.send(simon, "hallo")
    assert "Daar weet ik niets mee te doen" in bot.last_to(simon).text


async def test_coordinators_hear_when_someone_joins(
    bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram
) -> None:
    code = await create_team(bot, admin, "Gebiedsteam Oost", "Gebiedsteam", "Oost")
    coordinator, newcomer = telegram.user("Koen"), telegram.user("Erica")
    await join(bot, coordinator, code)
    await appoint(bot, admin, coordinator)
    replies = await join(bot, newcomer, code)
    notices = [m for m in replies if m.chat_id == coordinator.id]
    assert [m.text for m in notices] == ["Erica is lid geworden van Gebiedsteam Oost."]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("doesnotexist", "Die uitnodigingscode ken ik niet."),
        ("", "Wat is je uitnodigingscode?"),
    ],
)
async def test_unknown_codes_get_a_kind_answer(
    bot: ChatHarness, telegram: FakeTelegram, settings: Settings, code: str, expected: str
) -> None:
    person = telegram.user("Jesse")
    await bot.send(person, f"/join {code}".strip())
    assert bot.last_to(person).text.startswith(expected)
    assert await rows(settings, Membership) == []


async def test_revoked_and_expired_invites(
    bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram, clock: FakeClock, settings: Settings
) -> None:
    old_code = await create_team(bot, admin, "Energie West", "Initiatief", "West")
    await bot.send(admin, "/invite")
    assert invite_code(bot.last_to(admin)) == old_code  # the same link until renewed
    await bot.press(admin, "🔄 Nieuwe link")
    renewed = bot.last_to(admin)
    new_code = invite_code(renewed)
    assert new_code != old_code
    assert "De vorige link werkt niet meer." in renewed.text
    assert "Nieuwe link gemaakt" in bot.toasts()

    late = telegram.user("Frank")
    await join(bot, late, old_code)
    assert bot.last_to(late).text == (
        "Deze uitnodiging voor Energie West is ingetrokken. "
        "Vraag je coördinator om een nieuwe link."
    )
    await bot.press(admin, "🚫 Link intrekken")
    assert "is ingetrokken" in bot.last_to(admin).text
    await join(bot, late, new_code)
    assert "is ingetrokken" in bot.last_to(late).text

    await bot.press(admin, "🔄 Nieuwe link")
    fresh = invite_code(bot.last_to(admin))
    clock.advance(timedelta(days=31))
    await join(bot, late, fresh)
    assert bot.last_to(late).text.startswith("Deze uitnodiging voor Energie West is verlopen.")
    assert await rows(settings, Membership) == []
    # /invite after expiry hands out a new, working link.
    await bot.send(admin, "/invite")
    await join(bot, late, invite_code(bot.last_to(admin)))
    assert bot.last_to(late).text.startswith("Welkom bij Energie West")


async def test_roles_are_enforced_for_every_command(
    bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram, settings: Settings
) -> None:
    code = await create_team(bot, admin, "Noorderpark", "Gebiedsteam", "Noord")
    coordinator, member, stranger = (
        telegram.user("Rocco"),
        telegram.user("Bob"),
        telegram.user("Zoë"),
    )
    await join(bot, coordinator, code)
    await join(bot, member, code)
    await appoint(bot, admin, coordinator)
    group = telegram.group("Noorderpark buurtgroep")

    # /newteam: steunpunt admins only.
    for person in (coordinator, member, stranger):
        await bot.send(person, "/newteam Eigen team")
        assert bot.last_to(person).text.startswith(
            "Alleen steunpunt-beheerders kunnen teams aanmaken."
        )
    # /invite: coordinators and admins.
    await bot.send(coordinator, "/invite")
    assert invite_code(bot.last_to(coordinator)) == code
    for person in (member, stranger):
        await bot.send(person, "/invite")
        assert bot.last_to(person).text.startswith("Alleen coördinatoren (en steunpunt-beheerders)")
    # /team: members see the team, only coordinators get the buttons.
    await bot.send(member, "/team")
    assert "• Rocco – coördinator" in bot.last_to(member).text
    assert bot.last_to(member).buttons == []
    await bot.send(coordinator, "/team")
    assert bot.last_to(coordinator).button_texts() == ["⭐ Bob coördinator", "✖ Bob"]
    await bot.send(stranger, "/team")
    assert bot.last_to(stranger).text.startswith("Je bent nog geen lid van een team.")
    # /linkgroup: coordinators, in the group itself.
    await bot.send(member, "/linkgroup", chat=group)
    assert bot.last_to(group).text.startswith("Alleen een coördinator van een team")
    await bot.send(coordinator, "/linkgroup")
    assert bot.last_to(coordinator).text.startswith("Stuur /linkgroup in de Telegram-groep")
    await bot.send(coordinator, "/linkgroup", chat=group)
    assert bot.last_to(group).text.startswith("Deze groep is nu gekoppeld aan Noorderpark.")
    assert [(c.chat_id, c.title) for c in await rows(settings, LinkedChat)] == [
        (group.id, "Noorderpark buurtgroep")
    ]

    # Rights are checked when a button is pressed, not only when it is shown.
    await forged_press(bot, telegram, member, coordinator, "⭐ Bob")
    assert bot.last_to(member).text == (
        "Dat kan alleen een coördinator van Noorderpark (of een steunpunt-beheerder)."
    )
    await forged_press(bot, telegram, stranger, coordinator, "🔄 Nieuwe link")
    assert bot.last_to(stranger).text.startswith("Dat kan alleen een coördinator van Noorderpark")
    roles = {m.person_id: m.role for m in await rows(settings, Membership)}
    assert sorted(roles.values()) == [Role.COORDINATOR, Role.MEMBER]


async def test_coordinator_appoints_and_removes(
    bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram, settings: Settings
) -> None:
    code = await create_team(bot, admin, "Westerlicht", "Initiatief", "West")
    henk, egbert, mike = (
        telegram.user("Henkjan"),
        telegram.user("Egbert"),
        telegram.user("Mike", language_code="en"),
    )
    for person in (henk, egbert, mike):
        await join(bot, person, code)
    await appoint(bot, admin, henk)
    assert (
        bot.last_to(henk).text == "Anna Beheer heeft je coördinator gemaakt van Westerlicht. "
        "Met /help zie je wat je nu kunt."
    )

    await bot.send(henk, "/team")
    await bot.press(henk, "⭐ Egbert")
    assert "Egbert is nu coördinator" in bot.toasts()
    assert "• Egbert – coördinator" in bot.last_to(henk).text

    await bot.press(henk, "✖ Mike")
    assert bot.last_to(henk).text.startswith(
        "Weet je zeker dat je Mike uit Westerlicht wilt halen?"
    )
    await bot.press(henk, "Terug")
    assert bot.last_to(henk).text.startswith("Team Westerlicht")
    await bot.press(henk, "✖ Mike")
    await bot.press(henk, "Ja, verwijderen")
    assert "• Mike" not in bot.last_to(henk).text
    assert bot.last_to(mike).text.startswith("Henkjan removed you from Westerlicht.")
    await bot.send(mike, "/team")
    assert bot.last_to(mike).text.startswith("You are not in a team yet.")
    removed = [m for m in await rows(settings, Membership) if m.removed_at is not None]
    assert len(removed) == 1  # kept, not deleted

    # A removed member can come back with a fresh invite, as a plain member.
    await bot.send(henk, "/invite")
    await join(bot, mike, invite_code(bot.last_to(henk)))
    assert bot.last_to(mike).text.startswith("Welcome to Westerlicht")
    # A button for someone who has left meanwhile explains itself.
    await bot.send(henk, "/team")
    stale = telegram.find_button(henk.id, "✖ Egbert")
    await bot.press(henk, "✖ Egbert")
    await bot.press(henk, "Ja, verwijderen")
    assert stale[1].callback_data is not None
    await bot.deliver(telegram.callback_update(henk, stale[0], stale[1].callback_data))
    assert bot.last_to(henk).text == "Die persoon is geen lid (meer) van Westerlicht."


async def test_restart_between_steps_continues_where_the_person_was(
    settings: Settings, telegram: FakeTelegram, clock: FakeClock, admin: FakeUser
) -> None:
    async with ChatHarness.running(settings, telegram, clock) as first:
        await first.send(admin, "/newteam")
        assert first.last_to(admin).text.startswith("Hoe heet het nieuwe team?")
    async with ChatHarness.running(settings, telegram, clock) as second:
        await second.send(admin, "Zuidoost Samen")
        assert second.last_to(admin).text == "Wat voor team is Zuidoost Samen?"
        await second.press(admin, "Gebiedsteam")
    states = await rows(settings, ConversationState)
    assert [(s.step, s.data) for s in states] == [
        ("stadsdeel", {"name": "Zuidoost Samen", "kind": "gebiedsteam"})
    ]
    async with ChatHarness.running(settings, telegram, clock) as third:
        # The stadsdeel buttons sent before the restart still work.
        replies = await third.press(admin, "Zuidoost")
        assert replies[0].text.startswith(
            "Team Zuidoost Samen (gebiedsteam, Zuidoost) is aangemaakt."
        )
        invite_code(replies[-1])
    assert await rows(settings, ConversationState) == []


async def test_two_teams_are_kept_apart(
    bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram
) -> None:
    north = await create_team(bot, admin, "Ratten Noord", "Initiatief", "Noord")
    east = await create_team(bot, admin, "Gebiedsteam Oost", "Gebiedsteam", "Oost")
    mostafa, jasper, ellen = (
        telegram.user("Mostafa"),
        telegram.user("Jasper"),
        telegram.user("Ellen"),
    )
    await join(bot, mostafa, north)
    await join(bot, jasper, east)
    await join(bot, ellen, east)
    await bot.send(admin, "/team")
    await bot.press(admin, "Gebiedsteam Oost")
    await bot.press(admin, "⭐ Jasper")

    await bot.send(jasper, "/team")
    east_view = bot.last_to(jasper).text
    assert "Ellen" in east_view
    assert "Mostafa" not in east_view
    await bot.send(jasper, "/invite")
    assert invite_code(bot.last_to(jasper)) == east  # only his own team, no choice offered
    # Jasper cannot manage Noord, even by replaying a button made for Noord.
    await bot.send(admin, "/team")
    await bot.press(admin, "Ratten Noord")
    await forged_press(bot, telegram, jasper, admin, "✖ Mostafa")
    assert bot.last_to(jasper).text.startswith("Dat kan alleen een coördinator van Ratten Noord")
    await bot.send(mostafa, "/team")
    assert "Jasper" not in bot.last_to(mostafa).text
    assert "Ellen" not in bot.last_to(mostafa).text
    # A person in both teams chooses which one to see.
    await join(bot, mostafa, east)
    await bot.send(mostafa, "/team")
    assert bot.last_to(mostafa).button_texts() == ["Gebiedsteam Oost", "Ratten Noord"]


async def test_team_names_must_be_sensible_and_unique(bot: ChatHarness, admin: FakeUser) -> None:
    await create_team(bot, admin, "De Pijp")
    await bot.send(admin, "/newteam de pijp")
    assert bot.last_to(admin).text == "Er is al een team dat de pijp heet. Kies een andere naam."
    await bot.send(admin, "/newteam " + "x" * 101)
    assert bot.last_to(admin).text.startswith("Die naam is te lang: maximaal 100 tekens.")
    await bot.send(admin, "/newteam")
    await bot.send(admin, "<b>Bold & Co</b>")
    assert (
        bot.last_to(admin).text == "Wat voor team is <b>Bold & Co</b>?"
    )  # shown literally, not as HTML


async def test_cancel_leaves_a_flow_and_old_buttons_explain_themselves(
    bot: ChatHarness, admin: FakeUser, settings: Settings
) -> None:
    await bot.send(admin, "/newteam Wordt niks")
    await bot.send(admin, "Gebiedsteam?")
    assert bot.last_to(admin).text == "Kies een van de knoppen hierboven, of stop met /cancel."
    await bot.send(admin, "/cancel")
    assert bot.last_to(admin).text.startswith("Gestopt.")
    await bot.press(admin, "Gebiedsteam")
    assert bot.last_to(admin).text == "Deze stap is niet meer actueel. Begin opnieuw met /newteam."
    await bot.send(admin, "/cancel")
    assert bot.last_to(admin).text.startswith("Je was nergens mee bezig")
    await bot.send(admin, "/newteam Toch wel")
    await bot.press(admin, "Annuleren")
    assert bot.last_to(admin).text.startswith("Gestopt.")
    assert await rows(settings, Team) == []


async def test_language_is_chosen_from_telegram_and_by_language(
    bot: ChatHarness, telegram: FakeTelegram, settings: Settings
) -> None:
    english, german, dutch = (
        telegram.user("Kate", language_code="en-GB"),
        telegram.user("Jörg", language_code="de"),
        telegram.user("Johanna", language_code=None),
    )
    await bot.send(english, "/help")
    assert bot.last_to(english).text.startswith("What can I do for you?")
    await bot.send(german, "/help")
    assert bot.last_to(german).text.startswith("Wat kan ik voor je doen?")  # the configured default
    await bot.send(dutch, "/language")
    await bot.press(dutch, "English")
    assert bot.last_to(dutch).text == "Fine, I will speak English with you from now on."
    await bot.send(dutch, "/help")
    assert bot.last_to(dutch).text.startswith("What can I do for you?")
    people = {p.display_name: p.language for p in await rows(settings, Person)}
    assert people == {"Kate": "en", "Jörg": "nl", "Johanna": "en"}


async def test_help_and_start_fit_the_role(
    bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram
) -> None:
    code = await create_team(bot, admin, "Porte Allegro")
    newcomer, member = telegram.user("Peter"), telegram.user("Koen")
    await join(bot, member, code)
    await bot.send(newcomer, "/start")
    assert "Je bent nog geen lid van een team." in bot.last_to(newcomer).text
    assert "/invite" not in bot.last_to(newcomer).text
    await bot.send(member, "/start")
    start = bot.last_to(member).text
    assert "Je bent lid van:\n• Porte Allegro (initiatief, Noord)" in start
    assert "/invite" not in start
    await bot.send(admin, "/help")
    assert "/newteam" in bot.last_to(admin).text
    assert "/invite" in bot.last_to(admin).text


async def test_anything_not_understood_gets_a_hint(
    bot: ChatHarness, telegram: FakeTelegram
) -> None:
    person = telegram.user("Mellouki")
    await bot.send(person, "/doesnotexist")
    assert bot.last_to(person).text == "Dat commando ken ik niet. Met /help zie je wat ik kan."
    await bot.send(person, "Goedemorgen!")
    assert (
        bot.last_to(person).text == "Daar weet ik niets mee te doen. Met /help zie je wat ik kan."
    )
    await bot.deliver(
        telegram.media_update(
            person,
            "sticker",
            {
                "file_id": "s1",
                "file_unique_id": "u1",
                "type": "regular",
                "width": 1,
                "height": 1,
                "is_animated": False,
                "is_video": False,
            },
        )
    )
    assert bot.last_to(person).text.startswith("Zulke berichten kan ik hier nog niet gebruiken.")
    group = telegram.group("Buurtapp")
    before = len(telegram.outbox)
    await bot.send(person, "/doesnotexist", chat=group)
    await bot.send(person, "/join abc", chat=group)
    assert [m.text for m in telegram.outbox[before:]] == [
        "Dit doe ik liever onder vier ogen. Stuur het mij in een privégesprek: @steunpunt_test_bot."
    ]  # commands for other bots are ignored in groups, ours get a pointer
    await bot.send(person, "/doesnotexist@steunpunt_test_bot", chat=group)
    assert bot.last_to(group).text.startswith("Dat commando ken ik niet.")


async def test_a_failure_gets_a_kind_message_and_the_bot_keeps_going(
    bot: ChatHarness, telegram: FakeTelegram
) -> None:
    person = telegram.user("Jasper")
    telegram.fail_next("sendMessage", 400, "Bad Request: something odd")
    await bot.send(person, "/help")
    assert bot.last_to(person).text.startswith("Sorry, daar ging iets mis aan mijn kant.")
    await bot.send(person, "/help")
    assert bot.last_to(person).text.startswith("Wat kan ik voor je doen?")


async def test_command_menu_is_set_in_dutch_and_english(
    bot: ChatHarness, telegram: FakeTelegram
) -> None:
    assert set(telegram.commands) == {"", "nl", "en"}
    dutch = {c["command"]: c["description"] for c in telegram.commands["nl"]}
    english = {c["command"]: c["description"] for c in telegram.commands["en"]}
    assert dutch["join"] == "Lid worden met een uitnodigingscode"
    assert english["join"] == "Join a team with an invite code"
    assert telegram.commands[""] == telegram.commands["nl"]
    assert set(dutch) == {
        *("start", "help", "join", "team", "invite", "newteam", "linkgroup", "language"),
        *("cancel", "sprint", "checkin", "skip", "away", "back", "timezone"),
        *("lesson", "lessons", "search", "summary", "export", "blockers", "radar"),
        *("mydata", "forget"),
    }


async def test_a_person_who_blocked_the_bot_does_not_break_notices(
    bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram
) -> None:
    code = await create_team(bot, admin, "Hart voor de K-buurt", "Initiatief", "Zuidoost")
    coordinator, newcomer = telegram.user("Mike"), telegram.user("Ellen")
    await join(bot, coordinator, code)
    await appoint(bot, admin, coordinator)
    telegram.blocked_by.add(coordinator.id)
    replies = await join(bot, newcomer, code)
    assert [m.chat_id for m in replies] == [newcomer.id]
    assert replies[0].text.startswith("Welkom bij Hart voor de K-buurt")


async def test_linking_a_group_with_several_teams_and_relinking(
    bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram, settings: Settings
) -> None:
    await create_team(bot, admin, "Team A")
    await create_team(bot, admin, "Team B")
    group = telegram.group("Gedeelde groep")
    await bot.send(admin, "/linkgroup", chat=group)
    assert bot.last_to(group).button_texts() == ["Team A", "Team B"]
    await bot.press(admin, "Team B", chat=group)
    assert bot.last_to(group).text.startswith("Deze groep is nu gekoppeld aan Team B.")
    await bot.send(admin, "/linkgroup", chat=group)
    await bot.press(admin, "Team A", chat=group)
    links = await rows(settings, LinkedChat)
    assert len(links) == 1  # moved, not duplicated
    await bot.send(admin, "/team")
    await bot.press(admin, "Team A")
    assert "Gekoppelde groep: Gedeelde groep" in bot.last_to(admin).text


async def test_invites_are_stored_with_creator_and_expiry(
    bot: ChatHarness, admin: FakeUser, settings: Settings, clock: FakeClock
) -> None:
    code = await create_team(bot, admin, "Opgave West")
    [invite] = await rows(settings, Invite)
    assert invite.code == code
    assert invite.expires_at == clock.now + timedelta(days=30)
    assert invite.revoked_at is None
