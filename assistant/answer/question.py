"""What a question asks for: its kind of answer, and the places, years and bodies it names.

The rules are about German question words and the council-letter genre, never about particular
questions: "Wer …?" wants a person, "Wann …?" a date, "Wie viel …?" a number; "Wer hat …
unterschrieben?" is answered by the signature, "An wen …?" by the addressee. A question that
names a town, a year, a party or a committee must be answered from a passage about it.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from assistant.german.dates import DATE_PATTERN
from assistant.german.places import mentions, named_places
from assistant.german.text import WORD, fold

_INTENTS = {
    "person": r"^(wer|von wem|an wen|wem)\b|\bleitet|\bvorsitz|\bansprechp",
    "date": r"^wann\b|(seit|bis|ab|von) wann|\bdatum\b|datiert|an welchem tag|"
            r"welche[nm]? (monat|jahr|tag)|seit welche",
    "number": r"wie ?viel|wie hoch|wie lange|wie gross|\bhohe\b|betrag|prozent|anzahl|summe\b|"
              r"welche \w*nummer|wie oft|mit wie",
    "amount": r"wie ?viel geld|\bgeld\b|betrag|summe\b|gehalt|\bkosten\b|gebuhr|\beuro\b|"
              r"wie teuer|verdien|\bbezahl|kostet|pauschale|zuschuss|zuwendung|"
              r"eigenanteil|forder(ung|mittel|summe|betrag)\b|landesmittel",
    "section": r"paragra(f|ph)|in welche[mr]? (vorschrift|norm|bestimmung)",
    "list": r"^(welche|was|wer)\b.*\b(fragen|punkte|aspekte|aufgaben|mitglieder|akteure|"
            r"institutionen|bausteine|teile|voraussetzungen|themen|funktionen)\b",
    "url": r"\b(online|abrufbar|link|internetseite|webseite|im netz)\b",
    "signed": r"unterschrieb|unterzeichn|gezeichnet",
    "addressed": r"an wen|adressiert|gerichtet|richtet sich",
}
_INTENT_RE = {kind: re.compile(pattern) for kind, pattern in _INTENTS.items()}
# A question about what a document asks or demands may be answered with the document's questions.
# ("Anfrage", "Antrag" name the document and do not count: "Welche Nummer hat die Anfrage?")
# Modal verbs alone ("Will die Stadt … selbst zahlen?") ask about an intention, not about asking.
# Matched before folding and case-sensitively: folded, "fördert" (funds) would read as "fordert"
# (demands), and the verb "fragt" asks where the noun "Frage 7 der Anfrage" only names a part.
_ABOUT_ASKING = re.compile(r"\b(fragt\w*|fragen|gefragt|wissen|erfahren|erkundig\w*|interessier\w*|"
                           r"bitte[nt]|baten?|verlangt|fordert\w*|eingehen)\b|\bFragen\b.*\bstell|"
                           r"\bstell\w*\b.*\bFragen\b|^(welche|was für) Fragen\b")
_DOCUMENT_WORD = re.compile(r"(anfrage|antrag|vorschlag|vorlage|drucksache|schreiben|brief)\w*")
# Verbs that ask when the document itself was made, not when something in it happens.
_DOCUMENT_DATE = re.compile(r"datiert|von wann|gestellt|verfasst|eingereicht|geschrieben|stammt|"
                            r"unterschrieben|unterzeichnet|nummer|aktenzeichen|federfuhr|zustandig|"
                            r"beratungsfolge|betreff|berat(en|ung)\b")
_STATEWIDE = re.compile(r"landesweit|insgesamt|landeshaushalt|\bland\w* im haushalt|haushalt des landes")
# The other German states: a question about one of them needs a passage that names it (the
# documents are about NRW; a programme in another state is not KIM).
_OTHER_STATES = re.compile(
    r"(?<![\w-])(baden-wurttemberg|bayern|berlin|brandenburg|bremen|hamburg|hessen|"
    r"mecklenburg-vorpommern|niedersachsen|rheinland-pfalz|saarland|sachsen-anhalt|sachsen|"
    r"schleswig-holstein|thuringen)(?![\w-])")
# "Unsere Stadt", "bei uns": the home municipality (KIM_KOMMUNE), where one is set.
_OUR_PLACE = re.compile(r"\bunser(?:e[mnrs]?)? (?:stadt|kreis\w*|kommune|gemeinde|verwaltung)\b|"
                        r"\bbei uns\b|\bhier vor ort\b")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?![\w])")
# A document named by its number ("laut Vorlage V/0398/2024", "Drucksache Nr. 35102-24"): the
# number names the document, and the passage need not repeat it – its document must hold it.
_DOCUMENT_NUMBER = re.compile(r"\b(?:\w*vorlage|drucksache|drs\.)(?:-?nr\.?)?\s*(?:nr\.?)?\s*:?\s*"
                              r"([a-z]{0,4}[\s/-]?\d{1,5}(?:[./-]\d{1,5}){1,2})(?![\d])")
# "Wie viele Case-Manager-Stellen …?" counts Stellen: the last capitalised word after "wie viele".
_COUNTED = re.compile(r"\b[Ww]ie ?viele[nm]?\s+((?:[A-ZÄÖÜ][\w-]*\s+){0,2}[A-ZÄÖÜ][\w-]*)")
# OCR turns "Bündnis 90/Die Grünen" into "Bindnis 90/Die Grinen": one letter may be wrong.
_PARTIES = {"cdu": r"\bcdu\b", "spd": r"\bspd\b", "grun": r"\bgr\wnen?\b|\bgrune\b|b\wndnis ?90",
            "fdp": r"\bfdp\b", "afd": r"\bafd\b", "linke": r"\blinken?\b"}
_PARTY_RE = {party: re.compile(pattern) for party, pattern in _PARTIES.items()}
_COMMITTEE = re.compile(r"\b(\w*ausschuss|integrationsrat|kreistag|stadtrat|gemeinderat|"
                        r"bezirksvertretung)")

_DATE_UNIT = re.compile(DATE_PATTERN + r"|\b(?:19|20)\d{2}\b", re.IGNORECASE)
_PERSON_UNIT = re.compile(
    r"\b(?:Herrn?|Frau|Dr\.|Bürgermeister(?:in)?|Landr(?:at|ätin))\s+[A-ZÄÖÜ]"
    r"|^[A-ZÄÖÜ][\w\-]+,? [A-ZÄÖÜ][\w\-]+(?:,|$)"
    r"|^(?:[A-ZÄÖÜ][a-zäöüß\-]{1,12} ){1,3}[A-ZÄÖÜ][a-zäöüß\-]{1,12}$")


@dataclass
class QuestionProfile:
    expects: set[str] = field(default_factory=set)  # person, date, number, list, url, signed, …
    about_asking: bool = False
    # asks about the document itself: when it was made, its number ("Von wann ist die Anfrage?")
    about_document: bool = False
    statewide: bool = False  # asks about the state as a whole ("landesweit", "im Landeshaushalt")
    places: list[str] = field(default_factory=list)  # folded place names the question names
    years: list[str] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)  # other figures named ("Baustein 2", "S 12")
    documents: list[str] = field(default_factory=list)  # document numbers named ("12/1147")
    parties: list[str] = field(default_factory=list)
    committees: list[str] = field(default_factory=list)
    counted: str = ""  # the noun a "wie viele …?" question counts ("Stellen", "Menschen")
    nouns: list[str] = field(default_factory=list)  # capitalised words after the first, no places
    ours: bool = False  # "unsere Stadt" with no home municipality set: name the place per sentence


def profile(question: str, home: str = "") -> QuestionProfile:
    """``home``: the municipality "unsere Stadt" and "bei uns" mean (KIM_KOMMUNE), or ""."""
    folded = " ".join(fold(question).split())
    places = named_places(folded) + _OTHER_STATES.findall(folded)
    ours = bool(_OUR_PLACE.search(folded)) and not places
    if ours and home:
        places, ours = named_places(fold(home)) or [fold(home)], False
    return QuestionProfile(
        expects=_expects(folded, question),
        about_asking=bool(_ABOUT_ASKING.search(question[:1].lower() + question[1:])),
        about_document=bool(_DOCUMENT_WORD.search(folded) and _DOCUMENT_DATE.search(folded)),
        statewide=bool(_STATEWIDE.search(folded)),
        places=places, years=_YEAR.findall(_DOCUMENT_NUMBER.sub(" ", folded)), ours=ours,
        numbers=_figures(folded), documents=_DOCUMENT_NUMBER.findall(folded),
        parties=[p for p, pattern in _PARTY_RE.items() if pattern.search(folded)],
        committees=[m.group(1) for m in _COMMITTEE.finditer(folded)],
        counted=counted_noun(question),
        nouns=_nouns(question),
    )


def _figures(folded: str) -> list[str]:
    """Figures the passage must name: not years, dates or the numbers of documents."""
    rest = _DATE_UNIT.sub(" ", _DOCUMENT_NUMBER.sub(" ", folded))
    return [n for n in _NUMBER.findall(rest) if not _YEAR.fullmatch(n)]


def _nouns(question: str) -> list[str]:
    """German capitalises nouns: the capitalised words after the first, places left out."""
    words = WORD.findall(question)[1:]
    return [w for w in words if w[0].isupper() and not named_places(fold(w))]


# "zahlt" asks about money, "zählt" counts: told apart before folding.
_PAYS = re.compile(r"\bzahl(t|en|te|ten)\b")


def _expects(folded: str, question: str) -> set[str]:
    expects = {kind for kind, pattern in _INTENT_RE.items() if pattern.search(folded)}
    if _PAYS.search(question.lower()):
        expects.add("amount")
    if "number" not in expects:
        expects.discard("amount")  # "… um Geld zu bekommen?" asks for no figure
    return expects


def counted_noun(question: str) -> str:
    """The noun "wie viele …?" asks to count, as written ("" when the question counts nothing)."""
    match = _COUNTED.search(question)
    if not match:
        return ""
    noun = match.group(1).split()[-1]
    return noun if noun[0].isupper() else ""


def passage_matches(folded_passage: str, folded_document: str, asked: QuestionProfile) -> bool:
    return not passage_mismatch(folded_passage, folded_document, asked)


def passage_mismatch(folded_passage: str, folded_document: str, asked: QuestionProfile) -> str:
    """What a passage lacks of what the question names ("" when it fits): "other_place",
    "other_year", "missing_number", "other_party", "other_committee" or "other_document".
    Places and years must stand in the passage (its text, title, body or date), one of them
    where the question names several; parties, committees and document numbers anywhere in its
    document, since a letter names its senders and a Vorlage its number once, at the top."""
    checks = [
        # A question naming two places or years compares them: a passage needs one of them.
        ("other_place", _one_of(mentions(folded_passage, place) for place in asked.places)),
        ("other_year", _one_of(year in folded_passage for year in asked.years)),
        ("missing_number", all(_names_number(folded_passage, n) for n in asked.numbers)),
        ("other_party", all(_PARTY_RE[p].search(folded_document) for p in asked.parties)),
        ("other_committee", all(c in folded_document for c in asked.committees)),
        ("other_document", all(d in folded_document for d in asked.documents)),
    ]
    return next((reason for reason, fits in checks if not fits), "")


def _one_of(found: Iterable[bool]) -> bool:
    """True when nothing is named, else when one of the named things is found."""
    found = list(found)
    return not found or any(found)


def _names_number(folded_text: str, number: str) -> bool:
    return re.search(rf"(?<![\d.,]){re.escape(number)}(?![\d]|[.,]\d)", folded_text) is not None


_MONTH_YEAR = re.compile(r"\b\d{1,2}/(?:19|20)\d{2}\b")  # "seit 09/2021"
_NUMBER_WORDS = re.compile(
    r"\b(zwei|drei|vier|funf|sechs|sieben|acht|neun|zehn|elf|zwolf|zwanzig|hundert|"
    r"tausend|halbe?n?|zweieinhalb|anderthalb|dutzend|doppelt|\w+mal|jahrlich|monatlich|"
    r"wochentlich|taglich|quartalsweise)\b")
_TIME_WORDS = re.compile(
    r"\b(januar|februar|marz|april|mai|juni|juli|august|september|oktober|november|dezember|"
    r"fruhjahr|fruhling|sommer|herbst|winter|quartal|halbjahr|jahresende|jahresbeginn)\b")


# A count of things: a number before a noun that is no unit of time or money ("12 Stellen",
# "drei Träger"; not "seit zwei Jahren", "10 Mio. €").
_COUNT = re.compile(
    r"(?<![\w.,])(?:\d+(?:[.,]\d+)*|[Zz]wei|[Dd]rei|[Vv]ier|[Ff]ünf|[Ss]echs|[Ss]ieben|[Aa]cht|"
    r"[Nn]eun|[Zz]ehn|[Ee]lf|[Zz]wölf|[Zz]wanzig|[Hh]undert)\s+"
    r"(?!(?:Jahr|Monat|Woche|Tag|Stunde|Euro|Mio|Million|Milliarde|Mrd|Prozent)\w*)[A-ZÄÖÜ]")


# A figure and the (up to three) words after it: what it counts ("389 Personen aus …",
# "elf Case Managerinnen", "9,5 VZÄ").
_FIGURE_WORDS = re.compile(
    r"(?<![\w.,])(?:\d+(?:[.,]\d+)*|[Zz]wei|[Dd]rei|[Vv]ier|[Ff]ünf|[Ss]echs|[Ss]ieben|[Aa]cht|"
    r"[Nn]eun|[Zz]ehn|[Ee]lf|[Zz]wölf|[Zz]wanzig|[Hh]undert)\s+((?:[^\s\d]+\s+){0,2}[^\s\d]+)")


def words_after_figures(unit: str) -> list[str]:
    return _FIGURE_WORDS.findall(unit)


def counts_things(unit: str) -> bool:
    """Does the unit count something (as opposed to giving a duration or an amount of money)?"""
    return bool(_COUNT.search(unit))


_URL = re.compile(r"(?:https?://|www\.)\S+")
_LIST_MARKER = re.compile(r"^\s*(?:\d{1,2}\s?[.)]|[-–•·*→▪►✓])\s*")


# A number that names a part ("Baustein 2", "§ 9 Abs. 1", "Frage 5") is no count or amount.
_PART_NUMBER = re.compile(r"(?:\b(?:Bausteins?|Fragen?|Abs\.|Absatz|Satz|Artikel|Art\.|Anlage|Seite|S\.|"
                          r"Ziffer|Kapitel|Stufe|Phase)|§§?)\s*\d+[a-z]?\b")


_MONEY = re.compile(r"€|\bEuro\b|\bMio\b|\bMillionen\b|\bMrd\b|\bMilliarden\b", re.IGNORECASE)


def unit_kinds(unit: str) -> set[str]:
    kinds = {"url"} if _URL.search(unit) else set()
    if "§" in unit:
        kinds.add("section")  # "In welchem Paragrafen …?" is answered with a "§"
    # "1. Wie sieht …?" holds no number, and a source link's digits are no answer.
    unit = _URL.sub(" ", _LIST_MARKER.sub("", unit))
    if _DATE_UNIT.search(unit) or _TIME_WORDS.search(fold(unit)):
        kinds.add("date")
    # A count or an amount: digits that are not part of a date or a year, or a number word.
    figures = _PART_NUMBER.sub(" ", _DATE_UNIT.sub(" ", _MONTH_YEAR.sub(" ", unit)))
    if re.search(r"\d", figures) or _NUMBER_WORDS.search(fold(unit)):
        kinds.add("number")
    if "number" in kinds and _MONEY.search(unit):
        kinds.add("amount")
    if _PERSON_UNIT.search(unit.strip()):
        kinds.add("person")
    return kinds
