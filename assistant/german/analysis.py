"""German lexical analysis, identical for passages and questions.

Lower-case + NFKC + umlaut/ß folding (OCR lost the umlauts: "fur", "Auslanderbehorde"), Snowball
German stemming, German stop words, and compound splitting against the corpus vocabulary: the
parts are added and the whole word is kept, so "Integrationsmanagement" meets "Management der
Integration" and vice versa. One-character tokens and numbers are kept ("Frage 5", "1,4 %").

The vocabulary is built from the indexed passages and saved with the index (``to_dict`` /
``from_dict``), so a reloaded index analyses questions exactly as it analysed its passages.
"""

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import Stemmer

from assistant.german.text import fold

ANALYZER_VERSION = 10  # bump whenever tokens or BM25 parameters change: old indexes are rebuilt
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")
_URL = re.compile(r"(?:https?://|www\.)\S+")  # source links would flood the index with path words
# Linking elements between compound parts ("Integration-s-management", "Land-es-haushalt").
_LINKS = ("", "s", "es", "n", "en", "e", "er")
_MIN_HEAD, _MIN_TAIL, _MIN_COMPOUND = 3, 3, 7
# Splitting costs time quadratic in the word's length; real compounds stay far below this
# ("Integrationsmanagementkoordinierungsstelle" has 42 letters), a glued OCR line does not.
_MAX_COMPOUND = 64
# Word endings that look like a known word but are suffixes ("teilnehm-ende", "Sozialpädagog-innen").
_SUFFIXES = frozenset("end ende enden ender innen lich isch ung ungen heit keit schaft".split())
_DERIVATIONS = ("lich", "isch", "ig")
_MIN_PREFIX = 5  # an unknown question word may borrow a corpus stem sharing this long a prefix
# ... or, failing that, a corpus compound it is the head of ("Abschluss" → "Hochschulabschluss"):
# German compounds name a kind of their last part. Shorter words are too often the tail of a
# derivation ("Schluss" in "Abschluss"), not a head.
_MIN_HEAD_WORD, _MIN_MODIFIER = 8, 3
# Symbols that stand for words: "§ 9" is asked for as "Paragraf 9", "1,4 %" as "Prozent".
_SYMBOLS = str.maketrans({"§": " paragraf ", "%": " prozent ", "€": " euro "})
# Administrative abbreviations also stand for their full word ("Nr." finds "Nummer").
_ABBREVIATIONS = {
    "nr": "nummer", "abs": "absatz", "mio": "millionen", "mrd": "milliarden", "drs": "drucksache",
    "gem": "gemass", "ggf": "gegebenenfalls", "bzgl": "bezuglich", "vhs": "volkshochschule",
}

# Question words, frequent verbs and fillers that say nothing about the topic, in addition to
# Snowball's list (a selection from the MIT-licensed stopwords-iso list; content words such as
# "Jahr", "Mittel" or number words stay searchable).
_EXTRA_STOPWORDS = (
    "wer wen wem wann warum wieso weshalb wozu wofur welcher welche welches welchen welchem "
    "wieviel wieviele viele gibt gab geben sagt sagte steht stand standen bitte genau eigentlich "
    "denn konnen koennen konnte konnten mussen soll sollen sollte wurde wurden worden ja nein "
    "ging gingen los kam kamen geht gehen kommt kommen bekommt bekommen macht machen gemacht tun "
    "tat tatsachlich uberhaupt etwa etwas ganz gar gerade bereits schon immer oft nie wirklich "
    "wohl eben bald erst zuerst zunachst sonst daher deshalb dabei dafur dazu darauf davon damals "
    "heute jetzt bisher inzwischen bislang ubrigens allerdings jedoch trotzdem vielleicht "
    "naturlich moglich besonders ebenso gilt gelten adressiert gerichtet richtet unterschrieben "
    "unterzeichnet datiert stammt stammen"
).split()


def _default_stopwords() -> list[str]:
    from bm25s.stopwords import STOPWORDS_GERMAN

    return sorted({fold(w) for w in (*STOPWORDS_GERMAN, *_EXTRA_STOPWORDS)})


