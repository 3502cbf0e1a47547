"""Everyday German ↔ administrative German: synonym groups that widen a question's words.

Council documents write "Fördermittel", "Personen", "Agentur für Arbeit"; people ask about
"Geld", "Leute", the "Arbeitsamt". Stemming and compound splitting cannot bridge that, so a
question word also looks for the other words of its group — down-weighted, and on the question
side only: passages stay indexed as they are written, so a thesaurus change needs no new index.

The shipped groups (``thesaurus_de.txt``) were written for this project from the vocabulary of
council documents and general German, without looking at the gold questions. An office adds its
own groups in a file of the same format (``KIM_THESAURUS``).
"""

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from assistant.errors import KimError

BUILTIN = "thesaurus_de.txt"


@dataclass(frozen=True)
class Thesaurus:
    groups: tuple[tuple[str, ...], ...]

    @classmethod
    def parse(cls, text: str) -> "Thesaurus":
        """One group a line, words separated by commas; ``#`` starts a comment line."""
        groups = []
        for line in text.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            words = tuple(w.strip() for w in line.split(",") if w.strip())
            if len(words) > 1:
                groups.append(words)
        return cls(tuple(groups))

    def __add__(self, other: "Thesaurus") -> "Thesaurus":
        return Thesaurus(self.groups + other.groups)

    def related_stems(self, stem_of: Callable[[str], str | None]) -> dict[str, frozenset[str]]:
        """Each word's stem → the stems of the other words in its groups (all its senses)."""
        related: dict[str, set[str]] = {}
        for group in self.groups:
            stems = {s for s in map(stem_of, group) if s}
            for stem in stems:
                related.setdefault(stem, set()).update(stems - {stem})
        return {stem: frozenset(mates) for stem, mates in related.items() if mates}


def load_thesaurus(choice: str) -> Thesaurus | None:
    """``""`` → the shipped groups; ``"none"`` → no thesaurus; a file → shipped plus its groups."""
    if choice.strip().lower() in {"none", "off", "aus"}:
        return None
    shipped = Thesaurus.parse(resources.files(__package__).joinpath(BUILTIN).read_text("utf-8"))
    if not choice.strip():
        return shipped
    path = Path(choice)
    try:
        own = Thesaurus.parse(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise _unreadable(path, "Datei nicht gefunden") from err
    except UnicodeDecodeError as err:
        raise _unreadable(path, "kein UTF-8-Text") from err
    except IsADirectoryError as err:
        raise _unreadable(path, "ein Ordner, keine Datei") from err
    except OSError as err:
        raise _unreadable(path, "keine Leserechte oder Datenträgerfehler") from err
    return shipped + own


def _unreadable(path: Path, reason: str) -> KimError:
    return KimError(f"Thesaurus „{path}“ lässt sich nicht lesen ({reason}) – Pfad in KIM_THESAURUS "
                    "prüfen (UTF-8-Textdatei, eine Gruppe je Zeile) oder KIM_THESAURUS=none setzen.")
