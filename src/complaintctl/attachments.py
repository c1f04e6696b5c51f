"""Where attachments' bytes are kept: once per content, named by their SHA-256.

Beside a SQLite register, in the folder `<register>.files/` (0700; files 0600), written
whole under a temporary name and renamed, so a crash leaves no half file under a real
name. On a server, in the attachment_blob table, so that every office reaches them.
Storage: the rows that say which complaint an attachment belongs to are the service's.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .db import _sqlite_path, database_url

if TYPE_CHECKING:
    from sqlmodel import Session


def folder(db: str | None) -> Path | None:
    """The folder of a SQLite register's attachments (None on a server)."""
    path = _sqlite_path(database_url(db))
    return None if path is None else folder_beside(path)


def folder_beside(register: Path) -> Path:
    return register.with_name(register.name + ".files")


def _folder_of(session: Session) -> Path | None:
    bind = session.get_bind()
    if bind.dialect.name != "sqlite" or not bind.url.database:
        return None
    return folder_beside(Path(bind.url.database))


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def put(session: Session, data: bytes) -> str:
    """Keep the bytes (once per content); their SHA-256."""
    sha = digest(data)
    where = _folder_of(session)
    if where is None:
        from sqlalchemy import text

        session.execute(
            text("INSERT INTO attachment_blob (sha256, content) VALUES (:sha, :content) ON CONFLICT (sha256) DO NOTHING"),
            {"sha": sha, "content": data},
        )
        return sha
    where.mkdir(mode=0o700, exist_ok=True)
    target = where / sha
    if not target.exists():
        temporary = where / f".{sha}.{os.getpid()}.part"
        fd = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    return sha


def get(session: Session, sha: str) -> bytes | None:
    """The bytes kept under this SHA-256 (None when they are gone)."""
    where = _folder_of(session)
    if where is None:
        from sqlalchemy import text

        found: Any = session.execute(text("SELECT content FROM attachment_blob WHERE sha256 = :sha"), {"sha": sha}).scalar()
        return bytes(found) if found is not None else None
    try:
        return (where / sha).read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None


def delete_blob_rows(session: Session, shas: list[str]) -> None:
    """On a server, delete kept bytes no attachment refers to any more, in the caller's
    transaction (`forget`); beside a SQLite register the files go after it (remove_blobs)."""
    if session.get_bind().dialect.name == "sqlite":
        return
    from sqlalchemy import text

    for sha in shas:
        session.execute(text("DELETE FROM attachment_blob WHERE sha256 = :sha"), {"sha": sha})


def remove_blobs(db: str | None, shas: list[str]) -> None:
    """Delete the files of kept bytes no attachment refers to any more (after `forget`)."""
    where = folder(db)
    if not shas or where is None:
        return
    for sha in shas:
        target = where / sha
        try:
            size = target.stat().st_size
            with open(target, "r+b") as out:  # overwritten before unlinked: the bytes leave the disk's file
                out.write(b"\0" * size)
                out.flush()
                os.fsync(out.fileno())
            target.unlink()
        except FileNotFoundError:
            pass
