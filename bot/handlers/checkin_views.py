"""How check-in questions, recaps and settings look in Telegram (texts from the catalogs)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from bot.handlers import routes
from bot.handlers.base import ButtonSpec, keyboard
from bot.services.checkin_settings import ScheduleView
from bot.services.checkins import ClosedRun, Recap, StepView
from bot.services.common import Language, text_length
from bot.services.schedule import parse_weekdays
from bot.services.sprints import SprintOverview
from bot.services.templates import (
    LESSON,
    NEXT_STEP,
    Question,
    StepKind,
    questions_for,
    questions_from_json,
)
from bot.texts import CATALOGS, Safe, escaped, t
from bot.texts.formatting import (
    MESSAGE_LIMIT,
    fit_texts,
    format_date,
    shorten,
    visible_length,
)
from storage.models import RunKind

MOOD_FACES = {1: "😫", 2: "😕", 3: "😐", 4: "🙂", 5: "😄"}
ACTION_CHOICES = ("done", "partly", "dropped")
NAMES_LIMIT = 1000
ANSWERED_ACTION = 200


def format_moment(language: Language, moment: datetime, zone: ZoneInfo) -> Safe:
    local = moment.astimezone(zone)
    return t(
        language, "format.moment", date=format_date(language, moment, zone), time=f"{local:%H:%M}"
    )


def step_message(
    language: Language, step: StepView, *, intro: bool = False, changing: bool = False
) -> tuple[Safe, InlineKeyboardMarkup | None]:
    """A question; what people typed in it (the goal, a custom question, an action, the current
    answer) is shortened only where Telegram's limit forces it."""
    markup = None
    if step.kind is StepKind.MOOD:
        markup = keyboard(
            [
                [
                    (
                        f"{value} {face}",
                        routes.CHECKIN_MOOD.build(prompt_id=step.prompt_id, mood=value),
                    )
                    for value, face in MOOD_FACES.items()
                ]
            ]
        )
    elif step.kind is StepKind.ACTION:
        markup = keyboard(
            [
                [
                    (
                        t(language, f"action.{choice}"),
                        routes.CHECKIN_ACTION.build(
                            prompt_id=step.prompt_id, action_id=step.action_id, status=choice
                        ),
                    )
                    for choice in ACTION_CHOICES
                ]
            ]
        )

    def render(limit: int) -> str:
        parts: list[str] = []
        if intro:
            key = "checkin.intro_retro" if step.run_kind is RunKind.RETRO else "checkin.intro"
            parts.append(t(language, key, team=step.team_name, total=step.total))
            if step.sprint_goal:
                parts.append(t(language, "checkin.goal", goal=shorten(step.sprint_goal, limit)))
        counter = t(language, "checkin.counter", number=step.index + 1, total=step.total)
        if step.kind is StepKind.MOOD:
            parts.append(f"{counter} {t(language, 'checkin.mood')}")
        elif step.kind is StepKind.ACTION:
            action = shorten(step.action_text or "", limit)
            parts.append(f"{counter} {t(language, 'checkin.action', action=action)}")
        else:
            assert step.question is not None
            question = typed_question(language, step.question, limit)
            parts.append(f"{counter} {t(language, 'checkin.question', question=question)}")
            if step.question.role == LESSON:
                parts.append(t(language, "checkin.lesson_hint"))
            elif step.question.role == NEXT_STEP:
                parts.append(t(language, "checkin.next_step_hint"))
            if changing:
                if step.current_answer:
                    answer = shorten(step.current_answer, limit)
                    parts.append(t(language, "checkin.current_answer", answer=answer))
                parts.append(t(language, "checkin.send_new_answer"))
            else:
                parts.append(t(language, "checkin.skip_hint"))
        return "\n\n".join(parts)

    typed = [
        step.sprint_goal if intro else None,
        step.action_text if step.kind is StepKind.ACTION else None,
        step.question.text if step.question is not None else None,
        step.current_answer if changing else None,
    ]
    return fit_texts(render, [text_length(x) for x in typed if x])[0], markup


def typed_question(language: Language, question: Question, limit: int) -> Safe:
    """A question as shown: a built-in one from the catalog, a coordinator's own escaped (and
    shortened to `limit`)."""
    if question.text:
        return escaped(shorten(question.text, limit))
    return t(language, question.key or "")


def answered_line(language: Language, step: StepView, mood: int | None, choice: str | None) -> Safe:
    """The line added to a question once its button was pressed."""
    if mood is not None:
        return t(language, "checkin.mood_answered", mood=mood, face=MOOD_FACES[mood])
    return t(
        language,
        "checkin.action_answered",
        action=shorten(step.action_text or "", ANSWERED_ACTION),  # shown whole just above
        choice=t(language, f"action.{choice}"),
    )


