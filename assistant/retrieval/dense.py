"""Dense embeddings with sentence-transformers, strictly from local files.

Question time never touches the network: a Hugging Face name is looked up in the local cache
(milliseconds), a folder is used as it is. Downloading is a separate, explicit step
(`kim model download`). When no model can be loaded, callers fall back to lexical retrieval and say
so; a different model is never swapped in silently.
"""

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)


class ModelUnavailable(Exception):
    """Carries the German reason why the configured model cannot be used."""


@dataclass
class Embedder:
    name: str  # as configured: a hub name or a folder
    model: Any  # sentence_transformers.SentenceTransformer
    query_prefix: str = ""
    passage_prefix: str = ""
    batch_size: int = 32

    @property
    def dimension(self) -> int:
        return int(self.model.get_embedding_dimension())

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return self._encode([self.passage_prefix + t for t in texts], progress)

    def embed_query(self, question: str) -> np.ndarray:
        return self._encode([self.query_prefix + question], False)[0]

    def _encode(self, texts: list[str], progress: bool) -> np.ndarray:
        vectors = self.model.encode(texts, batch_size=self.batch_size, show_progress_bar=progress,
                                    normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vectors, dtype=np.float32)


def find_local_model(name: str) -> Path:
    """The folder holding the model, from a path or the local Hugging Face cache; never downloads."""
    folder = Path(name).expanduser()
    if folder.is_dir():
        if not (folder / "modules.json").is_file() and not (folder / "config.json").is_file():
            raise ModelUnavailable(f"Der Ordner „{folder}“ enthält kein sentence-transformers-Modell.")
        return folder
    if name.startswith((".", "/", "~")):
        raise ModelUnavailable(f"Der Modellordner „{name}“ existiert nicht.")
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    try:
        return Path(snapshot_download(repo_id=name, local_files_only=True))
    except (LocalEntryNotFoundError, OSError, ValueError) as err:
        raise ModelUnavailable(
            f"Das Modell „{name}“ ist nicht lokal vorhanden – mit `kim model download` herunterladen "
            "oder KIM_EMBED_MODEL auf einen Modellordner setzen."
        ) from err


def load_embedder(name: str, batch_size: int = 32) -> Embedder:
    """Load the configured model from local files, or raise ModelUnavailable with the reason."""
    folder = find_local_model(name)
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as err:  # pragma: no cover - a broken install
        raise ModelUnavailable("sentence-transformers ist nicht installiert – "
                               "`pip install sentence-transformers`.") from err
    _quiet_transformers()
    try:
        model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    except Exception as err:  # any load failure means: no dense retrieval
        log.debug("loading %s failed: %r", folder, err)
        raise ModelUnavailable(f"Das Modell „{name}“ konnte nicht geladen werden ({err}).") from err
    query_prefix, passage_prefix = _prefixes(name, model)
    return Embedder(name, model, query_prefix, passage_prefix, batch_size)


def _quiet_transformers() -> None:
    """No "Loading weights" bar on every start; our own progress bars cover long work."""
    try:
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
        transformers_logging.set_verbosity_error()
    except ImportError:  # pragma: no cover
        pass


def _prefixes(name: str, model: Any) -> tuple[str, str]:
    """E5 models need "query: "/"passage: "; others may declare prompts in their config."""
    prompts = getattr(model, "prompts", None) or {}
    query = prompts.get("query", "")
    passage = prompts.get("passage", prompts.get("document", ""))
    if not (query or passage) and "e5" in name.lower():
        return "query: ", "passage: "
    return query, passage


def download_model(name: str) -> Path:
    """Fetch a model into the local cache (the only place that goes online)."""
    from huggingface_hub import snapshot_download

    return Path(snapshot_download(repo_id=name))
