"""Backups of an embedded register, and restoring one.

SQLite's online backup API copies a consistent register while others keep writing.
A PostgreSQL register is backed up with pg_dump (the message says how).
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .db import _engines, _sqlite_path, database_url
from .errors import ComplaintError, StorageError
from .i18n import _


class NotIntact(ComplaintError):
    exit_code = 4


def _sqlite_register(db: str | None, doing: str) -> Path:
    url = database_url(db)
    path = _sqlite_path(url)
    if path is None:
        raise StorageError(
            _(
                'cannot {doing} a PostgreSQL register from here; use pg_dump --format=custom --file=complaints.dump "$URL" (and pg_restore --clean --dbname="$URL" complaints.dump to restore)'
            ).format(doing=doing)
        )
    return path


def private_copy(source: Path, target: Path) -> None:
    """Copy a register with the online backup API into a new owner-only file."""
    fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    with sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def copy_files(register: Path, copy: Path) -> None:
    """Copy a register's attachments folder (`<register>.files`) beside its copy."""
    from .attachments import folder_beside

    source, target = folder_beside(register), folder_beside(copy)
    if not source.is_dir():
        return
    target.mkdir(mode=0o700, exist_ok=True)
    for blob in source.iterdir():
        if blob.name.startswith(".") or not blob.is_file():
            continue  # a half-written one
        kept = target / blob.name
        if not kept.exists():
            fd = os.open(kept, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(blob.read_bytes())


def default_backup_name(now: datetime) -> str:
    return f"complaintctl-backup-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}.db"


def backup(db: str | None, target: Path) -> Path:
    """A consistent copy of the register at `target` (0600), taken while others may write."""
    source = _sqlite_register(db, "back up")
    if not source.exists():
        raise StorageError(
            _(
                "no register at {source} to back up; check --db and COMPLAINTCTL_DB for a typo (`complaintctl init` creates one)"
            ).format(source=source)
        )
    if target.exists():
        raise StorageError(_("{target} exists; give a new file name").format(target=target))
    try:
        private_copy(source, target)
        copy_files(source, target)
    except (OSError, sqlite3.Error) as exc:
        target.unlink(missing_ok=True)
        raise StorageError(_("cannot write the backup {target}: {exc}").format(target=target, exc=exc)) from None
    return target


def restore(db: str | None, source: Path, verify: Callable[[str], dict[str, Any]], now: datetime) -> Path | None:
    """Put a backup in place of the register after `verify` finds it intact; the current
    register is kept aside, even one that is corrupt or not SQLite at all. Returns where it
    was kept (None: there was none)."""
    current = _sqlite_register(db, "restore")
    if not source.is_file():
        raise StorageError(_("{source}: no such backup file").format(source=source))
    with tempfile.TemporaryDirectory() as tmp:
        candidate = Path(tmp) / "candidate.db"
        try:
            private_copy(source, candidate)
            copy_files(source, candidate)
            report = verify(str(candidate))
        except (sqlite3.Error, StorageError) as exc:
            raise StorageError(
                _("{source} is not a complaint register backup ({exc}); nothing was restored").format(source=source, exc=exc)
            ) from None
        finally:
            for engine in [e for url, e in _engines.items() if str(candidate) in url]:
                engine.dispose()
        if not report["intact"]:
            raise NotIntact(
                _("{source} fails verify ({count} problem(s), e.g. {problem}); nothing was restored").format(
                    source=source, count=len(report["problems"]), problem=report["problems"][0]["problem"]
                )
            )
        aside = current.with_name(f"{current.name}.before-restore-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}")
        for engine in _engines.values():
            engine.dispose()
        kept: Path | None = aside
        try:
            # A working register: copied aside, then overwritten in place through SQLite,
            # so a clerk's command running meanwhile waits on its lock, not on a moved file.
            if not _is_register_file(current):
                raise sqlite3.DatabaseError("not a readable register")
            private_copy(current, aside)
        except sqlite3.Error:
            # Corrupt, truncated, not SQLite, or missing: the case restore is for. Moved
            # aside whole (with its -wal and -shm), never read.
            aside.unlink(missing_ok=True)
            kept = aside if _move_aside(current, aside) else None
            current.parent.mkdir(parents=True, exist_ok=True)
        from .attachments import folder_beside

        if folder_beside(current).exists():  # the attachments go aside with the register
            if kept is None:
                kept = aside
            os.replace(folder_beside(current), folder_beside(aside))
        copy_files(candidate, current)
        with sqlite3.connect(candidate) as src, sqlite3.connect(current) as dst:
            src.backup(dst)
        src.close()
        dst.close()
        os.chmod(current, 0o600)
    return kept


def _is_register_file(path: Path) -> bool:
    """Whether `path` is a SQLite database SQLite can read through (integrity aside)."""
    if not path.is_file():
        return False
    try:
        with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as conn:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.close()
    except sqlite3.Error:
        return False
    return True


def _move_aside(current: Path, aside: Path) -> bool:
    """Move the file and its -wal and -shm to `aside`; whether there was a file."""
    moved = False
    for suffix in ("", "-wal", "-shm"):
        part = current.with_name(current.name + suffix)
        if part.exists():
            os.replace(part, aside.with_name(aside.name + suffix))
            moved = moved or not suffix
    return moved
