"""Where the register lives and how it is opened.

`--db PATH_OR_URL`, else `COMPLAINTCTL_DB`, else a SQLite file in the user's data
directory. A new SQLite file is created owner-only (0600) and put in WAL mode; every
connection turns foreign keys on and waits for a busy lock instead of failing.
Writing sessions on SQLite start with BEGIN IMMEDIATE so two writers queue up
rather than deadlock when both upgrade a read lock.

The schema is versioned with alembic. Opening compares one row (alembic_version)
with SCHEMA_VERSION; alembic itself is imported only when the register is new or
older than the tool.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import StorageError
from .i18n import _

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

# The newest migration in migrations/versions; a test keeps the two in step.
SCHEMA_VERSION = "0018"

BUSY_TIMEOUT_MS = 30_000


def default_path() -> Path:
    """The register file used when neither --db nor COMPLAINTCTL_DB names one."""
    from platformdirs import user_data_path

    return user_data_path("complaintctl", appauthor=False) / "register.db"


class MissingRegister(StorageError):
    """The register named by --db, COMPLAINTCTL_DB or the default does not exist (yet)."""


def chosen_explicitly(db: str | None = None) -> bool:
    """Whether --db or COMPLAINTCTL_DB names the register (not the default location)."""
    return bool(db or os.environ.get("COMPLAINTCTL_DB"))


def database_url(db: str | None = None) -> str:
    """The SQLAlchemy URL of the register chosen by --db, the environment or the default."""
    value = db or os.environ.get("COMPLAINTCTL_DB") or ""
    if "://" in value:
        return value
    path = Path(value).expanduser() if value else default_path()
    return f"sqlite:///{path}"


def _sqlite_path(url: str) -> Path | None:
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return None
    rest = url[len(prefix) :].split("?", 1)[0]
    if rest in ("", ":memory:"):
        return None
    return Path(rest)


def _create_private_file(path: Path) -> None:
    """Create an empty register file that only its owner can read (0600)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise StorageError(
            _("cannot create the register {path}: {strerror}; choose another place with --db").format(
                path=path, strerror=exc.strerror
            )
        ) from None
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    except OSError as exc:
        raise StorageError(
            _("cannot create the register {path}: {strerror}; choose another place with --db").format(
                path=path, strerror=exc.strerror
            )
        ) from None
    os.close(fd)


_engines: dict[str, Engine] = {}


def get_engine(url: str) -> Engine:
    """The engine for `url`, built once per process (the interactive shell reuses it)."""
    engine = _engines.get(url)
    if engine is None:
        engine = _build_engine(url)
        _engines[url] = engine
    return engine


def close_all() -> None:
    """Close every pooled connection (a SQLite register checkpoints its WAL as the last
    one closes; a PostgreSQL server sees a clean goodbye)."""
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()
    _checked.clear()


def _build_engine(url: str) -> Engine:
    from sqlalchemy import create_engine, event

    path = _sqlite_path(url)
    if path is not None:
        if not path.exists():
            _create_private_file(path)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            # Let SQLAlchemy, not the driver, decide when a transaction begins.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):  # type: ignore[no-untyped-def]
            mode = conn.get_execution_options().get("sqlite_begin", "")
            conn.exec_driver_sql(f"BEGIN {mode}".strip())

        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except Exception as exc:  # a malformed URL or a missing driver
        raise StorageError(_("cannot use the database URL {url!r}: {exc}").format(url=url, exc=exc)) from None


def ensure_schema(engine: Engine) -> None:
    """Create or upgrade the register's schema; refuse a register newer than the tool.
    On a SQLite file, one process at a time does it: the others wait, then find it done."""
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError, ProgrammingError

    try:
        with engine.connect() as conn:
            if conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_VERSION:
                return
    except (OperationalError, ProgrammingError):
        pass
    with _schema_lock(engine):
        _ensure_schema(engine)


