"""Accessibility, phone width, ten people asking at once, and the README's screenshots."""

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import expect

from assistant.german.text import fold_for_match
from tests.conftest import REPO
from tests.ui.conftest import ChatPage, RunningApp, start_app, stop_app

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.slow]

# Relative luminance contrast (WCAG 2.x) of an element's text against its first opaque background.
CONTRAST_JS = """el => {
  const rgb = s => s.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => { const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92
      : Math.pow((c + 0.055) / 1.055, 2.4); }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  let node = el, bg = null;
  while (node) { const c = getComputedStyle(node).backgroundColor; const v = rgb(c);
    if (v.length < 4 || v[3] > 0.9) { bg = v; break; } node = node.parentElement; }
  bg = bg || [255, 255, 255];
  const a = lum(rgb(getComputedStyle(el).color)), b = lum(bg);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""

UNLABELLED_JS = """() => [...document.querySelectorAll('input, textarea, button, select, [role=tab]')]
  .filter(el => el.offsetParent !== null && el.type !== 'file' && el.type !== 'hidden')
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
    && !el.getAttribute('aria-labelledby') && !(el.innerText || '').trim() && !el.title)
  .map(el => el.outerHTML.slice(0, 120))"""


@pytest.fixture(scope="module")
def app(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    proc, running = start_app(tmp_path_factory.mktemp("access"), [seeds_dir, REPO / "corpus"])
    yield running
    stop_app(proc)


def open_chat(browser: object, app: RunningApp, width: int, height: int) -> ChatPage:
    # An English browser: the page must still declare itself German.
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-US")  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(app.url)
    page.get_by_label("Ihre Frage").wait_for()
    return ChatPage(page)


def test_controls_are_labelled_and_readable(browser: object, app: RunningApp) -> None:
    chat = open_chat(browser, app, 1280, 800)
    assert chat.page.evaluate(UNLABELLED_JS) == []
    assert chat.page.evaluate("document.documentElement.lang") == "de"
    chat.ask("Wer ist Mitglied der Lenkungsgruppe?")
    for selector in ['#gespraech [data-testid="bot"] p', "#status p", "#frage textarea",
                     '#gespraech [data-testid="bot"] blockquote', "label"]:
        ratio = chat.page.locator(selector).first.evaluate(CONTRAST_JS)
        assert ratio >= 4.5, (selector, ratio)  # WCAG AA for normal text


def test_keyboard_only(browser: object, app: RunningApp) -> None:
    chat = open_chat(browser, app, 1280, 800)
    page = chat.page
    page.locator("body").click(position={"x": 5, "y": 5})
    for _ in range(40):  # Tab through the page until the question box has the focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('#frage') !== null"):
            break
    else:
        pytest.fail("Das Fragefeld ist mit der Tab-Taste nicht erreichbar.")
    page.keyboard.type("Wann wurde die Anfrage im Kreis Kleve gestellt?")
    page.keyboard.press("Enter")
    page.wait_for_function("() => (document.querySelector('#kopieren textarea')?.value || '')"
                           ".startsWith('Frage: Wann wurde')", timeout=60_000)
    assert "2023" in chat.last_answer()


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_usable_on_desktop_and_phone(browser: object, app: RunningApp, width: int, height: int,
                                     screenshot_dir: Path) -> None:
    chat = open_chat(browser, app, width, height)
    chat.ask("Wie viel Geld stand 2022 im Landeshaushalt für KIM bereit?")
    chat.last_sources()
    page = chat.page
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"horizontal scrolling at {width}px: {overflow}px"
    for selector in ["#frage textarea", '#gespraech [data-testid="bot"]']:
        box = page.locator(selector).first.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (selector, box)
    name = "chat.png" if width > 1000 else "chat-phone.png"
    page.screenshot(path=str(screenshot_dir / name), full_page=width < 1000)


def test_sources_and_documents_screenshots(browser: object, app: RunningApp,
                                           screenshot_dir: Path) -> None:
    chat = open_chat(browser, app, 1280, 800)
    chat.ask("Wer hat die Anfrage zum Kommunalen Integrationszentrum im Kreis Kleve unterzeichnet?")
    mark = chat.last_sources().locator("mark").first
    mark.scroll_into_view_if_needed()
    expect(mark).to_be_visible()
    chat.page.screenshot(path=str(screenshot_dir / "quellen.png"))
    chat.page.get_by_role("tab", name="Dokumente").click()
    chat.page.locator("#dokumente").wait_for()
    chat.page.screenshot(path=str(screenshot_dir / "dokumente.png"))


def test_ten_people_ask_at_once(app: RunningApp) -> None:
    """Ten questions in flight together; each answer is right and the same as when asked alone."""
    from gradio_client import Client

    gold = [json.loads(line) for line in (REPO / "evals/seeds.jsonl").read_text("utf-8").splitlines()]
    # Kinds that the evaluation answers fully (who/when/list), so "right" is checked against gold.
    items = [g for g in gold if g["kind"] in {"who", "when", "list"}][:10]
    client = Client(app.url, verbose=False)
    alone = [client.predict(g["question"], api_name="/frage") for g in items]
    with ThreadPoolExecutor(max_workers=10) as pool:
        together = list(pool.map(lambda g: client.predict(g["question"], api_name="/frage"), items))
    assert len(together) == 10
    for item, single, answer in zip(items, alone, together, strict=True):
        assert answer["answer"] == single["answer"], item["id"]
        text = fold_for_match(answer["answer"])
        for group in item["answer_contains"]:
            assert any(fold_for_match(alt) in text for alt in group), (item["id"], group)
