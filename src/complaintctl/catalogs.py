"""The message catalogs, for the maintainers: `python -m complaintctl.catalogs` extracts
every message (the `_()`, `N_()` and `ngettext()` texts, and the commands' docstrings,
which are their help), merges them into `locale/<lang>/LC_MESSAGES/complaintctl.po`
(new ones untranslated, vanished ones dropped) and compiles each .po to the .mo that
gettext reads at run time. Needs Babel (`pip install -e '.[test]'`); the tool itself
never imports this module.

A message needs a translation in a catalog when it is written in the other language:
zh_CN translates every message with English words in it, en every message with Chinese
characters in it (`needs_translation`). The test suite checks that both catalogs are
complete, that a translation keeps the message's {fields}, and that the committed .mo
files are what Babel compiles from the .po files.
"""

from __future__ import annotations

import inspect
import io
import re
import sys
from pathlib import Path
from typing import Any

from .i18n import DOMAIN, LANGUAGES

ROOT = Path(__file__).resolve().parent
LOCALE = ROOT / "locale"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "NN_": (1, 2)}
_CJK = re.compile(r"[\u3400-\u9fff\uff01-\uff5e\u3000-\u303f]")
# Words that stay as they are in a Chinese sentence: the tool's name, codes and units.
_ENGLISH = re.compile(r"[A-Za-z]{2,}")
_FIELD = re.compile(r"\{[^{}]*\}")


def needs_translation(message: str, language: str) -> bool:
    """Whether `message` is written in the other language than `language`."""
    if language == "en":
        return bool(_CJK.search(message))
    words = _FIELD.sub("", message)
    words = re.sub(r"`[^`]*`|--?[a-z][\w-]*|\b(?:complaintctl|COMPLAINTCTL_\w+|TS-\d+)\b", "", words)
    return bool(_ENGLISH.search(words))


def fields_of(message: str) -> list[str]:
    """The {fields} a message formats, in order of first appearance."""
    return sorted(set(_FIELD.findall(message)))


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(language: str) -> Path:
    return po_path(language).with_suffix(".mo")


def extracted() -> dict[Any, list[tuple[str, int]]]:
    """Every message of the tool (an id, or a (singular, plural) pair) and where it is written."""
    from babel.messages.extract import extract_from_dir

    found: dict[Any, list[tuple[str, int]]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        if "migrations" in filename or filename.startswith("catalogs"):
            continue
        found.setdefault(message, []).append((filename, lineno))
    for _name, doc in command_docs():
        found.setdefault(doc, []).append(("cli.py", 0))
    return found


def command_docs() -> list[tuple[str, str]]:
    """Each command's docstring (its help), cleaned as Click shows it."""
    from . import cli

    docs = []
    apps = [("", cli.app)] + [(g.name or "", g.typer_instance) for g in cli.app.registered_groups if g.typer_instance]
    for prefix, app in apps:
        if app.info.help and isinstance(app.info.help, str):
            docs.append((prefix, app.info.help))
        for info in app.registered_commands:
            if info.callback is not None and info.callback.__doc__:
                docs.append((f"{prefix} {info.name}".strip(), inspect.cleandoc(info.callback.__doc__)))
    return docs


def read(language: str) -> Any:
    from babel.messages.pofile import read_po

    with po_path(language).open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def compiled(catalog: Any) -> bytes:
    """The .mo Babel compiles from a catalog."""
    from babel.messages.mofile import write_mo

    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def update() -> None:
    """Merge the messages into every .po and compile each to its .mo."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    messages = extracted()
    for language in LANGUAGES:
        path = po_path(language)
        old = read(language) if path.exists() else Catalog(locale=language, domain=DOMAIN)
        new = Catalog(locale=language, domain=DOMAIN, project="complaintctl", charset="utf-8")
        new.fuzzy = False
        for message, locations in messages.items():
            key = message[0] if isinstance(message, tuple) else message
            before = old.get(key)
            string: Any = ("", "") if isinstance(message, tuple) else ""
            if before is not None and isinstance(before.string, tuple) == isinstance(message, tuple):
                string = before.string  # kept unless the message gained or lost its plural
            new.add(message, string, locations=sorted(set(locations))[:3])
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, new, width=0, omit_header=False, sort_output=False, include_lineno=False)
        mo_path(language).write_bytes(compiled(read(language)))
        missing = [m.id for m in read(language) if m.id and not m.string and needs_translation(str(m.id), language)]
        sys.stderr.write(f"{path.relative_to(ROOT.parent.parent)}: {len(new)} messages, {len(missing)} untranslated\n")


if __name__ == "__main__":
    update()
