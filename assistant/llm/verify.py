"""Check every generated sentence against the passages it cites; keep only what they support.

A sentence stays when
1. it cites at least one passage, and every passage it cites exists;
2. each number, date and name in it appears in a cited passage (its text, title, municipality
   or date): a model that copies a figure wrongly, or moves a fact to another place, is caught
   here whatever the wording;
3. it says what a cited passage says: at least ``lexical_min`` of its content words occur in the
   cited passages, and (when the search has the multilingual model) its cosine similarity to the
   closest passage sentence, or pair of neighbouring sentences, reaches ``semantic_min``.

Both thresholds come from ``evals/calibrate_llm.py`` on the tuned and dev sets.
"""

import itertools
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.answer.models import ABSTAIN_TEXT, Passage
from assistant.answer.semantic import SentenceMeaning
from assistant.german.analysis import GermanAnalyzer
from assistant.german.dates import german_date
from assistant.german.places import mentions, named_places
from assistant.german.text import fold, split_sentences


@dataclass(frozen=True)
class VerifyPolicy:
    # Chosen by evals/calibrate_llm.py on the tuned + dev sets to keep 90 % of supported
    # stand-in claims (evals/reports/calibration-llm.md). Kept of supported / of claims paired
    # with a similar passage of another document / with a random one: 0.87 alone 92/45/14 %,
    # 0.47 of the content words alone 90/41/9 %, both (the check) 84/29/3 %.
    semantic_min: float = 0.87
    lexical_min: float = 0.47
    # Only the spans sharing most words with the sentence are embedded (a cold span costs about
    # 14 ms; a long passage has 40 sentences and pairs).
    semantic_candidates: int = 6


VERIFY_POLICY = VerifyPolicy()

_CITATION = re.compile(r"\[(?:Quelle\s*)?(\d{1,3}(?:\s*[,;]\s*(?:Quelle\s*)?\d{1,3})*)\]",
                       re.IGNORECASE)
_LEADING_CITATIONS = re.compile(r"^(?:\s*\[(?:Quelle\s*)?\d{1,3}(?:\s*[,;]\s*\d{1,3})*\])+",
                                re.IGNORECASE)
_MONTHS = {"januar": 1, "jänner": 1, "februar": 2, "märz": 3, "marz": 3, "maerz": 3, "april": 4,
           "mai": 5, "juni": 6, "juli": 7, "august": 8, "september": 9, "oktober": 10,
           "november": 11, "dezember": 12}
_NUMBER_WORDS = {"zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8,
                 "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12, "zwanzig": 20, "dreißig": 30,
                 "hundert": 100, "tausend": 1000}
_DATE = re.compile(r"\b(\d{1,2})\.\s?(\d{1,2})\.\s?((?:19|20)?\d{2})\b")
_THOUSANDS = re.compile(r"\b\d{1,3}(?:\.\d{3})+\b")
_NUMBER = re.compile(r"\d+(?:,\d+)?")
_MONTH_WORD = re.compile(r"\b(" + "|".join(_MONTHS) + r")\b")
_NUMBER_WORD = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b")
# Acronyms (SPD, BAMF, AfD) and names after a title or office (Frau Dr. Weber, Landrat Spreen).
_ACRONYM = re.compile(r"\b[A-ZÄÖÜ][a-zäöü]?[A-ZÄÖÜ]{1,}[a-z]?\b")
_PERSON = re.compile(r"\b(?:Herr[n]?|Frau|Dr\.|Prof\.|Landrät(?:in)?|Landrat|(?:Ober)?[Bb]ürgermeister"
                     r"(?:in)?|Dezernent(?:in)?|Beigeordnete[rn]?)\s+((?:Dr\.\s+)?[A-ZÄÖÜ][\w-]+)")


@dataclass
class Claim:
    text: str  # the sentence without its citation marks
    cited: list[int]


@dataclass
class Unsupported:
    sentence: str
    reason: str  # German, for people

    def to_json(self) -> dict[str, str]:
        return {"sentence": self.sentence, "reason": self.reason}


