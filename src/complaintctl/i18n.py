"""Messages through one door: every human-readable string goes through `_()`.

The message ids are the texts as written in the code. A catalog for a language,
`locale/<lang>/LC_MESSAGES/complaintctl.mo` beside this module (or under
COMPLAINTCTL_LOCALEDIR), translates them; with none, a message prints as written.
The language is COMPLAINTCTL_LANG, else gettext's own LANGUAGE, LC_ALL, LC_MESSAGES,
LANG. The test suite pins COMPLAINTCTL_LANG=C, so its expectations never depend on
the machine's locale.

A message with values is written with named fields and formatted after translation,
`_("no complaint {no}").format(no=no)`, so a translation may move them. Texts kept at
import time (labels, choices) are marked with `N_()` and translated where shown.
"""

from __future__ import annotations

import os
from gettext import NullTranslations, translation
from pathlib import Path

DOMAIN = "complaintctl"

_catalog: NullTranslations | None = None


def _load() -> NullTranslations:
    global _catalog
    if _catalog is None:
        localedir = os.environ.get("COMPLAINTCTL_LOCALEDIR") or str(Path(__file__).with_name("locale"))
        language = os.environ.get("COMPLAINTCTL_LANG")
        languages = [language] if language else None
        _catalog = translation(DOMAIN, localedir, languages=languages, fallback=True)
    return _catalog


def _(message: str) -> str:
    """The message in the user's language."""
    return _load().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The message for `n` things in the user's language."""
    return _load().ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a text for the catalogs without translating it yet (it is translated where shown)."""
    return message


def reset() -> None:
    """Forget the loaded catalog (the language or catalog changed: tests, the shell)."""
    global _catalog
    _catalog = None
