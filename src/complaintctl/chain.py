"""Tamper evidence: every history entry carries a hash over its content and the previous
entry's hash, so an entry edited, removed or inserted behind the tool's back shows.

Customers' personal values (name, contact, and the fields an office declares, `field.KEY`,
any of which its rules may mark personal) enter the hash as H(nonce‖value), the nonce
being the complaint's own random one, so that `forget` can erase them from the history
and the chain still verifies: the entry keeps the digest, `forget` deletes the value and
the nonce, and without the nonce a digest of an 11-digit mobile number cannot be tried
against every number.

The last entry a transaction writes about a complaint also carries the complaint's
*state*: digests of its row, its deadlines, its contact log, its declared fields and its
attachments as they are at commit (`state_digest`). The chain covers the state, so a row
of any of those tables changed behind the tool's back no longer matches the state its
last entry sealed.

Pure: entries in, hashes and findings out.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from typing import Any

from .fields import FREE_TEXT
from .fields import PERSONAL as PERSONAL_FIELDS

DECLARED = "field."  # a declared field's key in an entry's changes
# The changes whose values enter the hash salted, and so can be erased: the customer's
# name and contact, the free text that may quote them, a contact's note.
PERSONAL = (*PERSONAL_FIELDS, *FREE_TEXT, "contact_entry", "attachments")
_PERSONAL = frozenset(PERSONAL)


def _personal(field: str) -> bool:
    return field in _PERSONAL or field.startswith(DECLARED)


GENESIS = "0" * 64
FORGOTTEN = "forgotten"


def personal_digest(value: Any, nonce: str | None = None) -> str:
    """H(nonce‖value): how a personal value enters the chain."""
    data = json.dumps(value, ensure_ascii=False)
    if nonce:
        data = f"{nonce}\x1f{data}"
    return "sha256:" + hashlib.sha256(data.encode("utf-8")).hexdigest()


def is_forgotten(value: Any) -> bool:
    return isinstance(value, dict) and FORGOTTEN in value


def _canonical_value(value: Any, nonce: str | None) -> Any:
    if is_forgotten(value):
        return value[FORGOTTEN]
    if value is None:
        return None
    return personal_digest(value, nonce)


def canonical_changes(changes: dict[str, Any], nonce: str | None = None) -> dict[str, Any]:
    """The changes as hashed: personal values replaced by their digests."""
    out = {}
    for field, pair in changes.items():
        if _personal(field) and isinstance(pair, list):
            out[field] = [_canonical_value(v, nonce) for v in pair]
        else:
            out[field] = pair
    return out


def forgotten_fields(changes: dict[str, Any]) -> list[str]:
    """The fields of an entry's changes whose values were erased (forget)."""
    return [f for f, pair in changes.items() if isinstance(pair, list) and any(is_forgotten(v) for v in pair)]


def _plain(value: Any) -> Any:
    """A column's value in one form whatever the engine returned."""
    if isinstance(value, datetime):
        return instant(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


STATE_PARTS = ("complaint", "deadlines", "contacts", "fields", "attachments")


def state_digest(parts: dict[str, list[Any]]) -> str:
    """The complaint's state as sealed into the chain: per part (its row, its deadlines, its
    contact log, its declared fields, its attachments), a digest of the rows in order."""
    out = {}
    for part in STATE_PARTS:
        rows = [[_plain(v) for v in row] for row in parts.get(part, ())]
        text = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
        out[part] = hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
    return json.dumps(out, separators=(",", ":"))


def state_differences(sealed: str, current: str) -> list[str]:
    """The parts of a complaint's state that differ from what was sealed."""
    try:
        was = json.loads(sealed)
    except ValueError:
        return list(STATE_PARTS)
    now = json.loads(current)
    return [part for part in STATE_PARTS if was.get(part) != now.get(part)]


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
    nonce: str | None = None,
    state: str | None = None,
    login: str | None = None,
) -> str:
    """The hash of one history entry chained to the one before it.

    `changes` is the stored JSON text or the dict it holds; stored text is hashed as it
    is unless it holds personal values (then their digests, salted with the complaint's
    `nonce`, are hashed instead). `state` is the complaint's sealed state, if the entry
    carries it.
    """
    if isinstance(changes, str):
        text = changes
        if any(f'"{field}' in text for field in (*PERSONAL, DECLARED)):
            text = changes_text(canonical_changes(json.loads(text), nonce))
    else:
        text = changes_text(canonical_changes(changes, nonce) if any(_personal(f) for f in changes) else changes)
    body = "\x1f".join(
        (
            str(complaint_id),
            instant(at),
            instant(recorded_at),
            actor,
            action,
            text,
            canonical_reason(reason, nonce),
            state or "",
            login or "",
        )
    )
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


FORGOTTEN_REASON = "forgotten:"  # a reason erased by `forget`: the prefix and its digest


def canonical_reason(reason: str | None, nonce: str | None) -> str:
    """An entry's reason as hashed: free text, so salted like a personal value."""
    if not reason:
        return ""
    if reason.startswith(FORGOTTEN_REASON + "sha256:"):
        return reason[len(FORGOTTEN_REASON) :]
    return personal_digest(reason, nonce)


def forget_reason(reason: str | None, nonce: str | None) -> str | None:
    """An entry's reason erased, its digest kept."""
    if not reason or reason.startswith(FORGOTTEN_REASON):
        return reason
    return FORGOTTEN_REASON + personal_digest(reason, nonce)


def forget_values(changes: dict[str, Any], nonce: str | None) -> dict[str, Any]:
    """The changes with every value hashed with the complaint's nonce (name, contact, every
    declared field) replaced by a marker holding only its digest: once the nonce is gone,
    nothing else could be hashed again."""
    out = dict(changes)
    for field, pair in changes.items():
        if _personal(field) and isinstance(pair, list):
            out[field] = [v if v is None or is_forgotten(v) else {FORGOTTEN: personal_digest(v, nonce)} for v in pair]
    return out
