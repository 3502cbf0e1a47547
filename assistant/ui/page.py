"""What the chat page carries besides its components: its style sheet and its few scripts."""

# The Clipboard API exists only on https and localhost; on a plain-http intranet address the text
# is copied through a hidden selection instead, and the user is told what happened either way.
COPY_JS = """async (text) => {
  const say = (message) => {
    const box = document.querySelector("#kopieren-meldung");
    if (box) box.textContent = message;
  };
  if (!text) { say("Noch keine Antwort zum Kopieren."); return; }
  if (navigator.clipboard && window.isSecureContext) {
    try { await navigator.clipboard.writeText(text); say("✓ Kopiert – mit Strg+V einfügen."); return; }
    catch (error) { /* fall through to the selection */ }
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  let copied = false;
  try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
  area.remove();
  say(copied ? "✓ Kopiert – mit Strg+V einfügen."
             : "Der Browser erlaubt hier kein Kopieren – bitte den Text oben markieren und mit " +
               "Strg+C kopieren, oder „Gespräch als Markdown herunterladen“ nutzen.");
}"""
CSS = """
#status { font-size: 0.95rem; }
mark { background: #fff3a3; color: #1a1a1a; padding: 0 2px; }
blockquote { border-left: 4px solid #4b5563; margin: 0.3em 0 0.8em; padding-left: 0.8em; }
/* The question field must be on the first screen, on a laptop and on a phone, not under an
   empty 560 px chat. */
#gespraech { height: clamp(240px, calc(100vh - 370px), 560px) !important; }
@media (max-width: 640px) {
  #gespraech { height: 30vh !important; min-height: 200px; }
  h1 { font-size: 1.4rem !important; }
}
/* The passage is the evidence: as large as the answer it backs. */
#gespraech blockquote { font-size: 1rem; line-height: 1.5; }
/* Gradio dims "thought" blocks; sources are evidence and must stay fully readable. */
#gespraech .thought-group .message-content { opacity: 1; }
"""

# A kept conversation: the server holds it, the browser only its id, in its storage and in the
# page address (?gespraech=…), so that a reload, a bookmark or the next visit brings it back. The
# id reaches the page in the element [data-gespraech] after each answer; an empty one (a new
# conversation, or one that is not the user's) forgets it. Runs before Gradio starts, so the
# page load already asks for the kept conversation.
KEEP_HEAD = """<script>
(() => {
  const KEY = "kim-gespraech";
  const start = new URL(location.href);
  const kept = localStorage.getItem(KEY);
  if (!start.searchParams.get("gespraech") && kept) {
    start.searchParams.set("gespraech", kept);
    history.replaceState(null, "", start);
  }
  const follow = () => {
    const marker = document.querySelector("[data-gespraech]");
    if (!marker) return;
    const id = marker.dataset.gespraech;
    const here = new URL(location.href);
    if (id) { localStorage.setItem(KEY, id); here.searchParams.set("gespraech", id); }
    else { localStorage.removeItem(KEY); here.searchParams.delete("gespraech"); }
    if (here.href !== location.href) history.replaceState(null, "", here);
  };
  new MutationObserver(follow).observe(document.documentElement, {
    subtree: true, childList: true, attributes: true, attributeFilter: ["data-gespraech"]});
})();
</script>"""
