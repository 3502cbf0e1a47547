"""Users with scrypt-hashed passwords in one TOML file (``KIM_USERS_FILE``), managed by `kim user`.

The file holds no password, only salted hashes; it is written atomically with mode 0600.
"""

import base64
import hashlib
import hmac
import secrets
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from assistant.access.roles import check_role
from assistant.errors import KimError
from assistant.files import write_whole

# scrypt's cost: about 50 ms a check here – cheap for a sign-in, dear for guessing.
_N, _R, _P = 2**14, 8, 1
_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-@")
MIN_PASSWORD = 10


class UserError(KimError):
    pass


@dataclass(frozen=True)
class User:
    name: str
    role: str
    password_hash: str

    @property
    def fingerprint(self) -> str:
        """Changes with the password: sessions signed before a change stop working."""
        return hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        actual = hashlib.scrypt(password.encode(), salt=_unb64(salt), n=int(n), r=int(r), p=int(p),
                                dklen=len(_unb64(digest)))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, _unb64(digest))


@cache
def _dummy_hash() -> str:
    """Checked against when a name is unknown, so a wrong name costs as long as a wrong password."""
    return hash_password(secrets.token_hex(8))


def check_name(name: str) -> str:
    name = (name or "").strip().lower()
    if not name or len(name) > 64 or not set(name) <= _NAME_CHARS:
        raise UserError(f"Ungültiger Benutzername „{name}“ – erlaubt sind a–z, 0–9 und . _ - @ "
                        "(höchstens 64 Zeichen).")
    return name


class UserStore:
    """Reads the file again when it changed, so `kim user` takes effect in a running chat."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp: tuple[int, int] | None = None
        self._users: dict[str, User] = {}

    def users(self) -> dict[str, User]:
        try:
            info = self.path.stat()
        except FileNotFoundError:
            self._stamp, self._users = None, {}
            return {}
        stamp = (info.st_mtime_ns, info.st_size)
        if stamp != self._stamp:
            self._users, self._stamp = self._read(), stamp
        return self._users

    def get(self, name: str) -> User | None:
        return self.users().get((name or "").strip().lower())

    def authenticate(self, name: str, password: str) -> User | None:
        user = self.get(name)
        ok = verify_password(password, user.password_hash if user else _dummy_hash())
        return user if user and ok else None

    def add(self, name: str, role: str, password: str) -> User:
        name, role = check_name(name), check_role(role)
        if len(password) < MIN_PASSWORD:
            raise UserError(f"Das Passwort ist zu kurz – mindestens {MIN_PASSWORD} Zeichen.")
        user = User(name, role, hash_password(password))
        self._write({**self.users(), name: user})
        return user

    def set_role(self, name: str, role: str) -> User:
        user = self._existing(name)
        changed = User(user.name, check_role(role), user.password_hash)
        self._write({**self.users(), user.name: changed})
        return changed

    def remove(self, name: str) -> None:
        user = self._existing(name)
        self._write({k: v for k, v in self.users().items() if k != user.name})

    def _existing(self, name: str) -> User:
        user = self.get(name)
        if user is None:
            raise UserError(f"Benutzer „{name}“ gibt es nicht – `kim user list` zeigt alle.")
        return user

    def _read(self) -> dict[str, User]:
        try:
            data = tomllib.loads(self.path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
            raise UserError(f"Die Benutzerdatei „{self.path}“ ist beschädigt ({err}) – bitte "
                            "prüfen oder aus der Sicherung holen.") from err
        return {name: User(name, entry["role"], entry["password"])
                for name, entry in data.get("users", {}).items()}

    def _write(self, users: dict[str, User]) -> None:
        lines = ["# KIM-Assistent: Benutzer (verwaltet mit `kim user`). Keine Passwörter, nur Hashes.",
                 ""]
        for user in sorted(users.values(), key=lambda u: u.name):
            lines += [f'[users."{user.name}"]', f'role = "{user.role}"',
                      f'password = "{user.password_hash}"', ""]
        write_whole(self.path, "\n".join(lines), private=True)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
