"""Fixtures shared by the whole suite: real databases on both backends.

PostgreSQL tests use the server named by WATCHFLOOR_TEST_POSTGRES_URL (default: the local
server on 127.0.0.1:5432, database `test`), each test in a schema of its own that is dropped
afterwards. When the server is unreachable they are skipped on a developer machine and FAIL
in CI (CI=true), so a CI run can never pass without exercising PostgreSQL.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from demo_site import DemoSite, start_demo
from watchfloor.store import Database

POSTGRES_URL = os.environ.get(
    "WATCHFLOOR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def _postgres_unavailable(reason: str) -> None:
    message = (
        f"PostgreSQL at {POSTGRES_URL} is unreachable ({reason}); start it with "
        "`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` "
        "or point WATCHFLOOR_TEST_POSTGRES_URL at a server"
    )
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    engine = create_engine(POSTGRES_URL)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        _postgres_unavailable(str(exc.orig).strip().splitlines()[0])
    finally:
        engine.dispose()
    return POSTGRES_URL


@pytest.fixture
def postgres_url(postgres_admin_url: str) -> Iterator[str]:
    """URL of a fresh, empty schema on the test server, dropped after the test."""
    schema = f"wf_test_{uuid.uuid4().hex[:12]}"
    engine = create_engine(postgres_admin_url)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in postgres_admin_url else "?"
    yield f"{postgres_admin_url}{separator}options=-csearch_path%3D{schema}"
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'watchfloor.sqlite'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """Each test using this runs twice: on SQLite and on PostgreSQL."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(fixture))


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database.open(db_url)
    yield database
    database.close()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared (seeds and benchmarks); tests that need it skip when it is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} not found (the project's shared folder sits beside the repo)")
    return SHARED


@pytest.fixture(scope="session")
def gazetteer():  # type: ignore[no-untyped-def]
    """The embedded gazetteer, opened where the application keeps it (built once per machine
    and per change of its sources); WATCHFLOOR_TEST_GAZETTEER names another file."""
    from watchfloor.knowledge.gazetteer import open_gazetteer

    return open_gazetteer(os.environ.get("WATCHFLOOR_TEST_GAZETTEER") or None)


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoSite]:
    """`watchfloor demo` serving the ingested and extracted sample corpus on a free loopback
    port (one run per session, shared by the demo and browser tests); stopped with Ctrl+C."""
    site = start_demo(tmp_path_factory.mktemp("demo") / "demo.sqlite")
    yield site
    site.stop()