def recap_message(
    language: Language, recap: Recap, zone: ZoneInfo
) -> tuple[Safe, InlineKeyboardMarkup | None]:
    """What a member answered. Long answers share what fits in one message; ✏️ shows each whole
    while the check-in is open."""

    def render(limit: int) -> str:
        lines = []
        for item in recap.items:
            step, answer = item.step, item.answer
            if step.kind is StepKind.MOOD:
                label = t(language, "recap.mood")
                value = (
                    t(language, "recap.mood_value", mood=answer.mood)
                    if answer and answer.mood
                    else None
                )
            elif step.kind is StepKind.ACTION:
                label = t(language, "recap.action", action=shorten(step.action_text or "", limit))
                value = t(language, f"action.{answer.text}") if answer and answer.text else None
            else:
                assert item.question is not None
                # What people typed (a coordinator's question, a member's answer) is escaped.
                label = typed_question(language, item.question, limit)
                value = (
                    escaped(shorten(answer.text, limit))
                    if answer is not None and answer.text
                    else None
                )
                if answer is not None and answer.attachment_kind:
                    note = t(language, f"attachment.{answer.attachment_kind}")
                    value = Safe(f"{value} {note}") if value else note
            if answer is None or answer.skipped or value is None:
                value = t(language, "recap.skipped")
            lines.append(t(language, "recap.line", number=item.index + 1, label=label, value=value))
        parts = [t(language, "recap.title", team=recap.team_name), Safe("\n".join(lines))]
        if limit < longest:
            parts.append(t(language, "recap.shortened"))
        if recap.editable:
            until = format_moment(language, recap.closes_at, zone)
            parts.append(t(language, "recap.editable", until=until))
        return "\n\n".join(parts)

    typed: list[str] = []
    for item in recap.items:
        if item.step.kind is StepKind.ACTION:
            typed.append(item.step.action_text or "")
        elif item.step.kind is not StepKind.MOOD:
            typed.append(item.question.text if item.question and item.question.text else "")
            typed.append(item.answer.text if item.answer and item.answer.text else "")
    lengths = [text_length(text) for text in typed if text]
    longest = max(lengths, default=0)
    text = fit_texts(render, lengths)[0]
    markup = None
    if recap.editable:
        buttons: list[ButtonSpec] = [
            (
                f"✏️ {i.index + 1}",
                routes.CHECKIN_CHANGE.build(prompt_id=recap.prompt_id, index=i.index),
            )
            for i in recap.items
        ]
        markup = keyboard([buttons[i : i + 5] for i in range(0, len(buttons), 5)])
    return text, markup


def closed_group_message(language: Language, closed: ClosedRun) -> Safe:
    parts: list[str] = [
        t(
            language,
            "closed.group",
            team=closed.team_name,
            answered=closed.answered,
            prompted=closed.prompted,
        )
    ]
    if closed.share_answers and closed.answers:
        current = None
        size = visible_length(parts[0])
        for label, person, answer in closed.answers:
            lines = []
            if label != current:
                current = label
                # A built-in question's catalog key, or a coordinator's own words (which may
                # look like a key, e.g. "question.x": those are shown as typed).
                shown = t(language, label) if label in CATALOGS["nl"] else label
                lines.append(f"<b>{t(language, 'closed.question', question=shown)}</b>")
            lines.append(t(language, "closed.answer", person=person, answer=answer))
            size += sum(visible_length(line) + 1 for line in lines)
            if size > MESSAGE_LIMIT - 100:
                parts.append("…")
                break
            parts.extend(lines)
    return Safe("\n".join(parts))


def weekday_names(language: Language) -> list[str]:
    return t(language, "format.weekdays").split(",")


