"""German text helpers shared by ingest, retrieval and answers: folding and sentence splitting."""

import re
import unicodedata
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nltk.tokenize.punkt import PunktTokenizer

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
def _german_punkt() -> "PunktTokenizer":
    import nltk
    from nltk.tokenize.punkt import PunktTokenizer

    cache = str(_punkt_dir())
    if cache not in nltk.data.path:
        nltk.data.path.insert(0, cache)
    tokenizer = PunktTokenizer("german")
    tokenizer._params.abbrev_types.update(_EXTRA_ABBREVIATIONS)
    return tokenizer


def split_sentences(text: str) -> list[str]:
    """Split one paragraph of German prose into sentences (punkt + administrative abbreviations)."""
    text = _WS.sub(" ", text).strip()
    if not text:
        return []
    return [s.strip() for s in _german_punkt().tokenize(text) if s.strip()]
