"""Settings from the environment, with one clear sentence for every mistake."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli import main
from bot.config import ConfigError, load_settings
from storage.migrate import head_revision

ENV_NAMES = (
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_API_BASE_URL",
    "DATABASE_URL",
    "STEUNPUNT_ADMINS",
    "STEUNPUNT_TIMEZONE",
    "STEUNPUNT_LANGUAGE",
    "STEUNPUNT_CHANNEL_ID",
    "DIGEST_ENABLED",
    "DIGEST_WEEKDAY",
    "DIGEST_TIME",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults() -> None:
    settings = load_settings()
    assert settings.telegram_bot_token is None
    assert settings.telegram_api_base_url == "https://api.telegram.org/bot"
    assert settings.telegram_api_base_file_url == "https://api.telegram.org/file/bot"
    assert settings.database_url == "sqlite+aiosqlite:///steunpunt.db"
    assert settings.steunpunt_admins == frozenset()
    assert settings.steunpunt_timezone == "Europe/Amsterdam"
    assert settings.steunpunt_language == "nl"


def test_values_from_environment_and_dotenv(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text("TELEGRAM_BOT_TOKEN=42:from-dotenv\nSTEUNPUNT_LANGUAGE=en\n")
    monkeypatch.setenv("STEUNPUNT_ADMINS", " 11, 22 ,33")
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", "http://127.0.0.1:8081/bot")
    settings = load_settings()
    assert settings.require_token() == "42:from-dotenv"
    assert "from-dotenv" not in repr(settings)  # the token is a secret
    assert settings.steunpunt_language == "en"
    assert settings.steunpunt_admins == frozenset({11, 22, 33})
    assert settings.telegram_api_base_file_url == "http://127.0.0.1:8081/file/bot"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("STEUNPUNT_ADMINS", "12,abc", "STEUNPUNT_ADMINS: not a Telegram user id: abc"),
        ("DATABASE_URL", "mysql://x", "DATABASE_URL: database driver 'mysql' is not supported"),
        ("DATABASE_URL", "nonsense", "DATABASE_URL: 'nonsense' is not a database URL"),
        ("STEUNPUNT_TIMEZONE", "Mars/Olympus", "STEUNPUNT_TIMEZONE: unknown time zone"),
        ("STEUNPUNT_LANGUAGE", "de", "STEUNPUNT_LANGUAGE: must be one of nl, en"),
        ("TELEGRAM_API_BASE_URL", "api.telegram.org", "TELEGRAM_API_BASE_URL: 'api.telegram.org'"),
        ("DIGEST_WEEKDAY", "7", "DIGEST_WEEKDAY: 7 is not a weekday; use 0 (Monday) to 6 (Sunday)"),
        ("DIGEST_WEEKDAY", "vrijdagmiddag", "DIGEST_WEEKDAY: 'vrijdagmiddag' is not a weekday"),
        ("DIGEST_TIME", "25:00", "DIGEST_TIME: '25:00' is not a time of day; hours run 0-23"),
        ("DIGEST_TIME", "4pm", "DIGEST_TIME: '4pm' is not a time of day; write it as HH:MM"),
        ("DIGEST_ENABLED", "misschien", "DIGEST_ENABLED: 'misschien' is neither true nor false"),
        (
            "STEUNPUNT_CHANNEL_ID",
            "@steunpunt",
            "STEUNPUNT_CHANNEL_ID: '@steunpunt' is not a Telegram",
        ),
        ("WEBHOOK_URL", "bot.example.org/telegram", "WEBHOOK_URL: 'bot.example.org/telegram' is"),
        ("WEBHOOK_SECRET_TOKEN", "geheim woord!", "WEBHOOK_SECRET_TOKEN: must be 1-256"),
        ("WEBHOOK_PORT", "70000", "WEBHOOK_PORT:"),
        ("HEALTH_PORT", "-1", "HEALTH_PORT:"),
        ("SHARED_SEND_LIMIT", "on", "SHARED_SEND_LIMIT: on needs PostgreSQL"),
        ("SHARED_SEND_LIMIT", "sometimes", "SHARED_SEND_LIMIT: must be one of auto, on, off"),
    ],
)
def test_mistakes_are_named(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=r"^Invalid configuration — ") as error:
        load_settings()
    assert message in str(error.value)


def test_digest_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    defaults = load_settings()
    assert (defaults.digest_enabled, defaults.digest_weekday, defaults.digest_time) == (
        True,
        4,
        "16:00",
    )
    assert defaults.steunpunt_channel_id is None
    monkeypatch.setenv("DIGEST_WEEKDAY", "Zondag")
    monkeypatch.setenv("DIGEST_TIME", "9:05")
    monkeypatch.setenv("DIGEST_ENABLED", "false")
    monkeypatch.setenv("STEUNPUNT_CHANNEL_ID", " -1001234567890 ")
    settings = load_settings()
    assert (settings.digest_weekday, settings.digest_time) == (6, "09:05")
    assert settings.digest_time_of_day.isoformat() == "09:05:00"
    assert settings.digest_enabled is False
    assert settings.steunpunt_channel_id == -1001234567890
    monkeypatch.setenv("STEUNPUNT_CHANNEL_ID", "")  # left empty in .env: no steunpunt chat
    assert load_settings().steunpunt_channel_id is None


def test_deployment_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:ABC")
    polling = load_settings()
    assert (polling.webhook_url, polling.health_address, polling.shares_send_limit) == (
        None,
        "127.0.0.1",
        False,
    )
    monkeypatch.setenv("WEBHOOK_URL", " https://bot.example.org/telegram ")
    monkeypatch.setenv("DATABASE_URL", "postgresql://steunpunt@db/steunpunt")
    webhook = load_settings()
    assert webhook.webhook_url == "https://bot.example.org/telegram"
    assert webhook.health_address == "0.0.0.0"  # the load balancer asks from elsewhere
    assert webhook.shares_send_limit is True  # auto: on for PostgreSQL
    # No secret configured: one derived from the bot token, the same for every instance.
    derived = webhook.webhook_secret
    assert len(derived) == 64
    assert derived == load_settings().webhook_secret
    assert "123456" not in derived
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "654321:XYZ")
    assert load_settings().webhook_secret != derived
    monkeypatch.setenv("WEBHOOK_SECRET_TOKEN", "Eigen_geheim-1")
    monkeypatch.setenv("SHARED_SEND_LIMIT", "off")
    chosen = load_settings()
    assert (chosen.webhook_secret, chosen.shares_send_limit) == ("Eigen_geheim-1", False)


def test_run_without_token_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("steunpunt: TELEGRAM_BOT_TOKEN is not set")
    assert err.count("\n") == 1


def test_db_upgrade_creates_the_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    assert main(["db", "upgrade"]) == 0
    assert f"is up to date (revision {head_revision()})" in capsys.readouterr().out
    assert (tmp_path / "cli.db").exists()


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (
        ["--help"],
        ["run", "--help"],
        ["demo", "--help"],
        ["db", "--help"],
        ["db", "upgrade", "--help"],
    ):
        with pytest.raises(SystemExit) as done:
            main(argv)
        assert done.value.code == 0
        assert "usage: steunpunt" in capsys.readouterr().out


def test_demo_plays_offline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--db", str(tmp_path / "demo.db")]) == 0
    out = capsys.readouterr().out
    assert "Team Rattenaanpak Noord (initiatief, Noord) is aangemaakt." in out
    assert "Welkom bij Rattenaanpak Noord" in out
    assert "Sprint 1 is gestart: Minder ratten in het Noorderpark" in out
    assert "5. What did you learn?: Bel de gebiedsmakelaar vóór je een vergunning aanvraagt" in out
    # Simon's blocker card, once: after his lesson card, then changed in place and confirmed.
    card = out.split("🤖 → Simon: 🚧 Your blocker for Rattenaanpak Noord:")
    assert len(card) == 4  # sent once, edited twice
    assert "💡 I found no theme that fits." in card[1]
    assert "[✅ randvoorwaarden]" in card[2]
    assert "✅ Kept with themes: randvoorwaarden." in card[3].split("👤")[0]
    assert "⏰ Herinnering: je check-in van Rattenaanpak Noord staat nog open." in out
    assert "📋 Check-in van Rattenaanpak Noord gesloten: 3 van 3 leden deden mee." in out
    assert "🔁 De sprint van Rattenaanpak Noord is klaar" in out
    assert "les: Bel de gebiedsmakelaar vóór je een vergunning aanvraagt" in out
    assert "Anderen leerden ook:\n   • Bel de gebiedsmakelaar vóór je een vergunning" in out
    assert "🤖 → Mostafa: 💬 Energie Westerlicht vond jullie les herkenbaar:" in out
    assert "actie (done): Meet the gebiedsmakelaar on Thursday" in out
    # Summaries: the Friday digest, /summary, the network, and the charts written beside the db.
    assert "🤖 → Mostafa: 📬 Je weekoverzicht van Rattenaanpak Noord" in out
    assert "🤖 → Stedelijk steunpunt (kanaal): 🌍 Het netwerk · deze week, 30 nov – 4 dec" in out
    assert "📊 Rattenaanpak Noord · sprint 1, 30 nov – 14 dec" in out
    assert "🏃 Sprint 1 · dag 14 van 14 · doel: Minder ratten in het Noorderpark" in out
    assert "🏆 Op een voetstuk (het vaakst herkenbaar)" in out
    # The radar: three teams' container permit, in /radar and in the network digest, with the
    # lesson that answers it; Erica's team marks it opgelost and the line becomes a lesson.
    radar = out.split("👤 Anna: /radar")[1]
    assert "📡 Knelpuntenradar · 4 weken" in radar
    assert "3 teams · Noord, Oost, West · nieuw" in radar
    assert "— Energie Westerlicht" in radar
    digest = out.split("🤖 → Stedelijk steunpunt (kanaal): 🌍 Het netwerk · deze week, 21 – 25 dec")
    assert "📡 Knelpunten die terugkomen" in digest[1].split("[chart:")[0]
    assert "✅ Genoteerd als opgelost:" in out
    assert "les: Gebiedsmakelaar belde de vergunningverlener; binnen twee dagen rond" in out
    charts = sorted(tmp_path.glob("steunpunt-demo-chart-*.png"))
    assert len(charts) == out.count("[chart: ") >= 3
    assert all(chart.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") for chart in charts)
    # The export: Mostafa's workbook of his team, beside the database, and where it is.
    assert "🤖 → Mostafa: 📎 steunpunt-rattenaanpak-noord-2026-12-14.xlsx" in out
    workbook = tmp_path / "steunpunt-demo.xlsx"
    assert f"Mostafa's export in {workbook}" in out
    sheets = load_workbook(workbook)
    assert sheets.sheetnames[:4] == ["Lessen", "Antwoorden", "Knelpunten", "Acties"]
    lessons = [row[6] for row in sheets["Lessen"].iter_rows(min_row=2, values_only=True)]
    assert lessons == ["Bel de gebiedsmakelaar vóór je een vergunning aanvraagt"]
