"""The real app in a real browser: `python app.py` on a free port, Debian's chromium via Playwright."""

import json
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO, env_with


@dataclass
class RunningApp:
    url: str
    index_dir: Path
    upload_dir: Path
    log: Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_app(tmp: Path, corpus_dirs: list[Path], timeout: float = 240, host: str = "127.0.0.1",
              **settings: str) -> tuple[subprocess.Popen, RunningApp]:
    """Start `python app.py` exactly as a user would, on a free port, with a fresh index;
    ``settings`` are further environment variables (KIM_…); ``host`` another loopback address
    stands in for an intranet name (no https, no localhost)."""
    port = free_port()
    if host != "127.0.0.1":
        settings = {"KIM_HOST": host, "KIM_ALLOWED_HOSTS": json.dumps([host]), **settings}
    app = RunningApp(f"http://{host}:{port}", tmp / "index", tmp / "uploads", tmp / "app.log")
    # Users and the audit log of this run stay in its folder, never in the repository.
    env = env_with(KIM_INDEX_DIR=str(app.index_dir), KIM_UPLOAD_DIR=str(app.upload_dir),
                   KIM_CORPUS_DIRS=json.dumps([str(d) for d in corpus_dirs]), KIM_PORT=str(port),
                   KIM_USERS_FILE=str(tmp / "zugang" / "benutzer.toml"),
                   KIM_AUDIT_FILE=str(tmp / "zugang" / "audit.jsonl"),
                   KIM_FEEDBACK_FILE=str(tmp / "zugang" / "rueckmeldungen.jsonl"),
                   KIM_SAVED_DIR=str(tmp / "zugang" / "gespeichert"), **settings)
    log = open(app.log, "w", encoding="utf-8")  # noqa: SIM115 (closed with the process)
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=REPO, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"app.py ended early:\n{app.log.read_text(encoding='utf-8')}")
        try:
            with urllib.request.urlopen(app.url + "/", timeout=2) as response:
                if response.status == 200:
                    return proc, app
        except OSError:
            time.sleep(0.5)
    proc.kill()
    pytest.fail(f"app.py did not come up in {timeout:.0f} s:\n{app.log.read_text(encoding='utf-8')}")


def stop_app(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


class ChatPage:
    """The chat as a user sees it: type a question, wait for the answer, read answer and sources."""

    def __init__(self, page: "playwright.sync_api.Page") -> None:  # noqa: F821
        self.page = page

    def ask(self, question: str, timeout: float = 60_000) -> None:
        box = self.page.get_by_label("Ihre Frage")
        box.fill(question)
        box.press("Enter")
        # The copy box receives the finished answer last: then answer and sources are rendered.
        self.page.wait_for_function(
            "q => (document.querySelector('#kopieren textarea')?.value || '').startsWith('Frage: ' + q)",
            arg=question, timeout=timeout)

    def bot_messages(self) -> list[str]:
        return self.page.locator('#gespraech [data-testid="bot"]').all_inner_texts()

    def last_answer(self) -> str:
        return self.bot_messages()[-2]

    def last_sources(self) -> "playwright.sync_api.Locator":  # noqa: F821
        """The „Quellen“ block under the last answer, once its passages are on screen."""
        block = self.page.locator('#gespraech [data-testid="bot"]').last
        block.locator("blockquote").first.wait_for(state="visible", timeout=10_000)
        self.settle()
        return block

    def settle(self) -> None:
        """Wait for running transitions (the sources block slides open) before looking at pixels."""
        self.page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')",
                                    timeout=10_000)

    def open_tab(self, name: str) -> None:
        """Open a tab as a user would: on a phone Gradio moves the tabs that do not fit into its
        "…" menu, and it rearranges them once the page load has shown the role's tabs."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        for _ in range(5):
            try:
                tab = self.page.get_by_role("tab", name=name)
                if tab.is_visible():
                    tab.click(timeout=3000)
                else:
                    self.page.locator(".overflow-menu > button").click(timeout=3000)
                    self.page.locator(".overflow-dropdown button", has_text=name).click(
                        timeout=3000)
                return
            except PlaywrightTimeout:
                continue  # the tabs were being rearranged: look again
        raise AssertionError(f"Reiter „{name}“ ließ sich nicht öffnen")

    def choose(self, label: str, option: str) -> None:
        self.page.get_by_label(label).click()
        self.page.get_by_role("option", name=option, exact=True).click()

    def warning(self) -> str:
        toast = self.page.locator(".toast-body").first
        toast.wait_for(timeout=10_000)
        return toast.inner_text()
