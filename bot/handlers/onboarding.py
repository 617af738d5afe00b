"""Onboarding, teams and roles: /start, /join, /help, /newteam, /invite, /team, /linkgroup,
/language and /cancel."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.handlers import routes
from bot.handlers.base import (
    BotApplication,
    Context,
    HandlerGroup,
    bullet_list,
    is_private,
    keyboard,
    message_text,
    with_actor,
)
from bot.handlers.fallback import TextFlows
from bot.services.common import Actor, Language, ServiceError
from bot.services.conversations import JoinState, NewTeamState
from bot.services.directory import Directory, Roster
from bot.services.permissions import Chat
from bot.services.team_setup import TeamSetup
from bot.texts import Safe, t
from bot.texts.formatting import format_date, plain_text, short_label
from storage.database import Database
from storage.models import Invite, Role, Stadsdeel, Team, TeamKind

logger = logging.getLogger(__name__)

ROSTER_PAGE = 15


def team_line(language: Language, team: Team) -> Safe:
    return t(
        language,
        "team.line",
        team=team.name,
        kind=t(language, f"kind.{team.kind.value}"),
        stadsdeel=t(language, f"stadsdeel.{team.stadsdeel.value}"),
    )


class OnboardingHandlers(HandlerGroup):
    def __init__(
        self,
        directory: Directory,
        database: Database,
        team_setup: TeamSetup,
        zone: ZoneInfo,
    ) -> None:
        super().__init__(directory, database)
        self.team_setup = team_setup
        self.zone = zone

    def register(self, application: BotApplication) -> None:
        private, groups = filters.ChatType.PRIVATE, filters.ChatType.GROUPS
        for name, callback in (
            ("start", self.start),
            ("join", self.join),
            ("newteam", self.new_team),
            ("invite", self.invite),
            ("team", self.team),
            ("language", self.language),
        ):
            application.add_handler(CommandHandler(name, callback, filters=private))
        application.add_handler(CommandHandler("help", self.help, filters=private))
        application.add_handler(CommandHandler(["start", "help"], self.group_help, filters=groups))
        application.add_handler(CommandHandler("linkgroup", self.link_group))
        application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, self.group_migrated))
        application.add_handler(CommandHandler("cancel", self.cancel))
        for route, callback in (
            (routes.NEW_TEAM_KIND, self.pick_kind),
            (routes.NEW_TEAM_STADSDEEL, self.pick_stadsdeel),
            (routes.CANCEL, self.cancel),
            (routes.INVITE, self.show_invite),
            (routes.INVITE_RENEW, self.renew_invite),
            (routes.INVITE_REVOKE, self.revoke_invite),
            (routes.TEAM, self.show_team),
            (routes.TEAM_APPOINT, self.appoint),
            (routes.TEAM_REMOVE, self.confirm_remove),
            (routes.TEAM_REMOVE_CONFIRMED, self.remove),
            (routes.LINK_GROUP, self.pick_group_team),
            (routes.LANGUAGE, self.pick_language),
        ):
            application.add_handler(CallbackQueryHandler(callback, pattern=route.pattern))

    def register_flows(self, flows: TextFlows) -> None:
        flows.add(NewTeamState, self.new_team_text)
        flows.add(JoinState, self.join_text)

    # --- welcome and help -------------------------------------------------------------------

    @with_actor
    async def start(self, update: Update, context: Context, actor: Actor) -> str | None:
        if context.args:
            await self._join(update, context, actor, context.args[0])
            return None
        teams = await self.directory.teams_of(actor)
        lang = actor.language
        parts = [t(lang, "start.hello", name=actor.display_name)]
        own = [item.team for item in teams if item.role is not None]
        if own:
            parts.append(
                t(lang, "start.your_teams", teams=bullet_list([team_line(lang, x) for x in own]))
            )
        elif actor.is_admin:
            parts.append(t(lang, "start.admin_no_team"))
        else:
            parts.append(t(lang, "start.no_team"))
        parts.append(await self._help_text(actor))
        await self.reply(update, "\n\n".join(parts))
        return None

    @with_actor
    async def help(self, update: Update, context: Context, actor: Actor) -> str | None:
        await self.reply(update, await self._help_text(actor))
        return None

    async def _help_text(self, actor: Actor) -> Safe:
        lang = actor.language
        teams = await self.directory.teams_of(actor)
        sections = []
        if actor.is_admin:
            sections.append(t(lang, "help.admin"))
        if actor.is_admin or any(item.role is Role.COORDINATOR for item in teams):
            sections.append(t(lang, "help.coordinator"))
        if any(item.role is not None for item in teams):
            sections.append(t(lang, "help.member"))
        elif not actor.is_admin:
            sections.append(t(lang, "help.newcomer"))
        sections.append(t(lang, "help.privacy"))
        sections.append(t(lang, "help.everyone"))
        return Safe("\n\n".join([t(lang, "help.title"), *sections]))

    @with_actor
    async def group_help(self, update: Update, context: Context, actor: Actor) -> str | None:
        await self.reply(update, t(actor.language, "group.help", bot=context.bot.username))
        return None

    # --- joining ----------------------------------------------------------------------------

    @with_actor
    async def join(self, update: Update, context: Context, actor: Actor) -> str | None:
        if context.args:
            await self._join(update, context, actor, context.args[0])
        else:
            await self.team_setup.ask_join_code(actor)
            await self.reply(update, t(actor.language, "join.ask_code"))
        return None

    async def join_text(
        self, update: Update, context: Context, actor: Actor, _state: JoinState
    ) -> None:
        await self._join(update, context, actor, message_text(update))

    async def _join(self, update: Update, context: Context, actor: Actor, code: str) -> None:
        result = await self.team_setup.join(actor, code)
        lang = actor.language
        if result.already_member:
            await self.reply(update, t(lang, "join.already", team=result.team.name))
            return
        welcome = "join.welcome_coordinator" if result.role is Role.COORDINATOR else "join.welcome"
        await self.reply(update, t(lang, welcome, team=team_line(lang, result.team)))
        for coordinator in result.coordinators:
            await self.notify(
                context,
                coordinator.telegram_user_id,
                self.directory.language_of(coordinator),
                "join.notice_coordinator",
                name=actor.display_name,
                team=result.team.name,
            )

    # --- creating a team --------------------------------------------------------------------

    @with_actor
    async def new_team(self, update: Update, context: Context, actor: Actor) -> str | None:
        step = await self.team_setup.start(actor, " ".join(context.args or []))
        await self._ask_next(update, actor, step)
        return None

    async def new_team_text(
        self, update: Update, context: Context, actor: Actor, state: NewTeamState
    ) -> None:
        step = await self.team_setup.give_name(actor, state, message_text(update))
        await self._ask_next(update, actor, step)

    async def _ask_next(self, update: Update, actor: Actor, step: NewTeamState) -> None:
        lang = actor.language
        cancel = [(t(lang, "button.cancel"), routes.CANCEL.build())]
        if step.step == "name":
            await self.reply(update, t(lang, "newteam.ask_name"))
        elif step.step == "kind":
            rows = [
                [(t(lang, f"button.kind.{k.value}"), routes.NEW_TEAM_KIND.build(kind=k))]
                for k in TeamKind
            ]
            await self.edit_or_reply(
                update,
                t(lang, "newteam.ask_kind", name=step.name or ""),
                keyboard([*rows, cancel]),
            )
        elif step.step == "stadsdeel":
            choices = [
                (t(lang, f"stadsdeel.{sd.value}"), routes.NEW_TEAM_STADSDEEL.build(stadsdeel=sd))
                for sd in Stadsdeel
            ]
            rows = [choices[i : i + 3] for i in range(0, len(choices), 3)]
            await self.edit_or_reply(
                update,
                t(
                    lang,
                    "newteam.ask_stadsdeel",
                    name=step.name or "",
                    kind=t(lang, f"kind.{step.kind}"),
                ),
                keyboard([*rows, cancel]),
            )

    @with_actor
    async def pick_kind(self, update: Update, context: Context, actor: Actor) -> str | None:
        kind = TeamKind(routes.NEW_TEAM_KIND.args(context).text("kind"))
        step = await self.team_setup.choose_kind(actor, kind)
        await self._ask_next(update, actor, step)
        return None

    @with_actor
    async def pick_stadsdeel(self, update: Update, context: Context, actor: Actor) -> str | None:
        stadsdeel = Stadsdeel(routes.NEW_TEAM_STADSDEEL.args(context).text("stadsdeel"))
        team, invite = await self.team_setup.choose_stadsdeel(actor, stadsdeel)
        lang = actor.language
        await self.edit_or_reply(update, t(lang, "newteam.created", team=team_line(lang, team)))
        await self._send_invite(update, context, actor, team, invite)
        return None

    # --- invites ----------------------------------------------------------------------------

    @with_actor
    async def invite(self, update: Update, context: Context, actor: Actor) -> str | None:
        teams = await self.directory.managed_teams(actor)
        if not teams:
            raise ServiceError("denied.invite")
        if len(teams) == 1:
            team, invite = await self.directory.current_invite(actor, teams[0].id)
            await self._send_invite(update, context, actor, team, invite)
        else:
            rows = [
                [(short_label(team.name, 40), routes.INVITE.build(team_id=team.id))]
                for team in teams
            ]
            await self.reply(update, t(actor.language, "invite.pick_team"), keyboard(rows))
        return None

    @with_actor
    async def show_invite(self, update: Update, context: Context, actor: Actor) -> str | None:
        team_id = routes.INVITE.args(context).int("team_id")
        team, invite = await self.directory.current_invite(actor, team_id)
        await self._send_invite(update, context, actor, team, invite, edit=True)
        return None

    @with_actor
    async def renew_invite(self, update: Update, context: Context, actor: Actor) -> str | None:
        team_id = routes.INVITE_RENEW.args(context).int("team_id")
        team, invite = await self.directory.renew_invite(actor, team_id)
        await self._send_invite(update, context, actor, team, invite, edit=True, renewed=True)
        return t(actor.language, "invite.renewed_toast")

    @with_actor
    async def revoke_invite(self, update: Update, context: Context, actor: Actor) -> str | None:
        team = await self.directory.revoke_invites(
            actor, routes.INVITE_REVOKE.args(context).int("team_id")
        )
        lang = actor.language
        await self.edit_or_reply(
            update,
            t(lang, "invite.revoked", team=team.name),
            keyboard([[(t(lang, "button.new_link"), routes.INVITE_RENEW.build(team_id=team.id))]]),
        )
        return None

    async def _send_invite(
        self,
        update: Update,
        context: Context,
        actor: Actor,
        team: Team,
        invite: Invite,
        *,
        edit: bool = False,
        renewed: bool = False,
    ) -> None:
        lang = actor.language
        text = t(
            lang,
            "invite.link",
            team=team.name,
            link=f"https://t.me/{context.bot.username}?start={invite.code}",
            code=invite.code,
            until=format_date(lang, invite.expires_at, self.zone),
        )
        if renewed:
            text = Safe(text + "\n\n" + t(lang, "invite.old_link_dead"))
        markup = keyboard(
            [
                [
                    (t(lang, "button.new_link"), routes.INVITE_RENEW.build(team_id=team.id)),
                    (t(lang, "button.revoke_link"), routes.INVITE_REVOKE.build(team_id=team.id)),
                ]
            ]
        )
        if edit:
            await self.edit_or_reply(update, text, markup)
        else:
            await self.reply(update, text, markup)

    # --- the team and its roles -------------------------------------------------------------

    @with_actor
    async def team(self, update: Update, context: Context, actor: Actor) -> str | None:
        teams = await self.directory.teams_of(actor)
        if not teams:
            raise ServiceError("team.none")
        if len(teams) == 1:
            roster = await self.directory.roster(actor, teams[0].team.id)
            await self.reply(update, *self._roster_view(actor, roster, 0))
        else:
            rows = [
                [(short_label(x.team.name, 40), routes.TEAM.build(team_id=x.team.id, page=0))]
                for x in teams
            ]
            await self.reply(update, t(actor.language, "team.pick"), keyboard(rows))
        return None

    @with_actor
    async def show_team(self, update: Update, context: Context, actor: Actor) -> str | None:
        args = routes.TEAM.args(context)
        roster = await self.directory.roster(actor, args.int("team_id"))
        await self.edit_or_reply(update, *self._roster_view(actor, roster, args.int("page")))
        return None

    @with_actor
    async def appoint(self, update: Update, context: Context, actor: Actor) -> str | None:
        args = routes.TEAM_APPOINT.args(context)
        change = await self.directory.appoint_coordinator(
            actor, args.int("team_id"), args.int("person_id")
        )
        await self.notify(
            context,
            change.person.telegram_user_id,
            self.directory.language_of(change.person),
            "team.notice_appointed",
            by=actor.display_name,
            team=change.team.name,
        )
        roster = await self.directory.roster(actor, change.team.id)
        await self.edit_or_reply(update, *self._roster_view(actor, roster, 0))
        return t(actor.language, "team.appointed_toast", name=change.person.display_name)

    @with_actor
    async def confirm_remove(self, update: Update, context: Context, actor: Actor) -> str | None:
        args = routes.TEAM_REMOVE.args(context)
        change = await self.directory.member_of(actor, args.int("team_id"), args.int("person_id"))
        lang = actor.language
        ids = {"team_id": change.team.id, "person_id": change.person.id}
        await self.edit_or_reply(
            update,
            t(lang, "team.confirm_remove", name=change.person.display_name, team=change.team.name),
            keyboard(
                [
                    [
                        (t(lang, "button.remove_yes"), routes.TEAM_REMOVE_CONFIRMED.build(**ids)),
                        (t(lang, "button.back"), routes.TEAM.build(team_id=change.team.id, page=0)),
                    ]
                ]
            ),
        )
        return None

    @with_actor
    async def remove(self, update: Update, context: Context, actor: Actor) -> str | None:
        args = routes.TEAM_REMOVE_CONFIRMED.args(context)
        change = await self.directory.remove_member(
            actor, args.int("team_id"), args.int("person_id")
        )
        await self.notify(
            context,
            change.person.telegram_user_id,
            self.directory.language_of(change.person),
            "team.notice_removed",
            by=actor.display_name,
            team=change.team.name,
        )
        roster = await self.directory.roster(actor, change.team.id)
        await self.edit_or_reply(update, *self._roster_view(actor, roster, 0))
        return t(actor.language, "team.removed_toast", name=change.person.display_name)

    def _roster_view(
        self, actor: Actor, roster: Roster, page: int
    ) -> tuple[Safe, InlineKeyboardMarkup | None]:
        lang = actor.language
        pages = max(1, -(-len(roster.members) // ROSTER_PAGE))
        page = min(max(page, 0), pages - 1)
        shown = roster.members[page * ROSTER_PAGE : (page + 1) * ROSTER_PAGE]
        lines = [
            t(lang, f"team.member_{membership.role.value}", name=person.display_name)
            for person, membership in shown
        ]
        parts = [
            t(lang, "team.header", team=team_line(lang, roster.team), count=len(roster.members)),
            bullet_list(lines) if lines else t(lang, "team.empty"),
        ]
        if pages > 1:
            parts.append(t(lang, "team.page", page=page + 1, pages=pages))
        if roster.group_title:
            parts.append(t(lang, "team.group", title=roster.group_title))
        rows: list[list[tuple[str, str]]] = []
        if roster.can_manage:
            parts.append(t(lang, "team.manage_hint"))
            for person, membership in shown:
                if person.id == actor.person_id:
                    continue
                ids = {"team_id": roster.team.id, "person_id": person.id}
                row: list[tuple[str, str]] = []
                if membership.role is Role.MEMBER:
                    row.append(
                        (
                            plain_text(
                                t(lang, "button.appoint", name=short_label(person.display_name))
                            ),
                            routes.TEAM_APPOINT.build(**ids),
                        )
                    )
                row.append(
                    (
                        plain_text(t(lang, "button.remove", name=short_label(person.display_name))),
                        routes.TEAM_REMOVE.build(**ids),
                    )
                )
                rows.append(row)
        nav = []
        if page > 0:
            nav.append(("◀", routes.TEAM.build(team_id=roster.team.id, page=page - 1)))
        if page < pages - 1:
            nav.append(("▶", routes.TEAM.build(team_id=roster.team.id, page=page + 1)))
        if nav:
            rows.append(nav)
        return Safe("\n\n".join(parts)), keyboard(rows) if rows else None

    # --- linking a group --------------------------------------------------------------------

    @with_actor
    async def link_group(self, update: Update, context: Context, actor: Actor) -> str | None:
        if is_private(update):
            raise ServiceError("linkgroup.in_private")
        teams = await self.directory.managed_teams(actor)
        if not teams:
            raise ServiceError("denied.linkgroup")
        if len(teams) == 1:
            await self._link(update, actor, teams[0].id)
        else:
            rows = [
                [(short_label(team.name, 40), routes.LINK_GROUP.build(team_id=team.id))]
                for team in teams
            ]
            await self.reply(update, t(actor.language, "linkgroup.pick_team"), keyboard(rows))
        return None

    @with_actor
    async def pick_group_team(self, update: Update, context: Context, actor: Actor) -> str | None:
        await self._link(update, actor, routes.LINK_GROUP.args(context).int("team_id"))
        return None

    async def _link(self, update: Update, actor: Actor, team_id: int) -> None:
        chat = update.effective_chat
        assert chat is not None
        where = Chat.PRIVATE if chat.type == ChatType.PRIVATE else Chat.GROUP
        team = await self.directory.link_group(actor, team_id, chat.id, chat.title or "", where)
        await self.edit_or_reply(update, t(actor.language, "linkgroup.done", team=team.name))

    async def group_migrated(self, update: Update, context: Context) -> None:
        """A group upgraded to a supergroup gets a new chat id: its team link moves along.
        Telegram tells both chats (`migrate_to_chat_id` in the old one, `migrate_from_chat_id`
        in the new one); whichever comes first moves the link, the other finds nothing left.
        Nobody acts here, so no person is identified and nothing is said."""
        message = update.effective_message
        if message is None:
            return
        if message.migrate_to_chat_id is not None:
            old_id, new_id = message.chat.id, message.migrate_to_chat_id
        elif message.migrate_from_chat_id is not None:
            old_id, new_id = message.migrate_from_chat_id, message.chat.id
        else:
            return
        await self.directory.move_group(old_id, new_id)

    # --- language and cancel ----------------------------------------------------------------

    @with_actor
    async def language(self, update: Update, context: Context, actor: Actor) -> str | None:
        await self.reply(
            update,
            t(actor.language, "language.ask"),
            keyboard(
                [
                    [
                        ("Nederlands", routes.LANGUAGE.build(language="nl")),
                        ("English", routes.LANGUAGE.build(language="en")),
                    ]
                ]
            ),
        )
        return None

    @with_actor
    async def pick_language(self, update: Update, context: Context, actor: Actor) -> str | None:
        picked = routes.LANGUAGE.args(context).text("language")
        chosen: Language = "en" if picked == "en" else "nl"
        actor = await self.directory.set_language(actor, chosen)
        await self.edit_or_reply(update, t(actor.language, "language.set"))
        return None

    @with_actor
    async def cancel(self, update: Update, context: Context, actor: Actor) -> str | None:
        stopped = await self.team_setup.cancel(actor)
        key = "cancel.done" if stopped else "cancel.nothing"
        await self.edit_or_reply(update, t(actor.language, key))
        return None
