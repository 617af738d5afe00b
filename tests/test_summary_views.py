"""How a summary reads: hand-built team and network summaries rendered in Dutch and English,
the mood threshold and trend, what a group may see, escaping of everything typed, and long
summaries split at paragraph boundaries."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from bot.fakes.telegram import visible_text
from bot.handlers import routes
from bot.handlers.summary_views import (
    MIN_MOODS_SHOWN,
    QUOTE_LIMIT,
    clip,
    date_range,
    decimal,
    network_summary_text,
    period_buttons,
    summary_menu,
    team_summary_text,
)
from bot.services.common import text_length
from bot.services.summaries import (
    ActionFigures,
    Adoption,
    GroupFigures,
    Highlight,
    Mood,
    NetworkSummary,
    OpenAction,
    Participation,
    Period,
    PeriodKind,
    Quote,
    Recognition,
    RisingTheme,
    SprintLine,
    SummaryChoices,
    TeamSummary,
    ThemeLessons,
)
from bot.texts.formatting import MESSAGE_LIMIT, split_message, visible_length
from storage.models import Stadsdeel, TeamKind

THIS_WEEK = Period(
    PeriodKind.THIS_WEEK,
    datetime(2026, 11, 29, 23, tzinfo=UTC),
    datetime(2026, 12, 4, 12, tzinfo=UTC),
    datetime(2026, 11, 22, 23, tzinfo=UTC),
    datetime(2026, 11, 29, 23, tzinfo=UTC),
    date(2026, 11, 30),
    date(2026, 12, 4),
)
OPENED = datetime(2026, 11, 30, 9, tzinfo=UTC)


def team_summary(**changes: object) -> TeamSummary:
    """Rattenaanpak Noord on Friday 4 December 2026: a week with everything in it."""
    summary = TeamSummary(
        team_id=1,
        team_name="Rattenaanpak Noord",
        kind=TeamKind.INITIATIEF,
        stadsdeel=Stadsdeel.NOORD,
        period=THIS_WEEK,
        sprint=SprintLine(3, "Minder ratten bij de containers", 5, 14, False),
        participation=Participation(prompted=15, answered=12),
        away=["Kate"],
        unreachable=["Bob"],
        mood=Mood(average=3.84, previous=3.4, count=12),
        went_well=[Quote("Veel mensen deden mee", "Simon")],
        blockers=[Quote("De vergunning voor de containers duurt lang", "Kate")],
        actions=ActionFigures(
            opened=3,
            done=2,
            partly=1,
            dropped=0,
            still_open=4,
            open_actions=[
                OpenAction("Bel de gebiedsmakelaar", "Simon", OPENED),
                OpenAction("Containers tellen", "Mostafa", OPENED),
            ],
        ),
        new_lessons=5,
        lessons_by_theme=[
            ThemeLessons("financiering", 3, ["Vraag subsidie vroeg aan", "Houd bonnetjes bij"]),
            ThemeLessons(None, 2, ["Koffie helpt"]),
        ],
        shared_lessons=["Vraag subsidie vroeg aan"],
        recognition=[
            Recognition(
                7,
                "Bel de gebiedsmakelaar vóór je een vergunning aanvraagt",
                3,
                [Adoption("Team Oost", "Werkte goed"), Adoption(None, "Bij ons niet")],
            )
        ],
        share_answers_in_group=False,
        history=[],
    )
    return replace(summary, **changes)  # type: ignore[arg-type]


def network_summary(**changes: object) -> NetworkSummary:
    summary = NetworkSummary(
        period=THIS_WEEK,
        total=GroupFigures("", 15, 11, Participation(162, 120), Mood(3.8, 3.7, 90)),
        by_stadsdeel=[
            GroupFigures("noord", 12, 9, Participation(100, 74), Mood(3.8, 3.4, 50)),
            GroupFigures("oost", 3, 2, Participation(62, 46), Mood(3.1, 3.9, 40)),
        ],
        by_kind=[
            GroupFigures("initiatief", 5, 4, Participation(40, 30), Mood(4.0, None, 2)),
            GroupFigures("gebiedsteam", 10, 0, Participation(0, 0), Mood(None, None, 0)),
        ],
        voetstuk=[
            Highlight(1, "Bel de gebiedsmakelaar vroeg", "Team Oost", Stadsdeel.OOST, 5, 1),
            Highlight(2, "Deel de sleutel", "Buurt West", Stadsdeel.WEST, 2, 0),
        ],
        rising_themes=[RisingTheme("financiering", 5, 2), RisingTheme("ratten", 3, 0)],
        quiet_teams=["Stil Team", "Ander Team"],
        new_shared_lessons=12,
        history=[],
    )
    return replace(summary, **changes)  # type: ignore[arg-type]


EXPECTED_NL = """\
📊 <b>Rattenaanpak Noord</b> · deze week, 30 nov – 4 dec

