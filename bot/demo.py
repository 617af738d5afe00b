"""`steunpunt demo`: a whole sprint cycle against a simulated Telegram, printed as a chat log.

It runs the real bot (same handlers, services, scheduler logic and database code) with the
offline fake Bot API and a simulated clock, so two weeks pass in a second.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import SecretStr
from sqlalchemy import select

from bot.config import Settings
from bot.fakes.clock import FakeClock
from bot.fakes.harness import ChatHarness
from bot.fakes.telegram import BotMessage, FakeTelegram
from storage.database import create_engine, create_session_factory
from storage.models import Action, Lesson

ADMIN_ID = 1001
START = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # Monday 09:00 in Amsterdam
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DEMO_WORKBOOK = "steunpunt-demo.xlsx"


def _printer(
    emit: Callable[[str], object],
    clock: FakeClock,
    names: dict[int, str],
    charts: Path | None,
) -> Callable[[str, list[BotMessage]], None]:
    written = 0

    def show(label: str, produced: list[BotMessage]) -> None:
        nonlocal written
        if label == "check-in round" and not produced:
            return
        moment = clock.now.astimezone(AMSTERDAM).strftime("%a %d %b %H:%M")
        emit(f"\n[{moment}] 👤 {label}")
        for message in produced:
            text = message.text.replace("\n", "\n   ")
            who = names.get(message.chat_id, message.chat_id)
            if message.photo and message.document is not None:
                # A chart: the chat log cannot show it, so it is written beside the database.
                where = "(not kept)"
                if charts is not None:
                    written += 1
                    path = charts / f"steunpunt-demo-chart-{written}.png"
                    path.write_bytes(message.document.content)
                    where = str(path)
                emit(f"🤖 → {who}: 🖼 {text}\n   [chart: {where}]")
                continue
            if message.document is not None:
                # A spreadsheet: kept beside the database, for the newcomer to open.
                where = "(not kept)"
                if charts is not None:
                    path = charts / DEMO_WORKBOOK
                    path.write_bytes(message.document.content)
                    where = str(path)
                name = message.document.file_name
                emit(f"🤖 → {who}: 📎 {name}\n   {text}\n   [saved as {where}]")
                continue
            emit(f"🤖 → {who}: {text}")
            if message.buttons:
                emit("   " + " ".join(f"[{label}]" for label in message.button_texts()))

    return show


async def run_demo(
    database_url: str, emit: Callable[[str], object], charts: Path | None = None
) -> None:
    """Play the demo; the summaries' charts are written as PNG files into `charts`."""
    telegram = FakeTelegram()
    clock = FakeClock(START)
    channel = telegram.group("Stedelijk steunpunt (kanaal)")
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token=SecretStr("demo:offline"),
        database_url=database_url,
        steunpunt_admins=frozenset({ADMIN_ID}),
        steunpunt_channel_id=channel.id,
    )
    anna = telegram.user("Anna", "(steunpunt)", user_id=ADMIN_ID)
    mostafa = telegram.user("Mostafa")
    simon = telegram.user("Simon", language_code="en")
    ellen = telegram.user("Ellen")
    group = telegram.group("Rattenaanpak Noord – groep")
    names = {p.id: p.first_name for p in (anna, mostafa, simon, ellen)} | {
        group.id: group.title,
        channel.id: channel.title,
    }
    show = _printer(emit, clock, names, charts)

    emit("Steunpunt demo, offline: a team is set up, runs a sprint with weekly check-ins, and")
    emit("closes it with a retrospective. Anna is a steunpunt admin; time is simulated.")
    async with ChatHarness.running(settings, telegram, clock) as bot:
        bot.observers.append(show)
        emit("\n═══ Onboarding ═══")
        await bot.send(anna, "/newteam Rattenaanpak Noord")
        await bot.press(anna, "Initiatief")
        created = await bot.press(anna, "Noord")
        found = re.search(r"start=([\w-]+)", created[-1].text)
        assert found is not None
        code = found.group(1)
        await bot.send(mostafa, f"/start {code}")
        await bot.send(simon, f"/start {code}")
        await bot.send(ellen, "/join")
        await bot.send(ellen, code)
        await bot.send(anna, "/team")
        await bot.press(anna, "⭐ Mostafa")
        await bot.send(mostafa, "/linkgroup", chat=group)
        await bot.send(simon, "/newteam My own team")

        emit("\n═══ A sprint starts ═══")
        await bot.send(mostafa, "/sprint")
        await bot.press(mostafa, "🚀 Nieuwe sprint starten")
        await bot.send(mostafa, "Minder ratten in het Noorderpark")
        await bot.press(mostafa, "2 wk")
        await bot.round()

        emit("\n═══ Monday 09:30: the check-in goes out ═══")
        clock.now = START + timedelta(minutes=30)
        await bot.round()
        await bot.press(simon, "4 ")
        await bot.send(simon, "Mapped the rat holes with the neighbours")
        await bot.send(simon, "Twelve people came")
        await bot.send(mostafa, "/skip")
        await bot.press(mostafa, "3 ")
        await bot.press(ellen, "4 ")  # Ellen gives her mood, and answers the rest later

    emit("\n— The bot restarts here, in the middle of the check-in: same database. —")
    async with ChatHarness.running(settings, telegram, clock) as bot:
        bot.observers.append(show)
        await bot.round()  # nothing is sent twice
        await bot.send(simon, "The container permit takes weeks")
        await bot.send(simon, "Bel de gebiedsmakelaar vóór je een vergunning aanvraagt")
        await bot.send(simon, "Meet the gebiedsmakelaar on Thursday")
        # The bot pre-selected routes (gebiedsmakelaar, vergunning): Simon keeps it.
        await bot.press(simon, "🌍 Share with steunpunt")
        # His blocker's card comes last: he adds a theme to what the bot proposed, and confirms.
        await bot.press(simon, "▫️ randvoorwaarden")
        await bot.press(simon, "👍 Looks right")
        await bot.send(mostafa, "Overleg met stadsdeel over het groen")

        emit("\n═══ Four hours later: one reminder for who has not answered ═══")
        clock.advance(timedelta(hours=4))
        await bot.round()

        emit("\n═══ Tuesday 09:30: the check-in closes ═══")
        clock.advance(timedelta(hours=20))
        await bot.round()

        emit("\n═══ Friday 16:00: the weekly digest ═══")
        emit("(Mostafa by private message, the team's group, and the steunpunt's own chat)")
        clock.now = START + timedelta(days=4, hours=7)
        await bot.round()

        emit("\n═══ Next Monday: Simon is asked about his action ═══")
        clock.now = START + timedelta(days=7, minutes=30)
        await bot.round()
        await bot.press(simon, "5 ")
        await bot.press(simon, "Done")
        await bot.send(mostafa, "/sprint")

        emit("\n═══ Friday 16:00: the second weekly digest ═══")
        clock.now = START + timedelta(days=11, hours=7)
        await bot.round()

        emit("\n═══ Two weeks on: the sprint closes itself and the retro starts ═══")
        clock.now = START + timedelta(days=14, minutes=1)
        await bot.round()

        emit("\n═══ The lesson travels: Oost is about to hit the same wall, West searches ═══")
        erica, koen = telegram.user("Erica"), telegram.user("Koen")
        names |= {erica.id: "Erica", koen.id: "Koen"}
        for person, team, kind, stadsdeel in (
            (erica, "Gebiedsteam Oost", "Gebiedsteam", "Oost"),
            (koen, "Energie Westerlicht", "Initiatief", "West"),
        ):
            await bot.send(anna, f"/newteam {team}")
            await bot.press(anna, kind)
            invite = await bot.press(anna, stadsdeel)
            link = re.search(r"start=([\w-]+)", invite[-1].text)
            assert link is not None
            await bot.send(person, f"/start {link.group(1)}")
        await bot.send(
            erica, "/lesson Bel eerst de gebiedsmakelaar, dan gaat de vergunning sneller"
        )
        await bot.press(erica, "🔒 Alleen team")
        await bot.send(koen, "/search gebiedsmakelaar")
        await bot.press(koen, "1. 👍")

        emit("\n═══ Later that morning: Mostafa looks back on the sprint with /summary ═══")
        clock.advance(timedelta(hours=2))
        await bot.send(mostafa, "/summary")
        await bot.press(mostafa, "deze sprint")
        emit("\n═══ Anna sees the whole network ═══")
        await bot.send(anna, "/summary")

        emit("\n═══ Mostafa takes the sprint to the meeting as a spreadsheet ═══")
        await bot.send(mostafa, "/export")
        await bot.press(mostafa, "alles")
        await bot.exports("the export, made beside the chat")

        emit("\n═══ A week on: three teams run into the same wall; Anna sees it on the radar ═══")
        emit("(The demo skips that Friday, so the bot logs that it missed that week's digest.)")
        clock.now = START + timedelta(days=21, minutes=30)
        await bot.round()
        for person, blocker, learned, share in (
            (
                ellen,
                "De vergunning voor de container bij onze opruimactie duurt weken",
                "Samen met de buren gaat het sneller",
                "🔒 Alleen team",
            ),
            (
                erica,
                "Wachten op de vergunning voor de container, al weken niks gehoord",
                "Begin op tijd",
                "🔒 Alleen team",
            ),
            (
                koen,
                "Onze opruimactie staat stil: de vergunning voor de container duurt weken",
                "Vraag de vergunning voor een container voor de opruimactie zes weken vooraf aan",
                "🌍 Delen met steunpunt",
            ),
        ):
            await bot.press(person, "4 ")
            for text in ("Opruimactie voorbereid", "Veel aanmeldingen", blocker, learned, "Bellen"):
                await bot.send(person, text)
            await bot.press(person, share)
        clock.advance(timedelta(hours=2))
        await bot.send(anna, "/radar")
        emit("\n═══ Erica's team got its container: she marks the blocker opgelost ═══")
        await bot.send(erica, "/blockers")
        await bot.press(erica, "✅ 1 opgelost")
        await bot.send(erica, "Gebiedsmakelaar belde de vergunningverlener; binnen twee dagen rond")
        await bot.press(erica, "🌍 Delen met steunpunt")
        emit("\n═══ Friday 16:00: the network digest carries the radar's top three ═══")
        clock.now = START + timedelta(days=25, hours=7)
        await bot.round()

    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        lessons = list((await session.execute(select(Lesson))).scalars())
        actions = list((await session.execute(select(Action))).scalars())
    await engine.dispose()
    emit("\n═══ Stored for summaries and exports ═══")
    for lesson in lessons:
        emit(f"les: {lesson.text}")
    for action in actions:
        emit(f"actie ({action.status.value}): {action.text}")
