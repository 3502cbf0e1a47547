"""Users, sessions, proxies, hosts, roles, rate limits, the audit log and question cleaning."""

import json
import stat
import time
from pathlib import Path

import pytest

from assistant.access.audit import AuditLog, read_audit
from assistant.access.gate import COOKIE, Gate
from assistant.access.limits import RateLimit
from assistant.access.roles import normalize_visibility, sees, visibility_filter
from assistant.access.users import UserError, UserStore, verify_password
from assistant.config import Settings
from assistant.errors import KimError
from assistant.german.text import clean_question
from assistant.ui.render import inert_markdown


def _settings(tmp_path: Path, **values: object) -> Settings:
    return Settings(users_file=tmp_path / "zugang" / "benutzer.toml",
                    audit_file=tmp_path / "zugang" / "audit.jsonl", **values)  # type: ignore[arg-type]


def test_passwords_are_stored_as_salted_hashes_in_a_private_file(tmp_path: Path) -> None:
    store = UserStore(tmp_path / "benutzer.toml")
    store.add("Anna", "rat", "richtig-geheim-1")
    store.add("bernd", "rat", "richtig-geheim-1")
    text = store.path.read_text(encoding="utf-8")
    assert "richtig-geheim-1" not in text
    anna, bernd = store.get("anna"), store.get("bernd")
    assert anna and bernd and anna.password_hash != bernd.password_hash  # salted
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert store.authenticate("ANNA", "richtig-geheim-1") == anna
    assert store.authenticate("anna", "falsch-geheim-1") is None
    assert store.authenticate("niemand", "richtig-geheim-1") is None
    assert not verify_password("x", "kaputt$1$2")


def test_user_management_refuses_bad_input_in_german(tmp_path: Path) -> None:
    store = UserStore(tmp_path / "benutzer.toml")
    with pytest.raises(UserError, match="zu kurz"):
        store.add("anna", "rat", "kurz")
    with pytest.raises(KimError, match="Unbekannte Rolle"):
        store.add("anna", "chef", "lang-genug-123")
    with pytest.raises(UserError, match="Ungültiger Benutzername"):
        store.add("anna meier", "rat", "lang-genug-123")
    with pytest.raises(UserError, match="gibt es nicht"):
        store.remove("anna")


def _gate(tmp_path: Path, **values: object) -> Gate:
    return Gate(_settings(tmp_path, **values))


def test_without_users_only_this_computer_gets_in_with_full_rights(tmp_path: Path) -> None:
    gate = _gate(tmp_path)
    local = gate.identify({}, {}, "127.0.0.1")
    assert local is not None and local.role == "admin"
    assert gate.identify({}, {}, "10.1.2.3") is None
    # A reverse proxy on this computer forwards strangers: they are not the local user.
    assert gate.identify({"x-forwarded-for": "10.1.2.3"}, {}, "127.0.0.1") is None


def test_binding_to_the_network_without_sign_in_needs_an_explicit_yes(tmp_path: Path) -> None:
    with pytest.raises(KimError, match="KIM_ALLOW_ANONYMOUS=1"):
        _gate(tmp_path, host="0.0.0.0").check_startup()
    warning = _gate(tmp_path, host="0.0.0.0", allow_anonymous=True).check_startup()
    assert "WARNUNG" in warning and "KIM_ALLOWED_HOSTS" in warning  # else only localhost works
    anonymous = _gate(tmp_path, host="0.0.0.0", allow_anonymous=True).identify({}, {}, "10.1.2.3")
    assert anonymous is not None and anonymous.role == "oeffentlich"


def test_sessions_are_signed_expire_and_end_with_a_new_password(tmp_path: Path) -> None:
    gate = _gate(tmp_path)
    user = gate.users.add("anna", "rat", "richtig-geheim-1")
    cookie = gate.session_cookie(user)
    found = gate.identify({}, {COOKIE: cookie}, "10.1.2.3")
    assert found is not None and (found.name, found.role) == ("anna", "rat")
    name, expires, mac = cookie.split(".")
    assert gate.identify({}, {COOKIE: f"{name}.{int(expires) + 999}.{mac}"}, "10.1.2.3") is None
    assert gate.identify({}, {COOKIE: "anna.1.abc"}, "10.1.2.3") is None
    gate.users.set_role("anna", "verwaltung")
    promoted = gate.identify({}, {COOKIE: cookie}, "10.1.2.3")
    assert promoted is not None and promoted.role == "verwaltung"  # the file, not the cookie
    time.sleep(0.01)
    gate.users.add("anna", "rat", "neues-geheimnis-2")
    assert gate.identify({}, {COOKIE: cookie}, "10.1.2.3") is None
    short = _gate(tmp_path, session_hours=1e-6)
    stale = short.session_cookie(short.users.get("anna"))  # type: ignore[arg-type]
    time.sleep(0.05)
    assert short.identify({}, {COOKIE: stale}, "10.1.2.3") is None