@contextmanager
def _schema_lock(engine: Engine) -> Iterator[None]:
    """An exclusive flock on the register's folder while its schema is made or upgraded:
    clerks who first use a new register at once would otherwise find it half made
    ("database is locked", or tables without a version). The folder, not the file: closing
    any descriptor of the database file would drop the POSIX locks SQLite holds on it in
    this process (SQLite's documentation warns of exactly that)."""
    path = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
    if not path or path == ":memory:" or not os.path.exists(path):
        yield
        return
    import fcntl

    folder = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        yield
    finally:
        os.close(folder)  # releases the flock


def _ensure_schema(engine: Engine) -> None:
    from sqlalchemy import inspect, text
    from sqlalchemy.exc import OperationalError, ProgrammingError

    try:
        with engine.connect() as conn:
            current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except (OperationalError, ProgrammingError):
        # No version table: a new register, or a database that is not a register at all.
        tables = inspect(engine).get_table_names()
        if tables:
            raise StorageError(
                _(
                    "the database holds tables ({tables}, ...) but is not a complaint register; point --db at a register or at a new file"
                ).format(tables=", ".join(sorted(tables)[:3]))
            ) from None
        current = None
    if current == SCHEMA_VERSION:
        return
    from . import migrate

    if current is not None and engine.url.get_backend_name() != "sqlite":
        # A shared server register is upgraded once, on purpose, after a backup.
        if current not in migrate.known_revisions():
            migrate.upgrade(engine, current)  # refuses: newer than the tool
        raise StorageError(
            _(
                "the register has schema {current}, older than this complaintctl ({SCHEMA_VERSION}); back it up with pg_dump, then run `complaintctl db upgrade` once"
            ).format(current=current, SCHEMA_VERSION=SCHEMA_VERSION)
        )
    migrate.upgrade(engine, current)


def current_version(db: str | None = None) -> tuple[str, str | None]:
    """The register's description and its schema version (None: not created yet)."""
    from sqlalchemy import text
    from sqlalchemy.exc import DatabaseError

    url = database_url(db)
    path = _sqlite_path(url)
    if path is not None and not path.exists():
        return _describe(url), None
    try:
        if path is None:
            from sqlalchemy import inspect

            if "alembic_version" not in inspect(get_engine(url)).get_table_names():
                return _describe(url), None
        with get_engine(url).connect() as conn:
            return _describe(url), conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DatabaseError:
        return _describe(url), None


def upgrade(db: str | None = None) -> tuple[str | None, str]:
    """Bring the register to this tool's schema (a SQLite file is copied aside first)."""
    from . import migrate

    url = require_register(db, create="always")
    before = current_version(db)[1]
    try:
        migrate.upgrade(get_engine(url), before)
    except Exception as exc:
        from sqlalchemy.exc import DatabaseError

        if isinstance(exc, DatabaseError):
            raise StorageError(
                _("the register at {describe} cannot be upgraded: {orig}").format(describe=_describe(url), orig=exc.orig)
            ) from None
        raise
    _checked.add(url)
    return before, SCHEMA_VERSION


_checked: set[str] = set()


def require_register(db: str | None = None, *, create: str = "never") -> str:
    """The register's URL, after checking it exists. A typo in --db or a crontab must not
    become a second, empty register that answers "nothing overdue": `create` says when a
    missing one may be made: "always" (init, restore, db upgrade), "default" (log and
    import: only at the default location, as a new office following the README does) or
    "never" (everything that reads or checks). Refusing creates no file and no folder."""
    url = database_url(db)
    if url in _checked:
        return url
    path = _sqlite_path(url)
    if path is not None:
        if path.exists():
            return url
        if create == "always" or (create == "default" and not chosen_explicitly(db)):
            return url
        raise MissingRegister(
            _(
                "no register at {path}; create one with `complaintctl init --db {path}`, or check --db and COMPLAINTCTL_DB for a typo"
            ).format(path=path)
        )
    if create == "always":
        return url
    try:
        from sqlalchemy import inspect

        if "alembic_version" not in inspect(get_engine(url)).get_table_names():
            raise MissingRegister(
                _(
                    "the database {describe} holds no register yet; create it with `complaintctl init --db URL` (or `complaintctl db upgrade`), or check the URL for a typo"
                ).format(describe=_describe(url))
            )
    except MissingRegister:
        raise
    except Exception as exc:
        from sqlalchemy.exc import DatabaseError

        if isinstance(exc, DatabaseError):
            raise StorageError(
                _("the register at {describe} cannot be used: {orig}").format(describe=_describe(url), orig=exc.orig)
            ) from None
        raise
    return url


