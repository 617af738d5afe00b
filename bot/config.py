"""Settings from the environment and an optional `.env` file (see deploy/.env.example)."""

from __future__ import annotations

import hashlib
import hmac
import re
import zoneinfo
from datetime import time
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from storage.database import DatabaseUrlError, parse_database_url

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
Language = Literal["nl", "en"]
LANGUAGES: tuple[Language, ...] = ("nl", "en")
# DIGEST_WEEKDAY may also be a day's name, in English or Dutch.
WEEKDAY_NAMES = (
    ("monday", "maandag"),
    ("tuesday", "dinsdag"),
    ("wednesday", "woensdag"),
    ("thursday", "donderdag"),
    ("friday", "vrijdag"),
    ("saturday", "zaterdag"),
    ("sunday", "zondag"),
)


WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
BOT_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{4,31}")


def clean_bot_username(raw: str) -> str:
    """`@steunpunt_bot` or `steunpunt_bot` → `steunpunt_bot`; ValueError if it cannot be one."""
    name = raw.strip().removeprefix("@")
    if not BOT_USERNAME.fullmatch(name):
        raise ValueError(
            f"'{raw.strip()}' is not a Telegram username (5-32 letters, digits or _, "
            "starting with a letter)"
        )
    return name


class ConfigError(Exception):
    """Configuration that cannot work; the message is one sentence for whoever runs the bot."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = DEFAULT_API_BASE_URL
    # The bot's @username, for the invite links a roster import writes (else asked of Telegram).
    telegram_bot_username: str | None = None
    database_url: str = "sqlite+aiosqlite:///steunpunt.db"
    steunpunt_admins: Annotated[frozenset[int], NoDecode] = Field(default_factory=frozenset)
    steunpunt_timezone: str = "Europe/Amsterdam"
    steunpunt_language: Language = "nl"
    # Raw check-in answers are deleted this many months after their check-in closed (AVG:
    # keep no longer than needed); participation and mood figures are kept.
    answer_retention_months: int = Field(default=24, ge=1, le=1200)
    # The weekly digest: coordinators get their teams' week, linked groups the team's figures,
    # and the steunpunt's own chat (optional) the network, at this weekday and local time.
    digest_enabled: bool = True
    digest_weekday: int = 4  # 0 = Monday … 6 = Sunday (or the day's name); 4 = Friday
    digest_time: str = "16:00"  # HH:MM in STEUNPUNT_TIMEZONE
    steunpunt_channel_id: int | None = None
    # Webhook mode (long polling when WEBHOOK_URL is empty): Telegram posts updates to this
    # public https URL; the bot listens on WEBHOOK_LISTEN:WEBHOOK_PORT behind a reverse proxy
    # and refuses requests without the secret token (derived from the bot token when unset,
    # so every instance of one bot agrees on it without configuration).
    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_secret_token: SecretStr | None = None
    # GET /healthz on this port answers 200 while the bot runs and its database answers;
    # 0 turns it off. HEALTH_LISTEN defaults to WEBHOOK_LISTEN in webhook mode, else loopback.
    health_port: int = Field(default=8080, ge=0, le=65535)
    health_listen: str | None = None
    # Several instances on one PostgreSQL share Telegram's per-bot send limits through the
    # database. auto: on for PostgreSQL, off for SQLite (one process).
    shared_send_limit: Literal["auto", "on", "off"] = "auto"
    # How long `steunpunt run` waits for the database to answer at start (compose, reboots).
    database_wait_seconds: float = Field(default=60, ge=0)

    @field_validator("steunpunt_admins", mode="before")
    @classmethod
    def _parse_admins(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
            bad = [part for part in parts if not part.lstrip("-").isdigit()]
            if bad:
                raise ValueError(f"not a Telegram user id: {', '.join(bad)}")
            return frozenset(int(part) for part in parts)
        return value

    @field_validator("steunpunt_timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone '{value}'") from exc
        return value

    @field_validator("digest_weekday", mode="before")
    @classmethod
    def _parse_weekday(cls, value: object) -> object:
        if isinstance(value, str):
            cleaned = value.strip().lower()
            for number, names in enumerate(WEEKDAY_NAMES):
                if cleaned in names:
                    return number
            if not cleaned.isdigit():
                raise ValueError(f"'{value}' is not a weekday; use 0 (Monday) to 6 (Sunday)")
            value = int(cleaned)
        if isinstance(value, int) and not isinstance(value, bool) and not 0 <= value <= 6:
            raise ValueError(f"{value} is not a weekday; use 0 (Monday) to 6 (Sunday)")
        return value

    @field_validator("digest_time")
    @classmethod
    def _check_digest_time(cls, value: str) -> str:
        hours, _, minutes = value.strip().partition(":")
        if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and len(hours) <= 2):
            raise ValueError(f"'{value}' is not a time of day; write it as HH:MM, e.g. 16:00")
        if int(hours) > 23 or int(minutes) > 59:
            raise ValueError(f"'{value}' is not a time of day; hours run 0-23, minutes 0-59")
        return f"{int(hours):02d}:{minutes}"

    @field_validator("steunpunt_channel_id", mode="before")
    @classmethod
    def _parse_channel(cls, value: object) -> object:
        if isinstance(value, str):
            cleaned = value.strip()
            if not cleaned:
                return None  # left empty in .env: no steunpunt chat
            if not cleaned.lstrip("-").isdigit():
                raise ValueError(f"'{cleaned}' is not a Telegram chat id (a number like -100123)")
            return int(cleaned)
        return value

    @field_validator("telegram_bot_username", mode="before")
    @classmethod
    def _check_bot_username(cls, value: object) -> object:
        if isinstance(value, str):
            return clean_bot_username(value) if value.strip() else None
        return value

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        try:
            return parse_database_url(value).render_as_string(hide_password=False)
        except DatabaseUrlError as exc:
            raise ValueError(str(exc)) from exc

    @field_validator("telegram_api_base_url")
    @classmethod
    def _check_base_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"'{value}' is not an http(s) URL")
        return value

    @field_validator("webhook_url", mode="before")
    @classmethod
    def _check_webhook_url(cls, value: object) -> object:
        if isinstance(value, str):
            cleaned = value.strip()
            if not cleaned:
                return None  # left empty in .env: long polling
            if not cleaned.startswith(("https://", "http://")):
                raise ValueError(f"'{cleaned}' is not an https URL (Telegram posts only to https)")
            return cleaned
        return value

    @field_validator("webhook_secret_token", mode="before")
    @classmethod
    def _check_secret_token(cls, value: object) -> object:
        if isinstance(value, str):
            cleaned = value.strip()
            if not cleaned:
                return None
            if not WEBHOOK_SECRET.fullmatch(cleaned):
                raise ValueError(
                    "must be 1-256 characters: letters, digits, _ and - (Telegram's rule)"
                )
            return cleaned
        return value

    @field_validator("health_listen", mode="before")
    @classmethod
    def _empty_is_default(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def webhook_secret(self) -> str:
        """The secret Telegram sends with every webhook request: WEBHOOK_SECRET_TOKEN, or one
        derived from the bot token (the same on every instance, and useless without it)."""
        if self.webhook_secret_token is not None:
            return self.webhook_secret_token.get_secret_value()
        digest = hmac.new(
            self.require_token().encode(), b"steunpunt webhook secret", hashlib.sha256
        )
        return digest.hexdigest()

    @property
    def health_address(self) -> str:
        if self.health_listen is not None:
            return self.health_listen
        return self.webhook_listen if self.webhook_url else "127.0.0.1"

    @field_validator("shared_send_limit")
    @classmethod
    def _needs_postgres(cls, value: str, info: ValidationInfo) -> str:
        url = str(info.data.get("database_url", ""))
        if value == "on" and not url.startswith("postgresql"):
            raise ValueError(
                "on needs PostgreSQL (several instances share one PostgreSQL database); "
                "use auto or off with SQLite"
            )
        return value

    @property
    def shares_send_limit(self) -> bool:
        """Whether sends are counted in the database, shared with other instances."""
        if self.shared_send_limit == "auto":
            return self.database_url.startswith("postgresql")
        return self.shared_send_limit == "on"

    @property
    def telegram_api_base_file_url(self) -> str:
        """`https://api.telegram.org/bot` → `https://api.telegram.org/file/bot`."""
        prefix, _, last = self.telegram_api_base_url.rstrip("/").rpartition("/")
        return f"{prefix}/file/{last}"

    @property
    def digest_time_of_day(self) -> time:
        hours, minutes = self.digest_time.split(":")
        return time(int(hours), int(minutes))

    def require_token(self) -> str:
        if self.telegram_bot_token is None or not self.telegram_bot_token.get_secret_value():
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather and put it in "
                "the environment or in a .env file."
            )
        return self.telegram_bot_token.get_secret_value()


_FIELD_TO_ENV = {
    "telegram_bot_token": "TELEGRAM_BOT_TOKEN",
    "telegram_api_base_url": "TELEGRAM_API_BASE_URL",
    "telegram_bot_username": "TELEGRAM_BOT_USERNAME",
    "database_url": "DATABASE_URL",
    "steunpunt_admins": "STEUNPUNT_ADMINS",
    "steunpunt_timezone": "STEUNPUNT_TIMEZONE",
    "steunpunt_language": "STEUNPUNT_LANGUAGE",
    "answer_retention_months": "ANSWER_RETENTION_MONTHS",
    "digest_enabled": "DIGEST_ENABLED",
    "digest_weekday": "DIGEST_WEEKDAY",
    "digest_time": "DIGEST_TIME",
    "steunpunt_channel_id": "STEUNPUNT_CHANNEL_ID",
    "webhook_url": "WEBHOOK_URL",
    "webhook_listen": "WEBHOOK_LISTEN",
    "webhook_port": "WEBHOOK_PORT",
    "webhook_secret_token": "WEBHOOK_SECRET_TOKEN",
    "health_port": "HEALTH_PORT",
    "health_listen": "HEALTH_LISTEN",
    "shared_send_limit": "SHARED_SEND_LIMIT",
    "database_wait_seconds": "DATABASE_WAIT_SECONDS",
}


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning validation errors into one readable sentence."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "?"
            message = str(error["msg"]).removeprefix("Value error, ")
            if error["type"] == "literal_error":
                choices = LANGUAGES if field == "steunpunt_language" else ("auto", "on", "off")
                message = f"must be one of {', '.join(choices)}"
            elif error["type"] == "bool_parsing":
                message = f"'{error['input']}' is neither true nor false"
            problems.append(f"{_FIELD_TO_ENV.get(field, field.upper())}: {message}")
        raise ConfigError("Invalid configuration — " + "; ".join(problems) + ".") from exc
