"""The walls teams run into, as a small reviewed Dutch lexicon: which words say that a blocker is
about an event, a permit, waiting, money paid out late, being sent from desk to desk, and so on.

Blockers that hit the same wall are often written in quite different words ("de aanvraag loopt nu
elf weken" and "vergunning ligt al 10 weken bij de afdeling"); shared words alone miss that. The
radar therefore compares blockers on these notions as well as on their words. The list is
general to the work of teams and initiatives in Amsterdam, not to particular blockers: add a
word where it plainly means the notion, and keep words that mean many things out.

Format: `notion: word, word, ...`. Words are folded (lower case, no accents). A word ending in
`*` matches every word starting with it; a word of six letters or more also matches inside a
compound (`vergunning` in `evenementenvergunning`); words with a space match as a phrase.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from bot.services.textsearch import fold, words

LEXICON = """
evenement: evenement*, evenementvergunning, feest*, festival*, braderie, markt, kleedjesmarkt,
    concert*, barbecue, bbq, optreden, viering, dansbattle, sportdag, buurtdiner, iftar, kermis,
    straatfeest, buurtfeest, kinderfeest
toestemming: vergunning*, ontheffing*, toestemming, akkoord, goedkeuring, aanvraag, aanvragen,
    aangevraagd, aanvroegen, besluit
wachten: wacht*, weken, maanden, termijn*, behandeltijd, duurt, duren, traag, vertraging,
    achterstand, onderweg, behandeling, nog steeds, nog altijd, geen antwoord, geen reactie,
    geen besluit, laat op zich
geld: subsidie*, bijdrage, budget*, geld, euro, middelen, fonds*, financiering, begroting,
    toekenning, toegekend, beschikking
uitbetaling: uitbetal*, overgemaakt, overmaken, gestort, storten, voorgeschoten, voorschieten,
    voorfinancier*, eigen zak, eigen rekening, privérekening, aanmaning*, rente, niet betaald
kokers: afdeling*, dienst, diensten, directie*, koker*, verkokering, loket*, doorverwezen,
    doorverwijzen, verwijst, verwezen, kastje, 14020, portefeuille, wie erover gaat,
    niemand weet, telefoniste
aanspreekpunt: aanspreekpunt, contactpersoon, 1 persoon, een persoon, één persoon, vaste contact,
    bekende gezichten
afval: afval*, container*, kiepbak, grofvuil*, vuilnis*, zakken, vuilniszak*, opruim*,
    schoonmaak*, opschoon*, snoeiafval, zwerfafval, prullenbak*, gedumpt, dumpen
verzekering: verzeker*, aansprakelijk*, polis*, vrijwilligerspolis, ongeval*, gedekt, dekking
ruimte: ruimte, zaal, zaaltje, buurthuis, buurtkamer, buurtcentrum, wijkcentrum,
    jongerencentrum, lokaal, plek, vergaderplek, locatie, onderdak, huiskamer, bibliotheek,
    gesloten, dicht, sluit
vastgoed: vastgoed, leegstand, leegstaand*, pand*, marktconform*, marktprijs, huur, huurprijs,
    huurcontract, commerciele huur, plint*, tarief
vog: vog, verklaring omtrent gedrag, screening
bank: bank*, bankrekening, zakelijke rekening, ubo*, clientonderzoek, risicoprofiel, kvk
regelwijziging: gewijzigd, gewijzigde, veranderd, veranderen, aangepast, nieuwe eisen,
    nieuw beleid, nieuwe regels, spelregels, ineens, opeens, halverwege, voortaan,
    coalitieakkoord, prioriteiten, voldoet
wisseling: vertrokken, vertrek, andere baan, opvolger, overdracht, overgeplaatst, pensioen,
    verloop, wissel*, reorganisatie, kwijt, verdwenen, opnieuw uitleggen, terugvinden
verantwoording: verantwoord*, formulier*, rapportage*, verslag*, eindverslag, eindrapportage,
    bonnetjes, spreadsheet*, excel, administratie, papierwerk, monitoring*, kpi*, impactmeting,
    presentielijst*, handtekening*, aantonen
