"""One secured chat for the web and browser tests of this package: users, a trusted proxy,
anonymous visitors allowed (public documents only)."""

from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from assistant.access.users import UserStore
from tests.access.corpus import write_corpus
from tests.ui.conftest import RunningApp, start_app, stop_app

USERS = {"anna": "rat", "vera": "verwaltung"}


def password(name: str) -> str:
    return f"{name}-passwort-123"


@pytest.fixture(scope="package")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    tmp = tmp_path_factory.mktemp("web")
    store = UserStore(tmp / "zugang" / "benutzer.toml")
    for name, role in USERS.items():
        store.add(name, role, password(name))
    proc, running = start_app(tmp, [write_corpus(tmp / "corpus")], KIM_ALLOW_ANONYMOUS="1",
                              KIM_TRUSTED_PROXIES='["127.0.0.1"]', KIM_QUESTIONS_PER_MINUTE="500",
                              GRADIO_TEMP_DIR=str(tmp / "gradio"))
    yield running
    stop_app(proc)


@contextmanager
def signed_in(app: RunningApp, name: str) -> Iterator[httpx.Client]:
    """A client holding the session cookie of ``name``, as a script would sign in."""
    with httpx.Client(base_url=app.url, timeout=60) as client:
        response = client.post("/anmelden", json={"name": name, "passwort": password(name)})
        assert response.status_code == 200 and response.json()["rolle"] == USERS[name]
        yield client


