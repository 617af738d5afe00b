"""A blocker's themes through the real bot: when a member's check-in ends, each blocker gets a
small card after the recap with the proposed themes pre-selected (and stored at once); the
author changes them with the theme buttons (the same message changes) or confirms with "klopt
zo"; stale, forged and doubled presses; a changed answer; markup; the radar, /blockers, the
export, /mydata and /forget use the stored themes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import Settings
from bot.fakes.clock import FakeClock
from bot.fakes.harness import ChatHarness
from bot.fakes.telegram import BotMessage, FakeTelegram, FakeUser
from bot.handlers import routes
from bot.services.blocker_themes import group_themes
from storage.blocker_themes import StoredThemes
from storage.models import BlockerTheme, BlockerThemeReview, CheckinAnswer
from tests.support.db import rows
from tests.support.exports import exports_done, workbook
from tests.support.flows import appoint, create_team, join

MONDAY_0930 = datetime(2026, 11, 30, 8, 30, tzinfo=UTC)
PERMIT = "De evenementenvergunning ligt al zeven weken bij de gemeente, de aanvraag zit vast."
MONEY = "Het geld van de subsidie is na drie maanden nog steeds niet uitbetaald."
NOTHING = "Het regende de hele zaterdag."
CARD = "🚧 Je knelpunt voor Team Noord:"
NOT_AUTHOR = "Alleen wie dit knelpunt schreef, kiest de thema's ervan."
GONE = "Dit knelpunt is er niet meer"


@dataclass
class Team:
    bot: ChatHarness
    telegram: FakeTelegram
    clock: FakeClock
    admin: FakeUser
    coordinator: FakeUser
    simon: FakeUser
    kate: FakeUser


@pytest.fixture
async def team(bot: ChatHarness, telegram: FakeTelegram, clock: FakeClock, admin: FakeUser) -> Team:
    clock.now = MONDAY_0930 - timedelta(days=10)
    code = await create_team(bot, admin, "Team Noord", "Initiatief", "Noord")
    kees, simon, kate = telegram.user("Kees"), telegram.user("Simon"), telegram.user("Kate")
    for person in (kees, simon, kate):
        await join(bot, person, code)
    await appoint(bot, admin, kees)
    clock.now = MONDAY_0930
    await bot.round()
    return Team(bot, telegram, clock, admin, kees, simon, kate)


async def check_in(bot: ChatHarness, person: FakeUser, blocker: str) -> list[BotMessage]:
    """Answers the whole check-in; returns what the last answer brought."""
    await bot.press(person, "4 ")
    for text in ("Buurtfeest voorbereid", "Veel aanmeldingen", blocker, "Eerder beginnen"):
        await bot.send(person, text)
    return await bot.send(person, "Verder bellen")


def newest_card(bot: ChatHarness, person: FakeUser) -> BotMessage:
    return [m for m in bot.messages_to(person) if m.text.startswith(CARD)][-1]


async def tap(bot: ChatHarness, person: FakeUser, card: BotMessage, label: str) -> list[BotMessage]:
    """Press the button labelled `label` on this very card (the lesson card has the same
    theme labels)."""
    [data] = [b.callback_data for row in card.buttons for b in row if b.text == label]
    assert data is not None
    return await bot.deliver(bot.telegram.callback_update(person, card, data), label)


async def stored(settings: Settings) -> tuple[set[str], BlockerThemeReview]:
    themes = {row.theme for row in await rows(settings, BlockerTheme)}
    [review] = await rows(settings, BlockerThemeReview)
    return themes, review


async def blocker_answer(settings: Settings, text: str) -> CheckinAnswer:
    [answer] = await rows(settings, CheckinAnswer, CheckinAnswer.text == text)
    return answer


def edits(telegram: FakeTelegram) -> int:
    return sum(call.method == "editMessageText" for call in telegram.calls)


async def test_the_card_follows_the_recap_with_the_proposal_selected_and_stored(
    team: Team, settings: Settings
) -> None:
    replies = await check_in(team.bot, team.simon, PERMIT)
    assert [m.text.split("\n")[0] for m in replies] == [
        "Dank je wel! Dit heb ik bewaard voor Team Noord:",
        "📘 Je les voor Team Noord:",
        CARD,
    ]
    card = replies[-1]
    assert f"“{PERMIT}”" in card.text
    assert "💡 Thema's voorgesteld: routes — tik om te wijzigen" in card.text
    assert card.button_texts() == [
        "▫️ zeggenschap",
        "✅ routes",
        "▫️ cultuur",
        "▫️ randvoorwaarden",
        "▫️ financiering",
        "▫️ samenwerking",
        "▫️ eigenaarschap",
        "👍 Klopt zo",
    ]
    # Stored at once: the radar and the export have it even if Simon never taps.
    themes, review = await stored(settings)
    assert themes == {"routes"}
    assert review.offered_at is not None
    assert (review.changed_at, review.confirmed_at) == (None, None)
    # Delivered exactly once: a round has nothing more to send.
    team.clock.advance(timedelta(minutes=15))
    assert await team.bot.round() == []


async def test_toggling_changes_the_same_message_and_the_stored_themes(
    team: Team, settings: Settings
) -> None:
    bot, simon, telegram = team.bot, team.simon, team.telegram
    card = (await check_in(bot, simon, PERMIT))[-1]

    [edited] = await tap(bot, simon, card, "▫️ financiering")
    assert edited.message_id == card.message_id  # the card itself changes
    assert "🏷 Thema's: routes, financiering — tik om te wijzigen" in edited.text
    assert "✅ financiering" in edited.button_texts()
    themes, review = await stored(settings)
    assert themes == {"routes", "financiering"}
    assert review.changed_at is not None

    [edited] = await tap(bot, simon, edited, "✅ routes")
    assert "🏷 Thema's: financiering — tik om te wijzigen" in edited.text
    assert "▫️ routes" in edited.button_texts()
    assert (await stored(settings))[0] == {"financiering"}

    # A double tap (the same button's data again) changes nothing and edits nothing.
    before = edits(telegram)
    again = routes.BLOCKER_THEME_SET.build(answer_id=review.answer_id, theme=1, on=0)
    assert await bot.deliver(telegram.callback_update(simon, edited, again)) == []
    assert edits(telegram) == before
    assert bot.toasts()[-1] == "Dat stond al zo."
    assert (await stored(settings))[0] == {"financiering"}

    # Klopt zo: the themes as they are, and no more buttons.
    [done] = await tap(bot, simon, edited, "👍 Klopt zo")
    assert done.message_id == card.message_id
    assert "✅ Bewaard met thema's: financiering." in done.text
    assert done.buttons == []
    themes, review = await stored(settings)
    assert themes == {"financiering"}
    assert review.confirmed_at is not None
    # Its stale button pressed again: said so, nothing sent or edited.
    before = edits(telegram)
    confirm = routes.BLOCKER_THEMES_CONFIRM.build(answer_id=review.answer_id)
    assert await bot.deliver(telegram.callback_update(simon, done, confirm)) == []
    assert edits(telegram) == before
    assert bot.toasts()[-1] == "Al bewaard. 👍"


async def test_no_suggestion_says_so_and_offers_the_toggles(team: Team, settings: Settings) -> None:
    card = (await check_in(team.bot, team.simon, NOTHING))[-1]
    assert "💡 Ik vond geen thema dat past." in card.text
    assert not [label for label in card.button_texts() if label.startswith("✅")]
    assert len(card.button_texts()) == 8
    [edited] = await tap(team.bot, team.simon, card, "▫️ cultuur")
    assert "🏷 Thema's: cultuur" in edited.text
    [done] = await tap(team.bot, team.simon, edited, "✅ cultuur")
    assert "🏷 Geen thema gekozen" in done.text
    assert (await stored(settings))[0] == set()


async def test_a_skipped_blocker_gets_no_card(team: Team, settings: Settings) -> None:
    bot, simon = team.bot, team.simon
    await bot.press(simon, "4 ")
    await bot.send(simon, "Gedaan")
    await bot.send(simon, "Goed")
    await bot.send(simon, "/skip")
    await bot.send(simon, "Eerder beginnen")
    replies = await bot.send(simon, "Verder bellen")
    assert not [m for m in replies if m.text.startswith(CARD)]
    assert await rows(settings, BlockerTheme) == []
    assert await rows(settings, BlockerThemeReview) == []


async def test_only_the_author_may_toggle_and_a_gone_blocker_says_so(
    team: Team, settings: Settings, telegram: FakeTelegram
) -> None:
    bot = team.bot
    card = (await check_in(bot, team.simon, PERMIT))[-1]
    answer = await blocker_answer(settings, PERMIT)
    stranger = telegram.user("Piet")
    await bot.send(stranger, "/start")  # in no team at all
    for other in (team.kate, team.coordinator, team.admin, stranger):
        # A forged press (the data of Simon's card, under a message in their own chat).
        own = bot.last_to(other)
        for data in (
            routes.BLOCKER_THEME_SET.build(answer_id=answer.id, theme=0, on=1),
            routes.BLOCKER_THEMES_CONFIRM.build(answer_id=answer.id),
        ):
            [reply] = await bot.deliver(telegram.callback_update(other, own, data))
            assert reply.text == NOT_AUTHOR
    themes, review = await stored(settings)
    assert themes == {"routes"}
    assert (review.changed_at, review.confirmed_at) == (None, None)
    # An answer that is no blocker (what went well), and one that does not exist.
    [went_well] = await rows(settings, CheckinAnswer, CheckinAnswer.text == "Veel aanmeldingen")
    for answer_id in (went_well.id, 999_999):
        data = routes.BLOCKER_THEMES_CONFIRM.build(answer_id=answer_id)
        [reply] = await bot.deliver(telegram.callback_update(team.simon, card, data))
        assert reply.text.startswith(GONE)
    assert card.text.startswith(CARD)  # the card itself is untouched


async def test_a_changed_answer_is_proposed_again_until_the_author_touches_the_toggles(
    team: Team, settings: Settings
) -> None:
    bot, simon = team.bot, team.simon
    await check_in(bot, simon, PERMIT)
    # Before touching the toggles: the new text gets a new proposal and a new card.
    await bot.press(simon, "✏️ 4")
    replies = await bot.send(simon, MONEY)
    [card] = [m for m in replies if m.text.startswith(CARD)]
    assert f"“{MONEY}”" in card.text
    assert "💡 Thema's voorgesteld: financiering" in card.text
    assert (await stored(settings))[0] == {"financiering"}
    # The same text again (an edit that changes nothing) is not proposed again.
    await bot.press(simon, "✏️ 4")
    replies = await bot.send(simon, MONEY)
    assert not [m for m in replies if m.text.startswith(CARD)]

    # After touching them: the author's choice stands, and no new card comes.
    await tap(bot, simon, card, "▫️ samenwerking")
    await bot.press(simon, "✏️ 4")
    replies = await bot.send(simon, PERMIT)
    assert not [m for m in replies if m.text.startswith(CARD)]
    assert (await stored(settings))[0] == {"financiering", "samenwerking"}


async def test_markup_in_a_blocker_is_shown_as_typed_and_a_long_one_is_cut(
    team: Team, settings: Settings
) -> None:
    typed = "<b>De vergunning</b> & <script>alert(1)</script> bij de gemeente " + "lang " * 300
    card = (await check_in(team.bot, team.simon, typed.strip()))[-1]
    assert "“<b>De vergunning</b> & <script>alert(1)</script> bij de gemeente lang" in card.text
    assert "…" in card.text
    assert len(card.text) < 1200
    [edited] = await tap(team.bot, team.simon, card, "▫️ cultuur")
    assert "<script>alert(1)</script>" in edited.text


async def test_the_radar_and_blockers_use_the_stored_themes(
    bot: ChatHarness, telegram: FakeTelegram, clock: FakeClock, admin: FakeUser
) -> None:
    clock.now = MONDAY_0930 - timedelta(days=10)
    people = {}
    for name, stadsdeel, person in (
        ("Team Noord", "Noord", "Simon"),
        ("Team Oost", "Oost", "Kate"),
        ("Team Zuid", "Zuid", "Ayaan"),
    ):
        code = await create_team(bot, admin, name, "Initiatief", stadsdeel)
        people[name] = telegram.user(person)
        await join(bot, people[name], code)
    clock.now = MONDAY_0930
    await bot.round()
    permits = {
        "Team Noord": PERMIT,
        "Team Oost": "Onze evenementenvergunning is na acht weken nog steeds niet verleend door "
        "de gemeente, de aanvraag zit vast.",
        "Team Zuid": "evenementenvergunning voor de braderie: al twee maanden geen antwoord op "
        "onze aanvraag bij de gemeente",
    }
    cards = {}
    for name, blocker in permits.items():
        cards[name] = (await check_in(bot, people[name], blocker))[-1]
        await bot.press(people[name], "🔒 Alleen team")
    clock.advance(timedelta(hours=2))
    [radar] = await bot.send(admin, "/radar")
    assert "🏷 Thema's (voorgesteld): routes" in radar.text

    [listing] = await bot.send(people["Team Noord"], "/blockers")
    assert "    🏷 routes (voorgesteld)" in listing.text

    # Two authors say it is about money, not routes: their choice outweighs a proposal.
    for name in ("Team Noord", "Team Oost"):
        card = await tap(bot, people[name], cards[name], "▫️ financiering")
        card = await tap(bot, people[name], card[0], "✅ routes")
        await tap(bot, people[name], card[0], "👍 Klopt zo")
    [radar] = await bot.send(admin, "/radar")
    assert "🏷 Thema's: financiering\n" in radar.text
    assert "routes" not in radar.text.split("🏷")[1].split("\n")[0]
    [listing] = await bot.send(people["Team Noord"], "/blockers")
    assert "    🏷 financiering\n" in listing.text


async def test_the_export_mydata_and_forget(
    team: Team, settings: Settings, telegram: FakeTelegram
) -> None:
    bot, simon = team.bot, team.simon
    card = (await check_in(bot, simon, PERMIT))[-1]
    await tap(bot, simon, card, "▫️ cultuur")

    # The Knelpunten sheet has a themes column (the coordinator's export of the team).
    await bot.send(team.coordinator, "/export")
    await bot.press(team.coordinator, "alles")
    await exports_done(bot)
    [sent] = [m for m in bot.messages_to(team.coordinator) if m.document is not None]
    assert sent.document is not None
    header, *body = workbook(sent.document.content)["Knelpunten"]
    assert "thema's" in header
    [row] = [dict(zip(header, values, strict=True)) for values in body]
    assert row["knelpunt"] == PERMIT
    assert row["thema's"] == "routes, cultuur" or row["thema's"] == "cultuur, routes"

    # /mydata: the blocker's themes with the answer.
    await bot.send(simon, "/mydata")
    [document] = [m for m in bot.messages_to(simon) if m.document is not None]
    assert document.document is not None
    data = json.loads(document.document.content)
    [blocker] = [a for c in data["check_ins"] for a in c["answers"] if a["text"] == PERMIT]
    assert sorted(blocker["themes"]) == ["cultuur", "routes"]
    assert blocker["themes_chosen_by_you"] is True

    # /forget: the themes go with the answers; the old card's buttons say the blocker is gone.
    await bot.send(simon, "/forget")
    await bot.press(simon, "🗑 Ja, wis mijn gegevens")
    assert await rows(settings, CheckinAnswer, CheckinAnswer.text == PERMIT) == []
    assert await rows(settings, BlockerTheme) == []
    assert await rows(settings, BlockerThemeReview) == []
    [reply] = await tap(bot, simon, card, "✅ routes")
    assert reply.text.startswith(GONE)
    assert await rows(settings, BlockerTheme) == []


def _stored(themes: tuple[str, ...], by_author: bool) -> StoredThemes:
    return StoredThemes(0, themes, by_author, by_author, True)


@pytest.mark.parametrize(
    ("group", "expected"),
    [
        ([], None),
        # Proposals alone: the themes most of them carry.
        ([_stored(("routes",), False)] * 3, (("routes",), False)),
        ([_stored(("routes",), False), _stored((), False), _stored((), False)], ((), False)),
        # One author's choice outweighs two proposals; both reach half.
        (
            [
                _stored(("randvoorwaarden",), True),
                _stored(("routes",), False),
                _stored(("routes",), False),
            ],
            (("randvoorwaarden",), True),
        ),
        (
            [_stored(("financiering",), True)] * 2 + [_stored(("routes",), False)] * 3,
            (("financiering",), True),
        ),
        # At most two themes, best first.
        (
            [_stored(("cultuur", "routes", "financiering"), True), _stored(("routes",), False)],
            (("routes", "cultuur"), True),
        ),
    ],
)
def test_a_group_carries_the_themes_most_of_its_blockers_carry(
    group: list[StoredThemes], expected: tuple[tuple[str, ...], bool] | None
) -> None:
    found = group_themes(group)
    assert (None if found is None else (found.themes, found.by_authors)) == expected
