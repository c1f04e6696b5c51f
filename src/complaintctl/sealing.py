"""Sealing the history: every write transaction chains the history entries it wrote just
before it commits, and seals into the last entry about each complaint the complaint's
state as the transaction leaves it (chain.state_digest). A row of the complaint, its
deadlines, contact log, declared fields or attachments changed afterwards behind the
tool's back no longer matches its seal; `verify` says which part.

Storage: both transaction wrappers (dbapi.open_register, db.open_session) call `seal`
on every write, so no use case can forget to.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from .chain import GENESIS, entry_hash, state_digest
from .dbapi import Entity, Register

# Per part of a complaint's state: the statement reading its rows for some complaints, and
# the one reading them for every complaint in complaint order (verify). Each row starts
# with the complaint's id.
PARTS = ("complaint", "deadlines", "contacts", "fields", "attachments")


def new_nonce() -> str:
    """A complaint's random salt for its personal digests (chain.personal_digest)."""
    return os.urandom(16).hex()


def authenticated_login(register: Register) -> str:
    """Who writes, as the system vouches for it: the database's session_user on a server,
    the account running the tool on a SQLite file (not LOGNAME or USER: anyone sets those)."""
    login: str | None = register.memo.get("login")
    if login is None:
        if register.dialect == "sqlite":
            from .db import os_login

            login = os_login()
        else:
            login = str(register.scalar("session_user"))
        register.memo["login"] = login
    return login


def chain_head(register: Register) -> Entity:
    """The chain's newest link, locked for this transaction (writers append one at a time,
    and on PostgreSQL take their entries' ids in the chain's order)."""
    head: Entity | None = register.memo.get("chain_head")
    if head is None:
        head = register.entity("chain_head", "chain_head_locked")
        if head is None:
            head = register.add("chain_head", id=1, last_hash=GENESIS, entries=0)
        register.memo["chain_head"] = head
    return head


def states_of(register: Register, ids: list[int]) -> dict[int, tuple[str | None, str]]:
    """The nonce and the current state of each complaint."""
    out: dict[int, tuple[str | None, str]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        parts: dict[int, dict[str, list[Any]]] = {cid: {} for cid in chunk}
        nonces: dict[int, str | None] = {}
        for part in PARTS:
            for row in register.tuples(f"state_{part}", ids=chunk):
                parts[row[0]].setdefault(part, []).append(row)
                if part == "complaint":
                    nonces[row[0]] = row[-1]
        for cid in chunk:
            if cid in nonces:
                out[cid] = (nonces[cid], state_digest(parts[cid]))
    return out


def all_states(register: Register) -> Iterator[tuple[int, str]]:
    """Every complaint's id and current state, in id order, reading each table once."""
    streams = {part: register.stream(f"state_all_{part}") for part in PARTS}
    waiting: dict[str, Any] = {part: next(stream, None) for part, stream in streams.items()}
    for row in register.stream("state_all_complaint"):
        cid = row[0]
        parts: dict[str, list[Any]] = {"complaint": [row]}
        for part in PARTS[1:]:
            stream, found = streams[part], waiting[part]
            while found is not None and found[0] < cid:  # rows of a complaint no longer there
                found = next(stream, None)
            rows = []
            while found is not None and found[0] == cid:
                rows.append(found)
                found = next(stream, None)
            waiting[part] = found
            parts[part] = rows
        yield cid, state_digest(parts)


def seal(register: Register) -> None:
    """Chain the history entries this transaction wrote, sealing each complaint's state
    into the last one about it. Called by the transaction wrappers before they commit."""
    pending = register.tuples("history_unsealed")
    if not pending:
        return
    head = chain_head(register)
    last_of: dict[int, int] = {}
    for row in pending:
        if row[1] is not None:
            last_of[row[1]] = row[0]
    head.last_hash = _chain(register, pending, last_of, head.last_hash, authenticated_login(register))
    head.entries += len(pending)
    register.save(head)


def _chain(register: Register, entries: list[Any], last_of: dict[int, int], previous: str, login: str | None) -> str:
    """Hash the entries in order after `previous`, sealing the state of each complaint whose
    last entry is among them, and marking them as written by `login` (None: each keeps the
    login it has); the last hash."""
    states = states_of(register, [cid for entry_id, cid, *_ in entries if cid is not None and last_of.get(cid) == entry_id])
    sealed = []
    for entry_id, cid, at, recorded_at, actor, action, changes, reason, kept_login in entries:
        login_of_entry = kept_login if login is None else login
        nonce, state = states.get(cid, (None, None))
        if last_of.get(cid) != entry_id:
            state = None
        if cid is not None and cid not in states:  # its last entry comes later (rechain)
            nonce = register.memo.get(("nonce", cid), "?")
            if nonce == "?":
                nonce = register.memo[("nonce", cid)] = register.scalar("complaint_nonce", id=cid)
        digest = entry_hash(
            previous,
            complaint_id=cid,
            at=at,
            recorded_at=recorded_at,
            actor=actor,
            action=action,
            changes=changes,
            reason=reason,
            nonce=nonce,
            state=state,
            login=login_of_entry,
        )
        sealed.append({"key_id": entry_id, "prev_hash": previous, "hash": digest, "state": state, "login": login_of_entry})
        previous = digest
    register.execute_many("history_sealed", sealed)
    return previous


def rechain(register: Register) -> tuple[str, int]:
    """Give every complaint a nonce, seal its state and chain the whole history again from
    the first entry (migration 0016, when personal digests became salted). The previous
    head and entry count are returned, to be recorded."""
    head = chain_head(register)
    before = (head.last_hash, head.entries)
    forgotten = set(register.scalars("complaints_forgotten"))
    register.execute_many(
        "complaint_nonce_set",
        [{"key_id": cid, "nonce": new_nonce()} for cid in register.scalars("complaint_ids") if cid not in forgotten],
    )
    register.execute("history_unseal_all")
    last_of = {cid: last for cid, last in register.tuples("history_last_per_complaint")}
    previous, entries, after = GENESIS, 0, 0
    while batch := register.tuples("history_unsealed_after", after=after, limit=20_000):
        previous = _chain(register, batch, last_of, previous, None)
        entries += len(batch)
        after = batch[-1][0]
        register.memo = {"chain_head": head, "login": register.memo.get("login")}  # the nonces read for this batch
    head.last_hash, head.entries = previous, entries
    register.save(head)
    return before
