"""Who is asking: a signed session cookie, a trusted single-sign-on proxy, the local user, or
an anonymous visitor – in that order – and whether the request's Host may be served at all.

Modes (README, „Anmeldung und Rollen“):
- nothing configured: only this computer reaches the chat, with full rights (like the CLI);
- users (`kim user add`) or trusted proxies configured: everyone signs in;
- ``KIM_ALLOW_ANONYMOUS=1``: whoever is not signed in sees public documents only.
"""

import base64
import hashlib
import hmac
import ipaddress
import os
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from assistant.access.roles import ROLES, check_role, highest
from assistant.access.users import User, UserStore
from assistant.config import Settings
from assistant.errors import KimError

COOKIE = "kim_sitzung"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
_WILDCARD_BINDS = {"0.0.0.0", "::", ""}
_PROXY_MARKS = ("x-forwarded-for", "forwarded", "x-real-ip")


@dataclass(frozen=True)
class Identity:
    name: str
    role: str
    via: str  # passwort / proxy / lokal / anonym


class Gate:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.users = UserStore(settings.users_file)
        self._proxies = [ipaddress.ip_network(p, strict=False) for p in settings.trusted_proxies]
        self._secret: bytes | None = None
        self.allowed_hosts = {h.lower().strip("[]") for h in settings.allowed_hosts} | LOCAL_HOSTS
        if settings.host not in _WILDCARD_BINDS:
            self.allowed_hosts.add(settings.host.lower().strip("[]"))

    @property
    def sign_in_required(self) -> bool:
        return bool(self._proxies) or bool(self.users.users())

    def check_startup(self) -> str:
        """A German warning for the log, "" when none; a KimError when serving would be unsafe."""
        local = self.settings.host in LOCAL_HOSTS
        names = "" if local or self.settings.allowed_hosts else (
            " Hinweis: Es werden nur Anfragen an localhost beantwortet – die Namen, unter denen "
            "der Chat im Netz erreichbar ist, in KIM_ALLOWED_HOSTS eintragen.")
        if self.sign_in_required or local:
            anonymous = ("Anonyme Besucher sehen nur öffentliche Dokumente "
                         "(KIM_ALLOW_ANONYMOUS=1)." if self.settings.allow_anonymous else "")
            return (anonymous + names).strip()
        if not self.settings.allow_anonymous:
            raise KimError(
                f"Der Chat soll unter {self.settings.host} erreichbar sein, aber es ist keine "
                "Anmeldung eingerichtet – Benutzer anlegen (`kim user add NAME --role rat`), "
                "einen Proxy mit Single Sign-on eintragen (KIM_TRUSTED_PROXIES) oder bewusst "
                "KIM_ALLOW_ANONYMOUS=1 setzen (dann nur öffentliche Dokumente).")
        return (f"WARNUNG: Der Chat ist unter {self.settings.host} ohne Anmeldung erreichbar "
                "(KIM_ALLOW_ANONYMOUS=1) – jeder im Netz sieht die öffentlichen Dokumente."
                + names)

    def mode(self) -> str:
        """How people get in, in plain German (the startup log)."""
        if self.sign_in_required:
            ways = [w for w, on in [("Benutzer und Passwort", bool(self.users.users())),
                                    ("Single Sign-on über Proxy", bool(self._proxies))] if on]
            extra = "; ohne Anmeldung nur Öffentliches" if self.settings.allow_anonymous else ""
            return f"Anmeldung mit {' oder '.join(ways)}{extra}"
        if self.settings.allow_anonymous:
            return "ohne Anmeldung, nur öffentliche Dokumente"
        return "nur von diesem Rechner, mit allen Rechten (keine Benutzer eingerichtet)"

    def host_allowed(self, host_header: str | None) -> bool:
        host = (host_header or "").strip().lower()
        if host.startswith("["):  # [::1]:7860
            host = host[1:].split("]", 1)[0]
        elif host.count(":") == 1:
            host = host.split(":", 1)[0]
        return host in self.allowed_hosts

    def identify(self, headers: Mapping[str, str], cookies: Mapping[str, str],
                 client: str | None) -> Identity | None:
        """``headers`` with lower-case names. None: the request must sign in first."""
        proxied = self._trusted_proxy(client)
        if proxied and headers.get("x-forwarded-user"):
            return self._proxy_identity(headers)
        user = self.session_user(cookies.get(COOKIE, ""))
        if user is not None:
            return Identity(user.name, user.role, "passwort")
        if not self.sign_in_required and not self.settings.allow_anonymous \
                and _is_loopback(client) and not any(h in headers for h in _PROXY_MARKS):
            return Identity("lokal", "admin", "lokal")
        if self.settings.allow_anonymous:
            return Identity("anonym", "oeffentlich", "anonym")
        return None

    def _proxy_identity(self, headers: Mapping[str, str]) -> Identity:
        groups = [g.strip().lower() for g in headers.get("x-forwarded-groups", "").replace(";", ",")
                  .split(",") if g.strip()]
        mapping = {k.lower(): check_role(v) for k, v in self.settings.proxy_roles.items()} or \
            {**{r: r for r in ROLES}, **{f"kim-{r}": r for r in ROLES}}
        role = highest([mapping[g] for g in groups if g in mapping]) or "oeffentlich"
        return Identity(headers["x-forwarded-user"].strip()[:64], role, "proxy")

    def _trusted_proxy(self, client: str | None) -> bool:
        try:
            address = ipaddress.ip_address(client or "")
        except ValueError:
            return False
        return any(address in network for network in self._proxies)

    # Sessions: "name.expiry.fingerprint-mac", signed with a key kept beside the users file.
    def session_cookie(self, user: User) -> str:
        expires = int(time.time() + self.settings.session_hours * 3600)
        name = base64.urlsafe_b64encode(user.name.encode()).decode().rstrip("=")
        payload = f"{name}.{expires}"
        return f"{payload}.{self._mac(payload, user)}"

    def session_user(self, cookie: str) -> User | None:
        try:
            name_part, expires, mac = cookie.split(".")
            name = base64.urlsafe_b64decode(name_part + "=" * (-len(name_part) % 4)).decode()
            if int(expires) < time.time():
                return None
        except (ValueError, UnicodeDecodeError):
            return None
        user = self.users.get(name)
        if user is None or not hmac.compare_digest(mac, self._mac(f"{name_part}.{expires}", user)):
            return None
        return user

    def _mac(self, payload: str, user: User) -> str:
        message = f"{payload}.{user.fingerprint}".encode()
        return hmac.new(self._key(), message, hashlib.sha256).hexdigest()

    def _key(self) -> bytes:
        if self._secret is None:
            self._secret = _read_or_create_secret(self.settings.users_file.parent / "sitzungsschluessel")
        return self._secret


def _is_loopback(client: str | None) -> bool:
    try:
        return ipaddress.ip_address(client or "").is_loopback
    except ValueError:
        return False


def _read_or_create_secret(path: Path) -> bytes:
    if path.is_file():
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process was quicker
        return path.read_bytes()
    with os.fdopen(handle, "wb") as out:
        out.write(secrets.token_bytes(32))
    return path.read_bytes()
