"""The register through the DB-API driver: the lean path of the commands staff type.

Runs the SQL compiled from statements.py (statements_sql.py) on a sqlite3 or psycopg
connection, converting parameters and results by their kinds exactly as SQLAlchemy's
types would, so rows written on either path read the same on the other. Imports neither
SQLAlchemy nor pydantic: a one-shot command pays for its few milliseconds of SQL, not
for half a second of imports.

`Register` wraps a connection in one transaction (BEGIN IMMEDIATE on SQLite for
writers, as db.py does); `over_session` wraps the connection of a SQLAlchemy Session, so
a use case run inside a Session (import, export) uses the same statements.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from .errors import StorageError
from .i18n import _

if TYPE_CHECKING:
    from sqlmodel import Session

_SQLITE_INSTANT = "%Y-%m-%d %H:%M:%S.%f"  # SQLAlchemy's storage format for DateTime on SQLite


def _sqlite_in(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "time":
        return value.astimezone(UTC).strftime(_SQLITE_INSTANT)
    if kind == "date":
        return value.isoformat()
    if kind == "flag":
        return 1 if value else 0
    return value


def _sqlite_out(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "time":
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "flag":
        return bool(value)
    return value


def _server_in(value: Any, kind: str) -> Any:
    if kind == "time" and value is not None:
        return value.astimezone(UTC)
    return value


def _server_out(value: Any, kind: str) -> Any:
    if kind == "time" and value is not None:
        return value.astimezone(UTC)
    return value


class Row:
    """A result row whose columns read as attributes (`row.no`), like SQLAlchemy's."""

    __slots__ = ("_names", "_values")

    def __init__(self, names: dict[str, int], values: Sequence[Any]) -> None:
        self._names = names
        self._values = values

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[self._names[name]]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, index: int) -> Any:
        return self._values[index]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def as_dict(self) -> dict[str, Any]:
        return dict(zip(self._names, self._values))

    def __repr__(self) -> str:
        return f"Row({self.as_dict()!r})"


class Entity:
    """A row of a table the writes change, as a mutable object: its columns are its
    attributes, as on the ORM's objects, so a use case reads and sets them the same way.
    The Register that read or added it writes back what changed (Register.flush)."""

    def __init__(self, table: str, values: dict[str, Any]) -> None:
        self.__dict__.update(values)
        self.__dict__["_table"] = table
        self.__dict__["_saved"] = dict(values)

    def __getattr__(self, name: str) -> Any:  # for type checkers: columns are set in __init__
        raise AttributeError(name)

    def __setattr__(self, name: str, value: Any) -> None:
        self.__dict__[name] = value

    def changed(self) -> bool:
        """Whether a column was set to another value since it was read or written."""
        values = self.__dict__
        return any(values[column] != saved for column, saved in values["_saved"].items())

    def columns(self) -> dict[str, Any]:
        return {column: self.__dict__[column] for column in self.__dict__["_saved"]}

    def _mark_saved(self) -> None:
        self.__dict__["_saved"] = self.columns()

    def __repr__(self) -> str:
        return f"Entity({self.__dict__['_table']!r}, {self.columns()!r})"


