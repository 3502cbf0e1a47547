"""Names of NRW's Kreise, kreisfreie Städte and larger kreisangehörige Städte.

Used to recognise the municipality a council document belongs to when its letterhead does not
say so plainly. Aliases map short forms found in running text to the official name.
"""

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


def canonical_place(name: str) -> str:
    return ALIASES.get(name, name)


def all_place_names() -> list[str]:
    """Every recognisable name, longest first so "Mülheim an der Ruhr" wins over "Mülheim"."""
    kreis_cores = [k.removeprefix("Kreis ") for k in KREISE if k.startswith("Kreis ")]
    names = set(KREISFREIE_STAEDTE + KREISANGEHOERIGE_STAEDTE + kreis_cores + list(ALIASES))
    names.update(k for k in KREISE if not k.startswith("Kreis "))
    return sorted(names, key=len, reverse=True)
