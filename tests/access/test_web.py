"""The hardened web surface over real HTTP: `python app.py` with users, a trusted proxy and
anonymous visitors allowed (public documents only)."""

import http.client
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from assistant.access.gate import COOKIE
from tests.access.conftest import password, signed_in
from tests.access.corpus import NOT_PUBLIC, QUESTIONS, leaked, write_corpus
from tests.conftest import KIM, REPO, env_with
from tests.ui.conftest import RunningApp

pytestmark = [pytest.mark.server, pytest.mark.slow]

def ask(client: httpx.Client, question: str, **extra: object) -> httpx.Response:
    return client.post("/api/frage", json={"frage": question, **extra})


def test_a_foreign_host_gets_400(app: RunningApp) -> None:
    """What a DNS-rebinding page would send: our address, someone else's name."""
    for path in ["/", "/api/frage", "/gradio_api/upload", "/dokument/x"]:
        response = httpx.get(app.url + path, headers={"Host": "attacker.example"})
        assert response.status_code == 400, path
        assert "Hostname" in response.json()["fehler"]
    assert httpx.get(app.url + "/anmelden").status_code == 200


def test_anonymous_visitors_get_public_answers_only(app: RunningApp) -> None:
    leaks = []
    with httpx.Client(base_url=app.url, timeout=60) as client:
        for question in QUESTIONS:
            response = ask(client, question)
            assert response.status_code == 200, response.text
            body = response.json()
            sources = [p["source"] for p in body["passages"]]
            leaks += leaked(sources, body["answer"] + " ".join(p["text"] for p in body["passages"]))
        sneaky = ask(client, "Stellenbesetzung", filter={"sichtbarkeit": "nichtöffentlich"})
        assert sneaky.json()["passages"] == []
    assert len(QUESTIONS) == 50 and leaks == []


def test_staff_find_the_same_non_public_content(app: RunningApp) -> None:
    with signed_in(app, "vera") as client:
        reached = sum(bool(leaked([p["source"] for p in ask(client, q).json()["passages"]], ""))
                      for q in QUESTIONS)
    assert reached >= 40, reached


def test_council_members_see_released_documents(app: RunningApp) -> None:
    with signed_in(app, "anna") as client:
        answer = ask(client, "Wo entsteht die neue Beratungsstelle?").json()
        assert "Kirchstraße 14" in answer["answer"]
        answer = ask(client, "Wer wurde für die Stelle im Case Management ausgewählt?").json()
        assert "Kowalczyk" not in json.dumps(answer)


def test_the_document_route_checks_the_role(app: RunningApp) -> None:
    with signed_in(app, "vera") as staff:
        body = ask(staff, "Wie hoch ist das Angebot von Lingua Rhein?").json()
        [source] = [c for c in body["citations"] if c["source"] in NOT_PUBLIC][:1]
        # The chat links documents by id; the id is derived from folder and file name.
        from assistant.ui.service import _doc_id

        link = f"/dokument/{_doc_id(source['corpus'], source['source'])}"
        assert staff.get(link).status_code == 200
    anonymous = httpx.get(app.url + link)
    assert anonymous.status_code == 404 and "nicht gefunden" in anonymous.json()["fehler"]


def test_a_trusted_proxy_signs_users_in_by_header(app: RunningApp) -> None:
    headers = {"X-Forwarded-User": "m.muster", "X-Forwarded-Groups": "kim-verwaltung"}
    with httpx.Client(base_url=app.url, timeout=60, headers=headers) as client:
        body = ask(client, "Wer bekommt den Auftrag für die Dolmetscherdienste?").json()
    assert "Lingua Rhein" in body["answer"]


