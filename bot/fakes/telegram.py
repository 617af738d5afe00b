"""A fake Bot API that answers like Telegram and remembers everything the bot sent.

`FakeTelegram` holds the state (chats, messages, pending updates) and answers Bot API
methods; `FakeBotRequest` plugs it into PTB as a `BaseRequest`, so the real `Application`
talks to it without any network. The same object can sit behind a local HTTP server.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import re
import struct
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

JsonDict = dict[str, Any]

# Tags Telegram accepts with parse_mode=HTML.
ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
    "tg-spoiler", "span", "blockquote", "tg-emoji",
}  # fmt: skip
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_TOAST = 200
MAX_CALLBACK_DATA = 64
MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # what a bot may upload through the Bot API
MAX_PHOTO_BYTES = 10 * 1024 * 1024  # a photo is smaller, and must really be an image
MAX_PHOTO_SIDES = 10_000  # width + height
# The methods that send a new file, and the parameter that holds it.
_FILE_METHODS = {"senddocument": "document", "sendphoto": "photo"}
# Parameters that PTB sends JSON-encoded; everything else is a plain string.
_JSON_PARAMS = {
    "chat_id", "message_id", "reply_markup", "commands", "scope", "allowed_updates", "offset",
    "limit", "timeout", "show_alert", "disable_notification", "protect_content",
    "link_preview_options", "reply_parameters", "entities", "user_id", "cache_time",
    "drop_pending_updates", "from_chat_id", "message_ids",
}  # fmt: skip


class ApiError(Exception):
    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


@dataclass(frozen=True)
class Button:
    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request: (file name, bytes, MIME type) as PTB sends it."""

    file_name: str | None
    content: bytes
    mime_type: str | None = None


@dataclass
class BotMessage:
    """A message as its reader sees it (HTML resolved), kept current through edits."""

    chat_id: int
    message_id: int
    html: str
    text: str  # for a document: its caption
    buttons: list[list[Button]]
    raw: JsonDict
    edits: int = 0
    document: Upload | None = None  # a document's or a photo's file
    photo: bool = False

    def button_texts(self) -> list[str]:
        return [button.text for row in self.buttons for button in row]


class ApiTimeoutError(Exception):
    """The call gets no answer in time (raised as PTB's `TimedOut` by `FakeBotRequest`)."""


@dataclass
class ApiCall:
    method: str
    params: JsonDict
    # When the call arrived (time.monotonic, one clock for every process on the machine).
    at: float = field(default_factory=time.monotonic)


_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")


@dataclass(frozen=True)
class Webhook:
    """Where Telegram posts updates (setWebhook), and the secret it sends along."""

    url: str
    secret_token: str | None


# Methods that put a message in a chat; only these count against the flood limits.
FLOOD_LIMITED = ("send", "copyMessage", "forwardMessage", "editMessage")


@dataclass(frozen=True)
class FloodLimits:
    """Telegram's limits per bot: messages overall, new messages per private chat (about one
    a second, a short burst passes) and messages per group."""

    overall: int = 30
    period: float = 1.0
    private: int = 3
    private_period: float = 3.0
    group: int = 20
    group_period: float = 60.0


@dataclass
class PlannedFailure:
    method: str
    status: int
    description: str
    chat_id: int | None = None
    retry_after: int | None = None
    # A timeout (no answer) instead of an error; `done_anyway`: Telegram did the call first.
    timeout: bool = False
    done_anyway: bool = False


@dataclass
class FakeUser:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "nl"

    def as_json(self) -> JsonDict:
        data: JsonDict = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data

    def private_chat(self) -> JsonDict:
        chat: JsonDict = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            chat["last_name"] = self.last_name
        if self.username:
            chat["username"] = self.username
        return chat


@dataclass
class FakeGroup:
    id: int
    title: str
    type: str = "supergroup"

    def as_json(self) -> JsonDict:
        return {"id": self.id, "type": self.type, "title": self.title}


