"""The same protections in a real browser (Debian's chromium): sign-in, what each role sees,
links planted in documents, a DNS-rebinding name and a foreign page that tries to upload."""

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.access.conftest import password
from tests.ui.conftest import ChatPage, RunningApp, free_port

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.slow]

# A page on another origin that tries to upload into the chat with the visitor's cookie.
ATTACK_PAGE = """<!doctype html><html><body><script>
const form = new FormData();
form.append("files", new Blob(["Untergeschoben"], {type: "text/plain"}), "angriff.txt");
fetch("%s/gradio_api/upload", {method: "POST", body: form, credentials: "include"})
  .then(r => document.title = "status " + r.status)
  .catch(e => document.title = "abgewiesen");
</script></body></html>"""


def sign_in(page: Any, app: RunningApp, name: str) -> None:
    page.goto(app.url + "/")
    expect(page.get_by_role("heading", name="KIM-Assistent")).to_be_visible()
    page.goto(app.url + "/anmelden")
    page.get_by_label("Benutzername").fill(name)
    page.get_by_label("Passwort").fill(password(name))
    page.get_by_role("button", name="Anmelden").click()
    expect(page.locator("#angemeldet")).to_contain_text(f"Angemeldet als {name}", timeout=60_000)


def test_a_council_member_signs_in_and_sees_released_documents_only(browser: Any, app: RunningApp,
                                                                    screenshot_dir: Path) -> None:
    page = browser.new_page()
    page.goto(app.url + "/anmelden")
    page.get_by_label("Benutzername").fill("anna")
    page.get_by_label("Passwort").fill("falsch-geraten-1")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("alert")).to_have_text("Benutzername oder Passwort ist falsch.")
    assert page.evaluate("document.documentElement.lang") == "de"
    sign_in(page, app, "anna")
    expect(page.locator("#angemeldet")).to_contain_text("Ratsmitglied")
    page.get_by_role("tab", name="Dokumente").click()
    table = page.locator("#dokumente")
    expect(table).to_contain_text("standort-beratungsstelle.txt")
    for hidden in ["vorlage-personal.txt", "vergabe-dolmetscher.md", "einzelfall-wohnungsnot.txt"]:
        expect(table).not_to_contain_text(hidden)
    expect(page.locator("#hochladen")).to_have_count(0)  # uploading is for the administration
    expect(page.get_by_role("tab", name="Anfrage beantworten")).to_have_count(0)
    page.screenshot(path=str(screenshot_dir / "rolle-rat.png"))
    page.get_by_role("link", name="Abmelden").click()
    expect(page.get_by_label("Benutzername")).to_be_visible()
    page.close()


def test_staff_see_everything_and_may_upload(browser: Any, app: RunningApp) -> None:
    page = browser.new_page()
    sign_in(page, app, "vera")
    page.get_by_role("tab", name="Dokumente").click()
    expect(page.locator("#dokumente")).to_contain_text("vorlage-personal.txt")
    expect(page.locator("#hochladen")).to_be_visible()
    expect(page.get_by_role("tab", name="Anfrage beantworten")).to_be_visible()
    page.close()


def test_a_link_planted_in_a_document_is_shown_as_text(browser: Any, app: RunningApp) -> None:
    page = browser.new_page()
    page.goto(app.url + "/")  # anonymous: public documents
    chat = ChatPage(page)
    chat.ask("Wo sind Förderanträge für das Kommunale Integrationsmanagement einzureichen?")
    answer = page.locator('#gespraech [data-testid="bot"]').first
    expect(answer).to_contain_text("http://phish.example/login")
    assert page.locator("#gespraech a[href*='phish']").count() == 0
    assert page.locator("#gespraech a[href^='javascript']").count() == 0
    page.close()


@pytest.fixture
def attack_site(app: RunningApp) -> Iterator[str]:
    body = (ATTACK_PAGE % app.url).encode()

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def test_a_foreign_page_cannot_upload_with_the_visitors_session(browser: Any, app: RunningApp,
                                                                 attack_site: str) -> None:
    """Same site (127.0.0.1), other port: the session cookie goes along – the Origin check stops
    it."""
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, app, "vera")
    page.goto(attack_site)
    page.wait_for_function("document.title.length > 0", timeout=20_000)
    assert page.title() in {"abgewiesen", "status 403"}
    planted = list((app.index_dir.parent / "gradio").rglob("angriff.txt"))
    assert planted == []
    context.close()


def test_a_dns_rebinding_name_gets_400(browser: Any, chromium_path: str, app: RunningApp) -> None:
    """A name the attacker controls, resolving to our address: the browser sends that name."""
    port = app.url.rsplit(":", 1)[1]
    rebinding = browser.browser_type.launch(executable_path=chromium_path, headless=True, args=[
        "--no-sandbox", "--disable-gpu", "--host-resolver-rules=MAP attacker.example 127.0.0.1"])
    try:
        page = rebinding.new_page()
        response = page.goto(f"http://attacker.example:{port}/")
        assert response is not None and response.status == 400
        assert "Hostname" in page.content()
    finally:
        rebinding.close()
