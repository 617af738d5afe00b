"""Hypothesis strategies for Telegram updates of every shape, and the settings profiles the fuzz
tests run under.

Profiles (choose with HYPOTHESIS_PROFILE; `ci` is the default):
- `ci`: derandomized (the same examples every run, so CI never flakes on a new one) with a
  budget that keeps tests/test_fuzz.py within a few minutes on SQLite on two cores;
- `dev`: a quick random pass while working;
- `deep`: many random examples, for a night's run; the seed is printed on failure.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from bot.handlers.routes import ROUTES

JsonDict = dict[str, Any]

# Sharing one bot between the examples of a test is the point (a world that keeps its people,
# teams and open check-in), so the function-scoped fixtures are deliberate.
_SHARED_WORLD = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
settings.register_profile(
    "ci",
    deadline=None,
    derandomize=True,
    database=None,
    max_examples=1_000,
    suppress_health_check=_SHARED_WORLD,
    print_blob=True,
)
settings.register_profile(
    "dev", deadline=None, max_examples=60, suppress_health_check=_SHARED_WORLD, print_blob=True
)
settings.register_profile(
    "deep",
    deadline=None,
    max_examples=5_000,
    suppress_health_check=_SHARED_WORLD,
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

MAX_TEXT = 4096
MAX_CALLBACK_BYTES = 64

# --- texts ----------------------------------------------------------------------------------

MARKUP = (
    "<b>", "</b>", "<i>", "<script>", "</script>", "<a href='x'>", "</a>", "<goed>", "&", "&amp;",
    "&lt;", "<", ">", "<tg-spoiler>", "<pre>", "<!--", "]]>", "{name}", "{0}", "%s", "\\",
)  # fmt: skip
ODD = (
    "\x00", "\x01", "\x07", "\x1b", "\x7f", "\n", "\r\n", "\t", "\u200b", "\u200c", "\u200d",
    "\u2060", "\ufeff", "\u202e", "\u202d", "\u2066", "\u00ad", "\u0301", "\ufffd",
    "שלום", "مرحبا", "👍", "👨‍👩‍👧", "🏳️‍🌈", "🇳🇱", "𝕏", "ß", "İ", "ﬁ", "ǅ",
)  # fmt: skip
WORDS = (
    "vergunning", "ratten", "niet", "de het een", "%%%", "#", "#ratten", "1", "5", "0", "-1",
    "99999999999999999999", "09:30", "25:99", "morgen", "1-12", "Europe/London", "Mars/Olympus",
    "now", "nu", "en", "nl", "stad", "subsidies",
)  # fmt: skip
# Letters, digits, punctuation and symbols of every script; no lone surrogates, which Telegram
# cannot carry in UTF-8.
_ANY_CHAR = st.characters(exclude_categories=("Cs",))

fragment = st.one_of(
    st.text(_ANY_CHAR, max_size=40),
    st.sampled_from(MARKUP),
    st.sampled_from(ODD),
    st.sampled_from(WORDS),
)


@st.composite
def texts(draw: st.DrawFn, min_size: int = 0) -> str:
    """0–4,096 characters: short mixes of odd characters and markup, and now and then a long
    one near Telegram's limit."""
    if draw(st.integers(0, 9)) == 0:
        unit = draw(st.lists(fragment, min_size=1, max_size=4).map("".join)) or "x"
        size = draw(st.integers(max(min_size, 1), MAX_TEXT))
        return (unit * (size // len(unit) + 1))[:size]
    text = draw(st.lists(fragment, min_size=0, max_size=8).map("".join))[:MAX_TEXT]
    return text if len(text) >= min_size else text + "x" * (min_size - len(text))


COMMANDS = (
    "start", "help", "join", "newteam", "invite", "team", "linkgroup", "language", "cancel",
    "sprint", "checkin", "skip", "away", "back", "timezone", "lesson", "lessons", "search",
    "summary", "export", "mydata", "forget", "settings", "admin", "START", "x", "_",
)  # fmt: skip


@dataclass(frozen=True)
class Command:
    text: str
    name_length: int  # the bot_command entity's length (command plus any @suffix)
    suffix: str  # "", "@<our bot>" or "@otherbot"


@st.composite
def commands(draw: st.DrawFn, bot_username: str) -> Command:
    name = draw(
        st.one_of(st.sampled_from(COMMANDS), st.from_regex(r"[a-z0-9_]{1,32}", fullmatch=True))
    )
    suffix = draw(st.sampled_from(("", "", f"@{bot_username}", "@otherbot")))
    head = f"/{name}{suffix}"
    args = draw(
        st.one_of(
            st.just(""),
            st.sampled_from(WORDS).map(lambda w: " " + w),
            texts().map(lambda rest: " " + rest),
        )
    )
    return Command((head + args)[:MAX_TEXT], len(head), suffix)


# --- callback data --------------------------------------------------------------------------

PREFIXES = tuple(route.prefix for route in ROUTES)


def _fits(data: str) -> bool:
    return 1 <= len(data.encode()) <= MAX_CALLBACK_BYTES


junk_field = st.one_of(
    st.integers(-(10**25), 10**25).map(str),
    st.integers(0, 12).map(str),  # ids that exist in the world
    st.sampled_from(("", "nl", "en", "team", "city", "anonymous", "done", "-", "09:30", "x" * 40)),
    st.text(_ANY_CHAR, max_size=12),
)


@st.composite
def callback_data(draw: st.DrawFn) -> str:
    """Any data Telegram could deliver: random bytes (≤ 64), a known prefix with junk fields,
    or a known prefix with plausible small ids."""
    kind = draw(st.integers(0, 2))
    if kind == 0:
        raw = draw(st.binary(min_size=1, max_size=MAX_CALLBACK_BYTES))
        data = raw.decode("utf-8", errors="replace")
    else:
        prefix = draw(st.sampled_from(PREFIXES))
        fields = draw(st.lists(junk_field, max_size=4))
        data = ":".join([prefix, *fields])
    while not _fits(data):
        data = data[:-1]
    return data or "x"


# --- media and the rest -----------------------------------------------------------------------


def _file(prefix: str) -> st.SearchStrategy[JsonDict]:
    return st.builds(
        lambda n: {"file_id": f"{prefix}-{n}", "file_unique_id": f"u{prefix}{n}"},
        st.integers(0, 10**6),
    )


MEDIA: dict[str, st.SearchStrategy[Any]] = {
    "sticker": _file("STICKER").map(
        lambda f: {**f, "type": "regular", "width": 512, "height": 512, "is_animated": False,
                   "is_video": False, "emoji": "👍"}
    ),
    "photo": _file("PHOTO").map(lambda f: [{**f, "width": 90, "height": 90}]),
    "voice": _file("VOICE").map(lambda f: {**f, "duration": 3}),
    "audio": _file("AUDIO").map(lambda f: {**f, "duration": 120}),
    "video_note": _file("ROUND").map(lambda f: {**f, "length": 240, "duration": 5}),
    "document": _file("DOC").map(lambda f: {**f, "file_name": "../../etc/passwd<b>.xlsx"}),
    "location": st.builds(
        lambda lat, lon: {"latitude": lat, "longitude": lon},
        st.floats(-90, 90, allow_nan=False),
        st.floats(-180, 180, allow_nan=False),
    ),
    "contact": st.just({"phone_number": "+31600000000", "first_name": "Iemand"}),
    "dice": st.just({"emoji": "🎲", "value": 3}),
    "poll": st.builds(
        lambda question: {
            "id": "POLL-1",
            "question": question or "?",
            "options": [
                {"text": "ja", "voter_count": 0, "persistent_id": "0"},
                {"text": "nee", "voter_count": 0, "persistent_id": "1"},
            ],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": True,
            "type": "regular",
            "allows_multiple_answers": False,
            "allows_revoting": False,
            "members_only": False,
        },
        st.text(_ANY_CHAR, max_size=300),
    ),
}  # fmt: skip
MEDIA_KINDS = tuple(MEDIA)

SERVICE_KINDS = (
    "new_chat_members", "new_chat_members_bot", "left_chat_member", "new_chat_title",
    "migrate_to_chat_id", "migrate_from_chat_id", "group_chat_created", "pinned_message",
    "delete_chat_photo",
)  # fmt: skip

# Update kinds no handler of ours takes (some unknown to this PTB version altogether).
UNKNOWN_KINDS = (
    "inline_query", "chosen_inline_result", "poll_answer", "my_chat_member", "chat_join_request",
    "message_reaction", "shipping_query", "business_message", "future_update",
)  # fmt: skip