class _VisibleText(HTMLParser):
    """Turns Telegram HTML into the text a reader sees, rejecting what Telegram rejects."""

    def __init__(self) -> None:
        # Entities are kept as written and resolved at the end, so a "<" in the data is one
        # that was typed as is: Telegram refuses it as the start of a tag.
        super().__init__(convert_charrefs=False)
        self.parts: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            raise ApiError(
                400, f'Bad Request: can\'t parse entities: unsupported start tag "{tag}"'
            )
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            raise ApiError(400, f'Bad Request: can\'t parse entities: unexpected end tag "{tag}"')
        self.open.pop()

    def handle_data(self, data: str) -> None:
        if "<" in data:
            raise ApiError(400, 'Bad Request: can\'t parse entities: unsupported start tag ""')
        self.parts.append(data)

    def handle_entityref(self, name: str) -> None:
        self.parts.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.parts.append(f"&#{name};")

    @staticmethod
    def _refuse(data: str) -> None:
        raise ApiError(400, f'Bad Request: can\'t parse entities: unsupported tag "<{data[:10]}"')

    # Comments, declarations and processing instructions are no Telegram tags either.
    def handle_comment(self, data: str) -> None:
        self._refuse(data)

    def handle_decl(self, decl: str) -> None:
        self._refuse(decl)

    def handle_pi(self, data: str) -> None:
        self._refuse(data)

    def unknown_decl(self, data: str) -> None:
        self._refuse(data)


def visible_text(text: str, parse_mode: str | None) -> str:
    if parse_mode is None:
        return text
    if parse_mode.upper() != "HTML":
        raise ApiError(400, f"Bad Request: unsupported parse_mode {parse_mode}")
    parser = _VisibleText()
    parser.feed(text)
    parser.close()
    if parser.open:
        raise ApiError(400, "Bad Request: can't parse entities: unclosed tag")
    return html.unescape("".join(parser.parts))


def _check_length(text: str) -> None:
    """Telegram counts the visible text in UTF-16 code units (an emoji like 😄 counts two)."""
    if len(text.encode("utf-16-le")) // 2 > MAX_TEXT:
        raise ApiError(400, "Bad Request: message is too long")


def _buttons(markup: JsonDict | None) -> list[list[Button]]:
    if not markup:
        return []
    rows: list[list[Button]] = []
    for row in markup.get("inline_keyboard", []):
        buttons = []
        for item in row:
            data = item.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            if not item.get("text"):
                raise ApiError(
                    400, "Bad Request: text buttons are unallowed in the inline keyboard"
                )
            buttons.append(Button(item["text"], data, item.get("url")))
        rows.append(buttons)
    return rows


def decode_params(raw: dict[str, str]) -> JsonDict:
    """Undo PTB's form encoding: JSON for structured parameters, strings for the rest."""
    decoded: JsonDict = {}
    for key, value in raw.items():
        decoded[key] = json.loads(value) if key in _JSON_PARAMS else value
    return decoded