👥 12 van 15 leden deden mee (80%).
🌴 Afwezig: Kate
⚠️ Niet bereikbaar (bot geblokkeerd): Bob

🙂 Stemming: <b>3,8</b> gemiddeld, uit 12 antwoorden ↗ beter

🏃 Sprint 3 · dag 5 van 14 · doel: <i>Minder ratten bij de containers</i>

<b>✅ Wat ging goed</b>
• “Veel mensen deden mee” — Simon

<b>🚧 Waar liep je tegenaan</b>
• “De vergunning voor de containers duurt lang” — Kate

<b>📌 Acties</b>: 3 nieuw · 2 klaar · 1 deels · 0 geschrapt
Nog open (4):
• Bel de gebiedsmakelaar — Simon
• Containers tellen — Mostafa
+2 meer

<b>💡 Nieuwe lessen</b> (5)
financiering (3):
• <i>Vraag subsidie vroeg aan</i>
• <i>Houd bonnetjes bij</i>
zonder thema (2):
• <i>Koffie helpt</i>

<b>🌍 Van andere teams</b>
👍 3× herkenbaar: ‘Bel de gebiedsmakelaar vóór je een vergunning aanvraagt’
🔁 Team Oost probeerde: ‘Bel de gebiedsmakelaar vóór je een vergunning aanvraagt’ — “Werkte goed”
🔁 een team dat er niet meer is probeerde: ‘Bel de gebiedsmakelaar vóór je een vergunning \
aanvraagt’ — “Bij ons niet”"""


def test_a_team_summary_in_dutch() -> None:
    assert team_summary_text("nl", team_summary(), for_group=False) == EXPECTED_NL


def test_a_team_summary_in_english() -> None:
    text = team_summary_text("en", team_summary(), for_group=False)
    assert text.startswith("📊 <b>Rattenaanpak Noord</b> · this week, 30 Nov – 4 Dec\n\n")
    assert "👥 12 of 15 members took part (80%)." in text
    assert "🙂 Mood: <b>3.8</b> on average, from 12 answers ↗ better" in text
    assert "<b>📌 Actions</b>: 3 new · 2 done · 1 partly · 0 dropped" in text
    assert "funding (3):\n" in text
    assert "no theme (2):\n" in text
    assert "👍 3× recognisable: ‘Bel" in text


def test_network_summary_in_dutch() -> None:
    assert network_summary_text("nl", network_summary()) == (
        "🌍 <b>Het netwerk</b> · deze week, 30 nov – 4 dec\n\n"
        "15 teams, 11 actief · 74% deelname · stemming 3,8 →\n\n"
        "<b>Per stadsdeel</b>\n"
        "Noord: 12 teams, 9 actief, 74% deelname, stemming 3,8 ↗\n"
        "Oost: 3 teams, 2 actief, 74% deelname, stemming 3,1 ↘\n\n"
        "<b>Per soort team</b>\n"
        "initiatief: 5 teams, 4 actief, 75% deelname, stemming –\n"
        "gebiedsteam: 10 teams, 0 actief, geen check-in, stemming –\n\n"
        "<b>🏆 Op een voetstuk</b> (het vaakst herkenbaar)\n"
        "• <i>Bel de gebiedsmakelaar vroeg</i> — Team Oost, Oost · 👍 5 · 🧪 1\n"
        "• <i>Deel de sleutel</i> — Buurt West, West · 👍 2\n\n"
        "<b>📈 Thema's in de lift</b>\n"
        "financiering: 5 (was 2)\n"
        "ratten: 3 (was 0)\n\n"
        "<b>💤 Stil geworden</b> (twee periodes geen check-in beantwoord): Stil Team, Ander Team"
        "\n\n🌍 12 nieuwe lessen gedeeld met het steunpunt."
    )


def test_network_summary_in_english_uses_a_decimal_point() -> None:
    text = network_summary_text("en", network_summary(new_shared_lessons=0))
    assert "Noord: 12 teams, 9 active, 74% took part, mood 3.8 ↗" in text
    assert "funding: 5 (was 2)" in text
    assert text.endswith("🌍 No new lessons shared with the steunpunt.")


@pytest.mark.parametrize(
    ("average", "previous", "shown"),
    [
        (3.84, 3.4, "<b>3,8</b> gemiddeld, uit 12 antwoorden ↗ beter"),
        (3.0, 3.6, "<b>3,0</b> gemiddeld, uit 12 antwoorden ↘ minder"),
        (3.5, 3.4, "<b>3,5</b> gemiddeld, uit 12 antwoorden → gelijk"),
        (3.5, None, "<b>3,5</b> gemiddeld, uit 12 antwoorden\n"),
    ],
)
def test_the_mood_trend(average: float, previous: float | None, shown: str) -> None:
    text = team_summary_text("nl", team_summary(mood=Mood(average, previous, 12)), for_group=False)
    assert f"🙂 Stemming: {shown}" in text + "\n"


def test_too_few_moods_show_no_average() -> None:
    """With fewer than three moods the average would be (nearly) someone's own score."""
    few = team_summary(mood=Mood(2.0, 4.0, MIN_MOODS_SHOWN - 1))
    text = team_summary_text("nl", few, for_group=False)
    assert "te weinig stemmingen voor een gemiddelde (minder dan 3)" in text
    assert "2,0" not in text
    assert "minder\n" not in text
    assert "↘" not in text
    enough = team_summary(mood=Mood(2.0, 4.0, MIN_MOODS_SHOWN))
    assert "<b>2,0</b> gemiddeld, uit 3 antwoorden ↘ minder" in team_summary_text(
        "nl", enough, for_group=False
    )
    nobody = team_summary(mood=Mood(None, 3.0, 0))
    assert "Stemming" not in team_summary_text("nl", nobody, for_group=False)