@dataclass
class Verdict:
    kept: list[Claim] = field(default_factory=list)
    unsupported: list[Unsupported] = field(default_factory=list)
    refused: bool = False  # the model said the passages do not hold the answer
    quotes: dict[int, list[str]] = field(default_factory=dict)  # passage n → sentences it backs

    @property
    def total(self) -> int:
        return len(self.kept) + len(self.unsupported)


def split_claims(text: str) -> list[Claim]:
    """The model's sentences with the passage numbers each cites. A citation that opens a
    sentence ("… bereit. [2] Die …") belongs to the one before."""
    sentences: list[str] = []
    for paragraph in re.split(r"\n\s*\n|\n(?=\s*[-*•]|\s*\d+\.\s)", text.strip()):
        for sentence in split_sentences(paragraph):
            lead = _LEADING_CITATIONS.match(sentence)
            if lead and sentences:
                sentences[-1] += " " + lead.group(0).strip()
                sentence = sentence[lead.end():].strip()
            if sentence:
                sentences.append(sentence)
    claims = []
    for sentence in sentences:
        cited = [int(n) for group in _CITATION.findall(sentence) for n in re.findall(r"\d+", group)]
        bare = " ".join(_CITATION.sub(" ", sentence).split())
        bare = re.sub(r"\s+([.,;:!?])", r"\1", bare).lstrip("-*• ").strip()
        if re.search(r"\w", bare):
            claims.append(Claim(bare, list(dict.fromkeys(cited))))
    return claims


def is_refusal(claim: Claim) -> bool:
    folded = fold(claim.text)
    return folded.startswith(fold(ABSTAIN_TEXT)[:40]) or (
        not claim.cited and bool(re.search(r"\bkeine (angabe|information|antwort)", folded)))


class Verifier:
    def __init__(self, meaning: SentenceMeaning | None, analyzer: GermanAnalyzer | None,
                 policy: VerifyPolicy = VERIFY_POLICY) -> None:
        self.meaning = meaning
        self.analyzer = analyzer
        self.policy = policy
        self._lock = threading.Lock()  # the chat answers concurrently; the vector cache is shared

    def verify(self, text: str, passages: Sequence[Passage], question: str = "") -> Verdict:
        by_n = {p.n: p for p in passages}
        verdict = Verdict()
        claims = split_claims(text)
        for claim in claims:
            if is_refusal(claim):
                verdict.refused = True
                continue
            reason, backing = self.check(claim, by_n, question)
            if reason:
                verdict.unsupported.append(Unsupported(claim.text, reason))
            else:
                verdict.kept.append(claim)
                for n, sentence in backing:
                    verdict.quotes.setdefault(n, []).append(sentence)
        verdict.refused = verdict.refused and not verdict.kept
        return verdict

    def check(self, claim: Claim, by_n: dict[int, Passage], question: str
              ) -> tuple[str, list[tuple[int, str]]]:
        """("", the passage sentences that back it) or (the German reason, [])."""
        if not claim.cited:
            return "ohne Quellenangabe", []
        missing = [n for n in claim.cited if n not in by_n]
        if missing:
            return (f"Quelle [{missing[0]}] gibt es nicht (es gibt {len(by_n)} Quellen)", [])
        cited = [by_n[n] for n in claim.cited]
        source = "\n".join(_facts_text(p) for p in cited)
        absent = _absent_facts(claim.text, source, question)
        marks = "".join(f"[{n}]" for n in claim.cited)
        if absent:
            return f"{absent} steht nicht in {marks}", []
        return self._meaning_check(claim, cited, marks)

    def _meaning_check(self, claim: Claim, cited: list[Passage], marks: str
                       ) -> tuple[str, list[tuple[int, str]]]:
        """Enough of its content words in the passages, and (with the model) close in meaning to
        one passage sentence or pair: words alone pass a shuffled claim, meaning alone passes a
        fluent sentence on the same subject that the passage never makes."""
        spans = [(p.n, s) for p in cited for s in passage_spans(p.text)]
        if not spans:
            return f"{marks} ist leer", []
        share, best = self.word_share(claim.text, spans)
        if share < self.policy.lexical_min:
            return (f"Inhalt nicht durch {marks} gedeckt ({share:.0%} der Wörter, "
                    f"nötig {self.policy.lexical_min:.0%})", [])
        if self.meaning is None:
            return "", [best]
        similarity, closest = self.closest(claim.text, spans)
        if similarity < self.policy.semantic_min:
            return (f"Inhalt nicht durch {marks} gedeckt (Ähnlichkeit {similarity:.2f}"
                    f" < {self.policy.semantic_min:.2f})", [])
        return "", [closest]

    def closest(self, text: str, spans: list[tuple[int, str]]) -> tuple[float, tuple[int, str]]:
        """The span closest in meaning to ``text``, among those sharing most words with it."""
        assert self.meaning is not None
        tokens = set(self._tokens(text))
        shortlist = sorted(spans, key=lambda span: -len(tokens & set(self._tokens(span[1]))))
        shortlist = shortlist[:self.policy.semantic_candidates]
        with self._lock:
            similarity = self.meaning.similarities(text, [s for _, s in shortlist])
        best = int(similarity.argmax())
        return float(similarity[best]), shortlist[best]

    def word_share(self, text: str, spans: list[tuple[int, str]]) -> tuple[float, tuple[int, str]]:
        tokens = set(self._tokens(text))
        if not tokens:
            return 1.0, spans[0]
        whole = set().union(*(self._tokens(s) for _, s in spans))
        best = max(spans, key=lambda span: len(tokens & set(self._tokens(span[1]))))
        return len(tokens & whole) / len(tokens), best

    def _tokens(self, text: str) -> list[str]:
        if self.analyzer is not None:
            return self.analyzer.tokens(text)
        return [w for w in re.findall(r"\w{4,}", fold(text))]


