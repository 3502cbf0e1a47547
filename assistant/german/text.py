"""German text helpers shared by ingest, retrieval and answers: folding and sentence splitting."""

import re
import sys
import unicodedata
from functools import lru_cache
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nltk.tokenize.punkt import PunktSentenceTokenizer

_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "ẞ": "ss"})

# Administrative abbreviations that German punkt does not know; without them "z. B." or
# "gem. § 9" end a sentence. Stored lower-case without the final dot, as punkt expects.
_EXTRA_ABBREVIATIONS = {
    "z", "b", "ca", "gem", "ggf", "nr", "abs", "mio", "mrd", "tsd", "dr", "bzw", "u", "a", "i", "v",
    "m", "o", "g", "d", "h", "s", "vgl", "evtl", "inkl", "zzgl", "ziff", "lt", "str", "st", "usw",
    "bspw", "sog", "max", "min", "mind", "jhd", "jh", "hr", "fr", "prof", "dipl", "ing", "geb",
    "tel", "gv", "nrw", "aufenthg", "kap", "tit", "anl", "drs", "az", "ff", "f", "rd", "ggü",
    "jan", "feb", "mär", "apr", "jun", "jul", "aug", "sep", "sept", "okt", "nov", "dez",
}

_WS = re.compile(r"\s+")
WORD = re.compile(r"[^\W\d_][\w-]*")  # a word as written: letters first, hyphenated compounds whole


def clean_question(text: str) -> str:
    """Typed text without invisible characters: zero-width spaces and joiners, soft hyphens and
    bidi controls (format, Cf) are removed – they split words so that nothing matches – and
    control characters become spaces. NFKC folds full-width letters and ligatures."""
    text = "".join("" if unicodedata.category(c) == "Cf"
                   else " " if unicodedata.category(c) in {"Cc", "Co", "Cs", "Zl", "Zp"} else c
                   for c in text)
    return unicodedata.normalize("NFKC", text)


def fold(text: str) -> str:
    """Lower-case, NFKC and umlaut/ß folding, so OCR'd "fur" meets "für"."""
    return unicodedata.normalize("NFKC", text).lower().translate(_FOLD)


def fold_for_match(text: str) -> str:
    """`fold` plus collapsed white space: the form answer strings are compared in."""
    return _WS.sub(" ", fold(text)).strip()


def _punkt_dir() -> Path:
    # llama-index-core ships nltk's punkt tables; locate them without importing llama_index.
    spec = find_spec("llama_index.core")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("llama-index-core fehlt – bitte `pip install llama-index-core` ausführen.")
    return Path(next(iter(spec.submodule_search_locations))) / "_static" / "nltk_cache"


@lru_cache(maxsize=1)
def _german_punkt() -> "PunktSentenceTokenizer":
    punkt = _punkt_module()
    params = punkt.PunktParameters()
    folder = _punkt_dir() / "tokenizers" / "punkt_tab" / "german"
    params.abbrev_types = set(_lines(folder / "abbrev_types.txt")) | _EXTRA_ABBREVIATIONS
    params.sent_starters = set(_lines(folder / "sent_starters.txt"))
    params.collocations = {tuple(line.split("\t")) for line in _lines(folder / "collocations.tab")}
    pairs = (line.split("\t") for line in _lines(folder / "ortho_context.tab"))
    params.ortho_context.update({word: int(flags) for word, flags in pairs})
    return punkt.PunktSentenceTokenizer(params)


def _lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").split("\n") if line]


def _punkt_module() -> ModuleType:
    """nltk's punkt module without nltk's package __init__, which imports scipy and scikit-learn
    (about 1.5 s of a 2 s `kim ask`). Placeholder parent packages stand in while punkt loads and
    are removed right after, so a later `import nltk` (LlamaIndex does) runs the real __init__
    and finds punkt already loaded."""
    if "nltk.tokenize.punkt" in sys.modules:
        return sys.modules["nltk.tokenize.punkt"]
    spec = find_spec("nltk")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("nltk fehlt – bitte `pip install nltk` ausführen.")
    root = next(iter(spec.submodule_search_locations))
    placeholders = []
    for name, folder in (("nltk", root), ("nltk.tokenize", f"{root}/tokenize")):
        if name not in sys.modules:
            package = ModuleType(name)
            package.__path__ = [folder]
            sys.modules[name] = package
            placeholders.append(name)
    try:
        return import_module("nltk.tokenize.punkt")
    finally:
        for name in placeholders:
            del sys.modules[name]


def split_sentences(text: str) -> list[str]:
    """Split one paragraph of German prose into sentences (punkt + administrative abbreviations)."""
    text = _WS.sub(" ", text).strip()
    if not text:
        return []
    return [s.strip() for s in _german_punkt().tokenize(text) if s.strip()]
