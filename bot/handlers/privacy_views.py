"""What the privacy commands show: the /forget confirmation and its outcome."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.handlers import routes
from bot.handlers.base import keyboard
from bot.services.common import Language
from bot.services.privacy import ForgetPreview, Forgotten
from bot.services.templates import Question
from bot.texts import Safe, t


def forget_question(
    language: Language, preview: ForgetPreview, person_id: int
) -> tuple[Safe, InlineKeyboardMarkup]:
    parts = [t(language, "forget.ask")]
    if preview.sole_coordinator_of:
        teams = ", ".join(preview.sole_coordinator_of)
        parts.append(t(language, "forget.sole_coordinator", teams=teams))
    markup = keyboard(
        [
            [
                (
                    t(language, "forget.confirm"),
                    routes.FORGET_CONFIRMED.build(person_id=person_id),
                )
            ],
            [(t(language, "forget.cancel"), routes.FORGET_CANCEL.build())],
        ]
    )
    return Safe("\n\n".join(parts)), markup


def forgotten(language: Language, result: Forgotten) -> Safe:
    kept = (
        t(language, "forget.kept", count=result.shared_lessons_kept)
        if result.shared_lessons_kept
        else ""
    )
    return t(language, "forget.done", kept=Safe(kept))


def question_label(language: Language, question: Question) -> str:
    """A check-in question as the person was asked it: the coordinator's words, or the
    catalog text of a built-in question (plain text, for the /mydata file)."""
    if question.text:
        return question.text
    return t(language, question.key) if question.key else ""
