"""Tamper evidence: every history entry carries a hash over its content and the previous
entry's hash, so an entry edited, removed or inserted behind the tool's back shows.

Customers' personal values (name, contact, and the fields an office declares, `field.KEY`,
any of which its rules may mark personal) enter the hash as their own digests, so that
`forget` can erase them from the history and the chain still verifies: the entry keeps
the digest, not the data.

Pure: entries in, hashes and findings out.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

PERSONAL = ("customer_name", "contact")
DECLARED = "field."  # a declared field's key in an entry's changes


def _personal(field: str) -> bool:
    return field in PERSONAL or field.startswith(DECLARED)


GENESIS = "0" * 64
FORGOTTEN = "forgotten"


def personal_digest(value: Any) -> str:
    return "sha256:" + hashlib.sha256(json.dumps(value, ensure_ascii=False).encode("utf-8")).hexdigest()


def _canonical_value(value: Any) -> Any:
    if isinstance(value, dict) and FORGOTTEN in value:
        return value[FORGOTTEN]
    if value is None:
        return None
    return personal_digest(value)


def canonical_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """The changes as hashed: personal values replaced by their digests."""
    out = {}
    for field, pair in changes.items():
        if _personal(field) and isinstance(pair, list):
            out[field] = [_canonical_value(v) for v in pair]
        else:
            out[field] = pair
    return out


def instant(value: Any) -> str:
    """A stored instant as one text whatever the engine returned: YYYY-MM-DDTHH:MM:SS.ffffff UTC."""
    if isinstance(value, str):
        if len(value) == 26 and value[10] == " ":  # SQLite's own text for a UTC instant: the common case
            return f"{value[:10]}T{value[11:]}"
        value = datetime.fromisoformat(value)
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return str(value.isoformat(timespec="microseconds"))


def changes_text(changes: dict[str, Any]) -> str:
    """How an entry's changes are stored (and, personal values aside, hashed)."""
    return json.dumps(changes, ensure_ascii=False, sort_keys=True)


def entry_hash(
    prev_hash: str,
    *,
    complaint_id: int | None,
    at: Any,
    recorded_at: Any,
    actor: str,
    action: str,
    changes: dict[str, Any] | str,
    reason: str | None,
) -> str:
    """The hash of one history entry chained to the one before it.

    `changes` is the stored JSON text or the dict it holds; stored text is hashed as it
    is unless it holds personal values (then their digests are hashed instead).
    """
    if isinstance(changes, str):
        text = changes
        if any(f'"{field}' in text for field in (*PERSONAL, DECLARED)):
            text = changes_text(canonical_changes(json.loads(text)))
    else:
        text = changes_text(canonical_changes(changes) if any(_personal(f) for f in changes) else changes)
    body = "\x1f".join((str(complaint_id), instant(at), instant(recorded_at), actor, action, text, reason or ""))
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def forget_values(changes: dict[str, Any], declared: tuple[str, ...] = ()) -> dict[str, Any]:
    """The changes with every personal value (and those of the declared fields `declared`,
    by key) replaced by a marker holding only its digest."""
    out = dict(changes)
    for field in (*PERSONAL, *(DECLARED + key for key in declared)):
        pair = out.get(field)
        if isinstance(pair, list):
            out[field] = [
                v if v is None or (isinstance(v, dict) and FORGOTTEN in v) else {FORGOTTEN: personal_digest(v)} for v in pair
            ]
    return out