def passage_spans(text: str) -> list[str]:
    """The passage's sentences and each pair of neighbours (a generated sentence often joins two)."""
    sentences = [s for line in text.splitlines() for s in split_sentences(line)]
    pairs = [f"{a} {b}" for a, b in itertools.pairwise(sentences)]
    return sentences + pairs


def _facts_text(passage: Passage) -> str:
    date = f"{german_date(passage.date)} {passage.date}" if passage.date else ""
    return " ".join([passage.title, passage.body, date, passage.reference, passage.text])


def _absent_facts(sentence: str, source: str, question: str) -> str:
    """The first number, date or name of ``sentence`` that ``source`` lacks, described; "" if none."""
    have = _numbers(source)
    for number in _numbers(sentence) - have:
        return f"Die Angabe „{_shown(number)}“"
    folded_source = fold(source)
    for place in named_places(fold(sentence)):
        if not mentions(folded_source, place):
            return f"Der Ort „{place}“"
    asked = fold(question)
    for acronym in _ACRONYM.findall(sentence):
        if fold(acronym) not in folded_source and fold(acronym) not in asked:
            return f"Die Abkürzung „{acronym}“"
    for name in _PERSON.findall(sentence):
        if fold(name) not in folded_source:
            return f"Der Name „{name}“"
    return ""


def _numbers(text: str) -> set[str]:
    """Figures in a comparable form: "1.500" → "1500", "01.03.2024" → "1", "m3", "2024",
    "16. März 2024" → "16", "m3", "2024"; "drei" → "3"."""
    found: set[str] = set()
    folded = text.lower()

    def date(match: re.Match[str]) -> str:
        day, month, year = match.groups()
        year = year if len(year) == 4 else f"20{year}"
        found.update({str(int(day)), f"m{int(month)}", year})
        return " "

    folded = _DATE.sub(date, folded)
    folded = _THOUSANDS.sub(lambda m: m.group(0).replace(".", ""), folded)
    found.update(f"m{_MONTHS[m]}" for m in _MONTH_WORD.findall(folded))
    found.update(str(_NUMBER_WORDS[w]) for w in _NUMBER_WORD.findall(folded))
    found.update(re.sub(r"^0+(?=\d)", "", n) for n in _NUMBER.findall(folded))
    return found


def _shown(number: str) -> str:
    if number.startswith("m") and number[1:].isdigit():
        month = next(name for name, n in _MONTHS.items() if n == int(number[1:]))
        return month.capitalize()
    return number
