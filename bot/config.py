"""Settings from the environment and an optional `.env` file (see deploy/.env.example)."""

from __future__ import annotations

import zoneinfo
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from storage.database import DatabaseUrlError, parse_database_url

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
Language = Literal["nl", "en"]
LANGUAGES: tuple[Language, ...] = ("nl", "en")


class ConfigError(Exception):
    """Configuration that cannot work; the message is one sentence for whoever runs the bot."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = DEFAULT_API_BASE_URL
    database_url: str = "sqlite+aiosqlite:///steunpunt.db"
    steunpunt_admins: Annotated[frozenset[int], NoDecode] = Field(default_factory=frozenset)
    steunpunt_timezone: str = "Europe/Amsterdam"
    steunpunt_language: Language = "nl"
    # Raw check-in answers are deleted this many months after their check-in closed (AVG:
    # keep no longer than needed); participation and mood figures are kept.
    answer_retention_months: int = Field(default=24, ge=1, le=1200)

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

    @property
    def telegram_api_base_file_url(self) -> str:
        """`https://api.telegram.org/bot` → `https://api.telegram.org/file/bot`."""
        prefix, _, last = self.telegram_api_base_url.rstrip("/").rpartition("/")
        return f"{prefix}/file/{last}"

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
    "database_url": "DATABASE_URL",
    "steunpunt_admins": "STEUNPUNT_ADMINS",
    "steunpunt_timezone": "STEUNPUNT_TIMEZONE",
    "steunpunt_language": "STEUNPUNT_LANGUAGE",
    "answer_retention_months": "ANSWER_RETENTION_MONTHS",
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
                message = f"must be one of {', '.join(LANGUAGES)}"
            problems.append(f"{_FIELD_TO_ENV.get(field, field.upper())}: {message}")
        raise ConfigError("Invalid configuration — " + "; ".join(problems) + ".") from exc
