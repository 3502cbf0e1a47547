"""German dates as council documents write them: "12. Februar 2024", "03.04.2024", ISO, and the
letter date line ("Kleve, 23. November 2023")."""

import re
from datetime import date

MONTHS = {
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "marz": 3, "maerz": 3, "april": 4,
    "mai": 5, "juni": 6, "juli": 7, "august": 8, "september": 9, "oktober": 10,
    "november": 11, "dezember": 12,
}
_MONTH_ALT = "|".join(MONTHS)
DATE_PATTERN = (
    rf"(?P<d1>\d{{1,2}})\.\s?(?P<month>{_MONTH_ALT})\s+(?P<y1>\d{{4}})"
    r"|(?P<d2>\d{1,2})\.(?P<m2>\d{1,2})\.(?P<y2>\d{4}|\d{2})\b"
    r"|(?P<y3>\d{4})-(?P<m3>\d{2})-(?P<d3>\d{2})"
)
DATE = re.compile(DATE_PATTERN, re.IGNORECASE)
# A place name as letterheads write it ("Mülheim an der Ruhr", "Rhein-Sieg-Kreis").
PLACE_NAME = r"[A-ZÄÖÜ][\wäöüß]+(?:-[A-ZÄÖÜ][\wäöüß]+)*(?: (?:an der|am) [A-ZÄÖÜ][\wäöüß]+)?"

DATE_LINE = re.compile(rf"^[ \t]*(?P<place>{PLACE_NAME}),?[ \t]+(?:den[ \t]+)?(?:{DATE_PATTERN})[ \t]*$",
                        re.MULTILINE | re.IGNORECASE)


def german_date(iso: str) -> str:
    """"2024-03-25" → "25.03.2024"; anything else unchanged."""
    try:
        return date.fromisoformat(iso[:10]).strftime("%d.%m.%Y")
    except ValueError:
        return iso


def parse_date(text: str) -> str:
    match = DATE.search(text)
    return date_from_match(match) if match else ""


def date_from_match(match: re.Match[str]) -> str:
    g = match.groupdict()
    try:
        if g.get("month"):
            day, month, year = int(g["d1"]), MONTHS[g["month"].lower()], int(g["y1"])
        elif g.get("m2"):
            day, month, year = int(g["d2"]), int(g["m2"]), int(g["y2"])
            year += 2000 if year < 100 else 0
        else:
            day, month, year = int(g["d3"]), int(g["m3"]), int(g["y3"])
        return date(year, month, day).isoformat()
    except (ValueError, KeyError, TypeError):
        return ""
