"""Reasons kept in the register in no language: a message id and its values, shown in
the reader's language when read.

A decision's terms (why a severity, a category) and a deadline's basis are stored when
they are made, and read later by whoever shows the case, maybe in the other language
(two offices sharing a register, a manager reading in English). So the rule module
returns each reason as `term(message, **values)`: the message as written for `_()`
and its values; a value is text, a number, or a term itself (a label to translate,
`label("重大")`, or a phrase). `shown()` turns a stored reason into text. Text stored
before reasons were kept this way is shown as it was written.

Pure: the standard library and the message door only.
"""

from __future__ import annotations

from typing import Any

from .i18n import _, ngettext

_MARKS = ('["', '[["', '[[["')  # how a term (or several) begins once encoded


# json is imported inside the functions: `list` and the cron check read no reason, and
# importing it costs every start ~1 ms.


def term(message: str | tuple[str, str], **values: Any) -> str:
    """A reason: `message` (marked for the catalogs where it is written) with its values.
    A (singular, plural) pair, marked with `NN_`, is chosen by the value `count`."""
    import json

    kept = list(message) if isinstance(message, tuple) else message
    return json.dumps([kept, {k: _plain(v) for k, v in values.items()}], ensure_ascii=False, sort_keys=True)


def label(text: str) -> str:
    """A word the catalogs translate (a severity's label, a milestone's name)."""
    return term(text)


def joined(*terms: str) -> str:
    """Several reasons kept as one (shown separated by '; ')."""
    import json

    return json.dumps([json.loads(t) for t in terms], ensure_ascii=False, sort_keys=True)


def extended(stored: str | None, *terms: str) -> str:
    """A stored reason with more terms after it (text stored before is kept as a term)."""
    import json

    kept: list[Any] = []
    if stored and stored.startswith("["):
        try:
            value = json.loads(stored)
            kept = value if value and isinstance(value[0], list) else [value]
        except ValueError:
            kept = [[stored, {}]]
    elif stored:
        kept = [[stored, {}]]
    return json.dumps(kept + [json.loads(t) for t in terms], ensure_ascii=False, sort_keys=True)


def _plain(value: Any) -> Any:
    import json

    if isinstance(value, str) and value.startswith(_MARKS):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value if isinstance(value, (int, float)) else str(value)


def is_reason(value: object) -> bool:
    """Whether `value` is a reason kept by `term` (rather than a value or plain text)."""
    return isinstance(value, str) and value.startswith(_MARKS)


def shown(stored: str | None) -> str:
    """A stored reason in the reader's language (older plain text as written)."""
    if not stored:
        return ""
    if not stored.startswith("["):
        return stored
    import json  # imported when a reason is read, not at every start

    try:
        return _render(json.loads(stored))
    except (ValueError, KeyError, IndexError, TypeError):
        return stored


def _render(value: Any) -> str:
    if isinstance(value, list) and len(value) == 2 and isinstance(value[0], list) and isinstance(value[1], dict):
        singular, plural = value[0]
        return ngettext(singular, plural, int(value[1]["count"])).format(**{k: _render(v) for k, v in value[1].items()})
    if isinstance(value, list) and len(value) == 2 and isinstance(value[0], str) and isinstance(value[1], dict):
        return _(value[0]).format(**{k: _render(v) for k, v in value[1].items()}) if value[1] else _(value[0])
    if isinstance(value, list):
        # A term over nothing ("skipped []", kept by versions before 0.15) says nothing.
        kept = [
            i for i in value if not (isinstance(i, list) and len(i) == 2 and isinstance(i[1], dict) and "[]" in i[1].values())
        ]
        return _("; ").join(_render(item) for item in kept)
    return str(value)
