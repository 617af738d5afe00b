"""English texts (the second language). Telegram HTML: write &lt; and &gt; for < and >."""

TEXTS: dict[str, str] = {
    # Command menu
    "command.start": "Start and see your teams",
    "command.help": "What can I do here?",
    "command.join": "Join a team with an invite code",
    "command.team": "Your team and its members",
    "command.invite": "Invite link for your team (coordinator)",
    "command.newteam": "Create a new team (steunpunt admin)",
    "command.linkgroup": "Link this group to your team (coordinator)",
    "command.language": "Choose language / taal kiezen",
    "command.cancel": "Stop what you are doing",
    # Vocabulary
    "team.line": "<b>{team}</b> ({kind}, {stadsdeel})",
    "kind.gebiedsteam": "area team",
    "kind.initiatief": "citizen initiative",
    "kind.ambtelijk_team": "civil service team",
    "button.kind.gebiedsteam": "Area team (gebiedsteam)",
    "button.kind.initiatief": "Citizen initiative",
    "button.kind.ambtelijk_team": "Civil service team",
    "stadsdeel.centrum": "Centrum",
    "stadsdeel.nieuw_west": "Nieuw-West",
    "stadsdeel.noord": "Noord",
    "stadsdeel.oost": "Oost",
    "stadsdeel.west": "West",
    "stadsdeel.zuid": "Zuid",
    "stadsdeel.zuidoost": "Zuidoost",
    "stadsdeel.weesp": "Weesp",
    "stadsdeel.stad": "city-wide",
    "format.months": "January,February,March,April,May,June,July,August,September,October,"
    "November,December",
    "format.date": "{day} {month} {year}",
    # Buttons
    "button.cancel": "Cancel",
    "button.new_link": "🔄 New link",
    "button.revoke_link": "🚫 Revoke link",
    "button.remove_yes": "Yes, remove",
    "button.back": "Back",
    "button.appoint": "⭐ {name} coordinator",
    "button.remove": "✖ {name}",
    # Welcome and help
    "start.hello": "Hello {name}! I am the Steunpunt bot. I help teams in Amsterdam work on one "
    "thing in short cycles and learn from each other.",
    "start.your_teams": "You are a member of:\n{teams}",
    "start.no_team": "You are not in a team yet. Open the invite link your coordinator gave you, "
    "or send /join with the code.",
    "start.admin_no_team": "You are a steunpunt admin. Create a team with /newteam.",
    "help.title": "<b>What can I do for you?</b>",
    "help.admin": "As a steunpunt admin:\n/newteam name – create a new team\n"
    "You can do everything a coordinator can, in every team.",
    "help.coordinator": "As a coordinator:\n/invite – your team's invite link\n"
    "/team – see members, appoint coordinators, remove members\n"
    "/linkgroup – send this in your team's Telegram group to link it",
    "help.member": "For your team:\n/team – who is in your team",
    "help.newcomer": "No team yet? Open your coordinator's invite link, or send /join with the "
    "code.",
    "help.everyone": "/language – Nederlands or English\n/cancel – stop what you are doing\n"
    "/help – this overview",
    "group.help": "Hello! I mostly work in a private chat: send me a message at @{bot}. "
    "Coordinators: send /linkgroup here to link this group to your team.",
    "group.private_only": "I would rather do this one-to-one. Send it to me in a private chat: "
    "@{bot}.",
    # Joining
    "join.ask_code": "What is your invite code? Send it here (or simply open the link you got). "
    "Send /cancel to stop.",
    "join.already": "You are already a member of <b>{team}</b>. /team shows who else is in it.",
    "join.welcome": "Welcome to {team}! You are now a member.\n\nWhen your team holds check-ins, "
    "I will send you the questions here. /team shows who else is in it, /help what I can do.",
    "join.notice_coordinator": "{name} joined <b>{team}</b>.",
    "join.unknown_code": "I do not know that invite code. Check that you have the whole link or "
    "code, or ask your coordinator for a new one.",
    "join.revoked_code": "This invite to <b>{team}</b> has been revoked. Ask your coordinator for "
    "a new link.",
    "join.expired_code": "This invite to <b>{team}</b> has expired. Ask your coordinator for a new "
    "link.",
    # New team
    "newteam.ask_name": "What is the new team called? Send the name. Send /cancel to stop.",
    "newteam.ask_kind": "What kind of team is <b>{name}</b>?",
    "newteam.ask_stadsdeel": "<b>{name}</b> ({kind}). Which borough does the team work in?",
    "newteam.created": "Team {team} has been created. ✅",
    "newteam.name_empty": "A team needs a name. Send the name, or stop with /cancel.",
    "newteam.name_too_long": "That name is too long: at most {limit} characters. Try a "
    "shorter one.",
    "newteam.name_taken": "There already is a team called <b>{name}</b>. Choose another name.",
    "flow.use_buttons": "Choose one of the buttons above, or stop with /cancel.",
    "flow.expired": "This step is no longer current. Start again with {command}.",
    # Invites
    "invite.pick_team": "Which team do you want the invite link for?",
    "invite.link": "Invite link for <b>{team}</b>:\n{link}\n\nSend this link to your team "
    "members: whoever opens it becomes a member. Without the link, /join {code} works too.\n"
    "Valid until {until}.",
    "invite.old_link_dead": "The previous link no longer works.",
    "invite.renewed_toast": "New link created",
    "invite.revoked": "The invite link for <b>{team}</b> has been revoked: nobody can join with "
    "it any more. Existing members stay.",
    # Team and roles
    "team.none": "You are not in a team yet. Open your coordinator's invite link, or send /join "
    "with the code.",
    "team.pick": "Which team do you want to see?",
    "team.header": "Team {team}\nMembers ({count}):",
    "team.member_member": "{name}",
    "team.member_coordinator": "{name} – coordinator",
    "team.empty": "Nobody yet. Invite members with /invite.",
    "team.page": "Page {page} of {pages}",
    "team.group": "Linked group: {title}",
    "team.manage_hint": "Use the buttons to make someone coordinator (⭐) or remove them from the "
    "team (✖).",
    "team.confirm_remove": "Are you sure you want to remove {name} from <b>{team}</b>? What {name} "
    "shared before is kept.",
    "team.appointed_toast": "{name} is now a coordinator",
    "team.removed_toast": "{name} was removed from the team",
    "team.notice_appointed": "{by} made you a coordinator of <b>{team}</b>. /help shows what you "
    "can do now.",
    "team.notice_removed": "{by} removed you from <b>{team}</b>. A mistake? Ask a coordinator for "
    "a new invite.",
    "team.already_coordinator": "{name} already is a coordinator.",
    "team.cannot_remove_self": "You cannot remove yourself here. Ask another coordinator or a "
    "steunpunt admin.",
    "team.not_a_member": "That person is not (or no longer) a member of <b>{team}</b>.",
    # Linking a group
    "linkgroup.in_private": "Send /linkgroup in your team's Telegram group (add me there first) "
    "and I will link that group to the team.",
    "linkgroup.pick_team": "Which team do you want to link this group to?",
    "linkgroup.done": "This group is now linked to <b>{team}</b>. I will post the team's notices "
    "here, such as how many people took part in a check-in — never the answers themselves.",
    "linkgroup.taken": "This group is already linked to <b>{team}</b>. Only a coordinator of that "
    "team can change the link.",
    # Refusals: say who may
    "denied.admin": "Only steunpunt admins can create teams. Want to start a team? Contact the "
    "steunpunt.",
    "denied.coordinator": "Only a coordinator of <b>{team}</b> (or a steunpunt admin) can do that.",
    "denied.member": "Only members of <b>{team}</b> can see the team.",
    "denied.invite": "Only coordinators (and steunpunt admins) can invite people. Ask your "
    "coordinator for the invite link.",
    "denied.linkgroup": "Only a coordinator of a team (or a steunpunt admin) can link this group.",
    # Language, cancel, fallbacks, errors
    "language.ask": "Which language would you like me to use?",
    "language.set": "Fine, I will speak English with you from now on.",
    "cancel.done": "Stopped. You can start again whenever you like.",
    "cancel.nothing": "You were not in the middle of anything, so there is nothing to stop.",
    "fallback.text": "I do not know what to do with that. /help shows what I can do.",
    "fallback.command": "I do not know that command. /help shows what I can do.",
    "fallback.other": "I cannot use messages like this here yet. /help shows what I can do.",
    "error.button_expired": "This button no longer works. Feel free to start again.",
    "error.team_unknown": "That team does not exist (any more).",
    "error.person_unknown": "I do not know you yet. Send /start to begin.",
    "error.unexpected": "Sorry, something went wrong on my side. Please try again in a moment; "
    "if it keeps failing, let your coordinator know.",
}