@dataclass
class FakeTelegram:
    bot_id: int = 7_000_000_001
    bot_username: str = "steunpunt_test_bot"
    bot_name: str = "Steunpunt"
    calls: list[ApiCall] = field(default_factory=list)
    messages: dict[int, list[BotMessage]] = field(default_factory=dict)
    commands: dict[str, list[JsonDict]] = field(default_factory=dict)
    callback_answers: list[JsonDict] = field(default_factory=list)
    blocked_by: set[int] = field(default_factory=set)
    failures: list[PlannedFailure] = field(default_factory=list)
    # Every message the bot sent or edited, in order (an edited message appears again).
    outbox: list[BotMessage] = field(default_factory=list)
    # Telegram's flood limits, answered with 429 past them; None: no limits (most tests).
    flood_limits: FloodLimits | None = None
    flood_refusals: list[ApiCall] = field(default_factory=list)
    webhook: Webhook | None = None

    def __post_init__(self) -> None:
        self._chats: dict[int, JsonDict] = {}
        self._ids = itertools.count(100_001)
        self._message_ids = itertools.count(1)
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._pending: list[JsonDict] = []
        self._update_arrived = asyncio.Event()
        self._flood_windows: dict[int | str, deque[float]] = {}

    # --- the world: people, groups, and what they do ------------------------------------------

    def user(
        self,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "nl",
        user_id: int | None = None,
    ) -> FakeUser:
        return FakeUser(user_id or next(self._ids), first_name, last_name, username, language_code)

    def group(self, title: str) -> FakeGroup:
        group = FakeGroup(-(1_000_000_000_000 + next(self._ids)), title)
        self._chats[group.id] = group.as_json()
        return group

    def next_update_id(self) -> int:
        """A new update id, as Telegram gives every update (an edit too) its own."""
        return next(self._update_ids)

    def message_update(self, user: FakeUser, text: str, chat: FakeGroup | None = None) -> JsonDict:
        """The update Telegram delivers when `user` sends `text` (in a private chat or `chat`)."""
        chat_json = chat.as_json() if chat else user.private_chat()
        self._chats[chat_json["id"]] = chat_json
        message: JsonDict = {
            "message_id": next(self._message_ids),
            "date": int(datetime.now(UTC).timestamp()),
            "chat": chat_json,
            "from": user.as_json(),
            "text": text,
        }
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return {"update_id": next(self._update_ids), "message": message}

    def media_update(self, user: FakeUser, kind: str, payload: JsonDict) -> JsonDict:
        """A non-text message, e.g. kind='voice' with a file description."""
        update = self.message_update(user, "")
        del update["message"]["text"]
        update["message"][kind] = payload
        return update

    def callback_update(self, user: FakeUser, message: BotMessage, data: str) -> JsonDict:
        return {
            "update_id": next(self._update_ids),
            "callback_query": {
                "id": str(next(self._callback_ids)),
                "from": user.as_json(),
                "chat_instance": str(message.chat_id),
                "message": message.raw,
                "data": data,
            },
        }

    def find_button(self, chat_id: int, text: str) -> tuple[BotMessage, Button]:
        """The newest message in the chat with a button labelled `text` (exact, else prefix)."""
        for message in reversed(self.messages.get(chat_id, [])):
            for exact in (True, False):
                for button in (b for row in message.buttons for b in row):
                    if button.text == text if exact else button.text.startswith(text):
                        return message, button
        shown = [b for m in self.messages.get(chat_id, []) for b in m.button_texts()]
        raise LookupError(f"no button {text!r} in chat {chat_id}; buttons seen: {shown}")

    # --- queued updates for getUpdates (HTTP long polling) -----------------------------------

    def enqueue(self, update: JsonDict) -> None:
        self._pending.append(update)
        self._update_arrived.set()

    async def next_updates(self, offset: int | None, limit: int, wait: float) -> list[JsonDict]:
        if offset is not None:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        if not self._pending and wait > 0:
            self._update_arrived.clear()
            try:
                await asyncio.wait_for(self._update_arrived.wait(), wait)
            except TimeoutError:
                return []
        return self._pending[:limit]

    # --- answering Bot API methods ---------------------------------------------------------

    def fail_next(
        self,
        method: str,
        status: int = 400,
        description: str = "Bad Request: planned failure",
        chat_id: int | None = None,
        retry_after: int | None = None,
    ) -> None:
        self.failures.append(PlannedFailure(method, status, description, chat_id, retry_after))

    def time_out_next(
        self, method: str, chat_id: int | None = None, *, done_anyway: bool = False
    ) -> None:
        """The next such call gets no answer in time; with `done_anyway`, Telegram carried it
        out all the same (the message arrived, the bot cannot know)."""
        self.failures.append(
            PlannedFailure(method, 0, "timed out", chat_id, timeout=True, done_anyway=done_anyway)
        )

    def bot_json(self) -> JsonDict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_name,
            "username": self.bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def answer(
        self, method: str, params: JsonDict, uploads: dict[str, Upload] | None = None
    ) -> tuple[int, JsonDict]:
        """Answer one Bot API call as Telegram would: (HTTP status, JSON body). `uploads` are
        the file parts of a multipart request, by field name."""
        call = ApiCall(method, params)
        self.calls.append(call)
        try:
            self._check_flood(call)
            timeout = self._planned_failure(method, params)
            if timeout is not None:
                if timeout.done_anyway:
                    self.answer_unplanned(method, params, uploads)
                raise ApiTimeoutError(method)
            if method.lower() in _FILE_METHODS:
                kind = _FILE_METHODS[method.lower()]
                return 200, {"ok": True, "result": self._send_file(kind, params, uploads or {})}
            if uploads:
                raise ApiError(400, f"Bad Request: {method} takes no files")
            handler = getattr(self, f"_api_{method.lower()}", None)
            if handler is None:
                raise ApiError(404, "Not Found")
            return 200, {"ok": True, "result": handler(params)}
        except ApiError as error:
            body: JsonDict = {
                "ok": False,
                "error_code": error.status,
                "description": error.description,
            }
            if error.retry_after is not None:
                body["parameters"] = {"retry_after": error.retry_after}
            return error.status, body

    def answer_unplanned(
        self, method: str, params: JsonDict, uploads: dict[str, Upload] | None = None
    ) -> None:
        if method.lower() in _FILE_METHODS:
            self._send_file(_FILE_METHODS[method.lower()], params, uploads or {})
            return
        handler = getattr(self, f"_api_{method.lower()}", None)
        if handler is not None:
            handler(params)

    def _check_flood(self, call: ApiCall) -> None:
        """Refuse a message past the flood limits, as Telegram does, with a 429."""
        limits = self.flood_limits
        if (
            limits is None
            or not call.method.startswith(FLOOD_LIMITED)
            or call.method in ("sendChatAction",)
        ):
            return
        chat = call.params.get("chat_id")
        checks: list[tuple[int | str, int, float]] = [("all", limits.overall, limits.period)]
        if isinstance(chat, int) and chat > 0:
            # About one new message a second per private chat; edits add no message.
            if not call.method.startswith("editMessage"):
                checks.append((chat, limits.private, limits.private_period))
        elif isinstance(chat, int | str) and chat is not None:
            checks.append((f"group {chat}", limits.group, limits.group_period))
        for key, limit, period in checks:
            window = self._flood_windows.setdefault(key, deque())
            while window and window[0] <= call.at - period:
                window.popleft()
            if len(window) >= limit:
                self.flood_refusals.append(call)
                raise ApiError(429, "Too Many Requests: retry after 1", retry_after=1)
        for key, _limit, _period in checks:
            self._flood_windows[key].append(call.at)

    def _planned_failure(self, method: str, params: JsonDict) -> PlannedFailure | None:
        """Raise the failure planned for this call; a planned timeout is returned instead."""
        for failure in self.failures:
            if failure.method.lower() == method.lower() and failure.chat_id in (
                None,
                params.get("chat_id"),
            ):
                self.failures.remove(failure)
                if failure.timeout:
                    return failure
                raise ApiError(failure.status, failure.description, failure.retry_after)
        return None

    def _api_getme(self, _params: JsonDict) -> JsonDict:
        return self.bot_json()

    def _api_deletewebhook(self, _params: JsonDict) -> bool:
        self.webhook = None
        return True

    def _api_setwebhook(self, params: JsonDict) -> bool:
        url = str(params.get("url") or "")
        if not url:
            return self._api_deletewebhook(params)
        parts = urlsplit(url)
        # Telegram posts only to https on a few ports; a local Bot API server (and this fake,
        # for tests on loopback) also to http.
        loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
        if parts.scheme != "https" and not loopback:
            raise ApiError(400, "Bad Request: bad webhook: HTTPS url must be provided for webhook")
        if not loopback and (parts.port or 443) not in (443, 80, 88, 8443):
            raise ApiError(
                400,
                "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443",
            )
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_TOKEN.fullmatch(str(secret)):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        self.webhook = Webhook(url, None if secret is None else str(secret))
        return True

    def _api_getwebhookinfo(self, _params: JsonDict) -> JsonDict:
        url = self.webhook.url if self.webhook else ""
        return {"url": url, "has_custom_certificate": False, "pending_update_count": 0}

    def _api_getupdates(self, _params: JsonDict) -> list[JsonDict]:
        return []  # the HTTP server answers getUpdates itself, with long polling

    def _api_setmycommands(self, params: JsonDict) -> bool:
        for command in params["commands"]:
            name, description = command["command"], command["description"]
            if not (
                1 <= len(name) <= 32 and name == name.lower() and name.replace("_", "").isalnum()
            ):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[params.get("language_code", "")] = list(params["commands"])
        return True

    def _api_answercallbackquery(self, params: JsonDict) -> bool:
        # A toast is plain text (no parse mode) of at most 200 characters.
        if len(str(params.get("text", "")).encode("utf-16-le")) // 2 > MAX_TOAST:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self.callback_answers.append(params)
        return True

    def _chat(self, chat_id: Any) -> JsonDict:
        try:
            chat = self._chats[int(chat_id)]
        except (KeyError, ValueError):
            raise ApiError(400, "Bad Request: chat not found") from None
        if chat["id"] in self.blocked_by:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    def _api_sendmessage(self, params: JsonDict) -> JsonDict:
        chat = self._chat(params.get("chat_id"))
        html_text = str(params.get("text", ""))
        text = visible_text(html_text, params.get("parse_mode"))
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        _check_length(text)
        buttons = _buttons(params.get("reply_markup"))
        raw: JsonDict = {
            "message_id": next(self._message_ids),
            "date": int(datetime.now(UTC).timestamp()),
            "chat": chat,
            "from": self.bot_json(),
            "text": text,
        }
        if params.get("reply_markup"):
            raw["reply_markup"] = params["reply_markup"]
        message = BotMessage(chat["id"], raw["message_id"], html_text, text, buttons, raw)
        self.messages.setdefault(chat["id"], []).append(message)
        self.outbox.append(message)
        return raw

    def _send_file(self, kind: str, params: JsonDict, uploads: dict[str, Upload]) -> JsonDict:
        """sendDocument or sendPhoto with a new file, as multipart/form-data (the only way the
        bot sends one: it never re-sends file ids or URLs)."""
        chat = self._chat(params.get("chat_id"))
        reference = params.get(kind)
        if isinstance(reference, str) and reference.startswith("attach://"):
            upload = uploads.get(reference.removeprefix("attach://"))
        elif reference is None:
            upload = uploads.get(kind)
        else:
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        if upload is None:
            raise ApiError(400, f"Bad Request: there is no {kind} in the request")
        if kind == "document" and not upload.file_name:
            raise ApiError(400, "Bad Request: file name is missing")
        if not upload.content:
            raise ApiError(400, "Bad Request: file must be non-empty")
        if len(upload.content) > (MAX_UPLOAD_BYTES if kind == "document" else MAX_PHOTO_BYTES):
            raise ApiError(413, "Request Entity Too Large")
        html_caption = str(params.get("caption", ""))
        caption = visible_text(html_caption, params.get("parse_mode"))
        # Counted like a message's text: in UTF-16 code units (an emoji like 📥 counts two).
        if len(caption.encode("utf-16-le")) // 2 > MAX_CAPTION:
            raise ApiError(400, "Bad Request: message caption is too long")
        buttons = _buttons(params.get("reply_markup"))
        raw: JsonDict = {
            "message_id": next(self._message_ids),
            "date": int(datetime.now(UTC).timestamp()),
            "chat": chat,
            "from": self.bot_json(),
        }
        number = len(self.outbox) + 1
        if kind == "document":
            raw["document"] = {
                "file_id": f"document-{number}",
                "file_unique_id": f"unique-{number}",
                "file_name": upload.file_name,
                "mime_type": upload.mime_type or "application/octet-stream",
                "file_size": len(upload.content),
            }
        else:
            width, height = _image_size(upload.content)
            raw["photo"] = [
                {
                    "file_id": f"photo-{number}",
                    "file_unique_id": f"unique-{number}",
                    "width": width,
                    "height": height,
                    "file_size": len(upload.content),
                }
            ]
        if caption:
            raw["caption"] = caption
        if params.get("reply_markup"):
            raw["reply_markup"] = params["reply_markup"]
        message = BotMessage(
            chat["id"],
            raw["message_id"],
            html_caption,
            caption,
            buttons,
            raw,
            document=upload,
            photo=kind == "photo",
        )
        self.messages.setdefault(chat["id"], []).append(message)
        self.outbox.append(message)
        return raw

    def _find_message(self, params: JsonDict) -> BotMessage:
        chat = self._chat(params.get("chat_id"))
        for message in self.messages.get(chat["id"], []):
            if message.message_id == int(params.get("message_id", 0)):
                return message
        raise ApiError(400, "Bad Request: message to edit not found")

    def _api_editmessagetext(self, params: JsonDict) -> JsonDict:
        message = self._find_message(params)
        html_text = str(params.get("text", ""))
        text = visible_text(html_text, params.get("parse_mode"))
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        _check_length(text)
        markup = params.get("reply_markup")
        if html_text == message.html and markup == message.raw.get("reply_markup"):
            raise ApiError(400, "Bad Request: message is not modified")
        message.buttons = _buttons(markup)
        message.html, message.text = html_text, text
        message.raw = {**message.raw, "text": text, "edit_date": int(datetime.now(UTC).timestamp())}
        message.raw.pop("reply_markup", None)
        if markup:
            message.raw["reply_markup"] = markup
        message.edits += 1
        self.outbox.append(message)
        return message.raw

    def _api_editmessagereplymarkup(self, params: JsonDict) -> JsonDict:
        message = self._find_message(params)
        markup = params.get("reply_markup")
        if markup == message.raw.get("reply_markup"):
            raise ApiError(400, "Bad Request: message is not modified")
        message.buttons = _buttons(markup)
        message.raw.pop("reply_markup", None)
        if markup:
            message.raw["reply_markup"] = markup
        message.edits += 1
        self.outbox.append(message)
        return message.raw