def test_the_network_hides_a_mood_of_too_few_people_as_well() -> None:
    lonely = GroupFigures("weesp", 1, 1, Participation(1, 1), Mood(1.0, 5.0, 1))
    text = network_summary_text("nl", network_summary(by_stadsdeel=[lonely]))
    assert "Weesp: 1 team, 1 actief, 100% deelname, stemming –" in text
    assert "1,0" not in text


def test_numbers_in_each_language() -> None:
    assert decimal("nl", 3.84) == "3,8"
    assert decimal("en", 3.84) == "3.8"
    assert decimal("nl", 5.0) == "5,0"


@pytest.mark.parametrize(
    ("first", "last", "nl", "en"),
    [
        (date(2026, 11, 30), date(2026, 12, 4), "30 nov – 4 dec", "30 Nov – 4 Dec"),
        (date(2026, 11, 23), date(2026, 11, 29), "23 – 29 nov", "23 – 29 Nov"),
        (date(2026, 11, 30), date(2026, 11, 30), "30 nov", "30 Nov"),
        (
            date(2026, 12, 28),
            date(2027, 1, 3),
            "28 dec 2026 – 3 jan 2027",
            "28 Dec 2026 – 3 Jan 2027",
        ),
        (date(2026, 3, 1), date(2026, 5, 31), "1 mrt – 31 mei", "1 Mar – 31 May"),
    ],
)
def test_date_ranges(first: date, last: date, nl: str, en: str) -> None:
    assert date_range("nl", first, last) == nl
    assert date_range("en", first, last) == en


def test_last_week_and_the_sprint_in_the_heading() -> None:
    last = replace(THIS_WEEK, kind=PeriodKind.LAST_WEEK, first_day=date(2026, 11, 23))
    last = replace(last, last_day=date(2026, 11, 29))
    text = team_summary_text("nl", team_summary(period=last), for_group=False)
    assert text.startswith("📊 <b>Rattenaanpak Noord</b> · vorige week, 23 – 29 nov\n\n")
    sprint = replace(THIS_WEEK, kind=PeriodKind.SPRINT, first_day=date(2026, 11, 26))
    text = team_summary_text("nl", team_summary(period=sprint), for_group=False)
    assert text.startswith("📊 <b>Rattenaanpak Noord</b> · sprint 3, 26 nov – 4 dec\n\n")
    text = team_summary_text("en", team_summary(period=sprint, sprint=None), for_group=False)
    assert text.startswith("📊 <b>Rattenaanpak Noord</b> · this sprint, 26 Nov – 4 Dec\n\n")


