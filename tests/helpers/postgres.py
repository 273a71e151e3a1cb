"""A PostgreSQL server for the tests: $TUTOR_TEST_PG_URL, else a throwaway one started here, and a
fresh database on it for each test."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent.parent
PG_SERVER = REPO / "scripts" / "pg_server.sh"
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
URL_VARIABLE = "TUTOR_TEST_PG_URL"
HOW_TO_RUN = (
    f"to run them: install the `postgres` extra (.venv/bin/pip install -e '.[test,postgres]') "
    f"and either PostgreSQL's server binaries in {PG_BIN} (Debian: apt-get install postgresql; "
    f"set PG_BIN for another folder) or a server in ${URL_VARIABLE} "
    "(postgresql+psycopg://user@host:port/db, a user allowed to CREATE DATABASE); "
    "`.ci/run` does this itself"
)


@dataclass(frozen=True)
class Server:
    """A running server: the URL of a database on it whose user may create databases."""

    url: str

    def database_url(self, name: str) -> str:
        from sqlalchemy.engine import make_url

        return make_url(self.url).set(database=name).render_as_string(hide_password=False)

    @contextmanager
    def fresh_database(self) -> Iterator[str]:
        """A new empty database (its URL), dropped afterwards with any connection left to it."""
        name = f"tutor_test_{uuid.uuid4().hex[:12]}"
        with _admin(self.url) as admin:
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        try:
            yield self.database_url(name)
        finally:
            with _admin(self.url) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def _admin(url: str) -> Iterator[Any]:
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    with psycopg.connect(
        host=parsed.host,
        port=parsed.port,
        user=parsed.username,
        password=parsed.password,
        dbname=parsed.database,
        autocommit=True,
    ) as conn:
        yield conn


def unavailable() -> str | None:
    """Why the PostgreSQL tests cannot run here (None if they can)."""
    if importlib.util.find_spec("psycopg") is None:
        return "psycopg (the `postgres` extra) is not installed"
    if os.environ.get(URL_VARIABLE):
        return None
    if not (PG_BIN / "initdb").exists():
        return f"no ${URL_VARIABLE} and no PostgreSQL server binaries in {PG_BIN}"
    return None


@contextmanager
def server() -> Iterator[Server]:
    """The server of $TUTOR_TEST_PG_URL, else one started now in a temp folder and removed after."""
    given = os.environ.get(URL_VARIABLE)
    if given:
        yield Server(given)
        return
    folder = Path(tempfile.mkdtemp(prefix="tutor-pg-"))
    try:
        started = subprocess.run(
            [str(PG_SERVER), "start", str(folder)],
            capture_output=True,
            text=True,
            env={**os.environ, "PG_BIN": str(PG_BIN)},
            check=False,
        )
        if started.returncode != 0:
            raise RuntimeError(f"cannot start a PostgreSQL server: {started.stderr.strip()}")
        yield Server(started.stdout.strip())
    finally:
        subprocess.run([str(PG_SERVER), "stop", str(folder)], capture_output=True, check=False)
        shutil.rmtree(folder, ignore_errors=True)
