"""A statement compiled once per dialect from its SQLAlchemy construct, run on the DBAPI cursor."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.expression import ClauseElement


@dataclass
class _Form:
    """One dialect's SQL, its parameters in order, and how to convert values both ways."""

    sql: str
    positional: bool
    names: tuple[str, ...]  # each parameter's name, in the statement's order
    keys: tuple[str, ...]  # the names as the SQL writes them (a named paramstyle's keys)
    given: tuple[bool, ...]  # from the caller (True) or fixed in the construct (False)
    fixed: tuple[Any, ...]  # the construct's own values, converted once
    binds: tuple[Callable[[Any], Any] | None, ...]
    types: tuple[Any, ...]  # the result columns' types for this dialect
    row: Any  # a named tuple of the result's columns
    results: tuple[tuple[int, Callable[[Any], Any]], ...] | None = None  # set at the first run


class Prepared:
    """`statement` run without SQLAlchemy's per-statement work: compiled once per dialect (and
    set of parameter names), values converted by the columns' types, rows read as tuples.

    For the answer's few statements (one per answer each): the construct stays their one
    definition; errors are raised as SQLAlchemy's, as `Connection.execute` raises them.
    """

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._forms: dict[tuple[str, tuple[str, ...]], _Form] = {}

    def _form(self, conn: Connection, keys: tuple[str, ...]) -> _Form:
        dialect = conn.dialect
        form = self._forms.get((dialect.name, keys))
        if form is not None:
            return form
        compiled: Any = self.statement.compile(dialect=dialect, column_keys=list(keys))
        if compiled.insert_prefetch or compiled.update_prefetch or compiled.post_compile_params:
            raise TypeError("a prepared statement needs every value given (no defaults, no IN)")
        binds = {name: bind for bind, name in compiled.bind_names.items()}
        names = tuple(compiled.positiontup) if compiled.positional else tuple(binds)
        processors = [
            binds[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names
        ]
        given = tuple(name in keys for name in names)
        fixed = tuple(
            None if is_given else _converted(p, binds[name].effective_value)
            for name, is_given, p in zip(names, given, processors, strict=True)
        )
        result_columns = list(getattr(self.statement, "exported_columns", ()))  # or RETURNING's
        form = _Form(
            sql=compiled.string,
            positional=compiled.positional,
            names=names,
            keys=tuple(compiled.escaped_bind_names.get(name, name) for name in names),
            given=given,
            fixed=fixed,
            binds=tuple(processors),
            types=tuple(c.type.dialect_impl(dialect) for c in result_columns),
            row=namedtuple("Row", [c.key for c in result_columns], rename=True),  # type: ignore[misc]
        )
        self._forms[(dialect.name, keys)] = form
        return form

    def run(self, conn: Connection, values: Mapping[str, Any]) -> _Cursor:
        """Execute in `conn`'s transaction; its rows (or count) to read."""
        form = self._form(conn, tuple(values))
        return self._execute(conn, form, "execute", _params(form, values))

    def run_many(self, conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """Execute once per row (each with the first row's keys) in `conn`'s transaction."""
        if rows:
            form = self._form(conn, tuple(rows[0]))
            self._execute(conn, form, "executemany", [_params(form, r) for r in rows]).close()

    @staticmethod
    def _execute(conn: Connection, form: _Form, method: str, params: Any) -> _Cursor:
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            getattr(cursor, method)(form.sql, params)
        except conn.dialect.loaded_dbapi.Error as exc:
            cursor.close()
            error = conn.dialect.loaded_dbapi.Error
            raise DBAPIError.instance(form.sql, params, exc, error) from exc
        if form.results is None and cursor.description is not None:
            # the driver's column types decide some conversions (PostgreSQL's numbers)
            form.results = tuple(
                (i, convert)
                for i, (kind, column) in enumerate(zip(form.types, cursor.description, strict=True))
                if (convert := kind.result_processor(conn.dialect, column[1]))
            )
        return _Cursor(cursor, form, conn.dialect.loaded_dbapi.Error)


def _converted(convert: Callable[[Any], Any] | None, value: Any) -> Any:
    return convert(value) if convert else value


def _params(form: _Form, values: Mapping[str, Any]) -> Any:
    """The values in the statement's order, converted, as the driver's paramstyle takes them."""
    params = tuple(
        (p(values[name]) if p else values[name]) if is_given else fixed
        for name, is_given, fixed, p in zip(
            form.names, form.given, form.fixed, form.binds, strict=True
        )
    )
    return params if form.positional else dict(zip(form.keys, params, strict=True))


class _Cursor:
    """A run statement's rows, converted by their columns' types."""

    def __init__(self, cursor: Any, form: _Form, error: type[Exception]) -> None:
        self.cursor = cursor
        self.form = form
        self.error = error  # the driver's: raised as SQLAlchemy's, as when it runs

    def count(self) -> int:
        """The rows the statement changed (the cursor is closed)."""
        count = int(self.cursor.rowcount)
        self.cursor.close()
        return count

    def all(self) -> list[Any]:
        try:
            return [self._row(row) for row in self.cursor.fetchall()]
        except self.error as exc:  # a later step of SQLite's statement (a damaged page)
            raise DBAPIError.instance(self.form.sql, None, exc, self.error) from exc
        finally:
            self.cursor.close()

    def first(self) -> Any:
        rows = self.all()
        return rows[0] if rows else None

    def _row(self, row: Any) -> Any:
        if not self.form.results:
            return self.form.row._make(row)
        values = list(row)
        for i, convert in self.form.results:
            values[i] = convert(values[i])
        return self.form.row._make(values)

    def close(self) -> None:
        self.cursor.close()
