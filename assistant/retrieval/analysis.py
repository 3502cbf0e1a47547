"""German lexical analysis, identical for passages and questions.

Lower-case + NFKC + umlaut/ß folding (OCR lost the umlauts: "fur", "Auslanderbehorde"), Snowball
German stemming, German stop words. One-character tokens and numbers are kept ("Frage 5",
"1,4 %"). The settings travel with the index (``to_dict``/``from_dict``) so that a reloaded index
analyses questions exactly as it analysed its passages.
"""

import re
from dataclasses import dataclass, field
from typing import Any

import Stemmer

from assistant.text import fold

ANALYZER_VERSION = 2  # bump whenever tokens change: indexes built before are rebuilt
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")
_URL = re.compile(r"(?:https?://|www\.)\S+")  # source links would flood the index with path words

# Question words and fillers that say nothing about the topic, in addition to Snowball's list.
_EXTRA_STOPWORDS = (
    "wer wen wem wann warum wieso weshalb welcher welche welches welchen welchem wieviel wieviele "
    "viele gibt gab geben sagt steht stand standen bitte genau eigentlich denn "
    "konnen koennen konnte mussen soll sollen sollte wurde wurden worden ja nein"
).split()


def _default_stopwords() -> list[str]:
    from bm25s.stopwords import STOPWORDS_GERMAN

    return sorted({fold(w) for w in (*STOPWORDS_GERMAN, *_EXTRA_STOPWORDS)})


@dataclass
class GermanAnalyzer:
    stopwords: list[str] = field(default_factory=_default_stopwords)
    version: int = ANALYZER_VERSION

    def __post_init__(self) -> None:
        self._stop = frozenset(self.stopwords)
        self._stemmer = Stemmer.Stemmer("german")

    def words(self, text: str) -> list[str]:
        """Folded word forms without stop words, before stemming."""
        text = _URL.sub(" ", text)
        return [t for t in _TOKEN.findall(fold(text)) if t not in self._stop]

    def tokens(self, text: str) -> list[str]:
        return self._stemmer.stemWords(self.words(text))

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "stopwords": self.stopwords}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "GermanAnalyzer":
        return cls(stopwords=list(data["stopwords"]), version=int(data["version"]))