@contextmanager
def open_session(db: str | None = None, *, write: bool, create: str = "never") -> Iterator[Session]:
    """A session on the register, in one transaction: committed at the end of the
    block, rolled back if it raises (Ctrl-C included). A missing register is refused
    unless `create` allows it (see `require_register`)."""
    from sqlalchemy.exc import DatabaseError
    from sqlmodel import Session

    url = require_register(db, create=create)
    try:
        engine = get_engine(url)
        if url not in _checked:
            ensure_schema(engine)
            _checked.add(url)
        bind = engine.execution_options(sqlite_begin="IMMEDIATE") if write else engine
        with Session(bind, expire_on_commit=False) as session:
            with session.begin():
                yield session
                if write:
                    from .dbapi import over_session
                    from .sealing import seal

                    seal(over_session(session))
    except DatabaseError as exc:
        raise StorageError(
            _("the register at {describe} cannot be used: {orig}").format(describe=_describe(url), orig=exc.orig)
        ) from None


def setting(db: str | None, key: str) -> str | None:
    """A setting of the register itself (None when unset or there is no register)."""
    from .dbapi import open_register

    try:
        with open_register(db, write=False) as register:
            found: str | None = register.scalar("register_setting", key=key)
            return found
    except MissingRegister:
        return None


def init(db: str | None = None, *, demo: bool) -> tuple[str, bool]:
    """Create the register (or find it already there); `demo` marks a new one as a
    demonstration register, on which a set clock is honoured. Returns where it is and
    whether it was created."""
    from sqlalchemy import text

    url = database_url(db)
    existed = require_register_exists(url)
    with open_session(db, write=True, create="always") as session:
        is_demo = session.execute(text("SELECT value FROM register_setting WHERE key = 'demo'")).scalar() == "true"
        if existed and demo and not is_demo:
            raise StorageError(
                _(
                    "{describe} is a register already; a real register cannot become a demonstration one (its clock could then be set back). Give a new --db"
                ).format(describe=_describe(url))
            )
        if demo and not existed:
            session.execute(text("INSERT INTO register_setting (key, value) VALUES ('demo', 'true')"))
    return _describe(url), not existed


def require_register_exists(url: str) -> bool:
    try:
        require_register(url)
        return True
    except MissingRegister:
        return False


def _describe(url: str) -> str:
    path = _sqlite_path(url)
    if path is not None:
        return str(path)
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def erase_freed_bytes(session: Session) -> None:
    """Have SQLite overwrite what this transaction deletes or rewrites with zeros, so a
    forgotten customer's bytes leave the file's free space (PRAGMA secure_delete)."""
    from sqlalchemy import text

    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA secure_delete = ON"))


def checkpoint(db: str | None) -> bool | None:
    """Copy the WAL into the register and empty it (PRAGMA wal_checkpoint(TRUNCATE)), so
    rewritten pages leave the -wal file too. Waits for readers up to the busy timeout and
    never locks writers out for longer; False when a reader kept it from finishing, None on
    a server."""
    import sqlite3

    path = _sqlite_path(database_url(db))
    if path is None:
        return None
    with sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000) as connection:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        busy, _log, _done = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    connection.close()
    return not busy


def current_login(db: str | None) -> str:
    """Who is at the keyboard as the system vouches for it, not as they say: the account
    running the tool on a SQLite register (not LOGNAME or USER, which anyone can set), the
    database's session_user on a server."""
    if _sqlite_path(database_url(db)) is not None:
        return os_login()
    from .dbapi import open_register

    with open_register(db, write=False) as register:
        return str(register.scalar("session_user"))


def os_login() -> str:
    import os
    import pwd

    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:  # an account without a passwd entry (a container's numeric user)
        return f"uid:{os.geteuid()}"
