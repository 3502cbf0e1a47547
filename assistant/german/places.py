"""Names of NRW's Kreise, kreisfreie Städte and larger kreisangehörige Städte.

Used to recognise the municipality a council document belongs to when its letterhead does not
say so plainly, and the places a question or a sentence names. Aliases map short forms found
in running text to the official name.
"""

import re
from functools import lru_cache

from assistant.german.text import fold

KREISFREIE_STAEDTE = [*(
    "Bielefeld Bochum Bonn Bottrop Dortmund Duisburg Düsseldorf Essen Gelsenkirchen Hagen Hamm "
    "Herne Köln Krefeld Leverkusen Mönchengladbach Münster Oberhausen Remscheid Solingen "
    "Wuppertal Aachen"
).split(), "Mülheim an der Ruhr"]

KREISE = [
    "Kreis Borken", "Kreis Coesfeld", "Kreis Düren", "Ennepe-Ruhr-Kreis", "Kreis Euskirchen",
    "Kreis Gütersloh", "Kreis Heinsberg", "Kreis Herford", "Hochsauerlandkreis", "Kreis Höxter",
    "Kreis Kleve", "Kreis Lippe", "Märkischer Kreis", "Kreis Mettmann", "Kreis Minden-Lübbecke",
    "Oberbergischer Kreis", "Kreis Olpe", "Kreis Paderborn", "Kreis Recklinghausen",
    "Rhein-Erft-Kreis", "Rheinisch-Bergischer Kreis", "Rhein-Kreis Neuss", "Rhein-Sieg-Kreis",
    "Kreis Siegen-Wittgenstein", "Kreis Soest", "Kreis Steinfurt", "Kreis Unna", "Kreis Viersen",
    "Kreis Warendorf", "Kreis Wesel", "StädteRegion Aachen",
]

KREISANGEHOERIGE_STAEDTE = [*(
    "Castrop-Rauxel Gummersbach Marl Dorsten Gladbeck Herten Datteln Waltrop Oer-Erkenschwick "
    "Recklinghausen Bergneustadt Marienheide Lindlar Waldbröl Wiehl Radevormwald Wipperfürth "
    "Neuss Dormagen Grevenbroich Kaarst Meerbusch Moers Dinslaken Wesel Kamp-Lintfort Voerde Goch "
    "Kevelaer Geldern Kleve Bergisch-Gladbach Troisdorf Siegburg Bornheim Hennef Königswinter "
    "Lohmar Meckenheim Rheinbach Euskirchen Düren Kerpen Bergheim Hürth Frechen Brühl Wesseling "
    "Pulheim Erftstadt Ratingen Velbert Hilden Langenfeld Mettmann Haan Erkrath Wülfrath "
    "Heiligenhaus Witten Hattingen Sprockhövel Gevelsberg Schwelm Ennepetal Herdecke Iserlohn "
    "Lüdenscheid Menden Hemer Plettenberg Arnsberg Meschede Sundern Brilon Schmallenberg Siegen "
    "Kreuztal Olpe Attendorn Lennestadt Soest Lippstadt Werl Unna Lünen Kamen Bergkamen Schwerte "
    "Selm Fröndenberg Ahlen Beckum Oelde Warendorf Gütersloh Rheda-Wiedenbrück Verl Harsewinkel "
    "Steinfurt Rheine Ibbenbüren Greven Emsdetten Lengerich Coesfeld Dülmen Lüdinghausen Borken "
    "Bocholt Ahaus Gronau Stadtlohn Vreden Herford Bünde Löhne Minden Lübbecke Detmold Lemgo "
    "Paderborn Delbrück Höxter Warburg Brakel Heinsberg Erkelenz Geilenkirchen Hückelhoven "
    "Viersen Nettetal Kempen Willich Tönisvorst Würselen Eschweiler Stolberg Alsdorf "
    "Herzogenrath Baesweiler"
).split(),
    "Sankt Augustin", "Monheim am Rhein", "Emmerich am Rhein", "Haltern am See", "Bad Oeynhausen",
    "Bad Salzuflen", "Porta Westfalica", "Bad Berleburg",
]

ALIASES = {
    "Mülheim": "Mülheim an der Ruhr",
    "Muelheim": "Mülheim an der Ruhr",
    "Mulheim": "Mülheim an der Ruhr",
    "Koln": "Köln",
    "Dusseldorf": "Düsseldorf",
    "Munster": "Münster",
    "Monchengladbach": "Mönchengladbach",
    "Bergisch Gladbach": "Bergisch-Gladbach",
}


# Bodies that speak for the state, not for one municipality: their texts hold for every
# municipality (the Handlungskonzept, the Bezirksregierung's guidance, the ministry's decrees).
_STATE_BODY = re.compile(r"\bland\b|\blandes|\bnrw\b|nordrhein-westfalen|bezirksregierung|"
                         r"ministerium|landtag")


def is_state_level(body: str) -> bool:
    return bool(_STATE_BODY.search(fold(body)))


def level_of(body: str) -> str:
    """"Land", "Kreis" or "Stadt / Gemeinde": how the chat groups its municipality list."""
    if is_state_level(body):
        return "Land"
    if re.search(r"kreis", fold(body)) and not re.search(r"\bstadt\b", fold(body)):
        return "Kreis"
    return "Stadt / Gemeinde"


def canonical_place(name: str) -> str:
    return ALIASES.get(name, name)


def all_place_names() -> list[str]:
    """Every recognisable name, longest first so "Mülheim an der Ruhr" wins over "Mülheim"."""
    kreis_cores = [k.removeprefix("Kreis ") for k in KREISE if k.startswith("Kreis ")]
    names = set(KREISFREIE_STAEDTE + KREISANGEHOERIGE_STAEDTE + kreis_cores + list(ALIASES))
    names.update(k for k in KREISE if not k.startswith("Kreis "))
    return sorted(names, key=len, reverse=True)


def mentions(folded_text: str, place: str) -> bool:
    """Is the (folded) place named, also in the genitive ("des Rhein-Kreises Neuss")?"""
    return bool(_inflected(place).search(folded_text))


@lru_cache(maxsize=512)
def _inflected(place: str) -> re.Pattern[str]:
    parts = re.split(r"([ -])", place)
    pattern = "".join(re.escape(p) if p in " -" else re.escape(p) + "(?:es|s)?" for p in parts)
    return re.compile(rf"(?<![\w-]){pattern}(?![\w-])")


def named_places(folded_text: str) -> list[str]:
    """Places of the gazetteer named in a text, also as adjectives ("Klever", "Mülheimer")."""
    pattern, place_of = _place_pattern()
    return list(dict.fromkeys(place_of[m.group(0)] for m in pattern.finditer(folded_text)))


@lru_cache(maxsize=1)
def _place_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    """One alternation over every form of every place (fast), and the place each form means."""
    place_of: dict[str, str] = {}
    for name in all_place_names():
        place = fold(name)
        forms = {place, place + "er", place + "r" if place.endswith("e") else place + "er"}
        if place.endswith("en"):
            forms.add(place[:-1] + "r")  # Recklinghausen → Recklinghäuser
        for form in forms:
            place_of.setdefault(form, place)
    alternatives = "|".join(re.escape(f) for f in sorted(place_of, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])"), place_of
