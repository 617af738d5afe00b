"""Check-in question templates. Built-in questions are catalog keys (asked in each member's own
language); custom questions are the coordinator's own words."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.services.common import check_length

LESSON = "lesson"
NEXT_STEP = "next_step"
MAX_CUSTOM_QUESTIONS = 10


@dataclass(frozen=True)
class Question:
    key: str | None  # catalog key of a built-in question
    text: str | None  # a coordinator's own question
    role: str | None = None  # LESSON, NEXT_STEP or None

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "text": self.text, "role": self.role}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Question:
        return cls(data.get("key"), data.get("text"), data.get("role"))


def _builtin(name: str, count: int, roles: dict[int, str]) -> tuple[Question, ...]:
    return tuple(Question(f"question.{name}.{i}", None, roles.get(i)) for i in range(count))


TEMPLATES: dict[str, tuple[Question, ...]] = {
    "default": _builtin("default", 5, {3: LESSON, 4: NEXT_STEP}),
    "start_stop_continue": _builtin("start_stop_continue", 3, {0: NEXT_STEP}),
    "four_ls": _builtin("four_ls", 4, {1: LESSON}),
    "mad_sad_glad": _builtin("mad_sad_glad", 3, {}),
}
RETRO = _builtin("retro", 5, {3: LESSON, 4: NEXT_STEP})
# The built-in questions whose answers a summary quotes as "what went well" and as "what got in
# the way" (blockers). Coordinators' own
# questions are not guessed at.
WENT_WELL = frozenset(
    {
        "question.default.1",
        "question.start_stop_continue.2",
        "question.four_ls.0",
        "question.mad_sad_glad.2",
        "question.retro.1",
    }
)
BLOCKERS = frozenset(
    {
        "question.default.2",
        "question.four_ls.2",
        "question.mad_sad_glad.0",
        "question.mad_sad_glad.1",
        "question.retro.2",
    }
)
TEMPLATE_NAMES = (*TEMPLATES, "custom")


def questions_for(template: str, custom: list[Question]) -> tuple[Question, ...]:
    if template == "custom" and custom:
        return tuple(custom)
    return TEMPLATES.get(template, TEMPLATES["default"])


def parse_custom_questions(raw: str) -> list[Question]:
    """One question per line; '(les)' marks the lesson question, '(actie)' the next step."""
    questions = []
    for line in raw.splitlines():
        text = " ".join(line.split()).lstrip("-•*0123456789. ").strip()
        if not text:
            continue
        role = None
        lowered = text.lower()
        for marker, marker_role in (
            ("(les)", LESSON),
            ("(lesson)", LESSON),
            ("(actie)", NEXT_STEP),
            ("(action)", NEXT_STEP),
        ):
            if lowered.endswith(marker):
                text, role = text[: -len(marker)].strip(), marker_role
                break
        if text:
            questions.append(Question(None, check_length(text), role))
    return questions[:MAX_CUSTOM_QUESTIONS]


class StepKind(StrEnum):
    MOOD = "mood"
    ACTION = "action"
    TEXT = "text"


@dataclass(frozen=True)
class Step:
    """One thing a check-in asks one member: the mood, an open action, or question N of the
    run's questions. Stored in the prompt as JSON (through `as_json`/`from_json` only)."""

    kind: StepKind
    key: str  # unique within a prompt; answers are stored under it
    action_id: int | None = None
    action_text: str | None = None
    question_index: int | None = None

    @classmethod
    def mood(cls) -> Step:
        return cls(StepKind.MOOD, "mood")

    @classmethod
    def action(cls, action_id: int, text: str) -> Step:
        return cls(StepKind.ACTION, f"action:{action_id}", action_id=action_id, action_text=text)

    @classmethod
    def question(cls, index: int) -> Step:
        return cls(StepKind.TEXT, f"q:{index}", question_index=index)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"key": self.key, "kind": self.kind.value}
        if self.kind is StepKind.ACTION:
            data |= {"action_id": self.action_id, "text": self.action_text}
        elif self.kind is StepKind.TEXT:
            data["question"] = self.question_index
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Step:
        kind = StepKind(data["kind"])
        if kind is StepKind.ACTION:
            return cls.action(int(data["action_id"]), str(data.get("text") or ""))
        if kind is StepKind.TEXT:
            return cls.question(int(data["question"]))
        return cls.mood()


def steps_as_json(steps: list[Step]) -> dict[str, Any]:
    return {"steps": [step.as_json() for step in steps]}


def steps_from_json(data: dict[str, Any]) -> list[Step]:
    return [Step.from_json(item) for item in data.get("steps", [])]


def questions_as_json(questions: tuple[Question, ...] | list[Question]) -> dict[str, Any]:
    return {"questions": [question.as_json() for question in questions]}


def questions_from_json(data: dict[str, Any]) -> list[Question]:
    return [Question.from_json(item) for item in data.get("questions", [])]


def blocker_steps(data: dict[str, Any]) -> frozenset[str]:
    """The step keys ("q:2") of a run's blocker questions, from its questions JSON."""
    return frozenset(
        f"q:{index}"
        for index, question in enumerate(questions_from_json(data))
        if question.key in BLOCKERS
    )