class Register:
    """One open transaction on the register, running named statements."""

    def __init__(self, connection: Any, dialect: str) -> None:
        from .statements_sql import FRAGMENTS, STATEMENTS, TABLES

        self.connection = connection
        self.dialect = dialect
        self._statements: dict[str, Any] = STATEMENTS[dialect]
        self._fragments: dict[str, Any] = FRAGMENTS[dialect]
        self._tables: dict[str, Any] = TABLES
        self._in, self._out = (_sqlite_in, _sqlite_out) if dialect == "sqlite" else (_server_in, _server_out)
        self._placeholder = ":{}" if dialect == "sqlite" else "%({})s"
        # Entities read or added in this transaction, by table and key: one object per row.
        self._entities: dict[tuple[str, tuple[Any, ...]], Entity] = {}
        # How history entries written in this transaction are marked when the clock is set (clock.py).
        self.clock_mark: str | None = None
        # Per-transaction memo of the use cases (the chain's head).
        self.memo: dict[str, Any] = {}

    # -- reading

    def rows(self, name: str, /, where: Iterable[tuple[str, dict[str, Any]]] = (), **params: Any) -> list[Row]:
        """The statement's rows, converted; `where` fills a template's __WHERE__ with
        (fragment, its parameters) pairs, joined by AND."""
        names = {column: index for index, (column, _kind) in enumerate(self._statements[name].get("columns", ()))}
        return [Row(names, values) for values in self.tuples(name, where, **params)]

    def tuples(self, name: str, /, where: Iterable[tuple[str, dict[str, Any]]] = (), **params: Any) -> list[Sequence[Any]]:
        """The statement's rows as plain sequences, converted (for answers of thousands of rows).
        Changed entities are written first, so a read sees this transaction's writes."""
        self.flush()
        return self._run(name, where, params)

    def column_names(self, name: str) -> list[str]:
        """The names of a statement's result columns, in order."""
        return [column for column, _kind in self._statements[name].get("columns", ())]

    def each(self, name: str, /, where: Iterable[tuple[str, dict[str, Any]]] = (), **params: Any) -> Iterator[Sequence[Any]]:
        """The statement's rows one at a time, converted, fetched a few thousand at a time:
        a year's history is never held whole (run no other statement until it is read)."""
        self.flush()
        statement = self._statements[name]
        sql, bound = self._sql(statement, where, params)
        yield from self._fetched(statement, self.connection.cursor(), sql, bound, 5000)

    def _fetched(
        self, statement: dict[str, Any], cursor: Any, sql: str, bound: dict[str, Any], batch: int
    ) -> Iterator[Sequence[Any]]:
        """The rows `cursor` gives for `sql`, converted, `batch` at a time; the cursor closed after."""
        converted = [(index, kind) for index, (_column, kind) in enumerate(statement.get("columns", ())) if kind]
        out = self._out
        try:
            cursor.execute(sql, bound)
            while fetched := cursor.fetchmany(batch):
                for values in fetched:
                    if converted:
                        values = list(values)
                        for index, kind in converted:
                            values[index] = out(values[index], kind)
                    yield values
        finally:
            cursor.close()

    def _sql(
        self, statement: dict[str, Any], where: Iterable[tuple[str, dict[str, Any]]], params: dict[str, Any]
    ) -> tuple[str, dict[str, Any]]:
        """A statement's SQL with its __WHERE__ filled, and its bound parameters."""
        sql, bound = self._bind(statement, params)
        if "__WHERE__" in sql:
            conditions = []
            for fragment_name, fragment_params in where:
                # "name#3": a fragment used more than once, its {n} replaced by 3
                base, _hash, n = fragment_name.partition("#")
                fragment = self._fragments[base]
                if n:
                    fragment = {
                        **fragment,
                        "sql": fragment["sql"].replace("{n}", n),
                        "params": tuple((p.replace("{n}", n), k) for p, k in fragment.get("params", ())),
                    }
                fragment_sql, fragment_bound = self._bind(fragment, fragment_params)
                conditions.append(f"({fragment_sql})")
                bound.update(fragment_bound)
            sql = sql.replace("__WHERE__", " AND ".join(conditions) or "1 = 1")
        return sql, bound

    def _run(self, name: str, where: Iterable[tuple[str, dict[str, Any]]], params: dict[str, Any]) -> list[Sequence[Any]]:
        statement = self._statements[name]
        sql, bound = self._sql(statement, where, params)
        cursor = self.connection.cursor()
        try:
            cursor.execute(sql, bound)
            fetched: list[Sequence[Any]] = cursor.fetchall() if statement.get("columns") else []
        finally:
            cursor.close()
        converted = [(index, kind) for index, (_column, kind) in enumerate(statement.get("columns", ())) if kind]
        if not converted:
            return fetched
        out = self._out
        for position, values in enumerate(fetched):  # in place: the raw rows go as the converted come
            row = list(values)
            for index, kind in converted:
                row[index] = out(row[index], kind)
            fetched[position] = row
        return fetched

    def stream(self, name: str, /, batch: int = 20_000, **params: Any) -> Iterator[Sequence[Any]]:
        """The statement's rows one by one, converted, read `batch` at a time (a whole table:
        on PostgreSQL through a server-side cursor, so memory stays flat)."""
        self.flush()
        statement = self._statements[name]
        sql, bound = self._bind(statement, params)
        self._streams = getattr(self, "_streams", 0) + 1
        cursor = self.connection.cursor(f"stream_{self._streams}") if self.dialect != "sqlite" else self.connection.cursor()
        yield from self._fetched(statement, cursor, sql, bound, batch)

    def one_or_none(self, name: str, /, **params: Any) -> Row | None:
        found = self.rows(name, **params)
        return found[0] if found else None

    def scalar(self, name: str, /, **params: Any) -> Any:
        row = self.one_or_none(name, **params)
        return row[0] if row is not None else None

    def scalars(self, name: str, /, **params: Any) -> list[Any]:
        return [row[0] for row in self.rows(name, **params)]

    # -- writing

    def execute(self, name: str, /, **params: Any) -> list[Sequence[Any]]:
        """Run a statement that changes rows; its RETURNING rows, if any."""
        self.flush()
        return self._run(name, (), params)

    def execute_many(self, name: str, rows: list[dict[str, Any]]) -> None:
        """Run a statement once per parameter set (history rows written in bulk)."""
        if not rows:
            return
        self.flush()
        statement = self._statements[name]
        sql = ""
        bound_rows = []
        for params in rows:
            sql, bound = self._bind(statement, params)
            bound_rows.append(bound)
        cursor = self.connection.cursor()
        try:
            cursor.executemany(sql, bound_rows)
        finally:
            cursor.close()

    def entity(self, table: str, name: str, /, **params: Any) -> Entity | None:
        """The first row of a statement over `table` as an Entity (None if there is none)."""
        found = self.entities(table, name, **params)
        return found[0] if found else None

    def entities(self, table: str, name: str, /, **params: Any) -> list[Entity]:
        """The rows of a statement over `table` as Entities. A row this transaction holds
        already is that same object, with its unsaved changes."""
        key = self._tables[table]["key"]
        out = []
        for row in self.rows(name, **params):
            values = row.as_dict()
            identity = (table, tuple(values[column] for column in key))
            held = self._entities.get(identity)
            if held is None:
                held = self._entities[identity] = Entity(table, values)
            out.append(held)
        return out

    def add(self, table: str, /, **values: Any) -> Entity:
        """Insert a row now (columns not given take the model's default) and hold it as an
        Entity, its generated id set."""
        spec = self._tables[table]
        values = {**spec["defaults"], **values}
        returned = self.execute(f"{table}_insert", **values)
        for column, value in zip(spec["generated"], returned[0] if returned else ()):
            values[column] = value
        held = Entity(table, values)
        self._entities[(table, tuple(values[column] for column in spec["key"]))] = held
        return held

    def delete(self, entity: Entity) -> None:
        table = entity.__dict__["_table"]
        key = self._tables[table]["key"]
        self.execute(f"{table}_delete", **{f"key_{column}": entity.__dict__["_saved"][column] for column in key})
        self._entities.pop((table, tuple(entity.__dict__["_saved"][column] for column in key)), None)

    def save(self, entity: Entity) -> None:
        """Write back the entity's columns if one changed."""
        if not entity.changed():
            return
        table = entity.__dict__["_table"]
        key = self._tables[table]["key"]
        params = entity.columns()
        params.update({f"key_{column}": entity.__dict__["_saved"][column] for column in key})
        self._run(f"{table}_update", (), params)
        entity._mark_saved()

    def flush(self) -> None:
        """Write back every entity of this transaction that changed."""
        for entity in self._entities.values():
            self.save(entity)

    def _bind(self, statement: dict[str, Any], params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        sql: str = statement["sql"]
        bound: dict[str, Any] = dict(statement.get("constants", {}))
        lists = statement.get("lists", ())
        for name, kind in statement.get("params", ()):
            if name not in params:
                raise KeyError(f"statement needs the parameter {name!r}")
            value = params[name]
            if name in lists:
                items = list(value)
                names = [f"{name}_{i}" for i in range(len(items))]
                for item_name, item in zip(names, items):
                    bound[item_name] = self._in(item, kind)
                marker = f"__[POSTCOMPILE_{name}]"
                sql = sql.replace(marker, ", ".join(self._placeholder.format(n) for n in names) if names else "NULL")
            else:
                bound[name] = self._in(value, kind)
        return sql, bound


def _sqlite_connect(path: str, *, write: bool) -> Any:
    import sqlite3

    from .db import BUSY_TIMEOUT_MS

    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
    return connection


def _server_connect(url: str) -> Any:
    import psycopg

    scheme, sep, rest = url.partition("://")
    return psycopg.connect(f"postgresql://{rest}", autocommit=False)


@contextmanager
def open_register(db: str | None = None, *, write: bool, create: str = "never") -> Iterator[Register]:
    """The register in one transaction: committed at the end of the block, rolled back
    if it raises (Ctrl-C included). A missing register is refused unless `create` allows
    it (db.require_register); one whose schema is older than the tool is brought up to
    date first, by db.py. A database error becomes one line (StorageError)."""
    from . import db as storage

    url = storage.database_url(db)
    path = storage._sqlite_path(url)
    if path is not None and not path.exists():
        storage.require_register(db, create=create)  # refused unless `create` allows it
        with storage.open_session(db, write=True, create=create):
            pass  # the rare path: a new register made (file, schema, WAL) by db.py
    dialect = "sqlite" if path is not None else "postgresql"
    errors = _driver_errors(dialect)
    try:
        register = _connect(url, path, dialect, write)
        if url not in storage._checked:
            if not _schema_current(register):
                # The rare path, through SQLAlchemy: a database holding no register is
                # refused; an older schema is upgraded (or refused on a server; see db.py).
                register.connection.close()
                with storage.open_session(db, write=False):
                    pass
                register = _connect(url, path, dialect, write)
            storage._checked.add(url)
    except errors as exc:
        raise StorageError(
            _("the register at {describe} cannot be used: {exc}").format(describe=storage._describe(url), exc=exc)
        ) from None
    connection = register.connection
    try:
        yield register
        register.flush()
        if write:
            from .sealing import seal

            seal(register)
    except errors as exc:
        connection.rollback()
        connection.close()
        raise StorageError(
            _("the register at {describe} cannot be used: {exc}").format(describe=storage._describe(url), exc=exc)
        ) from None
    except BaseException:
        connection.rollback()
        connection.close()
        raise
    try:
        connection.commit()
    except errors as exc:
        raise StorageError(
            _("the register at {describe} cannot be used: {exc}").format(describe=storage._describe(url), exc=exc)
        ) from None
    finally:
        connection.close()


def _driver_errors(dialect: str) -> tuple[type[Exception], ...]:
    if dialect == "sqlite":
        import sqlite3

        return (sqlite3.Error,)
    import psycopg

    return (psycopg.Error,)


def _connect(url: str, path: Any, dialect: str, write: bool) -> Register:
    connection = _sqlite_connect(str(path), write=write) if path is not None else _server_connect(url)
    return Register(connection, dialect)


def _schema_current(register: Register) -> bool:
    from .db import SCHEMA_VERSION

    if register.dialect != "sqlite":
        register.connection.execute("SAVEPOINT schema_check")
    try:
        current = register.scalar("schema_version")
    except Exception:  # no version table: a new register, or a database that is not one
        if register.dialect != "sqlite":
            register.connection.execute("ROLLBACK TO SAVEPOINT schema_check")
        return False
    return bool(current == SCHEMA_VERSION)


def over_session(session: Session) -> Register:
    """The statements on a Session's connection, inside its transaction."""
    session.flush()
    connection = session.connection()
    register = Register(connection.connection.driver_connection, connection.dialect.name)
    register.clock_mark = session.info.get("clock_mark")
    return register
