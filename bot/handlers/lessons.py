"""Lessons and the city log in Telegram: /lesson, /lessons, /search, endorsing, adopting,
and curation (/merge, hide) for steunpunt admins."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.handlers import routes
from bot.handlers.base import (
    BotApplication,
    Context,
    HandlerGroup,
    keyboard,
    message_text,
    with_actor,
)
from bot.handlers.fallback import TextFlows
from bot.handlers.lesson_views import (
    card_message,
    decided_message,
    excerpt,
    filter_choices,
    full_lesson_text,
    manage_message,
    notice_text,
    overview_message,
    search_message,
)
from bot.services.common import Actor, ServiceError
from bot.services.conversations import (
    AdoptState,
    AdviceState,
    HideState,
    LessonState,
    SearchState,
)
from bot.services.directory import Directory
from bot.services.lessons import (
    CHOICES,
    AskText,
    LessonCard,
    LessonService,
    LessonStep,
    Notice,
    PickTeam,
    SearchPage,
)
from bot.texts import t
from bot.texts.formatting import short_label
from storage.database import Database
from storage.models import THEMES


class LessonHandlers(HandlerGroup):
    def __init__(
        self,
        directory: Directory,
        database: Database,
        lessons: LessonService,
        zone: ZoneInfo,
    ) -> None:
        super().__init__(directory, database)
        self.lessons = lessons
        self.zone = zone

    def register(self, application: BotApplication) -> None:
        private = filters.ChatType.PRIVATE
        for name, callback in (
            ("lesson", self.lesson),
            ("lessons", self.overview),
            ("search", self.search),
            ("merge", self.merge),
        ):
            application.add_handler(CommandHandler(name, callback, filters=private))
        for route, callback in (
            (routes.LESSON_TEAM, self.pick_team),
            (routes.LESSON_THEME, self.toggle_theme),
            (routes.LESSON_THEME_SET, self.set_theme),
            (routes.LESSON_ADVICE, self.ask_advice),
            (routes.LESSON_DECIDE, self.decide),
            (routes.LESSON_MANAGE, self.manage),
            (routes.LESSON_DELETE, self.confirm_delete),
            (routes.LESSON_DELETE_CONFIRMED, self.delete),
            (routes.SEARCH_PAGE, self.page),
            (routes.SEARCH_FILTER, self.choose_filter),
            (routes.SEARCH_FILTER_VALUE, self.set_filter),
            (routes.LESSON_ENDORSE, self.endorse),
            (routes.LESSON_UNENDORSE, self.unendorse),
            (routes.LESSON_ADOPT, self.ask_adoption),
            (routes.LESSON_HIDE, self.ask_hide_reason),
            (routes.LESSON_READ, self.read),
        ):
            application.add_handler(CallbackQueryHandler(callback, pattern=route.pattern))

    def register_flows(self, flows: TextFlows) -> None:
        flows.add(LessonState, self.lesson_text)
        flows.add(AdviceState, self.advice_text)
        flows.add(AdoptState, self.adoption_text)
        flows.add(HideState, self.hide_text)
        flows.add(SearchState, self.search_text)

    async def send_notices(self, context: Context, notices: list[Notice]) -> None:
        for notice in notices:
            await self.notify_text(context, notice.telegram_user_id, notice_text(notice))

    async def show_card(
        self, update: Update, actor: Actor, card: LessonCard, *, edit: bool = False
    ) -> None:
        text, markup = card_message(actor.language, card)
        if edit:
            await self.edit_or_reply(update, text, markup)
        else:
            await self.reply(update, text, markup)

    # --- writing a lesson ------------------------------------------------------------------------

    @with_actor
    async def lesson(self, update: Update, context: Context, actor: Actor) -> str | None:
        step = await self.lessons.begin(actor, " ".join(context.args or []))
        await self._show_step(update, actor, step)
        return None

    @with_actor
    async def pick_team(self, update: Update, context: Context, actor: Actor) -> str | None:
        team_id = routes.LESSON_TEAM.args(context).int("team_id")
        await self._show_step(update, actor, await self.lessons.choose_team(actor, team_id))
        return None

    async def lesson_text(
        self, update: Update, context: Context, actor: Actor, state: LessonState
    ) -> None:
        step = await self.lessons.give_text(actor, state, message_text(update))
        await self._show_step(update, actor, step)

    async def _show_step(self, update: Update, actor: Actor, step: LessonStep) -> None:
        if isinstance(step, PickTeam):
            rows = [
                [(short_label(team.name, 40), routes.LESSON_TEAM.build(team_id=team.id))]
                for team in step.teams
            ]
            await self.reply(update, t(actor.language, "lesson.pick_team"), keyboard(rows))
        elif isinstance(step, AskText):
            await self.edit_or_reply(update, t(actor.language, "lesson.ask_text"))
        else:
            await self.show_card(update, actor, step)

    @with_actor
    async def toggle_theme(self, update: Update, context: Context, actor: Actor) -> str | None:
        args = routes.LESSON_THEME.args(context)
        index = args.int("theme")
        if index >= len(THEMES):
            raise ServiceError("error.button_expired")
        card = await self.lessons.toggle_theme(actor, args.int("lesson_id"), THEMES[index])
        await self.show_card(update, actor, card, edit=True)
        return None

    @with_actor
    async def set_theme(self, update: Update, context: Context, actor: Actor) -> str | None:
        args = routes.LESSON_THEME_SET.args(context)
        index = args.int("theme")
        if index >= len(THEMES):
            raise ServiceError("error.button_expired")
        card = await self.lessons.set_theme(
            actor, args.int("lesson_id"), THEMES[index], on=bool(args.int("on"))
        )
        await self.show_card(update, actor, card, edit=True)
        return None

    @with_actor
    async def ask_advice(self, update: Update, context: Context, actor: Actor) -> str | None:
        await self.lessons.ask_advice(actor, routes.LESSON_ADVICE.args(context).int("lesson_id"))
        await self.reply(update, t(actor.language, "lesson.ask_advice"))
        return None

    async def advice_text(
        self, update: Update, context: Context, actor: Actor, state: AdviceState
    ) -> None:
        card = await self.lessons.give_advice(actor, state, message_text(update))
        await self.show_card(update, actor, card)

    @with_actor
    async def decide(self, update: Update, context: Context, actor: Actor) -> str | None:
        args = routes.LESSON_DECIDE.args(context)
        choice = CHOICES.get(args.text("choice"))
        if choice is None:
            raise ServiceError("error.button_expired")
        view = await self.lessons.decide(actor, args.int("lesson_id"), choice)
        await self.edit_or_reply(update, decided_message(actor.language, view))
        return None

    # --- one's own lessons -----------------------------------------------------------------------

    @with_actor
    async def overview(self, update: Update, context: Context, actor: Actor) -> str | None:
        own, team = await self.lessons.overview(actor)
        await self.reply(update, *overview_message(actor.language, own, team, self.zone))
        return None

    @with_actor
    async def manage(self, update: Update, context: Context, actor: Actor) -> str | None:
        lesson_id = routes.LESSON_MANAGE.args(context).int("lesson_id")
        view = await self.lessons.own_view(actor, lesson_id)
        await self.reply(update, *manage_message(actor.language, view, self.zone))
        return None

    @with_actor
    async def read(self, update: Update, context: Context, actor: Actor) -> str | None:
        """A lesson a list showed shortened, whole, as a new message."""
        view = await self.lessons.read(actor, routes.LESSON_READ.args(context).int("lesson_id"))
        await self.reply(update, full_lesson_text(actor.language, view, self.zone))
        return None

    @with_actor
    async def confirm_delete(self, update: Update, context: Context, actor: Actor) -> str | None:
        lesson_id = routes.LESSON_DELETE.args(context).int("lesson_id")
        await self.lessons.own_view(actor, lesson_id)  # only the author is asked
        lang = actor.language
        await self.edit_or_reply(
            update,
            t(lang, "lesson.confirm_delete"),
            keyboard(
                [
                    [
                        (
                            t(lang, "lesson.button_delete_yes"),
                            routes.LESSON_DELETE_CONFIRMED.build(lesson_id=lesson_id),
                        ),
                        (t(lang, "button.back"), routes.LESSON_MANAGE.build(lesson_id=lesson_id)),
                    ]
                ]
            ),
        )
        return None

    @with_actor
    async def delete(self, update: Update, context: Context, actor: Actor) -> str | None:
        lesson_id = routes.LESSON_DELETE_CONFIRMED.args(context).int("lesson_id")
        await self.lessons.delete(actor, lesson_id)
        await self.edit_or_reply(update, t(actor.language, "lesson.deleted"))
        return None

    # --- the city log ----------------------------------------------------------------------------

    @with_actor
    async def search(self, update: Update, context: Context, actor: Actor) -> str | None:
        query = " ".join(context.args or [])
        if not query.strip():
            await self.lessons.ask_query(actor)
            await self.reply(update, t(actor.language, "search.ask"))
            return None
        await self._show_page(update, actor, await self.lessons.search(actor, query))
        return None

    async def search_text(
        self, update: Update, context: Context, actor: Actor, state: SearchState
    ) -> None:
        page = await self.lessons.give_query(actor, message_text(update))
        await self._show_page(update, actor, page)

    async def _show_page(
        self, update: Update, actor: Actor, page: SearchPage, *, edit: bool = False
    ) -> None:
        text, markup = search_message(actor.language, page, self.zone, actor.is_admin)
        if edit:
            await self.edit_or_reply(update, text, markup)
        else:
            await self.reply(update, text, markup)

    @with_actor
    async def page(self, update: Update, context: Context, actor: Actor) -> str | None:
        args = routes.SEARCH_PAGE.args(context)
        page = await self.lessons.page(actor, args.int("search_id"), args.int("page"))
        await self._show_page(update, actor, page, edit=True)
        return None

    @with_actor
    async def choose_filter(self, update: Update, context: Context, actor: Actor) -> str | None:
        args = routes.SEARCH_FILTER.args(context)
        await self.lessons.check_search(actor, args.int("search_id"))
        await self.edit_or_reply(
            update, *filter_choices(actor.language, args.int("search_id"), args.text("key"))
        )
        return None

    @with_actor
    async def set_filter(self, update: Update, context: Context, actor: Actor) -> str | None:
        args = routes.SEARCH_FILTER_VALUE.args(context)
        value = args.text("value")
        page = await self.lessons.refine(
            actor, args.int("search_id"), args.text("key"), None if value == "-" else value
        )
        await self._show_page(update, actor, page, edit=True)
        return None

    @with_actor
    async def endorse(self, update: Update, context: Context, actor: Actor) -> str | None:
        return await self._endorse(update, context, actor, routes.LESSON_ENDORSE, endorse=True)

    @with_actor
    async def unendorse(self, update: Update, context: Context, actor: Actor) -> str | None:
        return await self._endorse(update, context, actor, routes.LESSON_UNENDORSE, endorse=False)

    async def _endorse(
        self, update: Update, context: Context, actor: Actor, route: routes.Route, *, endorse: bool
    ) -> str:
        """👍 only endorses and ↩️ only undoes, so a double tap changes nothing the second time
        (and the lesson's team hears once)."""
        args = route.args(context)
        changed, notices, page = await self.lessons.endorse_on_page(
            actor, args.int("search_id"), args.int("page"), args.int("lesson_id"), endorse=endorse
        )
        await self.send_notices(context, notices)
        await self._show_page(update, actor, page, edit=True)
        if endorse:
            return t(
                actor.language, "lesson.endorsed_toast" if changed else "lesson.endorsed_already"
            )
        return t(actor.language, "lesson.unendorsed_toast")

    @with_actor
    async def ask_adoption(self, update: Update, context: Context, actor: Actor) -> str | None:
        lesson_id = routes.LESSON_ADOPT.args(context).int("lesson_id")
        view = await self.lessons.ask_adoption(actor, lesson_id)
        await self.reply(
            update,
            t(
                actor.language,
                "lesson.ask_adoption",
                lesson=excerpt(view.text, 200),
                team=view.team_name,
            ),
        )
        return None

    async def adoption_text(
        self, update: Update, context: Context, actor: Actor, state: AdoptState
    ) -> None:
        notices = await self.lessons.give_adoption(actor, state, message_text(update))
        await self.send_notices(context, notices)
        await self.reply(update, t(actor.language, "lesson.adopted"))

    # --- curation --------------------------------------------------------------------------------

    @with_actor
    async def ask_hide_reason(self, update: Update, context: Context, actor: Actor) -> str | None:
        lesson_id = routes.LESSON_HIDE.args(context).int("lesson_id")
        await self.lessons.ask_hide_reason(actor, lesson_id)
        await self.reply(update, t(actor.language, "lesson.ask_hide_reason"))
        return None

    async def hide_text(
        self, update: Update, context: Context, actor: Actor, state: HideState
    ) -> None:
        notices = await self.lessons.give_hide_reason(actor, state, message_text(update))
        await self.send_notices(context, notices)
        await self.reply(update, t(actor.language, "lesson.hidden"))

    @with_actor
    async def merge(self, update: Update, context: Context, actor: Actor) -> str | None:
        args = context.args or []
        if not actor.is_admin:
            raise ServiceError("denied.admin_curate")
        if len(args) != 2 or not all(arg.lstrip("#").isdigit() for arg in args):
            raise ServiceError("lesson.merge_usage")
        keep, duplicate = (int(arg.lstrip("#")) for arg in args)
        view = await self.lessons.merge(actor, keep, duplicate)
        await self.reply(
            update,
            t(
                actor.language,
                "lesson.merged",
                keep=keep,
                duplicate=duplicate,
                endorsements=view.endorsements,
                adoptions=view.adoptions,
            ),
        )
        return None