def test_uploads_need_our_page_a_role_that_uploads_and_a_size_below_the_cap(app: RunningApp,
                                                                            tmp_path: Path) -> None:
    files = {"files": ("notiz.txt", b"Eine Notiz zum KIM.", "text/plain")}
    with signed_in(app, "vera") as staff:
        foreign = staff.post("/gradio_api/upload", files=files,
                             headers={"Origin": "http://attacker.example"})
        assert foreign.status_code == 403 and "fremden Seite" in foreign.json()["fehler"]
        unnamed = staff.post("/gradio_api/upload", files=files)  # no Origin, no Referer
        assert unnamed.status_code == 403
        ours = staff.post("/gradio_api/upload", files=files, headers={"Origin": app.url})
        assert ours.status_code == 200
        too_big = {"files": ("gross.pdf", b"%PDF-1.4\n" + b"0" * (51 * 2**20), "application/pdf")}
        refused = staff.post("/gradio_api/upload", files=too_big, headers={"Origin": app.url})
        assert refused.status_code == 413 and "größer als 50 MB" in refused.json()["fehler"]
        cookie = staff.cookies[COOKIE]
    assert _announced_upload(app, 600 * 2**20, cookie) == 413  # refused before a byte is read
    with signed_in(app, "anna") as council:
        refused = council.post("/gradio_api/upload", files=files, headers={"Origin": app.url})
        assert refused.status_code == 403 and "Verwaltung" in refused.json()["fehler"]
    anonymous = httpx.post(app.url + "/gradio_api/upload", files=files, headers={"Origin": app.url})
    assert anonymous.status_code == 403
    leftovers = [p for p in (app.index_dir.parent / "gradio").rglob("*") if p.is_file()
                 and p.stat().st_size > 2**20]
    assert leftovers == []  # the refused 51 MB file is not kept


def _announced_upload(app: RunningApp, length: int, cookie: str) -> int:
    """Announce a huge upload and send nothing: the status comes before the body."""
    connection = http.client.HTTPConnection(urlsplit(app.url).netloc, timeout=30)
    connection.putrequest("POST", "/gradio_api/upload")
    for name, value in [("Origin", app.url), ("Cookie", f"{COOKIE}={cookie}"),
                        ("Content-Type", "multipart/form-data; boundary=x"),
                        ("Content-Length", str(length))]:
        connection.putheader(name, value)
    connection.endheaders()
    status = connection.getresponse().status
    connection.close()
    return status


def test_rejected_api_calls_say_why_in_german(app: RunningApp) -> None:
    with httpx.Client(base_url=app.url, timeout=60) as client:
        cases = {
            "empty": (client.post("/api/frage", json={"frage": "  "}), 400, "Bitte eine Frage"),
            "huge": (client.post("/api/frage", json={"frage": "Wort " * 20_000}), 400, "zu lang"),
            "no words": (client.post("/api/frage", json={"frage": "?!"}), 400, "keine Wörter"),
            "not json": (client.post("/api/frage", content=b"hallo"), 400, "JSON"),
            "no field": (client.post("/api/frage", json={"question": "x"}), 400, "frage"),
            "types": (client.post("/api/frage", json={"frage": "KIM", "vorherige": 5}), 400,
                      "als Text"),
            "filter": (client.post("/api/frage", json={"frage": "KIM", "filter": {"farbe": "rot"}}),
                       400, "Unbekannter Filter"),
            "unknown": (client.get("/gibt-es-nicht"), 404, "Nicht gefunden"),
            "password": (client.post("/anmelden", json={"name": "vera", "passwort": "falsch"}),
                         401, "falsch"),
        }
    for name, (response, status, words) in cases.items():
        assert response.status_code == status, name
        body = response.json()
        assert body["fehler"] and words in body["fehler"] and body["status"] == status, name


def test_zero_width_characters_do_not_change_the_answer(app: RunningApp) -> None:
    with httpx.Client(base_url=app.url, timeout=60) as client:
        clean = ask(client, "Wie viele Personen wurden im Case Management begleitet?").json()
        hidden = ask(client, "Wie viele Per\u200bsonen wur\u200dden im Case\u2060 Manage\u00adment "
                             "beglei\ufefftet?").json()
    assert "412" in clean["answer"] and hidden["answer"] == clean["answer"]


