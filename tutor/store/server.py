"""A database server (PostgreSQL): its URL without the password, its engine, one-line errors."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url

from tutor.errors import StoreError

CONNECT_TIMEOUT_S = 10  # an unreachable host is a message after this, not a hang
EXTRA_HINT = "install the `postgres` extra (pip install 'tutor[postgres]') to use PostgreSQL"


def shown_url(url: str) -> str:
    """The URL as printed: any password replaced by ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL at all: it holds no password we could parse out
        return url


def describe(url: str) -> str:
    """Where a server collection lives, for `tutor info`: host, port, database and user."""
    parsed = make_url(url)
    host = parsed.host or "localhost (Unix socket)"
    port = f":{parsed.port}" if parsed.port else ""
    user = f", user {parsed.username}" if parsed.username else ""
    return f"{parsed.get_backend_name()} at {host}{port}, database {parsed.database}{user}"


def server_engine(url: str) -> Engine:
    """An engine for a server URL, giving up on an unreachable host after CONNECT_TIMEOUT_S."""
    parsed = make_url(url)
    connect_args: dict[str, Any] = {}
    if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_S
    try:
        return create_engine(url, connect_args=connect_args)
    except ImportError as exc:
        if parsed.get_backend_name() != "postgresql":
            hint = "tutor runs on SQLite files and PostgreSQL (postgresql+psycopg://...)"
        elif parsed.get_driver_name() != "psycopg":
            hint = "tutor talks to PostgreSQL through psycopg 3: write postgresql+psycopg://..."
        else:
            hint = EXTRA_HINT
        raise StoreError(f"cannot use {shown_url(url)}: {exc.name} is missing; {hint}") from None


# What a server says when a connection fails, and what to do about it.
_CONNECTION_FAILURES = (
    (
        re.compile(r'database "(?P<name>[^"]*)" does not exist'),
        "the database {name} does not exist on the server; create it (createdb {name}) or "
        "give another --db",
    ),
    (
        re.compile(r'role "(?P<name>[^"]*)" does not exist'),
        "the server refused the login: there is no user {name}; give another user in --db",
    ),
    (
        re.compile(r'(password|ident|peer) authentication failed for user "(?P<name>[^"]*)"'),
        "the server refused the login of user {name} (wrong or missing password); fix the "
        "password in --db or in ~/.pgpass",
    ),
    (
        re.compile(r"no password supplied|pg_hba\.conf|password authentication"),
        "the server refused the login; give a user and password it accepts in --db",
    ),
    (
        re.compile(r"failed to resolve host '(?P<name>[^']*)'"),
        "cannot reach the server: no host named {name}; check the host in --db",
    ),
    (
        re.compile(r"Connection refused|timeout expired|No route to host|Network is unreachable"),
        "cannot reach the server (is it running, and accepting connections on that host and port?)",
    ),
)


def connection_error(url: str, message: str) -> StoreError | None:
    """A failed connection to a server as one line naming the URL (no password), else None."""
    if make_url(url).get_backend_name() == "sqlite":
        return None
    for pattern, advice in _CONNECTION_FAILURES:
        found = pattern.search(message)
        if found is not None:
            name = found.groupdict().get("name") or ""
            return StoreError(f"{shown_url(url)}: {advice.format(name=name)}")
    return None


def one_line(message: str) -> str:
    """A driver's message on one line (PostgreSQL's carry DETAIL and HINT lines)."""
    return " ".join(part.strip() for part in message.splitlines() if part.strip())


def advance_sequences(conn: Connection) -> None:
    """After rows went in with their ids given (a rebuilt export, a synthetic collection), move
    PostgreSQL's id sequences past them, or the next answer collides with an existing id.
    SQLite takes the next id from the table itself: nothing to do there."""
    if conn.dialect.name != "postgresql":
        return
    from sqlmodel import SQLModel

    for table in SQLModel.metadata.sorted_tables:
        if "id" not in table.c or not table.c.id.primary_key or not table.c.id.autoincrement:
            continue
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table.name}"
            )
        )
