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
    "You can do everything a coordinator can, in every team.\n/search – find lessons; 🙈 "
    "hides one\n/merge KEEP DUPLICATE – merge duplicate lessons\n"
    "/summary – also the summary of the whole network\n"
    "/export – also all teams together in one spreadsheet\n"
    "/radar – blockers that recur across teams",
    "help.coordinator": "As a coordinator:\n/sprint – start a sprint, see progress, close it\n"
    "/checkin – days, time and questions of the check-in; /checkin now sends one at once\n"
    "/invite – your team's invite link\n"
    "/team – see members, appoint coordinators, remove members\n"
    "/linkgroup – send this in your team's Telegram group to link it\n"
    "/summary – a summary of this week or the sprint, with a chart\n"
    "/export – your team's lessons, answers, blockers, actions and participation as a spreadsheet",
    "help.member": "For your team:\n/sprint – the sprint's goal and progress\n"
    "/lesson – record a lesson, /lessons – your lessons\n/search – search what other teams "
    "learned\n"
    "/blockers – what your team ran into; mark it solved\n"
    "/skip – skip a check-in question\n/away – no check-ins for a while, /back – again\n"
    "/timezone – your own time zone\n/team – who is in your team",
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
    "join.used_code": "This personal invite to <b>{team}</b> has already been used by someone "
    "else. Ask your coordinator for a new link.",
    "join.welcome_coordinator": "Welcome to {team}! You are now a coordinator of this team.\n\n"
    "/sprint starts a sprint, /checkin sets up the check-ins and /invite invites others. /team "
    "shows who is in the team, /help what else you can do.",
    # New team
    "newteam.ask_name": "What is the new team called? Send the name. Send /cancel to stop.",
    "newteam.ask_kind": "What kind of team is <b>{name}</b>?",
    "newteam.ask_stadsdeel": "<b>{name}</b> ({kind}). Which borough does the team work in?",
    "newteam.created": "Team {team} has been created. ✅",
    "newteam.name_empty": "A team needs a name. Send the name, or stop with /cancel.",
    "newteam.name_too_long": "That name is too long: at most {limit} characters. This one has "
    "{length}: try a shorter one.",
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
    # Command menu (check-ins)
    "command.sprint": "Sprint: goal, progress, closing",
    "command.checkin": "Set up check-ins, or /checkin now (coordinator)",
    "command.skip": "Skip this question",
    "command.away": "No check-ins for a while (until a date)",
    "command.back": "Receive check-ins again",
    "command.timezone": "Your own time zone",
    # Questions
    "question.default.0": "What did you do?",
    "question.default.1": "What went well?",
    "question.default.2": "What got in your way?",
    "question.default.3": "What did you learn?",
    "question.default.4": "What is your next step?",
    "question.start_stop_continue.0": "Start: what will you start doing?",
    "question.start_stop_continue.1": "Stop: what will you stop doing?",
    "question.start_stop_continue.2": "Continue: what works and do you keep?",
    "question.four_ls.0": "What did you like?",
    "question.four_ls.1": "What did you learn?",
    "question.four_ls.2": "What was lacking?",
    "question.four_ls.3": "What did you long for?",
    "question.mad_sad_glad.0": "What made you mad?",
    "question.mad_sad_glad.1": "What made you sad or disappointed?",
    "question.mad_sad_glad.2": "What made you glad?",
    "question.retro.0": "Looking back at the sprint goal: what did we achieve?",
    "question.retro.1": "What went well in this sprint?",
    "question.retro.2": "What could be better next time?",
    "question.retro.3": "What did you learn that other teams should know too?",
    "question.retro.4": "What do you take into the next sprint?",
    "template.default": "Standard (5 questions)",
    "template.start_stop_continue": "Start / Stop / Continue",
    "template.four_ls": "4Ls: Liked, Learned, Lacked, Longed for",
    "template.mad_sad_glad": "Mad / Sad / Glad",
    "template.custom": "Own questions",
    # The check-in itself
    "checkin.intro": "👋 Check-in for <b>{team}</b>. I will ask you {total} short questions, one "
    "at a time. I save every answer straight away; /skip skips a question.",
    "checkin.intro_retro": "🔁 The sprint of <b>{team}</b> is over: time to look back. I will ask "
    "you {total} short questions, one at a time; /skip skips a question.",
    "checkin.goal": "Sprint goal: <i>{goal}</i>",
    "checkin.counter": "<b>{number}/{total}</b>",
    "checkin.mood": "How is your energy right now? 1 = drained, 5 = full of energy.",
    "checkin.mood_answered": "Energy: {mood} {face}",
    "checkin.action": "Last time your next step was: <i>{action}</i>\nDid it work out?",
    "checkin.action_answered": "<i>{action}</i>: {choice}",
    "action.done": "Done",
    "action.partly": "Partly",
    "action.dropped": "Not done",
    "checkin.question": "<b>{question}</b>",
    "checkin.lesson_hint": "I will keep what you write here as a lesson of your team.",
    "checkin.next_step_hint": "This becomes your action; I will ask about it at the next check-in.",
    "checkin.skip_hint": "Type your answer (a voice message or photo is fine too), or /skip.",
    "checkin.current_answer": "Your answer now: <i>{answer}</i>",
    "checkin.send_new_answer": "Send your new answer.",
    "checkin.attachment_kept": "Saved: your {kind}.",
    "checkin.reminder": "⏰ Reminder: your check-in for <b>{team}</b> is still open. You were "
    "here:",
    "checkin.use_buttons": "Choose an answer with the buttons under the question (or send /skip).",
    "checkin.mood_range": "Choose a number from 1 to 5.",
    "checkin.closed": "This check-in has closed; your answers are saved.",
    "checkin.not_yet": "Please answer the question that is open now first.",
    "checkin.nothing_to_skip": "There is no open question to skip.",
    "checkin.opened_now": "Check-in for <b>{team}</b> opened: I am sending the members the first "
    "question now.",
    "attachment.voice": "(voice message)",
    "attachment.audio": "(audio)",
    "attachment.photo": "(photo)",
    "attachment.video": "(video)",
    "attachment.video_note": "(video message)",
    "attachment.document": "(file)",
    "attachment.sticker": "(sticker)",
    "recap.title": "Thank you! This is what I saved for <b>{team}</b>:",
    "recap.line": "{number}. {label}: {value}",
    "recap.mood": "Energy",
    "recap.mood_value": "{mood} out of 5",
    "recap.action": "Action <i>{action}</i>",
    "recap.skipped": "(skipped)",
    "recap.editable": "Want to change something? Choose its number. You can until {until}.",
    "closed.group": "📋 Check-in of {team} closed: {answered} of {prompted} members took part.",
    "closed.question": "{question}",
    "closed.answer": "• {person}: {answer}",
    "closed.unreachable": "The check-in of <b>{team}</b> has closed. Not reachable (they blocked "
    "or never started the bot): {names}. Ask them to open the bot again.",
    "format.moment": "{date} at {time}",
    "format.weekdays": "Monday,Tuesday,Wednesday,Thursday,Friday,Saturday,Sunday",
    # Sprints
    "sprint.none": "<b>{team}</b> has no sprint running now.",
    "sprint.button_start": "🚀 Start a new sprint",
    "sprint.ask_goal": "New sprint for <b>{team}</b>. What is the goal: the one thing you will "
    "work on in the coming weeks? Send it in one sentence (or /cancel).",
    "sprint.ask_length": "Goal for <b>{team}</b>: <i>{goal}</i>\nHow long is the sprint?",
    "sprint.weeks": "{weeks} wk",
    "sprint.started": "🚀 Sprint {number} has started: <i>{goal}</i>\nIt runs until {end}. At the "
    "end I close it with a retrospective check-in; /sprint closes it earlier.",
    "sprint.title": "<b>Sprint {number}</b> of <b>{team}</b>",
    "sprint.goal": "Goal: <i>{goal}</i>",
    "sprint.days": "Day {day} of {days} (until {end})",
    "sprint.participation": "Check-ins: {checkins}, answers: {answered} of {prompted} times asked",
    "sprint.away": "Away: {names}",
    "sprint.unreachable": "⚠️ Not reachable (blocked the bot): {names}",
    "sprint.button_close": "🏁 Close the sprint",
    "sprint.confirm_close": "Close the sprint of <b>{team}</b>? All members then get the "
    "retrospective check-in.",
    "sprint.button_close_yes": "Yes, close it",
    "sprint.closed": "🏁 Sprint {number} (<i>{goal}</i>) is closed. The retrospective check-in is "
    "going out to all members now.",
    "sprint.goal_empty": "A sprint needs a goal. Send the goal in one sentence.",
    "sprint.bad_weeks": "Choose a length of 1 to 4 weeks.",
    "sprint.already_open": "This team already has a sprint running. Close it first via /sprint.",
    "sprint.none_open": "This team has no sprint running.",
    "denied.coordinator_any": "Only a coordinator of a team (or a steunpunt admin) can do this.",
    # Check-in settings
    "settings.title": "⚙️ Check-ins of <b>{team}</b>",
    "settings.when": "When: {days} at {time} ({zone})",
    "settings.no_days": "no days chosen",
    "settings.next": "Next: {moment}",
    "settings.no_next": "Next: none (choose a day, or resume)",
    "settings.questions": "Questions: {template}",
    "settings.paused": "⏸ Paused: no check-ins go out.",
    "settings.skipping_sprint": "⏭ No check-ins are sent during this sprint.",
    "settings.on": "on",
    "settings.off": "off",
    "settings.hours": "{hours} h",
    "settings.button_time": "🕘 Time: {time}",
    "settings.button_questions": "📝 {template}",
    "settings.button_reminder": "🔔 Reminder: {value}",
    "settings.button_close": "⏱ Open: {hours} h",
    "settings.button_holidays": "🎉 Skip public holidays: {value}",
    "settings.button_share": "👥 Answers in group: {value}",
    "settings.button_pause": "⏸ Pause",
    "settings.button_resume": "▶️ Resume",
    "settings.button_skip": "⏭ Skip this sprint",
    "settings.button_unskip": "↩️ Check-ins in this sprint after all",
    "settings.button_now": "📨 Send a check-in now",
    "settings.ask_time": "What time does the check-in go out? Choose a time or type one (e.g. "
    "8:45).",
    "settings.ask_template": "Which questions? Choose a set, or send your own questions, one per "
    "line. Put (lesson) after the question whose answer is a lesson, and (action) after the "
    "question about the next step.",
    "settings.ask_reminder": "After how many hours do those who have not answered get one "
    "reminder?",
    "settings.ask_close": "How long does a check-in stay open for answers and changes?",
    "settings.bad_time": "‘{given}’ is not a time I understand. Type for example 9:30 or 17:00.",
    "settings.no_questions": "I found no questions. Send one question per line.",
    "settings.already_opened": "A check-in was opened just now.",
    # Away and time zone
    "away.ask": "How long do you want no check-ins? Choose, or send /away with a date "
    "(e.g. /away 24-12).",
    "away.days": "{days} days",
    "away.set": "🌴 I will send you no check-ins until {until} (inclusive). Back earlier? Send "
    "/back.",
    "away.back": "Welcome back! You will get the check-ins again.",
    "away.bad_date": "‘{given}’ is not a date I understand. Use for example 24-12 or 24-12-2026.",
    "away.in_past": "That date has passed. Choose a day from today on.",
    "timezone.ask": "Your time zone is now: {zone}. Choose another, or send /timezone with a name "
    "such as Europe/London.",
    "timezone.team_default": "your team's",
    "timezone.set": "Your time zone is now {zone}. Check-ins arrive at the team's time in your "
    "zone.",
    "timezone.unknown": "I do not know ‘{given}’ as a time zone. Use a name like Europe/Amsterdam.",
    # Lessons
    "command.lesson": "Record a lesson",
    "command.lessons": "Your lessons and your team's",
    "command.search": "Search the city knowledge log",
    "lesson.text": "<i>{text}</i>",
    "lesson.advice": "💡 {advice}",
    "lesson.meta": "{team} · {stadsdeel} · {date}",
    "lesson.by": "by {name}",
    "lesson.counts": "👍 {endorsements} · 🧪 {adoptions}",
    "lesson.anonymous": "anonymous",
    "lesson.someone": "Someone from the steunpunt",
    "lesson.mark_hidden": "🙈 hidden by the steunpunt: {reason}",
    "lesson.mark_undecided": "❔ not chosen yet (team only)",
    "lesson.mark_team": "🔒",
    "lesson.mark_city": "🌍",
    "lesson.mark_anonymous": "🕶",
    "lesson.card_title": "📘 Your lesson for <b>{team}</b>:",
    "lesson.similar_title": "<b>Others learned too:</b>",
    "lesson.similar_line": "• <i>{text}</i> — {team}, {stadsdeel}",
    "lesson.suggested": "💡 Themes suggested: {themes} — tap to change",
    "lesson.card_ask": "Choose themes (none is fine too), then what happens to your lesson. Until "
    "you choose, it stays within your team.",
    "lesson.button_advice": "💡 Add advice",
    "lesson.button_team": "🔒 Team only",
    "lesson.button_city": "🌍 Share with steunpunt",
    "lesson.button_anonymous": "🕶 Share anonymously",
    "lesson.button_delete": "🗑 Delete",
    "lesson.button_delete_yes": "Yes, delete",
    "lesson.decided_team": "🔒 Kept as a lesson of your team. Only your team mates see it.",
    "lesson.decided_city": "🌍 Shared with the city knowledge log, with your name. Other teams can "
    "now find it with /search.",
    "lesson.decided_anonymous": "🕶 Shared anonymously with the city knowledge log: other teams see "
    "your team, never your name.",
    "lesson.themes": "Themes: {themes}. Change or delete it via /lessons.",
    "lesson.no_themes": "none",
    "lesson.no_team": "Lessons belong to a team, and you are not in a team yet. Open your "
    "coordinator's invite link.",
    "lesson.pick_team": "Which team is this lesson for?",
    "lesson.ask_text": "What did you learn? Write it in a few sentences (#tags welcome). Send "
    "/cancel to stop.",
    "lesson.ask_advice": "What advice do you give others? One or two sentences.",
    "lesson.confirm_delete": "Really delete this lesson? Recognitions and reactions from other "
    "teams go too.",
    "lesson.deleted": "🗑 The lesson was deleted.",
    "lesson.endorsed_toast": "Recognised! The team will hear about it.",
    "lesson.unendorsed_toast": "Recognition withdrawn",
    "lesson.ask_adoption": "You tried the lesson of <b>{team}</b>: <i>{lesson}</i>\nHow did it "
    "go? One line is enough (or /cancel).",
    "lesson.adopted": "Thank you! The team behind the lesson will hear how it went for you.",
    "lesson.ask_hide_reason": "Why are you hiding this lesson? The author will see your reason.",
    "lesson.hidden": "🙈 The lesson is hidden; the author got your reason.",
    "lesson.merged": "🔗 Lesson #{duplicate} was merged into #{keep}: it now has "
    "{endorsements} recognitions and {adoptions} reactions.",
    "lesson.merge_usage": "Use: /merge KEEP DUPLICATE, for example /merge 12 34 (the numbers show "
    "in search results as #12).",
    "lesson.empty": "A lesson needs text. What did you learn?",
    "lesson.advice_empty": "Send your advice as text.",
    "lesson.adopt_empty": "Send one line on how it went.",
    "lesson.reason_empty": "Send a reason as text.",
    "lesson.unknown": "That lesson does not exist (any more) or is not visible to you.",
    "lesson.not_author": "Only the person who wrote the lesson can do this.",
    "lesson.not_member": "You are not a member of that team.",
    "lesson.need_team": "Recognising a lesson and telling how it went is for members of a team. "
    "Ask a coordinator for an invite, or ask the steunpunt to start a team for you.",
    "lesson.own_team": "This is a lesson of your own team; recognitions and reactions are for "
    "other teams.",
    "lesson.merge_same": "A lesson cannot be merged with itself.",
    "lesson.merge_inactive": "The lesson that stays must be visible (not hidden or merged).",
    "lesson.notice_endorsed": "💬 {team} recognised your lesson:\n<i>{lesson}</i>\n\nThis "
    "lesson of {own_team} has now been recognised {count}×. That is how what you learned "
    "travels the city.",
    "lesson.notice_adopted": "🧪 {team} tried your lesson:\n<i>{lesson}</i>\n\nHow it went: "
    "“{line}”",
    "lesson.notice_hidden": "🙈 The steunpunt has hidden your lesson:\n<i>{lesson}</i>\n\nReason: "
    "{reason}\nYou still see it in /lessons.",
    "denied.admin_curate": "Only steunpunt admins can hide or merge lessons.",
    "lessons.none": "No lessons yet. Record one with /lesson, or answer the lesson question in a "
    "check-in.",
    "lessons.own": "<b>Your lessons</b> (🔒 team, 🌍 shared, 🕶 shared anonymously):",
    "lessons.team": "<b>Lessons of your team</b>:",
    "lessons.team_line": "• <i>{text}</i> — {name}",
    "lessons.manage_hint": "Choose ⚙️ and a number to share, change sharing or delete.",
    "search.ask": "What are you looking for? For example: permit, subsidie @noord, or "
    "#financiering.",
    "search.no_words": "I can't search for “{given}”: it only holds words like ‘the’ or ‘not’, "
    "or signs. Try a word that says what it is about, for example permit or subsidy.",
    "search.everything": "everything",
    "search.header": "🔎 {total} lessons for “{query}”:",
    "search.header_one": "🔎 1 lesson for “{query}”:",
    "search.loose": "No lesson had all the words; these come closest.",
    "search.nothing": "🔎 Nothing found yet for “{query}”.",
    "search.hint": "Try fewer or other words, or filter by theme or borough.",
    "search.button_theme": "🏷 Theme",
    "search.button_stadsdeel": "📍 Borough",
    "search.button_kind": "👥 Team kind",
    "search.any": "All",
    "search.choose_theme": "Which theme?",
    "search.choose_stadsdeel": "Which borough?",
    "search.choose_kind": "Which kind of team?",
    # --- check-in hardening ---
    "checkin.still_open": "A check-in for this team is still open. It closes on {closes}; after "
    "that you can open a new one.",
    "checkin.lesson_reopened": "🔒 Your lesson changed. Your choice was for the old text, so the "
    "lesson is no longer in the steunpunt and stays in your team until you choose again.",
    "checkin.answer_edited": "✏️ Changed: your answer to ‘{question}’.",
    "checkin.edit_closed": "This check-in has closed already; your answer stays as it was.",
    "edit.ignored": "You edited a message. I do not read edits; feel free to send it again as a "
    "new message.",
    # --- privacy ---
    "command.mydata": "Everything I keep about you, as a file",
    "command.forget": "Erase your data",
    "help.privacy": "/mydata – everything I keep about you, in one file\n"
    "/forget – have your data erased",
    "mydata.caption": "Everything Steunpunt keeps about you, in one file (JSON, readable in any "
    "text editor). /forget erases it.",
    "forget.ask": "<b>Erase your data?</b>\n\nIf you confirm, I erase your name, username and "
    "Telegram number, your memberships (you leave your teams), all your check-in answers, your "
    "actions, your lessons that were kept in your team or not decided yet, your ‘recognisable’ "
    "votes and your searches.\n\nLessons you shared with the city log stay, but "
    "<b>anonymous</b> and with no link to you. What you wrote under ‘we tried this’ stays with "
    "that team, without your name.\n\nThis cannot be undone. Want a copy first? Send /mydata "
    "first.",
    "forget.sole_coordinator": "⚠️ You are the only coordinator of {teams}. After erasing, only "
    "a steunpunt admin can run that team. If you don't want that, first make someone else "
    "coordinator with /team.",
    "forget.confirm": "🗑 Yes, erase my data",
    "forget.cancel": "No, erase nothing",
    "forget.cancelled": "All right, I erased nothing.",
    "forget.done": "🗑 Your data is erased. {kept}\n\nIf you write to me again later, you are "
    "someone new to me. You can delete this chat itself in Telegram.",
    "forget.kept": "{count} shared lesson(s) stay in the city log, anonymous.",
    # --- lengths ---
    "text.too_long": "That is too long (at most {limit} characters). Yours has {length}. Nothing "
    "is saved yet: your message is above, so copy it, shorten it a little and send it again.",
    "recap.shortened": "Long answers are shortened here (…). ✏️ shows an answer in full.",
    "list.more": "… and {count} more.",
    # --- smaller defects (double taps) ---
    "lesson.endorsed_already": "You already recognised this lesson.",
    "search.button_unendorse": "{number}. ✅ {count} · undo",
    # --- faults ---
    "error.database_busy": "I cannot handle your message right now; none of it was saved. "
    "Please try again in a minute.",
    # --- summaries: refusals ---
    "summary.no_sprint": "<b>{team}</b> has not had a sprint yet. Choose this week or last week, "
    "or start a sprint with /sprint.",
    "denied.summary": "Summaries are for coordinators of a team (and for steunpunt admins). "
    "Members see their own answers after each check-in.",
    "denied.admin_network": "The summary of the whole network is for steunpunt admins.",
    # --- summaries: /summary and its views ---
    "command.summary": "Your team's summary (coordinator)",
    "summary.menu": "📊 Which team's summary would you like?",
    "summary.menu_network": "📊 Which summary would you like: a team's, or the whole network's?",
    "summary.button_network": "🌍 Network",
    "summary.button_week": "this week",
    "summary.button_sprint": "this sprint",
    "summary.button_last": "last week",
    "summary.button_current": "• {label}",
    "summary.button_back": "↩︎ teams",
    "summary.already_shown": "This summary is shown above already.",
    "summary.title": "📊 <b>{team}</b> · {period}",
    "summary.period_week": "this week, {dates}",
    "summary.period_last": "last week, {dates}",
    "summary.period_sprint": "sprint {number}, {dates}",
    "summary.period_sprint_none": "this sprint, {dates}",
    "summary.months_short": "Jan,Feb,Mar,Apr,May,Jun,Jul,Aug,Sep,Oct,Nov,Dec",
    "summary.day": "{day} {month}",
    "summary.day_year": "{day} {month} {year}",
    "summary.range": "{first} – {last}",
    "summary.participation": "👥 {answered} of {prompted} members took part ({percent}%).",
    "summary.no_checkin": "There was no check-in in this period.",
    "summary.away": "🌴 Away: {names}",
    "summary.unreachable": "⚠️ Unreachable (blocked the bot): {names}",
    "summary.more": "+{count} more",
    "summary.mood": "🙂 Mood: <b>{average}</b> on average, from {count} answers",
    "summary.mood_too_few": "🙂 Mood: too few moods for an average (fewer than {minimum}), so "
    "that nobody's own score shows.",
    "summary.trend_up": "↗ better",
    "summary.trend_down": "↘ lower",
    "summary.trend_same": "→ steady",
    "summary.sprint": "🏃 Sprint {number} · day {day} of {days} · goal: <i>{goal}</i>",
    "summary.sprint_closed": "🏁 Sprint {number} (closed) · goal: <i>{goal}</i>",
    "summary.sprint_none": "🏃 No sprint open.",
    "summary.went_well": "<b>✅ What went well</b>",
    "summary.blockers": "<b>🚧 What got in the way</b>",
    "summary.quote": "• “{text}” — {author}",
    "summary.quote_unsigned": "• “{text}”",
    "summary.actions": "<b>📌 Actions</b>: {opened} new · {done} done · {partly} partly · "
    "{dropped} dropped",
    "summary.open_actions": "Still open ({count}):",
    "summary.open_action": "• {text} — {owner}",
    "summary.lessons": "<b>💡 New lessons</b> ({count})",
    "summary.theme_line": "{theme} ({count}):",
    "summary.lesson": "• <i>{text}</i>",
    "summary.no_theme": "no theme",
    "summary.recognition": "<b>🌍 From other teams</b>",
    "summary.endorsed": "👍 {count}× recognisable: ‘{lesson}’",
    "summary.adopted": "🔁 {team} tried: ‘{lesson}’ — “{text}”",
    "summary.team_gone": "a team that is gone",
    "summary.shared": "<b>🌍 Shared with the steunpunt</b>",
    "summary.chart_caption": "📈 Mood and participation of <b>{name}</b>, the last {weeks} weeks.",
    "summary.network_name": "Network",
    "summary.network_title": "🌍 <b>The network</b> · {period}",
    "summary.teams": "{count} teams",
    "summary.teams_one": "1 team",
    "summary.new_shared_one": "🌍 1 new lesson shared with the steunpunt.",
    "summary.chart_caption_network": "📈 Mood and participation across the network, the last "
    "{weeks} weeks.",
    "summary.network_total": "{teams}, {active} active · {participation} · {mood}",
    "summary.network_line": "{name}: {teams}, {active} active, {participation}, {mood}",
    "summary.network_participation": "{percent}% took part",
    "summary.network_no_checkin": "no check-in",
    "summary.network_mood": "mood {average}",
    "summary.network_mood_too_few": "mood –",
    "summary.by_stadsdeel": "<b>By borough</b>",
    "summary.by_kind": "<b>By kind of team</b>",
    "summary.voetstuk": "<b>🏆 On a pedestal</b> (recognised most often)",
    "summary.highlight": "• <i>{text}</i> — {team}, {stadsdeel} · 👍 {endorsements}",
    "summary.highlight_adoptions": " · 🧪 {adoptions}",
    "summary.rising": "<b>📈 Themes on the rise</b>",
    "summary.rising_line": "{theme}: {count} (was {previous})",
    "summary.quiet": "<b>💤 Gone quiet</b> (no check-in answered for two periods): {names}",
    "summary.new_shared": "🌍 {count} new lessons shared with the steunpunt.",
    "summary.no_new_shared": "🌍 No new lessons shared with the steunpunt.",
    "theme.zeggenschap": "say",
    "theme.routes": "routes",
    "theme.cultuur": "culture",
    "theme.randvoorwaarden": "preconditions",
    "theme.financiering": "funding",
    "theme.samenwerking": "collaboration",
    "theme.eigenaarschap": "ownership",
    # --- chart ---
    "chart.mood": "Mood (1–5)",
    "chart.participation": "Participation (%)",
    "chart.week": "wk {week}",
    "chart.decimal_separator": ".",
    "chart.mood_too_few": "Too few moods to show (fewer than {minimum} a week)",
    "chart.too_little": "There is too little for a chart yet: it comes once there are at least "
    "two weeks with check-ins.",
    # --- weekly digest ---
    "digest.intro": "📬 Your weekly summary of <b>{team}</b>",
    "digest.hint": "<i>Not every week? Tap 🔔 under this summary (or later at /summary).</i>",
    "digest.button_on": "🔔 Weekly summary: on",
    "digest.button_off": "🔕 Weekly summary: off",
    "digest.set_on": "Weekly summary of {team}: on. You get it every week.",
    "digest.set_off": "Weekly summary of {team}: off. Turn it on again with /summary.",
    "digest.not_coordinator": "The weekly summary of <b>{team}</b> goes to that team's "
    "coordinators; you are not one of them, so there is nothing to turn on or off.",
    # --- export: refusals and the service ---
    "denied.export": "Exports are for coordinators of a team (and for steunpunt admins). Want "
    "to keep something from your team? Ask your coordinator.",
    "denied.admin_export": "An export of all teams together is for steunpunt admins. Export "
    "your own teams with /export.",
    "export.no_sprint": "There has been no sprint here yet. Choose the last 4 weeks or "
    "everything, or start a sprint with /sprint.",
    "export.unknown_team": "There is no team called '{team}' (or with that number).",
    "export.dates_reversed": "The end date ({until}) is before the start date ({since}).",
    # --- export: the workbook ---
    "export.sheet.lessons": "Lessons",
    "export.sheet.answers": "Answers",
    "export.sheet.blockers": "Blockers",
    "export.sheet.actions": "Actions",
    "export.sheet.sprints": "Sprints",
    "export.sheet.participation": "Participation",
    "export.sheet.weeks": "Per week",
    "export.column.lesson_id": "lesson id",
    "export.column.date": "date",
    "export.column.team": "team",
    "export.column.stadsdeel": "borough",
    "export.column.team_kind": "team kind",
    "export.column.sprint": "sprint",
    "export.column.lesson": "lesson",
    "export.column.advice": "advice",
    "export.column.themes": "themes",
    "export.column.tags": "tags",
    "export.column.visibility": "visible to",
    "export.column.author": "author",
    "export.column.endorsements": "recognised",
    "export.column.adoptions": "tried by",
    "export.column.answered_at": "answered at",
    "export.column.checkin": "check-in",
    "export.column.member": "member",
    "export.column.question_key": "question key",
    "export.column.question": "question",
    "export.column.answer": "answer",
    "export.column.mood": "energy (1–5)",
    "export.column.action_id": "action id",
    "export.column.owner": "owner",
    "export.column.action": "action",
    "export.column.opened": "opened",
    "export.column.status_date": "status date",
    "export.column.status": "status",
    "export.column.latest": "current status",
    "export.column.goal": "goal",
    "export.column.starts": "starts",
    "export.column.ends": "ends",
    "export.column.closed_at": "closed at",
    "export.column.sprint_status": "sprint status",
    "export.column.checkins": "check-ins",
    "export.column.prompted": "asked",
    "export.column.answered": "answered",
    "export.column.participation": "participation",
    "export.column.mood_average": "avg. energy",
    "export.column.week": "week",
    "export.column.week_start": "week starts",
    "export.column.teams": "teams",
    "export.column.blocker": "blocker",
    "export.column.resolved": "solved",
    "export.column.resolved_how": "how solved",
    "export.column.resolved_on": "solved on",
    "export.anonymous": "anonymous",
    "export.visibility.team": "team",
    "export.visibility.city": "city",
    "export.sprint_status.open": "running",
    "export.sprint_status.closed": "closed",
    "export.action_status.open": "open",
    "export.action_status.done": "done",
    "export.action_status.partly": "partly",
    "export.action_status.dropped": "dropped",
    "export.question.action": "(action)",
    "export.question.unknown": "(question)",
    "export.attachment.voice": "[voice message]",
    "export.attachment.audio": "[audio]",
    "export.attachment.photo": "[photo]",
    "export.attachment.video": "[video]",
    "export.attachment.video_note": "[video message]",
    "export.attachment.document": "[file]",
    "export.attachment.sticker": "[sticker]",
    "export.chart.title": "Participation and energy per week",
    "export.chart.percent_axis": "participation",
    "export.chart.mood_axis": "avg. energy (1–5)",
    # --- export: /export in the chat ---
    "export.menu": "📥 What would you like to export?",
    "export.button.mine": "All my teams",
    "export.button.everything": "🌍 All teams",
    "export.choose_period": "📥 Export of <b>{scope}</b>: which period?",
    "export.scope.mine": "all your teams",
    "export.scope.everything": "all teams",
    "export.period.sprint": "this sprint",
    "export.period.4w": "last 4 weeks",
    "export.period.all": "everything",
    "export.button.back": "↩︎ back",
    "export.working": "⏳ Making the export of <b>{scope}</b> ({period}). This may take a "
    "moment; the file will follow below.",
    "export.busy": "Your previous export is still being made. Hold on: the file is coming.",
    "export.caption": "📥 {scope}, {period}\nLessons: {lessons} · answers: {answers} · "
    "action rows: {actions} · sprints: {sprints}\nOpen it in Excel or LibreOffice.",
    "export.too_big": "This export is larger than Telegram sends ({size} MB, at most {limit} "
    "MB). Choose a shorter period, or ask the administrator for <code>steunpunt export</code> on "
    "the server.",
    "export.failed": "Sending the export did not work. Please try again in a moment with /export.",
    "command.export": "Export to a spreadsheet (coordinator)",
    # --- the blocker radar: /radar (steunpunt admins), /blockers (a team's own) ---
    "command.radar": "Blockers that recur across teams (admin)",
    "command.blockers": "Your team's blockers; mark one solved",
    "denied.admin_radar": "The blocker radar is for steunpunt admins. Your own team's blockers "
    "are under /blockers.",
    "radar.usage": "Send /radar for the last 4 weeks, or /radar 8 for the last 8 weeks.",
    "radar.weeks": "Choose a number of weeks from 1 to {most}, for example /radar 8.",
    "radar.title": "📡 <b>Blocker radar</b> · {weeks} weeks ({dates})\n{blockers} blockers named "
    "by {teams} teams.",
    "radar.nothing": "No blocker recurred in {least} or more teams. One team is an incident; "
    "once more teams run into it, it shows here.",
    "radar.signal": "<b>{rank}. {keywords}</b>\n{teams} teams · {stadsdelen} · {trend}",
    "radar.themes": "🏷 Themes (proposed): {themes}",
    "radar.trend_new": "new",
    "radar.trend_up": "↗ more than the weeks before ({previous} teams)",
    "radar.trend_down": "↘ fewer than the weeks before ({previous} teams)",
    "radar.trend_same": "→ as often as the weeks before",
    "radar.mentions": "named {mentions}×",
    "radar.quote": "• “{text}” — {who}",
    "radar.who": "{kind} in {stadsdeel}",
    "radar.anonymous": "anonymous, {stadsdeel}",
    "radar.solved_by": "✅ {teams} team(s) solved it.",
    "radar.lessons": "💡 Lessons that already answer it:",
    "radar.lesson": "• <i>{text}</i> — {team}",
    "radar.lesson_solved": "• ✅ <i>{text}</i> — {team}, who solved it",
    "radar.no_lesson": "💡 No lesson answers this yet.",
    "radar.footer": "Quotes without names. A team marks a blocker solved with /blockers; that "
    "line becomes a lesson.",
    "radar.digest_title": "<b>📡 Recurring blockers</b> (last {weeks} weeks)",
    "blockers.no_team": "You are not in a team yet, so there are no team blockers to show.",
    "blockers.not_member": "Only members of {team} can mark this blocker solved.",
    "blockers.none": "Your team named no blockers in its check-ins in the last {weeks} weeks. "
    "Well done!",
    "blockers.title": "🚧 <b>What you ran into</b> (last {weeks} weeks)",
    "blockers.team": " · {team}",
    "blockers.line": "{number}. “{text}” — {when}{team}",
    "blockers.solved_line": "    ✅ solved: {how}",
    "blockers.button": "✅ {number} solved",
    "blockers.hint": "Solved? Tap its number and write in one line how. That line becomes a "
    "lesson you can share with other teams.",
    "blockers.all_solved": "Everything above is solved. 🎉",
    "blockers.unknown": "I can't find this blocker (any more). Send /blockers for the current "
    "list.",
    "blockers.already_solved": "This blocker is marked solved already: “{how}”.",
    "blockers.ask_how": "🚧 “{text}”\n\nHow was it solved? Write it in one line, so that "
    "another team can use it. (/cancel to stop)",
    "blockers.how_empty": "Write in a few words how it was solved.",
    "blockers.solved": "✅ Marked solved: “{text}”. How you solved it is now a lesson of your "
    "team. Choose below whether to share it.",
    "blockers.card_title": "🚧 Your blocker for <b>{team}</b>:",
    "blockers.card_text": "<i>“{text}”</i>",
    "blockers.card_proposed": "💡 Themes suggested: {themes} — tap to change",
    "blockers.card_nothing": "💡 I found no theme that fits. Tap one or more yourself, or leave "
    "it as it is.",
    "blockers.card_chosen": "🏷 Themes: {themes} — tap to change",
    "blockers.card_chosen_none": "🏷 No theme chosen — tap one or more, or leave it as it is.",
    "blockers.card_why": "With the themes the steunpunt sees which walls come back in more teams.",
    "blockers.button_confirm": "👍 Looks right",
    "blockers.card_confirmed": "✅ Kept with themes: {themes}.",
    "blockers.card_confirmed_none": "✅ Kept, without a theme.",
    "blockers.not_author": "Only whoever wrote this blocker chooses its themes.",
    "blockers.themes_gone": "This blocker is gone (erased, or the answers were cleaned up). "
    "There is nothing left to choose.",
    "blockers.themes_unchanged": "It was like that already.",
    "blockers.themes_confirmed_already": "Kept already. 👍",
    "blockers.themes_line": "    🏷 {themes}",
    "blockers.themes_proposed": "{themes} (suggested)",
    "radar.themes_chosen": "🏷 Themes: {themes}",
}