inspraak: inspraak, participatie*, meedenken, meepraten, consultatie, inloopavond,
    bewonersavond, achteraf, al besloten, vastgelegd, vastlag, stond al vast, definitief,
    al genomen, aangenomen, pas uitgenodigd, al verleend, al verdeeld
melding: melding*, gemeld, meld, melden, afgehandeld, afgerond, niks mee, geen actie,
    nooit iemand, komen kijken
ongedierte: rat, ratten*, rattenoverlast, muizen, ongedierte, nesten, bestrijder, bestrijding
jaargeld: eind van het jaar, einde van het jaar, boekjaar, kalenderjaar, binnen het jaar,
    eenjarig*, twaalf maanden, vervalt, terugstorten, uitgeven, besteed, restant
vrijwilligers: vrijwilliger*, begeleiders, taalmaatjes, helpers, meehelpen
kosten: kost, kosten, betalen, betaalt, prijs, duur
inlog: eherkenning, digid, inlog*, portaal, machtig*, account, wachtwoord, mijn omgeving,
    toegangscode, sms-code, tweestaps*, ondernemersplein
opslag: opslag*, berging*, schuur*, loods, pakhuis, kratten, partytent*, dranghek*,
    gereedschap*, pallets, stallen
parkeren: parkeer*, parkeren, bekeuring*, naheffing*, parkeergeld, laden en lossen, busje,
    bestelbus*, venstertijd*, milieuzone
aanbesteding: aanbested*, aanbesteding*, gegund, inkoop*, opdrachtnemer*,
    nieuwe aanbieder, nieuwe partij, welzijnspartij*, welzijnsorganisatie*
taal: tolk*, vertal*, taalbarriere, anderstalig*, laaggeletterd*, geen nederlands,
    arabisch, turks, pools, tigrinya, engelstalig*
toegang: sleutel*, afgesloten, op slot, openstell*, concierge, pasje, alarm*
handhaving: handhaving, handhaver*, boa, boas, politie, wijkagent*, overlastgever*,
    hangjongeren
privacy: avg, privacy, persoonsgegevens, ledenlijst*, adressenlijst*, gegevens delen, datalek,
    verwerkersovereenkomst
"""


@dataclass(frozen=True)
class Lexicon:
    exact: dict[str, frozenset[str]]
    prefixes: tuple[tuple[str, str], ...]
    inside: tuple[tuple[str, str], ...]  # long words that also match inside compounds
    phrases: tuple[tuple[str, str], ...]


def parse(text: str) -> Lexicon:
    exact: dict[str, set[str]] = {}
    prefixes, inside, phrases = [], [], []
    for notion, listed in _entries(text):
        for raw in listed.split(","):
            term = fold(raw.strip())
            if not term:
                continue
            if " " in term:
                phrases.append((term, notion))
            elif term.endswith("*"):
                prefixes.append((term[:-1], notion))
                if len(term) - 1 >= 6:
                    inside.append((term[:-1], notion))
            else:
                exact.setdefault(term, set()).add(notion)
                if len(term) >= 6:
                    inside.append((term, notion))
    return Lexicon(
        {term: frozenset(found) for term, found in exact.items()},
        tuple(prefixes),
        tuple(inside),
        tuple(phrases),
    )


def _entries(text: str) -> list[tuple[str, str]]:
    """`notion: words` entries; a line that starts with spaces continues the one above."""
    entries: list[tuple[str, str]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if line.startswith(" ") and entries:
            notion, listed = entries[-1]
            entries[-1] = (notion, f"{listed},{line}")
            continue
        notion, _, listed = line.partition(":")
        entries.append((notion.strip(), listed))
    return entries


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    return parse(LEXICON)


@lru_cache(maxsize=50_000)
def _word_notions(word: str) -> frozenset[str]:
    found = set(lexicon().exact.get(word, ()))
    found.update(notion for prefix, notion in lexicon().prefixes if word.startswith(prefix))
    found.update(notion for part, notion in lexicon().inside if part in word)
    return frozenset(found)


def notions(text: str) -> frozenset[str]:
    """The walls a text speaks of."""
    found: set[str] = set()
    for word in words(text):
        found |= _word_notions(word)
    flat = f" {' '.join(fold(text).split())} "
    found.update(notion for phrase, notion in lexicon().phrases if f" {phrase} " in flat)
    return frozenset(found)
