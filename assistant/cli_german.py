"""argparse in German: its own texts ("usage:", "invalid int value") would otherwise show up in
a German command line. argparse looks its messages up through gettext at the moment it prints
them, so `install()` points that lookup at this table (only in the `kim` process)."""

import argparse
from typing import Any

GERMAN = {
    "usage: ": "Aufruf: ",
    "options": "Optionen",
    "positional arguments": "Argumente",
    "show this help message and exit": "diese Hilfe zeigen und beenden",
    "%(prog)s: error: %(message)s\n": "%(prog)s: Fehler: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "Angabe %(argument_name)s: %(message)s",
    "invalid %(type)s value: %(value)r": "ungültiger Wert %(value)r (erwartet: %(type)s)",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "ungültige Wahl %(value)r (möglich: %(choices)s)",
    "the following arguments are required: %s": "diese Angaben fehlen: %s",
    "unrecognized arguments: %s": "unbekannte Angaben: %s",
    "expected one argument": "erwartet einen Wert",
    "expected at least one argument": "erwartet mindestens einen Wert",
    "expected at most one argument": "erwartet höchstens einen Wert",
    "ambiguous option: %(option)s could match %(matches)s":
        "mehrdeutige Option %(option)s, passt zu %(matches)s",
    "not allowed with argument %s": "nicht zusammen mit %s erlaubt",
    "one of the arguments %s is required": "eine dieser Angaben ist nötig: %s",
    "ignored explicit argument %r": "Wert %r wird ignoriert",
    "can't open '%(filename)s': %(error)s": "„%(filename)s“ lässt sich nicht öffnen: %(error)s",
}
# The type names argparse puts into "invalid %(type)s value".
TYPE_NAMES = {"int": "eine ganze Zahl", "float": "eine Zahl"}


def _german(message: str) -> str:
    return GERMAN.get(message, message)


def _german_plural(singular: str, plural: str, n: int) -> str:
    if singular == "expected %s argument":
        return "erwartet %s Wert" if n == 1 else "erwartet %s Werte"
    return _german(singular if n == 1 else plural)


def install() -> None:
    argparse._ = _german  # type: ignore[attr-defined]
    argparse.ngettext = _german_plural  # type: ignore[attr-defined]


class GermanParser(argparse.ArgumentParser):
    """Type names in German ("erwartet: eine ganze Zahl", not "int")."""

    def _get_value(self, action: argparse.Action, arg_string: str) -> Any:
        try:
            return super()._get_value(action, arg_string)
        except argparse.ArgumentError as err:
            name = getattr(action.type, "__name__", "")
            if name in TYPE_NAMES and err.message:
                err.message = err.message.replace(f"(erwartet: {name})",
                                                  f"(erwartet: {TYPE_NAMES[name]})")
            raise
