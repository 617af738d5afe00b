"""Dutch words that mean the same thing in the work of area teams and citizen initiatives, so
that a lesson about a `folder` is found by one about `flyers`, and `deur aan deur` meets
`huis aan huis`.

One group per line, the words separated by commas (a line that ends in a comma goes on on the
next); the first word is the one the search index keeps for the whole group. A group holds
words that mean the same here, not words that merely belong together (no `koffie, informeel`),
and no opposites (no `vertrouwen, wantrouwen`): search and similar lessons treat every word of a
group as the same word. Plurals and verb forms need not be listed where the stemmer already
joins them (`vergunning`/`vergunningen`); diminutives and irregular forms must be (`foldertje`,
`leden`). An entry of several words (`huis aan huis`) is found as those words in a row, small
words included, or written together or with hyphens. Changing this list changes the index:
the bot rebuilds it once at its next start.

The list is general, reviewed Dutch: do not add a group to make one particular lesson match
another (that tunes the index to the test set, not to Dutch).
"""

from __future__ import annotations

SYNONYMS = """
# communicatie
flyer, flyers, flyertje, flyertjes, folder, folders, foldertje, foldertjes, pamflet, pamfletten
huis aan huis, huisaanhuis, deur aan deur, deuraandeur, langs de deuren, aanbellen
brief, brieven, briefje, briefjes
e-mail, email, mail, mails, mailtje, mailtjes, mailen, gemaild, e-mailen
bellen, gebeld, belletje, telefoontje, telefoontjes, opbellen, telefonisch
whatsappgroep, whatsappgroepen, appgroep, appgroepen, groepsapp, groepsappje, appen, whatsappen
website, websites, webpagina, webpaginas, internetpagina
enquete, enquetes, vragenlijst, vragenlijsten, survey, peiling, peilingen
uitnodiging, uitnodigingen, uitnodigen, invitatie
bord, borden, bordje, bordjes
tolk, tolken, vertaler, vertalers

# mensen en rollen
bewoner, bewoners, buurtbewoner, buurtbewoners, wijkbewoner, wijkbewoners,
    omwonende, omwonenden, inwoner, inwoners
ambtenaar, ambtenaren, gemeenteambtenaar, gemeenteambtenaren, beleidsmedewerker,
    beleidsmedewerkers, ambtelijk, ambtelijke
wethouder, wethouders, portefeuillehouder, portefeuillehouders
gebiedsmakelaar, gebiedsmakelaars, wijkmakelaar, wijkmakelaars, buurtmakelaar, buurtmakelaars
opbouwwerker, opbouwwerkers, buurtwerker, buurtwerkers, welzijnswerker, welzijnswerkers,
    sociaal werker, sociaal werkers
vrijwilliger, vrijwilligers, vrijwilligster, vrijwilligsters
lid, leden, lidmaatschap, lidmaatschappen
trekker, trekkers, kartrekker, kartrekkers, voortrekker, voortrekkers, aanjager, aanjagers
contactpersoon, contactpersonen, aanspreekpunt, aanspreekpunten
jongeren, jongere, jeugd, jeugdigen, tieners, tiener, pubers, puber
kind, kinderen, kids
ouderen, oudere, senioren, senior, bejaarden, 65-plussers, 65plussers
mantelzorger, mantelzorgers, mantelzorg
ondernemer, ondernemers, winkelier, winkeliers, middenstand, middenstanders
woningcorporatie, woningcorporaties, corporatie, corporaties, woningbouwvereniging,
    woningbouwverenigingen, woningbouwcorporatie
wijkagent, wijkagenten, buurtagent, buurtagenten
handhaver, handhavers, handhaving, boa, boas, boa's
gemeenschap, community, communities

# plekken
buurt, buurten, wijk, wijken
buurthuis, buurthuizen, buurtcentrum, buurtcentra, wijkcentrum, wijkcentra, wijkhuis,
    buurtkamer, buurtkamers
locatie, locaties, plek, plekken, plekje
gebouw, gebouwen, pand, panden
speeltuin, speeltuinen, speelplek, speelplekken, speelplaats, speelplaatsen
verlichting, straatverlichting, lantaarnpaal, lantaarnpalen, straatlantaarn, straatlantaarns
geveltuin, geveltuinen, geveltuintje, geveltuintjes

# regels, geld en de gemeente
vergunning, vergunningen, ontheffing, ontheffingen
aanvraag, aanvragen, aanvraagt, aangevraagd
regel, regelgeving, voorschrift, voorschriften
bureaucratie, bureaucratisch, bureaucratische, rompslomp, papierwerk, regeldruk
subsidie, subsidies, subsidieregeling, subsidieregelingen, subsidiepot
budget, budgetten, begroting, begrotingen
verantwoording, verantwoorden, rapportage, rapportages, verslaglegging
verzekering, verzekeringen, verzekerd, verzekeren, aansprakelijkheid, aansprakelijk
mandaat, mandaten, bevoegdheid, bevoegdheden, beslissingsbevoegdheid, beslisbevoegdheid
koker, kokers, silo, silos, silo's, verkokering, verkokerd
afdeling, afdelingen, directie, directies
wachttijd, wachttijden, doorlooptijd, doorlooptijden, behandeltermijn, behandeltijd
vertraging, vertragingen, vertraagd, uitstel
belofte, beloften, beloven, belooft, beloofd, toezegging, toezeggingen, toezeggen, toegezegd
participatie, burgerparticipatie, bewonersparticipatie, inspraak, meepraten, meedenken
zeggenschap, medezeggenschap, meebeslissen, meebepalen
deadline, deadlines, termijn, termijnen

# werkvormen
bijeenkomst, bijeenkomsten, vergadering, vergaderingen, vergaderen, meeting, meetings, overleg
workshop, workshops, werksessie, werksessies
pilot, pilots, proef, proeven, proefproject, proefprojecten, experiment, experimenten, uitproberen
evaluatie, evaluaties, evalueren, terugblik, terugblikken, retrospective, retro
begin, beginnen, start, starten, aanvang
schouw, schouwen, rondgang, rondgangen
planning, tijdpad, tijdlijn, tijdschema
gesprek, gesprekken, dialoog

# onderwerpen
afval, vuil, vuilnis, zwerfafval, zwerfvuil, huisvuil
rat, ratten, ongedierte
eenzaamheid, eenzaam, eenzame, vereenzaming, isolement
veiligheid, veilig, onveilig, onveiligheid, onveiligheidsgevoel
zonnepaneel, zonnepanelen, pv-panelen, pv-paneel
isolatie, isoleren, geisoleerd
overbelast, overbelasting, overbelaste, overvraagd, overvragen, opgebrand, burn-out, burnout
frustratie, gefrustreerd, frustrerend, frustreren
teleurstelling, teleurgesteld, teleurstellend
ingewikkeld, complex, complexe, gecompliceerd
"""


def groups(text: str = SYNONYMS) -> list[list[str]]:
    """The groups of a synonym list: one per line (a line ending in a comma goes on on the
    next), comma-separated, `#` starts a comment. Entries are lower case as written (the
    analyser folds and stems them)."""
    found = []
    pending = ""
    for line in text.splitlines():
        pending += line.split("#")[0].strip()
        if pending.endswith(","):
            continue
        entries = [entry.strip().lower() for entry in pending.split(",")]
        pending = ""
        entries = [entry for entry in entries if entry]
        if len(entries) > 1:
            found.append(entries)
    return found
