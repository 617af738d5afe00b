"""The web edition's texts, Dutch first, English second. Plain text (the templates escape it);
`{name}` placeholders are filled by `site_text`. The vocabulary (team kinds, stadsdelen,
themes, months) comes from the bot's own catalogs, so the site and the bot say the same."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.services.common import Language
from bot.texts import CATALOGS
from storage.models import Stadsdeel, TeamKind

SITE_TEXTS: dict[Language, dict[str, str]] = {
    "nl": {
        "site.name": "Steunpunt",
        "site.tagline": "Lessen van Amsterdamse teams en initiatieven",
        "site.skip": "Naar de inhoud",
        "site.toggle": "English",
        "site.toggle_title": "Deze pagina in het Engels",
        "site.nav": "Hoofdmenu",
        "site.home": "Alle lessen",
        "site.feed": "Nieuwe lessen (Atom-feed)",
        "site.footer": "Lessen die teams zelf deelden met het stedelijk steunpunt. Anonieme "
        "lessen noemen geen team; de site noemt nooit personen, en volgt niemand.",
        "site.generated": "Bijgewerkt op {date}.",
        "index.title": "Lessen uit de stad",
        "index.intro": "Wat Amsterdamse gebiedsteams, ambtelijke teams en bewonersinitiatieven "
        "leerden door in korte rondes aan één ding te werken. De lessen die de laatste weken "
        "het vaakst herkend werden staan bovenaan.",
        "index.search_heading": "Zoeken",
        "index.search_label": "Zoek in alle lessen",
        "index.search_hint": "Typ een of meer woorden, bijvoorbeeld vergunning of subsidie.",
        "index.filter_theme": "Thema",
        "index.filter_stadsdeel": "Stadsdeel",
        "index.filter_kind": "Soort team",
        "index.all_themes": "Alle thema's",
        "index.all_stadsdelen": "Alle stadsdelen",
        "index.all_kinds": "Alle soorten teams",
        "index.noscript": "Zoeken en filteren werkt met JavaScript. Zonder staan hieronder de "
        "meest herkende lessen; de rest vind je via de thema's en stadsdelen.",
        "index.results_heading": "Lessen",
        "index.count_top": "De {shown} meest herkende van {total} lessen; meer via zoeken, "
        "de thema's en de stadsdelen.",
        "index.count_all": "Alle {total} lessen.",
        "index.count_none_yet": "Er zijn nog geen gedeelde lessen.",
        "index.count_found_one": "1 les gevonden.",
        "index.count_found": "{count} lessen gevonden.",
        "index.no_results": "Geen lessen gevonden. Probeer andere of minder woorden, of zet "
        "een filter op 'alle'.",
        "index.browse": "Bladeren",
        "index.themes": "Thema's",
        "index.stadsdelen": "Stadsdelen",
        "list.count_one": "1 les.",
        "list.count": "{count} lessen.",
        "theme.title": "Thema: {theme}",
        "theme.empty": "Nog geen lessen met dit thema. Wie er een deelt in de bot, zet het "
        "hier als eerste neer.",
        "stadsdeel.title": "Stadsdeel: {stadsdeel}",
        "stadsdeel.title_stad": "De hele stad",
        "stadsdeel.empty": "Nog geen lessen van teams die in de hele stad werken.",
        "lesson.title_team": "Les van {team}",
        "lesson.title_anonymous": "Anonieme les ({kind}, {stadsdeel})",
        "lesson.advice": "Advies",
        "lesson.team": "Team",
        "lesson.anonymous": "anoniem ({kind})",
        "lesson.stadsdeel": "Stadsdeel",
        "lesson.kind": "Soort team",
        "lesson.sprint": "Uit de sprint",
        "lesson.shared": "Gedeeld op",
        "lesson.themes": "Thema's",
        "lesson.no_themes": "geen",
        "lesson.tags": "Tags",
        "lesson.endorsements_none": "Nog geen team vond dit herkenbaar.",
        "lesson.endorsements_one": "1 team vond dit herkenbaar.",
        "lesson.endorsements": "{count} teams vonden dit herkenbaar.",
        "lesson.adoptions": "Wat teams schreven die het probeerden",
        "lesson.adoptions_none": "Nog geen team schreef dat het dit probeerde.",
        "lesson.adoption_by": "{team}, {date}",
        "lesson.adoption_by_unnamed": "een team, {date}",
        "lesson.back": "Terug naar alle lessen",
        "item.team": "{team} ({kind})",
        "item.herkenbaar_one": "herkenbaar voor 1 team",
        "item.herkenbaar": "herkenbaar voor {count} teams",
        "feed.title": "Steunpunt: nieuwe lessen uit de stad",
        "feed.subtitle": "De nieuwste lessen die Amsterdamse teams deelden.",
    },
    "en": {
        "site.name": "Steunpunt",
        "site.tagline": "Lessons from Amsterdam's teams and initiatives",
        "site.skip": "Skip to content",
        "site.toggle": "Nederlands",
        "site.toggle_title": "This page in Dutch",
        "site.nav": "Main menu",
        "site.home": "All lessons",
        "site.feed": "New lessons (Atom feed)",
        "site.footer": "Lessons that teams chose to share with the city's steunpunt. Anonymous "
        "lessons name no team; the site never names people, and tracks no one.",
        "site.generated": "Updated on {date}.",
        "index.title": "Lessons from the city",
        "index.intro": "What Amsterdam's area teams, civil-service teams and citizen initiatives "
        "learned by working on one thing in short cycles. Lessons recognised most in the last "
        "weeks come first. Lessons are shown as written, mostly in Dutch.",
        "index.search_heading": "Search",
        "index.search_label": "Search all lessons",
        "index.search_hint": "Type one or more words (Dutch works best), e.g. vergunning or "
        "subsidie.",
        "index.filter_theme": "Theme",
        "index.filter_stadsdeel": "Borough",
        "index.filter_kind": "Kind of team",
        "index.all_themes": "All themes",
        "index.all_stadsdelen": "All boroughs",
        "index.all_kinds": "All kinds of teams",
        "index.noscript": "Search and filters need JavaScript. Without it, the most recognised "
        "lessons are listed below; find the rest through the themes and boroughs.",
        "index.results_heading": "Lessons",
        "index.count_top": "The {shown} most recognised of {total} lessons; more through "
        "search, the themes and the boroughs.",
        "index.count_all": "All {total} lessons.",
        "index.count_none_yet": "No lessons have been shared yet.",
        "index.count_found_one": "1 lesson found.",
        "index.count_found": "{count} lessons found.",
        "index.no_results": "No lessons found. Try other or fewer words, or set a filter back "
        "to 'all'.",
        "index.browse": "Browse",
        "index.themes": "Themes",
        "index.stadsdelen": "Boroughs",
        "list.count_one": "1 lesson.",
        "list.count": "{count} lessons.",
        "theme.title": "Theme: {theme}",
        "theme.empty": "No lessons with this theme yet. The first one shared in the bot will "
        "appear here.",
        "stadsdeel.title": "Borough: {stadsdeel}",
        "stadsdeel.title_stad": "The whole city",
        "stadsdeel.empty": "No lessons yet from teams that work across the whole city.",
        "lesson.title_team": "Lesson from {team}",
        "lesson.title_anonymous": "Anonymous lesson ({kind}, {stadsdeel})",
        "lesson.advice": "Advice",
        "lesson.team": "Team",
        "lesson.anonymous": "anonymous ({kind})",
        "lesson.stadsdeel": "Borough",
        "lesson.kind": "Kind of team",
        "lesson.sprint": "From the sprint",
        "lesson.shared": "Shared on",
        "lesson.themes": "Themes",
        "lesson.no_themes": "none",
        "lesson.tags": "Tags",
        "lesson.endorsements_none": "No team has found this recognisable yet.",
        "lesson.endorsements_one": "1 team found this recognisable (herkenbaar).",
        "lesson.endorsements": "{count} teams found this recognisable (herkenbaar).",
        "lesson.adoptions": "What teams that tried it wrote",
        "lesson.adoptions_none": "No team has written yet that it tried this.",
        "lesson.adoption_by": "{team}, {date}",
        "lesson.adoption_by_unnamed": "a team, {date}",
        "lesson.back": "Back to all lessons",
        "item.team": "{team} ({kind})",
        "item.herkenbaar_one": "recognised by 1 team",
        "item.herkenbaar": "recognised by {count} teams",
        "feed.title": "Steunpunt: new lessons from the city",
        "feed.subtitle": "The newest lessons shared by Amsterdam's teams.",
    },
}


def site_text(language: Language, key: str, **params: object) -> str:
    """Plain text for `key` (the templates escape it), placeholders filled in."""
    return SITE_TEXTS[language][key].format(**params)


def vocabulary(language: Language, key: str) -> str:
    """A word of the bot's catalogs (`kind.initiatief`, `stadsdeel.noord`, `theme.routes`)."""
    return CATALOGS[language].get(key) or CATALOGS["nl"][key]


def kind_label(language: Language, kind: TeamKind) -> str:
    return vocabulary(language, f"kind.{kind.value}")


def stadsdeel_label(language: Language, stadsdeel: Stadsdeel) -> str:
    return vocabulary(language, f"stadsdeel.{stadsdeel.value}")


def theme_label(language: Language, theme: str) -> str:
    return vocabulary(language, f"theme.{theme}")


def date_label(language: Language, moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    month = vocabulary(language, "format.months").split(",")[local.month - 1]
    return vocabulary(language, "format.date").format(day=local.day, month=month, year=local.year)