def test_proxy_headers_count_only_from_trusted_proxies(tmp_path: Path) -> None:
    gate = _gate(tmp_path, trusted_proxies=["10.0.0.0/24"],
                 proxy_roles={"GG-KIM-Verwaltung": "verwaltung", "GG-Rat": "rat"})
    headers = {"x-forwarded-user": "m.muster", "x-forwarded-groups": "GG-Rat; GG-KIM-Verwaltung"}
    trusted = gate.identify(headers, {}, "10.0.0.7")
    assert trusted is not None and (trusted.name, trusted.role) == ("m.muster", "verwaltung")
    assert gate.identify(headers, {}, "192.168.5.5") is None  # anyone can send the header
    plain = gate.identify({"x-forwarded-user": "gast"}, {}, "10.0.0.7")
    assert plain is not None and plain.role == "oeffentlich"  # signed in, but no KIM group
    default = _gate(tmp_path, trusted_proxies=["10.0.0.7"])
    staff = default.identify({"x-forwarded-user": "x", "x-forwarded-groups": "kim-rat"}, {},
                             "10.0.0.7")
    assert staff is not None and staff.role == "rat"


def test_only_configured_host_names_are_served(tmp_path: Path) -> None:
    gate = _gate(tmp_path, allowed_hosts=["kim.kreis.intern"])
    for host in ["127.0.0.1:7860", "localhost", "[::1]:7860", "kim.kreis.intern",
                 "KIM.kreis.intern:443"]:
        assert gate.host_allowed(host), host
    for host in ["attacker.example", "attacker.example:7860", "", "127.0.0.1.nip.io"]:
        assert not gate.host_allowed(host), host


def test_visibility_is_an_allow_list_that_fails_closed() -> None:
    assert normalize_visibility("Nicht öffentlich") == "nichtöffentlich"
    assert normalize_visibility("öffentlich") == "öffentlich"
    assert normalize_visibility("Ratsmitglieder") == "rat"
    assert normalize_visibility("geheim?") == "nichtöffentlich"  # unknown: hidden
    assert visibility_filter("oeffentlich") == {"visibility_in": ["öffentlich"]}
    assert visibility_filter("verwaltung") == {}
    assert sees("rat", "rat") and not sees("rat", "nichtöffentlich")
    assert not sees("oeffentlich", "irgendwas")


def test_rate_limits_count_per_user() -> None:
    limit = RateLimit(3, 60)
    assert [limit.allow("anna") for _ in range(4)] == [True, True, True, False]
    assert limit.allow("bernd")


def test_the_audit_log_rotates_is_private_and_reads_back_in_order(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch
                                                                  ) -> None:
    monkeypatch.setattr("assistant.access.audit.MAX_BYTES", 2000)
    log = AuditLog(tmp_path / "audit.jsonl")
    for i in range(60):
        log.record("frage", "anna", rolle="rat", frage=f"Frage {i}")
    assert (tmp_path / "audit.jsonl.1").is_file()
    assert stat.S_IMODE((tmp_path / "audit.jsonl").stat().st_mode) == 0o600
    entries = list(read_audit(tmp_path / "audit.jsonl"))
    questions = [int(e["frage"].split()[1]) for e in entries]
    assert questions == sorted(questions) and questions[-1] == 59
    assert json.loads((tmp_path / "audit.jsonl").read_text().splitlines()[-1])["benutzer"] == "anna"


def test_invisible_characters_are_taken_out_of_questions() -> None:
    assert clean_question("Lenkungs\u200bgruppe\u00ad? \u202eKIM\u2066") == "Lenkungsgruppe? KIM"
    assert clean_question("Wer\x00ist\x1b da?") == "Wer ist  da?"


def test_links_from_documents_are_shown_but_never_linked() -> None:
    shown = inert_markdown("Anträge [beim Ministerium](http://phish.example/login) oder unter "
                           "www.phish.example/hilfe. Kontakt: kim@kreis.de [1] "
                           "[x](javascript:alert(1))")
    assert "beim Ministerium (`http://phish.example/login`)" in shown
    assert "`www.phish.example/hilfe`." in shown and "`kim@kreis.de`" in shown
    assert "](" not in shown and "[1]" in shown


def test_rate_limits_forget_idle_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("assistant.access.limits._MAX_KEYS", 5)
    limit = RateLimit(1, 0.01)
    for i in range(6):
        limit.allow(f"adresse-{i}")
    time.sleep(0.02)
    assert limit.allow("neu") and len(limit._events) == 1