def settings_message(language: Language, view: ScheduleView) -> tuple[Safe, InlineKeyboardMarkup]:
    schedule, team_id = view.schedule, view.team.id
    days = parse_weekdays(schedule.weekdays)
    names = weekday_names(language)
    next_slot = view.next_slot
    questions = questions_for(schedule.template, questions_from_json(schedule.custom_questions))
    lines: list[str] = [
        t(language, "settings.title", team=view.team.name),
        t(
            language,
            "settings.when",
            days=", ".join(names[d] for d in sorted(days)) or t(language, "settings.no_days"),
            time=schedule.time_of_day,
            zone=schedule.timezone,
        ),
        t(language, "settings.next", moment=format_moment(language, next_slot, view.rule.zone))
        if next_slot
        else t(language, "settings.no_next"),
        t(
            language,
            "settings.questions",
            template=t(language, f"template.{schedule.template}"),
            count=len(questions),
        ),
    ]
    if schedule.paused:
        lines.append(t(language, "settings.paused"))
    if view.sprint is not None and schedule.skip_sprint_id == view.sprint.id:
        lines.append(t(language, "settings.skipping_sprint"))
    on_off = {True: t(language, "settings.on"), False: t(language, "settings.off")}
    reminder = (
        t(language, "settings.hours", hours=schedule.reminder_after_minutes // 60)
        if schedule.reminder_after_minutes
        else t(language, "settings.off")
    )
    rows: list[list[ButtonSpec]] = [
        [
            (
                ("✅" if d in days else "▫️") + names[d][:2],
                routes.SETTINGS_SET_WEEKDAY.build(team_id=team_id, day=d, on=int(d not in days)),
            )
            for d in range(7)
        ],
        [
            (
                t(language, "settings.button_time", time=schedule.time_of_day),
                routes.SETTINGS_TIME.build(team_id=team_id),
            )
        ],
        [
            (
                t(
                    language,
                    "settings.button_questions",
                    template=t(language, f"template.{schedule.template}"),
                ),
                routes.SETTINGS_TEMPLATE.build(team_id=team_id),
            )
        ],
        [
            (
                t(language, "settings.button_reminder", value=reminder),
                routes.SETTINGS_REMINDER.build(team_id=team_id),
            ),
            (
                t(language, "settings.button_close", hours=schedule.close_after_minutes // 60),
                routes.SETTINGS_CLOSE.build(team_id=team_id),
            ),
        ],
        [
            (
                t(language, "settings.button_holidays", value=on_off[schedule.skip_holidays]),
                routes.SETTINGS_SET_FLAG.build(
                    team_id=team_id, setting="skip_holidays", on=int(not schedule.skip_holidays)
                ),
            )
        ],
        [
            (
                t(language, "settings.button_share", value=on_off[schedule.share_answers_in_group]),
                routes.SETTINGS_SET_FLAG.build(
                    team_id=team_id,
                    setting="share_answers_in_group",
                    on=int(not schedule.share_answers_in_group),
                ),
            )
        ],
        [
            (
                t(
                    language,
                    "settings.button_resume" if schedule.paused else "settings.button_pause",
                ),
                routes.SETTINGS_SET_FLAG.build(
                    team_id=team_id, setting="paused", on=int(not schedule.paused)
                ),
            )
        ],
    ]
    if view.sprint is not None:
        skipping = schedule.skip_sprint_id == view.sprint.id
        rows.append(
            [
                (
                    t(language, "settings.button_unskip" if skipping else "settings.button_skip"),
                    routes.SETTINGS_SET_SKIP.build(team_id=team_id, on=int(not skipping)),
                )
            ]
        )
    rows.append([(t(language, "settings.button_now"), routes.SETTINGS_NOW.build(team_id=team_id))])
    return Safe("\n".join(lines)), keyboard(rows)


def sprint_message(
    language: Language, overview: SprintOverview, zone: ZoneInfo
) -> tuple[Safe, InlineKeyboardMarkup | None]:
    team_id = overview.team.id
    sprint = overview.sprint
    if sprint is None:
        text = t(language, "sprint.none", team=overview.team.name)
        if overview.can_manage:
            start = routes.SPRINT_NEW.build(team_id=team_id)
            return text, keyboard([[(t(language, "sprint.button_start"), start)]])
        return text, None
    parts = [
        t(language, "sprint.title", number=sprint.number, team=overview.team.name),
        t(language, "sprint.goal", goal=sprint.goal),
        t(
            language,
            "sprint.days",
            day=overview.day,
            days=overview.days,
            end=format_date(language, sprint.ends_at, zone),
        ),
        t(
            language,
            "sprint.participation",
            checkins=overview.checkins,
            answered=overview.answered,
            prompted=overview.prompted,
        ),
    ]
    # A big team's names are shortened (/team lists everyone).
    if overview.away:
        names = shorten(", ".join(overview.away), NAMES_LIMIT)
        parts.append(t(language, "sprint.away", names=names))
    if overview.unreachable:
        names = shorten(", ".join(overview.unreachable), NAMES_LIMIT)
        parts.append(t(language, "sprint.unreachable", names=names))
    markup = (
        keyboard(
            [[(t(language, "sprint.button_close"), routes.SPRINT_CLOSE.build(team_id=team_id))]]
        )
        if overview.can_manage
        else None
    )
    return Safe("\n".join(parts)), markup