@dataclass
class GermanAnalyzer:
    stopwords: list[str] = field(default_factory=_default_stopwords)
    vocabulary: list[str] = field(default_factory=list)  # stems of standalone corpus words
    version: int = ANALYZER_VERSION

    def __post_init__(self) -> None:
        self._stop = frozenset(self.stopwords)
        self._vocab = frozenset(self.vocabulary)
        self._stemmer = Stemmer.Stemmer("german")
        self._splits: dict[str, list[str]] = {}
        self._memo: dict[str, tuple[str, ...]] = {}
        self._sorted_vocab = sorted(self._vocab)
        self._reversed_vocab = sorted(word[::-1] for word in self._vocab)

    @classmethod
    def for_corpus(cls, texts: Iterable[str]) -> "GermanAnalyzer":
        """An analyzer whose compound dictionary is the vocabulary of these texts."""
        plain = cls()
        words = {w for text in texts for w in plain.words(text) if w.isalpha() and len(w) >= 3}
        return cls(vocabulary=sorted(set(plain._stemmer.stemWords(sorted(words)))))

    def words(self, text: str) -> list[str]:
        """Folded word forms without stop words, before stemming."""
        text = _URL.sub(" ", text).translate(_SYMBOLS)
        return [t for t in _TOKEN.findall(fold(text)) if t not in self._stop]

    def tokens(self, text: str) -> list[str]:
        """Stems of the words, each compound followed by the stems of its parts."""
        cached = self._memo.get(text)
        if cached is None:
            if len(self._memo) > 100_000:  # answers re-read the same sentences; bound the memo
                self._memo.clear()
            cached = self._memo[text] = self._tokens(text)
        return list(cached)

    def _tokens(self, text: str) -> tuple[str, ...]:
        tokens: list[str] = []
        for word in self.words(text):
            tokens.append(self._stemmer.stemWord(word))
            tokens.extend(self._stemmer.stemWord(part) for part in self.split(word))
            if word in _ABBREVIATIONS:
                tokens.append(self._stemmer.stemWord(_ABBREVIATIONS[word]))
        return tuple(tokens)

    def query_tokens(self, text: str) -> list[str]:
        """Like ``tokens``; a stem the corpus never uses borrows the corpus stem it shares the
        longest prefix with ("typischerweis" → "typisch"), so a rare inflection still matches."""
        return [self._nearest_known(t) for t in self.tokens(text)]

    def split(self, word: str) -> list[str]:
        """Compound parts found in the vocabulary (longest parts first), or [] if none."""
        if word not in self._splits:
            fits = _MIN_COMPOUND <= len(word) <= _MAX_COMPOUND
            self._splits[word] = self._split(word) if fits else []
        return self._splits[word]

    def _split(self, word: str) -> list[str]:
        if not word.isalpha():
            return []
        best: list[str] = []
        for cut in range(_MIN_HEAD, len(word) - _MIN_TAIL + 1):
            head = self._known_head(word[:cut])
            if head is None:
                continue
            tail = word[cut:]
            tail_parts = [tail] if self._known(tail) else self.split(tail)
            if not tail_parts:
                continue
            candidate = [head, *tail_parts]
            if not best or (len(candidate), -min(map(len, candidate))) < (
                    len(best), -min(map(len, best))):
                best = candidate
        return best

    def _known_head(self, head: str) -> str | None:
        for link in _LINKS:
            base = head[: len(head) - len(link)] if link else head
            if head.endswith(link) and len(base) >= _MIN_HEAD and self._known(base):
                return base
        return None

    def _known(self, part: str) -> bool:
        return (len(part) >= _MIN_TAIL and part not in _SUFFIXES
                and self._stemmer.stemWord(part) in self._vocab)

    def _nearest_known(self, token: str) -> str:
        if token in self._vocab or len(token) < _MIN_PREFIX or not token.isalpha():
            return token
        if token.startswith("ge") and len(token) > 6:  # participle: "geregelt" → "regel…"
            stripped = self._nearest_known(token[2:])
            if stripped in self._vocab:
                return stripped
        for suffix in _DERIVATIONS:  # adjective from a noun: "jährlich" → "Jahr"
            base = token.removesuffix(suffix)
            if base != token and len(base) >= 3 and base in self._vocab:
                return base
        best = self._longest_prefix_match(token)
        return best if best != token else self._compound_with_head(token)

    def _longest_prefix_match(self, token: str) -> str:
        best, best_len = token, _MIN_PREFIX - 1
        at = bisect_left(self._sorted_vocab, token[:_MIN_PREFIX])
        for known in self._sorted_vocab[at:]:
            if not known.startswith(token[:_MIN_PREFIX]):
                break
            shared = len(_common_prefix(known, token))
            close = shared >= 0.8 * min(len(known), len(token))  # not "verwend" → "verweist"
            if close and (shared > best_len or (shared == best_len and len(known) < len(best))):
                best, best_len = known, shared
        return best

    def _compound_with_head(self, token: str) -> str:
        """The shortest corpus stem ending in ``token`` after a modifier of at least three
        letters, or ``token`` itself."""
        if len(token) < _MIN_HEAD_WORD:
            return token
        backwards = token[::-1]
        at = bisect_left(self._reversed_vocab, backwards)
        matches = []
        for known in self._reversed_vocab[at:]:
            if not known.startswith(backwards):
                break
            if len(known) >= len(token) + _MIN_MODIFIER:
                matches.append(known[::-1])
        return min(matches, key=lambda w: (len(w), w)) if matches else token

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "stopwords": self.stopwords, "vocabulary": self.vocabulary}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "GermanAnalyzer":
        return cls(stopwords=list(data["stopwords"]), vocabulary=list(data.get("vocabulary", [])),
                   version=int(data["version"]))


def _common_prefix(a: str, b: str) -> str:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return a[:n]


def masculine_stem(token: str) -> str:
    """The stem of a feminine form as Snowball stems the masculine one: "managerinn" (Managerinnen)
    → "manag" (Manager), "beraterinn" → "berat". Snowball leaves the -in/-innen suffix on."""
    if token.endswith("erinn"):
        return token[:-5]
    return token[:-3] if token.endswith("inn") else token
