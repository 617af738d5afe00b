"""Sprints and check-ins in Telegram: /sprint, /checkin, /skip, /away, /back, /timezone, the
answer buttons, typed answers and the recap."""

from __future__ import annotations

import logging
import zoneinfo
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.handlers import routes
from bot.handlers.base import (
    AfterSend,
    BotApplication,
    Context,
    HandlerGroup,
    keyboard,
    message_caption,
    message_text,
    with_actor,
)
from bot.handlers.checkin_views import (
    answered_line,
    format_moment,
    recap_message,
    settings_message,
    sprint_message,
    step_message,
    typed_question,
)
from bot.handlers.courier import CheckinCourier
from bot.handlers.fallback import TextFlows
from bot.handlers.lesson_views import card_message
from bot.handlers.radar_views import blocker_card_message
from bot.handlers.routes import Route
from bot.services.checkin_settings import CLOSE_CHOICES, REMINDER_CHOICES, CheckinSettings
from bot.services.checkins import CheckinService, CheckinStillOpenError, Outcome, Recap, StepView
from bot.services.common import Actor, ServiceError
from bot.services.conversations import AnswerChangeState, SettingsInputState, SprintState
from bot.services.directory import Directory
from bot.services.permissions import Permission
from bot.services.sprints import DEFAULT_WEEKS, WEEK_CHOICES, SprintService
from bot.services.templates import TEMPLATE_NAMES, StepKind
from bot.texts import Safe, t
from bot.texts.formatting import format_date, short_label
from storage.database import Database
from storage.models import ActionStatus, Team

logger = logging.getLogger(__name__)

ATTACHMENT_KINDS = ("voice", "audio", "photo", "video", "video_note", "document", "sticker")
COMMON_ZONES = (
    "Europe/Amsterdam",
    "Europe/London",
    "Europe/Istanbul",
    "America/Paramaribo",
    "Africa/Casablanca",
)
AWAY_CHOICES = (7, 14, 30)


