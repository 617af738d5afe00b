"""Theme suggestion (issue 12): the pure suggester, and the pre-selected themes on the lesson
card through the real bot."""

from __future__ import annotations

from bot.config import Settings
from bot.fakes.harness import ChatHarness
from bot.fakes.telegram import FakeTelegram, FakeUser
from bot.services.themes import Neighbour, lexicon_hits, suggest, theme_scores
from storage.models import Lesson, LessonTheme
from tests.support.db import rows
from tests.support.flows import create_team, join

SUBSIDIE = "Subsidie aanvragen duurde maanden, de buurtbegroting was al op"


def test_a_text_about_subsidie_is_about_financiering() -> None:
    assert suggest("De subsidies kwamen pas na drie maanden binnen", []) == ("financiering",)
    assert "buurtbudget" in lexicon_hits("Het buurtbudget was snel op")["financiering"]


def test_no_theme_for_a_text_without_signal() -> None:
    assert suggest("Het regende de hele dag en de hond was blij", []) == ()
    # A neighbour that is barely alike does not vote.
    assert suggest("Het regende de hele dag", [Neighbour(0.01, ("cultuur",))]) == ()


def test_neighbours_vote_with_their_similarity() -> None:
    near = [Neighbour(0.4, ("samenwerking",)), Neighbour(0.3, ("samenwerking", "routes"))]
    assert suggest("Het regende de hele dag", near) == ("samenwerking",)
    scores = theme_scores("Het regende", near, lexicon=False)
    assert scores["samenwerking"] == 1.0
    assert 0 < scores["routes"] < 0.5


def test_at_most_two_themes() -> None:
    text = "Subsidie, inspraak, vertrouwen, sleutel van het lokaal, samenwerking met partners"
    assert len(suggest(text, [])) == 2


async def test_a_new_lesson_shows_its_suggested_themes_preselected(
    bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram, settings: Settings
) -> None:
    member = telegram.user("Mostafa")
    await join(bot, member, await create_team(bot, admin, "Buurtkracht", "Initiatief", "Noord"))

    card = (await bot.send(member, f"/lesson {SUBSIDIE}"))[-1]
    # `subsidie` and `buurtbegroting` signal financiering, `aanvragen` routes.
    assert "💡 Thema's voorgesteld: financiering, routes — tik om te wijzigen" in card.text
    assert [b for b in card.button_texts() if b.startswith("✅ ")] == [
        "✅ routes",
        "✅ financiering",
    ]
    [lesson] = await rows(settings, Lesson)
    stored = await rows(settings, LessonTheme)
    assert sorted(x.theme for x in stored) == ["financiering", "routes"]

    # The author changes it: the toggle takes routes off, and the suggestion line goes.
    await bot.press(member, "✅ routes")
    card = bot.last_to(member)
    assert "▫️ routes" in card.button_texts()
    assert "✅ financiering" in card.button_texts()
    assert "voorgesteld" not in card.text
    await bot.press(member, "🔒 Alleen team")
    assert "Thema's: financiering." in bot.last_to(member).text
    assert [(x.lesson_id, x.theme) for x in await rows(settings, LessonTheme)] == [
        (lesson.id, "financiering")
    ]


async def test_a_lesson_without_signal_gets_no_suggestion(
    bot: ChatHarness, admin: FakeUser, telegram: FakeTelegram, settings: Settings
) -> None:
    member = telegram.user("Jesse")
    await join(bot, member, await create_team(bot, admin, "Buurtkracht", "Initiatief", "Noord"))
    card = (await bot.send(member, "/lesson Het regende de hele dag en de hond was blij"))[-1]
    assert "voorgesteld" not in card.text
    assert not [b for b in card.button_texts() if b.startswith("✅ ")]
    assert await rows(settings, LessonTheme) == []