class FakeBotRequest(BaseRequest):
    """PTB's network layer, answered in-process by a `FakeTelegram`."""

    def __init__(self, telegram: FakeTelegram) -> None:
        self.telegram = telegram

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        api_method = url.rstrip("/").rsplit("/", 1)[-1]
        params = decode_params(request_data.json_parameters) if request_data else {}
        try:
            uploads = None
            if request_data is not None and request_data.contains_files:
                uploads = {
                    name: _upload(part) for name, part in request_data.multipart_data.items()
                }
            # Two arguments when there is no file, as tests that wrap `answer` expect.
            if uploads is None:
                status, body = self.telegram.answer(api_method, params)
            else:
                status, body = self.telegram.answer(api_method, params, uploads)
        except ApiTimeoutError as timeout:
            raise TimedOut(f"fake Bot API: {timeout} timed out") from None
        return status, json.dumps(body).encode()


def _image_size(content: bytes) -> tuple[int, int]:
    """Width and height of a PNG or JPEG; Telegram refuses a photo that is not an image
    (PHOTO_INVALID_DIMENSIONS for absurd sides)."""
    if content.startswith(b"\x89PNG\r\n\x1a\n") and content[12:16] == b"IHDR":
        width, height = struct.unpack(">II", content[16:24])
    elif content.startswith(b"\xff\xd8"):
        width, height = 1, 1  # the bot sends PNGs; a JPEG's size is not read here
    else:
        raise ApiError(400, "Bad Request: IMAGE_PROCESS_FAILED")
    if width == 0 or height == 0 or width + height > MAX_PHOTO_SIDES:
        raise ApiError(400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
    if max(width, height) > 20 * min(width, height):
        raise ApiError(400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
    return width, height


def _upload(part: object) -> Upload:
    """A multipart file part as PTB hands it over: (file name, content, MIME type)."""
    if not isinstance(part, tuple) or len(part) != 3 or not isinstance(part[1], bytes):
        raise ApiError(400, "Bad Request: a file part is not a file")
    file_name, content, mime_type = part
    return Upload(file_name, content, mime_type)
