"""/summary: a coordinator's team summary (this week, this sprint, last week) and a steunpunt
admin's network summary, each followed by a mood and participation chart."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from telegram import InlineKeyboardMarkup, InputFile, Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.charts import enough_data, render_chart
from bot.handlers import routes
from bot.handlers.base import BotApplication, Context, HandlerGroup, is_private, with_actor
from bot.handlers.digest import digest_rows
from bot.handlers.summary_views import (
    chart_caption,
    chart_title,
    choice_count,
    network_summary_text,
    period_buttons,
    period_label,
    summary_menu,
    team_summary_text,
    with_chart_note,
)
from bot.services.common import Actor, Language
from bot.services.digest import DigestService
from bot.services.directory import Directory
from bot.services.summaries import (
    HISTORY_WEEKS,
    PeriodKind,
    SummaryChoices,
    SummaryService,
    WeekPoint,
)
from bot.texts import Safe, t
from bot.texts.formatting import split_message
from storage.database import Database

logger = logging.getLogger(__name__)

CHART_FILE = "steunpunt-overzicht.png"


class SummaryHandlers(HandlerGroup):
    def __init__(
        self,
        directory: Directory,
        database: Database,
        summaries: SummaryService,
        digest: DigestService,
    ) -> None:
        super().__init__(directory, database)
        self.summaries = summaries
        self.digest = digest

    def register(self, application: BotApplication) -> None:
        private, groups = filters.ChatType.PRIVATE, filters.ChatType.GROUPS
        application.add_handler(CommandHandler("summary", self.summary, filters=private))
        # Names, moods and quotes are for the coordinator's eyes: point to the private chat.
        application.add_handler(CommandHandler("summary", self.private_only, filters=groups))
        for route, callback in (
            (routes.SUMMARY_TEAM, self.team),
            (routes.SUMMARY_NETWORK, self.network),
            (routes.SUMMARY_MENU, self.menu),
        ):
            application.add_handler(CallbackQueryHandler(callback, pattern=route.pattern))

    @with_actor
    async def private_only(self, update: Update, context: Context, actor: Actor) -> str | None:
        return await self._point_to_private(update, context, actor)

    async def _point_to_private(self, update: Update, context: Context, actor: Actor) -> str | None:
        await self.reply(update, t(actor.language, "group.private_only", bot=context.bot.username))
        return None

    @with_actor
    async def summary(self, update: Update, context: Context, actor: Actor) -> str | None:
        """One choice: that summary at once; several: a button for each."""
        choices = await self.summaries.choices(actor)
        if choice_count(choices) == 1 and choices.teams:
            team_id = choices.teams[0][0]
            return await self._team(update, context, actor, team_id, PeriodKind.THIS_WEEK, choices)
        if choice_count(choices) == 1:
            return await self._network(update, context, actor, PeriodKind.THIS_WEEK, choices)
        text, markup = summary_menu(actor.language, choices)
        await self.reply(update, text, markup)
        return None

    @with_actor
    async def menu(self, update: Update, context: Context, actor: Actor) -> str | None:
        if not is_private(update):
            return await self._point_to_private(update, context, actor)
        text, markup = summary_menu(actor.language, await self.summaries.choices(actor))
        await self.edit_or_reply(update, text, markup)
        return None

    @with_actor
    async def team(self, update: Update, context: Context, actor: Actor) -> str | None:
        args = routes.SUMMARY_TEAM.args(context)
        if not is_private(update):
            return await self._point_to_private(update, context, actor)
        kind = PeriodKind(args.text("period"))
        return await self._team(update, context, actor, args.int("team_id"), kind)

    @with_actor
    async def network(self, update: Update, context: Context, actor: Actor) -> str | None:
        kind = PeriodKind(routes.SUMMARY_NETWORK.args(context).text("period"))
        if not is_private(update):
            return await self._point_to_private(update, context, actor)
        return await self._network(update, context, actor, kind)

    async def _team(
        self,
        update: Update,
        context: Context,
        actor: Actor,
        team_id: int,
        kind: PeriodKind,
        choices: SummaryChoices | None = None,
    ) -> str | None:
        # The service refuses a team the person does not (or no longer) coordinate; asked
        # first, so that the refusal names the team.
        summary = await self.summaries.team_summary(actor, team_id, kind)
        back = choice_count(choices or await self.summaries.choices(actor)) > 1
        text = team_summary_text(actor.language, summary, for_group=False)
        # The team's coordinators can turn their weekly digest of it on or off right here.
        digest = digest_rows(
            actor.language, team_id, await self.digest.digest_choice(actor, team_id)
        )
        markup = period_buttons(
            actor.language, summary.period.kind, team_id, extra_rows=digest, back=back
        )
        return await self._show(
            update, context, actor, text, markup, summary.history, summary.team_name
        )

    async def _network(
        self,
        update: Update,
        context: Context,
        actor: Actor,
        kind: PeriodKind,
        choices: SummaryChoices | None = None,
    ) -> str | None:
        summary = await self.summaries.network_summary(actor, kind)
        back = choice_count(choices or await self.summaries.choices(actor)) > 1
        text = network_summary_text(actor.language, summary)
        # The period the summary holds (the network has no sprint: a forged one is a week).
        markup = period_buttons(actor.language, summary.period.kind, None, back=back)
        return await self._show(update, context, actor, text, markup, summary.history, None)

    async def _show(
        self,
        update: Update,
        context: Context,
        actor: Actor,
        text: Safe,
        markup: InlineKeyboardMarkup,
        history: Sequence[WeekPoint],
        team_name: str | None,
    ) -> str | None:
        """The summary in place of the pressed message (or as new messages when it is too long
        for one), then its chart (of the team, or with None of the network); with too little
        data for a chart, a sentence instead."""
        language = actor.language
        title = chart_title(language, team_name)
        chart = enough_data(history)
        text = with_chart_note(language, text, history)
        again = _pressed_again(update, language)
        if len(split_message(text)) == 1:
            await self.edit_or_reply(update, text, markup)
        elif again:
            # A long summary goes as new messages; pressing its period again would repeat them.
            return t(language, "summary.already_shown")
        else:
            await self.reply(update, text, markup)
        if not chart or again:  # the chart of this period is in the chat already
            return None
        chat_id = update.effective_chat.id if update.effective_chat else actor.telegram_user_id
        caption = chart_caption(language, team_name, HISTORY_WEEKS)

        async def send_chart() -> None:
            # Drawn after the commit (no transaction waits on it), in a thread so other
            # updates go on meanwhile.
            png = await asyncio.to_thread(render_chart, history, language, title)
            if png is None:
                return
            try:
                await context.bot.send_photo(
                    chat_id, InputFile(png, filename=CHART_FILE), caption=caption
                )
            except TelegramError:
                # The summary itself has arrived; the picture only repeats it.
                logger.warning("the chart of a summary could not be sent", exc_info=True)

        self.afterwards(send_chart)
        return None


def _pressed_again(update: Update, language: Language) -> bool:
    """Whether the pressed button is the period the message shows already (marked "• …"): a
    second tap, or a tap to refresh; the chart is not sent again."""
    query = update.callback_query
    if query is None or query.message is None or query.data is None:
        return False
    markup = getattr(query.message, "reply_markup", None)
    if not isinstance(markup, InlineKeyboardMarkup):
        return False
    for row in markup.inline_keyboard:
        for button in row:
            if button.callback_data == query.data:
                return any(
                    button.text == period_label(language, period, current=True)
                    for period in PeriodKind
                )
    return False
