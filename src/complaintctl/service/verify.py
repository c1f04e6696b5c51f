"""Checking that nobody rewrote the register: the history's hash chain; every
complaint's current values against what its history says, and its whole state (row,
deadlines, contact log, declared fields, attachments) against the state its last entry
sealed (sealing.py); values erased only with a `forget` entry; the office rules against
the digest their installation recorded; and, given an anchor (a file kept outside the
register), that the chain still passes through the head it held then. Read-only.

Walks the rows through the driver's cursor (no ORM objects): a million history entries
take seconds, not minutes.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from .. import fields
from ..chain import GENESIS, entry_hash, forgotten_fields, instant, state_differences
from ..i18n import _

# Parts of a complaint's state, as `verify` names them.
PART_NAMES = {
    "complaint": "its row (a column the history does not replay: number, received date, explanation, incident link ...)",
    "deadlines": "its deadlines",
    "contacts": "its contact log",
    "fields": "its declared fields",
    "attachments": "its attachments",
}

# Actions that record something about the case without changing its fields.
NOT_CHANGES = ("breached", "missed", "load_alert", "notified")
# Keys of `changes` that are not columns of the complaint.
NOT_FIELDS = (
    "contact_entry",
    "imported_step",
    "meets",
    "linked",
    "source",
    "source_no",
    "incident_no",
    "milestone",
    "due_at",
    "clock",
    "alert",
    "late_extension",
    "attachments",
    # what a step of the office's procedure recorded beside its fields
    "step",
    "note",
    "parts",
    "preventive",
    "owner",
    "steps",
    "method",
    "level",
)
TIME_FIELDS = fields.TIME_FIELDS
# The columns checked against the history: the registry's chained fields.
COLUMNS = fields.CHAINED


def _same(field: str, current: Any, recorded: Any) -> bool:
    if current is None or recorded is None:
        return current is None and recorded is None
    if field in TIME_FIELDS:
        return instant(current) == instant(recorded)
    if fields.BY_NAME[field].kind == "flag":
        return bool(current) == bool(recorded)
    if isinstance(recorded, (int, float)) and not isinstance(recorded, bool):
        return bool(current == recorded)
    return str(current) == str(recorded)


def verify(session: Session, *, anchored: int | None = None) -> dict[str, Any]:
    """Every problem found, by complaint number; `intact` when there is none. With
    `anchored`, the hash of that many entries in is given as `anchored_hash`."""
    from ..dbapi import over_session
    from ..sealing import all_states

    conn = session.connection()
    numbers: dict[int, str] = {cid: no for cid, no in conn.execute(text("SELECT id, no FROM complaint"))}
    problems: list[dict[str, Any]] = []

    def problem(complaint_id: int | None, entry: int | None, what: str) -> None:
        problems.append(
            {
                "no": numbers.get(complaint_id, _("(complaint id {complaint_id})").format(complaint_id=complaint_id))
                if complaint_id
                else None,
                "entry": entry,
                "problem": what,
            }
        )

    # The driver's own cursor: SQLAlchemy's result layer costs a second per million rows here.
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    cursor.execute(
        "SELECT h.id, h.complaint_id, h.at, h.recorded_at, h.actor, h.action, h.changes, h.reason, h.prev_hash, h.hash,"
        " h.state, c.nonce, h.login FROM history_entry h LEFT JOIN complaint c ON c.id = h.complaint_id ORDER BY h.id"
    )
    result = cursor
    previous_hash = GENESIS  # the hash of the entry before, in id order
    before_previous = GENESIS  # and of the one before that
    pending: tuple[int, int] | None = None  # an entry whose link is broken: removed before it, or itself inserted?
    replayed: dict[int, dict[str, Any]] = {}
    sealed: dict[int, tuple[int, str]] = {}  # per complaint, the state its last sealing entry holds
    erased: dict[int, tuple[int, list[str]]] = {}  # per complaint, its newest entry holding erased values
    forgotten_at: dict[int, int] = {}  # per complaint, its newest `forgotten` entry
    rules_digest: str | None = None
    anchored_hash = None
    entries = 0
    while rows := result.fetchmany(20_000):
        for entry_id, cid, at, recorded_at, actor, action, changes_text_, reason, prev_hash, stored, state, nonce, login in rows:
            entries += 1
            if pending is not None:
                if prev_hash == before_previous and prev_hash != previous_hash:
                    problem(pending[1], pending[0], _("history entry inserted behind the tool's back (the chain runs around it)"))
                else:
                    problem(pending[1], pending[0], _("an entry before this one was removed (the chain is broken here)"))
                pending = None
            try:
                changes = json.loads(changes_text_)
            except (TypeError, ValueError):
                changes = None
            if prev_hash != previous_hash and prev_hash != before_previous:
                pending = (entry_id, cid)
            if changes is None or stored != entry_hash(
                prev_hash or "",
                complaint_id=cid,
                at=at,
                recorded_at=recorded_at,
                actor=actor,
                action=action,
                changes=changes_text_,
                reason=reason,
                nonce=nonce,
                state=state,
                login=login,
            ):
                problem(
                    cid,
                    entry_id,
                    _("history entry changed ({action} at {at}): its hash does not match its content").format(
                        action=action, at=instant(at)[:16]
                    ),
                )
            if prev_hash == before_previous and prev_hash != previous_hash:
                before_previous = prev_hash  # the entry before this one was not part of the chain
            else:
                before_previous = previous_hash
            previous_hash = stored or ""
            if entries == anchored:
                anchored_hash = previous_hash
            if changes is None:
                continue
            if cid is None:  # about the register as a whole
                if action == "rules_installed" and isinstance(changes.get("rules"), list):
                    rules_digest = changes["rules"][1]
                continue
            if state:
                sealed[cid] = (entry_id, state)
            if action == "forgotten":
                forgotten_at[cid] = entry_id
            if "forgotten" in changes_text_:
                gone = forgotten_fields(changes)
                if gone:
                    erased[cid] = (entry_id, gone)
            if action in NOT_CHANGES:
                continue
            state = replayed.setdefault(cid, {})
            for field, pair in changes.items():
                if (
                    field in NOT_FIELDS
                    or field.startswith(("due.", "provisional.", "void."))
                    or not isinstance(pair, list)
                    or len(pair) != 2
                ):
                    continue
                state[field] = pair[1]

    head = conn.exec_driver_sql("SELECT last_hash, entries FROM chain_head WHERE id = 1").first()
    if pending is not None:
        if head is not None and head[0] == before_previous:
            problem(pending[1], pending[0], _("history entry inserted behind the tool's back (after the register's last entry)"))
        else:
            problem(pending[1], pending[0], _("an entry before this one was removed (the chain is broken here)"))
    elif head is not None and entries and (head[1] != entries or head[0] != previous_hash):
        missing = head[1] - entries
        problems.append(
            {
                "no": None,
                "entry": None,
                "problem": _(
                    "the chain ends at a different entry than the register recorded ({entries} entries, {expected} expected): "
                ).format(entries=entries, expected=head[1])
                + (_("the newest {missing} removed").format(missing=missing) if missing > 0 else _("entries added at the end")),
            }
        )
    elif head is None and entries:
        problems.append({"no": None, "entry": None, "problem": _("the chain's head is missing")})

    columns = ", ".join(COLUMNS)
    cursor.execute(f"SELECT id, {columns} FROM complaint ORDER BY id")
    complaints = 0
    while rows := result.fetchmany(20_000):
        for row in rows:
            complaints += 1
            cid = row[0]
            found = replayed.get(cid)
            if found is None:
                problem(cid, None, _("complaint has no history (added behind the tool's back)"))
                continue
            for field, current in zip(COLUMNS, row[1:]):
                if field in found and not _same(field, current, found[field]):
                    if isinstance(found[field], dict):  # a forgotten personal value
                        continue
                    problem(
                        cid,
                        None,
                        _("{field} is {current!r} but its history says {value!r}").format(
                            field=field, current=current, value=found[field]
                        ),
                    )
    # Each complaint's whole state against the state its last entry sealed.
    for cid, current in all_states(over_session(session)):
        seal = sealed.get(cid)
        if seal is None:
            if cid in replayed:
                problem(cid, None, _("no entry of its history seals its state (the seals were removed)"))
            continue
        differ = state_differences(seal[1], current)
        if differ:
            problem(
                cid,
                None,
                _("{parts} changed behind the tool's back (they differ from what history entry {entry} sealed)").format(
                    parts=", ".join(_(PART_NAMES[part]) for part in differ), entry=seal[0]
                ),
            )
    # Every attachment's kept bytes against the SHA-256 its row (sealed) names.
    from .. import attachments

    for cid, sha, name in conn.exec_driver_sql("SELECT complaint_id, sha256, name FROM attachment ORDER BY id").all():
        data = attachments.get(session, sha)
        if data is None:
            problem(cid, None, _("attachment {name!r} is missing (its bytes are gone)").format(name=name))
        elif attachments.digest(data) != sha:
            problem(cid, None, _("attachment {name!r} was changed (its bytes no longer match their SHA-256)").format(name=name))
    # Erased values only where a `forget` entry says they were.
    for cid, (entry_id, gone) in erased.items():
        if forgotten_at.get(cid, 0) < entry_id:
            problem(
                cid,
                entry_id,
                _("{fields} erased without a `forget` entry (its history was rewritten)").format(fields=", ".join(gone)),
            )
    # The office rules in force against the digest their installation recorded.
    rules_text = conn.exec_driver_sql("SELECT value FROM register_setting WHERE key = 'rules'").scalar()
    if rules_text is not None or rules_digest is not None:
        from .office import digest

        if rules_text is None or rules_digest is None or digest(rules_text) != rules_digest:
            problems.append(
                {
                    "no": None,
                    "entry": None,
                    "problem": _(
                        "the office rules differ from those the history says were installed (edited behind the tool's back)"
                    ),
                }
            )
    # Declared fields (complaint_field) against the history's `field.KEY` changes.
    stored_fields: dict[tuple[int, str], str] = {}
    cursor.execute("SELECT complaint_id, key, value FROM complaint_field")
    while rows := result.fetchmany(20_000):
        for cid, key, value in rows:
            stored_fields[(cid, key)] = value
    for cid, state in replayed.items():
        for name, recorded in state.items():
            if name.startswith("field.") and recorded is not None and not isinstance(recorded, dict):
                current = stored_fields.pop((cid, name[6:]), None)
                if current != recorded:
                    problem(
                        cid,
                        None,
                        _("{name} is {current!r} but its history says {recorded!r}").format(
                            name=name, current=current, recorded=recorded
                        ),
                    )
    for (cid, key), value in stored_fields.items():
        recorded = replayed.get(cid, {}).get(f"field.{key}")
        if recorded is None:
            problem(
                cid,
                None,
                _("field.{key} is {value!r} but its history never set it (added behind the tool's back)").format(
                    key=key, value=value
                ),
            )
    known = set(numbers)
    for cid in replayed:
        if cid not in known:
            problem(cid, None, _("history of a complaint that is no longer in the register (row deleted)"))
    return {
        "intact": not problems,
        "entries": entries,
        "complaints": complaints,
        "head": previous_hash,
        "problems": problems,
        **({"anchored_hash": anchored_hash} if anchored is not None else {}),
    }


def parse_anchor(text: str, source: str) -> tuple[str, int, str] | None:
    """The last head an anchor file holds: (when, entries, head); None for an empty file."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    parts = lines[-1].split("\t")
    if len(parts) != 3 or not parts[1].isdigit() or len(parts[2]) != 64:
        from ..errors import BadInput

        raise BadInput(
            _(
                "{source}: its last line is not an anchor (time, entries, head separated by tabs); give the file `verify --anchor` writes"
            ).format(source=source)
        )
    return parts[0], int(parts[1]), parts[2]


def check_anchor(report: dict[str, Any], anchor: tuple[str, int, str]) -> None:
    """Add a problem to the report unless the chain extends the anchored head."""
    at, entries, head = anchor
    if report["entries"] < entries:
        what = _("the chain holds {entries} entries, fewer than the {anchored} anchored at {at}: entries were removed").format(
            entries=report["entries"], anchored=entries, at=at
        )
    elif report.get("anchored_hash") != head:
        what = _(
            "the chain no longer passes through the head anchored at {at} (entry {entries}): the history was rewritten and chained again"
        ).format(at=at, entries=entries)
    else:
        return
    report["problems"].append({"no": None, "entry": None, "problem": what})
    report["intact"] = False


def anchor_line(report: dict[str, Any], at: str) -> str:
    return f"{at}\t{report['entries']}\t{report['head']}\n"
