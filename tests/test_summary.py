"""/summary through the real bot: who gets what, the menu, the period buttons, the chart, and
what a stale or forged button does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from bot.config import Settings
from bot.fakes.clock import FakeClock
from bot.fakes.harness import ChatHarness
from bot.fakes.telegram import BotMessage, FakeTelegram, FakeUser
from bot.handlers import routes
from bot.texts import t
from bot.texts.formatting import plain_text
from storage.models import Membership, Role, Team
from tests.support.checkins import MONDAY_0930
from tests.support.db import rows
from tests.support.flows import appoint, create_team, join

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TOO_LITTLE = plain_text(t("nl", "chart.too_little"))
NOORD, OOST, WEST = "Rattenaanpak Noord", "Buurt Oost", "Team West"


@dataclass
class City:
    coordinator: FakeUser  # of Noord and Oost
    members: list[FakeUser]  # of Noord
    oost_member: FakeUser
    team_ids: dict[str, int]
    codes: dict[str, str]


async def check_in(
    bot: ChatHarness, people: list[FakeUser], moods: list[int], went_well: list[str]
) -> None:
    """Everyone in `people` answers the open check-in of Noord whole (last week's action:
    done)."""
    for person, mood, good in zip(people, moods, went_well, strict=True):
        replies = await bot.press(person, f"{mood} ")
        if "Gedaan" in replies[-1].button_texts():
            await bot.press(person, "Gedaan")
        for text in ("Flyers rondgebracht", good, "De vergunning duurt lang", "Bel de makelaar"):
            await bot.send(person, text)
        await bot.send(person, f"Actie van {person.first_name}")


@pytest.fixture
async def city(
    bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram, clock: FakeClock, settings: Settings
) -> City:
    """Noord (Mostafa coordinates; Simon, Ilse and Kate answer two weekly check-ins), Oost
    (Mostafa coordinates; Bram is a member), West (someone else's). The clock ends on
    Wednesday 9 December 2026, in the second week."""
    codes = {
        NOORD: await create_team(bot, admin, NOORD, "Initiatief", "Noord"),
        OOST: await create_team(bot, admin, OOST, "Gebiedsteam", "Oost"),
        WEST: await create_team(bot, admin, WEST, "Gebiedsteam", "West"),
    }
    mostafa = telegram.user("Mostafa")
    members = [telegram.user("Simon"), telegram.user("Ilse"), telegram.user("Kate")]
    bram = telegram.user("Bram")
    for person in (mostafa, *members):
        await join(bot, person, codes[NOORD])
    for person in (mostafa, bram):
        await join(bot, person, codes[OOST])
    for team in (NOORD, OOST):
        await bot.send(admin, "/team")
        await bot.press(admin, team)
        await bot.press(admin, "⭐ Mostafa")
        if team == NOORD:  # while Noord is Mostafa's only team, /sprint needs no choice
            await bot.send(mostafa, "/sprint Minder ratten bij de containers")
            await bot.press(mostafa, "2 wk")
    await bot.round()  # the schedules start: Mondays 09:30

    clock.now = MONDAY_0930
    await bot.round()
    await check_in(bot, members, [4, 4, 5], ["Veel mensen deden mee", "De buren hielpen", "Zon"])
    clock.now = MONDAY_0930 + timedelta(days=7)
    await bot.round()  # closes last week's check-in, opens this week's
    await check_in(
        bot, members, [2, 3, 3], ["Buren <b>hielpen</b> & deelden", "Koffie", "Opruimen"]
    )
    clock.now = MONDAY_0930 + timedelta(days=9)
    await bot.round()
    team_ids = {team.name: team.id for team in await rows(settings, Team)}
    return City(mostafa, members, bram, team_ids, codes)


def photos(bot: ChatHarness, person: FakeUser) -> list[BotMessage]:
    return [m for m in bot.messages_to(person) if m.photo]


async def test_a_member_is_refused(bot: ChatHarness, city: City) -> None:
    simon = city.members[0]
    replies = await bot.send(simon, "/summary")
    assert [m.text for m in replies] == [plain_text(t("nl", "denied.summary"))]
    assert photos(bot, simon) == []
    await bot.send(simon, "/help")
    assert "/summary" not in bot.last_to(simon).text
    await bot.send(city.coordinator, "/help")
    assert "/summary – overzicht van deze week of de sprint" in bot.last_to(city.coordinator).text


async def test_a_coordinator_of_two_teams_picks_a_team_and_a_period(
    bot: ChatHarness, city: City, settings: Settings, telegram: FakeTelegram
) -> None:
    mostafa = city.coordinator
    [menu] = await bot.send(mostafa, "/summary")
    assert menu.text == "📊 Van welk team wil je het overzicht?"
    assert menu.button_texts() == [OOST, NOORD]  # by name

    replies = await bot.press(mostafa, NOORD)
    summary, chart = replies
    assert summary.message_id == menu.message_id  # the menu became the summary
    assert summary.text.startswith(f"📊 {NOORD} · deze week, 7 – 9 dec\n\n")
    assert "👥 3 van 4 leden deden mee (75%)." in summary.text
    assert "🙂 Stemming: 2,7 gemiddeld, uit 3 antwoorden ↘ minder" in summary.text
    assert "🏃 Sprint 1 · dag 10 van 14 · doel: Minder ratten bij de containers" in summary.text
    # What a member typed is shown as typed, not as markup.
    assert "• “Buren <b>hielpen</b> & deelden” — Simon" in summary.text
    assert "<b>Buren" not in summary.html
    assert "Nog open" in summary.text
    assert TOO_LITTLE not in summary.text
    assert summary.button_texts() == [
        "• deze week",
        "deze sprint",
        "vorige week",
        "🔔 Wekelijks overzicht: aan",
        "↩︎ teams",
    ]
    assert chart.photo
    assert chart.document is not None
    assert chart.document.content.startswith(PNG_SIGNATURE)
    assert chart.text == f"📈 Stemming en deelname van {NOORD}, de laatste 8 weken."

    # Last week: one week of figures is too little for a chart; a sentence says so.
    replies = await bot.press(mostafa, "vorige week")
    [summary] = replies
    assert summary.message_id == menu.message_id
    assert summary.text.startswith(f"📊 {NOORD} · vorige week, 30 nov – 6 dec\n\n")
    assert "🙂 Stemming: 4,3 gemiddeld, uit 3 antwoorden" in summary.text
    assert summary.text.endswith(TOO_LITTLE)
    assert summary.button_texts()[:3] == ["deze week", "deze sprint", "• vorige week"]
    assert len(photos(bot, mostafa)) == 1

    # The weekly digest of this team, turned off right under its summary (twice: still off).
    [flipped] = await bot.press(mostafa, "🔔 Wekelijks overzicht")
    assert flipped.message_id == menu.message_id
    assert "🔕 Wekelijks overzicht: uit" in flipped.button_texts()
    off = routes.DIGEST_SET.build(team_id=city.team_ids[NOORD], on=0)
    assert await bot.deliver(telegram.callback_update(mostafa, flipped, off)) == []  # calm
    assert "🔕 Wekelijks overzicht: uit" in flipped.button_texts()
    digests = {
        m.team_id: m.digest_enabled
        for m in await rows(settings, Membership)
        if m.role is Role.COORDINATOR
    }
    assert digests[city.team_ids[NOORD]] is False
    assert digests[city.team_ids[OOST]] is True

    # The same button again (a double tap): nothing new, no second chart.
    toasts = len(bot.toasts())
    assert await bot.press(mostafa, "• vorige week") == []
    assert len(bot.toasts()) == toasts

    # The sprint, and back to the menu.
    [summary, _chart] = await bot.press(mostafa, "deze sprint")
    assert summary.text.startswith(f"📊 {NOORD} · sprint 1, 30 nov – 9 dec\n\n")
    [menu_again] = await bot.press(mostafa, "↩︎ teams")
    assert menu_again.message_id == menu.message_id
    assert menu_again.button_texts() == [OOST, NOORD]


async def test_a_team_without_a_sprint_says_so(bot: ChatHarness, city: City) -> None:
    mostafa = city.coordinator
    await bot.send(mostafa, "/summary")
    [summary, _chart] = await bot.press(mostafa, OOST)
    assert "🏃 Geen sprint open." in summary.text
    [refusal] = await bot.press(mostafa, "deze sprint")
    assert refusal.text.startswith(f"{OOST} heeft nog geen sprint gehad.")


async def test_one_team_is_shown_at_once(
    bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram
) -> None:
    code = await create_team(bot, admin, "Klein Team")
    coordinator = telegram.user("Mila")
    await join(bot, coordinator, code)
    await appoint(bot, admin, coordinator)
    [summary] = await bot.send(coordinator, "/summary")  # no chart: nothing to draw yet
    assert summary.text == (
        f"📊 Klein Team · deze week, 30 nov\n\n"
        "Deze periode was er geen check-in.\n\n"
        f"🏃 Geen sprint open.\n\n{TOO_LITTLE}"
    )
    assert summary.button_texts() == [
        "• deze week",
        "deze sprint",
        "vorige week",
        "🔔 Wekelijks overzicht: aan",
    ]


async def test_an_admin_sees_the_network(bot: ChatHarness, city: City, admin: FakeUser) -> None:
    summary, chart = await bot.send(admin, "/summary")  # no team of their own: the network
    assert summary.text.startswith("🌍 Het netwerk · deze week, 7 – 9 dec\n\n")
    assert "3 teams, 1 actief · 50% deelname · stemming 2,7 ↘" in summary.text
    assert "Noord: 1 team, 1 actief, 75% deelname, stemming 2,7 ↘" in summary.text
    assert summary.button_texts() == ["• deze week", "vorige week"]
    assert chart.photo
    assert chart.text == "📈 Stemming en deelname in het hele netwerk, de laatste 8 weken."
    [last_week] = await bot.press(admin, "vorige week")
    assert last_week.text.startswith("🌍 Het netwerk · vorige week, 30 nov – 6 dec\n\n")
    # The network has no sprint; a forged sprint button shows the week, marked as such.
    sprint = routes.SUMMARY_NETWORK.build(period="sprint")
    shown, _button = bot.telegram.find_button(admin.id, "• vorige week")
    [week, _chart] = await bot.deliver(bot.telegram.callback_update(admin, shown, sprint))
    assert week.text.startswith("🌍 Het netwerk · deze week, 7 – 9 dec\n\n")
    assert week.button_texts() == ["• deze week", "vorige week"]

    # An admin can press a team's button (they may see every team) even without the menu.
    west = routes.SUMMARY_TEAM.build(team_id=city.team_ids[WEST], period="week")
    [west_summary] = await bot.deliver(bot.telegram.callback_update(admin, shown, west))
    assert west_summary.text.startswith(f"📊 {WEST} · deze week")


async def test_the_menu_offers_the_network_to_a_coordinating_admin(
    bot: ChatHarness, city: City, admin: FakeUser
) -> None:
    await join(bot, admin, city.codes[NOORD])
    await bot.send(city.coordinator, "/team")
    await bot.press(city.coordinator, NOORD)
    await bot.press(city.coordinator, "⭐ Anna")
    [menu] = await bot.send(admin, "/summary")
    assert menu.text == "📊 Welk overzicht wil je zien: een team, of het hele netwerk?"
    assert menu.button_texts() == [NOORD, "🌍 Netwerk"]
    network, _chart = await bot.press(admin, "🌍 Netwerk")
    assert network.button_texts() == ["• deze week", "vorige week", "↩︎ teams"]
    [menu_again] = await bot.press(admin, "↩︎ teams")
    assert menu_again.button_texts() == [NOORD, "🌍 Netwerk"]


async def test_forged_buttons_are_refused(bot: ChatHarness, city: City) -> None:
    mostafa, simon = city.coordinator, city.members[0]
    await bot.send(mostafa, "/summary")
    pressed = bot.last_to(mostafa)

    async def press(person: FakeUser, data: str) -> list[str]:
        replies = await bot.deliver(bot.telegram.callback_update(person, pressed, data))
        return [m.text for m in replies]

    west = routes.SUMMARY_TEAM.build(team_id=city.team_ids[WEST], period="week")
    assert await press(mostafa, west) == [plain_text(t("nl", "denied.coordinator", team=WEST))]
    network = routes.SUMMARY_NETWORK.build(period="week")
    assert await press(mostafa, network) == [plain_text(t("nl", "denied.admin_network"))]
    noord = routes.SUMMARY_TEAM.build(team_id=city.team_ids[NOORD], period="week")
    assert await press(simon, noord) == [plain_text(t("nl", "denied.coordinator", team=NOORD))]
    assert await press(simon, routes.SUMMARY_MENU.build()) == [
        plain_text(t("nl", "denied.summary"))
    ]
    gone = routes.SUMMARY_TEAM.build(team_id=999_999, period="week")
    assert await press(mostafa, gone) == [plain_text(t("nl", "error.button_expired"))]
    assert photos(bot, mostafa) == []
    assert photos(bot, simon) == []


async def test_in_a_group_it_points_to_the_private_chat(
    bot: ChatHarness, city: City, telegram: FakeTelegram
) -> None:
    group = telegram.group("Buurtgroep")
    [reply] = await bot.send(city.coordinator, "/summary", group)
    assert reply.chat_id == group.id
    assert reply.text == plain_text(t("nl", "group.private_only", bot="steunpunt_test_bot"))
    assert "Simon" not in reply.text


async def test_a_chart_that_cannot_be_sent_leaves_the_summary(
    bot: ChatHarness, city: City, telegram: FakeTelegram
) -> None:
    mostafa = city.coordinator
    await bot.send(mostafa, "/summary")
    telegram.fail_next("sendPhoto", 400, "Bad Request: IMAGE_PROCESS_FAILED")
    replies = await bot.press(mostafa, NOORD)
    assert [m.text[:30] for m in replies] == [f"📊 {NOORD} · deze week"[:30]]
    assert photos(bot, mostafa) == []
    assert bot.last_to(mostafa).text.startswith(f"📊 {NOORD}")  # no error message after it


async def test_english_and_the_week_in_the_heading(
    bot: ChatHarness, city: City, telegram: FakeTelegram
) -> None:
    mostafa = city.coordinator
    await bot.send(mostafa, "/language")
    await bot.press(mostafa, "English")
    await bot.send(mostafa, "/summary")
    summary, chart = await bot.press(mostafa, NOORD)
    assert summary.text.startswith(f"📊 {NOORD} · this week, 7 – 9 Dec\n\n")
    assert "🙂 Mood: 2.7 on average, from 3 answers ↘ lower" in summary.text
    assert summary.button_texts() == [
        "• this week",
        "this sprint",
        "last week",
        "🔔 Weekly summary: on",
        "↩︎ teams",
    ]
    assert chart.text == f"📈 Mood and participation of {NOORD}, the last 8 weeks."
