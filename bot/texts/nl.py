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
    "Je kunt bij elk team alles wat een coördinator kan.",
    "help.coordinator": "Als coördinator:\n/invite – de uitnodigingslink voor je team\n"
    "/team – leden bekijken, coördinatoren aanstellen, leden verwijderen\n"
    "/linkgroup – stuur dit in de Telegram-groep van je team om die te koppelen",
    "help.member": "Voor je team:\n/team – wie zitten er in je team",
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
    # New team
    "newteam.ask_name": "Hoe heet het nieuwe team? Stuur de naam. Stoppen kan met /cancel.",
    "newteam.ask_kind": "Wat voor team is <b>{name}</b>?",
    "newteam.ask_stadsdeel": "<b>{name}</b> ({kind}). In welk stadsdeel werkt het team?",
    "newteam.created": "Team {team} is aangemaakt. ✅",
    "newteam.name_empty": "Een team heeft een naam nodig. Stuur de naam, of stop met /cancel.",
    "newteam.name_too_long": "Die naam is te lang: maximaal {limit} tekens. Probeer een kortere.",
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
}
