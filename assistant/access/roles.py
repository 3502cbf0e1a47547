"""Roles and what each may see and do.

A passage's visibility is one of ``VISIBILITIES`` (set at ingest from the document's marking, a
sidecar or front matter). Visibility is an allow-list: a value a role does not list – including
an unknown one from a hand-written sidecar – stays hidden from it.
"""

from typing import Any

from assistant.errors import KimError

PUBLIC = "öffentlich"
COUNCIL = "rat"  # released to council members (e.g. a Vorlage for a closed session)
NOT_PUBLIC = "nichtöffentlich"
VISIBILITIES = (PUBLIC, COUNCIL, NOT_PUBLIC)

# Role → the visibilities it sees; None: everything.
ROLES: dict[str, tuple[str, ...] | None] = {
    "oeffentlich": (PUBLIC,),
    "rat": (PUBLIC, COUNCIL),
    "verwaltung": None,
    "admin": None,
}
ROLE_NAMES = {"oeffentlich": "Öffentlichkeit", "rat": "Ratsmitglied", "verwaltung": "Verwaltung",
              "admin": "Administration"}
_UPLOADERS = {"verwaltung", "admin"}  # also: remove documents, draft the administration's answer
_RANK = {name: i for i, name in enumerate(ROLES)}  # the highest of several groups wins

# How documents write their marking; folded to the canonical value at ingest.
_ALIASES = {
    "öffentlich": PUBLIC, "oeffentlich": PUBLIC, "public": PUBLIC,
    "rat": COUNCIL, "ratsmitglieder": COUNCIL, "ratsintern": COUNCIL, "intern-rat": COUNCIL,
    "nichtöffentlich": NOT_PUBLIC, "nicht öffentlich": NOT_PUBLIC, "nicht-öffentlich": NOT_PUBLIC,
    "nichtoeffentlich": NOT_PUBLIC, "vertraulich": NOT_PUBLIC, "intern": NOT_PUBLIC,
}


class UnknownRole(KimError):
    pass


def check_role(role: str) -> str:
    name = (role or "").strip().lower()
    if name not in ROLES:
        raise UnknownRole(f"Unbekannte Rolle „{role}“ – möglich sind: {', '.join(ROLES)}.")
    return name


def normalize_visibility(value: str) -> str:
    """The canonical marking; anything unrecognised counts as non-public (fail closed)."""
    return _ALIASES.get(" ".join(str(value).lower().split()), NOT_PUBLIC)


def visible_to(role: str) -> tuple[str, ...] | None:
    return ROLES[check_role(role)]


def sees(role: str, visibility: str) -> bool:
    allowed = visible_to(role)
    return allowed is None or visibility in allowed


def visibility_filter(role: str) -> dict[str, Any]:
    """The retrievers' filter for ``role`` (records.INCLUDE_FILTERS); {} sees everything."""
    allowed = visible_to(role)
    return {} if allowed is None else {"visibility_in": list(allowed)}


def can_upload(role: str) -> bool:
    return check_role(role) in _UPLOADERS


def can_draft(role: str) -> bool:
    return check_role(role) in _UPLOADERS


def highest(roles: list[str]) -> str | None:
    known = [r for r in roles if r in ROLES]
    return max(known, key=_RANK.__getitem__) if known else None