def test_a_quiet_week_is_short_and_kind() -> None:
    empty = team_summary(
        sprint=None,
        participation=Participation(0, 0),
        away=[],
        unreachable=[],
        mood=Mood(None, None, 0),
        went_well=[],
        blockers=[],
        actions=ActionFigures(0, 0, 0, 0, 0, []),
        new_lessons=0,
        lessons_by_theme=[],
        shared_lessons=[],
        recognition=[],
    )
    assert team_summary_text("nl", empty, for_group=False) == (
        "📊 <b>Rattenaanpak Noord</b> · deze week, 30 nov – 4 dec\n\n"
        "Deze periode was er geen check-in.\n\n"
        "🏃 Geen sprint open."
    )
    closed = SprintLine(2, "Vorige doel", 14, 14, True)
    assert "🏁 Sprint 2 (afgesloten) · doel: <i>Vorige doel</i>" in team_summary_text(
        "nl", replace(empty, sprint=closed), for_group=False
    )


# --- the team's group ----------------------------------------------------------------------------

PRIVATE_BITS = [
    "Kate",  # away, and the author of a blocker
    "Bob",  # unreachable
    "Simon",  # a quote's author, an action's owner
    "Houd bonnetjes bij",  # a lesson kept in the team
    "Koffie helpt",
    "Containers tellen",  # an open action
    "Minder ratten",  # the sprint goal
    "herkenbaar",
]


def test_a_group_sees_figures_and_shared_lessons_only() -> None:
    text = team_summary_text("nl", team_summary(), for_group=True)
    assert text == (
        "📊 <b>Rattenaanpak Noord</b> · deze week, 30 nov – 4 dec\n\n"
        "👥 12 van 15 leden deden mee (80%).\n\n"
        "<b>🌍 Gedeeld met het steunpunt</b>\n"
        "• <i>Vraag subsidie vroeg aan</i>"
    )
    for bit in [*PRIVATE_BITS, "Stemming", "Wat ging goed", "Acties"]:
        assert bit not in text


def test_a_group_of_a_team_that_opted_in_sees_answers_too_but_never_who_is_away() -> None:
    text = team_summary_text("nl", team_summary(share_answers_in_group=True), for_group=True)
    assert "🙂 Stemming: <b>3,8</b>" in text
    assert "• “Veel mensen deden mee” — Simon" in text
    assert "• “De vergunning voor de containers duurt lang” — Kate" in text
    assert "<b>📌 Acties</b>: 3 nieuw · 2 klaar · 1 deels · 0 geschrapt" in text
    assert "• <i>Vraag subsidie vroeg aan</i>" in text
    for bit in ["Afwezig", "Bob", "Houd bonnetjes bij", "Koffie helpt", "Containers tellen"]:
        assert bit not in text
    assert "Nog open" not in text


# --- typed text ----------------------------------------------------------------------------------

NASTY = "<b>A & B</b>"
ESCAPED = "&lt;b&gt;A &amp; B&lt;/b&gt;"


def test_everything_typed_is_escaped() -> None:
    summary = team_summary(
        team_name=NASTY,
        sprint=SprintLine(1, NASTY, 1, 14, False),
        away=[NASTY],
        unreachable=[NASTY],
        went_well=[Quote(NASTY, NASTY)],
        blockers=[Quote(NASTY, "")],
        actions=ActionFigures(1, 0, 0, 0, 1, [OpenAction(NASTY, NASTY, OPENED)]),
        lessons_by_theme=[ThemeLessons(NASTY, 1, [NASTY])],
        shared_lessons=[NASTY],
        recognition=[Recognition(1, NASTY, 1, [Adoption(NASTY, NASTY)])],
        share_answers_in_group=True,
    )
    for text, expected in (
        (team_summary_text("nl", summary, for_group=False), 15),
        (team_summary_text("nl", summary, for_group=True), 5),
    ):
        assert NASTY not in text
        assert text.count(ESCAPED) == expected
        assert visible_text(text, "HTML").count(NASTY) == expected  # valid HTML, shown as typed
    network = network_summary(
        voetstuk=[Highlight(1, NASTY, NASTY, Stadsdeel.OOST, 1, 0)],
        rising_themes=[RisingTheme(NASTY, 2, 1)],
        quiet_teams=[NASTY],
    )
    text = network_summary_text("nl", network)
    assert NASTY not in text
    assert text.count(ESCAPED) == 4
    assert visible_text(text, "HTML").count(NASTY) == 4


