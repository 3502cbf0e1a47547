"""Random unit vectors in Chroma for an existing lexical index, so that query-side costs of hybrid
search can be measured at sizes whose real embedding would take hours on 2 cores.

Only the stored vectors are synthetic: the question is embedded by the real bundled model, and
Chroma searches them as it would real ones. Figures measured this way say so.
"""

import numpy as np

from assistant.config import Settings
from assistant.indexdir import IndexDir
from assistant.retrieval.embedders import load_embedder
from assistant.retrieval.store import open_index_store


def attach_synthetic_vectors(settings: Settings, seed: int = 3, batch: int = 5000) -> int:
    index = IndexDir(settings.index_dir)
    manifest = index.read_manifest()
    records = index.read_chunks(manifest.generation)
    embedder = load_embedder(settings.embed_model)
    store = open_index_store(settings, index.chroma_path, manifest.index_id, embedder)
    rng = np.random.default_rng(seed)
    for start in range(0, len(records), batch):
        part = records[start:start + batch]
        vectors = rng.standard_normal((len(part), embedder.dimension)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        store.upsert([r.id for r in part], vectors, [r.text for r in part],
                     [r.metadata() for r in part])
    manifest.model, manifest.model_version = embedder.name, embedder.version
    index.commit(manifest)
    return store.count()
