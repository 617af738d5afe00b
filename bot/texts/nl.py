"""Nederlandse teksten (de eerste taal). Telegram-HTML: gebruik &lt; en &gt; voor < en >."""

TEXTS: dict[str, str] = {
    # Command menu
    "command.start": "Beginnen en je teams zien",
    "command.help": "Wat kan ik hier doen?",
    "command.join": "Lid worden met een uitnodigingscode",
    "command.team": "Je team en de leden",
    "command.invite": "Uitnodigingslink voor je team (coördinator)",
    "command.newteam": "Nieuw team aanmaken (steunpunt-beheerder)",
    "command.linkgroup": "Deze groep aan je team koppelen (coördinator)",
    "command.language": "Taal kiezen / choose language",
    "command.cancel": "Stoppen met waar je mee bezig bent",
    # Vocabulary
    "team.line": "<b>{team}</b> ({kind}, {stadsdeel})",
    "kind.gebiedsteam": "gebiedsteam",
    "kind.initiatief": "initiatief",
    "kind.ambtelijk_team": "ambtelijk team",
    "button.kind.gebiedsteam": "Gebiedsteam",
    "button.kind.initiatief": "Initiatief (bewoners)",
    "button.kind.ambtelijk_team": "Ambtelijk team",
    "stadsdeel.centrum": "Centrum",
    "stadsdeel.nieuw_west": "Nieuw-West",
    "stadsdeel.noord": "Noord",
    "stadsdeel.oost": "Oost",
    "stadsdeel.west": "West",
    "stadsdeel.zuid": "Zuid",
    "stadsdeel.zuidoost": "Zuidoost",
    "stadsdeel.weesp": "Weesp",
    "stadsdeel.stad": "hele stad",
    "format.months": "januari,februari,maart,april,mei,juni,juli,augustus,september,oktober,"
    "november,december",
    "format.date": "{day} {month} {year}",
    # Buttons
    "button.cancel": "Annuleren",
    "button.new_link": "🔄 Nieuwe link",
    "button.revoke_link": "🚫 Link intrekken",
    "button.remove_yes": "Ja, verwijderen",
    "button.back": "Terug",
    "button.appoint": "⭐ {name} coördinator",
    "button.remove": "✖ {name}",
    # Welcome and help
    "start.hello": "Hallo {name}! Ik ben de Steunpunt-bot. Ik help teams in Amsterdam om in korte "
    "rondes aan één ding te werken en van elkaar te leren.",
    "start.your_teams": "Je bent lid van:\n{teams}",
    "start.no_team": "Je bent nog geen lid van een team. Open de uitnodigingslink die je van je "
    "coördinator kreeg, of stuur /join met de code.",
    "start.admin_no_team": "Je bent steunpunt-beheerder. Maak een team aan met /newteam.",
    "help.title": "<b>Wat kan ik voor je doen?</b>",
    "help.admin": "Als steunpunt-beheerder:\n/newteam naam – een nieuw team aanmaken\n"
    "Je kunt bij elk team alles wat een coördinator kan.\n/search – lessen zoeken; met 🙈 "
    "verberg je er een\n/merge BEHOUDEN DUBBEL – dubbele lessen samenvoegen\n"
    "/summary – ook het overzicht van het hele netwerk\n"
    "/export – ook alle teams samen in één Excel-bestand\n"
    "/radar – knelpunten die bij meer teams terugkomen",
    "help.coordinator": "Als coördinator:\n/sprint – sprint starten, stand bekijken, afsluiten\n"
    "/checkin – dagen, tijd en vragen van de check-in; /checkin now stuurt er meteen een\n"
    "/invite – de uitnodigingslink voor je team\n"
    "/team – leden bekijken, coördinatoren aanstellen, leden verwijderen\n"
    "/linkgroup – stuur dit in de Telegram-groep van je team om die te koppelen\n"
    "/summary – overzicht van deze week of de sprint, met een grafiek\n"
    "/export – lessen, antwoorden, knelpunten, acties en deelname van je team als Excel-bestand",
    "help.member": "Voor je team:\n/sprint – het doel en de stand van de sprint\n"
    "/lesson – een les vastleggen, /lessons – je lessen\n/search – zoeken in wat andere teams "
    "leerden\n"
    "/blockers – waar je team tegenaan liep; markeer het als opgelost\n"
    "/skip – een check-in-vraag overslaan\n/away – even geen check-ins, /back – weer wel\n"
    "/timezone – je eigen tijdzone\n/team – wie zitten er in je team",
    "help.newcomer": "Nog geen team? Open de uitnodigingslink van je coördinator, of stuur "
    "/join met de code.",
    "help.everyone": "/language – Nederlands of English\n/cancel – stoppen met waar je mee "
    "bezig bent\n/help – dit overzicht",
    "group.help": "Hallo! Ik werk vooral in een privégesprek: stuur mij een bericht via "
    "@{bot}. Coördinatoren: stuur hier /linkgroup om deze groep aan je team te koppelen.",
    "group.private_only": "Dit doe ik liever onder vier ogen. Stuur het mij in een privégesprek: "
    "@{bot}.",
    # Joining
    "join.ask_code": "Wat is je uitnodigingscode? Stuur hem hier (of gebruik gewoon de link die "
    "je kreeg). Stoppen kan met /cancel.",
    "join.already": "Je bent al lid van <b>{team}</b>. Met /team zie je wie er nog meer in zitten.",
    "join.welcome": "Welkom bij {team}! Je bent nu lid.\n\nAls je team check-ins houdt, stuur ik "
    "je de vragen hier. Met /team zie je wie er nog meer in zitten, met /help wat ik kan.",
    "join.notice_coordinator": "{name} is lid geworden van <b>{team}</b>.",
    "join.unknown_code": "Die uitnodigingscode ken ik niet. Controleer of je de hele link of "
    "code hebt, of vraag je coördinator om een nieuwe.",
    "join.revoked_code": "Deze uitnodiging voor <b>{team}</b> is ingetrokken. Vraag je coördinator "
    "om een nieuwe link.",
    "join.expired_code": "Deze uitnodiging voor <b>{team}</b> is verlopen. Vraag je coördinator om "
    "een nieuwe link.",
    "join.used_code": "Deze persoonlijke uitnodiging voor <b>{team}</b> is al door iemand anders "
    "gebruikt. Vraag je coördinator om een nieuwe link.",
    "join.welcome_coordinator": "Welkom bij {team}! Je bent nu coördinator van dit team.\n\n"
    "Met /sprint start je een sprint, met /checkin stel je de check-ins in en met /invite "
    "nodig je anderen uit. /team laat zien wie er in het team zitten, /help wat je verder kunt.",
    # New team
    "newteam.ask_name": "Hoe heet het nieuwe team? Stuur de naam. Stoppen kan met /cancel.",
    "newteam.ask_kind": "Wat voor team is <b>{name}</b>?",
    "newteam.ask_stadsdeel": "<b>{name}</b> ({kind}). In welk stadsdeel werkt het team?",
    "newteam.created": "Team {team} is aangemaakt. ✅",
    "newteam.name_empty": "Een team heeft een naam nodig. Stuur de naam, of stop met /cancel.",
    "newteam.name_too_long": "Die naam is te lang: maximaal {limit} tekens. Deze heeft er "
    "{length}: probeer een kortere.",
    "newteam.name_taken": "Er is al een team dat <b>{name}</b> heet. Kies een andere naam.",
    "flow.use_buttons": "Kies een van de knoppen hierboven, of stop met /cancel.",
    "flow.expired": "Deze stap is niet meer actueel. Begin opnieuw met {command}.",
    # Invites
    "invite.pick_team": "Voor welk team wil je de uitnodigingslink?",
    "invite.link": "Uitnodigingslink voor <b>{team}</b>:\n{link}\n\nStuur deze link naar je "
    "teamleden: wie hem opent, wordt lid. Zonder link kan het ook met /join {code}.\n"
    "Geldig tot {until}.",
    "invite.old_link_dead": "De vorige link werkt niet meer.",
    "invite.renewed_toast": "Nieuwe link gemaakt",
    "invite.revoked": "De uitnodigingslink voor <b>{team}</b> is ingetrokken: niemand kan er nog "
    "mee lid worden. Wie al lid is, blijft lid.",
    # Team and roles
    "team.none": "Je bent nog geen lid van een team. Open de uitnodigingslink van je coördinator, "
    "of stuur /join met de code.",
    "team.pick": "Welk team wil je zien?",
    "team.header": "Team {team}\nLeden ({count}):",
    "team.member_member": "{name}",
    "team.member_coordinator": "{name} – coördinator",
    "team.empty": "Nog niemand. Nodig leden uit met /invite.",
    "team.page": "Pagina {page} van {pages}",
    "team.group": "Gekoppelde groep: {title}",
    "team.manage_hint": "Met de knoppen maak je iemand coördinator (⭐) of haal je iemand uit het "
    "team (✖).",
    "team.confirm_remove": "Weet je zeker dat je {name} uit <b>{team}</b> wilt halen? Wat "
    "{name} eerder deelde, blijft bewaard.",
    "team.appointed_toast": "{name} is nu coördinator",
    "team.removed_toast": "{name} is uit het team gehaald",
    "team.notice_appointed": "{by} heeft je coördinator gemaakt van <b>{team}</b>. Met /help zie "
    "je wat je nu kunt.",
    "team.notice_removed": "{by} heeft je uit <b>{team}</b> gehaald. Is dat een vergissing? Vraag "
    "een coördinator om een nieuwe uitnodiging.",
    "team.already_coordinator": "{name} is al coördinator.",
    "team.cannot_remove_self": "Jezelf uit het team halen kan hier niet. Vraag een andere "
    "coördinator of een steunpunt-beheerder.",
    "team.not_a_member": "Die persoon is geen lid (meer) van <b>{team}</b>.",
    # Linking a group
    "linkgroup.in_private": "Stuur /linkgroup in de Telegram-groep van je team (voeg mij "
    "daar eerst toe), dan koppel ik die groep aan het team.",
    "linkgroup.pick_team": "Aan welk team wil je deze groep koppelen?",
    "linkgroup.done": "Deze groep is nu gekoppeld aan <b>{team}</b>. Hier deel ik meldingen van "
    "het team, zoals hoeveel mensen meededen aan een check-in — nooit de antwoorden zelf.",
    "linkgroup.taken": "Deze groep is al gekoppeld aan <b>{team}</b>. Alleen een coördinator van "
    "dat team kan de koppeling veranderen.",
    # Refusals: say who may
    "denied.admin": "Alleen steunpunt-beheerders kunnen teams aanmaken. Wil je een team starten? "
    "Neem contact op met het steunpunt.",
    "denied.coordinator": "Dat kan alleen een coördinator van <b>{team}</b> (of een "
    "steunpunt-beheerder).",
    "denied.member": "Alleen leden van <b>{team}</b> kunnen het team bekijken.",
    "denied.invite": "Alleen coördinatoren (en steunpunt-beheerders) kunnen mensen uitnodigen. "
    "Vraag je coördinator om de uitnodigingslink.",
    "denied.linkgroup": "Alleen een coördinator van een team (of een steunpunt-beheerder) kan "
    "deze groep koppelen.",
    # Language, cancel, fallbacks, errors
    "language.ask": "In welke taal wil je dat ik met je praat?",
    "language.set": "Prima, ik praat vanaf nu Nederlands met je.",
    "cancel.done": "Gestopt. Je kunt opnieuw beginnen wanneer je wilt.",
    "cancel.nothing": "Je was nergens mee bezig, dus er is niets om te stoppen.",
    "fallback.text": "Daar weet ik niets mee te doen. Met /help zie je wat ik kan.",
    "fallback.command": "Dat commando ken ik niet. Met /help zie je wat ik kan.",
    "fallback.other": "Zulke berichten kan ik hier nog niet gebruiken. Met /help zie je wat ik "
    "kan.",
    "error.button_expired": "Deze knop werkt niet meer. Begin gerust opnieuw.",
    "error.team_unknown": "Dat team bestaat niet (meer).",
    "error.person_unknown": "Ik ken je nog niet. Stuur /start om te beginnen.",
    "error.unexpected": "Sorry, daar ging iets mis aan mijn kant. Probeer het zo nog eens; blijft "
    "het misgaan, laat het dan je coördinator weten.",
    # Command menu (check-ins)
    "command.sprint": "Sprint: doel, stand, afsluiten",
    "command.checkin": "Check-in instellen, of /checkin now (coördinator)",
    "command.skip": "Deze vraag overslaan",
    "command.away": "Even geen check-ins (tot een datum)",
    "command.back": "Weer check-ins ontvangen",
    "command.timezone": "Je eigen tijdzone",
    # Questions
    "question.default.0": "Wat heb je gedaan?",
    "question.default.1": "Wat ging goed?",
    "question.default.2": "Waar liep je tegenaan?",
    "question.default.3": "Wat heb je geleerd?",
    "question.default.4": "Wat is je volgende stap?",
    "question.start_stop_continue.0": "Start: waar ga je mee beginnen?",
    "question.start_stop_continue.1": "Stop: waar ga je mee stoppen?",
    "question.start_stop_continue.2": "Doorgaan: wat werkt en houd je vast?",
    "question.four_ls.0": "Wat vond je fijn (liked)?",
    "question.four_ls.1": "Wat heb je geleerd (learned)?",
    "question.four_ls.2": "Wat ontbrak er (lacked)?",
    "question.four_ls.3": "Waar verlang je naar (longed for)?",
    "question.mad_sad_glad.0": "Waar werd je boos om?",
    "question.mad_sad_glad.1": "Wat maakte je verdrietig of teleurgesteld?",
    "question.mad_sad_glad.2": "Waar werd je blij van?",
    "question.retro.0": "Terugkijkend op het sprintdoel: wat hebben we bereikt?",
    "question.retro.1": "Wat ging goed in deze sprint?",
    "question.retro.2": "Wat kan de volgende keer beter?",
    "question.retro.3": "Wat heb je geleerd dat ook andere teams moeten weten?",
    "question.retro.4": "Wat neem je mee naar de volgende sprint?",
    "template.default": "Standaard (5 vragen)",
    "template.start_stop_continue": "Start / Stop / Doorgaan",
    "template.four_ls": "4L: Liked, Learned, Lacked, Longed for",
    "template.mad_sad_glad": "Boos / Verdrietig / Blij",
    "template.custom": "Eigen vragen",
    # The check-in itself
    "checkin.intro": "👋 Check-in van <b>{team}</b>. Ik stel je {total} korte vragen, één voor "
    "één. Elk antwoord bewaar ik meteen; /skip slaat een vraag over.",
    "checkin.intro_retro": "🔁 De sprint van <b>{team}</b> is klaar: tijd voor de terugblik. Ik "
    "stel je {total} korte vragen, één voor één; /skip slaat een vraag over.",
    "checkin.goal": "Sprintdoel: <i>{goal}</i>",
    "checkin.counter": "<b>{number}/{total}</b>",
    "checkin.mood": "Hoe is je energie op dit moment? 1 = op, 5 = vol energie.",
    "checkin.mood_answered": "Energie: {mood} {face}",
    "checkin.action": "Vorige keer was je volgende stap: <i>{action}</i>\nIs dat gelukt?",
    "checkin.action_answered": "<i>{action}</i>: {choice}",
    "action.done": "Gedaan",
    "action.partly": "Deels",
    "action.dropped": "Niet gedaan",
    "checkin.question": "<b>{question}</b>",
    "checkin.lesson_hint": "Wat je hier schrijft, bewaar ik als les van je team.",
    "checkin.next_step_hint": "Dit wordt je actie; bij de volgende check-in vraag ik ernaar.",
    "checkin.skip_hint": "Typ je antwoord (een spraakbericht of foto mag ook), of /skip.",
    "checkin.current_answer": "Je antwoord nu: <i>{answer}</i>",
    "checkin.send_new_answer": "Stuur je nieuwe antwoord.",
    "checkin.attachment_kept": "Bewaard: je {kind}.",
    "checkin.reminder": "⏰ Herinnering: je check-in van <b>{team}</b> staat nog open. Je was "
    "hier gebleven:",
    "checkin.use_buttons": "Kies een antwoord met de knoppen bij de vraag (of stuur /skip).",
    "checkin.mood_range": "Kies een getal van 1 tot en met 5.",
    "checkin.closed": "Deze check-in is al gesloten; je antwoorden zijn bewaard.",
    "checkin.not_yet": "Beantwoord eerst de vraag die nu openstaat.",
    "checkin.nothing_to_skip": "Er staat geen vraag open om over te slaan.",
    "checkin.opened_now": "Check-in van <b>{team}</b> geopend: ik stuur de leden nu de eerste "
    "vraag.",
    "attachment.voice": "(spraakbericht)",
    "attachment.audio": "(geluidsopname)",
    "attachment.photo": "(foto)",
    "attachment.video": "(video)",
    "attachment.video_note": "(videobericht)",
    "attachment.document": "(bestand)",
    "attachment.sticker": "(sticker)",
    "recap.title": "Dank je wel! Dit heb ik bewaard voor <b>{team}</b>:",
    "recap.line": "{number}. {label}: {value}",
    "recap.mood": "Energie",
    "recap.mood_value": "{mood} van 5",
    "recap.action": "Actie <i>{action}</i>",
    "recap.skipped": "(overgeslagen)",
    "recap.editable": "Iets aanpassen? Kies het nummer. Dat kan tot {until}.",
    "closed.group": "📋 Check-in van {team} gesloten: {answered} van {prompted} leden deden mee.",
    "closed.question": "{question}",
    "closed.answer": "• {person}: {answer}",
    "closed.unreachable": "De check-in van <b>{team}</b> is gesloten. Niet bereikbaar (ze hebben "
    "de bot geblokkeerd of nooit gestart): {names}. Vraag ze de bot opnieuw te openen.",
    "format.moment": "{date} om {time}",
    "format.weekdays": "maandag,dinsdag,woensdag,donderdag,vrijdag,zaterdag,zondag",
    # Sprints
    "sprint.none": "<b>{team}</b> heeft nu geen lopende sprint.",
    "sprint.button_start": "🚀 Nieuwe sprint starten",
    "sprint.ask_goal": "Nieuwe sprint voor <b>{team}</b>. Wat is het doel: het ene ding waar "
    "jullie de komende weken aan werken? Stuur het in één zin (of /cancel).",
    "sprint.ask_length": "Doel voor <b>{team}</b>: <i>{goal}</i>\nHoe lang duurt de sprint?",
    "sprint.weeks": "{weeks} wk",
    "sprint.started": "🚀 Sprint {number} is gestart: <i>{goal}</i>\nDe sprint loopt tot {end}. "
    "Aan het eind sluit ik hem af met een terugblik-check-in; eerder afsluiten kan via /sprint.",
    "sprint.title": "<b>Sprint {number}</b> van <b>{team}</b>",
    "sprint.goal": "Doel: <i>{goal}</i>",
    "sprint.days": "Dag {day} van {days} (tot {end})",
    "sprint.participation": "Check-ins: {checkins}, antwoorden: {answered} van {prompted} keer "
    "gevraagd",
    "sprint.away": "Afwezig: {names}",
    "sprint.unreachable": "⚠️ Niet bereikbaar (bot geblokkeerd): {names}",
    "sprint.button_close": "🏁 Sprint afsluiten",
    "sprint.confirm_close": "De sprint van <b>{team}</b> afsluiten? Alle leden krijgen dan de "
    "terugblik-check-in.",
    "sprint.button_close_yes": "Ja, afsluiten",
    "sprint.closed": "🏁 Sprint {number} (<i>{goal}</i>) is afgesloten. De terugblik-check-in "
    "gaat nu naar alle leden.",
    "sprint.goal_empty": "Een sprint heeft een doel nodig. Stuur het doel in één zin.",
    "sprint.bad_weeks": "Kies een lengte van 1 tot 4 weken.",
    "sprint.already_open": "Dit team heeft al een lopende sprint. Sluit die eerst af via /sprint.",
    "sprint.none_open": "Dit team heeft geen lopende sprint.",
    "denied.coordinator_any": "Dit kan alleen een coördinator van een team (of een "
    "steunpunt-beheerder).",
    # Check-in settings
    "settings.title": "⚙️ Check-ins van <b>{team}</b>",
    "settings.when": "Wanneer: {days} om {time} ({zone})",
    "settings.no_days": "geen dagen gekozen",
    "settings.next": "Volgende: {moment}",
    "settings.no_next": "Volgende: geen (kies een dag, of hervat)",
    "settings.questions": "Vragen: {template}",
    "settings.paused": "⏸ Gepauzeerd: er gaan geen check-ins uit.",
    "settings.skipping_sprint": "⏭ Deze sprint worden geen check-ins gestuurd.",
    "settings.on": "aan",
    "settings.off": "uit",
    "settings.hours": "{hours} uur",
    "settings.button_time": "🕘 Tijd: {time}",
    "settings.button_questions": "📝 {template}",
    "settings.button_reminder": "🔔 Herinnering: {value}",
    "settings.button_close": "⏱ Open: {hours} uur",
    "settings.button_holidays": "🎉 Feestdagen overslaan: {value}",
    "settings.button_share": "👥 Antwoorden in groep: {value}",
    "settings.button_pause": "⏸ Pauzeren",
    "settings.button_resume": "▶️ Hervatten",
    "settings.button_skip": "⏭ Deze sprint overslaan",
    "settings.button_unskip": "↩️ Deze sprint toch check-ins",
    "settings.button_now": "📨 Nu een check-in sturen",
    "settings.ask_time": "Hoe laat gaat de check-in uit? Kies een tijd of typ er een (bijv. 8:45).",
    "settings.ask_template": "Welke vragen? Kies een set, of stuur je eigen vragen: één per regel. "
    "Zet (les) achter de vraag waarvan het antwoord een les is, en (actie) achter de vraag naar "
    "de volgende stap.",
    "settings.ask_reminder": "Na hoeveel uur krijgt wie nog niet antwoordde één herinnering?",
    "settings.ask_close": "Hoe lang blijft een check-in open voor antwoorden en wijzigingen?",
    "settings.bad_time": "‘{given}’ is geen tijd die ik begrijp. Typ bijvoorbeeld 9:30 of 17:00.",
    "settings.no_questions": "Ik vond geen vragen. Stuur één vraag per regel.",
    "settings.already_opened": "Er is net al een check-in geopend.",
    # Away and time zone
    "away.ask": "Hoe lang wil je geen check-ins? Kies, of stuur /away met een datum "
    "(bijv. /away 24-12).",
    "away.days": "{days} dagen",
    "away.set": "🌴 Tot en met {until} stuur ik je geen check-ins. Eerder terug? Stuur /back.",
    "away.back": "Welkom terug! Je krijgt de check-ins weer.",
    "away.bad_date": "‘{given}’ is geen datum die ik begrijp. Gebruik bijvoorbeeld 24-12 of "
    "24-12-2026.",
    "away.in_past": "Die datum is al voorbij. Kies een dag vanaf vandaag.",
    "timezone.ask": "Je tijdzone is nu: {zone}. Kies een andere, of stuur /timezone met een naam "
    "zoals Europe/London.",
    "timezone.team_default": "die van je team",
    "timezone.set": "Je tijdzone is nu {zone}. Check-ins komen op de teamtijd in jouw zone.",
    "timezone.unknown": "‘{given}’ ken ik niet als tijdzone. Gebruik een naam als "
    "Europe/Amsterdam.",
    # Lessons
    "command.lesson": "Een les vastleggen",
    "command.lessons": "Je lessen en die van je team",
    "command.search": "Zoeken in het stedelijk steunpunt",
    "lesson.text": "<i>{text}</i>",
    "lesson.advice": "💡 {advice}",
    "lesson.meta": "{team} · {stadsdeel} · {date}",
    "lesson.by": "door {name}",
    "lesson.counts": "👍 {endorsements} · 🧪 {adoptions}",
    "lesson.anonymous": "anoniem",
    "lesson.someone": "Iemand van het steunpunt",
    "lesson.mark_hidden": "🙈 verborgen door het steunpunt: {reason}",
    "lesson.mark_undecided": "❔ nog niet gekozen (alleen team)",
    "lesson.mark_team": "🔒",
    "lesson.mark_city": "🌍",
    "lesson.mark_anonymous": "🕶",
    "lesson.card_title": "📘 Je les voor <b>{team}</b>:",
    "lesson.similar_title": "<b>Anderen leerden ook:</b>",
    "lesson.similar_line": "• <i>{text}</i> — {team}, {stadsdeel}",
    "lesson.suggested": "💡 Thema's voorgesteld: {themes} — tik om te wijzigen",
    "lesson.card_ask": "Kies thema's (mag ook geen) en daarna wat er met je les gebeurt. Tot je "
    "kiest, blijft hij binnen je team.",
    "lesson.button_advice": "💡 Advies toevoegen",
    "lesson.button_team": "🔒 Alleen team",
    "lesson.button_city": "🌍 Delen met steunpunt",
    "lesson.button_anonymous": "🕶 Anoniem delen",
    "lesson.button_delete": "🗑 Verwijderen",
    "lesson.button_delete_yes": "Ja, verwijderen",
    "lesson.decided_team": "🔒 Bewaard als les van je team. Alleen je teamgenoten zien hem.",
    "lesson.decided_city": "🌍 Gedeeld met het stedelijk steunpunt, met je naam. Andere teams "
    "kunnen hem nu vinden met /search.",
    "lesson.decided_anonymous": "🕶 Anoniem gedeeld met het stedelijk steunpunt: andere teams zien "
    "je team, maar nooit je naam.",
    "lesson.themes": "Thema's: {themes}. Wijzigen of verwijderen kan via /lessons.",
    "lesson.no_themes": "geen",
    "lesson.no_team": "Lessen horen bij een team, en je bent nog geen lid van een team. Open de "
    "uitnodigingslink van je coördinator.",
    "lesson.pick_team": "Voor welk team is deze les?",
    "lesson.ask_text": "Wat heb je geleerd? Schrijf het in een paar zinnen (#tags mogen). Stoppen "
    "kan met /cancel.",
    "lesson.ask_advice": "Welk advies geef je anderen mee? Eén of twee zinnen.",
    "lesson.confirm_delete": "Deze les echt verwijderen? Herkenningen en reacties van andere teams "
    "verdwijnen dan ook.",
    "lesson.deleted": "🗑 De les is verwijderd.",
    "lesson.endorsed_toast": "Herkenbaar! Het team hoort het.",
    "lesson.unendorsed_toast": "Herkenning ingetrokken",
    "lesson.ask_adoption": "Jullie probeerden de les van <b>{team}</b>: <i>{lesson}</i>\nHoe ging "
    "het? Eén regel is genoeg (of /cancel).",
    "lesson.adopted": "Dank je! Het team achter de les hoort hoe het bij jullie ging.",
    "lesson.ask_hide_reason": "Waarom verberg je deze les? De auteur krijgt je reden te zien.",
    "lesson.hidden": "🙈 De les is verborgen; de auteur kreeg je reden.",
    "lesson.merged": "🔗 Les #{duplicate} is samengevoegd met #{keep}: die heeft nu "
    "{endorsements}× herkenbaar en {adoptions} reacties.",
    "lesson.merge_usage": "Gebruik: /merge BEHOUDEN DUBBEL, bijvoorbeeld /merge 12 34 (de nummers "
    "staan bij de zoekresultaten als #12).",
    "lesson.empty": "Een les heeft tekst nodig. Wat heb je geleerd?",
    "lesson.advice_empty": "Stuur je advies als tekst.",
    "lesson.adopt_empty": "Stuur één regel over hoe het ging.",
    "lesson.reason_empty": "Stuur een reden als tekst.",
    "lesson.unknown": "Die les bestaat niet (meer) of is niet zichtbaar voor jou.",
    "lesson.not_author": "Alleen wie de les schreef kan dit.",
    "lesson.not_member": "Je bent geen lid van dat team.",
    "lesson.need_team": "Herkenning en ervaringen delen kan als lid van een team. Vraag een "
    "coördinator om een uitnodiging, of vraag het steunpunt een team voor je te starten.",
    "lesson.own_team": "Dit is een les van je eigen team; herkenning en reacties zijn voor "
    "andere teams.",
    "lesson.merge_same": "Een les samenvoegen met zichzelf kan niet.",
    "lesson.merge_inactive": "De les die blijft moet zichtbaar zijn (niet verborgen of "
    "samengevoegd).",
    "lesson.notice_endorsed": "💬 {team} vond jullie les herkenbaar:\n<i>{lesson}</i>\n\nDeze les "
    "van {own_team} is nu {count}× herkenbaar bevonden. Zo reist wat jullie leerden door de stad.",
    "lesson.notice_adopted": "🧪 {team} probeerde jullie les uit:\n<i>{lesson}</i>\n\nHoe het "
    "ging: “{line}”",
    "lesson.notice_hidden": "🙈 Het steunpunt heeft je les verborgen:\n<i>{lesson}</i>\n\nReden: "
    "{reason}\nJe ziet hem nog in /lessons.",
    "denied.admin_curate": "Alleen steunpunt-beheerders kunnen lessen verbergen of samenvoegen.",
    "lessons.none": "Nog geen lessen. Leg er een vast met /lesson, of beantwoord de les-vraag in "
    "een check-in.",
    "lessons.own": "<b>Jouw lessen</b> (🔒 team, 🌍 gedeeld, 🕶 anoniem gedeeld):",
    "lessons.team": "<b>Lessen van je team</b>:",
    "lessons.team_line": "• <i>{text}</i> — {name}",
    "lessons.manage_hint": "Kies ⚙️ en een nummer om te delen, anders te delen of te verwijderen.",
    "search.ask": "Waar zoek je naar? Bijvoorbeeld: vergunning, subsidie @noord, of #financiering.",
    "search.no_words": "Op “{given}” kan ik niet zoeken: daar staan alleen woorden als ‘de’ of "
    "‘niet’ of tekens in. Probeer een woord dat zegt waar het over gaat, bijvoorbeeld vergunning "
    "of subsidie.",
    "search.everything": "alles",
    "search.header": "🔎 {total} lessen voor “{query}”:",
    "search.header_one": "🔎 1 les voor “{query}”:",
    "search.loose": "Geen les had alle woorden; deze lijken er het meest op.",
    "search.nothing": "🔎 Nog niets gevonden voor “{query}”.",
    "search.hint": "Probeer minder of andere woorden, of filter op thema of stadsdeel.",
    "search.button_theme": "🏷 Thema",
    "search.button_stadsdeel": "📍 Stadsdeel",
    "search.button_kind": "👥 Soort team",
    "search.any": "Alle",
    "search.choose_theme": "Welk thema?",
    "search.choose_stadsdeel": "Welk stadsdeel?",
    "search.choose_kind": "Welk soort team?",
    # --- check-in hardening ---
    "checkin.still_open": "Er loopt al een check-in voor dit team. Die sluit op {closes}; "
    "daarna kun je een nieuwe openen.",
    "checkin.lesson_reopened": "🔒 Je les is veranderd. Je keuze gold voor de oude tekst, dus de "
    "les staat nu niet meer in het steunpunt en blijft in je team tot je opnieuw kiest.",
    "checkin.answer_edited": "✏️ Aangepast: je antwoord op ‘{question}’.",
    "checkin.edit_closed": "Deze check-in is al gesloten; je antwoord blijft zoals het was.",
    "edit.ignored": "Je hebt een bericht aangepast. Aanpassingen lees ik niet; stuur het gerust "
    "opnieuw als nieuw bericht.",
    # --- privacy ---
    "command.mydata": "Alles wat ik over je bewaar, als bestand",
    "command.forget": "Je gegevens wissen",
    "help.privacy": "/mydata – alles wat ik over je bewaar, in één bestand\n"
    "/forget – je gegevens laten wissen",
    "mydata.caption": "Alles wat Steunpunt over je bewaart, in één bestand (JSON, leesbaar met "
    "elke teksteditor). Wissen kan met /forget.",
    "forget.ask": "<b>Je gegevens wissen?</b>\n\nAls je bevestigt, wis ik je naam, "
    "gebruikersnaam en Telegram-nummer, je lidmaatschappen (je stopt bij je teams), al je "
    "check-in-antwoorden, je acties, je lessen die alleen in je team stonden of waarover je nog "
    "niet had gekozen, je ‘herkenbaar’-stemmen en je zoekopdrachten.\n\nLessen die je met het "
    "stedelijk steunpunt deelde blijven staan, maar <b>anoniem</b> en zonder verband met jou. "
    "Wat je schreef bij ‘wij probeerden dit’ blijft bij dat team, zonder je naam.\n\n"
    "Dit kan niet ongedaan worden gemaakt. Wil je eerst een kopie? Stuur dan eerst /mydata.",
    "forget.sole_coordinator": "⚠️ Je bent de enige coördinator van {teams}. Na het wissen kan "
    "alleen een steunpunt-beheerder dat team nog beheren. Wil je dat niet, benoem dan eerst "
    "iemand anders tot coördinator met /team.",
    "forget.confirm": "🗑 Ja, wis mijn gegevens",
    "forget.cancel": "Nee, niets wissen",
    "forget.cancelled": "Goed, ik heb niets gewist.",
    "forget.done": "🗑 Je gegevens zijn gewist. {kept}\n\nStuur je me later weer een bericht, "
    "dan ben je voor mij iemand nieuw. Deze chat zelf kun je in Telegram verwijderen.",
    "forget.kept": "{count} gedeelde les(sen) blijven anoniem in het stedelijk steunpunt staan.",
    # --- lengths ---
    "text.too_long": "Dat is te lang (maximaal {limit} tekens). Jouw tekst telt er {length}. Er is "
    "nog niets bewaard: je bericht staat hierboven, dus kopieer het, kort het wat in en stuur het "
    "opnieuw.",
    "recap.shortened": "Lange antwoorden zijn hier ingekort (…). Met ✏️ zie je een antwoord "
    "helemaal.",
    "list.more": "… en nog {count}.",
    # --- smaller defects (double taps) ---
    "lesson.endorsed_already": "Je vond deze les al herkenbaar.",
    "search.button_unendorse": "{number}. ✅ {count} · intrekken",
    # --- faults ---
    "error.database_busy": "Ik kan je bericht nu even niet verwerken; er is niets van bewaard. "
    "Probeer het over een minuutje nog eens.",
    # --- summaries: refusals ---
    "summary.no_sprint": "<b>{team}</b> heeft nog geen sprint gehad. Kies deze week of vorige "
    "week, of start een sprint met /sprint.",
    "denied.summary": "Een overzicht is er voor coördinatoren van een team (en voor "
    "steunpunt-beheerders). Je teamgenoten zien hun eigen antwoorden na elke check-in.",
    "denied.admin_network": "Het overzicht van het hele netwerk is er voor steunpunt-beheerders.",
    # --- summaries: /summary and its views ---
    "command.summary": "Overzicht van je team (coördinator)",
    "summary.menu": "📊 Van welk team wil je het overzicht?",
    "summary.menu_network": "📊 Welk overzicht wil je zien: een team, of het hele netwerk?",
    "summary.button_network": "🌍 Netwerk",
    "summary.button_week": "deze week",
    "summary.button_sprint": "deze sprint",
    "summary.button_last": "vorige week",
    "summary.button_current": "• {label}",
    "summary.button_back": "↩︎ teams",
    "summary.already_shown": "Dit overzicht staat hierboven al.",
    "summary.title": "📊 <b>{team}</b> · {period}",
    "summary.period_week": "deze week, {dates}",
    "summary.period_last": "vorige week, {dates}",
    "summary.period_sprint": "sprint {number}, {dates}",
    "summary.period_sprint_none": "deze sprint, {dates}",
    "summary.months_short": "jan,feb,mrt,apr,mei,jun,jul,aug,sep,okt,nov,dec",
    "summary.day": "{day} {month}",
    "summary.day_year": "{day} {month} {year}",
    "summary.range": "{first} – {last}",
    "summary.participation": "👥 {answered} van {prompted} leden deden mee ({percent}%).",
    "summary.no_checkin": "Deze periode was er geen check-in.",
    "summary.away": "🌴 Afwezig: {names}",
    "summary.unreachable": "⚠️ Niet bereikbaar (bot geblokkeerd): {names}",
    "summary.more": "+{count} meer",
    "summary.mood": "🙂 Stemming: <b>{average}</b> gemiddeld, uit {count} antwoorden",
    "summary.mood_too_few": "🙂 Stemming: te weinig stemmingen voor een gemiddelde (minder dan "
    "{minimum}), zodat niemands eigen score te zien is.",
    "summary.trend_up": "↗ beter",
    "summary.trend_down": "↘ minder",
    "summary.trend_same": "→ gelijk",
    "summary.sprint": "🏃 Sprint {number} · dag {day} van {days} · doel: <i>{goal}</i>",
    "summary.sprint_closed": "🏁 Sprint {number} (afgesloten) · doel: <i>{goal}</i>",
    "summary.sprint_none": "🏃 Geen sprint open.",
    "summary.went_well": "<b>✅ Wat ging goed</b>",
    "summary.blockers": "<b>🚧 Waar liep je tegenaan</b>",
    "summary.quote": "• “{text}” — {author}",
    "summary.quote_unsigned": "• “{text}”",
    "summary.actions": "<b>📌 Acties</b>: {opened} nieuw · {done} klaar · {partly} deels · "
    "{dropped} geschrapt",
    "summary.open_actions": "Nog open ({count}):",
    "summary.open_action": "• {text} — {owner}",
    "summary.lessons": "<b>💡 Nieuwe lessen</b> ({count})",
    "summary.theme_line": "{theme} ({count}):",
    "summary.lesson": "• <i>{text}</i>",
    "summary.no_theme": "zonder thema",
    "summary.recognition": "<b>🌍 Van andere teams</b>",
    "summary.endorsed": "👍 {count}× herkenbaar: ‘{lesson}’",
    "summary.adopted": "🔁 {team} probeerde: ‘{lesson}’ — “{text}”",
    "summary.team_gone": "een team dat er niet meer is",
    "summary.shared": "<b>🌍 Gedeeld met het steunpunt</b>",
    "summary.chart_caption": "📈 Stemming en deelname van <b>{name}</b>, de laatste {weeks} weken.",
    "summary.network_name": "Netwerk",
    "summary.network_title": "🌍 <b>Het netwerk</b> · {period}",
    "summary.teams": "{count} teams",
    "summary.teams_one": "1 team",
    "summary.new_shared_one": "🌍 1 nieuwe les gedeeld met het steunpunt.",
    "summary.chart_caption_network": "📈 Stemming en deelname in het hele netwerk, de laatste "
    "{weeks} weken.",
    "summary.network_total": "{teams}, {active} actief · {participation} · {mood}",
    "summary.network_line": "{name}: {teams}, {active} actief, {participation}, {mood}",
    "summary.network_participation": "{percent}% deelname",
    "summary.network_no_checkin": "geen check-in",
    "summary.network_mood": "stemming {average}",
    "summary.network_mood_too_few": "stemming –",
    "summary.by_stadsdeel": "<b>Per stadsdeel</b>",
    "summary.by_kind": "<b>Per soort team</b>",
    "summary.voetstuk": "<b>🏆 Op een voetstuk</b> (het vaakst herkenbaar)",
    "summary.highlight": "• <i>{text}</i> — {team}, {stadsdeel} · 👍 {endorsements}",
    "summary.highlight_adoptions": " · 🧪 {adoptions}",
    "summary.rising": "<b>📈 Thema's in de lift</b>",
    "summary.rising_line": "{theme}: {count} (was {previous})",
    "summary.quiet": "<b>💤 Stil geworden</b> (twee periodes geen check-in beantwoord): {names}",
    "summary.new_shared": "🌍 {count} nieuwe lessen gedeeld met het steunpunt.",
    "summary.no_new_shared": "🌍 Geen nieuwe lessen gedeeld met het steunpunt.",
    "theme.zeggenschap": "zeggenschap",
    "theme.routes": "routes",
    "theme.cultuur": "cultuur",
    "theme.randvoorwaarden": "randvoorwaarden",
    "theme.financiering": "financiering",
    "theme.samenwerking": "samenwerking",
    "theme.eigenaarschap": "eigenaarschap",
    # --- chart ---
    "chart.mood": "Stemming (1–5)",
    "chart.participation": "Deelname (%)",
    "chart.week": "wk {week}",
    "chart.decimal_separator": ",",
    "chart.mood_too_few": "Te weinig stemmingen om te tonen (minder dan {minimum} per week)",
    "chart.too_little": "Voor een grafiek is er nog te weinig: die komt als er minstens twee "
    "weken met check-ins zijn.",
    # --- weekly digest ---
    "digest.intro": "📬 Je weekoverzicht van <b>{team}</b>",
    "digest.hint": "<i>Liever niet elke week? Tik op 🔔 onder dit overzicht (of later bij "
    "/summary).</i>",
    "digest.button_on": "🔔 Wekelijks overzicht: aan",
    "digest.button_off": "🔕 Wekelijks overzicht: uit",
    "digest.set_on": "Weekoverzicht van {team}: aan. Je krijgt het elke week.",
    "digest.set_off": "Weekoverzicht van {team}: uit. Met /summary zet je het weer aan.",
    "digest.not_coordinator": "Het weekoverzicht van <b>{team}</b> gaat naar de coördinatoren van "
    "dat team; jij bent daar geen coördinator, dus er valt niets aan of uit te zetten.",
    # --- export: refusals and the service ---
    "denied.export": "Een export is er voor coördinatoren van een team (en voor "
    "steunpunt-beheerders). Wil je iets uit je team bewaren? Vraag het je coördinator.",
    "denied.admin_export": "Een export van alle teams samen is er voor steunpunt-beheerders. "
    "Je eigen teams exporteer je met /export.",
    "export.no_sprint": "Hier is nog geen sprint geweest. Kies de laatste 4 weken of alles, of "
    "start een sprint met /sprint.",
    "export.unknown_team": "Er is geen team dat '{team}' heet (of dat nummer heeft).",
    "export.dates_reversed": "De einddatum ({until}) ligt vóór de begindatum ({since}).",
    # --- export: the workbook ---
    "export.sheet.lessons": "Lessen",
    "export.sheet.answers": "Antwoorden",
    "export.sheet.blockers": "Knelpunten",
    "export.sheet.actions": "Acties",
    "export.sheet.sprints": "Sprints",
    "export.sheet.participation": "Deelname",
    "export.sheet.weeks": "Per week",
    "export.column.lesson_id": "les-id",
    "export.column.date": "datum",
    "export.column.team": "team",
    "export.column.stadsdeel": "stadsdeel",
    "export.column.team_kind": "soort team",
    "export.column.sprint": "sprint",
    "export.column.lesson": "les",
    "export.column.advice": "advies",
    "export.column.themes": "thema's",
    "export.column.tags": "tags",
    "export.column.visibility": "zichtbaar voor",
    "export.column.author": "auteur",
    "export.column.endorsements": "herkenbaar",
    "export.column.adoptions": "geprobeerd door",
    "export.column.answered_at": "beantwoord op",
    "export.column.checkin": "check-in",
    "export.column.member": "lid",
    "export.column.question_key": "vraagsleutel",
    "export.column.question": "vraag",
    "export.column.answer": "antwoord",
    "export.column.mood": "energie (1–5)",
    "export.column.action_id": "actie-id",
    "export.column.owner": "eigenaar",
    "export.column.action": "actie",
    "export.column.opened": "geopend",
    "export.column.status_date": "statusdatum",
    "export.column.status": "status",
    "export.column.latest": "huidige status",
    "export.column.goal": "doel",
    "export.column.starts": "begint",
    "export.column.ends": "eindigt",
    "export.column.closed_at": "gesloten op",
    "export.column.sprint_status": "sprintstatus",
    "export.column.checkins": "check-ins",
    "export.column.prompted": "gevraagd",
    "export.column.answered": "geantwoord",
    "export.column.participation": "deelname",
    "export.column.mood_average": "gem. energie",
    "export.column.week": "week",
    "export.column.week_start": "week begint",
    "export.column.teams": "teams",
    "export.column.blocker": "knelpunt",
    "export.column.resolved": "opgelost",
    "export.column.resolved_how": "hoe opgelost",
    "export.column.resolved_on": "opgelost op",
    "export.anonymous": "anoniem",
    "export.visibility.team": "team",
    "export.visibility.city": "stad",
    "export.sprint_status.open": "loopt",
    "export.sprint_status.closed": "gesloten",
    "export.action_status.open": "open",
    "export.action_status.done": "gedaan",
    "export.action_status.partly": "deels",
    "export.action_status.dropped": "losgelaten",
    "export.question.action": "(actie)",
    "export.question.unknown": "(vraag)",
    "export.attachment.voice": "[spraakbericht]",
    "export.attachment.audio": "[geluid]",
    "export.attachment.photo": "[foto]",
    "export.attachment.video": "[video]",
    "export.attachment.video_note": "[videobericht]",
    "export.attachment.document": "[bestand]",
    "export.attachment.sticker": "[sticker]",
    "export.chart.title": "Deelname en energie per week",
    "export.chart.percent_axis": "deelname",
    "export.chart.mood_axis": "gem. energie (1–5)",
    # --- export: /export in the chat ---
    "export.menu": "📥 Wat wil je exporteren?",
    "export.button.mine": "Al mijn teams",
    "export.button.everything": "🌍 Alle teams",
    "export.choose_period": "📥 Export van <b>{scope}</b>: welke periode?",
    "export.scope.mine": "al je teams",
    "export.scope.everything": "alle teams",
    "export.period.sprint": "deze sprint",
    "export.period.4w": "laatste 4 weken",
    "export.period.all": "alles",
    "export.button.back": "↩︎ terug",
    "export.working": "⏳ Ik maak de export van <b>{scope}</b> ({period}). Dat kan even duren; "
    "het bestand komt hieronder.",
    "export.busy": "Je vorige export wordt nog gemaakt. Even geduld: het bestand komt zo.",
    "export.caption": "📥 {scope}, {period}\nLessen: {lessons} · antwoorden: {answers} · "
    "actieregels: {actions} · sprints: {sprints}\nOpen het in Excel of LibreOffice.",
    "export.too_big": "Deze export is groter dan wat Telegram verstuurt ({size} MB, maximaal "
    "{limit} MB). Kies een kortere periode, of vraag de beheerder om <code>steunpunt export</code> "
    "op de server.",
    "export.failed": "Het lukte niet om de export te versturen. Probeer het zo nog eens met "
    "/export.",
    "command.export": "Export naar Excel (coördinator)",
    # --- the blocker radar: /radar (steunpunt admins), /blockers (a team's own) ---
    "command.radar": "Knelpunten die bij meer teams terugkomen (beheerder)",
    "command.blockers": "Knelpunten van je team; markeer er een als opgelost",
    "denied.admin_radar": "De knelpuntenradar is er voor steunpunt-beheerders. De knelpunten van "
    "je eigen team zie je met /blockers.",
    "radar.usage": "Stuur /radar voor de laatste 4 weken, of /radar 8 voor de laatste 8 weken.",
    "radar.weeks": "Kies een aantal weken van 1 tot en met {most}, bijvoorbeeld /radar 8.",
    "radar.title": "📡 <b>Knelpuntenradar</b> · {weeks} weken ({dates})\n{blockers} knelpunten "
    "genoemd door {teams} teams.",
    "radar.nothing": "Geen knelpunt kwam bij {least} of meer teams terug. Eén team is een "
    "incident; pas als meer teams er tegenaan lopen, staat het hier.",
    "radar.signal": "<b>{rank}. {keywords}</b>\n{teams} teams · {stadsdelen} · {trend}",
    "radar.themes": "🏷 Thema's (voorgesteld): {themes}",
    "radar.trend_new": "nieuw",
    "radar.trend_up": "↗ meer dan de weken ervoor ({previous} teams)",
    "radar.trend_down": "↘ minder dan de weken ervoor ({previous} teams)",
    "radar.trend_same": "→ even vaak als de weken ervoor",
    "radar.mentions": "{mentions}× genoemd",
    "radar.quote": "• “{text}” — {who}",
    "radar.who": "{kind} in {stadsdeel}",
    "radar.anonymous": "anoniem, {stadsdeel}",
    "radar.solved_by": "✅ {teams} team(s) losten het op.",
    "radar.lessons": "💡 Lessen die er al antwoord op geven:",
    "radar.lesson": "• <i>{text}</i> — {team}",
    "radar.lesson_solved": "• ✅ <i>{text}</i> — {team}, dat het oploste",
    "radar.no_lesson": "💡 Nog geen les die hierop antwoordt.",
    "radar.footer": "Citaten zonder namen. Een team markeert een knelpunt als opgelost met "
    "/blockers; die regel wordt een les.",
    "radar.digest_title": "<b>📡 Knelpunten die terugkomen</b> (laatste {weeks} weken)",
    "blockers.no_team": "Je bent nog geen lid van een team, dus er zijn geen knelpunten van je "
    "team.",
    "blockers.not_member": "Alleen leden van {team} kunnen dit knelpunt als opgelost markeren.",
    "blockers.none": "Je team noemde de laatste {weeks} weken geen knelpunten in de check-ins. "
    "Mooi zo!",
    "blockers.title": "🚧 <b>Waar jullie tegenaan liepen</b> (laatste {weeks} weken)",
    "blockers.team": " · {team}",
    "blockers.line": "{number}. “{text}” — {when}{team}",
    "blockers.solved_line": "    ✅ opgelost: {how}",
    "blockers.button": "✅ {number} opgelost",
    "blockers.hint": "Opgelost? Tik op het nummer en schrijf in één regel hoe. Die regel wordt "
    "een les die je kunt delen met andere teams.",
    "blockers.all_solved": "Alles hierboven is opgelost. 🎉",
    "blockers.unknown": "Dit knelpunt vind ik niet (meer). Stuur /blockers voor de lijst van nu.",
    "blockers.already_solved": "Dit knelpunt is al als opgelost gemarkeerd: “{how}”.",
    "blockers.ask_how": "🚧 “{text}”\n\nHoe is het opgelost? Schrijf het in één regel, zo dat "
    "een ander team er iets aan heeft. (/cancel om te stoppen)",
    "blockers.how_empty": "Schrijf in een paar woorden hoe het is opgelost.",
    "blockers.solved": "✅ Genoteerd als opgelost: “{text}”. Hoe jullie het oplosten is nu een "
    "les van je team. Kies hieronder of je die deelt.",
    "blockers.card_title": "🚧 Je knelpunt voor <b>{team}</b>:",
    "blockers.card_text": "<i>“{text}”</i>",
    "blockers.card_proposed": "💡 Thema's voorgesteld: {themes} — tik om te wijzigen",
    "blockers.card_nothing": "💡 Ik vond geen thema dat past. Tik er zelf een of meer aan, of "
    "laat het zo.",
    "blockers.card_chosen": "🏷 Thema's: {themes} — tik om te wijzigen",
    "blockers.card_chosen_none": "🏷 Geen thema gekozen — tik er een of meer aan, of laat het zo.",
    "blockers.card_why": "Met de thema's ziet het steunpunt welke muren bij meer teams terugkomen.",
    "blockers.button_confirm": "👍 Klopt zo",
    "blockers.card_confirmed": "✅ Bewaard met thema's: {themes}.",
    "blockers.card_confirmed_none": "✅ Bewaard, zonder thema.",
    "blockers.not_author": "Alleen wie dit knelpunt schreef, kiest de thema's ervan.",
    "blockers.themes_gone": "Dit knelpunt is er niet meer (gewist, of de antwoorden zijn "
    "opgeruimd). Er valt niets meer te kiezen.",
    "blockers.themes_unchanged": "Dat stond al zo.",
    "blockers.themes_confirmed_already": "Al bewaard. 👍",
    "blockers.themes_line": "    🏷 {themes}",
    "blockers.themes_proposed": "{themes} (voorgesteld)",
    "radar.themes_chosen": "🏷 Thema's: {themes}",
}
