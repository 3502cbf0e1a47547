"""Dense embeddings: the embedder contract, and sentence-transformers for any model a user names.

The default model is the bundled one (``bundled``); ``embedders`` picks between the two. Question
time never touches the network: a Hugging Face name is looked up in the local cache
(milliseconds), a folder is used as it is. Downloading is a separate, explicit step
(`kim model download`). When no model can be loaded, callers fall back to lexical retrieval and say
so; a different model is never swapped in silently.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from tqdm import tqdm

log = logging.getLogger(__name__)


class ModelUnavailable(Exception):
    """Carries the German reason why the configured model cannot be used."""


class Embedder(Protocol):
    """What the index and the answer step need from a model: L2-normalised float32 vectors."""

    name: str  # as configured: the bundled model, a hub name or a folder
    version: str  # what else identifies the weights (engine version, snapshot folder)

    @property
    def dimension(self) -> int: ...

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray: ...

    def embed_query(self, question: str) -> np.ndarray: ...


def encode_in_batches(encode: Callable[[list[str]], Any], texts: list[str], batch_size: int,
                      progress: bool) -> np.ndarray:
    """Embed in batches under one German progress bar (dense indexing is the slow part)."""
    parts = []
    with tqdm(total=len(texts), desc="Bedeutung erfassen", unit="Passage",
              disable=not progress) as bar:
        for start in range(0, len(texts), batch_size):
            batch = texts[start:start + batch_size]
            parts.append(np.asarray(encode(batch), dtype=np.float32).reshape(len(batch), -1))
            bar.update(len(batch))
    return np.concatenate(parts) if parts else np.zeros((0, 0), dtype=np.float32)


@dataclass
class SentenceTransformerEmbedder:
    name: str
    model: Any  # sentence_transformers.SentenceTransformer
    version: str = ""
    query_prefix: str = ""
    passage_prefix: str = ""
    batch_size: int = 32

    @property
    def dimension(self) -> int:
        return int(self.model.get_embedding_dimension())

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return encode_in_batches(self._encode_windowed, texts, self.batch_size, progress)

    def embed_query(self, question: str) -> np.ndarray:
        return self._encode([self.query_prefix + question])[0]

    def _encode_windowed(self, texts: list[str]) -> np.ndarray:
        """sentence-transformers cuts a text at the model's length without a word; here a longer
        passage is embedded in windows that fit and their vectors are averaged, weighted by
        length (as the bundled engine does), so no part of it is dropped."""
        # room for the special tokens, the prefix and the difference of counting word by word
        limit = int(getattr(self.model, "max_seq_length", 0) or 512) - 16
        windows, owners = [], []
        for i, text in enumerate(texts):
            for window in _windows(text, limit, self._token_count):
                windows.append(self.passage_prefix + window)
                owners.append(i)
        vectors = self._encode(windows)
        weights = np.array([self._token_count(w) for w in windows], dtype=np.float32)
        out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
        np.add.at(out, owners, vectors * weights[:, None])
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)

    def _token_count(self, text: str) -> int:
        return len(self.model.tokenizer(text, add_special_tokens=False)["input_ids"])

    def _encode(self, texts: list[str]) -> np.ndarray:
        vectors = self.model.encode(texts, batch_size=self.batch_size, show_progress_bar=False,
                                    normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vectors, dtype=np.float32)


def _windows(text: str, limit: int, count: Callable[[str], int]) -> list[str]:
    """``text`` in consecutive word runs of at most about ``limit`` tokens (whole when it fits).
    Words are counted one by one, which is close to the count of the joined text."""
    if count(text) <= limit:
        return [text]
    windows: list[list[str]] = [[]]
    used = 0
    for word in text.split():
        size = count(word)
        if windows[-1] and used + size > limit:
            windows.append([])
            used = 0
        windows[-1].append(word)
        used += size
    return [" ".join(w) for w in windows]


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


def load_sentence_transformer(name: str, batch_size: int = 32) -> SentenceTransformerEmbedder:
    """Load a named model from local files, or raise ModelUnavailable with the reason."""
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
    return SentenceTransformerEmbedder(name, model, folder.name, query_prefix, passage_prefix,
                                       batch_size)


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
