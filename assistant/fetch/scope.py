"""Which council papers an import takes: those about the topic (by default KIM and integration),
in a date range, of the chosen paper types. A council system holds thousands of papers on roads
and budgets; only these belong in the assistant's index."""

import re
from dataclasses import dataclass, field
from typing import Any

from assistant.german.text import fold

# What KIM papers are called in council systems. Acronyms count as whole words in capitals only
# ("KIM", not "Kimono"); the rest as parts of words, folded ("Integrationsrat", "Geflüchteten").
DEFAULT_TOPICS = ("KIM", "Integrationsmanagement", "Case Management", "Case-Management",
                  "Integration", "Zugewanderte", "Zuwanderung", "Geflüchtete", "Flüchtling",
                  "Migration", "Einwanderung")


@dataclass
class Scope:
    topics: tuple[str, ...] = DEFAULT_TOPICS  # empty: every topic
    date_from: str = ""  # ISO dates, inclusive; "" = open
    date_to: str = ""
    paper_types: tuple[str, ...] = ()  # as the system names them; empty: every type
    _acronyms: list[re.Pattern[str]] = field(init=False, repr=False)
    _words: list[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._acronyms = [re.compile(rf"\b{re.escape(t)}\b") for t in self.topics
                          if t.isupper() and len(t) <= 5]
        self._words = [fold(t) for t in self.topics if not (t.isupper() and len(t) <= 5)]

    def reason_out(self, paper: dict[str, Any]) -> str | None:
        """Why ``paper`` is not taken, or None when it is."""
        date = str(paper.get("date") or "")[:10]
        if self.date_from and (not date or date < self.date_from):
            return f"vor {self.date_from}" if date else "ohne Datum"
        if self.date_to and (not date or date > self.date_to):
            return f"nach {self.date_to}" if date else "ohne Datum"
        kind = str(paper.get("paperType") or "")
        if self.paper_types and fold(kind) not in {fold(t) for t in self.paper_types}:
            return f"Drucksachenart „{kind or 'keine'}“"
        if self.topics and not self.about(_described(paper)):
            return "nicht zum Thema"
        return None

    def about(self, text: str) -> bool:
        folded = fold(text)
        return any(p.search(text) for p in self._acronyms) or any(w in folded for w in self._words)


def _described(paper: dict[str, Any]) -> str:
    """What a paper says about itself: its name, and the text of its main file when the system
    serves one (OParl ``File.text``), so that "Anfrage der SPD-Fraktion" is judged by content."""
    main = paper.get("mainFile")
    text = main.get("text", "") if isinstance(main, dict) else ""
    return f"{paper.get('name') or ''}\n{str(text)[:20_000]}"