class CheckinHandlers(HandlerGroup):
    def __init__(
        self,
        directory: Directory,
        database: Database,
        checkins: CheckinService,
        sprints: SprintService,
        settings: CheckinSettings,
        courier: CheckinCourier,
        zone: ZoneInfo,
    ) -> None:
        super().__init__(directory, database)
        self.checkins = checkins
        self.sprints = sprints
        self.settings = settings
        self.courier = courier
        self.zone = zone

    def register(self, application: BotApplication) -> None:
        private = filters.ChatType.PRIVATE
        for name, callback in (
            ("sprint", self.sprint),
            ("checkin", self.checkin),
            ("skip", self.skip),
            ("away", self.away),
            ("back", self.back),
            ("timezone", self.timezone),
        ):
            application.add_handler(CommandHandler(name, callback, filters=private))
        for route, callback in (
            (routes.CHECKIN_MOOD, self.pick_mood),
            (routes.CHECKIN_ACTION, self.pick_action),
            (routes.CHECKIN_CHANGE, self.change),
            (routes.SPRINT, self.show_sprint),
            (routes.SPRINT_NEW, self.new_sprint),
            (routes.SPRINT_LENGTH, self.sprint_length),
            (routes.SPRINT_CLOSE, self.confirm_close_sprint),
            (routes.SPRINT_CLOSE_CONFIRMED, self.close_sprint),
            (routes.SETTINGS, self.show_settings),
            (routes.SETTINGS_WEEKDAY, self.toggle_day),
            (routes.SETTINGS_SET_WEEKDAY, self.set_day),
            (routes.SETTINGS_TIME, self.ask_time),
            (routes.SETTINGS_SET_TIME, self.set_time),
            (routes.SETTINGS_TEMPLATE, self.ask_template),
            (routes.SETTINGS_SET_TEMPLATE, self.set_template),
            (routes.SETTINGS_REMINDER, self.ask_reminder),
            (routes.SETTINGS_SET_REMINDER, self.set_reminder),
            (routes.SETTINGS_CLOSE, self.ask_close),
            (routes.SETTINGS_SET_CLOSE, self.set_close),
            (routes.SETTINGS_TOGGLE, self.toggle),
            (routes.SETTINGS_SET_FLAG, self.set_flag),
            (routes.SETTINGS_SKIP_SPRINT, self.toggle_skip),
            (routes.SETTINGS_SET_SKIP, self.set_skip),
            (routes.SETTINGS_NOW, self.open_now),
            (routes.AWAY, self.away_for),
            (routes.TIMEZONE, self.pick_timezone),
        ):
            application.add_handler(CallbackQueryHandler(callback, pattern=route.pattern))

    def register_flows(self, flows: TextFlows) -> None:
        flows.add(SprintState, self.sprint_text)
        flows.add(SettingsInputState, self.settings_text)
        flows.add(AnswerChangeState, self.change_text)
        flows.default_text = self.answer_text
        flows.default_media = self.answer_media
        flows.edited = self.edited_answer

    # --- answering ------------------------------------------------------------------------------

    async def _show(self, update: Update, context: Context, actor: Actor, outcome: Outcome) -> None:
        """Send the next question (and record that it arrived) or the recap."""
        if isinstance(outcome, Recap):
            await self._show_recap(update, actor, outcome)
            return
        text, markup = step_message(actor.language, outcome)

        async def delivered() -> None:
            await self.checkins.asked(outcome.prompt_id, outcome.index)

        async def undelivered() -> None:
            # The answer is saved; the next check-in round sends this question again.
            logger.warning("next check-in question not delivered; the round will resend it")
            await self.checkins.release(outcome.prompt_id)

        await self.reply(update, text, markup, delivered=delivered, undelivered=undelivered)

    async def _show_recap(self, update: Update, actor: Actor, recap: Recap) -> None:
        """The recap, then the lesson cards (they ask for a choice) and last the blocker cards
        (their themes are stored already; confirming is optional), by the claim/deliver
        protocol: what arrives is recorded; what does not, a later check-in round sends (the
        service claimed them). The cards are recorded together after the last one (a blocker
        card before it on its own, so a later round never shows it twice), and the record of
        the last message also ends the claim."""
        prompt_id, lang = recap.prompt_id, actor.language
        text, markup = recap_message(lang, recap, self.zone)
        if recap.lesson_reopened:
            text = Safe(f"{text}\n\n{t(lang, 'checkin.lesson_reopened')}")
        cards = [
            *((card_message(lang, card), None) for card in recap.lesson_cards),
            *((blocker_card_message(lang, card), card.answer_id) for card in recap.blocker_cards),
        ]
        lost: list[str] = []
        released = False

        async def recap_arrived() -> None:
            nonlocal released
            await self.checkins.recap_delivered(prompt_id, release=not cards)
            released = not cards

        def not_arrived(part: str) -> AfterSend:
            async def note() -> None:
                logger.warning("check-in %s not delivered; a later round sends it", part)
                lost.append(part)

            return note

        def card_arrived(answer_id: int | None, last: bool) -> AfterSend | None:
            async def note() -> None:
                nonlocal released
                if last and "card" not in lost:  # all cards arrived (a blocker's included)
                    await self.checkins.cards_delivered(prompt_id, release=True)
                    released = True
                elif answer_id is not None:
                    await self.checkins.blocker_card_delivered(answer_id)

            return note if answer_id is not None or last else None

        async def let_go() -> None:
            if not released:  # something did not arrive: a later round takes it up
                await self.checkins.release(prompt_id)

        await self.reply(
            update, text, markup, delivered=recap_arrived, undelivered=not_arrived("recap")
        )
        for number, ((card_text, card_markup), answer_id) in enumerate(cards, start=1):
            await self.reply(
                update,
                card_text,
                card_markup,
                delivered=card_arrived(answer_id, number == len(cards)),
                undelivered=not_arrived("card"),
            )
        self.afterwards(let_go)

    async def answer_text(self, update: Update, context: Context, actor: Actor) -> bool:
        message = update.effective_message
        if message is None or message.text is None:
            return False
        outcome = await self.checkins.answer_text(actor, message_text(update), message.message_id)
        if outcome is None:
            return False
        await self._show(update, context, actor, outcome)
        return True

    async def answer_media(self, update: Update, context: Context, actor: Actor) -> bool:
        message = update.effective_message
        found = _attachment(message) if message else None
        if found is None:
            return False
        kind, file_id = found
        outcome = await self.checkins.answer_attachment(
            actor,
            kind,
            file_id,
            message_caption(update),
            message.message_id if message else None,
        )
        if outcome is None:
            return False
        await self.reply(
            update,
            t(
                actor.language,
                "checkin.attachment_kept",
                kind=t(actor.language, f"attachment.{kind}"),
            ),
        )
        await self._show(update, context, actor, outcome)
        return True

    @with_actor
    async def skip(self, update: Update, context: Context, actor: Actor) -> str | None:
        outcome = await self.checkins.skip(actor)
        if outcome is None:
            raise ServiceError("checkin.nothing_to_skip")
        await self._show(update, context, actor, outcome)
        return None

    @with_actor
    async def pick_mood(self, update: Update, context: Context, actor: Actor) -> str | None:
        args = routes.CHECKIN_MOOD.args(context)
        prompt_id, mood = args.int("prompt_id"), args.int("mood")
        before = await self.checkins.current_step(actor, prompt_id)
        outcome = await self.checkins.answer_mood(actor, prompt_id, mood)
        step = (
            before
            if before and before.prompt_id == prompt_id and before.kind is StepKind.MOOD
            else None
        )
        await self._edit_answered(update, actor, step, mood=mood)
        await self._show(update, context, actor, outcome)
        return None

    @with_actor
    async def pick_action(self, update: Update, context: Context, actor: Actor) -> str | None:
        args = routes.CHECKIN_ACTION.args(context)
        prompt_id, action_id, choice = (
            args.int("prompt_id"),
            args.int("action_id"),
            args.text("status"),
        )
        before = await self.checkins.current_step(actor, prompt_id)
        outcome = await self.checkins.answer_action(
            actor, prompt_id, action_id, ActionStatus(choice)
        )
        step = (
            before
            if before and before.prompt_id == prompt_id and before.action_id == action_id
            else None
        )
        await self._edit_answered(update, actor, step, choice=choice)
        await self._show(update, context, actor, outcome)
        return None

    async def _edit_answered(
        self,
        update: Update,
        actor: Actor,
        step: StepView | None,
        *,
        mood: int | None = None,
        choice: str | None = None,
    ) -> None:
        """Add the answer to the pressed question and take its buttons away."""
        query = update.callback_query
        if step is None or query is None or not isinstance(query.message, Message):
            return
        answered = answered_line(actor.language, step, mood, choice)
        await self.edit_or_reply(update, f"{query.message.text_html}\n\n✅ {answered}")

    @with_actor
    async def change(self, update: Update, context: Context, actor: Actor) -> str | None:
        args = routes.CHECKIN_CHANGE.args(context)
        step = await self.checkins.begin_change(actor, args.int("prompt_id"), args.int("index"))
        text, markup = step_message(actor.language, step, changing=True)
        await self.reply(update, text, markup)
        return None

    async def change_text(
        self, update: Update, context: Context, actor: Actor, state: AnswerChangeState
    ) -> None:
        message = update.effective_message
        outcome = await self.checkins.finish_change(
            actor, state, message_text(update), message.message_id if message else None
        )
        if outcome is not None:
            await self._show(update, context, actor, outcome)
        elif not await self.answer_text(update, context, actor):
            await self.reply(update, t(actor.language, "checkin.closed"))

    async def edited_answer(self, update: Update, context: Context, actor: Actor) -> bool:
        """An edited message that gave a check-in answer changes that answer; False when the
        message gave none (the fallback then says edits are not read)."""
        message = update.effective_message
        if message is None:
            return False
        text = message_text(update) if message.text is not None else message_caption(update)
        edit = await self.checkins.edit_answer(actor, message.message_id, text)
        if edit is None:
            return False
        lang = actor.language
        step = edit.step
        label = (
            typed_question(lang, step.question, 200)
            if step.question is not None
            else t(lang, "recap.mood")
        )
        await self.reply(update, t(lang, "checkin.answer_edited", question=label))
        if edit.recap is not None:
            await self._show_recap(update, actor, edit.recap)
        elif edit.lesson_reopened:
            await self.reply(update, t(lang, "checkin.lesson_reopened"))
        return True

    # --- sprints ----------------------------------------------------------------------------------

    async def _pick_team(
        self, update: Update, actor: Actor, route: Route, manage: bool
    ) -> Team | None:
        """The team a command is about: the only one, or None after offering buttons."""
        if manage:
            teams = await self.directory.managed_teams(actor)
        else:
            teams = [item.team for item in await self.directory.teams_of(actor)]
        if not teams:
            raise ServiceError("denied.coordinator_any" if manage else "team.none")
        if len(teams) == 1:
            return teams[0]
        rows = [[(short_label(team.name, 40), route.build(team_id=team.id))] for team in teams]
        await self.reply(update, t(actor.language, "team.pick"), keyboard(rows))
        return None

    @with_actor
    async def sprint(self, update: Update, context: Context, actor: Actor) -> str | None:
        goal = " ".join(context.args or [])
        team = await self._pick_team(update, actor, routes.SPRINT, manage=bool(goal))
        if team is None:
            return None
        if goal:
            await self._ask_sprint_length(
                update, actor, *await self.sprints.propose(actor, team.id, goal)
            )
            return None
        overview = await self.sprints.overview(actor, team.id)
        await self.reply(update, *sprint_message(actor.language, overview, self.zone))
        return None

    @with_actor
    async def show_sprint(self, update: Update, context: Context, actor: Actor) -> str | None:
        overview = await self.sprints.overview(actor, routes.SPRINT.args(context).int("team_id"))
        await self.edit_or_reply(update, *sprint_message(actor.language, overview, self.zone))
        return None

    @with_actor
    async def new_sprint(self, update: Update, context: Context, actor: Actor) -> str | None:
        team = await self.sprints.ask_goal(actor, routes.SPRINT_NEW.args(context).int("team_id"))
        await self.edit_or_reply(update, t(actor.language, "sprint.ask_goal", team=team.name))
        return None

    async def sprint_text(
        self, update: Update, context: Context, actor: Actor, state: SprintState
    ) -> None:
        team, goal = await self.sprints.give_goal(actor, state, message_text(update))
        await self._ask_sprint_length(update, actor, team, goal)

    async def _ask_sprint_length(self, update: Update, actor: Actor, team: Team, goal: str) -> None:
        lang = actor.language
        buttons = [
            (
                t(lang, "sprint.weeks", weeks=w) + (" ✓" if w == DEFAULT_WEEKS else ""),
                routes.SPRINT_LENGTH.build(team_id=team.id, weeks=w),
            )
            for w in WEEK_CHOICES
        ]
        await self.reply(
            update,
            t(lang, "sprint.ask_length", team=team.name, goal=goal),
            keyboard(
                [buttons[:2], buttons[2:], [(t(lang, "button.cancel"), routes.CANCEL.build())]]
            ),
        )

    @with_actor
    async def sprint_length(self, update: Update, context: Context, actor: Actor) -> str | None:
        args = routes.SPRINT_LENGTH.args(context)
        sprint = await self.sprints.start_proposed(actor, args.int("team_id"), args.int("weeks"))
        await self.edit_or_reply(
            update,
            t(
                actor.language,
                "sprint.started",
                number=sprint.number,
                goal=sprint.goal,
                end=format_date(actor.language, sprint.ends_at, self.zone),
            ),
        )
        return None

    @with_actor
    async def confirm_close_sprint(
        self, update: Update, context: Context, actor: Actor
    ) -> str | None:
        team_id = routes.SPRINT_CLOSE.args(context).int("team_id")
        team = await self.directory.require_manager(actor, team_id, Permission.CLOSE_SPRINT)
        lang = actor.language
        await self.edit_or_reply(
            update,
            t(lang, "sprint.confirm_close", team=team.name),
            keyboard(
                [
                    [
                        (
                            t(lang, "sprint.button_close_yes"),
                            routes.SPRINT_CLOSE_CONFIRMED.build(team_id=team.id),
                        ),
                        (t(lang, "button.back"), routes.SPRINT.build(team_id=team.id)),
                    ]
                ]
            ),
        )
        return None

    @with_actor
    async def close_sprint(self, update: Update, context: Context, actor: Actor) -> str | None:
        team_id = routes.SPRINT_CLOSE_CONFIRMED.args(context).int("team_id")
        sprint, run_id = await self.sprints.close(actor, team_id)
        await self.edit_or_reply(
            update, t(actor.language, "sprint.closed", number=sprint.number, goal=sprint.goal)
        )
        if run_id is not None:
            self._kick(context)
        return None

    # --- check-in settings ------------------------------------------------------------------------

    @with_actor
    async def checkin(self, update: Update, context: Context, actor: Actor) -> str | None:
        args = context.args or []
        now_requested = bool(args) and args[0].lower() in ("now", "nu")
        team = await self._pick_team(
            update, actor, routes.SETTINGS_NOW if now_requested else routes.SETTINGS, manage=True
        )
        if team is None:
            return None
        if now_requested:
            await self._open_now(update, context, actor, team.id)
        else:
            view = await self.settings.view(actor, team.id)
            await self.reply(update, *settings_message(actor.language, view))
        return None

    async def _settings(self, update: Update, actor: Actor, team_id: int) -> None:
        view = await self.settings.view(actor, team_id)
        await self.edit_or_reply(update, *settings_message(actor.language, view))

    @with_actor
    async def show_settings(self, update: Update, context: Context, actor: Actor) -> str | None:
        await self._settings(update, actor, routes.SETTINGS.args(context).int("team_id"))
        return None

    @with_actor
    async def toggle_day(self, update: Update, context: Context, actor: Actor) -> str | None:
        args = routes.SETTINGS_WEEKDAY.args(context)
        view = await self.settings.toggle_weekday(actor, args.int("team_id"), args.int("day"))
        await self.edit_or_reply(update, *settings_message(actor.language, view))
        return None

    @with_actor
    async def ask_time(self, update: Update, context: Context, actor: Actor) -> str | None:
        team_id = routes.SETTINGS_TIME.args(context).int("team_id")
        await self.settings.ask_input(actor, team_id, "time")
        times = [
            "07:30",
            "08:30",
            "09:00",
            "09:30",
            "10:00",
            "12:00",
            "13:00",
            "16:00",
            "17:00",
            "19:00",
            "20:00",
            "21:00",
        ]
        buttons = [
            (value, routes.SETTINGS_SET_TIME.build(team_id=team_id, time=value)) for value in times
        ]
        rows = [buttons[i : i + 4] for i in range(0, len(buttons), 4)]
        await self.edit_or_reply(
            update,
            t(actor.language, "settings.ask_time"),
            keyboard(
                [
                    *rows,
                    [(t(actor.language, "button.back"), routes.SETTINGS.build(team_id=team_id))],
                ]
            ),
        )
        return None

    @with_actor
    async def set_time(self, update: Update, context: Context, actor: Actor) -> str | None:
        args = routes.SETTINGS_SET_TIME.args(context)
        view = await self.settings.set_time(actor, args.int("team_id"), args.text("time"))
        await self.edit_or_reply(update, *settings_message(actor.language, view))
        return None

    @with_actor
    async def ask_template(self, update: Update, context: Context, actor: Actor) -> str | None:
        team_id = routes.SETTINGS_TEMPLATE.args(context).int("team_id")
        await self.settings.ask_input(actor, team_id, "questions")
        lang = actor.language
        rows = [
            [
                (
                    t(lang, f"template.{name}"),
                    routes.SETTINGS_SET_TEMPLATE.build(team_id=team_id, template=name),
                )
            ]
            for name in TEMPLATE_NAMES
            if name != "custom"
        ]
        await self.edit_or_reply(
            update,
            t(lang, "settings.ask_template"),
            keyboard([*rows, [(t(lang, "button.back"), routes.SETTINGS.build(team_id=team_id))]]),
        )
        return None

    @with_actor
    async def set_template(self, update: Update, context: Context, actor: Actor) -> str | None:
        args = routes.SETTINGS_SET_TEMPLATE.args(context)
        view = await self.settings.set_template(actor, args.int("team_id"), args.text("template"))
        await self.edit_or_reply(update, *settings_message(actor.language, view))
        return None

    async def settings_text(
        self, update: Update, context: Context, actor: Actor, state: SettingsInputState
    ) -> None:
        view = await self.settings.give_input(actor, state, message_text(update))
        await self.reply(update, *settings_message(actor.language, view))

    @with_actor
    async def ask_reminder(self, update: Update, context: Context, actor: Actor) -> str | None:
        team_id = routes.SETTINGS_REMINDER.args(context).int("team_id")
        await self.directory.require_manager(actor, team_id, Permission.CHANGE_CHECKIN_SETTINGS)
        lang = actor.language
        buttons = [
            (
                t(lang, "settings.hours", hours=m // 60) if m else t(lang, "settings.off"),
                routes.SETTINGS_SET_REMINDER.build(team_id=team_id, minutes=m),
            )
            for m in REMINDER_CHOICES
        ]
        await self.edit_or_reply(
            update,
            t(lang, "settings.ask_reminder"),
            keyboard([buttons, [(t(lang, "button.back"), routes.SETTINGS.build(team_id=team_id))]]),
        )
        return None

    @with_actor
    async def set_reminder(self, update: Update, context: Context, actor: Actor) -> str | None:
        args = routes.SETTINGS_SET_REMINDER.args(context)
        view = await self.settings.set_reminder(actor, args.int("team_id"), args.int("minutes"))
        await self.edit_or_reply(update, *settings_message(actor.language, view))
        return None

    @with_actor
    async def ask_close(self, update: Update, context: Context, actor: Actor) -> str | None:
        team_id = routes.SETTINGS_CLOSE.args(context).int("team_id")
        await self.directory.require_manager(actor, team_id, Permission.CHANGE_CHECKIN_SETTINGS)
        lang = actor.language
        buttons = [
            (
                t(lang, "settings.hours", hours=m // 60),
                routes.SETTINGS_SET_CLOSE.build(team_id=team_id, minutes=m),
            )
            for m in CLOSE_CHOICES
        ]
        await self.edit_or_reply(
            update,
            t(lang, "settings.ask_close"),
            keyboard([buttons, [(t(lang, "button.back"), routes.SETTINGS.build(team_id=team_id))]]),
        )
        return None

    @with_actor
    async def set_close(self, update: Update, context: Context, actor: Actor) -> str | None:
        args = routes.SETTINGS_SET_CLOSE.args(context)
        view = await self.settings.set_close_after(actor, args.int("team_id"), args.int("minutes"))
        await self.edit_or_reply(update, *settings_message(actor.language, view))
        return None

    @with_actor
    async def toggle(self, update: Update, context: Context, actor: Actor) -> str | None:
        args = routes.SETTINGS_TOGGLE.args(context)
        view = await self.settings.toggle(actor, args.int("team_id"), args.text("setting"))
        await self.edit_or_reply(update, *settings_message(actor.language, view))
        return None

    @with_actor
    async def toggle_skip(self, update: Update, context: Context, actor: Actor) -> str | None:
        team_id = routes.SETTINGS_SKIP_SPRINT.args(context).int("team_id")
        view = await self.settings.toggle_skip_sprint(actor, team_id)
        await self.edit_or_reply(update, *settings_message(actor.language, view))
        return None

    # Buttons that set a state rather than flip it (a double tap must not undo the first tap).

    @with_actor
    async def set_day(self, update: Update, context: Context, actor: Actor) -> str | None:
        args = routes.SETTINGS_SET_WEEKDAY.args(context)
        view = await self.settings.set_weekday(
            actor, args.int("team_id"), args.int("day"), on=bool(args.int("on"))
        )
        await self.edit_or_reply(update, *settings_message(actor.language, view))
        return None

    @with_actor
    async def set_flag(self, update: Update, context: Context, actor: Actor) -> str | None:
        args = routes.SETTINGS_SET_FLAG.args(context)
        view = await self.settings.set_flag(
            actor, args.int("team_id"), args.text("setting"), on=bool(args.int("on"))
        )
        await self.edit_or_reply(update, *settings_message(actor.language, view))
        return None

    @with_actor
    async def set_skip(self, update: Update, context: Context, actor: Actor) -> str | None:
        args = routes.SETTINGS_SET_SKIP.args(context)
        view = await self.settings.set_skip_sprint(
            actor, args.int("team_id"), on=bool(args.int("on"))
        )
        await self.edit_or_reply(update, *settings_message(actor.language, view))
        return None

    @with_actor
    async def open_now(self, update: Update, context: Context, actor: Actor) -> str | None:
        team_id = routes.SETTINGS_NOW.args(context).int("team_id")
        await self._open_now(update, context, actor, team_id)
        return None

    async def _open_now(self, update: Update, context: Context, actor: Actor, team_id: int) -> None:
        try:
            await self.settings.open_now(actor, team_id)
        except CheckinStillOpenError as still_open:
            closes = format_moment(actor.language, still_open.closes_at, still_open.zone)
            raise ServiceError(still_open.key, closes=closes) from None
        team = await self.directory.require_manager(actor, team_id, Permission.OPEN_CHECKIN_NOW)
        await self.edit_or_reply(update, t(actor.language, "checkin.opened_now", team=team.name))
        self._kick(context)

    def _kick(self, context: Context) -> None:
        """Send the new questions now rather than at the next scheduled round (once the new
        check-in is committed, so the round sees it)."""

        async def start_round() -> None:
            context.application.create_task(self.courier.cycle(context.bot), name="checkin-round")

        self.afterwards(start_round)

    # --- away, back, time zone --------------------------------------------------------------------

    @with_actor
    async def away(self, update: Update, context: Context, actor: Actor) -> str | None:
        lang = actor.language
        if not context.args:
            buttons = [
                (t(lang, "away.days", days=d), routes.AWAY.build(days=d)) for d in AWAY_CHOICES
            ]
            await self.reply(update, t(lang, "away.ask"), keyboard([buttons]))
            return None
        back = await self.checkins.away_until(actor, " ".join(context.args))
        await self._away_set(update, actor, back)
        return None

    @with_actor
    async def away_for(self, update: Update, context: Context, actor: Actor) -> str | None:
        back = await self.checkins.away_for_days(actor, routes.AWAY.args(context).int("days"))
        await self._away_set(update, actor, back)
        return None

    async def _away_set(self, update: Update, actor: Actor, back: datetime) -> None:
        last_moment = back - timedelta(seconds=1)
        await self.edit_or_reply(
            update,
            t(
                actor.language,
                "away.set",
                until=format_date(actor.language, last_moment, self.zone),
            ),
        )

    @with_actor
    async def back(self, update: Update, context: Context, actor: Actor) -> str | None:
        await self.checkins.set_away(actor, None)
        await self.reply(update, t(actor.language, "away.back"))
        return None

    @with_actor
    async def timezone(self, update: Update, context: Context, actor: Actor) -> str | None:
        lang = actor.language
        if context.args:
            await self._set_zone(update, actor, context.args[0])
            return None
        current = await self.directory.timezone_of(actor)
        buttons = [[(zone, routes.TIMEZONE.build(zone=zone))] for zone in COMMON_ZONES]
        await self.reply(
            update,
            t(lang, "timezone.ask", zone=current or t(lang, "timezone.team_default")),
            keyboard(buttons),
        )
        return None

    @with_actor
    async def pick_timezone(self, update: Update, context: Context, actor: Actor) -> str | None:
        await self._set_zone(update, actor, routes.TIMEZONE.args(context).text("zone"))
        return None

    async def _set_zone(self, update: Update, actor: Actor, raw: str) -> None:
        try:
            zone = ZoneInfo(raw.strip())
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ServiceError("timezone.unknown", given=raw.strip()[:40]) from None
        await self.directory.set_timezone(actor, zone.key)
        await self.edit_or_reply(update, t(actor.language, "timezone.set", zone=zone.key))


def _attachment(message: Message) -> tuple[str, str] | None:
    for kind in ATTACHMENT_KINDS:
        item = getattr(message, kind, None)
        if kind == "photo" and item:
            return kind, item[-1].file_id
        if item:
            return kind, item.file_id
    return None
