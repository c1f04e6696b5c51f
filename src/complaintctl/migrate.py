"""Schema migrations with alembic, for SQLite and PostgreSQL alike.

Imported only when a register is new or older than the tool (see db.ensure_schema).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import StorageError
from .i18n import _

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Engine


def _config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    return config


def head() -> str:
    """The newest revision the tool knows."""
    from alembic.script import ScriptDirectory

    revision = ScriptDirectory.from_config(_config()).get_current_head()
    assert revision is not None
    return revision


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory.from_config(_config()).walk_revisions()}


def upgrade(engine: Engine, current: str | None) -> None:
    """Bring the register to the newest schema.

    A register stamped with a revision this tool does not know was written by a newer
    tool: it is refused, never written. An existing SQLite file is copied aside first.
    """
    from alembic import command

    if current is not None and current not in known_revisions():
        raise StorageError(
            _(
                "this register has schema {current}, newer than this complaintctl knows; upgrade complaintctl (pip install -U complaintctl)"
            ).format(current=current)
        )
    if current is not None:
        _backup_sqlite(engine, current)
    config = _config()
    sqlite = engine.url.get_backend_name() == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            # A batch migration rebuilds tables that others refer to; SQLite checks
            # foreign keys again once it is done (foreign_key_check below).
            # (on the driver's connection: inside a transaction the pragma does nothing)
            connection.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")  # type: ignore[union-attr]
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise StorageError(
                            _("the upgrade would break {count} references; the register was left as it was").format(
                                count=len(broken)
                            )
                        )
        finally:
            if sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys = ON")  # type: ignore[union-attr]


def _backup_sqlite(engine: Engine, current: str) -> None:
    database = engine.url.database
    if engine.url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return
    source = Path(database)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = source.with_name(f"{source.name}.schema-{current}.{stamp}.bak")
    from .backup import private_copy

    private_copy(source, target)  # created 0600 before a byte is written