def test_quotes_are_clipped_between_words_on_one_line() -> None:
    long = "Wij hebben " + "heel erg veel " * 30 + "geleerd"
    clipped = clip(long)
    assert text_length(clipped) <= QUOTE_LIMIT
    kept = clipped.removesuffix("…")
    assert clipped.endswith("…")
    assert long.startswith(kept + " ")
    assert clip("Twee\n\nalinea's   en\tmeer") == "Twee alinea's en meer"
    one_word = "x" * 500
    assert clip(one_word) == "x" * (QUOTE_LIMIT - 1) + "…"
    summary = team_summary(went_well=[Quote("Eerst\n\ndan", "Simon")])
    assert "• “Eerst dan” — Simon" in team_summary_text("nl", summary, for_group=False)


def test_a_long_summary_splits_at_paragraphs() -> None:
    quotes = [Quote(f"Quote {n} " + "woorden " * 40, f"Persoon {n}") for n in range(30)]
    themes = [ThemeLessons(f"tag{n}", 3, ["les " * 50] * 3) for n in range(20)]
    summary = team_summary(went_well=quotes, blockers=quotes, lessons_by_theme=themes)
    text = team_summary_text("nl", summary, for_group=False)
    assert visible_length(text) > 3 * MESSAGE_LIMIT
    parts = split_message(text)
    assert len(parts) >= 4
    paragraphs = text.split("\n\n")
    lines = set(text.split("\n"))
    for part in parts:
        assert visible_length(part) <= MESSAGE_LIMIT
        visible_text(part, "HTML")  # each part is valid HTML on its own
        for paragraph in part.split("\n\n"):
            # Whole paragraphs; a paragraph too long for one message goes by whole lines.
            assert paragraph in paragraphs or set(paragraph.split("\n")) <= lines
    assert "".join(parts).replace("\n", "") == text.replace("\n", "")  # nothing lost


# --- pickers -------------------------------------------------------------------------------------


def test_the_menu_has_a_button_per_team_and_the_network_for_admins() -> None:
    text, markup = summary_menu("nl", SummaryChoices([(4, "Noord"), (7, "Oost")], network=True))
    assert text == "📊 Welk overzicht wil je zien: een team, of het hele netwerk?"
    buttons = [(b.text, b.callback_data) for row in markup.inline_keyboard for b in row]
    assert buttons == [("Noord", "sm:4:week"), ("Oost", "sm:7:week"), ("🌍 Netwerk", "sm:net:week")]
    text, markup = summary_menu("en", SummaryChoices([(4, "A" * 80)], network=False))
    assert text == "📊 Which team's summary would you like?"
    (label,) = [b.text for row in markup.inline_keyboard for b in row]
    assert len(label) <= 32


def test_the_period_buttons_mark_the_one_shown() -> None:
    extra = [[("🔔 wekelijks aan", "dg:4:1")]]
    markup = period_buttons("nl", PeriodKind.SPRINT, 4, extra, back=True)
    rows = [[(b.text, b.callback_data) for b in row] for row in markup.inline_keyboard]
    assert rows == [
        [
            ("deze week", "sm:4:week"),
            ("• deze sprint", "sm:4:sprint"),
            ("vorige week", "sm:4:last"),
        ],
        [("🔔 wekelijks aan", "dg:4:1")],
        [("↩︎ teams", routes.SUMMARY_MENU.build())],
    ]
    network = period_buttons("en", PeriodKind.LAST_WEEK, None)
    rows = [[(b.text, b.callback_data) for b in row] for row in network.inline_keyboard]
    assert rows == [[("this week", "sm:net:week"), ("• last week", "sm:net:last")]]