def test_the_audit_log_names_users_and_questions_but_no_password(app: RunningApp) -> None:
    with signed_in(app, "anna") as client:
        ask(client, "Wie oft tagt die Lenkungsgruppe?")
    httpx.post(app.url + "/anmelden", json={"name": "anna", "passwort": "geraten-123456"})
    env = env_with(KIM_AUDIT_FILE=str(app.index_dir.parent / "zugang" / "audit.jsonl"))
    out = subprocess.run([*KIM, "audit", "--json", "--letzte", "0"], cwd=REPO, env=env,
                         capture_output=True, text=True, check=True).stdout
    entries = [json.loads(line) for line in out.splitlines()]
    assert {"benutzer": "anna", "rolle": "rat", "frage": "Wie oft tagt die Lenkungsgruppe?"}.items() \
        <= next(e for e in entries if e.get("frage") == "Wie oft tagt die Lenkungsgruppe?").items()
    assert any(e["ereignis"] == "anmeldung_fehlgeschlagen" and e["benutzer"] == "anna"
               for e in entries)
    assert "geraten-123456" not in out and password("anna") not in out
    text = subprocess.run([*KIM, "audit"], cwd=REPO, env=env, capture_output=True, text=True,
                          check=True).stdout
    assert "Anmeldung fehlgeschlagen" in text


def test_the_command_line_manages_users_and_answers_as_a_role(tmp_path: Path) -> None:
    env = env_with(KIM_USERS_FILE=str(tmp_path / "benutzer.toml"),
                   KIM_AUDIT_FILE=str(tmp_path / "audit.jsonl"),
                   KIM_INDEX_DIR=str(tmp_path / "index"),
                   KIM_CORPUS_DIRS=json.dumps([str(write_corpus(tmp_path / "corpus"))]),
                   KIM_EMBED_MODEL="none")

    def kim(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run([*KIM, *args], cwd=REPO, env=env, input=stdin, text=True,
                              capture_output=True)

    assert kim("user", "add", "Clara", "--role", "rat", stdin="lang-genug-123\n").returncode == 0
    short = kim("user", "add", "dora", "--role", "rat", stdin="kurz\n")
    assert short.returncode != 0 and "zu kurz" in short.stderr
    assert "clara" in kim("user", "list").stdout
    assert kim("ingest").returncode == 0
    question = "Wie hoch ist das Angebot von Lingua Rhein?"
    public = json.loads(kim("ask", "--json", "--role", "oeffentlich", question).stdout)
    local = json.loads(kim("ask", "--json", question).stdout)  # the local administrator
    assert not leaked([p["source"] for p in public["passages"]], public["answer"])
    assert "48.500 Euro" in local["answer"]
    assert kim("user", "remove", "clara").returncode == 0
    assert "clara" not in kim("user", "list").stdout
    wrong = kim("ask", "--role", "chef", question)
    assert wrong.returncode != 0 and "chef" in wrong.stderr


def test_serving_on_the_network_without_sign_in_is_refused(tmp_path: Path) -> None:
    env = env_with(KIM_USERS_FILE=str(tmp_path / "benutzer.toml"), KIM_INDEX_DIR=str(tmp_path / "i"))
    proc = subprocess.run([sys.executable, "app.py", "--host", "0.0.0.0"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0 and "KIM_ALLOW_ANONYMOUS=1" in proc.stderr
    assert not (tmp_path / "i").exists()  # refused before anything was built


def test_questions_are_rate_limited_per_user(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from assistant.config import Settings
    from assistant.ui.server import create_app
    from assistant.ui.service import ChatService

    settings = Settings(index_dir=tmp_path / "index", corpus_dirs=[write_corpus(tmp_path / "c")],
                        upload_dir=tmp_path / "uploads", embed_model="none",
                        users_file=tmp_path / "benutzer.toml", audit_file=tmp_path / "audit.jsonl",
                        questions_per_minute=3)
    service = ChatService.start(settings, progress=False)
    client = TestClient(create_app(service), base_url="http://127.0.0.1:7860",
                        client=("127.0.0.1", 50000))
    responses = [client.post("/api/frage", json={"frage": "Was ist KIM?"}) for _ in range(4)]
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert "Zu viele Fragen" in responses[-1].json()["fehler"]
